"""The stance section: who framed each main target most and least favourably, and the words why."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from ..viz.text import highlight
from .digests import article_label, main_targets, stance_ranking
from .findings import stance_findings
from .html import _has, _slug, _text, bullets, esc, evidence_html, figure_html, interactive_table, paragraph, section_heading
from .sections import _missing, _stage_findings
from .stance_measures import actor_measures_html, measures_caption


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


def _target_evidence_html(r: pd.DataFrame, ev: pd.DataFrame, sentences: pd.DataFrame | None,
                          labels: Mapping[str, str], *, max_evidence: int, max_explained: int) -> str:
    """One evidence block per article of a target (rows ``r`` of the ranking), cues highlighted.

    With many articles only the extremes (most and least favourable) are explained, and the text
    says the rest are in the data.
    """
    parts = []
    by_article = {a: g for a, g in ev.groupby(ev["article_id"].map(_text), sort=False)}
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
                    f"{len(rows)} cue{'s' if len(rows) != 1 else ''} in {rows['sent_id'].nunique()} sentence"
                    f"{'s' if rows['sent_id'].nunique() != 1 else ''}"))
    return "".join(parts)


def _other_targets_html(ranking: pd.DataFrame, main: Sequence[str], *, max_rows: int) -> str:
    """One table for the targets without a section of their own (empty when there are none)."""
    others = [t for t in ranking["target"].unique() if t not in main]
    if not others:
        return ""
    rest = ranking[ranking["target"].isin(others)]
    show = [c for c in ("target", "outlet", "label", "support_score", "conditionality", "confidence", "article_id")
            if c in rest.columns]
    return "<h3>Other targets</h3>" + interactive_table(rest[show], "stance-other", max_rows=max_rows,
                                                        source="data/stance.csv")


def stance_section(stance: pd.DataFrame | None, stance_evidence: pd.DataFrame | None, sentences: pd.DataFrame | None,
                   articles: pd.DataFrame, *, summary: Mapping[str, Any] | None,
                   figures: Mapping[str, bytes] | None = None, stage_figures: str = "", targets: int = 3,
                   max_rows: int = 500, max_evidence: int = 8, preferred: Sequence[str] = (),
                   max_explained: int = 60, measures: pd.DataFrame | None = None,
                   drivers: pd.DataFrame | None = None, benchmarks: Mapping[str, Any] | None = None) -> str:
    """Who framed each main target's position most and least favourably, and the words why.

    With ``measures`` (:func:`.stance_measures.stance_measures`: per outlet framing and portrayal with
    intervals) each target gets the two-measure chart (``figures``), a trust sentence from
    ``benchmarks`` (the recorded stance figures), the outlets table and, from ``drivers``
    (``data/stance_drivers.csv``), the three sentences that move each outlet's scores most.
    """
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
    # the report's own sentences only: see summary_section for why the stage's are not repeated
    parts.append(bullets(stance_findings(ranking, main, framing=measures)))
    labels = article_label(articles)
    ev = stance_evidence if _has(stance_evidence, "article_id", "target", "sent_id", "start", "end") else None
    for i, target in enumerate(main):
        r = ranking[ranking["target"] == target]
        parts.append(section_heading(f"stance-{_slug(target)}", f"Target: {target}", level=3))
        png = (figures or {}).get(target)
        both = measures is not None and bool((measures["target"] == target).any())
        if png and both:
            has_portrayal = bool(measures.loc[measures["target"] == target, "portrayal"].notna().any())
            parts.append(figure_html(png, alt=f"Portrayal and position framing per outlet for {target}, with intervals",
                                     caption=measures_caption(has_portrayal)))
        elif png:
            parts.append(figure_html(png, alt=f"Support and conditionality per outlet for {target}",
                                     caption="How to read: each row is an outlet. The dot is its support score for this "
                                             "target (right = more supportive, left = more opposed; the dotted line is "
                                             "neutral), its colour and shape the label; a grey line spans the range "
                                             "when an outlet has several articles. The hatched bar on the right is "
                                             "conditionality: how much of the wording attaches conditions."))
        if both:
            parts.append(actor_measures_html(measures, drivers, target, i, labels=labels, benchmarks=benchmarks,
                                             min_sentences=(summary or {}).get("min_sentences"), max_rows=max_rows))
            parts.append(paragraph("Per article: the support score, conditionality and the cue words behind them."))
        show = [c for c in ("outlet", "label", "support_score", "conditionality", "confidence", "n_cues",
                            "top_cues", "article_id") if c in r.columns]
        parts.append(interactive_table(r[show], f"stance-table-{i}", max_rows=max_rows, source="data/stance.csv"))
        parts.append(STANCE_LEGEND)
        if ev is None:
            parts.append(_missing("The cue-by-cue evidence", "data/stance_evidence.csv", "stance"))
            continue
        parts.append(_target_evidence_html(r, ev[ev["target"] == target], sentences, labels,
                                           max_evidence=max_evidence, max_explained=max_explained))
    parts.append(_other_targets_html(ranking, main, max_rows=max_rows))
    return "".join(parts) + stage_figures
