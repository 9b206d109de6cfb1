"""Facts that are quoted remarks: the coverage fact shown as the quotes stage's utterance cluster.

A statement ("X said the idea was correct") is found twice in a run: the coverage stage groups the
sentences carrying it into a fact, and the quotes stage groups the renderings of the remark into an
utterance cluster (``cluster_id``). The quotes stage records which facts each quote is evidence of
(``quotes.fact_ids``, :mod:`analysis.quotes.fact_links`); here a fact whose evidence is mostly one
quoted remark is given that cluster, so the report names the speaker and the reference wording and
points to how each outlet quoted it, instead of showing the same sentences as an unrelated fact.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping, NamedTuple

import pandas as pd

from .html import _clip, _has, _slug, _text, esc


class Utterance(NamedTuple):
    """The utterance cluster a fact is: ``n_shared`` of the fact's ``n_fact_articles`` articles quote it."""

    cluster_id: str
    speaker: str
    reference: str
    n_shared: int
    n_fact_articles: int


def fact_utterances(facts: pd.DataFrame | None, quotes: pd.DataFrame | None) -> dict[str, Utterance]:
    """``fact_id -> Utterance`` for facts whose evidence is a quoted remark.

    A fact is given the cluster quoted (inside its evidence claims) by most of its articles, when
    that cluster covers at least two of them and at least half: one quoted phrase inside a
    sentence about an event does not make the event a remark. Runs from before the link
    (no ``quotes.fact_ids``) give none.
    """
    if not _has(facts, "fact_id", "article_id") or not _has(quotes, "fact_ids", "cluster_id", "article_id"):
        return {}
    fact_articles = facts.groupby(facts["fact_id"].map(_text))["article_id"].agg(lambda s: set(s.map(_text)))
    shared: dict[str, dict[str, set[str]]] = {}
    for fids, cid, aid in zip(quotes["fact_ids"].map(_text), quotes["cluster_id"].map(_text),
                              quotes["article_id"].map(_text)):
        if not cid.strip():
            continue
        for fid in filter(None, fids.split(";")):
            shared.setdefault(fid, {}).setdefault(cid, set()).add(aid)
    out = {}
    for fid, by_cluster in sorted(shared.items()):
        if fid not in fact_articles:
            continue
        cid, arts = min(by_cluster.items(), key=lambda kv: (-len(kv[1]), kv[0]))  # ties: lowest id
        n_fact = len(fact_articles[fid])
        if len(arts) >= 2 and 2 * len(arts) >= n_fact:
            out[fid] = Utterance(cid, *_speaker_and_reference(quotes, cid), len(arts), n_fact)
    return out


def _speaker_and_reference(quotes: pd.DataFrame, cluster_id: str) -> tuple[str, str]:
    """The cluster's most named speaker and its reference wording (the quotes stage's, else the longest)."""
    g = quotes[quotes["cluster_id"].map(_text) == cluster_id]
    speakers = Counter(s for s in g.get("speaker", pd.Series(dtype=str)).map(_text) if s.strip())
    refs = [t for t in g.get("reference_text", pd.Series(dtype=str)).map(_text) if t.strip()]
    reference = Counter(refs).most_common(1)[0][0] if refs else max(g["quote"].map(_text), key=len, default="")
    return (speakers.most_common(1)[0][0] if speakers else ""), reference


def quote_group_anchor(cluster_id: str) -> str:
    """The id of a quote group's block in the quotes section."""
    return "quote-group-" + _slug(cluster_id)


#: quotation marks a rendering may carry at either end (with the comma before an attribution)
_MARKS = "\"“”„‘’'«»"


def bare_quote(text: str) -> str:
    """A rendering without its own quotation marks and trailing comma, to be set in marks once."""
    return text.strip().strip(_MARKS).rstrip(",").strip(_MARKS).strip()


def utterance_html(u: Utterance, *, shown_in_quotes: bool) -> str:
    """One line naming the remark a fact is, with a link to its versions when the quotes section shows them."""
    where = (f'<a href="#{quote_group_anchor(u.cluster_id)}">see how each outlet quoted it</a>' if shown_in_quotes
             else "the outlets quoted it in the same words")
    who = esc(u.speaker) if u.speaker else "a speaker not identified"
    return (f'<p class="nr-caption">A quoted remark by {who}: “{esc(_clip(bare_quote(u.reference), 240))}” '
            f"(quote group {esc(u.cluster_id)}, quoted in {u.n_shared} of the fact's {u.n_fact_articles} "
            f"articles; {where}).</p>")


def quote_group_column(fact_ids: list[str], utterances: Mapping[str, Utterance]) -> list[str]:
    """The facts table's ``quote group`` column: the cluster id of each fact that is a quoted remark."""
    return [utterances[f].cluster_id if f in utterances else "" for f in fact_ids]
