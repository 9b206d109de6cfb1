"""Same remark in other words: sentence-embedding links between renderings, fragments included.

When a leader speaks another language, every outlet prints its own translation, trims it, or turns
it into reported speech, so renderings of one remark share few words. Each rendering is cut into
*windows* (the whole text, its sentences, adjacent sentence pairs and its clauses); a fragment
("leave without a fight") then meets the clause of a longer rendering it comes from instead of
being diluted by the rest of it. Two renderings are compared by their best pair of windows.

Candidate pairs are linear in the corpus: the pairs the caller found through its word index, plus
each window's ``k`` nearest windows in embedding space (:func:`analysis.coverage.vectors.neighbour_pairs`);
never all pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .lexicon import SENTENCE_END, norm_words, strip_marks

# texts -> one unit-normalised vector per text (rows), e.g. analysis.nlp.embed bound to its cache and engine
Embedder = Callable[[list[str]], Any]

# clause boundaries inside a sentence: a comma, semicolon, dash or colon before the next words
_CLAUSE = re.compile(r"\s*(?:[,;:]|\s[–—-]\s)\s*")
# the opening of reported speech ("that he backs ...") carries no meaning of its own
_REPORTED_OPENING = re.compile(r"^(?:that|whether|if)\s+", re.IGNORECASE)


class Windows(NamedTuple):
    """The windows of all renderings: ``owner[i]`` is the rendering window ``i`` belongs to."""

    owner: list[int]
    texts: list[str]


def windows_of(text: str, *, min_words: int = 3) -> list[str]:
    """The stretches of one rendering worth comparing on their own, in order, without repeats.

    The whole rendering, each sentence, each pair of adjacent sentences and each clause of at
    least ``min_words`` words (outlets split one spoken sentence differently, and a trimmed quote
    is often one clause of a longer one).
    """
    plain = _REPORTED_OPENING.sub("", strip_marks(text).strip(" \"“”‘’'"))
    sents = [s.strip() for s in SENTENCE_END.split(plain) if s.strip()]
    out = [plain]
    out += sents
    out += [f"{a} {b}" for a, b in zip(sents, sents[1:])]
    for s in sents:
        clauses = [c for c in _CLAUSE.split(s) if c]
        if len(clauses) > 1:
            out += clauses
            out += [f"{a}, {b}" for a, b in zip(clauses, clauses[1:])]
    seen: set[str] = set()
    kept = []
    for w in out:
        w = _REPORTED_OPENING.sub("", w.strip(" ,.;:?!\"“”‘’'")).strip()
        if len(norm_words(w)) >= min_words and w.lower() not in seen:
            seen.add(w.lower())
            kept.append(w)
    return kept


def build_windows(texts: Sequence[str], *, min_words: int = 3) -> Windows:
    """Windows of every rendering (a rendering shorter than ``min_words`` keeps its whole text)."""
    owner: list[int] = []
    out: list[str] = []
    for k, text in enumerate(texts):
        ws = windows_of(text, min_words=min_words) or [strip_marks(text).strip(" \"“”‘’'")]
        owner += [k] * len(ws)
        out += ws
    return Windows(owner, out)


def best_window_similarity(vectors: np.ndarray, rows_x: Sequence[int], rows_y: Sequence[int]) -> float:
    """Cosine of the best-matching pair of windows of two renderings (rows of unit vectors)."""
    if not rows_x or not rows_y:
        return 0.0
    return float((vectors[list(rows_x)] @ vectors[list(rows_y)].T).max())


def meaning_links(texts: Sequence[str], word_pairs: Iterable[tuple[int, int]], *, embed: Embedder,
                  k: int, min_words: int = 3) -> dict[tuple[int, int], float]:
    """Best-window cosine of candidate rendering pairs: the word-index pairs plus nearest windows.

    Returns ``{(x, y): cosine}`` with ``x < y`` over renderings; the caller decides which pairs
    may join (speaker, article) and at what cosine.
    """
    wins = build_windows(texts, min_words=min_words)
    if len(wins.texts) < 2:
        return {}
    vectors = np.asarray(embed(wins.texts), dtype=np.float32)
    rows: dict[int, list[int]] = {}
    for i, o in enumerate(wins.owner):
        rows.setdefault(o, []).append(i)
    from ..coverage.vectors import neighbour_pairs

    cands = {(min(x, y), max(x, y)) for x, y in word_pairs if x != y}
    for a, b, _ in neighbour_pairs(vectors, k=k):
        x, y = wins.owner[a], wins.owner[b]
        if x != y:
            cands.add((min(x, y), max(x, y)))
    return {(x, y): round(best_window_similarity(vectors, rows[x], rows[y]), 4) for x, y in sorted(cands)}
