"""Which coverage facts a quote is evidence of: the link between fact units and utterance clusters.

The coverage stage (02) groups claims into facts before the quotes stage (04) exists, so a fact
that is a remark somebody made ("X said the idea was correct") is found there from its sentences,
and here again as an utterance cluster. Rather than keep two unrelated copies, this stage, which
runs after coverage, records for every quote the facts whose evidence claims it overlaps
(``fact_ids``); the report then shows such a fact as the utterance cluster (speaker, reference
wording, how each outlet quoted it) instead of a second, unrelated list of the same sentences.

A quote and an evidence claim are linked when they lie in the same article and the quote covers
at least a third of the claim (:data:`MIN_OVERLAP`): a claim that is a small part of a long
quotation is part of that remark, and so is a direct quote whose attribution ("…,” the minister
told reporters at a press conference in the capital.") is longer than the quoted words, while a
two-word partial quote inside a long claim about an event does not make the claim a remark. Per article, claims are sorted by start once and each quote
visits only the claims that can reach it, so the work grows with the rows, not with their product.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

import pandas as pd

#: share of an evidence claim's characters a quote must cover for the two to be linked
MIN_OVERLAP = 1 / 3

#: the facts columns the link reads
FACT_COLUMNS = ("fact_id", "article_id", "start", "end")


def fact_ids(quotes: pd.DataFrame, facts: pd.DataFrame | None) -> list[str]:
    """For each quote (in the table's order), the ``;``-separated ids of the facts it is evidence of.

    Parameters
    ----------
    quotes : DataFrame
        ``article_id, start, end`` (offsets into ``articles.clean_text``).
    facts : DataFrame or None
        The coverage stage's ``facts`` table (``fact_id, article_id, start, end``: one row per
        evidence claim). ``None`` or a table without these columns (an older run) links nothing.

    Returns
    -------
    list of str
        Sorted fact ids joined by ``;``, ``""`` for a quote no fact's evidence overlaps.
    """
    if facts is None or quotes.empty or not set(FACT_COLUMNS) <= set(facts.columns):
        return [""] * len(quotes)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for fid, aid, s, e in zip(*(facts[c] for c in FACT_COLUMNS)):
        spans.setdefault(str(aid), []).append((int(s), int(e), str(fid)))
    index = {aid: _ArticleSpans.build(rows) for aid, rows in spans.items()}
    out = []
    for aid, s, e in zip(quotes["article_id"].astype(str), quotes["start"], quotes["end"]):
        found = index[aid].overlapping(int(s), int(e)) if aid in index else set()
        out.append(";".join(sorted(found)))
    return out


class _ArticleSpans:
    """One article's evidence claims sorted by start, with the running maximum of their ends."""

    def __init__(self, starts: list[int], ends: list[int], fids: list[str], reach: list[int]) -> None:
        self.starts, self.ends, self.fids, self.reach = starts, ends, fids, reach

    @classmethod
    def build(cls, rows: Sequence[tuple[int, int, str]]) -> "_ArticleSpans":
        rows = sorted(rows)
        reach, top = [], -1
        for _, e, _ in rows:
            top = max(top, e)
            reach.append(top)
        return cls([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], reach)

    def overlapping(self, start: int, end: int) -> set[str]:
        """Facts whose claim has at least :data:`MIN_OVERLAP` of its characters inside ``[start, end)``."""
        found = set()
        k = bisect_left(self.starts, end) - 1  # the last claim starting before the quote ends
        while k >= 0 and self.reach[k] > start:  # no earlier claim ends after the quote starts
            shared = min(end, self.ends[k]) - max(start, self.starts[k])
            length = self.ends[k] - self.starts[k]
            if shared > 0 and length > 0 and shared >= MIN_OVERLAP * length:
                found.add(self.fids[k])
            k -= 1
        return found
