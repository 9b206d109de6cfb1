"""Outlets at a glance: one row per outlet comparing coverage, framing, quote fidelity and wire copy.

A reader should not have to assemble "who carried most, who framed the actor how, whose quotes
were faithful" from four sections. This module digests the run tables into one table (pure) and
renders it as escaped HTML whose every cell links to the section holding its evidence, plus one
compact figure. Every input but ``articles`` is optional: a missing table or column turns its
columns into "not measured" and the page says which file was missing.

Table returned by :func:`outlet_overview`
------------------------------------------
``outlet, articles, sentences, facts_carried, facts_share`` (of the event's facts),
``only_here`` (facts no other outlet carried), ``left_out`` (widely carried facts it did not
report), per main target ``frame:<target>`` (mean support score), ``label:<target>``,
``cues:<target>`` (cue words behind the score), ``portrayal:<target>`` (narration portrayal score,
when the stance stage wrote ``stance_portrayal_outlets.csv``), then ``quotes_compared``
(its quotes that other outlets also carried), ``verbatim_share``, ``changed_share``,
``meaning_share`` (NaN when quotes.csv has no meaning-change column) and ``wire_share`` (share of its
sentences copied from or into another article, NaN without ``copies.csv``). With more outlets
than ``max_outlets`` the rest are pooled in one row named ``other N outlets`` (``aggregate`` True).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .digests import _is_changed, outlet_labels
from .html import _has, _slug, _text, esc, figure_html, note, paragraph, section_heading
from .style import OKABE_ITO, STANCE_COLOURS
from .unique_checks import found_again

#: quotes.csv columns that, when present, flag an edit that changes what the speaker meant
MEANING_COLUMNS = ("meaning_changed", "meaning_change", "changes_meaning")

#: a framing score resting on fewer cue words than this is greyed and labelled as thin evidence
MIN_CUES = 2


class OverviewInputs(NamedTuple):
    """The digests and run tables the overview reads; all but ``articles`` and ``matrix`` may be None."""

    articles: pd.DataFrame
    matrix: pd.DataFrame  # report.fact_matrix: fact_id x outlet (bool)
    omitted: pd.DataFrame | None  # report.omissions
    ranking: pd.DataFrame | None  # report.stance_ranking
    targets: Sequence[str]  # main targets, in the order of the stance section
    quotes: pd.DataFrame | None
    sentences: pd.DataFrame | None
    copies: pd.DataFrame | None  # data/copies.csv: article_a, sent_a, article_b, sent_b
    portrayal: pd.DataFrame | None  # data/stance_portrayal_outlets.csv
    unique_checks: pd.DataFrame | None = None  # data/unique_checks.csv: facts found again are not "only here"
    framing: pd.DataFrame | None = None  # data/stance_framing_outlets.csv: a "too few" label greys the score


def _coverage_columns(inp: OverviewInputs, outlets: list[str]) -> pd.DataFrame:
    m = inp.matrix
    out = pd.DataFrame(index=outlets)
    n_facts = len(m)
    if n_facts == 0:
        return out.assign(facts_carried=math.nan, facts_share=math.nan, only_here=math.nan, left_out=math.nan)
    spread = m.sum(axis=1)
    out["facts_carried"] = [int(m[o].sum()) if o in m.columns else 0 for o in outlets]
    out["facts_share"] = out["facts_carried"] / n_facts
    alone = (spread == 1) & ~m.index.isin(list(found_again(inp.unique_checks)[0]))
    out["only_here"] = [int((m[o] & alone).sum()) if o in m.columns else 0 for o in outlets]
    left = inp.omitted["outlet"].value_counts() if _has(inp.omitted, "outlet") else pd.Series(dtype=int)
    out["left_out"] = [int(left.get(o, 0)) for o in outlets]
    return out


def _framing_columns(inp: OverviewInputs, outlets: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=outlets)
    r = inp.ranking
    for target in inp.targets:
        rows = r[r["target"] == target] if _has(r, "target", "outlet", "support_score") else pd.DataFrame()
        g = rows.groupby("outlet") if len(rows) else None
        out[f"frame:{target}"] = g["support_score"].mean().reindex(outlets) if g is not None else math.nan
        out[f"label:{target}"] = (g["label"].agg(lambda s: s.value_counts().sort_index().idxmax()).reindex(outlets)
                                  if g is not None and "label" in rows else "")
        out[f"cues:{target}"] = (pd.to_numeric(rows["n_cues"], errors="coerce").groupby(rows["outlet"]).sum()
                                 .reindex(outlets) if g is not None and "n_cues" in rows else math.nan)
        f = inp.framing
        few = set(f.loc[(f["target"].map(_text) == target) & (f["label"].map(_text) == "too few"), "outlet"].map(_text)) \
            if _has(f, "outlet", "target", "label") else set()
        out[f"few:{target}"] = [o in few for o in outlets]
        p = inp.portrayal
        if _has(p, "outlet", "target", "score"):
            narr = p[(p["target"] == target) & (p["voice"] == "narration" if "voice" in p else True)]
            out[f"portrayal:{target}"] = narr.groupby("outlet")["score"].mean().reindex(outlets)
    return out


def _quote_columns(inp: OverviewInputs, outlets: list[str], labels: Mapping[str, str]) -> pd.DataFrame:
    out = pd.DataFrame(index=outlets)
    q = inp.quotes
    if not _has(q, "article_id", "cluster_id"):
        return out.assign(quotes_compared=math.nan, verbatim_share=math.nan, changed_share=math.nan,
                          meaning_share=math.nan)
    q = q.assign(outlet=q["article_id"].map(_text).map(labels), cid=q["cluster_id"].map(_text).str.strip())
    spread = q.groupby("cid")["article_id"].transform("nunique")
    shared = q[(q["cid"] != "") & (spread > 1)].copy()
    shared["changed"] = [_is_changed(row) for row in shared.itertuples(index=False)]
    meaning = next((c for c in MEANING_COLUMNS if c in shared.columns), None)
    g = shared.groupby("outlet")
    n = g.size().reindex(outlets).fillna(0).astype(int)
    out["quotes_compared"] = n
    changed = g["changed"].sum().reindex(outlets).fillna(0)
    out["verbatim_share"] = (n - changed) / n.where(n > 0)
    out["changed_share"] = changed / n.where(n > 0)
    if meaning:
        flags = shared[meaning].map(lambda v: _text(v).strip().lower() in ("true", "1", "yes"))
        out["meaning_share"] = flags.groupby(shared["outlet"]).sum().reindex(outlets).fillna(0) / n.where(n > 0)
    else:
        out["meaning_share"] = math.nan
    return out


def _wire_column(inp: OverviewInputs, outlets: list[str], labels: Mapping[str, str]) -> pd.Series:
    if not _has(inp.sentences, "article_id", "sent_id") or inp.copies is None \
            or not {"sent_a", "sent_b"} <= set(inp.copies.columns):
        return pd.Series(math.nan, index=outlets)
    copied = set(inp.copies["sent_a"].map(_text)) | set(inp.copies["sent_b"].map(_text))
    s = inp.sentences.assign(outlet=inp.sentences["article_id"].map(_text).map(labels))
    hit = s["sent_id"].map(_text).isin(copied)
    return hit.groupby(s["outlet"]).mean().reindex(outlets)


def outlet_overview(inp: OverviewInputs, *, max_outlets: int = 12) -> pd.DataFrame:
    """One row per outlet (see the module docstring for the columns), most articles first.

    With more than ``max_outlets`` outlets, the top ``max_outlets - 1`` by number of articles (then
    facts carried) keep their rows and the others are pooled into one ``other N outlets`` row:
    counts are summed, shares and scores averaged over the pooled outlets.
    """
    labels = outlet_labels(inp.articles)
    counts = pd.Series(list(labels.values())).value_counts()
    outlets = sorted(counts.index, key=lambda o: (-int(counts[o]), str(o).lower()))
    table = pd.DataFrame(index=outlets)
    table["articles"] = [int(counts[o]) for o in outlets]
    if _has(inp.sentences, "article_id"):
        table["sentences"] = inp.sentences["article_id"].map(_text).map(labels).value_counts().reindex(outlets) \
            .fillna(0).astype(int)
    table = table.join(_coverage_columns(inp, outlets)).join(_framing_columns(inp, outlets))
    table = table.join(_quote_columns(inp, outlets, labels))
    table["wire_share"] = _wire_column(inp, outlets, labels)
    table["aggregate"] = False
    if "facts_carried" in table and len(table) > max_outlets:
        table = table.sort_values(["articles", "facts_carried"], ascending=False, kind="stable")
    if len(table) > max_outlets:
        table = _pool(table, keep=max(1, max_outlets - 1))
    return table.rename_axis("outlet").reset_index()


def _pool(table: pd.DataFrame, *, keep: int) -> pd.DataFrame:
    """The first ``keep`` rows, and the rest pooled into one aggregate row."""
    head, rest = table.iloc[:keep], table.iloc[keep:]
    row: dict[str, Any] = {}
    for col in table.columns:
        values = rest[col]
        if col == "aggregate":
            row[col] = True
        elif col.startswith("label:"):
            row[col] = values.map(_text).replace("", pd.NA).dropna().value_counts().sort_index().idxmax() \
                if values.map(_text).str.strip().any() else ""
        elif col in ("articles", "sentences", "quotes_compared") or col.startswith("cues:"):
            row[col] = pd.to_numeric(values, errors="coerce").sum()
        else:
            row[col] = pd.to_numeric(values, errors="coerce").mean()
    pooled = pd.DataFrame([row], index=[f"other {len(rest)} outlets"])
    return pd.concat([head, pooled])


def _pct(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(v) else f"{100 * v:.0f}%"


def _num(value: Any, fmt: str = "{:.0f}") -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(v) else fmt.format(v)


def _cell(text: str, href: str, *, title: str = "", css: str = "nr-num") -> str:
    """A table cell whose value links to the section holding its evidence ("—" when not measured)."""
    if not text:
        return f'<td class="{css} nr-na" title="not measured in this run">—</td>'
    tip = f' title="{esc(title)}"' if title else ""
    return f'<td class="{css}"{tip}><a href="{esc(href)}">{esc(text)}</a></td>'


def _flag(value: Any) -> bool:
    """True for a true boolean cell (Python or numpy); a pooled row's mean of flags is not a flag."""
    return isinstance(value, (bool, np.bool_)) and bool(value)


