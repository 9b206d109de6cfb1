"""The report's own figures (matplotlib, Okabe-Ito palette plus shapes and hatches) and the stages' saved figures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from .html import _clip, _text, esc, figure_html
from .style import OKABE_ITO, STANCE_COLOURS, STANCE_ORDER


def _label(text: Any, n: int = 32) -> str:
    """Figure text from data: clipped, with ``$`` escaped so matplotlib never reads it as mathtext
    (an outlet called "$5 News $" would otherwise fail to render)."""
    return _clip(_text(text), n).replace("$", r"\$")


def _new_figure(width_in: float, height_in: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=110, layout="constrained")
    fig.patch.set_facecolor("white")
    return fig


def coverage_figure(matrix: pd.DataFrame, *, max_facts: int = 60) -> Any | None:
    """Outlets × facts grid (filled square = the outlet carried the fact), in the matrix's row order
    (:func:`~.digests.fact_matrix`: the coverage stage's), columns labelled by fact id."""
    if matrix.empty or matrix.shape[1] == 0:
        return None
    m = matrix.head(max_facts)
    outlets = list(m.columns)[:40]
    n_f, n_o = len(m), len(outlets)
    fig = _new_figure(min(9.0, 2.6 + 0.12 * n_f), min(7.0, 1.3 + 0.32 * n_o))
    ax = fig.add_subplot()
    values = m[outlets].T.to_numpy(dtype=float)
    from matplotlib.colors import ListedColormap

    ax.imshow(values, aspect="auto", cmap=ListedColormap(["#eef1f4", OKABE_ITO["blue"]]), vmin=0, vmax=1,
              interpolation="nearest")
    ax.set_yticks(range(n_o), [_label(o) for o in outlets], fontsize=9)
    step = 1 if n_f <= 30 else 5
    # fact ids as in data/facts.csv, notebook 02 and the report's lists: one name per fact
    ax.set_xticks(range(0, n_f, step), [_label(m.index[i], 12) for i in range(0, n_f, step)], fontsize=7, rotation=90)
    ax.set_xlabel("facts by id, most widely carried first", fontsize=9)
    ax.set_xticks([x - 0.5 for x in range(1, n_f)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n_o)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return fig


def _measure_panel(ax: Any, rows: pd.DataFrame, col: str, y: Sequence[int], *, colour: str, marker: str) -> None:
    """One measure of :func:`measures_figure`: dot = score, line = 95 % interval, n = sentences behind it;
    a hollow marker when the score rests on too few sentences."""
    for yi, (_, r) in zip(y, rows.iterrows()):
        score = r[col]
        if pd.isna(score):
            continue
        lo, hi = r[f"{col}_low"], r[f"{col}_high"]
        if pd.notna(lo) and pd.notna(hi):
            ax.plot([lo, hi], [yi, yi], color=colour, linewidth=2, zorder=2)
        thin = _text(r[f"{col}_label"]) in ("too few", "unclear")
        ax.scatter([score], [yi], s=60, marker=marker, zorder=3, color="white" if thin else colour,
                   edgecolor=colour if thin else "black", linewidth=1.4 if thin else 0.5)
        n = r[f"{col}_sentences"]
        ax.annotate(f"n={int(n)}" if pd.notna(n) else "", (1.04, yi), xytext=(0, 0), textcoords="offset points",
                    fontsize=7, ha="right", va="center", color="#555")
    ax.axvline(0, color="#444", linewidth=0.8, linestyle=":")
    ax.set_xlim(-1.08, 1.08)
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def measures_figure(measures: pd.DataFrame, target: str, *, max_outlets: int = 30) -> Any | None:
    """Per outlet, side by side: portrayal of ``target`` (its narration) and position framing, each with
    its 95 % interval and the number of sentences behind it (``report.stance_measures`` rows).

    Outlets are ordered by framing score, most supportive on top; with more than ``max_outlets`` the ones
    resting on most sentences are drawn. Without portrayal rows (a proposition, or portrayal off) only
    framing is drawn. Circles and squares tell the panels apart in greyscale.
    """
    m = measures[measures["target"] == target]
    if m.empty:
        return None
    m = m.assign(_n=pd.to_numeric(m["framing_sentences"], errors="coerce").fillna(0)
                 + pd.to_numeric(m["portrayal_sentences"], errors="coerce").fillna(0))
    m = m.sort_values(["_n", "outlet"], ascending=[False, True], kind="stable").head(max_outlets)
    m = m.sort_values(["framing", "outlet"], ascending=[True, False], kind="stable")
    has_portrayal = bool(m["portrayal"].notna().any())
    fig = _new_figure(8.6 if has_portrayal else 6.0, min(8.0, 1.5 + 0.36 * len(m)))
    axes = fig.subplots(1, 2, sharey=True) if has_portrayal else [fig.add_subplot()]
    y = list(range(len(m)))
    panels = [("framing", OKABE_ITO["orange"], "s", "← opposes    support score    supports →",
               "position framing")]
    if has_portrayal:
        panels.insert(0, ("portrayal", OKABE_ITO["blue"], "o", "← negative    P(pos) − P(neg)    positive →",
                          "portrayal (outlet's own sentences)"))
    for ax, (col, colour, marker, xlabel, title) in zip(axes, panels):
        _measure_panel(ax, m, col, y, colour=colour, marker=marker)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_title(title, fontsize=10, loc="left")
    axes[0].set_yticks(y, [_label(o) for o in m["outlet"]], fontsize=9)
    fig.suptitle(_label(f"{target}: how each outlet portrays and frames" if has_portrayal
                        else f"{target}: how each outlet frames it", 80), fontsize=10)
    return fig


def stance_figure(ranking: pd.DataFrame, target: str, *, measures: pd.DataFrame | None = None,
                  max_outlets: int = 30) -> Any | None:
    """Per outlet: with ``measures`` (``report.stance_measures``) the two-measure chart of
    :func:`measures_figure`; without (an older run folder), support ↔ opposition (dot = mean, line =
    range over its articles) and conditionality."""
    if measures is not None and (measures["target"] == target).any():
        return measures_figure(measures, target, max_outlets=max_outlets)
    r = ranking[ranking["target"] == target]
    if r.empty:
        return None
    g = r.groupby("outlet").agg(support=("support_score", "mean"), lo=("support_score", "min"),
                                hi=("support_score", "max"), cond=("conditionality", "mean"),
                                n=("article_id", "size"),
                                label=("label", lambda s: s.value_counts().sort_index().idxmax()))
    g = g.sort_values(["n", "support"], ascending=[False, False], kind="stable").head(max_outlets)
    g = g.sort_values("support", kind="stable")
    fig = _new_figure(8.6, min(8.0, 1.4 + 0.36 * len(g)))
    ax, ax2 = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 1.3]})
    y = list(range(len(g)))
    markers = {"supportive": "o", "conditional": "D", "skeptical": "s", "opposed": "v", "unclear": "X"}
    for yi, (outlet, row) in zip(y, g.iterrows()):
        ax.plot([row.lo, row.hi], [yi, yi], color="#777", linewidth=1.5)
        label = str(row.label) if str(row.label) in STANCE_COLOURS else "unclear"
        ax.scatter([row.support], [yi], s=70, color=STANCE_COLOURS[label], marker=markers[label], zorder=3,
                   edgecolor="black", linewidth=0.5)
    ax.axvline(0, color="#444", linewidth=0.8, linestyle=":")
    ax.set_xlim(-1.05, 1.05)
    ax.set_yticks(y, [_label(o) for o in g.index], fontsize=9)
    ax.set_xlabel("← opposition          support score          support →", fontsize=9)
    ax.set_title(_label(f"Framing of {target}", 70), fontsize=10, loc="left")
    present = [lab for lab in STANCE_ORDER if lab in set(g["label"].map(_text))]
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=markers[lab], color="none", markerfacecolor=STANCE_COLOURS[lab],
                      markeredgecolor="black", markersize=7, label=lab) for lab in present]
    if handles:
        ax.legend(handles=handles, fontsize=8, loc="lower right", frameon=True)
    ax2.barh(y, g["cond"].fillna(0), color=OKABE_ITO["orange"], hatch="//", edgecolor="#7a5300")
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("conditionality (0–1)", fontsize=9)
    for a in (ax, ax2):
        a.grid(axis="x", color="#ddd", linewidth=0.6)
        a.set_axisbelow(True)
        for side in ("top", "right"):
            a.spines[side].set_visible(False)
    return fig


