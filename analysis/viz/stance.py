"""Stance views: the outlets' positions figure and the cue-highlighted evidence page.

Presentation only: reads the stance stage's tables (:mod:`analysis.stance`) and returns a
matplotlib figure or an escaped HTML fragment (``stance_evidence.html``).
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

import pandas as pd

from ..stance.model import LABELS
from ..stance.summary import outlet_names
from .text import highlight

# Okabe & Ito (2008) colour-blind-safe palette, one colour per label, ordered like LABELS
LABEL_COLOURS: dict[str, str] = {"supportive": "#009E73", "conditional": "#E69F00", "skeptical": "#56B4E9",
                                 "opposed": "#D55E00", "unclear": "#999999"}
_LABEL_MARKERS = {"supportive": "o", "conditional": "s", "skeptical": "^", "opposed": "v", "unclear": "x"}
# cue classes -> highlight colour (same palette; text stays black for contrast)
CUE_COLOURS: dict[str, str] = {"endorsing": "#009E73", "positive": "#009E73", "distancing": "#56B4E9",
                               "opposing": "#D55E00", "negative": "#D55E00", "hedge": "#E69F00",
                               "conditional": "#E69F00", "contrast": "#E69F00", "booster": "#CC79A7",
                               "negation": "#CC79A7", "neutral": "#BBBBBB"}

STANCE_CSS = "\n".join(
    [".stance-cue { padding: 0 2px; border-radius: 3px; color: #000; }"]
    + [f".stance-{cls} {{ background: {col}55; border-bottom: 2px solid {col}; }}" for cls, col in CUE_COLOURS.items()]
    + [".stance-block { margin: 0.8em 0; } .stance-block h4 { margin: 0.2em 0; }",
       ".stance-section { color: #555; font-size: 85%; text-transform: uppercase; }"])


def highlight_html(text: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """``text`` as HTML with cue spans wrapped in ``<mark>``; every piece of text is escaped.

    Parameters
    ----------
    text : str
        Article text (any characters: it is escaped here, so "<script>" stays text).
    spans : iterable of (start, end, cue_class, note)
        Offsets into ``text``; ``note`` becomes the mark's tooltip. Overlapping spans keep the
        first (earliest, then longest); out-of-range spans are clipped.

    Returns
    -------
    str
        HTML fragment; classes ``stance-cue stance-<cue_class>`` (styles in :data:`STANCE_CSS`),
        drawn by the package's one highlighter, :func:`analysis.viz.text.highlight`.
    """
    marks = [(s, e, "stance-cue stance-" + re.sub(r"[^a-z_-]", "", str(c).lower()), str(n)) for s, e, c, n in spans]
    return highlight(text, marks, overlap="first")


def evidence_html(articles: pd.DataFrame, sentences: pd.DataFrame, stance: pd.DataFrame,
                  evidence: pd.DataFrame, *, target: str, max_body_sentences: int = 3) -> str:
    """An HTML view per article: outlet, label and scores, then headline, lede and the body
    sentences whose cues moved the score most, cue words highlighted.

    Article text, outlet names and cue words are all escaped (:func:`highlight_html`); the
    fragment embeds :data:`STANCE_CSS` so it renders alone.
    """
    ev = evidence[(evidence["target"] == target) & (evidence["axis"] != "modifier")]
    mods = evidence[(evidence["target"] == target) & (evidence["axis"] == "modifier")]
    st = stance[stance["target"] == target].sort_values(["support_score", "article_id"], ascending=[False, True])
    outlet_of = outlet_names(articles)
    wanted = set(st["article_id"])
    sents_of = dict(tuple(sentences[sentences["article_id"].isin(wanted)].sort_values(["article_id", "start"])
                          .groupby("article_id", sort=False)))
    ev_of = dict(tuple(ev.groupby("article_id", sort=False)))
    all_of = dict(tuple(pd.concat([ev, mods]).groupby("article_id", sort=False)))
    blocks = [f"<style>{STANCE_CSS}</style>"]
    for r in st.itertuples(index=False):
        outlet = outlet_of.get(r.article_id, "") or r.article_id  # no outlet: the article id
        head = (f'<div class="stance-block"><h4>{html.escape(outlet)} — {html.escape(r.label)}'
                f" (support {r.support_score:+.2f}, conditionality {r.conditionality:.2f}, "
                f"confidence {r.confidence:.2f})</h4>")
        sents = sents_of.get(r.article_id, sentences.iloc[:0])
        e_art = all_of.get(r.article_id, evidence.iloc[:0])
        e_ev = ev_of.get(r.article_id, evidence.iloc[:0])
        strength = e_ev.groupby("sent_id")["weight"].apply(lambda w: w.abs().sum())
        body_ids = set(strength[strength > 0].sort_values(ascending=False).index[:max_body_sentences])
        lines = []
        for s in sents.itertuples(index=False):
            if s.section == "body" and s.sent_id not in body_ids:
                continue
            es = e_art[e_art["sent_id"] == s.sent_id]
            spans = [(x.start - s.start, x.end - s.start, x.cue_class,
                      f"{x.cue_class}, {x.axis}: {x.weight:+.3f}") for x in es.itertuples(index=False)]
            lines.append(f'<p><span class="stance-section">{html.escape(s.section)}</span> '
                         f"{highlight_html(str(s.text), spans)}</p>")
        blocks.append(head + "".join(lines) + "</div>")
    return "\n".join(blocks)


def stance_figure(stance: pd.DataFrame, articles: pd.DataFrame, *, target: str, max_labels: int = 20) -> Any:
    """Outlets placed on the two axes: support ↔ opposition (x) and conditionality (y).

    Colours and markers both encode the label (Okabe–Ito palette, readable in greyscale by
    marker); marker size grows with confidence. With more than ``max_labels`` articles the
    names move to each outlet's mean position (black +), and only the most and least
    supportive outlets are named, so the figure stays readable for large corpora.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    outlets = outlet_names(articles)  # "" for an article without outlet: it is named by its id below
    st = stance[stance["target"] == target].drop(columns=["outlet"], errors="ignore").reset_index(drop=True)
    st["outlet"] = [outlets.get(a, "") for a in st["article_id"]]
    fig, ax = plt.subplots(figsize=(8.5, 4.5))
    ax.axvline(0, color="#777", lw=0.8, ls="--")
    many = len(st) > max_labels
    for label in LABELS:
        sub = st[st["label"] == label]
        if sub.empty:
            continue
        ax.scatter(sub["support_score"], sub["conditionality"], s=(12 + 40 * sub["confidence"]) if many
                   else (40 + 160 * sub["confidence"]), c=LABEL_COLOURS[label], marker=_LABEL_MARKERS[label],
                   edgecolors="black", linewidths=0.3 if many else 0.6, alpha=0.55 if many else 1.0,
                   label=label, zorder=3)
    if len(st) > max_labels:
        # many articles: name the outlets at their mean position instead of every point
        st = (st.assign(outlet=st["outlet"].fillna("").replace("", "(no outlet)"))
              .groupby("outlet", as_index=False)[["support_score", "conditionality"]].mean()
              .assign(article_id=lambda d: d["outlet"]))
        ax.scatter(st["support_score"], st["conditionality"], marker="+", c="black", s=60, zorder=4)
        st = st.nlargest(max_labels, "support_score").pipe(
            lambda d: pd.concat([d.head(max_labels // 2), st.nsmallest(max_labels - max_labels // 2,
                                                                       "support_score")]).drop_duplicates("outlet"))
    for i, r in enumerate(st.sort_values(["support_score", "article_id"]).itertuples(index=False)):
        name = (r.outlet or r.article_id)
        name = name if len(name) <= 28 else name[:27] + "…"
        ax.annotate(name, (r.support_score, r.conditionality), xytext=(6, 6 if i % 2 else -12),
                    textcoords="offset points", fontsize=8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-0.02, max(0.8, float(st["conditionality"].max()) + 0.1) if len(st) else 0.8)
    ax.set_xlabel("← opposes        support score        supports →")
    ax.set_ylabel("conditionality (share of hedges / conditions)")
    ax.set_title(f"How each outlet frames {target}'s position")
    if len(st):
        ax.legend(title="label", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  markerscale=0.7)
    else:
        ax.text(0, 0.4, "no stance evidence for this target", ha="center", color="#555")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def portrayal_figure(portrayal_outlets: pd.DataFrame, stance: pd.DataFrame, articles: pd.DataFrame, *,
                     target: str, max_outlets: int = 30) -> Any:
    """Per outlet, side by side: how its narration portrays ``target`` and how it frames ``target``'s position.

    Left, the portrayal score (mean P(positive) − P(negative) of the outlet's own sentences about
    the actor; quotes left out) with its 95 % interval and the number of sentences behind it;
    right, the outlet's mean support score (the span of its articles as a bar when it has several).
    Outlets are ordered by portrayal; the two measures answer different questions and may disagree.
    Markers differ by panel (circle, square) so the figure reads in greyscale.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    outlets = outlet_names(articles)
    st = stance[stance["target"] == target].assign(
        outlet=lambda d: [outlets.get(a) or a for a in d["article_id"]])
    frame = st.groupby("outlet")["support_score"].agg(["mean", "min", "max"])
    por = portrayal_outlets[(portrayal_outlets["target"] == target) & (portrayal_outlets["voice"] == "narration")] \
        if len(portrayal_outlets) else pd.DataFrame(columns=["outlet", "score", "ci_low", "ci_high", "n_sentences"])
    por = por.set_index("outlet")
    names = sorted(set(frame.index) | set(por.index), key=lambda o: (por["score"].get(o, float("nan")), o))
    names = [n for n in names if n in por.index][-max_outlets:] or \
        sorted(frame.index, key=lambda o: (frame.loc[o, "mean"], o))[-max_outlets:]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.45 * len(names) + 1.6), sharey=True)
    ys = range(len(names))
    for y, name in zip(ys, names):
        if name in por.index:
            r = por.loc[name]
            lo, hi = r["ci_low"], r["ci_high"]
            if pd.notna(lo) and pd.notna(hi):
                left.plot([lo, hi], [y, y], color="#0072B2", lw=2, zorder=2)
            left.scatter([r["score"]], [y], color="#0072B2", marker="o", zorder=3, edgecolors="black", linewidths=0.5)
            left.annotate(f"n={int(r['n_sentences'])}", (1.0, y), xytext=(-2, 0), textcoords="offset points",
                          fontsize=7, ha="right", va="center", color="#555")
        if name in frame.index:
            f = frame.loc[name]
            right.plot([f["min"], f["max"]], [y, y], color="#E69F00", lw=2, zorder=2)
            right.scatter([f["mean"]], [y], color="#E69F00", marker="s", zorder=3, edgecolors="black", linewidths=0.5)
    for ax, title, xlabel in ((left, "portrayal (narration)", "← negative    P(pos) − P(neg)    positive →"),
                              (right, "position framing", "← opposes    support score    supports →")):
        ax.axvline(0, color="#777", lw=0.8, ls="--")
        ax.set_xlim(-1.05, 1.05)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.grid(alpha=0.3)
    if por.empty:
        left.text(0, (len(names) - 1) / 2, "portrayal not available", ha="center", va="center", color="#555")
    left.set_yticks(list(ys))
    left.set_yticklabels([n if len(n) <= 28 else n[:27] + "…" for n in names], fontsize=8)
    fig.suptitle(f"How each outlet portrays {target} and frames {target}'s position", fontsize=11)
    fig.tight_layout()
    return fig
