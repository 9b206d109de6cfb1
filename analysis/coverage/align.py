"""Fact alignment: claims of different articles that state the same fact become one fact unit.

The steps, in order (each a function below, over one :class:`_Alignment` state):

1. candidate pairs: each claim's nearest neighbours (:func:`~analysis.coverage.vectors.neighbour_pairs`);
2. clustering. MiniLM vectors (:func:`_cluster_by_model`): the learned same-fact probability of each
   candidate pair (:mod:`analysis.coverage.pairs`), then average linkage over it
   (:mod:`analysis.coverage.grouping`); conflicting groups never merge; a claim very likely the
   same fact as a member of another fact is that fact's evidence too (a lede stating two facts);
   steps 3-4 are skipped.
   TF-IDF vectors (:func:`_cluster_core`): strongest edges first, two groups merge while their
   average cosine stays above ``core`` and no member's signature disagrees;
3. attachment (:func:`_attach_evidence`): an outlet not yet in a fact lends its closest
   non-conflicting claim as evidence;
4. absorption (:func:`_absorb_restatements`, :func:`_drop_evidence_only_facts`): a one-article
   fact that restates a shared fact the article already carries is evidence, not a unique fact;
5. frame evidence (:mod:`analysis.coverage.frame_evidence`), then the ``facts`` table
   (:mod:`analysis.coverage.fact_table`) and the ``conflicts`` table (:mod:`analysis.coverage.conflicts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..common.unionfind import UnionFind
from . import grouping, pairs
from .conflicts import conflicts_table, find_conflicts
from .fact_table import FactGroup, fact_rows
from .frame_evidence import attach_by_frames
from .model import AlignParams, _conflicts_frame, _facts_frame
from .space import ClaimSpace
from .vectors import neighbour_pairs

Edge = tuple[int, int, float]


@dataclass
class _Alignment:
    """The state the alignment steps share: claims, candidate edges and the facts found so far.

    ``facts`` maps a fact's root claim to its :class:`~analysis.coverage.fact_table.FactGroup`;
    ``root_of`` each claim to its cluster's root; ``sig_reps`` a root to one claim per distinct
    signature in its core. The two caches hold the articles of a fact's core and of its attached
    evidence (the latter kept up to date as claims are absorbed).
    """

    space: ClaimSpace
    cand: list[Edge]
    params: AlignParams
    facts: dict[int, FactGroup]
    root_of: dict[int, int]
    sig_reps: dict[int, list[int]]
    acts: list[dict[str, frozenset[str]]] = field(default_factory=list)  # :func:`_named_acts`
    _core_arts: dict[int, set[str]] = field(default_factory=dict)
    _attached_arts: dict[int, set[str]] = field(default_factory=dict)

    def core_articles(self, root: int) -> set[str]:
        if root not in self._core_arts:
            self._core_arts[root] = {self.space.arts[c] for c in self.facts[root].core}
        return self._core_arts[root]

    def attached_articles(self, root: int) -> set[str]:
        """Articles lending evidence to a fact (kept up to date as claims are absorbed)."""
        if root not in self._attached_arts:
            self._attached_arts[root] = {self.space.arts[a] for a in self.facts[root].attached}
        return self._attached_arts[root]


def align_facts(claim_table: pd.DataFrame, vectors: Any, params: AlignParams, *,
                copies: pd.DataFrame | None = None, syndicated: pd.DataFrame | None = None,
                method: str = "minilm", theme_vectors: dict[str, np.ndarray] | None = None,
                pair_model: pairs.PairModel | None = None,
                grouping_params: grouping.GroupingParams = grouping.GroupingParams()
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group claims that state the same fact; report look-alike claims that disagree.

    Parameters
    ----------
    claim_table : DataFrame
        From :func:`~analysis.coverage.clauses.claims` (needs the private ``_sig`` column; uses
        ``_frames`` when present).
    vectors : array or sparse matrix
        One unit-normalised row per claim.
    params : AlignParams
        The ``core``, ``attach``, ``conflict`` and ``theme`` thresholds and ``k_neighbors``
        (:meth:`AlignParams.for_method` gives a method's defaults).
    copies, syndicated : DataFrame, optional
        From :func:`~analysis.coverage.wirecopy.syndication`; copied evidence is not counted as independent.
    method : str, default="minilm"
        Written to the ``method`` column.
    theme_vectors : dict, optional
        Unit vectors of the claims' frame objects (:class:`~analysis.coverage.frames.Frame`), by
        text; without them objects are compared by shared content words.
    pair_model : PairModel, optional
        The same-fact decision for MiniLM vectors (:mod:`analysis.coverage.pairs`); the committed
        model by default. TF-IDF vectors are clustered by cosine thresholds (``params.core``).

    Returns
    -------
    facts, conflicts : DataFrame
        The ``facts`` and ``conflicts`` tables of the package docstring.
    """
    if len(claim_table) == 0:
        return _facts_frame([]), _conflicts_frame([])
    space = ClaimSpace.build(claim_table, vectors)
    use_model = method == "minilm" and space.dense is not None
    floor = -1.0 if use_model else min(params.core, params.attach, params.conflict)
    cand = neighbour_pairs(vectors, k=params.k_neighbors, min_similarity=floor)
    conflict_pairs = find_conflicts(space, cand, params)
    if use_model:
        # the learned decision already joins restatements and looser matches (attaching them as
        # well lowered held-out precision on the labelled triplets without adding recall)
        al = _cluster_by_model(space, claim_table, cand, params, pair_model or pairs.load_model(),
                               grouping_params)
    else:
        al = _cluster_core(space, cand, params)
        al.acts = _named_acts(claim_table)
        _attach_evidence(al)
        _absorb_restatements(al)
        _drop_evidence_only_facts(al)
    if "_frames" in claim_table:
        attach_by_frames(al.facts, claim_table["_frames"].tolist(), space.arts, space.mean_sim,
                         theme_vectors=theme_vectors, theme_threshold=params.theme)
    facts = _facts_frame(fact_rows(claim_table, al.facts, space.mean_to_others, copies, syndicated, method))
    return facts, conflicts_table(claim_table, facts, conflict_pairs)


