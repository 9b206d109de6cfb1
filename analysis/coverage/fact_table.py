"""The ``facts`` table: one row per evidence claim of every fact unit, with fact ids and sources.

Facts are numbered by how widely they were carried (most outlets first); each is named by its
most central core claim; ``n_independent`` counts outlets once wire copy is grouped (two outlets
whose evidence is a copied sentence, or whose articles are the same wire story, are one source),
and ``copy_of`` says which claim a copied one copies (the later article, by id, copies the earlier);
``kind`` is event / statement / background (:mod:`analysis.coverage.kinds`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..common.unionfind import UnionFind
from .kinds import kind_of_texts


@dataclass
class FactGroup:
    """One fact unit while it is being built: claim indices by the role they play.

    ``core`` claims were clustered; ``attached`` maps a looser match to its mean similarity to the
    core; ``framed`` maps a claim reporting the fact's act to ``(similarity, shared act)``.
    """

    core: list[int]
    attached: dict[int, float] = field(default_factory=dict)
    framed: dict[int, tuple[float, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Claims:
    """The claim columns the table needs, as lists (row lookups in a DataFrame are slow)."""

    ct: pd.DataFrame
    arts: list[str]
    outlets: list[str]
    sents: list[str]
    starts: list[int]
    copy_partners: dict[str, set[str]]  # sentence id -> sentence ids it shares copied text with
    wire_partners: dict[str, set[str]]  # article id -> article ids that are the same wire story


def _claims(ct: pd.DataFrame, copies: pd.DataFrame | None, syndicated: pd.DataFrame | None) -> _Claims:
    copy_partners: dict[str, set[str]] = {}
    if copies is not None:
        for r in copies.itertuples(index=False):
            copy_partners.setdefault(r.sent_a, set()).add(r.sent_b)
            copy_partners.setdefault(r.sent_b, set()).add(r.sent_a)
    wire_partners: dict[str, set[str]] = {}
    if syndicated is not None:
        for r in syndicated.itertuples(index=False):
            wire_partners.setdefault(r.article_a, set()).add(r.article_b)
            wire_partners.setdefault(r.article_b, set()).add(r.article_a)
    return _Claims(ct, ct["article_id"].tolist(), ct["outlet"].tolist(), ct["sent_id"].tolist(),
                   ct["start"].tolist(), copy_partners, wire_partners)


def _sources(cl: _Claims, idx: list[int], outlet_set: list[str]) -> tuple[int, dict[int, int]]:
    """Independent sources among a fact's evidence ``idx``, and which claim copies which.

    Outlets are joined when their evidence is copied or the articles are wire copy. Pairs of
    copies are visited in evidence order, looked up through each claim's copy partners, not all pairs.
    """
    outlet_pos = {o: k for k, o in enumerate(outlet_set)}
    uf = UnionFind(len(outlet_set))
    copy_of: dict[int, int] = {}
    position = {c: k for k, c in enumerate(idx)}
    by_sent: dict[str, list[int]] = {}
    by_art: dict[str, list[int]] = {}
    for c in idx:
        by_sent.setdefault(cl.sents[c], []).append(c)
        by_art.setdefault(cl.arts[c], []).append(c)
    for a in idx:
        partners = {b for sb in cl.copy_partners.get(cl.sents[a], ()) for b in by_sent.get(sb, ())}
        partners |= {b for ab in cl.wire_partners.get(cl.arts[a], ()) for b in by_art.get(ab, ())}
        for b in sorted(partners, key=position.__getitem__):
            if a >= b or cl.outlets[a] == cl.outlets[b]:
                continue
            uf.union_min(outlet_pos[cl.outlets[a]], outlet_pos[cl.outlets[b]])
            # the later article (by id: stable) copies the earlier one
            first, second = (a, b) if cl.arts[a] < cl.arts[b] else (b, a)
            copy_of.setdefault(second, first)
    return len(uf.groups()), copy_of


def fact_rows(ct: pd.DataFrame, facts: dict[int, FactGroup],
              mean_to_others: Callable[[int, int, list[int]], float], copies: pd.DataFrame | None,
              syndicated: pd.DataFrame | None, method: str) -> list[dict]:
    """One row per evidence claim; ``mean_to_others(c, root, core)`` is a core claim's mean
    similarity to the rest of its fact's core."""
    cl = _claims(ct, copies, syndicated)
    prepared = []
    core_sim: dict[int, float] = {}
    for root, f in facts.items():
        core = f.core
        evidence = ([(c, "core") for c in core] + [(a, "attached") for a in sorted(f.attached)]
                    + [(a, "frame") for a in sorted(f.framed)])
        idx = [c for c, _ in evidence]
        # most central core claim names the fact
        if len(core) > 1:
            centr = [mean_to_others(c, root, core) for c in core]
            core_sim.update(zip(core, centr))
            rep = core[int(np.argmax(centr))]
        else:
            rep = core[0]
        outlet_set = sorted({cl.outlets[c] for c in idx})
        n_ind, copy_of = _sources(cl, idx, outlet_set)
        prepared.append((-len(outlet_set), -len(idx), min(cl.arts[c] for c in idx), min(cl.starts[c] for c in core),
                         evidence, rep, len(outlet_set), n_ind, copy_of, f))
    prepared.sort(key=lambda t: t[:4])
    rows = []
    texts = ct["text"].astype(str).tolist()
    for k, (_, _, _, _, evidence, rep, n_out, n_ind, copy_of, f) in enumerate(prepared):
        kind = kind_of_texts([texts[c] for c in f.core])
        for c, role in evidence:
            rows.append(_row(cl, f"f{k + 1:04d}", c, role, f, core_sim, rep=rep, n_out=n_out, n_ind=n_ind,
                             copy_of=copy_of, method=method) | {"kind": kind})
    rows.sort(key=lambda r: (r["fact_id"], r["article_id"], r["start"], r["role"]))
    return rows


def _row(cl: _Claims, fid: str, c: int, role: str, f: FactGroup, core_sim: dict[int, float], *, rep: int,
         n_out: int, n_ind: int, copy_of: dict[int, int], method: str) -> dict[str, Any]:
    """The row of evidence claim ``c`` in fact ``fid``."""
    ct = cl.ct
    if role == "core":
        s = core_sim.get(c, 1.0)
    elif role == "attached":
        s = f.attached[c]
    else:
        s = f.framed[c][0]
    return {
        "fact_id": fid, "article_id": cl.arts[c], "sent_id": cl.sents[c], "text": ct.at[c, "text"],
        "outlet": cl.outlets[c], "claim_id": ct.at[c, "claim_id"], "start": int(cl.starts[c]),
        "end": int(ct.at[c, "end"]), "section": ct.at[c, "section"], "role": role,
        "similarity": round(s, 6), "n_outlets": n_out, "n_independent": n_ind,
        "copy_of": ct.at[copy_of[c], "claim_id"] if c in copy_of else "",
        "fact_text": ct.at[rep, "text"], "method": method,
        "frame": f.framed[c][1] if role == "frame" else ""}
