"""The coverage stage's defaults, parameter and result types, and table columns.

Everything other modules of :mod:`analysis.coverage` agree on lives here: the method defaults
chosen on dev data (:data:`DOC_WEIGHTS`, :data:`FACT_THRESHOLDS`), the frozen bundle of
claim-alignment thresholds (:class:`AlignParams`), the stage's result (:class:`CoverageResult`)
and the column lists of the ``facts`` and ``conflicts`` tables (described in the package docstring).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd

from ..errors import CoverageError

# ---------------------------------------------------------------------------------------------
# defaults chosen on dev data
# ---------------------------------------------------------------------------------------------

#: Document score = weighted cosine of the lead (MiniLM reads the first 256 word pieces, the
#: headline and lede) and of the headline alone. Weights chosen by grid search on the SemEval-2022
#: Task 8 English pairs; 10-fold nested cross-validation, repeated 10 times, gives held-out
#: Pearson r 0.860 for MiniLM and 0.732 for the TF-IDF fallback (see benchmarks/bench_coverage.py).
DOC_WEIGHTS: dict[str, dict[str, float]] = {
    "minilm": {"lead": 0.6, "headline": 0.4},
    "tfidf": {"lead": 0.45, "headline": 0.55},
}

#: Claim-alignment thresholds (cosine) per method: ``core`` clusters claims into a fact,
#: ``attach`` adds a looser match from another outlet as evidence, ``conflict`` is the similarity
#: above which two claims with disagreeing signatures are reported as a conflict. Chosen on 28
#: hand-labelled claim pairs of the seed corpus (the dev set for this stage, listed in
#: benchmarks/bench_coverage.py): at ``core`` pairwise precision is 1.0 for both methods, recall
#: 0.88 (MiniLM, centred) and 0.62 (TF-IDF).
FACT_THRESHOLDS: dict[str, dict[str, float]] = {
    "minilm": {"core": 0.45, "attach": 0.4, "conflict": 0.45, "theme": 0.5},
    "tfidf": {"core": 0.2, "attach": 0.17, "conflict": 0.35, "theme": 0.34},
}
# ``theme``: two event frames' objects name the same thing (cosine of the object phrases, or their
# content-word Jaccard for TF-IDF); see :func:`analysis.coverage.frame_evidence.attach_by_frames`
# a conflict is a strong statement to the reader, so its bar is at least the merge bar; for
# TF-IDF it is higher still, as word overlap of 0.2-0.35 often joins different events of one day


@dataclass(frozen=True)
class AlignParams:
    """The knobs of :func:`analysis.coverage.align.align_facts`, grouped so a call names them once.

    Parameters
    ----------
    core : float
        Cosine at or above which two claims are clustered (average linkage over the candidate
        graph: two groups merge only while their mean cross-similarity stays above it).
    attach : float
        Looser cosine at which a claim from an outlet not yet in a fact is attached as evidence
        (its mean similarity to the fact's core claims). A claim may evidence several facts.
    conflict : float
        Pairs this similar whose signatures disagree are written to ``conflicts``; they are never
        merged nor attached, whatever their similarity.
    theme : float, default=0.5
        Similarity at which two frames' objects are the same thing
        (see :func:`analysis.coverage.frame_evidence._frame_matches`).
    k_neighbors : int, default=20
        Candidate neighbours per claim.
    """

    core: float
    attach: float
    conflict: float
    theme: float = 0.5
    k_neighbors: int = 20

    @classmethod
    def for_method(cls, method: str, *, k_neighbors: int = 20) -> "AlignParams":
        """The defaults of :data:`FACT_THRESHOLDS` for ``method`` ("minilm" or "tfidf")."""
        if method not in FACT_THRESHOLDS:
            raise CoverageError(f"unknown claim method {method!r}; use one of {sorted(FACT_THRESHOLDS)}")
        t = FACT_THRESHOLDS[method]
        return cls(t["core"], t["attach"], t["conflict"], t["theme"], k_neighbors)


@dataclass(frozen=True)
class CoverageResult:
    """Everything the coverage stage computes (tables described in the package docstring)."""

    method: str
    notes: tuple[str, ...]
    similarity: pd.DataFrame
    claims: pd.DataFrame
    facts: pd.DataFrame
    conflicts: pd.DataFrame
    copies: pd.DataFrame
    syndication: pd.DataFrame
    matrix: pd.DataFrame
    overlap: pd.DataFrame
    thresholds: dict[str, float]
    #: mean similarity of every pair of outlets (:func:`~analysis.coverage.similarity.outlet_similarity`)
    outlet_similarity: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: unique and left-out facts searched for again at a looser setting (:mod:`~analysis.coverage.recheck`)
    unique_checks: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------------------------------------
# table columns
# ---------------------------------------------------------------------------------------------

ARTICLE_COLUMNS = ["article_id", "outlet", "clean_text"]
SENTENCE_COLUMNS = ["article_id", "sent_id", "start", "end", "text", "section"]
_FACT_COLS = ["fact_id", "article_id", "sent_id", "text", "outlet", "claim_id", "start", "end", "section",
              "role", "similarity", "n_outlets", "n_independent", "copy_of", "fact_text", "method", "frame", "kind"]
_CONFLICT_COLS = ["fact_id", "article_id", "kind", "value", "text", "conflict_id", "sent_id", "claim_id",
                  "outlet", "other_article_id", "other_fact_id", "other_value", "unit", "similarity"]


def _check_columns(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise CoverageError(f"{name} table lacks columns {missing} (has {list(df.columns)}); "
                            "run the clean stage (01_clean) to produce it")


def _facts_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=_FACT_COLS)


def _conflicts_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=_CONFLICT_COLS)
    return df.sort_values(["conflict_id", "article_id", "kind", "unit"]).reset_index(drop=True) if len(df) else df