def quotes_figure(categories: pd.DataFrame, *, max_outlets: int = 30) -> Any | None:
    """Stacked bars: each outlet's quotes split into same wording / changed / only here."""
    if categories.empty:
        return None
    c = categories.set_index("outlet")
    c = c.loc[c.sum(axis=1).sort_values(ascending=False, kind="stable").index[:max_outlets]].iloc[::-1]
    fig = _new_figure(8.0, min(8.0, 1.3 + 0.36 * len(c)))
    ax = fig.add_subplot()
    left = pd.Series(0.0, index=c.index)
    styles = {"same wording as elsewhere": (OKABE_ITO["blue"], ""),
              "wording changed": (OKABE_ITO["vermillion"], "xx"),
              "only in this outlet": (OKABE_ITO["grey"], "..")}
    for col, (colour, hatch) in styles.items():
        ax.barh(range(len(c)), c[col], left=left, color=colour, hatch=hatch, edgecolor="white", label=col)
        left += c[col]
    ax.set_yticks(range(len(c)), [_label(o) for o in c.index], fontsize=9)
    ax.set_xlabel("number of quotes", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def stage_figures(run_dir: str | Path, stage_prefix: str) -> list[tuple[str, bytes]]:
    """PNG figures a stage saved under ``figures/`` (``02_*.png`` for coverage), sorted by name."""
    folder = Path(run_dir) / "figures"
    if not folder.exists():
        return []
    return [(p.stem, p.read_bytes()) for p in sorted(folder.glob(f"{stage_prefix}_*.png"))]


def notebook_figure_captions(notebook: Any) -> dict[str, str]:
    """``figure name -> caption`` from a stage notebook: the markdown cell just before the cell that
    saves the figure (house style puts "what the reader sees" there), headings dropped."""
    captions: dict[str, str] = {}
    previous = ""
    for cell in getattr(notebook, "cells", []):
        source = "".join(cell.get("source", "")) if isinstance(cell.get("source"), list) else str(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            previous = source
            continue
        for name in re.findall(r"""figure_path\([^,()]+,\s*f?["'](\d\d_[\w.-]+)["']""", source):
            lines = [ln for ln in previous.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
            text = re.sub(r"[*_`]+", "", " ".join(lines)).strip()
            if text:
                captions[name] = text
    return captions


def stage_figures_html(figures: Sequence[tuple[str, bytes]], summary: Mapping[str, Any] | None, *,
                       notebook: str, captions: Mapping[str, str] | None = None) -> str:
    """Figures drawn by a stage notebook, in one collapsed block, each with a caption.

    The caption is the stage summary's ``figures`` entry (``{name: caption}``) if it has one, else
    ``captions`` (see :func:`notebook_figure_captions`), else a pointer to the notebook.
    """
    if not figures:
        return ""
    given = (summary or {}).get("figures") or {}
    if isinstance(given, list):
        given = {str(c.get("name", c.get("file", ""))).removesuffix(".png"): c.get("caption", "")
                 for c in given if isinstance(c, Mapping)}
    parts = []
    for name, png in figures:
        caption = str(given.get(name) or given.get(f"{name}.png") or (captions or {}).get(name) or
                      f"Figure {name} from {notebook}; the reviewer version shows how it is built.")
        parts.append(figure_html(png, alt=name.replace("_", " "), caption="How to read: " + caption
                                 if not caption.lower().startswith(("how to read", "figure ")) else caption))
    label = f"More figures from {notebook} ({len(figures)})"
    return f'<details class="nr-evidence nr-figures"><summary>{esc(label)}</summary>{"".join(parts)}</details>'


def stage_figures_block(run_dir: str | Path, notebook_name: str, summary: Mapping[str, Any] | None) -> str:
    """The collapsed block of a stage's own figures, captioned from its executed notebook."""
    import nbformat

    run = Path(run_dir)
    figures = stage_figures(run, notebook_name[:2])
    executed = run / "notebooks" / notebook_name
    captions = notebook_figure_captions(nbformat.read(str(executed), as_version=4)) if executed.exists() else {}
    return stage_figures_html(figures, summary, notebook=f"notebooks/{notebook_name}", captions=captions)
