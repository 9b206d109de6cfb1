"""Near-duplicate detection: 5-word shingles, MinHash LSH candidates, exact Jaccard check."""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Iterable

from ..annotate import Mapper, local_map


def _shingles(text: str, k: int = 5) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _signatures(texts: list[str], *, num_perm: int = 128) -> list[tuple[frozenset[str], Any, str]]:
    """5-word shingles and their MinHash signature, per text (per-article work, runs on any engine)."""
    from datasketch import MinHash

    out = []
    for text in texts:
        shingles = frozenset(_shingles(text))
        mh = MinHash(num_perm=num_perm, seed=1)
        mh.update_batch(s.encode("utf-8") for s in sorted(shingles))
        out.append((shingles, mh.hashvalues, mh.scheme))
    return out


def find_duplicates(texts: dict[str, str], *, threshold: float = 0.8, num_perm: int = 128,
                    order: Iterable[str] | None = None, mapper: Mapper = local_map
                    ) -> dict[str, tuple[str, float]]:
    """Map each duplicate article id to ``(kept id, Jaccard)``.

    Exact copies and near copies (syndicated versions with a changed line or two) share most
    5-word shingles. Candidates come from MinHash LSH, so the work grows with the corpus, not its
    square; every candidate is verified with the exact shingle Jaccard. The first id in ``order``
    (earliest article) of each group is kept. ``mapper`` runs the per-article signatures
    (:meth:`analysis.annotate.Annotator.map`; this process by default).
    """
    from datasketch import MinHash, MinHashLSH

    ids = list(order) if order is not None else sorted(texts)
    rank = {aid: i for i, aid in enumerate(ids)}
    signatures = dict(zip(ids, mapper(partial(_signatures, num_perm=num_perm), [texts[a] for a in ids])))
    lsh = MinHashLSH(threshold=max(0.5, threshold - 0.1), num_perm=num_perm)
    duplicates: dict[str, tuple[str, float]] = {}
    for aid in ids:
        shingles, hashvalues, scheme = signatures[aid]
        mh = MinHash(num_perm=num_perm, seed=1, hashvalues=hashvalues, scheme=scheme)
        best: tuple[str, float] | None = None
        for other in sorted(lsh.query(mh), key=rank.__getitem__):
            a, b = shingles, signatures[other][0]
            jac = len(a & b) / len(a | b) if a | b else 1.0
            if jac >= threshold and (best is None or jac > best[1]):
                best = (duplicates.get(other, (other, 1.0))[0], jac)
        if best:
            duplicates[aid] = best
        else:
            lsh.insert(aid, mh)
    return duplicates

