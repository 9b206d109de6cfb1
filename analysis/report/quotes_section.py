"""The quotes section: which quotes changed between outlets and how, with word-level differences."""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from ..viz.text import word_diff_html
from .digests import UNCHANGED_MUTATIONS, changed_quotes, outlet_labels
from .fact_quotes import quote_group_anchor
from .findings import quote_findings
from .html import _fmt, _has, _text, bullets, esc, evidence_html, figure_html, interactive_table, paragraph, section_heading
from .sections import _missing, _stage_findings


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
    own = quote_findings(quotes, changed)
    parts.append(bullets(own + _stage_findings(summary, 3, own=own)))
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
            parts.append(f'<blockquote class="nr-quote" id="{quote_group_anchor(str(cid))}">{esc(reference)}'
                         f'<br><small>— {esc(speakers)}; '
                         f'{g["article_id"].nunique()} articles{esc("; changes: " + mutations) if mutations else ""}'
                         f"</small></blockquote>")
            items = []
            for r in g.itertuples(index=False):
                fid = "" if r.fidelity is None or (isinstance(r.fidelity, float) and math.isnan(r.fidelity)) else \
                    f", fidelity {_fmt(r.fidelity)}"
                mut = f", {r.mutation}" if str(r.mutation).strip() else ""
                items.append((f"{r.outlet} ({r.article_id}{mut}{fid})", word_diff_html(reference, str(r.quote))))
            parts.append(evidence_html(f"compare the {len(items)} versions", items, limit=max_evidence))
        if len(clusters) > max_clusters:
            parts.append(paragraph(f"… {len(clusters) - max_clusters} more groups with changes are in data/quotes.csv."))
    parts.append("<h3>All quotes</h3>")
    q = quotes.drop(columns=["outlet"], errors="ignore")
    q.insert(0, "outlet", q["article_id"].map(_text).map(outlet_labels(articles)).fillna(q["article_id"]))
    show = [c for c in ("outlet", "speaker", "kind", "quote", "cluster_id", "fidelity", "mutation", "fact_ids",
                         "article_id")
            if c in q.columns]
    parts.append(interactive_table(q[show], "quotes-table", max_rows=max_rows, source="data/quotes.csv"))
    return "".join(parts) + stage_figures