def _cluster_core(space: ClaimSpace, cand: list[Edge], params: AlignParams) -> _Alignment:
    """Strongest edges first, merge while average linkage holds and no member disagrees.

    Sub-claims (embedded clauses) never join a core, so they stay singletons and found no fact.
    """
    n = len(space.arts)
    uf = UnionFind(n)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sig_reps: dict[int, list[int]] = {i: [i] for i in range(n)}
    for i, j, s in sorted(cand, key=lambda t: (-t[2], t[0], t[1])):
        if s < params.core:
            break
        if space.is_sub[i] or space.is_sub[j]:
            continue
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj:
            continue
        A, B = members[ri], members[rj]
        if any(space.conflict(a, b) for a in sig_reps[ri] for b in sig_reps[rj]):
            continue
        if space.mean_sim(A, B) < params.core:
            continue
        uf.union(ri, rj)  # the stronger side's root (ri) stays the fact's key
        members[ri] = sorted(A + B)
        sig_reps[ri] = space.distinct_signatures(sig_reps[ri] + sig_reps[rj])
        del members[rj], sig_reps[rj]
    facts = {root: FactGroup(core=m) for root, m in members.items() if not space.is_sub[m[0]]}
    root_of = {i: uf.find(i) for i in range(n)}
    return _Alignment(space, cand, params, facts, root_of, sig_reps)


