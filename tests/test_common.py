"""The shared helpers in ``analysis.common``."""

import pytest

from analysis.common.unionfind import UnionFind


def test_union_keeps_the_first_root_and_union_min_the_smaller():
    u = UnionFind(6)
    assert u.union(4, 1) == 4
    assert u.find(1) == 4
    assert u.union_min(5, 2) == 2
    assert u.union_min(4, 2) == 2  # roots 4 and 2: the smaller wins whatever the argument order
    assert u.groups() == {0: [0], 2: [1, 2, 4, 5], 3: [3]}
    assert u.connected(1, 5) and not u.connected(0, 3)


def test_negative_size_is_refused_with_the_value():
    with pytest.raises(ValueError, match="-1"):
        UnionFind(-1)
