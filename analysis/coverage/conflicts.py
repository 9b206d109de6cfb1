"""Conflicts: look-alike claims of different articles that disagree on a number, a date or a person.

A conflict is a strong statement to the reader, so a pair is reported only when it is at least as
alike as :attr:`AlignParams.conflict <analysis.coverage.model.AlignParams>`: a different number or
date in otherwise alike claims is a conflict; a different person alone is one only when the
claims would otherwise have been merged; and a different person *and* date means a different
event, not a contradiction. Conflicting claims are never merged nor attached (see
:mod:`analysis.coverage.align`); this module finds the pairs and writes the ``conflicts`` table.
"""

from __future__ import annotations

import pandas as pd

from .model import AlignParams, _conflicts_frame
from .signatures import Disagreement
from .space import ClaimSpace

#: one conflicting pair: claim indices, their similarity and where they disagree
ConflictPair = tuple[int, int, float, list[Disagreement]]


def find_conflicts(space: ClaimSpace, cand: list[tuple[int, int, float]], params: AlignParams
                   ) -> list[ConflictPair]:
    """The candidate pairs of different articles that are alike enough and disagree."""
    out = []
    for i, j, s in cand:
        if space.arts[i] == space.arts[j] or space.is_sub[i] or space.is_sub[j] or not space.conflict(i, j):
            continue
        kinds = {d.kind for d in space.conflict(i, j)}
        if (kinds == {"entity"} and s >= max(params.core, params.conflict)) or (
                "entity" not in kinds and s >= params.conflict):
            out.append((i, j, s, space.conflict(i, j)))
    return out


def conflicts_table(ct: pd.DataFrame, facts: pd.DataFrame, pairs: list[ConflictPair]) -> pd.DataFrame:
    """The ``conflicts`` table: two rows per pair and disagreement, one per side, strongest pair first.

    ``facts`` (the finished facts table) gives each side's fact id, so a reader can find the fact
    each conflicting claim ended up in.
    """
    fact_of_claim = (facts[facts["role"] == "core"].set_index("claim_id")["fact_id"].to_dict()
                     if len(facts) else {})
    rows = []
    for n_c, (i, j, s, dis) in enumerate(sorted(pairs, key=lambda t: (-t[2], t[0], t[1]))):
        cid = f"x{n_c + 1:04d}"
        for d in dis:
            for me, other, mine, theirs in ((i, j, d.value_a, d.value_b), (j, i, d.value_b, d.value_a)):
                rows.append({
                    "conflict_id": cid, "fact_id": fact_of_claim.get(ct.at[me, "claim_id"], ""),
                    "article_id": ct.at[me, "article_id"], "kind": d.kind, "value": mine,
                    "text": ct.at[me, "text"], "sent_id": ct.at[me, "sent_id"], "claim_id": ct.at[me, "claim_id"],
                    "outlet": ct.at[me, "outlet"], "other_article_id": ct.at[other, "article_id"],
                    "other_fact_id": fact_of_claim.get(ct.at[other, "claim_id"], ""),
                    "other_value": theirs, "unit": d.unit, "similarity": round(s, 6)})
    return _conflicts_frame(rows)
