"""Presentation of the quotes stage: the HTML word diff, the variant clusters page, the voices
figure and the stage summary's sentences.

Pure: tables in, strings / figures / dicts out; the notebook writes them to the run folder.
:func:`diff_html` is the package's one HTML word diff (the report embeds it too).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from typing import Any

import pandas as pd

from ..quotes.lexicon import strip_marks
from .text import word_diff_html


def diff_html(reference: str, variant: str) -> str:
    """A readable word diff of ``variant`` against ``reference`` as an escaped HTML fragment.

    Words the variant dropped are ``<del>``, words it added are ``<ins>``; reference words it
    does not quote at all (trimmed) are greyed. The package's one HTML word diff,
    :func:`analysis.viz.text.word_diff_html` (edits from :func:`analysis.quotes.word_edits`).
    """
    return word_diff_html(reference, variant)


def voices_figure(voices: pd.DataFrame, *, top_n: int = 12) -> Any:
    """Heatmap of quotes per outlet (columns) and speaker (rows), most-quoted speakers first."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np

    fig, ax = plt.subplots(figsize=(8, 4.5))
    if voices.empty:
        ax.text(0.5, 0.5, "No attributed quotes", ha="center", va="center")
        ax.axis("off")
        return fig
    pivot = voices.pivot_table(index="speaker", columns="outlet", values="n_quotes", aggfunc="sum", fill_value=0)
    order = pivot.sum(axis=1).sort_values(ascending=False, kind="mergesort")
    pivot = pivot.loc[sorted(order.index[:top_n], key=lambda s: (-order[s], s))]
    pivot = pivot[sorted(pivot.columns)]
    fig.set_size_inches(max(6, 1.3 * len(pivot.columns) + 3), max(3, 0.38 * len(pivot) + 1.5))
    data = pivot.to_numpy()
    ax.imshow(data, cmap="Blues", aspect="auto", vmin=0, vmax=max(1, int(data.max())))
    ax.set_xticks(range(len(pivot.columns)), [str(c)[:28] for c in pivot.columns], rotation=30, ha="right")
    ax.set_yticks(range(len(pivot.index)), [str(s)[:32] for s in pivot.index])
    for (r, c), v in np.ndenumerate(data):
        if v:
            ax.text(c, r, str(int(v)), ha="center", va="center",
                    color="white" if v > data.max() / 2 else "black", fontsize=9)
    ax.set_title("Who gets a voice: attributed quotes per outlet (direct, partial and reported)")
    fig.tight_layout()
    return fig


