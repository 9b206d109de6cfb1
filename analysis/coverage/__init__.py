"""Coverage overlap: how alike the articles are, and which outlet carried which fact.

The stage works at two levels. Documents are compared with a score that tracks human judgement
of news similarity (benchmarked on SemEval-2022 Task 8, see ``benchmarks/bench_coverage.py``).
Facts are compared claim by claim: every sentence is split into claims (clauses carrying one
fact, and embedded clauses), a logistic regression over cheap pair features decides how likely
two claims state the same fact (:mod:`~analysis.coverage.pairs`; weights fitted on hand-labelled
facts), average linkage over that probability groups them into *fact units*, and
claims that look alike but disagree on a number, a date or a named person are never merged: they
are reported as conflicts. Near-verbatim shared passages (wire copy) are found with MinHash/LSH
so that a copied sentence is not counted as independent confirmation.

Candidate pairs always come from nearest-neighbour search (top ``k`` per item) or MinHash LSH,
then are verified; nothing enumerates all pairs of sentences in the corpus.

Tables
------
similarity : DataFrame
    ``article_a, article_b, score, method`` plus ``lead, headline`` (the two blended parts, cosine
    similarities), ``shingle_jaccard`` (word 5-shingle Jaccard, 0 when not an LSH candidate).
    One row per pair, ``article_a < article_b``: every pair up to ``all_pairs_max`` articles
    (default 2,000), each article's nearest neighbours above it.
outlet_similarity : DataFrame
    ``outlet_a, outlet_b, n_pairs, score, lead, headline, method``: the mean score over every
    article pair of two outlets (``outlet_a == outlet_b``: within one outlet), exact at any size.
unique_checks : DataFrame
    ``fact_id, check, outlet, searched_outlet, closest_article_id, closest_sent_id,
    closest_claim_id, closest_text, closest_claim, score, shared, disagrees, passes, verdict``: each
    unique or left-out fact searched again in the other outlets' articles
    (:mod:`~analysis.coverage.recheck`); ``verdict`` ``possibly_carried`` keeps it out of the lists.
claims : DataFrame
    ``claim_id, article_id, outlet, sent_id, start, end, text, section, kind, numbers, dates,
    persons, frames``; ``kind`` is ``clause`` or ``sub`` (an embedded clause, evidence only);
    ``start``/``end`` index ``articles.clean_text``; ``numbers, dates, persons`` are the claim's
    signature and ``frames`` its event frames, as readable ``;``-separated strings.
facts : DataFrame (one row per evidence claim)
    ``fact_id, article_id, sent_id, text`` plus ``outlet, claim_id, start, end, section, role``
    (``core`` = clustered, ``attached`` = a looser match added as evidence, ``frame`` = the claim
    reports the fact's act inside a sentence about something else; the act is in ``frame``),
    ``similarity`` (mean cosine to the fact's core claims), ``n_outlets, n_independent`` (outlets
    carrying the fact, and how many of them are independent once wire copy is grouped),
    ``copy_of`` (claim this one copies near-verbatim, else empty), ``fact_text`` (the most
    central claim), ``method``, ``frame``, ``kind`` (event / statement / background, from cheap
    wording cues: :mod:`~analysis.coverage.kinds`).
conflicts : DataFrame (two rows per conflicting claim pair, one per side)
    ``fact_id, article_id, kind, value, text`` plus ``conflict_id, sent_id, claim_id, outlet,
    other_article_id, other_fact_id, other_value, unit, similarity``; ``kind`` is
    number/date/entity and ``unit`` what was counted (``$``, ``cardinal``, ``weekday``, ``person`` ...).
copies : DataFrame
    ``article_a, sent_a, article_b, sent_b, jaccard`` — sentence pairs that share most of their
    narration word shingles (text inside quotation marks is ignored: two reporters quoting the same
    press conference is not copying).
syndication : DataFrame
    ``article_a, article_b, jaccard, containment, shared_sentences`` — article pairs flagged as
    wire copy (containment = share of the shorter article's shingles found in the longer).

Modules
-------
``model``: defaults chosen on dev data, :class:`AlignParams`, :class:`CoverageResult`, table columns;
``signatures``: the numbers, dates and people a claim asserts; ``frames``: who did what to what;
``clauses``: the ``claims`` table; ``vectors``: vectors and nearest neighbours; ``wirecopy``: the
``copies`` and ``syndication`` tables; ``similarity``: the ``similarity`` table and heatmap matrix;
``space``: the claims being aligned, as one object; ``pairs``: the learned same-fact decision for
a claim pair; ``grouping``: average linkage over it; ``align``: claims into fact units; ``kinds``:
event, statement or background;
``conflicts``: the ``conflicts`` table; ``frame_evidence``: facts stated in passing;
``fact_table``: the ``facts`` table; ``recheck``: unique and left-out facts searched again;
``tables``: coverage matrix, overlap, unique and missed facts;
``stage``: :func:`run`; ``steps``: the intermediate tables a reviewer reads (candidate claim pairs
with their scores and decisions, one row per fact). Figures and the findings sentences are presentation:
:mod:`analysis.viz.coverage`.
"""

from __future__ import annotations

from typing import Any

from .align import align_facts
from .clauses import _split_clauses, claims
from .frames import Frame, event_frames, place_key
from .model import DOC_WEIGHTS, FACT_THRESHOLDS, AlignParams, CoverageResult
from .signatures import Disagreement, Signature, disagreements, signature
from . import recheck  # the module: recheck.recheck, recheck.checks_to_make
from .similarity import document_similarity, headline_of, outlet_similarity, pair_scores, similarity_matrix
from .space import _EXACT_PAIRS
from .stage import run
from .steps import ClaimPairs, claim_pairs, fact_overview
from .tables import coverage_matrix, missed_facts, outlet_overlap, unique_facts
from .vectors import _dense, _tfidf_vectors, center, neighbour_pairs
from .wirecopy import syndication

__all__ = [
    "DOC_WEIGHTS", "FACT_THRESHOLDS", "AlignParams", "ClaimPairs", "CoverageResult", "Disagreement", "Frame", "Signature",
    "align_facts", "center", "claim_pairs", "claims", "coverage_matrix", "disagreements", "document_similarity",
    "event_frames", "fact_overview", "headline_of", "missed_facts", "neighbour_pairs", "outlet_overlap", "outlet_similarity", "pair_scores",
    "place_key", "run", "signature", "similarity_matrix", "syndication", "unique_facts",
]

#: presentation names that used to live in this module; they now live in :mod:`analysis.viz.coverage`
#: and are looked up there on first use, so ``coverage.plot_coverage(...)`` in a notebook keeps working
#: without the stage importing the presentation layer
_VIZ_NAMES = frozenset({"findings", "plot_similarity", "plot_coverage", "plot_upset", "select_facts"})


def __getattr__(name: str) -> Any:
    if name in _VIZ_NAMES:
        from ..viz import coverage as viz

        return getattr(viz, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
