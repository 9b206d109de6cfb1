"""The claim-pair decision: how likely two claims state the same fact, from cheap features.

Cosine similarity alone confuses "same topic" with "same fact" and misses a fact restated at a
different level of detail. The decision here is a logistic regression over a few features of a
candidate pair (:data:`FEATURES`): the MiniLM cosine of the two claims, of their sentences and of their sentences with the one before (context for "she" and
"the deal"), IDF-weighted and n-gram word overlap, named-word agreement, numbers and dates that
agree or clash, a different person, negation on one side only, and the claims' places in their
articles (news puts the main fact in the headline and lede). Cosines are on the centred scale of
:func:`~analysis.coverage.vectors.center` (the event's common topic removed). The weights live in
``resources/coverage_pair_model.json``; ``benchmarks/train_fact_pairs.py`` fits them on
hand-labelled facts (BASIL triplets, cross-validated by event) and reproduces the file.

Only candidate pairs are scored (each claim's nearest neighbours), so the step stays linear.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import CoverageError
from .signatures import _WORD, Signature, _singular, disagreements

#: pair features, in the order of the model's weights (see the module docstring)
FEATURES: tuple[str, ...] = (
    "cos_centred", "idf_containment", "idf_jaccard", "name_overlap", "name_disjoint",
    "number_agree", "number_conflict", "person_conflict", "negation_mismatch", "length_ratio",
    "unigram_containment", "bigram_containment", "trigram_containment", "sentence_cos", "gap_min", "gap_max",
    "same_article", "sub_claim", "headline", "both_lede", "log_rank_min", "log_rank_max", "context_cos",
    "headline_sim_min", "headline_sim_max")

#: function words that carry no fact (overlap is measured on the rest)
_STOP = frozenset("""a an the of for to on in at by with from and or but as is are was were be been being has have
had do does did it its this that these those he she they them his her their we our you your i me my who whom which
what when where why how than then there here not no so if about into over after before also said says say would
will could can may might should must just more most other some any such only very up out new one two""".split())
_NEGATION = re.compile(r"\b(?:not|no|never|without|neither|nor|none)\b|n[’']t\b", re.IGNORECASE)
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class PairModel:
    """A logistic regression over :data:`FEATURES` and the linkage threshold it was tuned with.

    ``weights`` apply to the raw features (standardisation folded in); ``threshold`` is the mean
    same-fact probability two groups need to be merged (average linkage, see
    :mod:`analysis.coverage.grouping`).
    """

    features: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, X: np.ndarray) -> np.ndarray:
        """Same-fact probability of each row of ``X`` (one row of :data:`FEATURES` per pair)."""
        z = X @ np.asarray(self.weights) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def load_model() -> PairModel:
    """The committed model (``resources/coverage_pair_model.json``), read once per process."""
    from importlib import resources

    raw = json.loads(resources.files("analysis").joinpath("resources/coverage_pair_model.json")
                     .read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise CoverageError(f"coverage_pair_model.json lists features {raw['features']!r}, the code computes "
                            f"{list(FEATURES)!r}; rerun benchmarks/train_fact_pairs.py")
    return PairModel(tuple(raw["features"]), tuple(float(w) for w in raw["weights"]), float(raw["intercept"]),
                     float(raw["threshold"]))


@lru_cache(maxsize=1)
def _stance_forms() -> dict[tuple[str, ...], int]:
    """Word sequences that endorse (+1) or distance from / oppose (-1) something, from the stance
    stage's cue list (``resources/stance_cues.tsv``), with regular inflections."""
    from importlib import resources

    text = resources.files("analysis").joinpath("resources/stance_cues.tsv").read_text(encoding="utf-8")
    out: dict[tuple[str, ...], int] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) < 4 or parts[1] not in ("endorsing", "distancing", "opposing"):
            continue
        sign = 1 if parts[1] == "endorsing" else -1
        alts = parts[0].split("|")
        words = alts[0].split()
        firsts = [words[0]]
        if len(alts) == 1 and parts[3] in ("verb", "noun"):
            w = words[0]
            stem = w[:-1] if w.endswith("e") else w
            firsts += [w + "s", w + "es", stem + "ed", stem + "ing", w + "d"]
        for form in ([a.split() for a in alts] if len(alts) > 1 else [[f, *words[1:]] for f in firsts]):
            out[tuple(x.lower() for x in form)] = sign
    return out


_NEGATORS = frozenset({"not", "no", "never", "without", "nor", "t"})  # "t" is what is left of "n't"