def _framing_cell(row: Mapping[str, Any], target: str) -> str:
    score, label = row.get(f"frame:{target}"), _text(row.get(f"label:{target}", ""))
    text = _num(score, "{:+.2f}")
    if not text:
        return _cell("", "")
    cues = row.get(f"cues:{target}")
    n_cues = None if cues is None or (isinstance(cues, float) and math.isnan(cues)) else int(cues)
    portrayal = _num(row.get(f"portrayal:{target}"), "{:+.2f}")
    body = f"{text} {label}".strip() + (f" · portrayal {portrayal}" if portrayal else "")
    href = f"#stance-{_slug(target)}"
    if _flag(row.get(f"few:{target}")):  # the stance stage's own "too few" (sentences), as in its section
        return (f'<td class="nr-low" title="too few sentences behind this score; read as no evidence">'
                f'<a href="{esc(href)}">{esc(body + " · too few sentences")}</a></td>')
    if n_cues is not None and n_cues < MIN_CUES:
        thin = f"{body} · {n_cues} cue{'s' if n_cues != 1 else ''}: too little evidence"
        return (f'<td class="nr-low" title="resting on {n_cues} cue word{"s" if n_cues != 1 else ""}; read as no evidence">'
                f'<a href="{esc(href)}">{esc(thin)}</a></td>')
    tip = f"support score from {n_cues} cue words" if n_cues is not None else "support score"
    return _cell(body, href, title=tip, css="")


