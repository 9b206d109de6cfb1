"""The fact method step by step, for a reviewer: intermediate tables :func:`~analysis.coverage.stage.run`
computes on the way but does not return.

:func:`claim_pairs` gives the candidate pairs of claims (each claim's nearest neighbours, never all
pairs) with their cosine, the learned same-fact probability (:mod:`analysis.coverage.pairs`), the
decision it implies and whether the grouping then put the two claims in one fact;
:func:`fact_overview` gives one row per fact unit. Both only read what the stage computes; the
notebook ``02_coverage`` shows them between the claims and the coverage matrix.

Tables
------
claim_pairs : DataFrame (one row per candidate pair, ``claim_a < claim_b`` in claims order)
    ``claim_a, claim_b, outlet_a, outlet_b, cosine, probability, decision, disagrees, fact_a,
    fact_b, grouped, text_a, text_b``. ``cosine`` is the claims' cosine (centred MiniLM or TF-IDF);
    ``probability`` the pair model's same-fact probability (empty with TF-IDF, which decides by
    cosine); ``decision`` is ``same fact`` (probability at or above the linkage threshold, or
    cosine at or above ``core`` with TF-IDF), ``different``, or ``same sentence`` (two parts of one
    sentence are never compared); ``disagrees`` the kinds of signature clash (number, date,
    entity: such claims never share a fact); ``fact_a``/``fact_b`` the fact each claim founds or
    joins as core evidence (empty: none); ``grouped`` whether the two share a fact in any role.
fact_overview : DataFrame (one row per fact unit, most outlets first)
    ``fact_id, kind, n_outlets, n_independent, n_claims, n_core, outlets, fact_text``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..annotate import Annotation, Annotator
from ..errors import CoverageError
from . import pairs
from .model import CoverageResult
from .space import ClaimSpace
from .stage import _claim_vectors, _inputs
from .vectors import neighbour_pairs

PAIR_COLUMNS = ["claim_a", "claim_b", "outlet_a", "outlet_b", "cosine", "probability", "decision", "disagrees",
                "fact_a", "fact_b", "grouped", "text_a", "text_b"]
OVERVIEW_COLUMNS = ["fact_id", "kind", "n_outlets", "n_independent", "n_claims", "n_core", "outlets", "fact_text"]


@dataclass(frozen=True)
class ClaimPairs:
    """The candidate claim pairs and the rule that decided them.

    Attributes
    ----------
    table : DataFrame
        The ``claim_pairs`` table of the module docstring.
    rule : str
        ``"pair model"`` (MiniLM: the learned probability) or ``"cosine"`` (TF-IDF fallback).
    threshold : float
        The probability (pair model) or cosine (TF-IDF ``core``) at which a pair counts as one fact.
    """

    table: pd.DataFrame
    rule: str
    threshold: float


def claim_pairs(articles: pd.DataFrame, sentences: pd.DataFrame, result: CoverageResult, *,
                annotator: Annotation | None = None, k_neighbors: int = 20, min_words: int = 4,
                subclauses: bool = True) -> ClaimPairs:
    """Candidate pairs of claims with their scores and decisions, as the stage made them.

    Parameters
    ----------
    articles, sentences : DataFrame
        The clean stage's tables, as given to :func:`~analysis.coverage.stage.run`.
    result : CoverageResult
        That run's result: its method, thresholds, claims and facts.
    annotator : Annotation, optional
        The run's annotator, so parses and vectors come from its caches (a fresh one otherwise).
    k_neighbors, min_words, subclauses
        The values given to :func:`~analysis.coverage.stage.run`; other values give other claims.

    Returns
    -------
    ClaimPairs
        The table, the deciding rule and its threshold.

    Raises
    ------
    CoverageError
        When the claims made here are not the run's (different ``min_words`` or ``subclauses``).
    """
    arts, sents = _inputs(articles, sentences)
    annotator = annotator if annotator is not None else Annotator()
    ct, vectors = _claim_vectors(arts, sents, method=result.method, annotator=annotator, min_words=min_words,
                                 subclauses=subclauses)
    if ct["claim_id"].tolist() != result.claims["claim_id"].tolist():
        raise CoverageError(f"claim_pairs made {len(ct)} claims, the run has {len(result.claims)}; "
                            "pass the min_words and subclauses the run used")
    if len(ct) < 2:
        return ClaimPairs(pd.DataFrame(columns=PAIR_COLUMNS), "cosine", float(result.thresholds["core"]))
    space = ClaimSpace.build(ct, vectors)
    use_model = result.method == "minilm" and space.dense is not None
    thr = result.thresholds
    floor = -1.0 if use_model else min(thr["core"], thr["attach"], thr["conflict"])
    cand = neighbour_pairs(vectors, k=k_neighbors, min_similarity=floor)
    if use_model:
        model = pairs.load_model()
        probs = pairs.score_candidates(pairs.ClaimCues.build(ct, space.dense), cand, model)
        rule, threshold = "pair model", model.threshold
    else:
        probs, rule, threshold = {}, "cosine", float(thr["core"])
    table = _pair_rows(ct, space, cand, probs, use_model, threshold, result.facts)
    return ClaimPairs(table, rule, float(threshold))


def _pair_rows(ct: pd.DataFrame, space: ClaimSpace, cand: list[tuple[int, int, float]],
               probs: dict[tuple[int, int], float], use_model: bool, threshold: float,
               facts: pd.DataFrame) -> pd.DataFrame:
    """The ``claim_pairs`` rows of the candidate pairs ``(i, j, cosine)`` (row numbers of ``ct``)."""
    ids = ct["claim_id"].astype(str).tolist()
    core_fact = {c: f for c, f, r in zip(facts["claim_id"], facts["fact_id"], facts["role"]) if r == "core"}
    facts_of: dict[str, set[str]] = {}
    for c, f in zip(facts["claim_id"], facts["fact_id"]):
        facts_of.setdefault(str(c), set()).add(str(f))
    sents, outlets, texts = ct["sent_id"].tolist(), ct["outlet"].tolist(), ct["text"].tolist()
    rows = []
    for i, j, cos in cand:
        p = probs.get((i, j), np.nan)
        if sents[i] == sents[j]:
            decision = "same sentence"
        else:
            score = p if use_model else cos
            decision = "same fact" if score >= threshold else "different"
        a, b = ids[i], ids[j]
        rows.append(dict(claim_a=a, claim_b=b, outlet_a=outlets[i], outlet_b=outlets[j], cosine=round(cos, 4),
                         probability=round(p, 4), decision=decision,
                         disagrees=";".join(sorted({d.kind for d in space.conflict(i, j)})),
                         fact_a=core_fact.get(a, ""), fact_b=core_fact.get(b, ""),
                         grouped=bool(facts_of.get(a, set()) & facts_of.get(b, set())),
                         text_a=texts[i], text_b=texts[j]))
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def fact_overview(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per fact unit of the ``facts`` table: its kind, how many outlets carry it (and how many
    of them independently of wire copy), its evidence claims (all, and core), which outlets, and its
    most central claim; facts carried by most outlets first."""
    if len(facts) == 0:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    rows = []
    for fid, g in facts.groupby("fact_id", sort=False):
        rows.append(dict(fact_id=fid, kind=g["kind"].iloc[0], n_outlets=int(g["n_outlets"].iloc[0]),
                         n_independent=int(g["n_independent"].iloc[0]), n_claims=len(g),
                         n_core=int((g["role"] == "core").sum()), outlets="; ".join(sorted(set(g["outlet"]))),
                         fact_text=g["fact_text"].iloc[0]))
    out = pd.DataFrame(rows, columns=OVERVIEW_COLUMNS)
    return out.sort_values(["n_outlets", "n_claims", "fact_id"], ascending=[False, False, True]).reset_index(drop=True)
