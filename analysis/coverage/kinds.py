"""The kind of a fact: an event of the news, a statement someone made, or background.

A reader asking "who left what out" cares about the events and the statements of the story, not
about the context each writer chose to add, so facts carry a ``kind`` from cheap cues of their
claims' wording:

* ``statement``: a quotation mark, or a reporting verb (say, tell, claim, argue ..., the quotes
  stage's list ``resources/quotes_speech_verbs.tsv``; "according to");
* ``background``: the past before the news: a past perfect ("had agreed", "had been"), or a time
  word pointing back ("previously", "earlier this year", "last month", "in 2019", "ago", "since",
  "former");
* ``event``: everything else.

A claim with both cues counts as background when the time cue points back (what someone said
long ago is context), else as a statement. A fact takes the kind most of its core claims have
(ties: event, then statement, then background, as the first two are what coverage is about).
On the hand-labelled BASIL triplets this agrees with the labellers' kinds for about half of the
facts (see ``benchmarks/bench_coverage.py``): the cues are a first cut, not a classifier.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

KINDS = ("event", "statement", "background")

_QUOTE = re.compile(r"[\"“”]|(?:^|\s)‘|’(?:\s|$)")
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_PAST_PERFECT = re.compile(r"\b(?:had|hadn[’']t)\s+(?:not\s+|already\s+|long\s+|previously\s+|also\s+)?"
                           r"(?:been|[a-z]+ed|[a-z]+en|made|said|told|won|lost|led|met|held|left|sent|brought|"
                           r"bought|fought|taught|thought|paid|put|set|run|begun|come|gone)\b", re.IGNORECASE)
_BACK_IN_TIME = re.compile(
    r"\b(?:previously|formerly|former|earlier\s+(?:this|that|in\s+the)\s+(?:year|month|week|decade)|"
    r"last\s+(?:year|month|week|decade|spring|summer|fall|autumn|winter)|(?:years|months|decades)\s+ago|"
    r"in\s+(?:1[89]\d\d|20\d\d)|since\s+(?:1[89]\d\d|20\d\d)|a\s+year\s+ago|in\s+the\s+past)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _reporting_verbs() -> re.Pattern:
    """Inflected forms of the speech verbs of the quotes stage's list, as one pattern."""
    from importlib import resources

    text = resources.files("analysis").joinpath("resources/quotes_speech_verbs.tsv").read_text(encoding="utf-8")
    forms: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        verb, category = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
        if category != "speech" or " " in verb:
            continue
        stem = verb[:-1] if verb.endswith("e") else verb
        forms.update({verb, verb + "s", stem + "ed", stem + "ing", verb + "es", verb + "d"})
        if verb.endswith("y"):
            forms.update({verb[:-1] + "ies", verb[:-1] + "ied"})
        if len(parts) > 2 and parts[2].strip():
            forms.update(f.strip() for f in parts[2].split(","))
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


def claim_kind(text: str) -> str:
    """``event``, ``statement`` or ``background`` for one claim, from its wording (module docstring)."""
    back = bool(_PAST_PERFECT.search(text) or _BACK_IN_TIME.search(text))
    said = bool(_QUOTE.search(text) or _ACCORDING.search(text) or _reporting_verbs().search(text))
    if back:
        return "background"
    return "statement" if said else "event"


def fact_kind(claim_kinds: Sequence[str]) -> str:
    """The kind most of a fact's core claims have; ties go to event, then statement."""
    if not claim_kinds:
        return "event"
    return max(KINDS, key=lambda k: (sum(c == k for c in claim_kinds), -KINDS.index(k)))
