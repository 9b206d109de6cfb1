"""The kind of a fact: an event of the news, a statement someone made, or background.

A reader asking "who left what out" cares about the events and the statements of the story, not
about the context each writer chose to add, so facts carry a ``kind``. It is read from cheap cues
of the fact's core claims (:data:`CUES`: a quotation mark, a reporting verb of the quotes stage's
list ``resources/quotes_speech_verbs.tsv``, "according to", a past perfect, a time word pointing
back such as "previously" or "in 2019", a weekday or "today", a present perfect, a modal, a first
person, a number, a verb of alleging or believing, a simple past, the length): the share of the
fact's claims showing each cue, weighed by a multinomial logistic regression
(:data:`_WEIGHTS`) fitted on the hand-labelled BASIL facts (``benchmarks/bench_coverage.py``
refits and checks it). The labellers' rules shape what the cues mean: an actor announcing their
own act, or a source cited for a factual report, is an event; what someone claims or judges is a
statement; history and a journalist's analysis are background.

Measured on the labelled facts' own sentences, held out by event, this agrees with the labellers
for 0.59 of the facts (the previous hand rules: 0.49; the most frequent kind: 0.35). Kinds are a
guide for the reader, not used to drop facts from findings: that needs a clearly better figure.
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


_DAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight)\b",
                  re.IGNORECASE)
_PRESENT_PERFECT = re.compile(r"\b(?:has|have|hasn[’']t|haven[’']t)\s+(?:been|[a-z]+ed|[a-z]+en)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(?:will|would|could|might|may|should|must)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|we|our|us|my)\b")
_NUMBER = re.compile(r"\d")
_ALLEGE = re.compile(r"\b(?:accus|alleg|claim|believ|think|argu)\w*", re.IGNORECASE)
_SIMPLE_PAST = re.compile(r"\b(?:was|were|did)\b|\b[a-z]{3,}ed\b", re.IGNORECASE)


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


#: the cue names, in the order of :func:`cues` and of the weights
CUES: tuple[str, ...] = ("quote", "speech", "according", "past_perfect", "back_in_time", "weekday",
                         "present_perfect", "modal", "first_person", "number", "allege", "simple_past", "length")

#: multinomial logistic regression over the mean cues of a fact's claims: per kind, one weight per
#: cue of :data:`CUES`, then the intercept (fitted by ``benchmarks/bench_coverage.py``, C = 1)
_WEIGHTS: dict[str, tuple[float, ...]] = {
    "event": (-0.614, -0.011, 0.51, -0.426, -0.952, 0.847, -0.688, -0.268, 0.74, 0.376, -0.831, 0.757, -0.417, -0.196),
    "statement": (1.671, 0.584, -0.461, 0.394, -0.169, -0.125, 0.985, 0.332, 0.87, -0.501, 0.525, -0.593, -0.892,
                  -0.271),
    "background": (-1.056, -0.573, -0.049, 0.031, 1.121, -0.722, -0.297, -0.064, -1.61, 0.126, 0.306, -0.164, 1.309,
                   0.467),
}


def cues(text: str) -> tuple[float, ...]:
    """The :data:`CUES` of one claim (0/1 each; the length as words / 60, at most 1)."""
    flags = (_QUOTE, None, _ACCORDING, _PAST_PERFECT, _BACK_IN_TIME, _DAY, _PRESENT_PERFECT, _MODAL,
             _FIRST_PERSON, _NUMBER, _ALLEGE, _SIMPLE_PAST)
    out = [float(bool((pat or _reporting_verbs()).search(text))) for pat in flags]
    return (*out, min(len(text.split()), 60) / 60)


def kind_of_texts(texts: Sequence[str]) -> str:
    """``event``, ``statement`` or ``background`` for a fact stated by these claims (module docstring)."""
    if not texts:
        return "event"
    mean = [sum(col) / len(texts) for col in zip(*(cues(t) for t in texts))]
    scores = {k: sum(w * x for w, x in zip(_WEIGHTS[k], mean)) + _WEIGHTS[k][-1] for k in KINDS}
    return max(KINDS, key=lambda k: (scores[k], -KINDS.index(k)))


def claim_kind(text: str) -> str:
    """The kind of a single claim (a fact stated once)."""
    return kind_of_texts([text])