def _cluster_by_model(space: ClaimSpace, claim_table: pd.DataFrame, cand: list[Edge], params: AlignParams,
                      model: pairs.PairModel, gp: grouping.GroupingParams = grouping.GroupingParams()) -> _Alignment:
    """Average linkage over the learned same-fact probability of candidate pairs
    (:mod:`analysis.coverage.pairs`, :mod:`analysis.coverage.grouping`); groups whose members
    disagree on a number, date or person never merge. A group of sub-claims only founds no fact.
    A claim very likely the same fact as a member of another fact is that fact's evidence too
    (``gp.strong_pair``, :func:`~analysis.coverage.grouping.strong_pair_links`); a lone claim joins a
    big group only through one strong pair (``gp.join_best``)."""
    cues = pairs.ClaimCues.build(claim_table, space.dense)
    probs = pairs.score_candidates(cues, cand, model)
    first: dict[str, int] = {}
    same_as = [first.setdefault(" ".join(t.lower().split()), k) for k, t in enumerate(cues.texts)]

    acts = _named_acts(claim_table)
    signs = [pairs.polarity(t) for t in cues.texts]

    def conflict(a: list[int], b: list[int]) -> bool:
        # a different named actor of the same act, or endorsing vs distancing: different facts
        if _actors_differ(acts, a, b) or {signs[x] for x in a} | {signs[y] for y in b} >= {1, -1}:
            return True
        return any(space.conflict(x, y) for x in space.distinct_signatures(a) for y in space.distinct_signatures(b))

    groups = grouping.average_linkage(len(space.arts), probs, model.threshold, same_as=same_as, conflict=conflict,
                                      join_best=gp.join_best, join_group=gp.join_group)
    facts = {g[0]: FactGroup(core=g) for g in groups if not all(space.is_sub[c] for c in g)}
    root_of = {c: g[0] for g in groups for c in g}
    if gp.strong_pair is not None:
        # what the conflict test reads of a claim: a fact's claims with one such key stand for all of them
        def key(c: int) -> tuple:
            return space.sigs[c], signs[c], tuple(sorted(acts[c].items()))

        _join_strong_pairs(space, facts, root_of, probs, gp.strong_pair, conflict, key)
    sig_reps = {g[0]: space.distinct_signatures(g) for g in groups}
    return _Alignment(space, cand, params, facts, root_of, sig_reps)


def _join_strong_pairs(space: ClaimSpace, facts: dict[int, FactGroup], root_of: dict[int, int],
                       probs: dict[tuple[int, int], float], bar: float,
                       conflict: Any, key: Any) -> None:
    """Add claims strongly paired with a member of another fact as that fact's ``attached``
    evidence (similarity: its mean cosine to the core), unless they conflict with the fact.

    A fact is tested through one claim per distinct ``key`` (what the conflict test reads), so a
    fact of hundreds of wire copies costs one test per distinct claim, not per copy."""
    reps: dict[int, list[int]] = {}

    def allowed(root: int, y: int) -> bool:
        if root not in facts:
            return False
        if root not in reps:
            reps[root] = list({key(c): c for c in reversed(facts[root].core)}.values())
        return not conflict(reps[root], [y])

    group_of = [root_of[c] for c in range(len(space.arts))]
    for root, links in grouping.strong_pair_links(probs, group_of, bar, allowed=allowed).items():
        for y in sorted(links):
            facts[root].attached[y] = space.mean_sim([y], facts[root].core)


def _named_acts(claim_table: pd.DataFrame) -> list[dict[str, frozenset[str]]]:
    """Per claim, the named actors (countries, people) of each kind of act its frames report."""
    out = []
    for frames in (claim_table["_frames"] if "_frames" in claim_table else [()] * len(claim_table)):
        acts: dict[str, set[str]] = {}
        for fr in frames:
            if fr.agent.startswith(("place:", "person:")):
                acts.setdefault(fr.action, set()).add(fr.agent)
        out.append({k: frozenset(v) for k, v in acts.items()})
    return out


