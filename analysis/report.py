"""The report: narrative pieces as escaped HTML, digests of the stage tables, and rendering.

Two audiences, two files from the same run:

* ``report.html`` — the reader's version: the executed ``05_report`` notebook without code,
  self-contained (figures embedded as base64 PNG, CSS and JS inline, no URL loaded).
* ``report-reviewer.html`` — every executed stage notebook, code visible, one after another.
* ``report.pdf`` — ``report.html`` printed by headless Chromium (A4) when asked for, with every
  evidence block opened so the paper holds what the screen hides behind a click.

Every string that comes from an article or a manifest passes through :func:`esc`
(``html.escape``) before it is put into markup: article text is data, never HTML.

The digests are pure functions over the run tables (columns as in ``DESIGN.md``); each accepts
``None`` or a table without optional columns and says so instead of failing, because a report
must still be written when one stage produced nothing.

Tables returned
---------------
fact_matrix
    index ``fact_id``, one bool column per outlet label (True: the outlet carried the fact),
    sorted by how many outlets carried it, then ``fact_id``.
omissions
    ``outlet, fact_id, carried_by`` (number of other outlets that carried it), ``fact``
    (representative sentence): widely carried facts an outlet did not report.
stance_ranking
    ``target, article_id, outlet, title, label, support_score, conditionality, confidence``
    plus ``top_cues`` when the stance table has it; sorted by target, then support descending.
changed_quotes
    ``cluster_id, quote_id, article_id, outlet, speaker, quote, kind, fidelity, mutation,
    reference`` (the version the others are compared with): one row per quote in a cluster in
    which at least one version differs from the others.
"""

from __future__ import annotations

import base64
import difflib
import html
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import ReportError

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STAGE_TITLES = {
    "01_clean": "1. Cleaning the corpus",
    "02_coverage": "2. Coverage overlap",
    "03_stance": "3. Stance wording",
    "04_quotes": "4. Quote fidelity",
    "05_report": "5. Report",
}
#: cell tag for notebook markdown meant for reviewers only (dropped from report.html)
REVIEWER_ONLY_TAG = "nr-reviewer-only"
#: the reader's sections, in page order: (anchor id, heading)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "The story in one minute"),
    ("articles", "The articles"),
    ("coverage", "What each outlet reported"),
    ("stance", "How each outlet framed the position"),
    ("quotes", "How quotes changed between outlets"),
    ("methods", "Methods and limitations"),
    ("provenance", "Inputs and provenance"),
)

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision
#: deficiencies; used for every figure and for the cue highlights.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "vermillion": "#D55E00", "green": "#009E73",
             "sky": "#56B4E9", "yellow": "#F0E442", "purple": "#CC79A7", "grey": "#999999",
             "black": "#000000"}
#: stance labels from most to least favourable (``analysis.stance.stance_label``) and their colours
STANCE_ORDER = ("supportive", "conditional", "skeptical", "opposed", "unclear")
STANCE_COLOURS = {"supportive": OKABE_ITO["blue"], "conditional": OKABE_ITO["sky"],
                  "skeptical": OKABE_ITO["orange"], "opposed": OKABE_ITO["vermillion"],
                  "unclear": OKABE_ITO["grey"]}
#: mutation values that mean "the quote was not changed"
UNCHANGED_MUTATIONS = frozenset({"", "none", "verbatim", "exact", "identical", "original", "same", "unchanged"})

READER_CSS = """
:root { --ink: #1b1b1b; --muted: #555; --rule: #d5d8dc; --accent: #0b5394; --paper: #fff; --tint: #f4f6f8; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: Charter, 'Bitstream Charter', Georgia, 'DejaVu Serif', serif; font-size: 17px;
       line-height: 1.6; color: var(--ink); background: var(--paper); margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 1.5em 1.5em 4em; }
h1, h2, h3, h4, nav, table, figcaption, .nr-caption, .nr-note, .nr-filter, summary, .nr-meta {
       font-family: 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif; }
h1 { font-size: 2em; line-height: 1.2; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.45em; margin: 2em 0 0.5em; padding-top: 0.4em; border-top: 2px solid var(--ink); }
h3 { font-size: 1.12em; margin: 1.4em 0 0.4em; }
p, li { max-width: 46em; }
a { color: var(--accent); }
.nr-meta { color: var(--muted); font-size: 14px; margin: 0 0 1em; }
nav.nr-toc { background: var(--tint); border: 1px solid var(--rule); padding: 0.6em 1.2em; font-size: 15px; }
nav.nr-toc ol { margin: 0.3em 0; padding-left: 1.4em; columns: 2; }
.nr-summary { font-size: 18px; }
.nr-summary li { margin: 0.35em 0; }
.nr-tablewrap { max-height: 32em; overflow: auto; border: 1px solid var(--rule); margin: 0.4em 0 0.2em; }
table.nr-table { border-collapse: collapse; font-size: 13.5px; line-height: 1.4; width: 100%; margin: 0; }
table.nr-table th, table.nr-table td { border-bottom: 1px solid var(--rule); padding: 5px 8px;
       vertical-align: top; text-align: left; }
table.nr-table td.nr-num { text-align: right; font-variant-numeric: tabular-nums; }
table.nr-table thead th { background: #e9edf1; position: sticky; top: 0; z-index: 1; }
table.nr-sortable thead th { cursor: pointer; user-select: none; white-space: nowrap; }
table.nr-table td.nr-short { white-space: nowrap; }
ul.nr-facts { padding-left: 1.2em; }
ul.nr-facts > li { margin: 0.5em 0; }
ul.nr-facts details.nr-evidence { margin: 0.1em 0 0.2em; }
.nr-rank { font-family: Arial, sans-serif; font-weight: bold; font-size: 0.85em; color: #555; }
table.nr-sortable thead th::after { content: ' \\2195'; color: #889; font-size: 11px; }
table.nr-sortable thead th[aria-sort=ascending]::after { content: ' \\25B2'; color: var(--ink); }
table.nr-sortable thead th[aria-sort=descending]::after { content: ' \\25BC'; color: var(--ink); }
table.nr-table tbody tr:nth-child(even) { background: #fafbfc; }
.nr-filter { font-size: 14px; padding: 4px 8px; margin: 0.5em 0 0; width: 20em; max-width: 100%;
       border: 1px solid #9aa; border-radius: 3px; }
.nr-count { font-size: 13px; color: var(--muted); margin-left: 0.6em; font-family: Arial, sans-serif; }
details.nr-evidence { margin: 0.3em 0 0.9em; font-size: 15px; }
details.nr-evidence > summary { cursor: pointer; color: var(--accent); font-size: 14px; }
details.nr-evidence[open] > summary { margin-bottom: 0.3em; }
blockquote.nr-quote { border-left: 3px solid #8a8f96; margin: 0.4em 0; padding: 0.1em 0.9em; color: #262626; }
blockquote.nr-quote small { color: var(--muted); font-family: Arial, sans-serif; }
mark.nr-cue { background: #fde68a; padding: 0 2px; }
mark.nr-pos { background: #cfe3f3; border-bottom: 2px solid #0072B2; padding: 0 2px; }
mark.nr-neg { background: #f7d9c4; border-bottom: 2px dashed #D55E00; padding: 0 2px; }
mark.nr-cond { background: #eeeeee; border-bottom: 2px dotted #555; padding: 0 2px; }
del.nr-del { background: #f7d9c4; text-decoration: line-through; }
ins.nr-ins, ins.qd-ins { background: #cfe3f3; text-decoration: underline; }
del.qd-del { background: #f7d9c4; text-decoration: line-through; }
.qd-trim { color: #8a8a8a; }
.qd-trim::before { content: '['; } .qd-trim::after { content: ']'; }
.nr-note { background: var(--tint); border-left: 4px solid #4a6fa5; padding: 0.5em 0.9em; font-size: 14.5px;
       margin: 0.6em 0; max-width: 46em; }
.nr-missing { border-left-color: #D55E00; }
.nr-caption { font-size: 13.5px; color: #444; margin: 0.2em 0 0.6em; max-width: 52em; }
figure.nr-figure { margin: 1em 0 1.4em; }
figure.nr-figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figure.nr-figure figcaption { font-size: 14px; color: #333; max-width: 50em; margin-top: 0.3em; }
.nr-legend { font-size: 13.5px; font-family: Arial, sans-serif; }
img { max-width: 100%; height: auto; }
a.anchor-link, .jp-Collapser { display: none; }
pre { white-space: pre-wrap; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-before: page; }
  h2#summary { break-before: auto; }
  h2, h3 { break-after: avoid; }
  .nr-tablewrap { max-height: none; overflow: visible; border: 0; }
  table.nr-table { font-size: 8.5pt; }
  table.nr-table thead { display: table-header-group; }
  table.nr-table tr, figure.nr-figure, blockquote.nr-quote { break-inside: avoid; }
  table.nr-table td { word-break: break-word; }
  table.nr-table thead th { position: static; }
  .nr-filter, .nr-count { display: none; }
  nav.nr-toc ol { columns: 1; }
  table.nr-sortable thead th::after { content: ''; }
  details.nr-evidence > summary { color: var(--ink); font-weight: bold; }
}
"""

#: Sorting and filtering for tables marked ``nr-sortable`` / preceded by an ``nr-filter`` box.
#: Shipped inside the page (no library, nothing fetched); marks <html> with ``nr-js`` once run so
#: a browser test can tell the script executed.
READER_JS = r"""
(function () {
  'use strict';
  function cellValue(row, i) {
    var cell = row.cells[i];
    if (!cell) { return ''; }
    return cell.getAttribute('data-sort') || cell.textContent.trim();
  }
  function asNumber(text) {
    if (text === '') { return NaN; }
    var n = Number(text.replace(/[,\u2009%]/g, ''));
    return isFinite(n) ? n : NaN;
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    var descending = th.getAttribute('aria-sort') === 'ascending';
    var numeric = rows.every(function (r) {
      var v = cellValue(r, index); return v === '' || !isNaN(asNumber(v));
    });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index), c;
      if (numeric) {
        var nx = asNumber(x), ny = asNumber(y);
        c = (isNaN(nx) ? -Infinity : nx) - (isNaN(ny) ? -Infinity : ny);
      } else {
        c = x.localeCompare(y, undefined, {numeric: true, sensitivity: 'base'});
      }
      return descending ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
  }
  function filterRows(input) {
    var table = document.getElementById(input.getAttribute('data-table'));
    if (!table || !table.tBodies[0]) { return; }
    var q = input.value.trim().toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (r) {
      var hit = q === '' || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.style.display = hit ? '' : 'none';
      if (hit) { shown += 1; }
    });
    var counter = document.getElementById(input.getAttribute('data-count'));
    if (counter) { counter.textContent = shown + ' of ' + rows.length + ' rows'; }
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('table.nr-sortable'), function (table) {
      if (!table.tHead) { return; }
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
        th.setAttribute('tabindex', '0');
        th.setAttribute('title', 'Sort by this column');
        th.addEventListener('click', function () { sortBy(table, i, th); });
        th.addEventListener('keydown', function (e) {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(table, i, th); }
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input.nr-filter'), function (input) {
      input.addEventListener('input', function () { filterRows(input); });
    });
    document.documentElement.classList.add('nr-js');
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
})();
"""