def polarity(text: str) -> int:
    """+1 when a claim endorses something ("supports", "backs"), -1 when it distances or opposes
    ("has reservations", "rejects"), 0 for neither or both; a negation up to three words before
    the cue flips it ("does not support"). Two claims of opposite polarity state different facts
    ("X supports the plan" / "X has reservations about it")."""
    toks = [t.lower() for t in _TOKEN.findall(text.replace("’", "'"))]
    forms = _stance_forms()
    signs = set()
    for k in range(len(toks)):
        for n in (3, 2, 1):
            sign = forms.get(tuple(toks[k:k + n]))
            if sign is not None:
                signs.add(-sign if _NEGATORS & set(toks[max(0, k - 3):k]) else sign)
                break
    return signs.pop() if len(signs) == 1 else 0


def _content(text: str) -> frozenset[str]:
    return frozenset(_singular(w) for w in _WORD.findall(text.replace("’", "'"))
                     if w.lower() not in _STOP and len(w) > 1)


def _names(text: str) -> frozenset[str]:
    """Capitalised words after the first (names, places, organisations), lower-cased."""
    toks = _WORD.findall(text)
    return frozenset(t.lower() for k, t in enumerate(toks) if k > 0 and t[:1].isupper() and t.lower() not in _STOP)


def _ngrams(tokens: list[str], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tokens[k:k + n]) for k in range(len(tokens) - n + 1))


def _unit(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms == 0, 1.0, norms)


@dataclass(frozen=True)
class ClaimCues:
    """What the pair features need of each claim, computed once per claim (lists indexed by claim).

    ``sent_row`` indexes ``sent_vecs`` / ``context_vecs`` (one row per sentence with claims);
    ``rank`` is the sentence's place in its article (0 = first); ``head_sim`` the centred cosine
    of the claim with its article's first sentence.
    """

    texts: list[str]
    sigs: list[Signature]
    arts: list[str]
    sents: list[str]
    is_sub: list[bool]
    is_headline: list[bool]
    rank: list[int]
    words: list[frozenset[str]]
    names: list[frozenset[str]]
    grams: list[tuple[frozenset, frozenset, frozenset]]
    negated: list[bool]
    n_words: list[int]
    idf: dict[str, float]
    centred: np.ndarray
    sent_row: list[int]
    sent_vecs: np.ndarray
    context_vecs: np.ndarray
    head_sim: list[float]

    @classmethod
    def build(cls, claim_table: pd.DataFrame, centred: np.ndarray) -> "ClaimCues":
        """Cues of every claim of ``claim_table`` (ordered by article and offset, as
        :func:`~analysis.coverage.clauses.claims` returns it), with its centred unit vectors."""
        texts = claim_table["text"].astype(str).tolist()
        words = [_content(t) for t in texts]
        df: dict[str, int] = {}
        for w in words:
            for x in w:
                df[x] = df.get(x, 0) + 1
        n = len(texts)
        idf = {x: math.log((n + 1) / (c + 1)) + 1.0 for x, c in df.items()}
        toks = [[t.lower() for t in _TOKEN.findall(x)] for x in texts]
        arts = claim_table["article_id"].astype(str).tolist()
        sents = claim_table["sent_id"].astype(str).tolist()
        kinds = claim_table["kind"].tolist() if "kind" in claim_table else ["clause"] * n
        sent_row, sent_vecs, context_vecs, rank, head_sim = _sentence_context(arts, sents, kinds, centred)
        return cls(texts, claim_table["_sig"].tolist(), arts, sents, [k == "sub" for k in kinds],
                   (claim_table["section"] == "headline").tolist() if "section" in claim_table else [False] * n,
                   rank, words, [_names(t) for t in texts],
                   [(_ngrams(t, 1), _ngrams(t, 2), _ngrams(t, 3)) for t in toks],
                   [bool(_NEGATION.search(t)) for t in texts], [max(1, len(t)) for t in toks], idf, centred,
                   sent_row, sent_vecs, context_vecs, head_sim)


def _sentence_context(arts: list[str], sents: list[str], kinds: list[str], centred: np.ndarray
                      ) -> tuple[list[int], np.ndarray, np.ndarray, list[int], list[float]]:
    """Sentence vectors (mean of the sentence's clause vectors, centred), the same with half the
    previous sentence added (context), each sentence's rank in its article, and each claim's
    similarity to its article's first sentence. No sentence is embedded twice."""
    order: list[str] = []
    members: dict[str, list[int]] = {}
    for c, (s, k) in enumerate(zip(sents, kinds)):
        if s not in members:
            order.append(s)
            members[s] = []
        if k != "sub" or not members[s]:
            members[s].append(c)
    if not order:
        return [], np.zeros((0, 1)), np.zeros((0, 1)), [], []
    row = {s: r for r, s in enumerate(order)}
    S = _unit(np.vstack([centred[[c for c in members[s] if kinds[c] != "sub"] or members[s]].mean(axis=0) for s in order]))
    S = _unit(S - S.mean(axis=0, keepdims=True)) if len(S) > 1 else S
    art_of = {s: arts[members[s][0]] for s in order}
    W = S.copy()
    rank_of: dict[str, int] = {}
    first_of: dict[str, int] = {}
    for r, s in enumerate(order):
        a = art_of[s]
        if a in first_of:
            W[r] = S[r] + 0.5 * S[r - 1] if art_of[order[r - 1]] == a else S[r]
            rank_of[s] = rank_of[order[r - 1]] + 1
        else:
            first_of[a], rank_of[s] = r, 0
    W = _unit(W)
    head_sim = [float(centred[c] @ S[first_of[arts[c]]]) for c in range(len(sents))]
    return [row[s] for s in sents], S, W, [rank_of[s] for s in sents], head_sim


