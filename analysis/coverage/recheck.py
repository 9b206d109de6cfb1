""""Only X reported it" and "X left it out", verified before they are printed.

The fact units come from a strict decision (a claim joins a fact only when it states it closely),
so a fact can look unique, or left out by an outlet, while another article says it in passing, in
a sub-clause or in other words. Before such a finding counts, every article of every other outlet
(for a unique fact), or of the outlet said to leave it out (for a missed fact), is searched for it
at a looser setting:

* **any claim**: every clause and embedded clause of the article (the ``claims`` table), not only
  the ones that were clustered;
* **nearest neighbour**: the fact's centroid (mean vector of its core claims, normalised) against
  every claim of the outlet; the closest one, per outlet, is kept (top-1 by cosine, the same
  centred MiniLM or TF-IDF vectors the stage aligned with);
* **numbers and names**: a closest claim that disagrees with the fact on a number, date or person
  never counts (that is a conflict, not the same fact); one that shares a number or date with it
  counts at a bar :data:`MARGIN` lower.

A closest claim at or above the bar makes the finding ``possibly_carried``: the report does not
print it as unique or left out, and shows the sentence so the reader can judge. Each search is
one block of a matrix product (facts x claims), so its cost is that of one nearest-neighbour
pass over the claims, which the stage already makes.

Table ``unique_checks`` (one row per checked fact and searched outlet)
    ``fact_id, check`` (``unique`` / ``missed``), ``outlet`` (the outlet that alone carried the
    fact, or that left it out), ``searched_outlet``, ``closest_article_id, closest_sent_id,
    closest_claim_id, closest_text`` (the sentence holding the closest claim) ``closest_claim``,
    ``score`` (cosine to the fact's centroid), ``shared`` (numbers, dates, names in common,
    ``;``-separated), ``disagrees`` (true when they conflict), ``passes`` (the looser check holds
    for this outlet), ``verdict`` (the fact's: ``unique`` or ``left_out`` when no outlet passes,
    else ``possibly_carried``). A unique fact lists at most ``max_outlets`` outlets, closest first.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .signatures import Signature, disagreements
from .vectors import _dense

#: the looser bar per method (cosine of a claim to a fact's centroid): the recheck searches every
#: claim of every article, not the stage's candidate lists, and ignores the pair decision. Chosen on
#: the seeds' hand labels (``benchmarks/labels/coverage/seeds_a.json``; 214 checked fact x outlet
#: pairs): at 0.45 a flagged outlet carries the fact in 0.71 of cases (0.61 at 0.35, 0.83 at 0.5);
#: TF-IDF's bar sits at its core threshold, as MiniLM's does.
RECHECK_THRESHOLDS: dict[str, float] = {"minilm": 0.45, "tfidf": 0.2}

#: how much lower the bar is for a claim sharing a number or date with the fact (names are not
#: enough: the main actors are named in most claims about an event)
MARGIN = 0.05

CHECK_COLS = ["fact_id", "check", "outlet", "searched_outlet", "closest_article_id", "closest_sent_id",
              "closest_claim_id", "closest_text", "closest_claim", "score", "shared", "disagrees", "passes",
              "verdict"]

_BLOCK_CELLS = 8_000_000  # facts x claims scores held at once (64 MB): the block shrinks as claims grow


def _anchors(sig: Signature) -> set[tuple[str, str]]:
    """The numbers, dates and surnames of a signature, comparable across claims."""
    return ({(u, f"{v:g}") for u, v, _ in sig.numbers} | {(u, str(v)) for u, v, _ in sig.dates}
            | {("person", v) for _, v, _ in sig.persons})


def _surfaces(sig: Signature, keys: set[tuple[str, str]]) -> list[str]:
    out = [s for u, v, s in sig.numbers if (u, f"{v:g}") in keys] + [s for u, v, s in sig.dates if (u, str(v)) in keys]
    return sorted(set(out + [s for _, v, s in sig.persons if ("person", v) in keys]))


def checks_to_make(facts: pd.DataFrame, outlets: list[str], *, min_share: float = 0.5) -> list[tuple[str, str, str]]:
    """``(fact_id, check, outlet)``: every fact one outlet carried, and every outlet that left out a
    fact at least ``min_share`` of the *other* outlets (and at least two) carried (the report's
    rule; the notebook's stricter "widely shared" list is a subset)."""
    carried = facts.groupby("fact_id")["outlet"].agg(lambda s: sorted(set(s)))
    n_others = len(outlets) - 1
    need = max(2, math.ceil(min_share * n_others)) if n_others >= 2 else 1
    todo = []
    for fid, outs in carried.items():
        if len(outs) == 1:
            todo.append((str(fid), "unique", outs[0]))
        elif len(outs) >= need and len(outs) < len(outlets):
            todo.extend((str(fid), "missed", o) for o in outlets if o not in outs)
    return todo


def _centroids(facts: pd.DataFrame, claim_pos: Mapping[str, int], V: Any, fids: list[str]) -> Any:
    """One unit-length mean vector of the core claims per fact, rows in ``fids`` order."""
    core = facts[facts["role"] == "core"] if "role" in facts else facts
    members = core.groupby("fact_id")["claim_id"].agg(list)
    rows, cols = [], []
    for r, fid in enumerate(fids):
        idx = [claim_pos[c] for c in members.get(fid, []) if c in claim_pos]
        rows.extend([r] * len(idx))
        cols.extend(idx)
    from scipy.sparse import csr_matrix

    M = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(fids), V.shape[0]))
    C = M @ V
    norms = np.sqrt(np.asarray(C.multiply(C).sum(1)).ravel()) if hasattr(C, "multiply") else np.linalg.norm(C, axis=1)
    scale = 1.0 / np.where(norms == 0, 1.0, norms)
    return C.multiply(scale[:, None]).tocsr() if hasattr(C, "multiply") else C * scale[:, None]


