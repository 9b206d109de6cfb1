"""Outlet comparison tables built from the facts table: coverage matrix, overlap, unique and missed facts.

These are cheap views of ``facts`` (see the package docstring); they take no vectors and no text
model, so the report and the notebook can rebuild them from the stored CSV.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd


def coverage_matrix(facts: pd.DataFrame, outlets: Sequence[str] | None = None) -> pd.DataFrame:
    """Facts × outlets, 1 where the outlet carried the fact, sorted shared-by-all first.

    Rows are ordered by number of outlets (descending), then independent sources, then fact id;
    columns by number of facts carried. ``outlets`` adds outlets that carried nothing.
    """
    if facts.empty:
        return pd.DataFrame(columns=list(outlets or []), dtype=int)
    m = pd.crosstab(facts["fact_id"], facts["outlet"]).clip(upper=1)
    if outlets is not None:
        for o in outlets:
            if o not in m.columns:
                m[o] = 0
    meta = facts.groupby("fact_id")[["n_outlets", "n_independent"]].first()
    order = meta.assign(fid=meta.index).sort_values(["n_outlets", "n_independent", "fid"],
                                                     ascending=[False, False, True]).index
    m = m.loc[order]
    col_order = sorted(m.columns, key=lambda c: (-int(m[c].sum()), str(c)))
    m = m[col_order]
    m.columns.name = "outlet"
    return m.astype(int)


#: above this many outlets, only outlet pairs that share at least one fact are listed (the full
#: table would have n(n-1) rows, most of them zeros: a folder without a manifest makes every
#: article its own outlet)
OVERLAP_ALL_PAIRS_MAX = 200


def outlet_overlap(matrix: pd.DataFrame, *, all_pairs_max: int = OVERLAP_ALL_PAIRS_MAX) -> pd.DataFrame:
    """Pairwise fact Jaccard and directional coverage between outlets.

    Returns one row per ordered pair ``(outlet_a, outlet_b)`` with ``facts_a, shared, jaccard`` and
    ``coverage_a_in_b`` = share of A's facts that B also carried (not symmetric: a short wire story
    can be fully covered by a long feature that adds much more). The shared counts come from one
    sparse product of the facts x outlets matrix; with more than ``all_pairs_max`` outlets, pairs
    sharing no fact are left out.
    """
    from scipy import sparse

    columns = ["outlet_a", "outlet_b", "facts_a", "shared", "jaccard", "coverage_a_in_b"]
    cols = list(matrix.columns)
    if len(cols) < 2:
        return pd.DataFrame(columns=columns)
    m = sparse.csc_matrix(matrix.to_numpy(dtype=bool).astype(np.int64))
    shared = (m.T @ m).toarray()
    counts = np.diag(shared).copy()
    ia, ib = np.nonzero(~np.eye(len(cols), dtype=bool))  # row-major: for a, for b, a != b
    if len(cols) > all_pairs_max:
        keep = shared[ia, ib] > 0
        ia, ib = ia[keep], ib[keep]
    rows = []
    for i, j in zip(ia.tolist(), ib.tolist()):
        s, fa = int(shared[i, j]), int(counts[i])
        union = fa + int(counts[j]) - s
        rows.append((cols[i], cols[j], fa, s, round(s / union, 6) if union else 0.0,
                     round(s / fa, 6) if fa else 0.0))
    return pd.DataFrame(rows, columns=columns)


def _found_again(checks: pd.DataFrame | None, check: str) -> set:
    """Facts (``unique``) or ``(outlet, fact)`` pairs (``missed``) the looser search found elsewhere."""
    if checks is None or checks.empty or "verdict" not in checks:
        return set()
    hit = checks[(checks["check"] == check) & (checks["verdict"] == "possibly_carried")]
    if check == "unique":
        return set(hit["fact_id"])
    return set(zip(hit["outlet"], hit["fact_id"]))


def unique_facts(facts: pd.DataFrame, checks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Facts only one outlet carried: ``outlet, fact_id, text, sent_id`` (first evidence claim).

    With ``checks`` (the ``unique_checks`` table, :mod:`~analysis.coverage.recheck`), facts another
    outlet possibly carried (its closest sentence passed the looser search) are left out.
    """
    one = facts[(facts["n_outlets"] == 1) & ~facts["fact_id"].isin(_found_again(checks, "unique"))]
    one = one.sort_values(["outlet", "fact_id", "start"]).groupby("fact_id", as_index=False).first()
    return one[["outlet", "fact_id", "article_id", "sent_id", "text"]].sort_values(
        ["outlet", "fact_id"]).reset_index(drop=True)


def missed_facts(facts: pd.DataFrame, matrix: pd.DataFrame, *, min_share: float = 0.6,
                 checks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Widely shared facts each outlet left out: carried by at least ``min_share`` of the outlets.

    Returns ``outlet, fact_id, n_outlets, fact_text``. With ``checks`` (the ``unique_checks``
    table), a fact the looser search found in the outlet's own articles is not listed as left out.
    """
    if matrix.empty:
        return pd.DataFrame(columns=["outlet", "fact_id", "n_outlets", "fact_text"])
    n_out = matrix.shape[1]
    wide = matrix[matrix.sum(axis=1) >= max(2, int(np.ceil(min_share * n_out)))]
    text = facts.groupby("fact_id")["fact_text"].first()
    rows = []
    found = _found_again(checks, "missed")
    for o in matrix.columns:
        for fid in wide.index[wide[o] == 0]:
            if (o, fid) in found:
                continue
            rows.append({"outlet": o, "fact_id": fid, "n_outlets": int(wide.loc[fid].sum()), "fact_text": text[fid]})
    return pd.DataFrame(rows, columns=["outlet", "fact_id", "n_outlets", "fact_text"])
