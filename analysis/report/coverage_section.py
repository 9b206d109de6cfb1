"""The coverage section: facts every outlet carried, what each left out, conflicting details, similarity.

Facts are named by the coverage stage's ``fact_id`` and listed in its matrix order
(:func:`~.digests.fact_matrix`), so a fact has one name in ``data/facts.csv``, notebook 02, the grid
figure, this section and the PDF.
"""

from __future__ import annotations

from typing import Mapping, NamedTuple, Sequence

import pandas as pd

from .digests import article_label, changed_quotes, fact_matrix, fact_texts, omissions, outlet_labels
from .fact_quotes import Utterance, fact_utterances, quote_group_column, utterance_html
from .findings import coverage_findings
from .html import _clip, _has, _text, bullets, esc, evidence_html, figure_html, interactive_table, paragraph, section_heading
from .sections import _missing, _stage_findings
from .unique_checks import unique_facts_html

GRID_CAPTION = ("How to read: each row is an outlet, each column a fact, labelled with its id as in the 'All "
                "facts' table below and in notebook 02. A filled blue square means the outlet reported the fact; a pale one means it did not. "
                "Facts run from most to least widely carried, so gaps on the left are notable omissions and the "
                "right-hand columns are details only one or two outlets gave.")


class FactView(NamedTuple):
    """What the coverage section's parts share: the matrix, fact texts and evidence rows."""

    matrix: pd.DataFrame  # fact_matrix: fact_id x outlet (bool), in the coverage stage's order
    texts: Mapping[str, str]  # fact_id -> representative sentence
    by_fact: Mapping[str, pd.DataFrame]  # fact_id -> its rows of data/facts.csv
    labels: Mapping[str, str]  # article_id -> "Outlet: title (id)"
    max_evidence: int
    utterances: Mapping[str, Utterance] = {}  # fact_id -> the quoted remark it is (fact_quotes)
    changed_clusters: frozenset = frozenset()  # quote groups the quotes section shows with their versions


def fact_evidence(view: FactView, fid: str, prefix: str) -> str:
    """The collapsed block of every sentence a fact was found in, said-in-passing ones marked."""
    g = view.by_fact.get(fid)
    said = (utterance_html(view.utterances[fid], shown_in_quotes=view.utterances[fid].cluster_id in view.changed_clusters)
            if fid in view.utterances else "")
    if g is None:
        return evidence_html(f"{prefix} — show the 0 sentences", [], limit=view.max_evidence)
    frames = g["frame"].fillna("").astype(str) if "frame" in g else pd.Series([""] * len(g), index=g.index)
    items = [(view.labels.get(str(a), str(a)), esc(t) + (
        f' <span class="nr-caption">(said in passing, in a sentence about something else: the same act, '
        f'{esc(fr)})</span>' if fr else "")) for a, t, fr in zip(g["article_id"], g["text"], frames)]
    return said + evidence_html(f"{prefix} — show the {len(items)} sentence{'s' if len(items) != 1 else ''}",
                                items, limit=view.max_evidence)


def shared_facts_html(view: FactView, *, max_rows: int) -> str:
    """Facts every outlet carried, each with how each outlet put it."""
    matrix = view.matrix
    everyone = [fid for fid in matrix.index if bool(matrix.loc[fid].all())] if matrix.shape[1] > 1 else []
    out = f"<h3>Facts {'both outlets' if matrix.shape[1] == 2 else 'every outlet'} carried</h3>"
    if not everyone:
        return out + paragraph("No fact was reported by every outlet." if matrix.shape[1] > 1 else
                               "Only one outlet is in the corpus, so there is nothing to compare.")
    return out + '<ul class="nr-facts">' + "".join(
        f'<li><span class="nr-rank">{esc(fid)}</span> {esc(view.texts.get(fid, ""))}'
        + fact_evidence(view, fid, "how each outlet put it") + "</li>" for fid in everyone[:max_rows]) + "</ul>"


def _reported_by(n: int, of: int) -> str:
    """'reported by the other outlet' / 'by both other outlets' / 'by 3 of the 4 other outlets'."""
    if of == 1:
        return "reported by the other outlet"
    return "reported by both other outlets" if of == n == 2 else f"reported by {n} of the {of} other outlets"


