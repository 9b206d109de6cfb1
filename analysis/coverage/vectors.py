"""Claim and document vectors, and candidate pairs by nearest-neighbour search.

Vectors are MiniLM embeddings (an ``embed`` callable, :meth:`analysis.annotate.Annotator.embed`;
:func:`analysis.nlp.embed` afresh by default) or the TF-IDF fallback, one
unit-normalised row per text. :func:`neighbour_pairs` keeps each row's ``k`` nearest neighbours,
so the candidate set grows linearly with the corpus: nothing compares all pairs.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .. import nlp

#: texts -> one unit-normalised vector per text (rows)
Embed = Callable[[Sequence[str]], np.ndarray]


def _tfidf_vectors(texts: Sequence[str], fit_on: Sequence[str] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        vec.fit(list(fit_on if fit_on is not None else texts))
        return vec.transform(list(texts))
    except ValueError:  # every text is stop words only
        from scipy.sparse import csr_matrix
        return csr_matrix((len(texts), 1))


def _vectors(texts: Sequence[str], method: str, embed: Embed | None, fit_on: Sequence[str] | None = None) -> Any:
    if method == "minilm":
        return (embed or nlp.embed)(list(texts))
    return _tfidf_vectors(texts, fit_on)


def center(X: np.ndarray) -> np.ndarray:
    """Subtract the corpus mean embedding and re-normalise.

    Every claim about one event shares the event's topic, which lifts all MiniLM cosines to
    0.5-0.7; removing the common direction leaves what distinguishes one claim from another
    (on the seed corpus, paraphrases keep 0.45-0.65 while same-topic different facts drop to
    about 0.3). Thresholds in :data:`FACT_THRESHOLDS` ("minilm") are on this centred scale.
    """
    if len(X) < 2:
        return X
    C = X - X.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(C, axis=1, keepdims=True)
    return C / np.where(norms == 0, 1.0, norms)


def _dense(X: Any) -> np.ndarray:
    return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


def neighbour_pairs(X: Any, *, k: int, min_similarity: float = -1.0) -> list[tuple[int, int, float]]:
    """Candidate pairs ``(i, j, cosine)`` with ``i < j``: each row's ``k`` nearest neighbours.

    Rows of ``X`` are unit-normalised (MiniLM or TF-IDF). Only top-``k`` lists are kept, so the
    candidate set grows linearly with the corpus; pairs below ``min_similarity`` are dropped.
    """
    n = X.shape[0]
    if n < 2:
        return []
    from sklearn import config_context
    from sklearn.neighbors import NearestNeighbors

    k_eff = min(n, k + 1)
    nn = NearestNeighbors(n_neighbors=k_eff, metric="cosine", algorithm="brute").fit(X)
    with config_context(working_memory=128):  # distance blocks of 128 MB, not sklearn's 1 GB
        dist, idx = nn.kneighbors(X)
    best: dict[tuple[int, int], float] = {}
    for i in range(n):
        for d, j in zip(dist[i], idx[i]):
            j = int(j)
            if j == i:
                continue
            sim = float(np.clip(1.0 - d, -1.0, 1.0))
            if sim < min_similarity:
                continue
            key = (min(i, j), max(i, j))
            best[key] = max(best.get(key, -2.0), sim)
    return sorted((a, b, s) for (a, b), s in best.items())