def _actors_differ(acts: list[dict[str, frozenset[str]]], a: list[int], b: list[int]) -> bool:
    """Whether two groups report one kind of act by different named actors only ("Chile accepted
    the deal" / "Peru accepted the deal"): a different actor is a different fact."""
    def union(group: list[int]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for c in group:
            for act, agents in acts[c].items():
                out.setdefault(act, set()).update(agents)
        return out

    ua, ub = union(a), union(b)
    return any(ua[act].isdisjoint(ub[act]) for act in ua.keys() & ub.keys())


def _attach_evidence(al: _Alignment) -> None:
    """An outlet not yet in a fact lends its closest non-conflicting claim as evidence."""
    space, params, arts = al.space, al.params, al.space.arts
    offers: dict[tuple[int, str], tuple[float, int]] = {}
    for i, j, s in al.cand:
        if s < params.attach:
            continue
        for x, y in ((i, j), (j, i)):  # x's fact, y the candidate evidence
            root = al.root_of[x]
            if root not in al.facts:
                continue
            core = al.facts[root].core
            if arts[y] in al.core_articles(root):
                continue
            if any(space.conflict(y, c) for c in al.sig_reps[root]):
                continue
            if al.acts and _actors_differ(al.acts, [y], core):
                continue
            score, best_one = space.to_fact(y, root, core, s)
            # close to the fact as a whole, or a paraphrase of one of its claims; a one-claim fact
            # says nothing about what is common to its wording, so it needs a paraphrase-level match
            if len(core) == 1 and score < params.core:
                continue
            if score < params.attach and best_one < params.core:
                continue
            key = (root, arts[y])
            if key not in offers or (score, -y) > (offers[key][0], -offers[key][1]):
                offers[key] = (score, y)
    for (root, _), (score, y) in offers.items():
        al.facts[root].attached[y] = score


def _absorb_restatements(al: _Alignment) -> None:
    """A one-article fact restating shared facts that article already carries (in other words) is
    not unique: when every one of its claims fits such a fact, they join it as further evidence."""
    arts = al.space.arts
    neighbours: dict[int, list[Edge]] = {}
    for edge in al.cand:  # per-claim candidate lists, in candidate order, so the loop below is linear
        neighbours.setdefault(edge[0], []).append(edge)
        neighbours.setdefault(edge[1], []).append(edge)
    for root in sorted(al.facts):
        f = al.facts.get(root)
        if f is None or f.attached or len({arts[c] for c in f.core}) != 1:
            continue
        absorbed = []
        for c in f.core:
            best = _best_host(al, c, root, neighbours.get(c, ()))
            if best is not None:
                absorbed.append((c, best))
        if len(absorbed) == len(f.core):
            for c, (score, other) in absorbed:
                al.facts[other].attached[c] = score
                al.attached_articles(other).add(arts[c])
            del al.facts[root]


def _best_host(al: _Alignment, c: int, root: int, edges: Any) -> tuple[float, int] | None:
    """The closest other shared fact that claim ``c``'s article already carries: ``(score, root)``."""
    space, params, arts = al.space, al.params, al.space.arts
    best: tuple[float, int] | None = None
    for i, j, s in edges:
        if s < params.attach:
            continue
        other = al.root_of[j if i == c else i]
        g = al.facts.get(other)
        if other == root or g is None or (arts[c] not in al.core_articles(other)
                                          and arts[c] not in al.attached_articles(other)):
            continue
        if len(al.core_articles(other)) < 2 or any(space.conflict(c, d) for d in al.sig_reps[other]):
            continue
        score, best_one = space.to_fact(c, other, g.core, s)
        if (score >= params.attach or best_one >= params.core) and (best is None or score > best[0]):
            best = (score, other)
    return best


def _drop_evidence_only_facts(al: _Alignment) -> None:
    """A single-article fact whose claims all serve as evidence elsewhere is not a unique fact."""
    arts = al.space.arts
    attached_anywhere = {y for f in al.facts.values() for y in f.attached}
    for root in list(al.facts):
        f = al.facts[root]
        if len({arts[c] for c in f.core}) == 1 and not f.attached and all(c in attached_anywhere for c in f.core):
            del al.facts[root]
