"""The claims being aligned, as one object: their vectors, articles and signatures.

:func:`analysis.coverage.align.align_facts` and its steps ask the same few questions many times
(how alike are two claims, two groups of claims, a claim and a fact; do two claims disagree), so
:class:`ClaimSpace` answers them once, with the caches that keep big facts cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .signatures import Disagreement, Signature, disagreements
from .vectors import _dense

#: up to this many claim pairs, group similarities are exact pairwise means; beyond it they use
#: mean vectors (equal in exact arithmetic), so big facts cost O(size), not O(size^2)
_EXACT_PAIRS = 64

#: densify the claim vectors only below this many cells (claims x dimensions)
_DENSE_CELLS = 25_000_000


@dataclass
class ClaimSpace:
    """Claim vectors (dense, or sparse rows as ``{column: weight}``), articles and signatures.

    Attributes
    ----------
    sigs, arts : list
        Each claim's :class:`~analysis.coverage.signatures.Signature` and article id.
    is_sub : list of bool
        Embedded clauses, which may only serve as attached evidence.
    dense : ndarray or None
        The vectors as one dense array when that fits comfortably, else None and ``sparse_rows``.
    fact_means, disagree : dict
        Caches: a fact's mean vector by root claim (cores do not change once clustered), and the
        disagreements of a claim pair.
    """

    sigs: list[Signature]
    arts: list[str]
    is_sub: list[bool]
    dense: np.ndarray | None
    sparse_rows: list[dict[int, float]]
    fact_means: dict[int, Any] = field(default_factory=dict)
    disagree: dict[tuple[int, int], list[Disagreement]] = field(default_factory=dict)

    @classmethod
    def build(cls, claim_table: pd.DataFrame, vectors: Any) -> "ClaimSpace":
        """The space of ``claim_table`` (needs ``_sig``, ``article_id``) with one vector row per claim.

        A TF-IDF matrix of thousands of claims over a large vocabulary would take gigabytes when
        dense; its rows are then kept as ``{column: weight}`` dicts, whose products are fast in
        plain Python (scipy row indexing per pair was the stage's hot spot).
        """
        n = len(claim_table)
        is_sub = (claim_table["kind"] == "sub").tolist() if "kind" in claim_table else [False] * n
        # MiniLM rows are dense already (no copy); only a large sparse TF-IDF matrix is kept as dicts
        dense = _dense(vectors) if not hasattr(vectors, "tocsr") or n * vectors.shape[1] <= _DENSE_CELLS else None
        sparse_rows: list[dict[int, float]] = []
        if dense is None:
            csr = vectors.tocsr()
            sparse_rows = [dict(zip(csr.indices[csr.indptr[r]:csr.indptr[r + 1]].tolist(),
                                    csr.data[csr.indptr[r]:csr.indptr[r + 1]].tolist())) for r in range(n)]
        return cls(claim_table["_sig"].tolist(), claim_table["article_id"].tolist(), is_sub, dense, sparse_rows)

    def row(self, i: int) -> Any:
        return self.dense[i] if self.dense is not None else self.sparse_rows[i]

    def sim(self, i: int, j: int) -> float:
        """Cosine of claims ``i`` and ``j``."""
        if self.dense is not None:
            return float(self.dense[i] @ self.dense[j])
        return self.dot(self.sparse_rows[i], self.sparse_rows[j])

    def dot(self, u: Any, v: Any) -> float:
        if self.dense is not None:
            return float(u @ v)
        if len(u) > len(v):
            u, v = v, u
        return float(sum(w * v.get(c, 0.0) for c, w in u.items()))

    def mean_vector(self, group: list[int]) -> Any:
        if self.dense is not None:
            return self.dense[group].mean(axis=0)
        acc: dict[int, float] = {}
        for c in group:
            for col, w in self.sparse_rows[c].items():
                acc[col] = acc.get(col, 0.0) + w
        return {col: w / len(group) for col, w in acc.items()}

    def mean_sim(self, group_a: list[int], group_b: list[int]) -> float:
        """Average pairwise similarity of two claim groups (average linkage)."""
        if len(group_a) * len(group_b) > _EXACT_PAIRS:
            # mean of dot products = dot of the mean vectors: O(d) instead of O(|A||B|)
            return self.dot(self.mean_vector(group_a), self.mean_vector(group_b))
        return float(np.mean([self.sim(a, b) for a in group_a for b in group_b]))

    def to_fact(self, y: int, root: int, core: list[int], edge: float) -> tuple[float, float]:
        """Mean similarity of claim ``y`` to a fact's core, and its best match to one core claim.

        A big corpus repeats sentences (wire copy, boilerplate), so facts of hundreds of identical
        claims occur: a big core is compared through its mean vector, and the best single match is
        then the candidate edge's similarity, as ``y``'s nearest core claims are among its candidates.
        """
        if len(core) <= _EXACT_PAIRS:
            sims = [self.sim(y, c) for c in core]
            return float(np.mean(sims)), max(sims)
        if root not in self.fact_means:
            self.fact_means[root] = self.mean_vector(core)
        return self.dot(self.row(y), self.fact_means[root]), edge

    def mean_to_others(self, c: int, root: int, core: list[int]) -> float:
        """Mean similarity of core claim ``c`` to the rest of its fact's core."""
        if len(core) <= _EXACT_PAIRS:
            return float(np.mean([self.sim(c, d) for d in core if d != c]))
        mean, _ = self.to_fact(c, root, core, 0.0)  # includes c itself: take its self-similarity out
        return (len(core) * mean - self.sim(c, c)) / (len(core) - 1)

    def conflict(self, i: int, j: int) -> list[Disagreement]:
        """Where the signatures of claims ``i`` and ``j`` disagree (memoised)."""
        key = (min(i, j), max(i, j))
        if key not in self.disagree:
            self.disagree[key] = disagreements(self.sigs[key[0]], self.sigs[key[1]])
        return self.disagree[key]

    def distinct_signatures(self, group: list[int]) -> list[int]:
        """One claim per distinct signature: conflicts depend on signatures only."""
        seen: dict[Signature, int] = {}
        for c in group:
            seen.setdefault(self.sigs[c], c)
        return list(seen.values())