# ---------------------------------------------------------------------------------------------
# HTML pieces (pure)
# ---------------------------------------------------------------------------------------------

def esc(value: Any) -> str:
    """Escape any value for HTML text or attribute context (``None`` and NaN become empty)."""
    return html.escape(_text(value), quote=True)


def note(text: str, *, missing: bool = False) -> str:
    """A shaded remark; ``missing=True`` marks the note as "this part of the run is absent"."""
    cls = "nr-note nr-missing" if missing else "nr-note"
    return f'<div class="{cls}">{esc(text)}</div>'


def paragraph(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def bullets(items: Iterable[str], *, css_class: str = "") -> str:
    """An escaped bullet list (empty string for no items)."""
    lis = "".join(f"<li>{esc(item)}</li>" for item in items)
    if not lis:
        return ""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<ul{cls}>{lis}</ul>"


def section_heading(anchor: str, title: str, *, level: int = 2) -> str:
    """A heading with a stable ``id`` the table of contents links to."""
    return f'<h{level} id="{esc(anchor)}">{esc(title)}</h{level}>'


def toc_html(sections: Sequence[tuple[str, str]] = SECTIONS) -> str:
    """Table of contents linking to the section anchors."""
    items = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in sections)
    return f'<nav class="nr-toc" aria-label="Contents"><strong>Contents</strong><ol>{items}</ol></nav>'


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "t"


def table_html(df: pd.DataFrame, *, max_rows: int = 50, caption: str | None = None) -> str:
    """A plain escaped HTML table (pandas' ``to_html`` with ``escape=True``), capped at ``max_rows``."""
    shown = df.head(max_rows)
    out = shown.to_html(index=False, escape=True, border=0, classes="nr-table", na_rep="")
    if caption:
        out = f'<p class="nr-caption">{esc(caption)}</p>' + out
    if len(df) > max_rows:
        out += f'<p class="nr-caption">Showing {max_rows} of {len(df)} rows; the full table is in the run folder.</p>'
    return out


