"""Same remark in other words: sentence-embedding links between renderings, fragments included.

When a leader speaks another language, every outlet prints its own translation, trims it, or turns
it into reported speech, so renderings of one remark share few words. Each rendering is cut into
*windows* (the whole text, its sentences, adjacent sentence pairs and its clauses); a fragment
("leave without a fight") then meets the clause of a longer rendering it comes from instead of
being diluted by the rest of it. Two renderings are compared by their best pair of windows.

Candidate pairs are linear in the corpus: the pairs the caller found through its word index, plus
each window's ``k`` nearest windows in embedding space (:func:`analysis.coverage.vectors.neighbour_pairs`);
never all pairs.

For renderings by one named speaker, :func:`pair_evidence` scores the pairs the caller chose on
three scales (best windows with both sides in one person and tense, :func:`speaker_neutral`; soft
overlap of content words through MiniLM word vectors, so "backs" meets "support") and combines
them (:func:`evidence_score`).
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


# Reported speech shifts person and tense ("I think we will" -> "he thought they would"): before two
# renderings are compared, both are put in one person and tense, so the shift itself is no difference.
_PERSON = {"i": "we", "he": "we", "she": "we", "me": "us", "him": "us", "my": "our", "his": "our",
           "mine": "ours", "myself": "ourselves", "himself": "ourselves", "herself": "ourselves"}
_BACKSHIFT = {"would": "will", "could": "can", "should": "shall", "was": "is", "were": "are", "had": "have",
              "has": "have", "wouldn't": "won't", "couldn't": "can't", "wasn't": "isn't", "weren't": "aren't"}
_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
# words that keep their meaning in any paraphrase: negation is content, not a stop word
_KEPT = frozenset({"not", "no", "never", "nothing", "none", "nobody", "nor", "without"})


def speaker_neutral(text: str) -> str:
    """``text`` in one person and tense: first and third person singular as "we", past modals as present.

    "he backs the idea" and "I back the idea" then read alike, and so do "would leave" and "will
    leave"; a direct quotation and the reported clause that summarises it lose the difference the
    frame made, not the difference in what was said.
    """
    out = []
    for tok in _TOKEN.findall(text):
        low = tok.lower().replace("’", "'")
        out.append(_PERSON.get(low) or _BACKSHIFT.get(low) or tok)
    return " ".join(out)


def content_words(text: str) -> list[str]:
    """The words of ``text`` that carry its meaning: no stop words (negation kept), no 1-2 letter words,
    no contracted stop words ("we're", "it's": a pronoun and a verb, shared by any two remarks)."""
    from .lexicon import stop_words

    stop = stop_words() - _KEPT
    return sorted({w for w in norm_words(text)
                   if w in _KEPT or (w not in stop and len(w) > 2 and w.split("'")[0] not in stop)})


class PairEvidence(NamedTuple):
    """How much two renderings say the same, on three scales (each 0-1).

    ``window``: cosine of the best pair of windows, both put in one person and tense
    (:func:`speaker_neutral`), so a fragment meets the clause it comes from. ``words``: soft
    overlap of content words, each word matched to its most similar word on the other side
    (MiniLM vectors of single words, so "backs" meets "support" and "accord" meets "agreement"),
    averaged over both sides (capped at ``window`` when a side has fewer than three content words).
    ``words_short``: the same seen from the side that is better covered (a trimmed quote is covered
    by its source, not the reverse). ``score``: the three combined
    (:func:`evidence_score`).
    """

    window: float
    words: float
    words_short: float
    score: float


# Logistic combination of the three scales, fitted by benchmarks/bench_quotes.py (cluster_held_out, "fit on
# all sets") on the pairs of renderings by one speaker in the four labelled sets (tests/quote_cluster_labels.py:
# seeds, invented, pope, PolNeAR), with the features as computed here; the bench prints this fit next to the
# shipped values and fails when they differ. Fits without one set vary (window 2.3-2.6, words 3.1-4.1,
# words_short 4.7-5.4): the held-out figures the bench prints are the ones to trust.
EVIDENCE_WEIGHTS = (2.257, 3.771, 5.357)
EVIDENCE_BIAS = -7.475


def evidence_score(window: float, words: float, words_short: float) -> float:
    """Probability-like 0-1 score that two renderings are one remark, from the three scales."""
    z = EVIDENCE_BIAS + EVIDENCE_WEIGHTS[0] * window + EVIDENCE_WEIGHTS[1] * words + EVIDENCE_WEIGHTS[2] * words_short
    return float(1.0 / (1.0 + np.exp(-z)))


def _soft_overlap(u: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """(both-sides average, better-covered side) of best word matches between two word-vector sets."""
    if not len(u) or not len(v):
        return 0.0, 0.0
    sim = u @ v.T
    a, b = float(sim.max(axis=1).mean()), float(sim.max(axis=0).mean())
    return (a * len(u) + b * len(v)) / (len(u) + len(v)), max(a, b)


def pair_evidence(texts: Sequence[str], pairs: Iterable[tuple[int, int]], *, embed: Embedder,
                  min_words: int = 3) -> dict[tuple[int, int], PairEvidence]:
    """:class:`PairEvidence` of the given rendering pairs (indices into ``texts``); nothing else is compared.

    Windows and content words of the renderings taking part are embedded once each (a speaker's
    renderings share most of their words, so the vocabulary stays small).
    """
    pairs = sorted({(min(x, y), max(x, y)) for x, y in pairs if x != y})
    used = sorted({k for p in pairs for k in p})
    if not pairs:
        return {}
    wins = build_windows([speaker_neutral(texts[k]) for k in used], min_words=min_words)
    wvec = np.asarray(embed(wins.texts), dtype=np.float32)
    rows: dict[int, list[int]] = {}
    for i, o in enumerate(wins.owner):
        rows.setdefault(used[o], []).append(i)
    words = {k: content_words(texts[k]) for k in used}
    vocab = sorted({w for ws in words.values() for w in ws})
    vvec = np.asarray(embed(vocab), dtype=np.float32) if vocab else np.zeros((0, 1), dtype=np.float32)
    pos = {w: i for i, w in enumerate(vocab)}
    out = {}
    for x, y in pairs:
        window = best_window_similarity(wvec, rows[x], rows[y])
        both, short = _soft_overlap(vvec[[pos[w] for w in words[x]]], vvec[[pos[w] for w in words[y]]])
        if min(len(words[x]), len(words[y])) < 3:  # one or two shared words say little: no more than the windows
            both, short = min(both, window), min(short, window)
        out[(x, y)] = PairEvidence(round(window, 4), round(both, 4), round(short, 4),
                                   round(evidence_score(window, both, short), 4))
    return out
