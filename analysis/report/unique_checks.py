"""What only one outlet reported, shown with the search that confirmed it.

The coverage stage searches every other outlet's articles again for each fact it found in one
outlet only, and each outlet said to leave out a widely carried fact for that fact
(``data/unique_checks.csv``, :mod:`analysis.coverage.recheck`). This part of the coverage section
lists the confirmed unique facts, each with the closest sentence of every other outlet and its
score, so a reader can see why it did not count, and, apart, the facts that looked unique but have
a close sentence elsewhere (``possibly_carried``), which no count in the report treats as unique.
"""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from .html import _has, _text, esc, evidence_html, paragraph

_NEEDED = ("fact_id", "check", "outlet", "searched_outlet", "closest_article_id", "closest_text", "score", "verdict")


def usable(checks: pd.DataFrame | None) -> bool:
    """Whether ``checks`` is a ``unique_checks`` table with the columns this part reads."""
    return _has(checks, *_NEEDED)


def found_again(checks: pd.DataFrame | None) -> tuple[set[str], set[tuple[str, str]]]:
    """Unique facts another outlet possibly carried, and ``(outlet, fact)`` omissions found in the
    outlet after all (both by the stage's looser search)."""
    if not usable(checks):
        return set(), set()
    hit = checks[checks["verdict"].map(_text) == "possibly_carried"]
    unique = {_text(f) for f in hit[hit["check"].map(_text) == "unique"]["fact_id"]}
    missed = {(_text(o), _text(f)) for o, f in zip(hit[hit["check"].map(_text) == "missed"]["outlet"],
                                                     hit[hit["check"].map(_text) == "missed"]["fact_id"])}
    return unique, missed


def closest_items(rows: pd.DataFrame, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(source label, html)`` per searched outlet: its closest sentence and the score."""
    items = []
    for r in rows.sort_values(["score", "searched_outlet"], ascending=[False, True], kind="stable").itertuples(index=False):
        try:
            score = f"{float(r.score):.2f}"
        except (TypeError, ValueError):
            score = _text(r.score)
        passes = _text(getattr(r, "passes", "")).lower() in {"true", "1"}
        verdict = "close enough to count as possibly the same fact" if passes else "not close enough"
        # the article label names the outlet already ("Outlet: title (id)")
        label = labels.get(_text(r.closest_article_id), f"{_text(r.searched_outlet)} ({_text(r.closest_article_id)})")
        items.append((label,
                      f'{esc(r.closest_text)} <span class="nr-caption">(similarity {esc(score)}: {verdict})</span>'))
    return items


def unique_facts_html(checks: pd.DataFrame | None, texts: Mapping[str, str], labels: Mapping[str, str], *,
                      max_facts: int = 100, max_evidence: int = 8) -> str:
    """The confirmed unique facts per outlet, then the ones found again, each with its search."""
    out = ["<h3>What only one outlet reported</h3>"]
    if not usable(checks):
        return out[0] + paragraph("The run folder has no data/unique_checks.csv, so facts found in one outlet "
                                  "only were not searched for again; rerun the coverage stage.")
    uniq = checks[checks["check"].map(_text) == "unique"]
    if uniq.empty:
        return out[0] + paragraph("Every fact was reported by at least two outlets.")
    out.append(paragraph("Facts the coverage stage found in one outlet only. Before one counts, every article of "
                         "every other outlet is searched for it again at a looser setting (any clause, the closest "
                         "by meaning, numbers and dates must agree). Open a fact to see the closest sentence of each "
                         "other outlet and its similarity (1 = same meaning)."))
    confirmed = uniq[uniq["verdict"].map(_text) != "possibly_carried"]
    again = uniq[uniq["verdict"].map(_text) == "possibly_carried"]
    shown = 0
    for outlet, g in confirmed.groupby(confirmed["outlet"].map(_text), sort=True):
        fids = list(dict.fromkeys(g["fact_id"].map(_text)))
        out.append(f"<h4>Only {esc(outlet)} reported ({len(fids)})</h4><ul class=\"nr-facts\">")
        for fid in fids[:max(0, max_facts - shown)]:
            rows = g[g["fact_id"].map(_text) == fid]
            out.append(f'<li><span class="nr-rank">{esc(fid)}</span> {esc(texts.get(fid, ""))}'
                       + evidence_html("the closest sentence in each other outlet", closest_items(rows, labels),
                                       limit=max_evidence) + "</li>")
        shown += min(len(fids), max(0, max_facts - shown))
        out.append("</ul>")
    if len(again):
        fids = list(dict.fromkeys(again["fact_id"].map(_text)))
        out.append(f"<h4>Looked unique, but another outlet has a close sentence ({len(fids)})</h4>")
        out.append(paragraph("Not counted as unique anywhere in this report: the looser search found a sentence "
                             "this close in another outlet. Judge for yourself."))
        out.append('<ul class="nr-facts">')
        for fid in fids[:max_facts]:
            rows = again[again["fact_id"].map(_text) == fid]
            owner = _text(rows["outlet"].iloc[0])
            out.append(f'<li><span class="nr-rank">{esc(fid)}</span> {esc(texts.get(fid, ""))} '
                       f'<span class="nr-caption">(found by the stage in {esc(owner)} only)</span>'
                       + evidence_html("the closest sentence in each other outlet", closest_items(rows, labels),
                                       limit=max_evidence) + "</li>")
        out.append("</ul>")
    return "".join(out)