def interactive_table(df: pd.DataFrame, table_id: str, *, max_rows: int = 500, caption: str | None = None,
                      source: str | None = None, filter_from: int = 8) -> str:
    """A sortable table (click a header), with a filter box when it has ``filter_from`` rows or more.

    Every cell is escaped; numbers are right-aligned and sort numerically. ``source`` names the
    run-folder file holding the full table when more than ``max_rows`` rows exist.
    """
    table_id = _slug(table_id)
    shown = df.head(max_rows)
    numeric = [pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
               for c in shown.columns]
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in shown.columns)
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = []
        for value, is_num in zip(values, numeric):
            if is_num:
                text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else \
                    (f"{value:.3g}" if isinstance(value, float) else str(value))
                cells.append(f'<td class="nr-num">{esc(text)}</td>')
            else:
                text = _text(value)
                short = 0 < len(text) <= 12 and " " not in text
                cells.append(f'<td class="nr-short">{esc(text)}</td>' if short else f"<td>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    out = []
    if caption:
        out.append(f'<p class="nr-caption">{esc(caption)}</p>')
    if len(shown) >= filter_from:
        out.append(f'<input type="search" class="nr-filter" data-table="{table_id}" data-count="{table_id}-count" '
                   f'placeholder="Filter rows…" aria-label="Filter the rows of this table">'
                   f'<span class="nr-count" id="{table_id}-count">{len(shown)} rows</span>')
    out.append(f'<div class="nr-tablewrap"><table class="nr-table nr-sortable" id="{table_id}">'
               f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
    if len(df) > max_rows:
        where = f" in {source}" if source else " in the run folder"
        out.append(f'<p class="nr-caption">Showing the first {max_rows} of {len(df)} rows; '
                   f'all of them are{esc(where)}.</p>')
    return "".join(out)


def evidence(summary: str, items: Iterable[tuple[str, str]]) -> str:
    """A collapsed details block: ``summary`` line, then (source label, text) quotations."""
    return evidence_html(summary, [(label, esc(text)) for label, text in items])


def evidence_html(summary: str, items: Iterable[tuple[str, str]], *, limit: int | None = None) -> str:
    """Like :func:`evidence`, for quotations already rendered as safe HTML (e.g. :func:`highlight`).

    ``items`` are ``(source label, html)``; the label is escaped here, the html is trusted and
    must come from :func:`highlight`, :func:`word_diff_html` or :func:`esc`.
    """
    items = list(items)
    shown = items if limit is None else items[:limit]
    body = "".join(f'<blockquote class="nr-quote">{text}<br><small>— {esc(label)}</small></blockquote>'
                   for label, text in shown)
    if len(items) > len(shown):
        body += f'<p class="nr-caption">… and {len(items) - len(shown)} more in the run folder.</p>'
    return f'<details class="nr-evidence"><summary>{esc(summary)}</summary>{body}</details>'


def highlight(text: str, spans: Sequence[tuple[int, int]] | Sequence[tuple[int, int, str]], *,
              css_class: str = "nr-cue") -> str:
    """Escape ``text`` and wrap the character ``spans`` in ``<mark>``; overlapping spans are merged.

    A span may carry a third item, its own CSS class (e.g. ``nr-pos``/``nr-neg``) and, after a
    ``|``, a tooltip; merged spans keep the first span's class.
    """
    norm: list[tuple[int, int, str]] = []
    for span in spans:
        s, e = int(span[0]), int(span[1])
        cls = str(span[2]) if len(span) > 2 else css_class  # type: ignore[misc]
        s, e = max(0, s), min(len(text), e)
        if e > s:
            norm.append((s, e, cls))
    merged: list[list[Any]] = []
    for start, end, cls in sorted(norm, key=lambda x: (x[0], x[1])):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, cls])
    out, pos = [], 0
    for start, end, cls in merged:
        name, _, tip = cls.partition("|")
        title = f' title="{esc(tip)}"' if tip else ""
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="{esc(name)}"{title}>{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def word_diff_html(reference: str, version: str) -> str:
    """Escaped word-level diff of ``version`` against ``reference``: ``<del>`` dropped, ``<ins>`` added."""
    a, b = str(reference).split(), str(version).split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(esc(" ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f'<del class="nr-del">{esc(" ".join(a[i1:i2]))}</del>')
        if op in ("insert", "replace"):
            out.append(f'<ins class="nr-ins">{esc(" ".join(b[j1:j2]))}</ins>')
    return " ".join(out)


def figure_html(png: bytes, *, alt: str, caption: str) -> str:
    """A figure embedded as base64 PNG with alt text and a caption saying how to read it."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="nr-figure"><img alt="{esc(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


# ---------------------------------------------------------------------------------------------
# digests of the run tables (pure)
# ---------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A cell as text: missing values (None, NaN, pd.NA) become "" (pandas 3 keeps NaN through astype(str))."""
    try:
        if value is None or pd.isna(value):
            return ""
    except (TypeError, ValueError):  # list-like cells
        pass
    return str(value)


def _has(df: pd.DataFrame | None, *columns: str) -> bool:
    return df is not None and len(df) > 0 and all(c in df.columns for c in columns)


def outlet_labels(articles: pd.DataFrame) -> dict[str, str]:
    """``article_id -> outlet`` as shown to readers: the outlet, else the URL's host, else the id.

    Two articles of one outlet keep one label; an article without any outlet information gets
    its own id so it is never merged with another unknown one.
    """
    out: dict[str, str] = {}
    for row in articles.itertuples(index=False):
        label = _text(getattr(row, "outlet", "")).strip()
        if not label:
            m = re.match(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/:?#]+)", _text(getattr(row, "url", "")), re.I)
            label = m.group(1) if m else f"unknown outlet ({row.article_id})"
        out[str(row.article_id)] = label
    return out


def article_label(articles: pd.DataFrame) -> dict[str, str]:
    """``article_id -> "Outlet: title (id)"`` for evidence lines."""
    outlets = outlet_labels(articles)
    out = {}
    for row in articles.itertuples(index=False):
        aid = str(row.article_id)
        title = _text(getattr(row, "title", "")).strip()
        out[aid] = f"{outlets[aid]}: “{_clip(title, 90)}” ({aid})" if title else f"{outlets[aid]} ({aid})"
    return out


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


#: Words every news story uses whatever the event (reporting verbs, days, time words); left out of
#: the event keywords so they name the event, not the genre. Written for this project.
NEWS_FILLER = frozenset(
    "said says say told tells according reported reports report added adding asked statement statements "
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow week weeks month "
    "months year years day days time times earlier later new news people official officials".split())


@dataclass(frozen=True)
class EventSummary:
    """What the corpus is about, inferred from headlines and ledes (no outside knowledge)."""

    headline: str  # the headline closest to all the others (TF-IDF centroid)
    headline_article: str  # its article_id
    keywords: tuple[str, ...]  # content words found in the most articles' headline + lede
    first_date: str
    last_date: str
    n_articles: int
    n_outlets: int
    outlets: tuple[tuple[str, int], ...] = field(default_factory=tuple)  # (outlet, n articles)


def _top_text(articles: pd.DataFrame, sentences: pd.DataFrame | None) -> dict[str, str]:
    """Headline plus lede of each article: where a story states what happened."""
    tops: dict[str, str] = {}
    if _has(sentences, "article_id", "section", "text"):
        top = sentences[sentences["section"].isin(["headline", "lede"])]
        for aid, group in top.groupby("article_id", sort=True):
            tops[str(aid)] = " ".join(group["text"].map(_text))
    for row in articles.itertuples(index=False):
        aid = str(row.article_id)
        if not tops.get(aid):
            tops[aid] = (_text(getattr(row, "title", "")) + " " + _text(row.clean_text)[:600]).strip()
    return tops


def infer_event(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                n_keywords: int = 8) -> EventSummary:
    """Describe the event the corpus covers from its own headlines and ledes.

    The representative headline is the one whose headline+lede TF-IDF vector is closest to the
    corpus centroid (linear in the number of articles); keywords are the content words that the
    most articles use in headline or lede, so one outlet's wording cannot dominate.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    if articles is None or len(articles) == 0:
        return EventSummary("", "", (), "", "", 0, 0, ())
    ids = [str(a) for a in articles["article_id"]]
    tops = _top_text(articles, sentences)
    docs = [tops.get(a, "") for a in ids]
    headline, headline_id = "", ""
    titles = dict(zip(ids, articles.get("title", pd.Series([""] * len(ids))).map(_text)))
    try:
        vec = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b", sublinear_tf=True)
        x = vec.fit_transform(docs)
        centroid = x.mean(axis=0)
        scores = np.asarray(x @ np.asarray(centroid).T).ravel()
        order = sorted(range(len(ids)), key=lambda i: (-round(float(scores[i]), 9), ids[i]))
        best = next((i for i in order if titles.get(ids[i], "").strip()), order[0])
    except ValueError:  # no content words at all
        best = 0
    headline_id = ids[best]
    headline = titles.get(headline_id, "").strip() or _clip(docs[best], 120)
    df_count: dict[str, int] = {}
    display: dict[str, str] = {}
    for doc in docs:
        seen = set()
        for word in re.findall(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]", doc):
            key = word.lower().strip("'’")
            if len(key) < 3 or key in ENGLISH_STOP_WORDS or key in NEWS_FILLER or key in seen:
                continue
            seen.add(key)
            df_count[key] = df_count.get(key, 0) + 1
            # keep the capitalised form when a word is a name in the text ("Senate", "Paris")
            if key not in display or (word[:1].isupper() and display[key][:1].islower()):
                display[key] = word if word[:1].isupper() and not word.isupper() else key
    min_df = 2 if len(docs) > 1 else 1
    keywords = tuple(display[k] for k, n in sorted(df_count.items(), key=lambda kv: (-kv[1], kv[0]))
                     if n >= min_df)[:n_keywords]
    flags = articles["flags"].map(_text) if "flags" in articles.columns else pd.Series([""] * len(articles))
    # a date flagged as in the future is a metadata error, not the end of the coverage period
    dates = sorted(d for d, f in zip(articles.get("date", pd.Series([""] * len(articles))).map(_text), flags)
                   if re.match(r"^\d{4}-\d\d-\d\d$", d) and "future_date" not in f)
    outlets = outlet_labels(articles)
    counts: dict[str, int] = {}
    for o in outlets.values():
        counts[o] = counts.get(o, 0) + 1
    return EventSummary(headline=headline, headline_article=headline_id, keywords=keywords,
                        first_date=dates[0] if dates else "", last_date=dates[-1] if dates else "",
                        n_articles=len(ids), n_outlets=len(counts),
                        outlets=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))))


def event_sentences(event: EventSummary, *, max_outlets: int = 8) -> list[str]:
    """Plain sentences for the top of the summary."""
    if event.n_articles == 0:
        return ["No article survived cleaning, so there is nothing to summarise."]
    when = ""
    if event.first_date and event.first_date == event.last_date:
        when = f" on {event.first_date}"
    elif event.first_date:
        when = f" between {event.first_date} and {event.last_date}"
    named = [f"{o} ({n})" if n > 1 else o for o, n in event.outlets[:max_outlets]]
    more = len(event.outlets) - len(named)
    outlets = ", ".join(named) + (f" and {more} more (listed under The articles)" if more > 0 else "")
    out = [f"{event.n_articles} article{'s' if event.n_articles != 1 else ''} from {event.n_outlets} "
           f"outlet{'s' if event.n_outlets != 1 else ''}, published{when}: {outlets}."]
    if event.headline:
        out.append(f"The headline closest to what all of them report: “{event.headline}”.")
    if event.keywords:
        out.append("Words most of the articles use at the top of the story: " + ", ".join(event.keywords) + ".")
    return out


def _representative_text(group: pd.DataFrame) -> str:
    for col in ("label", "fact_text", "canonical", "summary"):
        if col in group.columns:
            values = [str(v) for v in group[col] if str(v).strip()]
            if values:
                return values[0]
    texts = sorted((str(t) for t in group["text"]), key=lambda t: (len(t), t))
    return texts[len(texts) // 2] if texts else ""


def fact_matrix(facts: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Which outlet carried which fact (see module docstring for the columns)."""
    outlets = outlet_labels(articles)
    all_outlets = sorted(set(outlets.values()), key=str.lower)
    if not _has(facts, "fact_id", "article_id"):
        return pd.DataFrame(columns=all_outlets, dtype=bool)
    f = facts.assign(outlet=facts["article_id"].map(_text).map(outlets)).dropna(subset=["outlet"])
    m = pd.crosstab(f["fact_id"].map(_text), f["outlet"]).reindex(columns=all_outlets, fill_value=0) > 0
    order = sorted(m.index, key=lambda fid: (-int(m.loc[fid].sum()), fid))
    m = m.loc[order]
    m.index.name = "fact_id"
    return m


def fact_texts(facts: pd.DataFrame) -> dict[str, str]:
    """``fact_id -> representative sentence`` (the stage's label column if any, else a median-length sentence)."""
    if not _has(facts, "fact_id", "text"):
        return {}
    return {str(fid): _representative_text(g) for fid, g in facts.groupby("fact_id", sort=True)}


def omissions(matrix: pd.DataFrame, texts: Mapping[str, str], *, min_share: float = 0.5,
              per_outlet: int = 5) -> pd.DataFrame:
    """Facts most other outlets carried that an outlet did not.

    A fact counts as left out by outlet O when at least ``min_share`` of the *other* outlets (and
    at least two, so one outlet's scoop is not "omitted" by everyone else) carried it.
    """
    cols = ["outlet", "fact_id", "carried_by", "of_others", "fact"]
    if matrix.empty or matrix.shape[1] < 2:
        return pd.DataFrame(columns=cols)
    counts = matrix.sum(axis=1)
    n_others = matrix.shape[1] - 1
    need = max(2, math.ceil(min_share * n_others)) if n_others >= 2 else 1
    rows = []
    for outlet in matrix.columns:
        missing = matrix.index[~matrix[outlet]]
        found = [(fid, int(counts[fid])) for fid in missing if int(counts[fid]) >= need]
        for fid, n in sorted(found, key=lambda x: (-x[1], x[0]))[:per_outlet]:
            rows.append({"outlet": outlet, "fact_id": fid, "carried_by": n, "of_others": n_others,
                         "fact": texts.get(fid, "")})
    return pd.DataFrame(rows, columns=cols)


def coverage_findings(matrix: pd.DataFrame, omitted: pd.DataFrame) -> list[str]:
    """Sentences answering "which facts did everyone carry, who left out what"."""
    if matrix.empty:
        return []
    n_facts, n_outlets = matrix.shape
    counts = matrix.sum(axis=1)
    everyone = int((counts == n_outlets).sum())
    single = int((counts == 1).sum())
    out = [f"{everyone} of {n_facts} facts were carried by every one of the {n_outlets} outlets; "
           f"{single} appeared in one outlet only."]
    per = matrix.sum(axis=0).sort_values(ascending=False, kind="stable")
    if n_outlets > 1:
        out.append(f"{per.index[0]} carried the most facts ({int(per.iloc[0])}), "
                   f"{per.index[-1]} the fewest ({int(per.iloc[-1])}).")
    if len(omitted):
        worst = omitted.groupby("outlet").size().sort_values(ascending=False, kind="stable")
        out.append(f"{worst.index[0]} left out the most widely reported facts ({int(worst.iloc[0])} that most "
                   "other outlets carried).")
    return out


def stance_ranking(stance: pd.DataFrame | None, articles: pd.DataFrame) -> pd.DataFrame:
    """Stance rows with outlet and title, sorted by target then most to least favourable."""
    cols = ["target", "article_id", "outlet", "title", "label", "support_score", "conditionality", "confidence"]
    if not _has(stance, "article_id", "target", "support_score"):
        return pd.DataFrame(columns=cols)
    outlets = outlet_labels(articles)
    titles = dict(zip(articles["article_id"].map(_text), articles.get("title", pd.Series(dtype=str)).map(_text)))
    s = stance.copy()
    s["article_id"] = s["article_id"].map(_text)
    s = s[s["article_id"].isin(outlets)]
    s["outlet"] = s["article_id"].map(outlets)
    s["title"] = s["article_id"].map(titles).fillna("")
    for col in ("label", "conditionality", "confidence"):
        if col not in s.columns:
            s[col] = "" if col == "label" else float("nan")
    extra = [c for c in ("n_cues", "top_cues") if c in s.columns]
    s = s[cols + extra]
    s = s.sort_values(["target", "support_score", "article_id"], ascending=[True, False, True], kind="stable")
    return s.reset_index(drop=True)


def main_targets(ranking: pd.DataFrame, *, limit: int = 3, preferred: Sequence[str] = ()) -> list[str]:
    """Targets with evidence in the most articles (those with a label other than ``unclear``).

    ``preferred`` (e.g. the stance summary's ``main_target``) come first when they have rows.
    """
    if ranking.empty:
        return []
    present = set(ranking["target"].map(_text))
    first = [t for t in dict.fromkeys(str(p) for p in preferred if p) if t in present]
    informative = ranking[ranking["label"].map(_text) != "unclear"]
    base = informative if len(informative) else ranking
    # most articles with a stance first; among equals, the target with most evidence (confidence grows with it)
    g = base.groupby("target").agg(n=("article_id", "nunique"), mass=("confidence", lambda c: float(pd.to_numeric(c, errors="coerce").fillna(0).sum())))
    ranked = [str(t) for t, _ in sorted(g.iterrows(), key=lambda kv: (-kv[1]["n"], -round(kv[1]["mass"], 6), str(kv[0])))]
    return list(dict.fromkeys(first + ranked))[:limit]


def _cues_phrase(top_cues: Any, *, limit: int = 3) -> str:
    """'; words: “a”, “b”' from a ``;``-joined ``top_cues`` cell such as ``backs (endorsing, lede); ...``."""
    cues = [re.sub(r"\s*\(.*\)\s*$", "", c).strip() for c in _text(top_cues).split(";")]
    cues = list(dict.fromkeys(c for c in cues if c))[:limit]
    return "; words: " + ", ".join(f"“{c}”" for c in cues) if cues else ""


def stance_findings(ranking: pd.DataFrame, targets: Sequence[str]) -> list[str]:
    """Most and least favourable outlet per main target, in words, with the words that made it so.

    Outlets are compared by the mean support of their articles that take a stance; the cue words
    quoted are those of the outlet's most (or least) favourable article.
    """
    out = []
    for target in targets:
        r = ranking[(ranking["target"] == target) & (ranking["label"].map(_text) != "unclear")]
        if r["outlet"].nunique() < 2:
            continue
        means = r.groupby("outlet")["support_score"].agg(["mean", "size"])
        order = sorted(means.index, key=lambda o: (-round(float(means.loc[o, "mean"]), 9), str(o)))
        top_outlet, low_outlet = order[0], order[-1]
        if round(float(means.loc[top_outlet, "mean"]), 6) == round(float(means.loc[low_outlet, "mean"]), 6):
            out.append(f"On {target}, all outlets scored alike ({float(means.loc[top_outlet, 'mean']):+.2f}).")
            continue
        top = r[r["outlet"] == top_outlet].iloc[0]
        low = r[r["outlet"] == low_outlet].iloc[-1]

        def score(outlet: str, row: Any) -> str:
            n = int(means.loc[outlet, "size"])
            if n == 1:
                return f"{row['label']}, support {row['support_score']:+.2f}"
            return f"mean support {float(means.loc[outlet, 'mean']):+.2f} over {n} articles"

        out.append(f"On {target}: {top_outlet} framed the position most favourably ({score(top_outlet, top)}"
                   f"{_cues_phrase(top.get('top_cues', ''))}), {low_outlet} least favourably "
                   f"({score(low_outlet, low)}{_cues_phrase(low.get('top_cues', ''))}).")
    return out


def _is_changed(row: Any) -> bool:
    mutation = _text(getattr(row, "mutation", "")).strip().lower()
    if mutation and mutation not in UNCHANGED_MUTATIONS:
        return True
    fidelity = getattr(row, "fidelity", None)
    try:
        return fidelity is not None and not math.isnan(float(fidelity)) and float(fidelity) < 0.999
    except (TypeError, ValueError):
        return False


def changed_quotes(quotes: pd.DataFrame | None, articles: pd.DataFrame) -> pd.DataFrame:
    """Quotes in clusters where at least one version differs (see module docstring)."""
    cols = ["cluster_id", "quote_id", "article_id", "outlet", "speaker", "quote", "kind", "fidelity",
            "mutation", "reference"]
    if not _has(quotes, "cluster_id", "quote_id", "article_id", "quote"):
        return pd.DataFrame(columns=cols)
    outlets = outlet_labels(articles)
    q = quotes.copy()
    q["article_id"] = q["article_id"].map(_text)
    q = q[q["cluster_id"].map(_text).str.strip() != ""]
    for col in ("speaker", "kind", "mutation"):
        if col not in q.columns:
            q[col] = ""
    if "fidelity" not in q.columns:
        q["fidelity"] = float("nan")
    q["outlet"] = q["article_id"].map(outlets).fillna(q["article_id"])
    q["changed"] = [_is_changed(r) for r in q.itertuples(index=False)]
    rows = []
    for cid, group in q.groupby("cluster_id", sort=True):
        if group["article_id"].nunique() < 2 or not group["changed"].any():
            continue
        given = [t for t in group.get("reference_text", pd.Series(dtype=str)).map(_text) if t.strip()]
        if given:  # the quotes stage chose the reference (a transcript or the fullest rendering)
            reference = sorted(given, key=lambda t: (-given.count(t), t))[0]
        else:  # else the wording most versions share, ties to the earliest article id
            unchanged = group[~group["changed"]]
            base = unchanged if len(unchanged) else group
            reference = base.assign(n=base.groupby("quote")["quote"].transform("size")) \
                .sort_values(["n", "article_id", "quote_id"], ascending=[False, True, True]).iloc[0]["quote"]
        for r in group.sort_values(["article_id", "quote_id"]).itertuples(index=False):
            rows.append({"cluster_id": str(cid), "quote_id": r.quote_id, "article_id": r.article_id,
                         "outlet": r.outlet, "speaker": r.speaker, "quote": r.quote, "kind": r.kind,
                         "fidelity": r.fidelity, "mutation": r.mutation, "reference": reference})
    return pd.DataFrame(rows, columns=cols)


def quote_findings(quotes: pd.DataFrame | None, changed: pd.DataFrame) -> list[str]:
    if not _has(quotes, "quote_id"):
        return []
    if "cluster_id" not in quotes.columns:
        return [f"{len(quotes)} quotes found; they were not matched across articles in this run."]
    q = quotes.assign(cid=quotes["cluster_id"].map(_text).str.strip())
    q = q[q["cid"] != ""]
    spread = q.groupby("cid")["article_id"].nunique()
    shared = int((spread > 1).sum())
    if not shared:
        return ["No remark was quoted by more than one article, so no quote can be compared across outlets."]
    n_changed = changed["cluster_id"].nunique() if len(changed) else 0
    out = [f"{shared} remark{'s were' if shared != 1 else ' was'} quoted by more than one article; "
           f"in {n_changed} of them the wording differs between outlets."]
    if len(changed):
        muts = changed["mutation"].map(_text).str.strip().str.lower()
        muts = muts[~muts.isin(UNCHANGED_MUTATIONS)]
        if len(muts):
            out.append("Kinds of change (one per changed version): "
                       + ", ".join(f"{k} ({v})" for k, v in muts.value_counts().head(4).items()) + ".")
    return out


def inputs_findings(inputs: pd.DataFrame | None, articles: pd.DataFrame) -> list[str]:
    """What the reader must know about the corpus before trusting numbers: drops and date flags."""
    out = []
    if _has(inputs, "status"):
        counts = inputs["status"].value_counts()
        dropped = int(counts.get("duplicate", 0)) + int(counts.get("rejected", 0))
        if dropped:
            out.append(f"{len(inputs)} input files: {int(counts.get('kept', 0))} analysed, "
                       f"{int(counts.get('duplicate', 0))} duplicates set aside, "
                       f"{int(counts.get('rejected', 0))} rejected (reasons under Inputs and provenance).")
    if "flags" in articles.columns:
        flags: dict[str, int] = {}
        for value in articles["flags"].map(_text):
            for flag in filter(None, value.split(";")):
                flags[flag] = flags.get(flag, 0) + 1
        if flags:
            words = {"future_date": "a date in the future", "bad_date": "an unreadable date",
                     "date_conflict": "conflicting dates", "title_conflict": "a headline differing from its metadata"}
            out.append("Check the metadata: " + "; ".join(
                f"{n} article{'s' if n > 1 else ''} with {words.get(k, k.replace('_', ' '))}" for k, n in sorted(flags.items())) + ".")
    return out


# ---------------------------------------------------------------------------------------------
# methods and provenance
# ---------------------------------------------------------------------------------------------

def benchmark_lines(summary: Mapping[str, Any] | None) -> list[str]:
    """Benchmark figures a stage recorded in its summary JSON, as sentences.

    Accepts ``benchmark`` or ``benchmarks`` holding a mapping (name -> figure or mapping) or a
    list of mappings (e.g. ``{"dataset": ..., "metric": ..., "value": ..., "anchor": ...}``).
    Returns an empty list when the stage recorded none.
    """
    if not summary:
        return []
    data = summary.get("benchmarks", summary.get("benchmark"))
    if not data:
        return []
    items: list[Any] = list(data.items()) if isinstance(data, Mapping) else list(data) if isinstance(data, list) else [data]
    out = []
    for item in items:
        if isinstance(item, tuple):
            name, value = item
            if isinstance(value, Mapping):
                out.append(f"{name}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in value.items()))
            else:
                out.append(f"{name}: {_fmt(value)}")
        elif isinstance(item, Mapping):
            out.append(", ".join(f"{k} {_fmt(v)}" for k, v in item.items()))
        else:
            out.append(str(item))
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def parameter_rows(params: Mapping[str, Any] | None) -> pd.DataFrame:
    """``stage, parameter, value`` from the resolved ``params.yaml``."""
    rows = []
    for stage, values in (params or {}).items():
        if isinstance(values, Mapping):
            for name, value in sorted(values.items()):
                rows.append({"stage": stage, "parameter": name, "value": _fmt(value)})
        else:
            rows.append({"stage": "(run)", "parameter": stage, "value": _fmt(values)})
    return pd.DataFrame(rows, columns=["stage", "parameter", "value"])


def methods_html(summaries: Mapping[str, Mapping[str, Any]], params: Mapping[str, Any] | None, *,
                 descriptions: Mapping[str, str], floors: Mapping[str, Mapping[str, Any]] | None = None,
                 results: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """One block per stage: what it does, its method and notes, its parameters, its benchmark.

    Benchmark figures come from the stage summary (``benchmark``/``benchmarks``); failing that,
    from the figures the benchmark scripts last measured (``results``: stage -> {figure: value},
    ``benchmarks/results_<stage>.json``); failing that, from the pinned floors (``floors``), which
    the scripts enforce. A stage with none is said to be unbenchmarked, so a reader knows to treat
    its numbers as indicative.
    """
    parts = []
    for stage, text in descriptions.items():
        summary = summaries.get(stage) or {}
        parts.append(section_heading(f"methods-{stage}", stage.capitalize(), level=3))
        parts.append(paragraph(text))
        if not summary:
            parts.append(note(f"The {stage} stage left no summary in this run, so its method could not be "
                              "recorded here; see the reviewer version.", missing=True))
            continue
        if summary.get("method"):
            parts.append(f"<p><strong>Method used in this run:</strong> {esc(summary['method'])}</p>")
        notes = [str(n) for n in summary.get("notes", []) if str(n).strip()]
        if notes:
            parts.append(bullets(notes))
        bench = benchmark_lines(summary)
        stage_floors = (floors or {}).get(stage) or {}
        stage_results = (results or {}).get(stage) or {}
        if not bench and stage_results:
            parts.append(f"<p><strong>Measured accuracy</strong> (benchmarks/bench_{esc(stage)}.py on labelled "
                         "data; the README names the datasets and the anchors to compare with):</p>"
                         + bullets(f"{k.replace('_', ' ')}: {_fmt(v)}" for k, v in sorted(stage_results.items())))
        elif bench:
            parts.append("<p><strong>Measured accuracy</strong> (benchmarks on labelled data, "
                         "recorded by the stage):</p>" + bullets(bench))
        elif stage_floors:
            parts.append(f"<p><strong>Benchmarked</strong>: benchmarks/bench_{esc(stage)}.py scores this method on "
                         "labelled data and fails below these pinned floors, so each measured figure is at least "
                         "(the README gives the measured values and the datasets):</p>"
                         + bullets(f"{k.replace('_', ' ')}: ≥ {_fmt(v)}" for k, v in sorted(stage_floors.items())))
        else:
            parts.append(note("No benchmark figures were recorded for this stage: its method is "
                              "unbenchmarked in this run, so treat its numbers as indicative."))
        stage_params = (params or {}).get(stage)
        if isinstance(stage_params, Mapping) and stage_params:
            parts.append('<p class="nr-caption">Parameters: ' + esc("; ".join(
                f"{k} = {_fmt(v)}" for k, v in sorted(stage_params.items()))) + "</p>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# the reader's sections (pure: tables in, escaped HTML out)
# ---------------------------------------------------------------------------------------------

def _missing(what: str, path: str, stage: str) -> str:
    return note(f"{what} is not available: the {stage} stage wrote no {path} in this run. "
                "The rest of the report does not depend on it.", missing=True)


def _stage_findings(summary: Mapping[str, Any] | None, limit: int) -> list[str]:
    return [str(f) for f in (summary or {}).get("findings", [])[:limit] if str(f).strip()]


def header_html(event: EventSummary, *, run_name: str) -> str:
    """Title, one meta line and the table of contents."""
    what = f"“{_clip(event.headline, 110)}”" if event.headline else "one event"
    title = f"How {event.n_outlets} outlet{'s' if event.n_outlets != 1 else ''} covered {what}"
    dates = (event.first_date if event.first_date == event.last_date else
             f"{event.first_date} to {event.last_date}") if event.first_date else "undated"
    meta = f"{event.n_articles} articles · {dates} · run “{run_name}” · generated by newsreport from the articles alone"
    return f'<h1 id="top">{esc(title)}</h1><p class="nr-meta">{esc(meta)}</p>' + toc_html()


def summary_section(event: EventSummary, *, coverage: Sequence[str], stance: Sequence[str],
                    quotes: Sequence[str], data_notes: Sequence[str],
                    summaries: Mapping[str, Mapping[str, Any]], per_stage: int = 3) -> str:
    """The one-minute summary: the event, then per stage what the data says, then caveats.

    ``coverage``/``stance``/``quotes`` are this module's own sentences (from the tables); the
    stages' own ``findings`` follow them, so a stage can add what only it knows.
    """
    parts = [section_heading("summary", "The story in one minute"), bullets(event_sentences(event), css_class="nr-summary")]
    for key, title, own in (("coverage", "Coverage", coverage), ("stance", "Framing", stance),
                            ("quotes", "Quotes", quotes)):
        stage_lines = [f for f in _stage_findings(summaries.get(key), per_stage) if f not in own]
        if key == "stance" and stage_lines:
            # the stance stage's own findings already name the most and least favourable outlet
            lines = stage_lines[:per_stage]
        else:
            lines = list(own)[:2] + stage_lines[:2]
        parts.append(f"<h3>{esc(title)}</h3>")
        parts.append(bullets(lines, css_class="nr-summary") if lines else
                     note(f"No {key} results in this run; see the {key} section.", missing=True))
    if data_notes:
        parts.append("<h3>Before you rely on these numbers</h3>" + bullets(data_notes, css_class="nr-summary"))
    return "".join(parts)


def articles_section(articles: pd.DataFrame, *, max_rows: int) -> str:
    outlets = outlet_labels(articles)
    cols = [c for c in ("article_id", "date", "title", "words", "flags") if c in articles.columns]
    table = articles[cols].copy()
    table.insert(1, "outlet", articles["article_id"].map(_text).map(outlets))
    table = table.sort_values(["date", "outlet", "article_id"] if "date" in table else ["outlet", "article_id"], kind="stable")
    return (section_heading("articles", "The articles")
            + paragraph("Every article analysed, one row each. Click a column heading to sort; type in the box "
                        "to filter. 'flags' marks metadata worth checking (e.g. a future or unreadable date).")
            + interactive_table(table, "articles-table", max_rows=max_rows, source="data/articles.csv"))


def coverage_section(facts: pd.DataFrame | None, conflicts: pd.DataFrame | None, similarity: pd.DataFrame | None,
                     articles: pd.DataFrame, *, summary: Mapping[str, Any] | None, figure_png: bytes | None,
                     stage_figures: str = "", max_rows: int = 500, max_evidence: int = 8,
                     max_conflicts: int = 100) -> str:
    """Facts every outlet carried, what each outlet left out, conflicting details, similarity."""
    parts = [section_heading("coverage", "What each outlet reported")]
    if not _has(facts, "fact_id", "article_id", "text"):
        parts.append(_missing("The fact-by-fact comparison", "data/facts.csv", "coverage"))
        parts.append(bullets(_stage_findings(summary, 5)))
        return "".join(parts) + stage_figures
    labels = article_label(articles)
    matrix = fact_matrix(facts, articles)
    texts = fact_texts(facts)
    omitted = omissions(matrix, texts)
    rank = {fid: i + 1 for i, fid in enumerate(matrix.index)}
    parts.append(paragraph("A fact is a statement that the coverage stage found, in the same or in other words, in "
                           "one or more articles. Each fact keeps the sentences it was found in."))
    parts.append(bullets(coverage_findings(matrix, omitted) + _stage_findings(summary, 3)))
    if figure_png:
        parts.append(figure_html(figure_png, alt="Grid of outlets against facts",
                                 caption="How to read: each row is an outlet, each column a fact, numbered as in the "
                                         "'All facts' table below. A filled blue square means the outlet reported the "
                                         "fact; a pale one means it did not. Facts run from most to least widely "
                                         "carried, so gaps on the left are notable omissions and the right-hand "
                                         "columns are details only one or two outlets gave."
                                         + (f" Only the {min(len(matrix), 60)} most widely carried of {len(matrix)} "
                                            "facts are drawn." if len(matrix) > 60 else "")))
    by_fact = {fid: g for fid, g in facts.groupby(facts["fact_id"].map(_text), sort=True)}

    def fact_evidence(fid: str, prefix: str) -> str:
        g = by_fact.get(fid)
        if g is None:
            return evidence_html(f"{prefix} — show the 0 sentences", [], limit=max_evidence)
        frames = g["frame"].fillna("").astype(str) if "frame" in g else pd.Series([""] * len(g), index=g.index)
        items = [(labels.get(str(a), str(a)), esc(t) + (
            f' <span class="nr-caption">(said in passing, in a sentence about something else: the same act, '
            f'{esc(fr)})</span>' if fr else "")) for a, t, fr in zip(g["article_id"], g["text"], frames)]
        return evidence_html(f"{prefix} — show the {len(items)} sentence{'s' if len(items) != 1 else ''}",
                             items, limit=max_evidence)

    everyone = [fid for fid in matrix.index if bool(matrix.loc[fid].all())] if matrix.shape[1] > 1 else []
    parts.append("<h3>Facts every outlet carried</h3>")
    if everyone:
        parts.append('<ul class="nr-facts">' + "".join(
            f'<li><span class="nr-rank">#{rank[fid]}</span> {esc(texts.get(fid, ""))}'
            + fact_evidence(fid, "how each outlet put it") + "</li>" for fid in everyone[:max_rows]) + "</ul>")
    else:
        parts.append(paragraph("No fact was reported by every outlet." if matrix.shape[1] > 1 else
                               "Only one outlet is in the corpus, so there is nothing to compare."))
    parts.append("<h3>What each outlet left out</h3>")
    if len(omitted):
        parts.append(paragraph("Facts that most of the other outlets reported but this one did not (at most five per "
                               "outlet, the most widely carried first)."))
        for outlet, g in omitted.groupby("outlet", sort=True):
            parts.append(f"<h4>{esc(outlet)} did not report</h4>")
            parts.append('<ul class="nr-facts">' + "".join(
                f'<li><span class="nr-rank">#{rank[r.fact_id]}</span> {esc(r.fact)} '
                f'<span class="nr-caption">(reported by {r.carried_by} of the {r.of_others} other outlets)</span>'
                + fact_evidence(r.fact_id, "how the others reported it") + "</li>"
                for r in g.itertuples(index=False)) + "</ul>")
    else:
        parts.append(paragraph("No outlet left out a fact that most of the others carried."))
    parts.append("<h3>Where outlets disagree on details</h3>")
    if _has(conflicts, "fact_id", "article_id", "kind", "value"):
        c = conflicts.copy()
        c["outlet"] = c["article_id"].map(_text).map(outlet_labels(articles)).fillna(c["article_id"])
        parts.append(paragraph("The same fact stated with different numbers, dates or names. Each line gives the "
                               "value each outlet used; open it to read the sentences."))
        outlets_of = outlet_labels(articles)
        groups = list(c.groupby(c["fact_id"].map(_text), sort=True))
        if len(groups) > max_conflicts:
            parts.append(paragraph(f"The first {max_conflicts} of {len(groups)} facts with conflicting details; "
                                   "all of them are in data/conflicts.csv."))
        for fid, g in groups[:max_conflicts]:
            sides = {(_text(o), _text(v)) for o, v in zip(g["outlet"], g["value"])}
            if {"other_article_id", "other_value"} <= set(g.columns):  # the stage records both sides
                sides |= {(outlets_of.get(_text(a), _text(a)), _text(v))
                          for a, v in zip(g["other_article_id"], g["other_value"]) if _text(a)}
            values = " vs ".join(f"{o}: {v}" for o, v in sorted(sides))
            kinds = ", ".join(sorted(set(g["kind"].map(_text))))
            head = texts.get(fid, "")
            items = [(labels.get(str(a), str(a)), esc(t)) for a, t in zip(g["article_id"], g.get("text", g["value"]))]
            parts.append(f"<p><strong>{esc(kinds)}</strong> — {esc(values)}"
                         + (f'<br><span class="nr-caption">fact: {esc(_clip(head, 200))}</span>' if head else "") + "</p>"
                         + evidence_html("show the sentences", items, limit=max_evidence))
    elif conflicts is None:
        parts.append(_missing("The list of conflicting details", "data/conflicts.csv", "coverage"))
    else:
        parts.append(paragraph("No conflicting numbers, dates or names were found between outlets."))
    parts.append("<h3>All facts</h3>")
    counts = matrix.sum(axis=1)
    table = pd.DataFrame({"#": [rank[f] for f in matrix.index], "fact_id": list(matrix.index),
                          "outlets": [int(counts[f]) for f in matrix.index],
                          "carried by": [", ".join(matrix.columns[matrix.loc[f].to_numpy()]) for f in matrix.index],
                          "fact": [texts.get(f, "") for f in matrix.index]})
    parts.append(interactive_table(table, "facts-table", max_rows=max_rows, source="data/facts.csv"))
    if _has(similarity, "article_a", "article_b", "score"):
        outlets = outlet_labels(articles)
        sim = similarity.copy()
        sim["outlet a"] = sim["article_a"].map(_text).map(outlets)
        sim["outlet b"] = sim["article_b"].map(_text).map(outlets)
        sim = sim.sort_values("score", ascending=False, kind="stable")
        keep = ["outlet a", "outlet b", "article_a", "article_b", "score"] + (["method"] if "method" in sim else [])
        parts.append("<h3>How alike the articles are overall</h3>")
        parts.append(paragraph("Pairs of articles with their overall text similarity (0 = nothing in common, 1 = the "
                               "same text), most alike first. High scores between different outlets often mean shared "
                               "wire copy."))
        parts.append(interactive_table(sim[keep], "similarity-table", max_rows=min(max_rows, 200),
                                       source="data/similarity.csv"))
    return "".join(parts) + stage_figures


def _cue_class(row: Any) -> str:
    axis = str(getattr(row, "axis", "") or "")
    weight = getattr(row, "weight", 0.0)
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        weight = 0.0
    cue_class = str(getattr(row, "cue_class", "") or "")
    if axis == "conditionality":
        css = "nr-cond"
    elif axis == "modifier":
        css = "nr-cue"
    elif weight < 0:
        css = "nr-neg"
    elif weight > 0:
        css = "nr-pos"
    else:
        css = "nr-cue"
    return f"{css}|{cue_class} ({weight:+.2f})" if cue_class else css


STANCE_LEGEND = ('<p class="nr-legend">In the quoted sentences: <mark class="nr-pos">solid blue</mark> words push '
                 'towards support, <mark class="nr-neg">dashed orange</mark> towards opposition or distance, '
                 '<mark class="nr-cond">dotted grey</mark> attach conditions, <mark class="nr-cue">yellow</mark> '
                 'strengthen or negate a neighbouring cue. Hover a word for its class and weight.</p>')


def stance_evidence_html(evidence_rows: pd.DataFrame, sentences: pd.DataFrame | None, *, label: str,
                         summary: str, limit: int) -> str:
    """The sentences behind one article's stance on one target, cues highlighted."""
    if not _has(sentences, "sent_id", "start", "text") or evidence_rows.empty:
        items = [(label, esc(str(r.cue))) for r in evidence_rows.itertuples(index=False)]
        return evidence_html(summary, items, limit=limit)
    sent = sentences.set_index(sentences["sent_id"].map(_text))
    items = []
    for sid, g in evidence_rows.groupby(evidence_rows["sent_id"].map(_text), sort=False):
        if sid not in sent.index:
            continue
        srow = sent.loc[sid]
        if isinstance(srow, pd.DataFrame):
            srow = srow.iloc[0]
        base = int(srow["start"])
        spans = [(int(r.start) - base, int(r.end) - base, _cue_class(r)) for r in g.itertuples(index=False)]
        section = f", {srow['section']}" if "section" in sent.columns else ""
        items.append((f"{label}{section}", highlight(str(srow["text"]), spans)))
    return evidence_html(summary, items, limit=limit)


def stance_section(stance: pd.DataFrame | None, stance_evidence: pd.DataFrame | None, sentences: pd.DataFrame | None,
                   articles: pd.DataFrame, *, summary: Mapping[str, Any] | None,
                   figures: Mapping[str, bytes] | None = None, stage_figures: str = "", targets: int = 3,
                   max_rows: int = 500, max_evidence: int = 8, preferred: Sequence[str] = (),
                   max_explained: int = 60) -> str:
    """Who framed each main target's position most and least favourably, and the words why."""
    parts = [section_heading("stance", "How each outlet framed the position")]
    ranking = stance_ranking(stance, articles)
    if ranking.empty:
        parts.append(_missing("The stance comparison", "data/stance.csv", "stance"))
        parts.append(bullets(_stage_findings(summary, 5)))
        return "".join(parts) + stage_figures
    main = main_targets(ranking, limit=targets, preferred=preferred)
    parts.append(paragraph("For each main actor or proposition (the 'target'), the stance stage weighs the words each "
                           "article uses about it: verbs of backing or rejecting, hedges, conditions. The support score "
                           "runs from −1 (opposed) to +1 (full support); conditionality from 0 to 1 is how much of "
                           "the wording attaches conditions. Headlines and ledes count more than the body."))
    parts.append(bullets(stance_findings(ranking, main) + _stage_findings(summary, 3)))
    labels = article_label(articles)
    ev = stance_evidence if _has(stance_evidence, "article_id", "target", "sent_id", "start", "end") else None
    for i, target in enumerate(main):
        r = ranking[ranking["target"] == target]
        parts.append(section_heading(f"stance-{_slug(target)}", f"Target: {target}", level=3))
        png = (figures or {}).get(target)
        if png:
            parts.append(figure_html(png, alt=f"Support and conditionality per outlet for {target}",
                                     caption="How to read: each row is an outlet. The dot is its support score for this "
                                             "target (right = more supportive, left = more opposed; the dotted line is "
                                             "neutral), its colour and shape the label; a grey line spans the range "
                                             "when an outlet has several articles. The hatched bar on the right is "
                                             "conditionality: how much of the wording attaches conditions."))
        show = [c for c in ("outlet", "label", "support_score", "conditionality", "confidence", "n_cues",
                            "top_cues", "article_id") if c in r.columns]
        parts.append(interactive_table(r[show], f"stance-table-{i}", max_rows=max_rows, source="data/stance.csv"))
        parts.append(STANCE_LEGEND)
        if ev is None:
            parts.append(_missing("The cue-by-cue evidence", "data/stance_evidence.csv", "stance"))
            continue
        by_article = {a: g for a, g in ev[ev["target"] == target].groupby(ev["article_id"].map(_text), sort=False)}
        # with many articles, explain the extremes (most and least favourable) and say the rest are in the data
        shown = r if len(r) <= max_explained else pd.concat([r.head(max_explained // 2), r.tail(max_explained // 2)])
        if len(shown) < len(r):
            parts.append(paragraph(f"Evidence is shown for the {len(shown) // 2} most and {len(shown) // 2} least "
                                   f"favourable of {len(r)} articles; every cue is in data/stance_evidence.csv."))
        for row in shown.itertuples(index=False):
            rows = by_article.get(row.article_id)
            if rows is None or rows.empty:
                continue
            parts.append(stance_evidence_html(
                rows, sentences, label=labels.get(row.article_id, row.article_id), limit=max_evidence,
                summary=f"Why {row.outlet} reads as {row.label} ({row.support_score:+.2f}): "
                        f"{len(rows)} cue{'s' if len(rows) != 1 else ''} in {rows['sent_id'].nunique()} sentence(s)"))
    others = [t for t in ranking["target"].unique() if t not in main]
    if others:
        parts.append("<h3>Other targets</h3>")
        rest = ranking[ranking["target"].isin(others)]
        show = [c for c in ("target", "outlet", "label", "support_score", "conditionality", "confidence", "article_id")
                if c in rest.columns]
        parts.append(interactive_table(rest[show], "stance-other", max_rows=max_rows, source="data/stance.csv"))
    return "".join(parts) + stage_figures


def _quote_diff(reference: str, version: str) -> str:
    """The quotes stage's own escaped word diff (it also greys trimmed words) when available."""
    try:
        from .quotes import diff_html
    except ImportError:  # the stage module is optional for the report
        return word_diff_html(reference, version)
    return diff_html(reference, version)


def quotes_section(quotes: pd.DataFrame | None, articles: pd.DataFrame, *, summary: Mapping[str, Any] | None,
                   figure_png: bytes | None, stage_figures: str = "", max_rows: int = 500,
                   max_evidence: int = 8, max_clusters: int = 40) -> str:
    """Which quotes were changed between outlets and how, with word-level differences."""
    parts = [section_heading("quotes", "How quotes changed between outlets")]
    if not _has(quotes, "quote_id", "article_id", "quote"):
        parts.append(_missing("The quote comparison", "data/quotes.csv", "quotes"))
        parts.append(bullets(_stage_findings(summary, 5)))
        return "".join(parts) + stage_figures
    changed = changed_quotes(quotes, articles)
    parts.append(paragraph("Quotes are grouped when different articles reproduce the same remark. Within a group, "
                           "each version is compared with the wording most versions share."))
    parts.append(bullets(quote_findings(quotes, changed) + _stage_findings(summary, 3)))
    if figure_png:
        parts.append(figure_html(figure_png, alt="Quotes per outlet by whether their wording matches other outlets",
                                 caption="How to read: one bar per outlet, its length the number of quotes found. "
                                         "Solid blue: quoted with the same wording as other outlets; crossed red: "
                                         "the same remark with changed wording; dotted grey: a quote no other outlet "
                                         "carried."))
    parts.append("<h3>Quotes whose wording changed</h3>")
    if changed.empty:
        parts.append(paragraph("No repeated quote differs between outlets." if "cluster_id" in quotes.columns else
                               "Quotes were not grouped across articles in this run, so changes cannot be shown."))
    else:
        parts.append('<p class="nr-legend">Each group starts with the reference wording. In each version, '
                     '<del class="nr-del">struck-through</del> words of the reference are missing, '
                     '<ins class="nr-ins">underlined</ins> words were added, and <span class="qd-trim">greyed</span> '
                     'words were left out at the start or end (a shorter excerpt).</p>')
        clusters = list(changed.groupby("cluster_id", sort=False))
        clusters.sort(key=lambda kv: (-kv[1]["article_id"].nunique(), kv[0]))
        for cid, g in clusters[:max_clusters]:
            reference = str(g["reference"].iloc[0])
            speakers = ", ".join(sorted({str(s) for s in g["speaker"] if str(s).strip()})) or "speaker not identified"
            mutations = ", ".join(sorted({str(m) for m in g["mutation"]
                                          if str(m).strip().lower() not in UNCHANGED_MUTATIONS}))
            parts.append(f'<blockquote class="nr-quote">{esc(reference)}<br><small>— {esc(speakers)}; '
                         f'{g["article_id"].nunique()} articles{esc("; changes: " + mutations) if mutations else ""}'
                         f"</small></blockquote>")
            items = []
            for r in g.itertuples(index=False):
                fid = "" if r.fidelity is None or (isinstance(r.fidelity, float) and math.isnan(r.fidelity)) else \
                    f", fidelity {_fmt(r.fidelity)}"
                mut = f", {r.mutation}" if str(r.mutation).strip() else ""
                items.append((f"{r.outlet} ({r.article_id}{mut}{fid})", _quote_diff(reference, str(r.quote))))
            parts.append(evidence_html(f"compare the {len(items)} versions", items, limit=max_evidence))
        if len(clusters) > max_clusters:
            parts.append(paragraph(f"… {len(clusters) - max_clusters} more groups with changes are in data/quotes.csv."))
    parts.append("<h3>All quotes</h3>")
    q = quotes.drop(columns=["outlet"], errors="ignore")
    q.insert(0, "outlet", q["article_id"].map(_text).map(outlet_labels(articles)).fillna(q["article_id"]))
    show = [c for c in ("outlet", "speaker", "kind", "quote", "cluster_id", "fidelity", "mutation", "article_id")
            if c in q.columns]
    parts.append(interactive_table(q[show], "quotes-table", max_rows=max_rows, source="data/quotes.csv"))
    return "".join(parts) + stage_figures


def limitations(articles: pd.DataFrame, inputs: pd.DataFrame | None, summaries: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Caveats that follow from this corpus and run, in plain sentences."""
    n = len(articles)
    out = [f"The analysis covers {n} article{'s' if n != 1 else ''} in English; other languages were set aside. "
           "It measures wording, not truth: a fact carried by every outlet can still be wrong."]
    if n < 10:
        out.append(f"With {n} articles, a single article moves any share or ranking a lot; read differences as "
                   "pointers to the evidence, not as statistics.")
    coverage_method = str((summaries.get("coverage") or {}).get("method", "")).lower()
    if any(k in coverage_method for k in ("tf-idf", "tfidf", "lexical")):
        out.append("At least one stage matched text by shared words (TF-IDF/lexical) rather than meaning, so the same "
                   "fact told in quite different words may be counted as two.")
    out.append("Stance scores come from word lists and sentence structure: irony, context across sentences and "
               "what an outlet chose not to say are beyond them. Every score links to its sentences for that reason.")
    if _has(inputs, "status") and (inputs["status"] != "kept").any():
        out.append(f"{int((inputs['status'] != 'kept').sum())} input file(s) were not analysed (duplicates or "
                   "rejected); their reasons are listed below.")
    return out


def provenance_section(inputs: pd.DataFrame | None, params: Mapping[str, Any], versions: Mapping[str, str],
                       git: Mapping[str, Any], *, max_rows: int = 500) -> str:
    """Inputs with hashes and outcome, parameters, software versions and code commit."""
    parts = [section_heading("provenance", "Inputs and provenance")]
    corpus = params.get("corpus", "") if isinstance(params, Mapping) else ""
    if _has(inputs, "file", "status"):
        counts = inputs["status"].value_counts()
        kept, dup, rej = (int(counts.get(k, 0)) for k in ("kept", "duplicate", "rejected"))
        balance = "all accounted for" if kept + dup + rej == len(inputs) else "MISMATCH: some inputs have no status"
        parts.append(paragraph(f"Corpus: {corpus or 'not recorded'}. {len(inputs)} inputs = {kept} kept + {dup} "
                               f"duplicates + {rej} rejected ({balance})."))
        show = [c for c in ("file", "status", "reason", "duplicate_of", "bytes", "sha256") if c in inputs.columns]
        parts.append(interactive_table(inputs[show], "inputs-table", max_rows=max_rows, source="inputs.csv"))
    else:
        parts.append(_missing("The input ledger", "inputs.csv", "clean"))
    parts.append("<h3>Parameters</h3>")
    parts.append(interactive_table(parameter_rows(params), "params-table", max_rows=max_rows, source="params.yaml"))
    parts.append("<h3>Software</h3>")
    commit = str(git.get("commit", "unknown"))
    dirty = " (with uncommitted changes to analysis/ or notebooks/)" if git.get("dirty") else ""
    parts.append(paragraph(f"Code: newsreport at git commit {commit}{dirty}. provenance.json in the run folder, "
                           "written when the run finishes, repeats this record with stage timings."))
    parts.append(interactive_table(pd.DataFrame(sorted(versions.items()), columns=["package", "version"]),
                                   "versions-table", max_rows=max_rows))
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# loading (the notebook's one read of the run folder) and figures
# ---------------------------------------------------------------------------------------------

#: run tables the report reads; each is optional except ``articles``
REPORT_TABLES = ("inputs", "articles", "sentences", "similarity", "facts", "conflicts", "stance",
                 "stance_evidence", "quotes")
STAGE_SUMMARIES = ("clean", "coverage", "stance", "quotes")


def load_run(run_dir: str | Path) -> tuple[dict[str, pd.DataFrame | None], dict[str, dict[str, Any]], dict[str, Any]]:
    """Read what the report needs: ``(tables, summaries, params)``; a missing file becomes ``None``/absent.

    Only ``data/articles`` is required: without articles there is nothing to report on.
    """
    import yaml

    from . import artifacts

    run = Path(run_dir)
    tables: dict[str, pd.DataFrame | None] = {}
    for name in REPORT_TABLES:
        path = artifacts.table_path(run, name)
        tables[name] = artifacts.read_table(run, name) if path.exists() else None
    if tables["articles"] is None:
        raise ReportError(f"{artifacts.table_path(run, 'articles')}: missing; the clean stage must run first")
    summaries = {}
    for stage in STAGE_SUMMARIES:
        path = run / "data" / f"{stage}_summary.json"
        if path.exists():
            summaries[stage] = artifacts.read_json(path)
    params_path = run / "params.yaml"
    params = yaml.safe_load(params_path.read_text(encoding="utf-8")) if params_path.exists() else {}
    return tables, summaries, params or {}


def stage_figures_block(run_dir: str | Path, notebook_name: str, summary: Mapping[str, Any] | None) -> str:
    """The collapsed block of a stage's own figures, captioned from its executed notebook."""
    import nbformat

    run = Path(run_dir)
    figures = stage_figures(run, notebook_name[:2])
    executed = run / "notebooks" / notebook_name
    captions = notebook_figure_captions(nbformat.read(str(executed), as_version=4)) if executed.exists() else {}
    return stage_figures_html(figures, summary, notebook=f"notebooks/{notebook_name}", captions=captions)


def load_benchmark_floors(directory: str | Path | None = None, *, kind: str = "floors") -> dict[str, dict[str, Any]]:
    """``stage -> {figure: value}`` from ``benchmarks/<kind>_<stage>.json`` of the installed project
    (``kind`` is ``floors`` or ``results``; empty when the benchmarks folder is not there, e.g. in an
    installed wheel)."""
    from . import artifacts

    folder = Path(directory) if directory is not None else Path(__file__).resolve().parents[1] / "benchmarks"
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob(f"{kind}_*.json")) if folder.exists() else []:
        data = artifacts.read_json(path)
        if isinstance(data, dict):
            out[path.stem.removeprefix(f"{kind}_")] = data
    return out


def preferred_targets(summary: Mapping[str, Any] | None) -> list[str]:
    """The stance stage's own main target, if its summary names one."""
    # only the main one: the rest are ranked by how many articles take a stance on them
    main = (summary or {}).get("main_target")
    return [main] if isinstance(main, str) and main.strip() else []


def stage_figures(run_dir: str | Path, stage_prefix: str) -> list[tuple[str, bytes]]:
    """PNG figures a stage saved under ``figures/`` (``02_*.png`` for coverage), sorted by name."""
    folder = Path(run_dir) / "figures"
    if not folder.exists():
        return []
    return [(p.stem, p.read_bytes()) for p in sorted(folder.glob(f"{stage_prefix}_*.png"))]


def notebook_figure_captions(notebook: Any) -> dict[str, str]:
    """``figure name -> caption`` from a stage notebook: the markdown cell just before the cell that
    saves the figure (house style puts "what the reader sees" there), headings dropped."""
    captions: dict[str, str] = {}
    previous = ""
    for cell in getattr(notebook, "cells", []):
        source = "".join(cell.get("source", "")) if isinstance(cell.get("source"), list) else str(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            previous = source
            continue
        for name in re.findall(r"""figure_path\([^,()]+,\s*f?["'](\d\d_[\w.-]+)["']""", source):
            lines = [ln for ln in previous.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
            text = re.sub(r"[*_`]+", "", " ".join(lines)).strip()
            if text:
                captions[name] = text
    return captions


def stage_figures_html(figures: Sequence[tuple[str, bytes]], summary: Mapping[str, Any] | None, *,
                       notebook: str, captions: Mapping[str, str] | None = None) -> str:
    """Figures drawn by a stage notebook, in one collapsed block, each with a caption.

    The caption is the stage summary's ``figures`` entry (``{name: caption}``) if it has one, else
    ``captions`` (see :func:`notebook_figure_captions`), else a pointer to the notebook.
    """
    if not figures:
        return ""
    given = (summary or {}).get("figures") or {}
    if isinstance(given, list):
        given = {str(c.get("name", c.get("file", ""))).removesuffix(".png"): c.get("caption", "")
                 for c in given if isinstance(c, Mapping)}
    parts = []
    for name, png in figures:
        caption = str(given.get(name) or given.get(f"{name}.png") or (captions or {}).get(name) or
                      f"Figure {name} from {notebook}; the reviewer version shows how it is built.")
        parts.append(figure_html(png, alt=name.replace("_", " "), caption="How to read: " + caption
                                 if not caption.lower().startswith(("how to read", "figure ")) else caption))
    label = f"More figures from {notebook} ({len(figures)})"
    return f'<details class="nr-evidence nr-figures"><summary>{esc(label)}</summary>{"".join(parts)}</details>'


def _label(text: Any, n: int = 32) -> str:
    """Figure text from data: clipped, with ``$`` escaped so matplotlib never reads it as mathtext
    (an outlet called "$5 News $" would otherwise fail to render)."""
    return _clip(_text(text), n).replace("$", r"\$")


def _new_figure(width_in: float, height_in: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=110, layout="constrained")
    fig.patch.set_facecolor("white")
    return fig


def coverage_figure(matrix: pd.DataFrame, *, max_facts: int = 60) -> Any | None:
    """Outlets × facts grid (filled square = the outlet carried the fact), widest-carried facts first."""
    if matrix.empty or matrix.shape[1] == 0:
        return None
    m = matrix.head(max_facts)
    outlets = list(m.columns)[:40]
    n_f, n_o = len(m), len(outlets)
    fig = _new_figure(min(9.0, 2.6 + 0.12 * n_f), min(7.0, 1.3 + 0.32 * n_o))
    ax = fig.add_subplot()
    values = m[outlets].T.to_numpy(dtype=float)
    from matplotlib.colors import ListedColormap

    ax.imshow(values, aspect="auto", cmap=ListedColormap(["#eef1f4", OKABE_ITO["blue"]]), vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_yticks(range(n_o), [_label(o) for o in outlets], fontsize=9)
    step = 1 if n_f <= 30 else 5
    ax.set_xticks(range(0, n_f, step), [str(i + 1) for i in range(0, n_f, step)], fontsize=8)
    ax.set_xlabel("facts, most widely carried first (numbers = rank in the facts table)", fontsize=9)
    ax.set_xticks([x - 0.5 for x in range(1, n_f)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n_o)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def stance_figure(ranking: pd.DataFrame, target: str, *, max_outlets: int = 30) -> Any | None:
    """Per outlet: support ↔ opposition (dot = mean, line = range over its articles) and conditionality."""
    r = ranking[ranking["target"] == target]
    if r.empty:
        return None
    g = r.groupby("outlet").agg(support=("support_score", "mean"), lo=("support_score", "min"),
                                hi=("support_score", "max"), cond=("conditionality", "mean"),
                                n=("article_id", "size"),
                                label=("label", lambda s: s.value_counts().sort_index().idxmax()))
    g = g.sort_values(["n", "support"], ascending=[False, False], kind="stable").head(max_outlets)
    g = g.sort_values("support", kind="stable")
    fig = _new_figure(8.6, min(8.0, 1.4 + 0.36 * len(g)))
    ax, ax2 = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 1.3]})
    y = list(range(len(g)))
    markers = {"supportive": "o", "conditional": "D", "skeptical": "s", "opposed": "v", "unclear": "X"}
    for yi, (outlet, row) in zip(y, g.iterrows()):
        ax.plot([row.lo, row.hi], [yi, yi], color="#777", linewidth=1.5)
        label = str(row.label) if str(row.label) in STANCE_COLOURS else "unclear"
        ax.scatter([row.support], [yi], s=70, color=STANCE_COLOURS[label], marker=markers[label], zorder=3,
                   edgecolor="black", linewidth=0.5)
    ax.axvline(0, color="#444", linewidth=0.8, linestyle=":")
    ax.set_xlim(-1.05, 1.05)
    ax.set_yticks(y, [_label(o) for o in g.index], fontsize=9)
    ax.set_xlabel("← opposition          support score          support →", fontsize=9)
    ax.set_title(_label(f"Framing of {target}", 70), fontsize=10, loc="left")
    present = [lab for lab in STANCE_ORDER if lab in set(g["label"].map(_text))]
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=markers[lab], color="none", markerfacecolor=STANCE_COLOURS[lab],
                      markeredgecolor="black", markersize=7, label=lab) for lab in present]
    if handles:
        ax.legend(handles=handles, fontsize=8, loc="lower right", frameon=True)
    ax2.barh(y, g["cond"].fillna(0), color=OKABE_ITO["orange"], hatch="//", edgecolor="#7a5300")
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("conditionality (0–1)", fontsize=9)
    for a in (ax, ax2):
        a.grid(axis="x", color="#ddd", linewidth=0.6)
        a.set_axisbelow(True)
        for side in ("top", "right"):
            a.spines[side].set_visible(False)
    return fig


def quote_categories(quotes: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, how many of its quotes were repeated verbatim, changed, or found nowhere else."""
    cols = ["outlet", "same wording as elsewhere", "wording changed", "only in this outlet"]
    if not _has(quotes, "quote_id", "article_id"):
        return pd.DataFrame(columns=cols)
    outlets = outlet_labels(articles)
    q = quotes.copy()
    q["article_id"] = q["article_id"].map(_text)
    q["outlet"] = q["article_id"].map(outlets).fillna(q["article_id"])
    cid = q["cluster_id"].map(_text) if "cluster_id" in q.columns else pd.Series([""] * len(q), index=q.index)
    spread = q.assign(cid=cid).groupby("cid")["article_id"].transform("nunique")
    shared = (cid.str.strip() != "") & (spread > 1)
    changed = pd.Series([_is_changed(r) for r in q.itertuples(index=False)], index=q.index)
    q["category"] = "only in this outlet"
    q.loc[shared & ~changed, "category"] = "same wording as elsewhere"
    q.loc[shared & changed, "category"] = "wording changed"
    table = pd.crosstab(q["outlet"], q["category"]).reindex(columns=cols[1:], fill_value=0)
    return table.reset_index()[cols]


def quotes_figure(categories: pd.DataFrame, *, max_outlets: int = 30) -> Any | None:
    """Stacked bars: each outlet's quotes split into same wording / changed / only here."""
    if categories.empty:
        return None
    c = categories.set_index("outlet")
    c = c.loc[c.sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_outlets]].iloc[::-1]
    fig = _new_figure(8.0, min(8.0, 1.3 + 0.36 * len(c)))
    ax = fig.add_subplot()
    left = pd.Series(0.0, index=c.index)
    styles = {"same wording as elsewhere": (OKABE_ITO["blue"], ""),
              "wording changed": (OKABE_ITO["vermillion"], "xx"),
              "only in this outlet": (OKABE_ITO["grey"], "..")}
    for col, (colour, hatch) in styles.items():
        ax.barh(range(len(c)), c[col], left=left, color=colour, hatch=hatch, edgecolor="white", label=col)
        left += c[col]
    ax.set_yticks(range(len(c)), [_label(o) for o in c.index], fontsize=9)
    ax.set_xlabel("number of quotes", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------

def _exporter(*, exclude_input: bool) -> Any:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="newsreport", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = exclude_input
    exporter.exclude_input_prompt = exclude_input
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    if exclude_input:
        from nbconvert.preprocessors import TagRemovePreprocessor

        # notes addressed to reviewers ("this cell reads ...") stay out of the reader's page
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REVIEWER_ONLY_TAG}, enabled=True),
                                       enabled=True)
    return exporter


def _resources(title: str, *, reader: bool) -> dict[str, Any]:
    # the reader gets only our stylesheet (not JupyterLab's 260 KB one): its content is HTML we
    # wrote; the reviewer keeps the lab look so code cells read as in Jupyter
    return {"metadata": {"name": title}, "newsreport_css": READER_CSS, "newsreport_js": READER_JS,
            "newsreport_reader": reader}


def _without_stderr(notebook: Any) -> Any:
    """A copy of ``notebook`` without stderr streams: library warnings mean nothing to readers
    (the reviewer's version keeps them)."""
    import copy

    nb = copy.deepcopy(notebook)
    for cell in nb.cells:
        if cell.get("outputs"):
            cell["outputs"] = [o for o in cell["outputs"]
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    return nb


def render_html(notebook: Any, *, exclude_input: bool, title: str) -> str:
    """Render an executed notebook (nbformat node) to a self-contained HTML string.

    ``exclude_input=True`` is the reader's version: no code, no reviewer-only notes, no stderr.
    """
    import copy

    notebook = _without_stderr(notebook) if exclude_input else copy.deepcopy(notebook)
    for i, cell in enumerate(notebook.cells):  # papermill's injected cell gets a random id; HTML must not
        cell["id"] = f"c{i:04d}"
    body, _ = _exporter(exclude_input=exclude_input).from_notebook_node(
        notebook, resources=_resources(title, reader=exclude_input))
    return body


def merged_notebook(paths: Sequence[Path]) -> Any:
    """One notebook holding every executed stage notebook, each under a heading, for reviewers."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    merged.metadata = nbformat.read(str(paths[0]), as_version=4).metadata if paths else {}
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        heading = STAGE_TITLES.get(path.stem, path.stem)
        merged.cells.append(nbformat.v4.new_markdown_cell(f"# {heading}\n\n`notebooks/{path.name}` as executed."))
        merged.cells.extend(nb.cells)
    for i, cell in enumerate(merged.cells):  # stage notebooks reuse ids; the merged one needs unique ids
        cell["id"] = f"c{i:04d}"
    return merged


#: attributes through which a page loads something (not ``<a href>``, which only navigates on click)
_LOADING_ATTRS = ("src", "srcset", "data", "poster", "background", "formaction", "action", "xlink:href")


def external_urls(html_text: str) -> list[str]:
    """URLs the page would load from off the file (scripts, images, styles, frames, CSS ``url()``).

    Parsed as a DOM, so escaped article text that merely mentions ``src=http://…`` is not
    mistaken for a load, and a real ``<img src>`` smuggled in is caught.
    """
    from selectolax.lexbor import LexborHTMLParser

    def remote(url: str) -> bool:
        url = url.strip().lower()
        return url.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))

    tree = LexborHTMLParser(html_text)
    found: set[str] = set()
    for node in tree.css("*"):
        attrs = node.attributes
        for name in _LOADING_ATTRS:
            value = attrs.get(name)
            if value and any(remote(part.split()[0]) for part in value.split(",") if part.strip()):
                found.add(value.strip())
        if node.tag == "link" and attrs.get("href") and remote(attrs["href"]):
            found.add(attrs["href"].strip())
        if node.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            found.add(attrs.get("content") or "meta refresh")
        style = attrs.get("style") or ""
        for url in re.findall(r"""url\(\s*["']?([^"')]+)""", style, re.I):
            if remote(url):
                found.add(url)
    for node in tree.css("style"):
        css = node.text() or ""
        found.update(u for u in re.findall(r"""url\(\s*["']?([^"')]+)""", css, re.I) if remote(u))
        found.update(u for u in re.findall(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""", css, re.I) if remote(u))
    return sorted(found)


def find_chromium() -> str | None:
    for candidate in (os.environ.get("NEWSREPORT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def chromium_flags(user_data_dir: str) -> list[str]:
    """Flags for a headless Chromium that never reaches the network."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={user_data_dir}"]


def print_version(html_text: str) -> str:
    """The page as printed: every evidence block opened, since paper cannot be clicked."""
    return re.sub(r'<details class="(nr-evidence[^"]*)">', r'<details class="\1" open>', html_text)


def print_pdf(html_path: Path, pdf_path: Path, *, timeout_s: int = 120) -> Path:
    """Print ``html_path`` to PDF with headless Chromium (Debian package ``chromium``)."""
    browser = find_chromium()
    if browser is None:
        raise ReportError("PDF requested but no Chromium found; install Debian's 'chromium' "
                          "(make system-deps) or set NEWSREPORT_CHROMIUM to a Chrome/Chromium binary")
    with tempfile.TemporaryDirectory() as profile:
        printable = Path(profile) / "print.html"
        printable.write_text(print_version(html_path.read_text(encoding="utf-8")), encoding="utf-8")
        cmd = [browser, *chromium_flags(str(Path(profile) / "profile")), "--no-pdf-header-footer",
               f"--print-to-pdf={pdf_path}", printable.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise ReportError(f"Chromium did not write {pdf_path} (exit {proc.returncode}): {proc.stderr[-500:]}")
    return pdf_path


def render_run(run_dir: str | Path, *, formats: Sequence[str] = ("html",)) -> dict[str, Path]:
    """Write report.html, report-reviewer.html and (if asked) report.pdf from the executed notebooks."""
    import nbformat

    run_dir = Path(run_dir)
    nb_dir = run_dir / "notebooks"
    executed = sorted(nb_dir.glob("[0-9][0-9]_*.ipynb"))
    report_nb = nb_dir / "05_report.ipynb"
    if not report_nb.exists():
        raise ReportError(f"{report_nb}: missing; the report stage has not run")
    title = f"newsreport: {run_dir.name}"
    outputs: dict[str, Path] = {}
    reader = render_html(nbformat.read(str(report_nb), as_version=4), exclude_input=True, title=title)
    leaks = external_urls(reader)
    if leaks:
        raise ReportError(f"report.html would load external resources {leaks[:5]}; refusing to publish")
    outputs["report.html"] = run_dir / "report.html"
    outputs["report.html"].write_text(reader, encoding="utf-8")
    reviewer = render_html(merged_notebook(executed), exclude_input=False, title=f"{title} (reviewer)")
    outputs["report-reviewer.html"] = run_dir / "report-reviewer.html"
    outputs["report-reviewer.html"].write_text(reviewer, encoding="utf-8")
    stale_pdf = run_dir / "report.pdf"
    if "pdf" in formats:
        outputs["report.pdf"] = print_pdf(outputs["report.html"], stale_pdf)
    elif stale_pdf.exists():  # a PDF from an earlier run would no longer match report.html
        stale_pdf.unlink()
    return outputs