def omissions_html(view: FactView, omitted: pd.DataFrame, *, per_outlet: int = 5) -> str:
    """Per outlet, the widely carried facts it did not report: the ``per_outlet`` most widely carried
    are listed, the heading gives the count of all (``omitted`` is uncapped)."""
    parts = ["<h3>What each outlet left out</h3>"]
    if not len(omitted):
        return parts[0] + paragraph("No outlet left out a fact that most of the others carried.")
    others = "the other outlet" if int(omitted["of_others"].max()) == 1 else "most of the other outlets"
    parts.append(paragraph(f"Facts that {others} reported but this one did not (at most "
                           f"{per_outlet} per outlet listed, the most widely carried first)."))
    for outlet, g in omitted.groupby("outlet", sort=True):
        more = f" ({len(g)} in all; the {per_outlet} most widely carried)" if len(g) > per_outlet else ""
        parts.append(f"<h4>{esc(outlet)} did not report{esc(more)}</h4>")
        g = g.head(per_outlet)
        parts.append('<ul class="nr-facts">' + "".join(
            f'<li><span class="nr-rank">{esc(r.fact_id)}</span> {esc(r.fact)} '
            f'<span class="nr-caption">({_reported_by(r.carried_by, r.of_others)})</span>'
            + fact_evidence(view, r.fact_id, "how the others reported it") + "</li>"
            for r in g.itertuples(index=False)) + "</ul>")
    return "".join(parts)


def conflict_html(view: FactView, fid: str, g: pd.DataFrame, outlets_of: Mapping[str, str]) -> str:
    """One fact stated with different values: each outlet's value, the fact, the sentences."""
    sides = {(_text(o), _text(v)) for o, v in zip(g["outlet"], g["value"])}
    if {"other_article_id", "other_value"} <= set(g.columns):  # the stage records both sides
        sides |= {(outlets_of.get(_text(a), _text(a)), _text(v))
                  for a, v in zip(g["other_article_id"], g["other_value"]) if _text(a)}
    values = " vs ".join(f"{o}: {v}" for o, v in sorted(sides))
    kinds = ", ".join(sorted(set(g["kind"].map(_text))))
    head = view.texts.get(fid, "")
    items = [(view.labels.get(str(a), str(a)), esc(t)) for a, t in zip(g["article_id"], g.get("text", g["value"]))]
    return (f"<p><strong>{esc(kinds)}</strong> — {esc(values)}"
            + (f'<br><span class="nr-caption">fact: {esc(_clip(head, 200))}</span>' if head else "") + "</p>"
            + evidence_html("show the sentences", items, limit=view.max_evidence))


def conflicts_html(view: FactView, conflicts: pd.DataFrame | None, articles: pd.DataFrame, *,
                   max_conflicts: int) -> str:
    """Facts whose numbers, dates or names differ between outlets (first ``max_conflicts``)."""
    parts = ["<h3>Where outlets disagree on details</h3>"]
    if not _has(conflicts, "fact_id", "article_id", "kind", "value"):
        parts.append(_missing("The list of conflicting details", "data/conflicts.csv", "coverage")
                     if conflicts is None else
                     paragraph("No conflicting numbers, dates or names were found between outlets."))
        return "".join(parts)
    outlets_of = outlet_labels(articles)
    c = conflicts.copy()
    c["outlet"] = c["article_id"].map(_text).map(outlets_of).fillna(c["article_id"])
    parts.append(paragraph("The same fact stated with different numbers, dates or names. Each line gives the "
                           "value each outlet used; open it to read the sentences."))
    groups = list(c.groupby(c["fact_id"].map(_text), sort=True))
    if len(groups) > max_conflicts:
        parts.append(paragraph(f"The first {max_conflicts} of {len(groups)} facts with conflicting details; "
                               "all of them are in data/conflicts.csv."))
    parts.extend(conflict_html(view, fid, g, outlets_of) for fid, g in groups[:max_conflicts])
    return "".join(parts)


def facts_table_html(view: FactView, *, max_rows: int) -> str:
    """Every fact with its id, how many outlets carried it, which, and its sentence (the stage's order)."""
    matrix = view.matrix
    counts = matrix.sum(axis=1)
    table = pd.DataFrame({"fact_id": list(matrix.index),
                          "outlets": [int(counts[f]) for f in matrix.index],
                          "carried by": [", ".join(matrix.columns[matrix.loc[f].to_numpy()]) for f in matrix.index],
                          "fact": [view.texts.get(f, "") for f in matrix.index]})
    if view.utterances:  # a fact that is a quoted remark names its quote group (data/quotes.csv cluster_id)
        table["quote group"] = quote_group_column(list(matrix.index), view.utterances)
    return "<h3>All facts</h3>" + interactive_table(table, "facts-table", max_rows=max_rows, source="data/facts.csv")


