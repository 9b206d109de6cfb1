"""Both stance measures per main actor: the outlets table, the trust sentence and the driver sentences.

The stance stage writes per outlet and target the position framing score
(``stance_framing_outlets``) and the narration portrayal score (``stance_portrayal_outlets``),
each with a 95 % interval and the number of sentences behind it, and the three sentences that
move each score most (``stance_drivers``). This module turns them into escaped HTML: a table
per actor, one sentence on how far to trust the figures (benchmark F1 read from the recorded
figures, never written here) and one collapsed block per outlet with the driver sentences,
mention and cue words marked by the package's one highlighter (:func:`analysis.viz.text.highlight`).
"""

from __future__ import annotations

import json
import math
from typing import Any, Mapping

import pandas as pd

from ..viz.text import highlight
from .html import _has, _text, esc, evidence_html, interactive_table

#: ``stance_drivers`` mark kinds -> the reader's highlight classes (styles in :mod:`.style`)
MARK_CLASSES = {"target": "nr-target", "support+": "nr-pos", "support-": "nr-neg", "condition": "nr-cond",
                "modifier": "nr-cue", "neutral": "nr-cue"}

MEASURES_LEGEND = ('<p class="nr-legend">In the sentences below, the <mark class="nr-target">boxed words</mark> '
                   'are the mention of the actor the classifier read; cue words are marked as in the framing '
                   'evidence (<mark class="nr-pos">support</mark>, <mark class="nr-neg">opposition or '
                   'distance</mark>, <mark class="nr-cond">conditions</mark>). Hover a word for its class and '
                   'weight.</p>')


def stance_measures(framing: pd.DataFrame | None, portrayal: pd.DataFrame | None) -> pd.DataFrame | None:
    """Both measures per target and outlet (:func:`analysis.stance.outlet_measures`), or None when
    the run has no per-outlet framing table (an older run folder)."""
    from ..stance import outlet_measures

    if not _has(framing, "outlet", "target", "score", "ci_low", "ci_high", "n_sentences", "label"):
        return None
    ok = _has(portrayal, "outlet", "target", "voice", "score", "ci_low", "ci_high", "n_sentences", "label")
    return outlet_measures(framing, portrayal if ok else pd.DataFrame())


def _interval(score: Any, low: Any, high: Any) -> str:
    def num(x: Any) -> float | None:
        try:
            v = float(x)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(v) else v

    s, lo, hi = num(score), num(low), num(high)
    if s is None:
        return ""
    return f"{s:+.2f} [{lo:+.2f}, {hi:+.2f}]" if lo is not None and hi is not None else f"{s:+.2f} (no interval)"


def _count(x: Any) -> str:
    try:
        return "" if x is None or math.isnan(float(x)) else str(int(float(x)))
    except (TypeError, ValueError):
        return ""


def measures_table_html(measures: pd.DataFrame, target: str, table_id: str, *, max_rows: int = 500) -> str:
    """One row per outlet: framing and portrayal, each as ``score [low, high]``, sentences behind it, label."""
    m = measures[measures["target"] == target]
    if m.empty:
        return ""
    has_portrayal = m["portrayal"].notna().any()
    rows = {"outlet": m["outlet"].map(_text),
            "framing [95 % interval]": [_interval(*v) for v in zip(m["framing"], m["framing_low"], m["framing_high"])],
            "framing: sentences": m["framing_sentences"].map(_count), "framing: label": m["framing_label"].map(_text)}
    if has_portrayal:
        rows |= {"portrayal [95 % interval]": [_interval(*v) for v in zip(m["portrayal"], m["portrayal_low"],
                                                                         m["portrayal_high"])],
                 "portrayal: sentences": m["portrayal_sentences"].map(_count),
                 "portrayal: label": m["portrayal_label"].map(_text)}
    return interactive_table(pd.DataFrame(rows), table_id, max_rows=max_rows,
                             source="data/stance_framing_outlets.csv, data/stance_portrayal_outlets.csv")


def _f(figures: Mapping[str, Any], key: str) -> str | None:
    try:
        return f"{float(figures[key]):.2f}"
    except (KeyError, TypeError, ValueError):
        return None


def _span(values: pd.Series) -> str:
    v = pd.to_numeric(values, errors="coerce").dropna().astype(int)
    if v.empty:
        return ""
    return f"{v.min()}" if v.min() == v.max() else f"{v.min()}–{v.max()}"


