"""Claims into facts by average linkage over the pair decision (:mod:`analysis.coverage.pairs`).

Two groups of claims merge while the mean same-fact probability over all their cross pairs
stays at or above the model's threshold. Pairs that are not candidates (not among each other's
nearest neighbours) count as probability 0, so a group grows only where most of its members
vouch for each other: paraphrases and restatements at another level of detail join, while a
claim that resembles one member of a fact but not the rest stays apart (single linkage would
chain it in). Claims with the same text (wire copy, a repeated sentence) are one node with a
weight, so a sentence repeated by hundreds of outlets stays one fact although each copy has only
``k`` neighbours. Merges whose groups disagree on a number, date or person (``conflict``) are
refused. The work is a heap over the candidate edges: O(E log E), never all pairs.

A sentence often states more than one fact (a lede: "X resigned on Friday after allegations of
Y"), while linkage puts each claim in one group only. :func:`strong_pair_links` then lets a claim
also serve as evidence of another fact when it and one member of that fact are very likely the
same fact (:data:`STRONG_PAIR`): on the hand-labelled BASIL triplets, held out by event, this
raised pairwise F1 from 0.463 to 0.485 at cell accuracy 0.884-0.888, and every fold chose the same bar.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Callable, Sequence

#: same-fact probability of a claim with one member of another fact at which the claim also
#: serves as that fact's evidence (:func:`strong_pair_links`); chosen inside leave-one-event-out
#: on the BASIL triplets from 0.6 / 0.7 / 0.8 / 0.9 (each held-out fold chose 0.7)
STRONG_PAIR = 0.7

#: a lone claim joins a group of at least :data:`JOIN_GROUP` claims only when its pair
#: probability with one member reaches :data:`JOIN_BEST` (more likely than not the same fact as
#: someone in it), not on a fair average alone: a sentence that merely names the fact's place or
#: actor resembles every member a little. Neutral on the BASIL triplets held out by event
#: (F1 0.485 -> 0.488, cell 0.884 -> 0.887); it keeps such sentences out of the seeds' facts
JOIN_BEST = 0.5
JOIN_GROUP = 4


@dataclass(frozen=True)
class GroupingParams:
    """The grouping knobs beyond the pair model's linkage threshold (None switches a rule off).

    Attributes
    ----------
    strong_pair : float or None
        :data:`STRONG_PAIR`: pair probability at which a claim also evidences another fact.
    join_best : float or None
        :data:`JOIN_BEST`: best pair a lone claim needs to join a group of ``join_group`` or more.
    join_group : int
        :data:`JOIN_GROUP`.
    """

    strong_pair: float | None = STRONG_PAIR
    join_best: float | None = JOIN_BEST
    join_group: int = JOIN_GROUP


def average_linkage(n: int, probabilities: dict[tuple[int, int], float], threshold: float, *,
                    same_as: Sequence[int] | None = None,
                    conflict: Callable[[list[int], list[int]], bool] | None = None,
                    join_best: float | None = None, join_group: int = JOIN_GROUP) -> list[list[int]]:
    """Groups of ``0 .. n-1`` by weighted average linkage over the scored pairs.

    Parameters
    ----------
    n : int
        Number of claims.
    probabilities : dict
        ``(i, j) -> p`` for candidate pairs; every other pair counts as 0.
    threshold : float
        Mean probability two groups need to merge.
    same_as : sequence of int, optional
        ``same_as[i]`` is the first claim with claim ``i``'s text; such claims start as one node.
    conflict : callable, optional
        ``conflict(members_a, members_b)``: True forbids the merge.
    join_best : float, optional
        A single claim joins a group of ``join_group`` or more claims only when its best pair
        with a member reaches this probability (see :data:`JOIN_BEST`); None: average alone.
    join_group : int, default=:data:`JOIN_GROUP`

    Returns
    -------
    list of list of int
        The groups, each sorted, in order of their smallest member.
    """
    members, weight, rep = _nodes(n, same_as)
    adj, top, heap = _edges(_node_pairs(probabilities, rep), weight, threshold)
    refused: set[tuple[int, int]] = set()
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members or (a, b) in refused:
            continue
        link = adj[a].get(b, 0.0) / (weight[a] * weight[b])
        if abs(link + neg) > 1e-12:  # stale entry: the groups changed since it was pushed
            continue
        if join_best is not None and _lone_and_weak(weight[a], weight[b], top[a][b], join_best, join_group):
            continue  # not refused for good: the group may gain a member it pairs with strongly
        if conflict is not None and conflict(members[a], members[b]):
            refused.add((a, b))
            continue
        _merge(a, b, members, weight, adj, top)
        for c, total in adj[a].items():
            lc = total / (weight[a] * weight[c])
            if lc >= threshold:
                heapq.heappush(heap, (-lc, min(a, c), max(a, c)))
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _nodes(n: int, same_as: Sequence[int] | None) -> tuple[dict[int, list[int]], dict[int, int], list[int]]:
    """The starting nodes: claims with one text are one node (``members``), weighted by their number."""
    rep = list(same_as) if same_as is not None else list(range(n))
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(rep[i], []).append(i)
    return members, {r: len(m) for r, m in members.items()}, rep


def _node_pairs(probabilities: dict[tuple[int, int], float], rep: Sequence[int]) -> dict[tuple[int, int], float]:
    """The best scored pair between two nodes: copies of one text say the same thing, so their
    best pair stands for every pair of their copies."""
    best: dict[tuple[int, int], float] = {}
    for (i, j), p in probabilities.items():
        a, b = sorted((rep[i], rep[j]))
        if a != b and p > best.get((a, b), -1.0):
            best[(a, b)] = p
    return best


def _edges(best: dict[tuple[int, int], float], weight: dict[int, int], threshold: float
           ) -> tuple[dict[int, dict[int, float]], dict[int, dict[int, float]], list[tuple[float, int, int]]]:
    """Summed (weighted) edge probabilities, best single pair between nodes, and the heap of
    pairs at or above ``threshold`` (strongest first)."""
    adj: dict[int, dict[int, float]] = {r: {} for r in weight}
    top: dict[int, dict[int, float]] = {r: {} for r in weight}
    heap = []
    for (a, b), p in sorted(best.items()):
        adj[a][b] = adj[b][a] = p * weight[a] * weight[b]
        top[a][b] = top[b][a] = p
        if p >= threshold:
            heap.append((-p, a, b))
    heapq.heapify(heap)
    return adj, top, heap


def _lone_and_weak(wa: int, wb: int, best_pair: float, join_best: float, join_group: int) -> bool:
    """A single claim meeting a group of ``join_group`` or more whose best pair is below ``join_best``."""
    return min(wa, wb) == 1 and max(wa, wb) >= join_group and best_pair < join_best


def _merge(a: int, b: int, members: dict[int, list[int]], weight: dict[int, int],
           adj: dict[int, dict[int, float]], top: dict[int, dict[int, float]]) -> None:
    """Fold node ``b`` into ``a``: members, weight, summed and best edge probabilities."""
    for c, p in top.pop(b).items():
        if c != a:
            del top[c][b]
            top[a][c] = top[c][a] = max(top[a].get(c, -1.0), p)
    top[a].pop(b, None)
    members[a].extend(members.pop(b))
    weight[a] += weight.pop(b)
    for c, total in adj.pop(b).items():
        if c == a:
            continue
        del adj[c][b]
        adj[a][c] = adj[a].get(c, 0.0) + total
        adj[c][a] = adj[a][c]
    adj[a].pop(b, None)


def strong_pair_links(probabilities: dict[tuple[int, int], float], group_of: Sequence[int], bar: float, *,
                      allowed: Callable[[int, int], bool] | None = None) -> dict[int, dict[int, float]]:
    """Claims that also serve as evidence of another group: ``{group: {claim: probability}}``.

    Claim ``y`` joins the group of claim ``x`` when the pair ``(x, y)`` has same-fact probability
    ``>= bar`` and ``y`` is not in that group already; ``allowed(group, y)`` may refuse it (a
    conflict with the group). Each claim keeps its own group too: a lede sentence stating two
    facts is evidence of both. Linear in the scored pairs.

    Parameters
    ----------
    probabilities : dict
        ``(i, j) -> p`` for the scored candidate pairs.
    group_of : sequence of int
        Each claim's group key (e.g. its group's smallest member).
    bar : float
        The probability a pair needs.
    allowed : callable, optional
        ``allowed(group_key, claim) -> bool``.

    Returns
    -------
    dict
        For each group that gains evidence, the joining claims and their best pair probability.
    """
    out: dict[int, dict[int, float]] = {}
    for (i, j), p in sorted(probabilities.items()):
        if p < bar:
            continue
        for x, y in ((i, j), (j, i)):
            g = group_of[x]
            if group_of[y] == g or (allowed is not None and not allowed(g, y)):
                continue
            if p > out.setdefault(g, {}).get(y, -1.0):
                out[g][y] = p
    return {g: links for g, links in out.items() if links}