def _closest(Q: Any, V: Any, claim_outlets: np.ndarray, wanted: list[set[str]], *,
             max_outlets: int = 25) -> list[dict[str, tuple[int, float]]]:
    """For each fact row of ``Q``, the closest claim of each wanted outlet: ``{outlet: (claim, cosine)}``,
    keeping the ``max_outlets`` outlets whose closest claim scores highest.

    Work and memory grow with facts x outlets in blocks of facts, never with facts x outlets x rows
    kept: a folder without a manifest makes every article an outlet, and a unique fact then wants
    every other article searched.
    """
    order = np.argsort(claim_outlets, kind="stable")
    sorted_outlets = claim_outlets[order]
    names, starts = np.unique(sorted_outlets, return_index=True)
    ends = np.append(starts[1:], len(order))
    col = {str(n): j for j, n in enumerate(names)}
    Vs = V[order]
    out: list[dict[str, tuple[int, float]]] = []
    step = max(1, min(256, _BLOCK_CELLS // max(1, Vs.shape[0])))
    for s in range(0, Q.shape[0], step):
        S = _dense(Q[s:s + step] @ Vs.T)
        best = np.full((S.shape[0], len(names)), -np.inf)
        arg = np.zeros((S.shape[0], len(names)), dtype=np.int64)
        needed = sorted({col[o] for w in wanted[s:s + step] for o in w if o in col})
        for j in needed:
            part = S[:, starts[j]:ends[j]]
            am = part.argmax(1)
            arg[:, j] = starts[j] + am
            best[:, j] = part[np.arange(S.shape[0]), am]
        for r in range(S.shape[0]):
            cols = np.array(sorted(col[o] for o in wanted[s + r] if o in col), dtype=np.int64)
            if len(cols) > max_outlets:
                # the highest scores; ties broken by outlet name, as the rows are sorted later
                top = np.lexsort((cols, -best[r, cols]))[:max_outlets]
                cols = cols[top]
            out.append({str(names[j]): (int(order[arg[r, j]]), float(best[r, j])) for j in cols})
    return out


def recheck(facts: pd.DataFrame, claim_table: pd.DataFrame, V: Any, sentence_text: Mapping[str, str], *,
            method: str, threshold: float | None = None, min_share: float = 0.5, max_outlets: int = 25) -> pd.DataFrame:
    """The ``unique_checks`` table (module docstring) for the stage's ``facts`` and ``claims``.

    ``claim_table`` needs ``claim_id, article_id, outlet, sent_id, text, _sig`` with one row per row
    of ``V`` (the claim vectors the stage aligned with); ``sentence_text`` maps a sentence id to
    its text. ``threshold`` defaults to :data:`RECHECK_THRESHOLDS` of ``method``.
    """
    if facts.empty or claim_table.empty:
        return pd.DataFrame(columns=CHECK_COLS)
    thr = RECHECK_THRESHOLDS[method] if threshold is None else float(threshold)
    outlets = sorted(set(claim_table["outlet"].astype(str)))
    todo = checks_to_make(facts, outlets, min_share=min_share)
    if not todo:
        return pd.DataFrame(columns=CHECK_COLS)
    claim_pos = {c: k for k, c in enumerate(claim_table["claim_id"])}
    fids = sorted({fid for fid, _, _ in todo})
    fid_row = {f: k for k, f in enumerate(fids)}
    Q = _centroids(facts, claim_pos, V, fids)
    wanted: list[set[str]] = [set() for _ in fids]
    for fid, check, outlet in todo:
        wanted[fid_row[fid]] |= ({o for o in outlets if o != outlet} if check == "unique" else {outlet})
    best = _closest(Q, V, claim_table["outlet"].astype(str).to_numpy(), wanted, max_outlets=max_outlets)
    rep = _representatives(facts, claim_pos)
    sigs = claim_table["_sig"].tolist()
    rows = []
    for fid, check, outlet in todo:
        hits = best[fid_row[fid]]
        searched = [outlet] if check == "missed" else [o for o in outlets if o != outlet]
        found = [_row(fid, check, outlet, o, hits[o], sigs[rep[fid]] if fid in rep else Signature(),
                      sigs, claim_table, sentence_text, thr) for o in searched if o in hits]
        found.sort(key=lambda r: (-r["score"], r["searched_outlet"]))
        found = found[:max_outlets]
        verdict = "possibly_carried" if any(r["passes"] for r in found) else (
            "unique" if check == "unique" else "left_out")
        rows.extend(r | {"verdict": verdict} for r in found)
    return pd.DataFrame(rows, columns=CHECK_COLS)


def _representatives(facts: pd.DataFrame, claim_pos: Mapping[str, int]) -> dict[str, int]:
    """Each fact's naming claim (its ``fact_text``), else its first core claim, as a claim row."""
    out: dict[str, int] = {}
    for r in facts.itertuples(index=False):
        fid = str(r.fact_id)
        if r.claim_id not in claim_pos or getattr(r, "role", "core") != "core":
            continue
        if fid not in out or str(r.text) == str(getattr(r, "fact_text", "")):
            out[fid] = claim_pos[r.claim_id]
    return out


def _row(fid: str, check: str, outlet: str, searched: str, hit: tuple[int, float], fact_sig: Signature,
         sigs: list[Signature], ct: pd.DataFrame, sentence_text: Mapping[str, str], thr: float) -> dict[str, Any]:
    """One searched outlet's closest claim and whether it passes the looser check."""
    c, cos = hit
    sig = sigs[c]
    common = _anchors(fact_sig) & _anchors(sig)
    disagrees = bool(disagreements(fact_sig, sig))
    counted = {k for k in common if k[0] != "person"}
    passes = not disagrees and (cos >= thr or (bool(counted) and cos >= thr - MARGIN))
    sent = str(ct["sent_id"].iat[c])
    return {"fact_id": fid, "check": check, "outlet": outlet, "searched_outlet": searched,
            "closest_article_id": str(ct["article_id"].iat[c]), "closest_sent_id": sent,
            "closest_claim_id": str(ct["claim_id"].iat[c]),
            "closest_text": sentence_text.get(sent, str(ct["text"].iat[c])), "closest_claim": str(ct["text"].iat[c]),
            "score": round(cos, 6), "shared": "; ".join(_surfaces(sig, common)), "disagrees": disagrees,
            "passes": passes}
