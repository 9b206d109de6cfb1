"""One union-find (disjoint sets) for every stage that groups items by pairwise links.

Coverage groups claims into facts and quotes groups renderings into utterances; both link items
pair by pair and need the groups at the end. Items are the integers ``0 .. n-1``.
"""

from __future__ import annotations

from collections import defaultdict


class UnionFind:
    """Disjoint sets over ``0 .. n-1`` with path halving.

    Parameters
    ----------
    n : int
        Number of items; each starts in a set of its own.

    Notes
    -----
    ``union(keep, other)`` makes ``find(keep)`` the root of the merged set, so callers decide which
    representative survives (coverage keeps the stronger fact's root; quotes keeps the smaller
    index, for ids that do not depend on merge order).
    """

    def __init__(self, n: int) -> None:
        if n < 0:
            raise ValueError(f"UnionFind needs n >= 0, got {n!r}")
        self.parent = list(range(n))

    def __len__(self) -> int:
        return len(self.parent)

    def find(self, x: int) -> int:
        """The root of ``x``'s set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, keep: int, other: int) -> int:
        """Merge the sets of ``keep`` and ``other``; the root of ``keep`` stays the root. Returns it."""
        rk, ro = self.find(keep), self.find(other)
        if rk != ro:
            self.parent[ro] = rk
        return rk

    def union_min(self, x: int, y: int) -> int:
        """Merge two sets keeping the smaller root, so roots do not depend on the order of merges."""
        rx, ry = self.find(x), self.find(y)
        return self.union(min(rx, ry), max(rx, ry))

    def connected(self, x: int, y: int) -> bool:
        return self.find(x) == self.find(y)

    def groups(self) -> dict[int, list[int]]:
        """Root -> sorted members, for every set (singletons included)."""
        out: dict[int, list[int]] = defaultdict(list)
        for x in range(len(self.parent)):
            out[self.find(x)].append(x)
        return dict(out)