def overview_table_html(table: pd.DataFrame, targets: Sequence[str]) -> str:
    """The overview as an escaped HTML table; each cell links to its evidence section."""
    left_out = ("facts the other outlet carried that it left out" if len(table) == 2 and not table.get(
        "aggregate", pd.Series(False, index=table.index)).any() else "widely carried facts it left out")
    head = ["outlet", "articles", "facts carried (% of the event's)", "facts only it carried",
            left_out, *[f"framing of {t}" for t in targets],
            "quotes: verbatim / changed / meaning changed", "wire copy (share of its sentences)"]
    rows = []
    for rec in table.to_dict("records"):
        name = esc(rec["outlet"]) + (' <span class="nr-caption">(pooled)</span>' if rec.get("aggregate") else "")
        carried = (f"{_num(rec.get('facts_carried'))} ({_pct(rec.get('facts_share'))})"
                   if _num(rec.get("facts_carried")) else "")
        quotes = ""
        if _num(rec.get("quotes_compared")) == "0":  # no remark it quoted was quoted by another outlet
            quotes = "none shared"
        elif _num(rec.get("quotes_compared")):
            meaning = _pct(rec.get("meaning_share")) or "n/a"
            quotes = (f"{_pct(rec.get('verbatim_share')) or '–'} / {_pct(rec.get('changed_share')) or '–'} / "
                      f"{meaning} of {_num(rec.get('quotes_compared'))}")
        cells = [f'<th scope="row">{name}</th>', f'<td class="nr-num">{esc(_num(rec.get("articles")))}</td>',
                 _cell(carried, "#coverage", title="facts this outlet reported"),
                 _cell(_num(rec.get("only_here")), "#coverage", title="facts no other outlet reported"),
                 _cell(_num(rec.get("left_out")), "#coverage", title="facts most other outlets reported"),
                 *[_framing_cell(rec, t) for t in targets],
                 _cell(quotes, "#quotes", title="its quotes that other outlets also carried"),
                 _cell(_pct(rec.get("wire_share")), "#coverage", title="sentences shared near-verbatim with another article")]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    thead = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    return (f'<div class="nr-tablewrap nr-overview"><table class="nr-table" id="overview-table">'
            f'<thead><tr>{thead}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def overview_missing(inp: OverviewInputs) -> list[str]:
    """What the overview could not measure in this run, and which file it would need."""
    out = []
    if inp.matrix.empty:
        out.append("facts (data/facts.csv)")
    if not inp.targets:
        out.append("framing (data/stance.csv)")
    if not _has(inp.quotes, "article_id", "cluster_id"):
        out.append("quote fidelity (data/quotes.csv with cluster_id)")
    elif not any(c in inp.quotes.columns for c in MEANING_COLUMNS):
        out.append("meaning-changing quote edits (no meaning column in data/quotes.csv)")
    if inp.copies is None:
        out.append("wire copy (data/copies.csv)")
    return out


OVERVIEW_CAPTION = ("How to read: one row per outlet. Left: the share of the event's facts it reported (bar; the "
                    "number is facts only it carried). Middle: its framing score of each main actor, −1 opposed to "
                    "+1 supportive; a hollow marker rests on fewer than two cue words or too few sentences. Right: of its quotes that "
                    "other outlets also carried, the share reproduced word for word (blue) and changed (crossed "
                    "vermillion).")


def overview_section(table: pd.DataFrame, inp: OverviewInputs, *, figure_png: bytes | None = None,
                     trust: str = "") -> str:
    """The "Outlets at a glance" section: a sentence, the table, the figure, what was not measured."""
    parts = [section_heading("overview", "Outlets at a glance"), trust,
             paragraph("One row per outlet. Every cell links to the section with the sentences behind it; "
                       "a greyed framing score rests on too few cue words or sentences to read anything into.")]
    parts.append(overview_table_html(table, inp.targets))
    if table["aggregate"].any():
        parts.append(note("Outlets beyond the first rows are pooled into the last row (counts summed, shares and "
                          "scores averaged); every outlet is in the sections below."))
    missing = overview_missing(inp)
    if missing:
        parts.append(note("Not measured in this run: " + "; ".join(missing) + ".", missing=True))
    if figure_png:
        parts.append(figure_html(figure_png, alt="Each outlet's share of facts, framing of the main actors and "
                                                 "quote fidelity", caption=OVERVIEW_CAPTION))
    return "".join(parts)


def _quotes_panel(ax: Any, t: pd.DataFrame, y: list[int]) -> None:
    """The right-hand panel: each outlet's shared quotes, verbatim and changed; says so when none is shared."""
    verb = pd.to_numeric(t.get("verbatim_share"), errors="coerce").fillna(0) * 100 if "verbatim_share" in t else 0
    chg = pd.to_numeric(t.get("changed_share"), errors="coerce").fillna(0) * 100 if "changed_share" in t else 0
    ax.barh(y, verb, color=OKABE_ITO["blue"], edgecolor="white", label="verbatim")
    ax.barh(y, chg, left=verb, color=OKABE_ITO["vermillion"], hatch="xx", edgecolor="white", label="changed")
    ax.set_xlim(0, 100)
    ax.set_xlabel("shared quotes, %", fontsize=8)
    shared = pd.to_numeric(t.get("quotes_compared"), errors="coerce") if "quotes_compared" in t else None
    if shared is not None and not (shared.fillna(0) > 0).any():  # say why the panel is empty
        ax.text(50, (len(y) - 1) / 2, "No remark was quoted by\ntwo outlets, so there is\nno wording to compare.",
                ha="center", va="center", fontsize=7, color="#444")
    ax.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)


