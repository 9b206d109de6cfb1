"""How often the looser search of :mod:`analysis.coverage.recheck` is right, on hand-labelled facts.

For every fact the stage finds in one outlet only (or that it says an outlet left out), the recheck
names the closest sentence of each other outlet and says whether it passes. The labelled facts
(BASIL triplets, ``labels/coverage/basil_e*.json``, texts read from ``../shared/eval`` at run time;
the seeds, ``labels/coverage/seeds_a.json``) say whether that outlet really carries the fact: it
does when a labelled fact holding one of the run fact's evidence sentences also has evidence in
that outlet. Printed: how many checked pairs pass, the share of them the labels confirm (flag
precision), and the share of labelled-carried pairs that pass (flag recall), at the bar in use and
at a few others (by score alone) for comparison.
"""

from __future__ import annotations

import pandas as pd

from analysis import coverage
from analysis.coverage.recheck import RECHECK_THRESHOLDS


def labelled_checks(checks: pd.DataFrame, facts: pd.DataFrame, gold: list, cells_of, outlet_of_cell) -> pd.DataFrame:
    """``checks`` with ``carried``: whether the labels say the searched outlet carries the fact."""
    fact_cells: dict[str, set] = {}
    for r in facts.itertuples(index=False):
        fact_cells.setdefault(str(r.fact_id), set()).update(cells_of(r))
    carried = []
    for r in checks.itertuples(index=False):
        touched = [g for g in gold if g & fact_cells.get(str(r.fact_id), set())]
        carried.append(any(outlet_of_cell(c) == r.searched_outlet for g in touched for c in g))
    return checks.assign(carried=carried)


def summarise(rows: pd.DataFrame, name: str, thresholds: tuple[float, ...] = (0.35, 0.4, 0.5, 0.55)) -> dict[str, float]:
    """Print and return flag precision and recall at the bar in use (and by score alone at others)."""
    def line(passes: pd.Series, label: str) -> tuple[float, float]:
        tp = int((passes & rows["carried"]).sum())
        p = tp / max(1, int(passes.sum()))
        r = tp / max(1, int(rows["carried"].sum()))
        print(f"coverage  recheck  {name}  {label}: {int(passes.sum())} of {len(rows)} checked fact x outlet pairs "
              f"pass; labels confirm {p:.2f} of them; {r:.2f} of the {int(rows['carried'].sum())} labelled-carried "
              "pairs pass")
        return p, r

    p, r = line(rows["passes"].astype(bool), f"bar {RECHECK_THRESHOLDS['minilm']} (in use)")
    for thr in thresholds:
        line(~rows["disagrees"].astype(bool) & (rows["score"] >= thr), f"score >= {thr}")
    return {f"recheck_{name}_precision": round(p, 3), f"recheck_{name}_recall": round(r, 3)}


def basil(events: list, embed_cache: dict) -> dict[str, float]:
    """The BASIL triplets (events of ``train_fact_pairs.load_events``)."""
    parts = []
    for ev in events:
        res = coverage.run(ev.articles, ev.sentences, cache=embed_cache) if "cache" in _run_params() else \
            coverage.run(ev.articles, ev.sentences)
        parts.append(labelled_checks(res.unique_checks, res.facts, ev.gold,
                                     lambda r, ev=ev: ev.sent_map.get(str(r.sent_id), []), lambda c: c[0]))
    return summarise(pd.concat(parts, ignore_index=True), "basil")


def seeds(articles: pd.DataFrame, sentences: pd.DataFrame, labels: dict, embed_cache: dict) -> dict[str, float]:
    """The five seed articles against ``seeds_a.json`` (evidence by article and sentence id)."""
    gold = [frozenset((a, s) for a, ids in f["evidence"].items() for s in ids) for f in labels["facts"]]
    res = coverage.run(articles, sentences, cache=embed_cache) if "cache" in _run_params() else \
        coverage.run(articles, sentences)
    outlet_of = dict(zip(articles["article_id"].astype(str), articles["outlet"].astype(str)))
    rows = labelled_checks(res.unique_checks, res.facts, [g for g in gold if g],
                           lambda r: [(str(r.article_id), str(r.sent_id))], lambda c: outlet_of.get(c[0]))
    before = int((res.facts.groupby("fact_id")["n_outlets"].first() == 1).sum())
    after = coverage.unique_facts(res.facts, res.unique_checks)["fact_id"].nunique()
    print(f"coverage  recheck  seeds  unique facts: {before} from the grouping, {after} after the looser search "
          "(hand count 12)")
    return summarise(rows, "seeds") | {"recheck_seeds_unique_after": after}


def _run_params() -> set[str]:
    import inspect

    return set(inspect.signature(coverage.run).parameters)
