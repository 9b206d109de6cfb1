"""Wire copy: sentences and articles that share most of their word shingles (MinHash / LSH).

A copied sentence is not independent confirmation of a fact, so the facts table groups outlets
whose evidence is copied (``n_independent``). Candidates come from MinHash LSH and are verified
by exact Jaccard / containment, so the work grows with the corpus, not with its square. Text in
quotation marks is left out of sentence comparison: two reporters quoting the same press
conference are not copying each other.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Sequence

import pandas as pd

from ..annotate import Mapper, local_map
from .signatures import _WORD

_QUOTED = re.compile(r"[\"“”][^\"“”]*[\"“”]|‘[^‘’]{8,}’")


def _shingles(text: str, k: int) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < k:
        return set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _minhash_signatures(sets: list[list[str]], *, num_perm: int, seed: int) -> list[tuple[Any, Any]]:
    """MinHash hash values (and scheme) of each sorted shingle list: per-item work, runs on any engine."""
    from datasketch import MinHash

    out = []
    for shingles in sets:
        m = MinHash(num_perm=num_perm, seed=seed)
        m.update_batch([x.encode("utf-8") for x in shingles])
        out.append((m.hashvalues, m.scheme))
    return out


def _minhash_pairs(sets: Sequence[set[str]], *, threshold: float, num_perm: int, seed: int,
                   mapper: Mapper = local_map, scale: int = 1) -> list[tuple[int, int]]:
    """Candidate pairs of similar sets from MinHash LSH; signatures are computed by ``mapper``
    (``scale`` times the engine's items per task)."""
    from datasketch import MinHash, MinHashLSH

    signatures = mapper(partial(_minhash_signatures, num_perm=num_perm, seed=seed), [sorted(s) for s in sets],
                        scale=scale)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, (s, (values, scheme)) in enumerate(zip(sets, signatures)):
        m = MinHash(num_perm=num_perm, seed=seed, hashvalues=values, scheme=scheme)
        hashes.append(m)
        if s:
            lsh.insert(str(i), m)
    pairs = set()
    for i, s in enumerate(sets):
        if not s:
            continue
        for key in lsh.query(hashes[i]):
            j = int(key)
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def syndication(articles: pd.DataFrame, sentences: pd.DataFrame, *, shingle_words: int = 5,
                copy_threshold: float = 0.5, article_threshold: float = 0.5, num_perm: int = 128,
                seed: int = 1, mapper: Mapper = local_map) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find wire copy: sentences and articles that share most of their word shingles.

    Parameters
    ----------
    shingle_words : int, default=5
        Words per shingle.
    copy_threshold : float, default=0.5
        Jaccard of two sentences' narration shingles at or above which one copies the other. Text
        in quotation marks is left out: outlets quoting the same speaker are not copying each other.
    article_threshold : float, default=0.5
        Containment (share of the shorter article's shingles found in the other) at or above which
        two articles are the same wire story.
    num_perm, seed : int
        MinHash size and seed (fixed, so runs are reproducible).
    mapper : callable, optional
        Runs the per-sentence and per-article MinHash signatures in chunks
        (:meth:`analysis.annotate.Annotator.map`: this process or the run's Dask cluster).

    Returns
    -------
    copies, syndicated : DataFrame
        The ``copies`` and ``syndication`` tables of the package docstring.
    """
    sents = sentences.sort_values(["article_id", "start"]).reset_index(drop=True)
    narr = [_shingles(_QUOTED.sub(" ", str(t)), shingle_words) for t in sents["text"]]
    narr = [s if len(s) >= 3 else set() for s in narr]  # too short to call copying
    # LSH is approximate: candidates at a lower bar, verified exactly by the two helpers
    # sentences are small: many to a task
    sent_pairs = _minhash_pairs(narr, threshold=max(0.1, copy_threshold * 0.8), num_perm=num_perm, seed=seed,
                                mapper=mapper, scale=20)
    copies = _sentence_copies(sents, narr, sent_pairs, threshold=copy_threshold)
    docs = [_shingles(str(t), shingle_words) for t in articles["clean_text"]]
    doc_pairs = _minhash_pairs(docs, threshold=max(0.1, article_threshold * 0.5), num_perm=num_perm, seed=seed,
                               mapper=mapper)
    synd = _article_copies(articles["article_id"].astype(str).tolist(), docs, doc_pairs, copies,
                           threshold=article_threshold)
    return copies, synd


def _sentence_copies(sents: pd.DataFrame, narr: list[set[str]], pairs: list[tuple[int, int]], *,
                     threshold: float) -> pd.DataFrame:
    """The ``copies`` table: candidate sentence pairs of different articles whose narration
    shingles (``narr``, one set per row of ``sents``) have a Jaccard of at least ``threshold``."""
    rows = []
    for i, j in pairs:
        a, b = sents.iloc[i], sents.iloc[j]
        if a["article_id"] == b["article_id"]:
            continue
        jac = len(narr[i] & narr[j]) / len(narr[i] | narr[j])
        if jac >= threshold:
            if (a["article_id"], a["sent_id"]) > (b["article_id"], b["sent_id"]):
                a, b = b, a
            rows.append({"article_a": a["article_id"], "sent_a": a["sent_id"],
                         "article_b": b["article_id"], "sent_b": b["sent_id"], "jaccard": round(jac, 4)})
    copies = pd.DataFrame(rows, columns=["article_a", "sent_a", "article_b", "sent_b", "jaccard"])
    return copies.sort_values(["article_a", "sent_a", "article_b", "sent_b"]).reset_index(drop=True)


def _article_copies(ids: list[str], docs: list[set[str]], pairs: list[tuple[int, int]], copies: pd.DataFrame, *,
                    threshold: float) -> pd.DataFrame:
    """The ``syndication`` table: candidate article pairs where at least ``threshold`` of the
    shorter one's shingles (``docs``) are in the longer one."""
    shared = copies.groupby(["article_a", "article_b"]).size().to_dict() if len(copies) else {}
    rows = []
    for i, j in pairs:
        inter = len(docs[i] & docs[j])
        jac = inter / len(docs[i] | docs[j])
        cont = inter / max(1, min(len(docs[i]), len(docs[j])))
        if cont >= threshold:
            a, b = sorted((ids[i], ids[j]))
            rows.append({"article_a": a, "article_b": b, "jaccard": round(jac, 4),
                         "containment": round(cont, 4), "shared_sentences": int(shared.get((a, b), 0))})
    synd = pd.DataFrame(rows, columns=["article_a", "article_b", "jaccard", "containment", "shared_sentences"])
    return synd.sort_values(["article_a", "article_b"]).reset_index(drop=True)