def clusters_html(quotes: pd.DataFrame, clusters: pd.DataFrame, *, max_clusters: int = 20) -> str:
    """Variant clusters, lowest fidelity first, each rendering with its word diff (escaped HTML)."""
    esc = html.escape
    style = ("<style>.quote-diff del{background:#fde2e1;text-decoration:line-through}"
             ".quote-diff ins{background:#dcf5dc;text-decoration:none}.qd-trim{color:#9a9a9a}"
             "table.qv td{vertical-align:top;padding:2px 8px}</style>")
    if clusters.empty:
        return style + "<p>No utterance was quoted by more than one article.</p>"
    parts = [style]
    for c in clusters.head(max_clusters).itertuples(index=False):
        members = quotes[quotes["cluster_id"] == c.cluster_id].sort_values(["fidelity", "quote_id"])
        ref_text = str(c.reference_text)
        parts.append(f"<h4>{esc(c.speaker or 'unknown speaker')} — {c.n_renderings} renderings in "
                     f"{c.n_outlets} outlets, lowest fidelity {c.min_fidelity:.2f}</h4>")
        parts.append(f"<p><b>Reference</b> ({esc(str(c.reference_quote_id))}): {esc(ref_text)}</p>")
        parts.append('<table class="qv"><tr><th>outlet</th><th>speaker</th><th>mutation</th>'
                     "<th>fidelity</th><th>diff against the reference</th><th>meaning changed</th></tr>")
        for m in members.itertuples(index=False):
            diff = diff_html(strip_marks(ref_text), strip_marks(str(m.quote)))
            parts.append(f"<tr><td>{esc(str(m.outlet))}</td><td>{esc(str(m.speaker))}</td>"
                         f"<td>{esc(str(m.mutation))}</td><td>{float(m.fidelity):.2f}</td><td>{diff}</td>"
                         f"<td>{esc(edits_text(str(getattr(m, 'edits', '') or '')))}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def edits_text(edits_json: str) -> str:
    """The ``edits`` column in words: "qualifier-dropped: 'in principle' → ''; ..." ("" for none)."""
    if not edits_json:
        return ""
    return "; ".join(f"{e['kind']}: '{e['reference_words']}' → '{e['variant_words']}'"
                     for e in json.loads(edits_json))


def outlet_fidelity_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, how its renderings of shared utterances compare with the reference.

    Columns ``outlet, n_compared`` (renderings with a mutation), one count per mutation
    (``verbatim, trimmed, expanded, reworded, translation-variant, paraphrase-in-quotes, reported,
    misattributed``) and ``meaning_changed``.
    """
    kinds = ["verbatim", "trimmed", "expanded", "reworded", "translation-variant", "paraphrase-in-quotes",
             "reported", "misattributed"]
    cols = ["outlet", "n_compared", *kinds, "meaning_changed"]
    q = quotes[quotes["mutation"].astype(str) != ""]
    if q.empty:
        return pd.DataFrame(columns=cols)
    who = q["outlet"].where(q["outlet"].astype(str) != "", q["article_id"]) if "outlet" in q else q["article_id"]
    rows = []
    for outlet, g in q.groupby(who, sort=True):
        counts = Counter(g["mutation"])
        changed = int(g["meaning_changed"].astype(bool).sum()) if "meaning_changed" in g else 0
        rows.append({"outlet": outlet, "n_compared": len(g), **{k: counts.get(k, 0) for k in kinds},
                     "meaning_changed": changed})
    return pd.DataFrame(rows, columns=cols)


def quotes_summary(quotes: pd.DataFrame, clusters: pd.DataFrame, voices: pd.DataFrame, *,
                   reference: str = "longest rendering", embeddings_note: str = "") -> dict[str, Any]:
    """The stage summary: method, notes and plain-English findings generated from the tables.

    ``embeddings_note`` is :func:`analysis.nlp.embedder_status`'s note when embeddings were asked
    for; the method then reads ``+minilm`` if translation variants were linked by meaning.
    """
    top = quotes[quotes["contained_in"] == ""]
    kinds = Counter(top["kind"])
    semantic = "cluster_method" in quotes and bool((quotes["cluster_method"] == "semantic").any())
    n_articles = quotes["article_id"].nunique() if not quotes.empty else 0
    findings = [f"{len(top)} quotes in {n_articles} articles: {kinds.get('direct', 0)} direct, "
                f"{kinds.get('partial', 0)} partial and {kinds.get('indirect', 0)} reported (indirect)."]
    findings += _speaker_findings(top) + _cluster_findings(quotes, clusters) + _edit_findings(quotes)
    counts = Counter(quotes.loc[quotes["mutation"] != "", "mutation"])
    return {
        "method": "spacy-rules+rapidfuzz" + ("+minilm" if semantic or ("MiniLM" in embeddings_note) else ""),
        "notes": _method_notes(reference, embeddings_note),
        "findings": findings,
        "n_quotes": int(len(top)),
        "n_direct": int(kinds.get("direct", 0)),
        "n_partial": int(kinds.get("partial", 0)),
        "n_indirect": int(kinds.get("indirect", 0)),
        "n_clusters": int(len(clusters)),
        "mutations": dict(sorted(counts.items())),
        "n_meaning_changed": int(quotes["meaning_changed"].astype(bool).sum()) if "meaning_changed" in quotes else 0,
        "reference": reference,
    }


def _edit_findings(quotes: pd.DataFrame, *, limit: int = 3) -> list[str]:
    """Renderings whose edits change what the speaker said, named with the words on both sides."""
    if "meaning_changed" not in quotes:
        return []
    changed = quotes[quotes["meaning_changed"].astype(bool)].sort_values(["cluster_id", "quote_id"])
    if changed.empty:
        return []
    parts = []
    for m in changed.head(limit).itertuples():
        e = json.loads(str(m.edits))[0]
        words = (f"'{e['reference_words']}' → '{e['variant_words']}'" if e["variant_words"] and e["reference_words"]
                 else f"drops '{e['reference_words']}'" if e["reference_words"] else f"adds '{e['variant_words']}'")
        parts.append(f"{m.outlet or m.article_id} quoting {m.speaker or 'an unnamed speaker'} {words} "
                     f"({e['kind']})")
    n = len(changed)
    return [f"{n} rendering{' changes' if n == 1 else 's change'} what was said: " + "; ".join(parts) + "."]


def _method_notes(reference: str, embeddings_note: str) -> list[str]:
    """How the stage found, attributed and compared quotes, in the report's words."""
    notes = [
        "Quotes are found on each article's whole clean text, so a quotation spanning sentences or "
        "paragraphs is one quote; offsets index clean_text.",
        "Speakers come from the subject of a reporting verb in the same sentence, 'according to', or for "
        "floating quotes the nearest earlier speaker; pronouns and titles resolve to the closest compatible "
        "named person (spaCy en_core_web_sm parse and NER).",
        "Utterance clusters: candidate pairs from an inverted index of rare content words, verified by word-level "
        "alignment (rapidfuzz); a quoted fragment inside a reported clause joins that clause; an article's own "
        f"quotations are never one utterance; fidelity is measured against the {reference}. Edits that change "
        "the meaning (a qualifier or condition dropped or added, a negation, number, date or name changed, "
        "intensity, a hedge reported as fact, another speaker) are flagged per rendering (edits, meaning_changed).",
        "Partial quotes with no reporting verb (scare quotes, titles) keep an empty speaker and are left out "
        "of the speaker counts.",
    ]
    if embeddings_note:
        notes.append(embeddings_note + (" Renderings in other words (translations, trims, reported "
                                        "speech) were linked by sentence meaning: MiniLM cosine of their best-matching "
                                        "clauses or sentences, same or unknown speaker; cluster_method = semantic marks "
                                        "them."
                                        if "MiniLM" in embeddings_note or "all-MiniLM" in embeddings_note else ""))
    else:
        notes.append("Clusters are lexical only (sentence embeddings not used): a translation variant in "
                     "different words stays a separate quote.")
    return notes


#: speaker types that are not voices: a description ("the terms of the bill") or a place standing for no one
NOT_VOICE_TYPES = ("nominal", "place")


def _speaker_findings(top: pd.DataFrame) -> list[str]:
    """Who is quoted most, and which voices only one outlet carries (top-level quotes only).

    Only named people and organisations are named (not ``speaker_type`` nominal or place): a reader
    takes "X is quoted most" as X being a voice of the story.
    """
    attributed = top[top["speaker"] != ""]
    if "speaker_type" in attributed:
        attributed = attributed[~attributed["speaker_type"].isin(NOT_VOICE_TYPES)]
    if attributed.empty:
        return []
    per = attributed.groupby("speaker").agg(n=("quote_id", "size"), outlets=("outlet", "nunique"))
    per = per.sort_values(["n", "outlets"], ascending=False, kind="mergesort")
    lead, n, k = per.index[0], int(per.iloc[0]["n"]), int(per.iloc[0]["outlets"])
    findings = [f"{lead} is quoted most: {n} time{'s' if n != 1 else ''} in {k} outlet{'s' if k != 1 else ''}."]
    only_one = [s for s, r in per.iterrows() if r["outlets"] == 1 and r["n"] >= 2]
    if only_one:
        findings.append("Voices heard in one outlet only: " + ", ".join(sorted(only_one)[:6]) + ".")
    return findings


#: a rendering needs this many words before the findings call it the least faithful one
JUDGED_MIN_WORDS = 4


def _cluster_findings(quotes: pd.DataFrame, clusters: pd.DataFrame) -> list[str]:
    """How many utterances several articles quote, the least faithful rendering, misattributions."""
    if clusters.empty:
        return []
    findings = [f"{len(clusters)} utterance{' was' if len(clusters) == 1 else 's were'} quoted by two or more articles."]
    # reported speech claims no words of the speaker: the least faithful rendering is a quoted one
    # a fragment of a few words scores near 0 against any fuller rendering: too short to judge
    judged = quotes["quote"].fillna("").str.count(r"\w+") >= JUDGED_MIN_WORDS
    quoted = quotes[quotes["cluster_id"].isin(clusters["cluster_id"]) & quotes["fidelity"].notna()
                    & ~quotes["kind"].eq("indirect") & judged].sort_values(["fidelity", "quote_id"])
    if quoted.empty:
        return findings
    m = quoted.iloc[0]
    how = (" — matched by meaning only, so possibly another translation rather than a distortion"
           if m.get("cluster_method", "") == "semantic" else "")
    findings.append(f"Least faithful rendering: {m['outlet'] or m['article_id']} quoting "
                    f"{m['speaker'] or 'an unnamed speaker'} (fidelity {float(m['fidelity']):.2f}, "
                    f"{m['mutation']}{how}): {m['quote'][:160]}")
    mis = quotes[quotes["mutation"] == "misattributed"]
    if not mis.empty:
        findings.append(f"{len(mis)} rendering{' credits' if len(mis) == 1 else 's credit'} words to a different "
                        "speaker than the other outlets.")
    return findings