def measures_trust_sentence(measures: pd.DataFrame, target: str, benchmarks: Mapping[str, Any] | None, *,
                            min_sentences: Mapping[str, int] | None = None) -> str:
    """How far to trust one actor's chart: the benchmark figures of both measures (from ``benchmarks``,
    the recorded ``results`` of the stance benchmark) and how many sentences stand behind each score,
    naming the scores that rest on fewer than the stage's ``min_sentences``."""
    figures = (benchmarks or {}).get("stance") or {}
    mins = {"framing": 3, "portrayal": 3} | dict(min_sentences or {})
    m = measures[measures["target"] == target]
    has_portrayal = m["portrayal"].notna().any()
    parts = []
    rw, mt = _f(figures, "newsmtsc_rw_f1m"), _f(figures, "newsmtsc_mt_f1m")
    if has_portrayal:
        parts.append(f"The portrayal classifier reached macro-F1 {rw} (rw) and {mt} (mt) on held-out NewsMTSC "
                     "sentences (the best published system reaches about 0.83)" if rw and mt else
                     "The portrayal classifier has no recorded benchmark figures in this installation")
    agree = _f(figures, "newsmtsc_framing_sign_agreement")
    parts.append(f"the framing cue words' direction agreed with annotated sentence polarity {agree} of the time, "
                 "about what always guessing the commoner sign scores, so framing shows which words the outlet chose, "
                 "not how favourable it was" if agree else "the framing cues have no recorded benchmark figures")
    text = "; ".join(parts) + "."
    text = text[0].upper() + text[1:] + ("" if has_portrayal else " Portrayal is read for actors only.")
    counts = [("framing", m["framing_sentences"], m["framing_label"])]
    if has_portrayal:
        p = m[m["portrayal"].notna()]
        counts.append(("portrayal", p["portrayal_sentences"], p["portrayal_label"]))
    for name, n, label in counts:
        thin = int((label == "too few").sum())
        span = _span(n)
        text += (f" Each outlet's {name} score rests on {span} sentences" if span else "")
        text += (f"; {thin} of {len(label)} rest on fewer than {mins[name]} and are marked “too few” (hollow "
                 "in the chart): read them as no evidence." if thin else ".")
    return text


def measures_finding(measures: pd.DataFrame, target: str) -> str:
    """One sentence per measure on how far apart the outlets are: the lowest and highest score among
    outlets with enough sentences, and how many intervals lie wholly on one side of 0 (else that the
    outlets' wording does not differ measurably). Outlets left out for too few sentences are named,
    so "no interval lies wholly on one side of 0" is never said of intervals it did not look at."""
    m = measures[measures["target"] == target]
    out = []
    for col, what in (("portrayal", f"Portrayal of {target} by the outlets' own sentences"),
                      ("framing", f"Position framing ({target})")):
        scored = m[m[col].notna()]
        r = scored[~scored[f"{col}_label"].isin(["too few", "unclear", ""])]
        if r.empty:
            continue
        thin = sorted(_text(o) for o in scored.loc[scored[f"{col}_label"] == "too few", "outlet"])
        lo, hi = r.loc[r[col].idxmin()], r.loc[r[col].idxmax()]
        sided = r[(r[f"{col}_low"] > 0) | (r[f"{col}_high"] < 0)]
        if len(r) > 1:
            text = f"{what} runs from {lo[col]:+.2f} ({_text(lo['outlet'])}) to {hi[col]:+.2f} ({_text(hi['outlet'])})"
            text += (f"; no {'compared ' if thin else ''}outlet's interval lies wholly on one side of 0" if sided.empty
                     else f"; {len(sided)} of {len(r)} intervals {'lies' if len(sided) == 1 else 'lie'} wholly on one "
                          "side of 0: " + ", ".join(f"{_text(o)} ({v:+.2f})" for o, v in zip(sided["outlet"], sided[col])))
        else:
            text = (f"{what}: only {_text(lo['outlet'])} has enough sentences ({lo[col]:+.2f}); its interval "
                    + ("does not lie" if sided.empty else "lies") + " wholly on one side of 0")
        if thin:
            names = thin[0] if len(thin) == 1 else ", ".join(thin[:-1]) + " and " + thin[-1]
            text += f"; {names} {'has' if len(thin) == 1 else 'have'} too few sentences to compare"
        out.append(text + ".")
    return " ".join(out)