def overview_figure(table: pd.DataFrame, targets: Sequence[str]) -> Any | None:
    """Three small panels sharing the outlet axis: facts carried, framing per target, quote fidelity."""
    from matplotlib.lines import Line2D

    from .figures import _label, _new_figure

    if table.empty:
        return None
    t = table.iloc[::-1].reset_index(drop=True)
    y = list(range(len(t)))
    fig = _new_figure(9.0, min(7.0, 1.5 + 0.34 * len(t)))
    ax1, ax2, ax3 = fig.subplots(1, 3, sharey=True, gridspec_kw={"width_ratios": [1.1, 1.6, 1.1]})
    share = pd.to_numeric(t.get("facts_share"), errors="coerce").fillna(0) if "facts_share" in t else pd.Series(0.0, index=t.index)
    ax1.barh(y, share * 100, color=OKABE_ITO["blue"], edgecolor="white")
    for yi, n in zip(y, t.get("only_here", pd.Series([math.nan] * len(t)))):
        if _num(n):
            ax1.text(1, yi, f"{_num(n)} only here", va="center", fontsize=7, color="white" if share.iloc[yi] > 0.3 else "#222")
    ax1.set_xlim(0, 100)
    ax1.set_xlabel("facts carried, % of the event's", fontsize=8)
    ax1.set_yticks(y, [_label(o, 26) for o in t["outlet"]], fontsize=8)
    markers = ("o", "s", "D", "^", "v")
    colours = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"], OKABE_ITO["vermillion"])
    handles = []
    for k, target in enumerate(targets[:5]):
        scores = pd.to_numeric(t.get(f"frame:{target}"), errors="coerce") if f"frame:{target}" in t else None
        if scores is None:
            continue
        cues = pd.to_numeric(t.get(f"cues:{target}"), errors="coerce") if f"cues:{target}" in t else None
        offset = (k - (len(targets[:5]) - 1) / 2) * 0.18
        for yi, s in zip(y, scores):
            if math.isnan(s):
                continue
            thin = (cues is not None and not math.isnan(cues.iloc[yi]) and cues.iloc[yi] < MIN_CUES) or \
                _flag(t.get(f"few:{target}", pd.Series(False, index=t.index)).iloc[yi])
            ax2.scatter([s], [yi + offset], marker=markers[k], s=38, zorder=3, linewidth=1,
                        facecolor="white" if thin else colours[k], edgecolor=colours[k])
        handles.append(Line2D([], [], marker=markers[k], color="none", markerfacecolor=colours[k],
                              markeredgecolor=colours[k], markersize=6, label=_label(target, 20)))
    ax2.axvline(0, color="#444", linewidth=0.8, linestyle=":")
    ax2.set_xlim(-1.05, 1.05)
    ax2.set_xlabel("framing: ← opposed   support score   supportive →", fontsize=8)
    if handles:
        ax2.legend(handles=handles, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    _quotes_panel(ax3, t, y)
    for a in (ax1, ax2, ax3):
        a.tick_params(axis="x", labelsize=7)
        a.grid(axis="x", color="#ddd", linewidth=0.6)
        a.set_axisbelow(True)
        for side in ("top", "right"):
            a.spines[side].set_visible(False)
    return fig