def pair_features(cues: ClaimCues, i: int, j: int, best: dict[tuple[int, str], float]) -> list[float]:
    """The :data:`FEATURES` of claims ``i`` and ``j``; ``best[(c, article)]`` is claim ``c``'s
    highest centred cosine with a candidate claim of ``article`` (for the ``gap`` features)."""
    cos = float(cues.centred[i] @ cues.centred[j])
    wi, wj = cues.words[i], cues.words[j]
    idf = cues.idf
    shared = sum(idf[x] for x in wi & wj)
    si, sj = sum(idf[x] for x in wi) or 1.0, sum(idf[x] for x in wj) or 1.0
    ni, nj = cues.names[i], cues.names[j]
    both_named = bool(ni and nj)
    kinds = {d.kind for d in disagreements(cues.sigs[i], cues.sigs[j])}
    agree = bool({(u, v) for u, v, _ in cues.sigs[i].numbers} & {(u, v) for u, v, _ in cues.sigs[j].numbers})
    grams = [len(a & b) / max(1, min(len(a), len(b))) for a, b in zip(cues.grams[i], cues.grams[j])]
    ri, rj = cues.sent_row[i], cues.sent_row[j]
    return [
        cos, shared / min(si, sj), shared / (si + sj - shared),
        len(ni & nj) / min(len(ni), len(nj)) if both_named else 0.0, float(both_named and not ni & nj),
        float(agree), float(bool(kinds & {"number", "date"})), float("entity" in kinds),
        float(cues.negated[i] != cues.negated[j]), min(cues.n_words[i], cues.n_words[j]) / max(cues.n_words[i],
                                                                                               cues.n_words[j]),
        *grams, float(cues.sent_vecs[ri] @ cues.sent_vecs[rj]),
        *sorted((cos - best.get((i, cues.arts[j]), cos), cos - best.get((j, cues.arts[i]), cos))),
        float(cues.arts[i] == cues.arts[j]), float(cues.is_sub[i] or cues.is_sub[j]),
        float(cues.is_headline[i] or cues.is_headline[j]), float(cues.rank[i] <= 2 and cues.rank[j] <= 2),
        math.log1p(min(cues.rank[i], cues.rank[j])), math.log1p(max(cues.rank[i], cues.rank[j])),
        float(cues.context_vecs[ri] @ cues.context_vecs[rj]),
        min(cues.head_sim[i], cues.head_sim[j]), max(cues.head_sim[i], cues.head_sim[j])]


def candidate_features(cues: ClaimCues, cand: Sequence[tuple[int, int, float]]
                       ) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Feature rows of the candidate pairs ``(i, j, centred cosine)`` whose claims come from
    different sentences (two parts of one sentence are never the same fact)."""
    best: dict[tuple[int, str], float] = {}
    for i, j, s in cand:
        for x, y in ((i, j), (j, i)):
            key = (x, cues.arts[y])
            if s > best.get(key, -2.0):
                best[key] = s
    pairs = [(i, j) for i, j, _ in cand if cues.sents[i] != cues.sents[j]]
    X = np.array([pair_features(cues, i, j, best) for i, j in pairs], dtype=float).reshape(len(pairs), len(FEATURES))
    return pairs, X


def score_candidates(cues: ClaimCues, cand: Sequence[tuple[int, int, float]], model: PairModel | None = None
                     ) -> dict[tuple[int, int], float]:
    """Same-fact probability of every candidate pair of different sentences, by ``(i, j)``."""
    model = model or load_model()
    pairs, X = candidate_features(cues, cand)
    if not pairs:
        return {}
    return dict(zip(pairs, model.probability(X).tolist()))


def dense_unit(vectors: Any) -> np.ndarray:
    """Dense, unit-length rows (the pair model reads MiniLM vectors only)."""
    return _unit(np.asarray(vectors.toarray() if hasattr(vectors, "toarray") else vectors, dtype=float))
