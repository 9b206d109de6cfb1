"""The coverage stage in one call: :func:`run` chains wire copy, document similarity, claims and alignment."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..annotate import Annotation, Annotator
from ..errors import CoverageError
from .align import align_facts
from .clauses import claims
from .model import ARTICLE_COLUMNS, FACT_THRESHOLDS, SENTENCE_COLUMNS, AlignParams, CoverageResult, _check_columns
from .recheck import RECHECK_THRESHOLDS, recheck
from .similarity import ALL_PAIRS_MAX, document_similarity, outlet_similarity
from .tables import coverage_matrix, outlet_overlap
from .vectors import _vectors, center
from .wirecopy import syndication

_TFIDF_NOTE = ("Claims were aligned by TF-IDF word overlap, which misses paraphrases: shared facts "
               "are undercounted and unique facts overcounted compared with the embedding method.")


def run(articles: pd.DataFrame, sentences: pd.DataFrame, *, use_embeddings: bool = True,
        core_threshold: float | None = None, attach_threshold: float | None = None,
        conflict_threshold: float | None = None, k_neighbors: int = 20, doc_k_neighbors: int = 15,
        shingle_words: int = 5, copy_threshold: float = 0.5, article_threshold: float = 0.5,
        min_words: int = 4, subclauses: bool = True, annotator: Annotation | None = None,
        theme_threshold: float | None = None, all_pairs_max: int = ALL_PAIRS_MAX,
        recheck_threshold: float | None = None) -> CoverageResult:
    """Run the whole coverage stage on the clean stage's tables.

    Thresholds left as ``None`` take the method's defaults from :data:`FACT_THRESHOLDS`
    (MiniLM and TF-IDF cosines live on different scales). ``annotator`` gives the article parses,
    the MiniLM vectors (both from the run folder's caches, on the run's engine) and runs per-item
    work (:class:`analysis.annotate.Annotator`; this process without caches by default).
    ``all_pairs_max``: up to this many articles every article pair gets a similarity score, above
    it only neighbours (and every pair of outlets its mean). ``recheck_threshold``: the looser bar
    at which a unique or left-out fact is found again elsewhere (:mod:`analysis.coverage.recheck`;
    ``None`` takes :data:`~analysis.coverage.recheck.RECHECK_THRESHOLDS` of the method).

    Raises
    ------
    CoverageError
        When there are fewer than two articles to compare or a table lacks its columns.
    """
    arts, sents = _inputs(articles, sentences)
    annotator = annotator if annotator is not None else Annotator()  # one per run: vectors reused within it
    status = annotator.embedder_status(use_embeddings=use_embeddings)
    method = status.method
    notes = [status.note]
    thr = dict(FACT_THRESHOLDS[method])
    for key, val in (("core", core_threshold), ("attach", attach_threshold), ("conflict", conflict_threshold),
                     ("theme", theme_threshold)):
        if val is not None:  # an explicit value is used as given (0 included): no sentinel
            thr[key] = float(val)
    copies, synd = syndication(arts, sents, shingle_words=shingle_words, copy_threshold=copy_threshold,
                               article_threshold=article_threshold, mapper=annotator.map)
    sim = document_similarity(arts, sents, method=method, k_neighbors=doc_k_neighbors, embed=annotator.embed,
                              syndicated=synd, all_pairs_max=all_pairs_max)
    outlet_sim = outlet_similarity(arts, sents, method=method, embed=annotator.embed)
    ct, V = _claim_vectors(arts, sents, method=method, annotator=annotator, min_words=min_words,
                           subclauses=subclauses)
    params = AlignParams(thr["core"], thr["attach"], thr["conflict"], thr["theme"], k_neighbors)
    themes = _comparable_themes(ct)
    theme_vectors = (dict(zip(themes, _vectors(themes, method, annotator.embed)))
                     if method == "minilm" and themes else None)
    facts, conflicts = align_facts(ct, V, params, copies=copies, syndicated=synd, method=method,
                                   theme_vectors=theme_vectors)
    thr["recheck"] = RECHECK_THRESHOLDS[method] if recheck_threshold is None else float(recheck_threshold)
    checks = recheck(facts, ct, V, dict(zip(sents["sent_id"].astype(str), sents["text"].astype(str))),
                     method=method, threshold=thr["recheck"])
    matrix = coverage_matrix(facts, sorted(arts["outlet"].unique()))
    overlap = outlet_overlap(matrix)
    if method == "tfidf":
        notes.append(_TFIDF_NOTE)
    return CoverageResult(method, tuple(notes), sim, ct.drop(columns=["_sig", "_frames"]), facts, conflicts, copies,
                          synd, matrix, overlap, thr, outlet_sim, checks)


def _inputs(articles: pd.DataFrame, sentences: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Checked copies of the clean stage's tables: string ids, an outlet for every article
    (its id when the outlet is blank), sorted by id, and only the sentences of those articles."""
    _check_columns(articles, ARTICLE_COLUMNS, "articles")
    _check_columns(sentences, SENTENCE_COLUMNS, "sentences")
    if len(articles) < 2:
        raise CoverageError(f"coverage needs at least 2 articles, got {len(articles)}; "
                            "add articles to the corpus or check inputs.csv for rejected files")
    arts = articles.copy()
    arts["article_id"] = arts["article_id"].astype(str)
    arts["outlet"] = [str(o) if str(o).strip() else a for o, a in zip(arts["outlet"].fillna(""), arts["article_id"])]
    arts = arts.sort_values("article_id").reset_index(drop=True)
    sents = sentences[sentences["article_id"].astype(str).isin(set(arts["article_id"]))].copy()
    sents["article_id"] = sents["article_id"].astype(str)
    return arts, sents


def _claim_vectors(arts: pd.DataFrame, sents: pd.DataFrame, *, method: str, annotator: Annotation,
                   min_words: int, subclauses: bool) -> tuple[pd.DataFrame, Any]:
    """The claims table (with its private ``_sig`` and ``_frames`` columns) and one vector row per
    claim: MiniLM vectors centred on the corpus mean, or TF-IDF rows. Shared by :func:`run` and
    :func:`analysis.coverage.steps.claim_pairs`, so both see the same claims and vectors."""
    ct = claims(arts, sents, min_words=min_words, subclauses=subclauses, parse=annotator.parse_articles,
                derive=getattr(annotator, "derive", None))  # per-article parse reads kept in the run folder
    texts = ct["text"].tolist()
    V = _vectors(texts, method, annotator.embed) if texts else np.zeros((0, 1))
    if method == "minilm" and len(texts):
        V = center(V)
    return ct, V


def _comparable_themes(ct: pd.DataFrame) -> list[str]:
    """The frame objects that may ever be compared, sorted: only objects of acts that two or more
    articles report are, so only those need vectors."""
    articles_of: dict[tuple[str, str], set[str]] = {}
    for art, fs in zip(ct["article_id"], ct["_frames"]):
        for fr in fs:
            articles_of.setdefault((fr.agent, fr.action), set()).add(art)
    return sorted({fr.theme for fs in ct["_frames"] for fr in fs
                   if not fr.anaphoric and len(articles_of[(fr.agent, fr.action)]) > 1})