def similarity_html(similarity: pd.DataFrame | None, articles: pd.DataFrame, *, max_rows: int) -> str:
    """Pairs of articles by overall text similarity, most alike first (empty without the table)."""
    if not _has(similarity, "article_a", "article_b", "score"):
        return ""
    outlets = outlet_labels(articles)
    sim = similarity.copy()
    sim["outlet a"] = sim["article_a"].map(_text).map(outlets)
    sim["outlet b"] = sim["article_b"].map(_text).map(outlets)
    sim = sim.sort_values("score", ascending=False, kind="stable")
    keep = ["outlet a", "outlet b", "article_a", "article_b", "score"] + (["method"] if "method" in sim else [])
    return ("<h3>How alike the articles are overall</h3>"
            + paragraph("Pairs of articles with their overall text similarity (0 = nothing in common, 1 = the "
                        "same text), most alike first. High scores between different outlets often mean shared "
                        "wire copy. " + _pairs_note(len(sim), len(articles)))
            + interactive_table(sim[keep], "similarity-table", max_rows=min(max_rows, 200),
                                source="data/similarity.csv"))


def _pairs_note(n_rows: int, n_articles: int) -> str:
    """Whether the table holds every pair of articles (up to the stage's ``all_pairs_max``) or only neighbours."""
    every = n_articles * (n_articles - 1) // 2
    if n_rows >= every:
        if every == 1:
            return "The one pair is scored; it is in data/similarity.csv."
        return f"Every one of the {every:,} pairs is scored; look any pair up in data/similarity.csv."
    return (f"With {n_articles:,} articles only each article's nearest neighbours are scored ({n_rows:,} of {every:,} "
            "pairs); data/outlet_similarity.csv gives every pair of outlets its mean similarity.")


def coverage_section(facts: pd.DataFrame | None, conflicts: pd.DataFrame | None, similarity: pd.DataFrame | None,
                     articles: pd.DataFrame, *, summary: Mapping[str, object] | None, figure_png: bytes | None,
                     stage_figures: str = "", max_rows: int = 500, max_evidence: int = 8,
                     max_conflicts: int = 100, order: Sequence[str] | None = None,
                     unique_checks: pd.DataFrame | None = None, quotes: pd.DataFrame | None = None) -> str:
    """Facts every outlet carried, what each outlet left out, what only one reported, conflicting
    details, similarity.

    ``order`` is the coverage stage's fact order (:func:`~.digests.coverage_order`); by default it is
    recomputed from ``facts``. ``unique_checks`` is ``data/unique_checks.csv``: the search behind
    each "only X reported it" and "X left it out" (:mod:`.unique_checks`). ``quotes`` is
    ``data/quotes.csv``: a fact that is a quoted remark is shown as its quote group (:mod:`.fact_quotes`).
    """
    parts = [section_heading("coverage", "What each outlet reported")]
    if not _has(facts, "fact_id", "article_id", "text"):
        parts.append(_missing("The fact-by-fact comparison", "data/facts.csv", "coverage"))
        parts.append(bullets(_stage_findings(summary, 5)))
        return "".join(parts) + stage_figures
    matrix = fact_matrix(facts, articles, order=order)
    view = FactView(matrix=matrix, texts=fact_texts(facts),
                    by_fact={fid: g for fid, g in facts.groupby(facts["fact_id"].map(_text), sort=True)},
                    labels=article_label(articles), max_evidence=max_evidence,
                    utterances=fact_utterances(facts, quotes),
                    changed_clusters=frozenset(changed_quotes(quotes, articles)["cluster_id"].map(str)))
    omitted = omissions(matrix, view.texts, checks=unique_checks)
    parts.append(paragraph("A fact is a statement that the coverage stage found, in the same or in other words, in "
                           "one or more articles. Each fact keeps the sentences it was found in."))
    own = coverage_findings(matrix, omitted, unique_checks)
    parts.append(bullets(own + _stage_findings(summary, 3, own=own)))
    if figure_png:
        parts.append(figure_html(figure_png, alt="Grid of outlets against facts", caption=GRID_CAPTION + (
            f" Only the {min(len(matrix), 60)} most widely carried of {len(matrix)} facts are drawn."
            if len(matrix) > 60 else "")))
    parts.append(shared_facts_html(view, max_rows=max_rows))
    parts.append(omissions_html(view, omitted))
    parts.append(unique_facts_html(unique_checks, view.texts, view.labels, max_facts=max_rows,
                                   max_evidence=max_evidence))
    parts.append(conflicts_html(view, conflicts, articles, max_conflicts=max_conflicts))
    parts.append(facts_table_html(view, max_rows=max_rows))
    parts.append(similarity_html(similarity, articles, max_rows=max_rows))
    return "".join(parts) + stage_figures
