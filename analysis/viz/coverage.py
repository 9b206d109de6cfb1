"""Presentation of the coverage stage: its figures and its findings sentences.

The figures return matplotlib Figures (the notebook saves them). :func:`findings` is the stage's
summary text: plain-English sentences generated from the tables, for the notebook's summary and the
report. Nothing here computes a table; everything reads a
:class:`~analysis.coverage.model.CoverageResult` or one of its tables.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..coverage.model import CoverageResult
from ..coverage.tables import unique_facts


def findings(result: CoverageResult, *, max_examples: int = 2) -> list[str]:
    """Plain-English sentences generated from the tables, for the report."""
    out: list[str] = []
    m = result.matrix
    n_out = m.shape[1]
    if m.empty:
        return ["No facts could be aligned."]
    facts = result.facts
    text = facts.groupby("fact_id")["fact_text"].first()
    all_ = list(m.index[m.sum(axis=1) == n_out])
    out.append(f"{len(m)} fact units were found across {n_out} outlets; {len(all_)} were carried by every outlet"
               + _listing([text[f] for f in all_], max_examples) + ".")
    checks = result.unique_checks
    uniq = unique_facts(facts, checks)
    if len(uniq):
        counts = uniq.groupby("outlet").size().sort_values(ascending=False, kind="stable")
        top = counts.index[0]
        own = uniq[uniq["outlet"] == top]["text"]
        # a full sentence reads better as an example than a clause starting "but ..."
        full = own[own.str.match(r"^[\"“‘']?[A-Z]")]
        example = (full if len(full) else own).iloc[0]
        out.append(f"{top} carried the most facts no other outlet had ({int(counts.iloc[0])}), e.g. {_quoted(example)}.")
    found = int(checks[(checks["check"] == "unique") & (checks["verdict"] == "possibly_carried")]["fact_id"].nunique()
                ) if len(checks) else 0
    if found:
        out.append(f"{found} other fact{'s' if found != 1 else ''} looked unique at first, but another outlet has a "
                   "close sentence (found by a looser search of every article), so "
                   f"{'they are' if found != 1 else 'it is'} not counted as unique; data/unique_checks.csv shows the "
                   "sentence and its score.")
    framed = facts[facts["role"] == "frame"] if "role" in facts else facts.iloc[0:0]
    if len(framed):
        first = framed.sort_values(["fact_id", "outlet"]).iloc[0]
        out.append(f"{len(framed)} time{'s' if len(framed) != 1 else ''} an outlet stated a shared fact only in "
                   "passing, inside a sentence about something else; these count as carrying the fact through "
                   f"the act they report, e.g. {first['outlet']}: {first['frame']}.")
    if not result.similarity.empty:
        best = result.similarity.sort_values(["score", "article_a"], ascending=[False, True]).iloc[0]
        out.append(f"The most similar pair of articles is {best['article_a']} and {best['article_b']} "
                   f"(score {best['score']:.2f}, {result.method}).")
    ov = result.overlap
    if len(ov):
        low = ov.sort_values(["coverage_a_in_b", "outlet_a", "outlet_b"]).iloc[0]
        out.append(f"Only {low['coverage_a_in_b']:.0%} of {low['outlet_a']}'s facts also appear in {low['outlet_b']}.")
    if len(result.syndication):
        out.append(f"{len(result.syndication)} article pairs share most of their wording (wire copy); their "
                   "shared facts count as one independent source.")
    else:
        out.append(f"No article pair shares most of its wording; {len(result.copies)} sentence pairs are "
                   "near-verbatim copies outside quotation marks.")
    n_conf = result.conflicts["conflict_id"].nunique() if len(result.conflicts) else 0
    if n_conf:
        # each pair counted once, by everything it disagrees on ("number and date"), so the parts add up
        kinds = result.conflicts.groupby("conflict_id")["kind"].agg(lambda k: " and ".join(sorted(set(map(str, k)))))
        out.append(f"{n_conf} pairs of look-alike claims disagree ("
                   + ", ".join(f"{v} on {k}" for k, v in sorted(kinds.value_counts().items())) + ") and were kept apart.")
    return out


def _quoted(text: str) -> str:
    """``text`` in curly quotes, its own quotation marks turned into single ones (‘…’), so every
    item of a list opens with exactly one “ and a reader (or a test) can count the items."""
    inner = str(text).strip().strip("“”\"").replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def _listing(texts: list[str], max_examples: int) -> str:
    """": “a”; “b”" when all fit, ", including “a”; “b”" when only ``max_examples`` of more are
    shown, "" when there is nothing: the count before it then always matches what follows."""
    if not texts:
        return ""
    shown = "; ".join(_quoted(t) for t in texts[:max_examples])
    return (": " if len(texts) <= max_examples else ", including ") + shown


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plot_similarity(matrix: pd.DataFrame, *, title: str = "Document similarity") -> Any:
    """Heatmap of a :func:`similarity_matrix` (already clustered and capped in size)."""
    import matplotlib.pyplot as plt

    n = len(matrix)
    size = min(12.0, 2.5 + 0.35 * n)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    off = matrix.values[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
    # articles on one event all score high; start the scale near the lowest pair so differences show
    vmin = float(np.floor(max(0.0, off.min()) * 10) / 10)
    im = ax.imshow(matrix.values, cmap="viridis", vmin=vmin, vmax=1)
    ax.set_xticks(range(n), [_short(x, 28) for x in matrix.columns], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), [_short(x, 28) for x in matrix.index], fontsize=8)
    if n <= 12:
        for i in range(n):
            for j in range(n):
                v = matrix.values[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if v < (vmin + 1) / 2 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="similarity (1 = same text)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def select_facts(matrix: pd.DataFrame, *, max_shared: int = 25, max_unique_per_outlet: int = 3) -> pd.DataFrame:
    """Rows to draw: the most widely shared facts, then a few unique facts of every outlet."""
    if matrix.empty:
        return matrix
    counts = matrix.sum(axis=1)
    shared = matrix[counts > 1].head(max_shared)
    uniq = [matrix[(counts == 1) & (matrix[o] == 1)].head(max_unique_per_outlet) for o in matrix.columns]
    return pd.concat([shared] + uniq)


def plot_coverage(matrix: pd.DataFrame, facts: pd.DataFrame, *, max_shared: int = 25,
                  max_unique_per_outlet: int = 3, label_chars: int = 70) -> Any:
    """Dot matrix of facts × outlets (UpSet-style): a dot where the outlet carried the fact.

    Rows are shared-by-all first down to one outlet; the bar on the right counts independent
    sources (wire copies grouped), so a fact three outlets carried from one wire story shows
    a short bar.
    """
    import matplotlib.pyplot as plt

    sel = select_facts(matrix, max_shared=max_shared, max_unique_per_outlet=max_unique_per_outlet)
    meta = facts.groupby("fact_id")[["fact_text", "n_independent"]].first()
    n, k = sel.shape
    fig = plt.figure(figsize=(6 + 0.6 * k, 1.2 + 0.28 * max(n, 1)))
    grid = fig.add_gridspec(1, 2, width_ratios=[max(k, 1), 2], wspace=0.05)
    ax = fig.add_subplot(grid[0])
    axb = fig.add_subplot(grid[1], sharey=ax)
    ys, xs = np.nonzero(sel.values)
    for y in range(n):
        ax.plot(range(k), [y] * k, "o", color="#dddddd", ms=7, zorder=1)
        cols = np.nonzero(sel.values[y])[0]
        if len(cols) > 1:
            ax.plot([cols.min(), cols.max()], [y, y], "-", color="#333333", lw=1.5, zorder=2)
    ax.plot(xs, ys, "o", color="#1f4e79", ms=7, zorder=3)
    ax.set_xticks(range(k), [_short(c, 24) for c in sel.columns], rotation=45, ha="left", fontsize=8)
    ax.xaxis.tick_top()
    labels = [f"{fid}  {_short(meta.loc[fid, 'fact_text'], label_chars)}" for fid in sel.index]
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-0.5, k - 0.5)
    for spine in ax.spines.values():
        spine.set_visible(False)
    indep = [int(meta.loc[fid, "n_independent"]) for fid in sel.index]
    axb.barh(range(n), indep, color="#7f7f7f")
    axb.set_xlabel("independent sources", fontsize=8)
    axb.tick_params(axis="y", left=False, labelleft=False)
    axb.set_xlim(0, max(indep + [1]) + 0.5)
    for spine in ("top", "right"):
        axb.spines[spine].set_visible(False)
    fig.suptitle("Which outlet carried which fact (shared by all → unique)", y=1.0, fontsize=10)
    return fig


def plot_upset(matrix: pd.DataFrame, *, max_sets: int = 20) -> Any:
    """UpSet plot: how many facts each exact combination of outlets shares."""
    import matplotlib.pyplot as plt

    if matrix.empty:
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.text(0.5, 0.5, "no facts", ha="center")
        return fig
    combos = matrix.astype(str).agg("".join, axis=1).value_counts()
    combos = combos.sort_index(key=lambda idx: [(-s.count("1"), s) for s in idx])
    combos = combos.sort_values(ascending=False, kind="stable").head(max_sets)
    k = matrix.shape[1]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(2 + 0.45 * len(combos), 2.5 + 0.35 * k),
                                      gridspec_kw={"height_ratios": [2, 1]}, sharex=True)
    top.bar(range(len(combos)), combos.values, color="#1f4e79")
    top.set_ylabel("facts")
    for x, v in enumerate(combos.values):
        top.text(x, v, str(v), ha="center", va="bottom", fontsize=7)
    for x, key in enumerate(combos.index):
        on = [i for i, ch in enumerate(key) if ch == "1"]
        bottom.plot([x] * k, range(k), "o", color="#dddddd", ms=6)
        bottom.plot([x] * len(on), on, "o-", color="#333333", ms=6)
    bottom.set_yticks(range(k), [_short(c, 28) for c in matrix.columns], fontsize=8)
    bottom.set_ylim(k - 0.5, -0.5)
    bottom.set_xticks([])
    for a in (top, bottom):
        for spine in ("top", "right"):
            a.spines[spine].set_visible(False)
    top.set_title("Facts shared by each combination of outlets", fontsize=10)
    fig.tight_layout()
    return fig