def _marks(row: Any) -> list[tuple[int, int, str, str]]:
    try:
        marks = json.loads(_text(row.marks) or "[]")
    except ValueError:
        return []
    base = int(row.sentence_start)
    return [(int(a) - base, int(b) - base, MARK_CLASSES.get(str(kind), "nr-cue"), str(note))
            for a, b, kind, note in marks]


def _driver_item(row: Any, label: str) -> tuple[str, str]:
    text = highlight(_text(row.text), _marks(row), overlap="first")
    if row.measure == "portrayal":
        how = (f"P(negative) {float(row.p_neg):.2f}, P(neutral) {float(row.p_neu):.2f}, "
               f"P(positive) {float(row.p_pos):.2f}; moves the portrayal score by {float(row.shift):+.2f}")
    else:
        how = f"moves the framing score by {float(row.shift):+.2f}" if float(row.shift) else \
            "its conditions dilute the framing score"
    section = _text(getattr(row, "section", ""))
    return f"{label}{', ' + section if section else ''}; {how}", text


def drivers_html(drivers: pd.DataFrame | None, measures: pd.DataFrame, target: str, labels: Mapping[str, str], *,
                 max_outlets: int = 30) -> str:
    """Per outlet, one collapsed block: the three sentences that move each of its two scores most."""
    if not _has(drivers, "target", "outlet", "measure", "rank", "text", "marks", "sentence_start"):
        return ""
    d = drivers[drivers["target"] == target]
    m = measures[measures["target"] == target]
    blocks = []
    for r in m.head(max_outlets).itertuples(index=False):
        rows = d[d["outlet"] == r.outlet].sort_values(["measure", "rank"], ascending=[False, True])
        if rows.empty:
            continue
        items = [_driver_item(x, f"{x.measure} #{int(x.rank)}, {labels.get(_text(x.article_id), _text(x.article_id))}")
                 for x in rows.itertuples(index=False)]
        summary = f"Why {r.outlet}: framing {_interval(r.framing, r.framing_low, r.framing_high)}"
        if not pd.isna(r.portrayal):
            summary += f", portrayal {_interval(r.portrayal, r.portrayal_low, r.portrayal_high)}"
        summary += " — the sentences that move each score most"
        blocks.append(evidence_html(summary, items))
    if len(m) > max_outlets:
        blocks.append(f'<p class="nr-caption">Sentences are shown for {max_outlets} of {len(m)} outlets; all are in '
                      "data/stance_drivers.csv.</p>")
    return "".join(blocks)


def actor_measures_html(measures: pd.DataFrame | None, drivers: pd.DataFrame | None, target: str, index: int, *,
                        labels: Mapping[str, str], benchmarks: Mapping[str, Any] | None,
                        min_sentences: Mapping[str, int] | None = None, max_rows: int = 500) -> str:
    """The two-measure part of one target's subsection: trust sentence, outlets table, driver sentences."""
    if measures is None or measures[measures["target"] == target].empty:
        return ""
    trust = measures_trust_sentence(measures, target, benchmarks, min_sentences=min_sentences)
    finding = measures_finding(measures, target)
    return (f'<p class="nr-trust"><strong>How far to trust this chart:</strong> {esc(trust)}</p>'
            + (f"<p>{esc(finding)}</p>" if finding else "")
            + measures_table_html(measures, target, f"stance-measures-{index}", max_rows=max_rows)
            + MEASURES_LEGEND + drivers_html(drivers, measures, target, labels))


def measures_caption(has_portrayal: bool) -> str:
    """How to read the two-measure chart (:func:`.figures.measures_figure`)."""
    left = ("Left, portrayal: how the outlet's own sentences about the actor read (mean P(positive) − P(negative) "
            "by a trained classifier; quotes left out). " if has_portrayal else "")
    return ("How to read: each row is an outlet. " + left + "Right, position framing: the support score of its "
            "wording (right = more supportive, left = more opposed). Dots are the scores, lines their 95 % "
            "intervals, n the sentences behind each; a hollow marker rests on too few sentences. The two measures "
            "answer different questions and may disagree.")
