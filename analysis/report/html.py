"""HTML building blocks of the report: escaping, paragraphs, tables, evidence blocks, embedded figures.

Every string that comes from an article or a manifest passes through :func:`esc`
(``html.escape``) before it is put into markup: article text is data, never HTML. The
highlighter and the word diff live in :mod:`analysis.viz.text` (one of each in the package).
"""

from __future__ import annotations

import base64
import html
import math
import re
from typing import Any, Iterable, Sequence

import pandas as pd


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


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "t"


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

#: the reader's sections, in page order: (anchor id, heading)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "The story in one minute"),
    ("overview", "Outlets at a glance"),
    ("side-by-side", "Any two articles side by side"),
    ("articles", "The articles"),
    ("coverage", "What each outlet reported"),
    ("stance", "How each outlet framed the position"),
    ("quotes", "How quotes changed between outlets"),
    ("methods", "Methods and limitations"),
    ("provenance", "Inputs and provenance"),
)


def toc_html(sections: Sequence[tuple[str, str]] = SECTIONS) -> str:
    """Table of contents linking to the section anchors."""
    items = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in sections)
    return f'<nav class="nr-toc" aria-label="Contents"><strong>Contents</strong><ol>{items}</ol></nav>'


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


#: quotations per evidence block in the short PDF (``report.pdf_evidence = top``; pdf.py hides the rest)
PRINT_PER_BLOCK = 3


def evidence_html(summary: str, items: Iterable[tuple[str, str]], *, limit: int | None = None) -> str:
    """Like :func:`evidence`, for quotations already rendered as safe HTML (e.g. :func:`highlight`).

    ``items`` are ``(source label, html)``; the label is escaped here, the html is trusted and
    must come from :func:`highlight`, :func:`word_diff_html` or :func:`esc`.
    """
    items = list(items)
    shown = items if limit is None else items[:limit]
    body = "".join(f'<blockquote class="nr-quote">{text}<br><small>— {esc(label)}</small></blockquote>'
                   for label, text in shown)
    rest = len(items) - len(shown)
    if len(shown) > PRINT_PER_BLOCK:  # the short PDF shows fewer: its own count (pdf._PRINT_STYLE swaps them)
        if rest:
            body += f'<p class="nr-caption nr-not-short-pdf">… and {rest} more in the run folder.</p>'
        body += (f'<p class="nr-caption nr-short-pdf">… and {len(items) - PRINT_PER_BLOCK} more in report.html'
                 + (" and the run folder" if rest else "") + ".</p>")
    elif rest:
        body += f'<p class="nr-caption">… and {rest} more in the run folder.</p>'
    return f'<details class="nr-evidence"><summary>{esc(summary)}</summary>{body}</details>'


def figure_html(png: bytes, *, alt: str, caption: str) -> str:
    """A figure embedded as base64 PNG with alt text and a caption saying how to read it."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="nr-figure"><img alt="{esc(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")
