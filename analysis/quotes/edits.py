"""Edits that change what a speaker said, told apart from harmless rewording.

Two renderings of one remark differ in many words when outlets translate it differently; most of
those differences do not matter. A few do: a qualifier or condition dropped or added ("in
principle", "but ...", "if ..."), a negation flipped, a number, date or name changed, the strength
of a word changed ("correct" -> "absolutely right"), reported speech stating as fact what the
speaker hedged, the words credited to someone else. :func:`meaning_edits` finds those on the word
alignment of :func:`analysis.quotes.fidelity.word_edits`, each with the words on both sides.

A change counts only when the *whole* compared stretch differs (a negation moved to another
clause of a reworded translation is not a flip), and the words reported are those of the
alignment step where it happens. Word lists are general English, nothing about any story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .model import Edit

NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "cannot",
                      "n't"})
# hedges, qualifiers and contrasts: words that limit what the rest of the sentence claims
QUALIFIERS = ("in principle", "in theory", "in itself", "for now", "at least", "so far", "to some extent",
              "i think", "we think", "i believe", "we believe", "perhaps", "maybe", "possibly", "probably",
              "likely", "might", "may", "could", "partly", "largely", "mostly", "almost", "nearly", "some",
              "but", "however", "although", "though", "yet", "still", "only")
CONDITIONS = ("if", "unless", "provided", "as long as", "on condition", "once", "whether")
INTENSIFIERS = frozenset({"very", "absolutely", "completely", "totally", "entirely", "extremely", "fully", "really",
                          "certainly", "definitely", "deeply", "highly", "strongly", "utterly", "truly", "great",
                          "greatly", "much", "most", "all", "every", "clearly", "undoubtedly", "surely"})
HEDGES = ("i think", "we think", "i believe", "we believe", "perhaps", "maybe", "possibly", "probably", "might",
          "may", "could", "likely", "it seems", "in principle", "in theory")
# one class, one meaning: "perhaps" for "maybe" or "however" for "but" is a translation, not an edit
SAME_CLASS = {"maybe": "perhaps", "possibly": "perhaps", "probably": "likely", "however": "but", "yet": "but",
              "although": "but", "though": "but", "we think": "i think", "i believe": "i think",
              "we believe": "i think", "might": "may", "could": "may", "in theory": "in principle",
              "unless": "if", "provided": "if", "as long as": "if", "on condition": "if"}
# number words by value, so "twelve" and "12" are one number (a translation writes either)
NUMBER_VALUES = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_VALUES.update({w: str(10 * i) for i, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)})
NUMBER_VALUES.update({"hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
                      "dozen": "12", "half": "0.5", "first": "1st", "second": "2nd", "third": "3rd"})
NUMBER_WORDS = frozenset(NUMBER_VALUES)
# how binding a modal is: "must" -> "should" weakens an obligation; "must" / "have to" are one strength
OBLIGATION = {"must": "strong", "have to": "strong", "has to": "strong", "should": "weak", "ought to": "weak"}
DATE_WORDS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
                        "february", "march", "april", "may", "june", "july", "august", "september", "october",
                        "november", "december", "today", "tomorrow", "yesterday", "week", "month", "year"})
_TOKEN = re.compile(r"\d[\d.,:/]*\d|\d|[A-Za-z][\w’']*")
EDIT_KINDS = {
    "qualifier-dropped": "a hedge, qualifier or contrast of the reference is missing",
    "qualifier-added": "a hedge, qualifier or contrast the reference does not have",
    "condition-dropped": "a condition of the reference (if, unless ...) is missing",
    "condition-added": "a condition the reference does not have",
    "negation": "a negation flipped: one side says not / never / no, the other does not",
    "number": "a number or date differs",
    "name": "a name differs",
    "intensity": "stronger or weaker words (very, absolutely, certainly ...; must -> should)",
    "stated-as-fact": "reported speech states as fact what the speaker hedged",
    "speaker": "the words are credited to a different speaker",
}


class MeaningEdit(NamedTuple):
    """One edit that changes the meaning; words as printed ("" when a side has none)."""

    kind: str
    reference_words: str
    variant_words: str


def _tokens(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        for t in _TOKEN.findall(w.replace("n’t", " n't").replace("n't", " n't")):
            out.append("n't" if t.lower() in ("n't", "n’t") else t)
    return out


def _lower(words: Iterable[str]) -> str:
    return " " + " ".join(t.lower() for t in _tokens(words)) + " "


def _phrases(text: str, phrases: Sequence[str]) -> set[str]:
    return {p for p in phrases if f" {p} " in text}


def _classes(text: str, phrases: Sequence[str]) -> set[str]:
    return {SAME_CLASS.get(p, p) for p in _phrases(text, phrases)}


def _negations(text: str) -> int:
    return sum(1 for t in text.split() if t in NEGATORS)


def _numbers(tokens: list[str]) -> set[str]:
    """Numbers and dates of the tokens by value ("twelve" and "12" are one number)."""
    out = set()
    for t in tokens:
        low = t.lower().rstrip("-")
        if low[:1].isdigit():
            out.add(low.replace(",", ""))
        elif low in NUMBER_VALUES or low in DATE_WORDS:
            out.add(NUMBER_VALUES.get(low, low))
    return out


def _obligations(text: str) -> set[str]:
    return {OBLIGATION[p] for p in OBLIGATION if f" {p} " in text}


def _names(words: Sequence[str]) -> set[str]:
    """Capitalised words, lower-cased, not opening a sentence (nor "I"): names as printed."""
    out = set()
    for prev, w in zip(("." ,) + tuple(words), words):
        t = w.strip("\"“”‘’'()[],;:")
        if t[:1].isupper() and len(t) > 1 and not prev.rstrip("\"”’'").endswith((".", "?", "!", ":")) \
                and t.lower() not in ("i", "i’m", "i'm") and t.lower() not in DATE_WORDS:
            out.add(t.lower().removesuffix("’s").removesuffix("'s"))
    return out


def meaning_edits(ops: Sequence[Edit], *, reported: bool = False, loose: bool = False, same_speaker: bool = True,
                  reference_speaker: str = "", variant_speaker: str = "") -> list[MeaningEdit]:
    """Meaning-changing edits of a rendering against its reference, in reference order.

    Parameters
    ----------
    ops : sequence of Edit
        The alignment (:func:`analysis.quotes.fidelity.word_edits`).
    reported : bool
        The rendering is reported speech: a hedge it drops is ``stated-as-fact``.
    loose : bool
        The word alignment is loose (reported speech, another translation: few words in common),
        so only what survives any rewording is checked: dropped hedges and changed numbers.
    same_speaker, reference_speaker, variant_speaker
        A different speaker adds a ``speaker`` edit with both names.
    """
    kept = [op for op in ops if op.tag != "trim"]
    ref_all = _lower(w for op in kept for w in op.reference)
    var_all = _lower(w for op in kept for w in op.variant)
    out: list[MeaningEdit] = []
    changed = [op for op in kept if op.tag != "equal"]
    loose = loose or reported
    out += _phrase_edits(changed, ref_all, var_all, HEDGES if loose else QUALIFIERS, "qualifier", reported,
                         added=not loose)
    if not loose:
        out += _phrase_edits(changed, ref_all, var_all, CONDITIONS, "condition", False)
    if not loose and _negations(ref_all) % 2 != _negations(var_all) % 2:
        out += _first_op(changed, lambda r, v: _negations(r) != _negations(v), "negation")
    ref_tok, var_tok = ref_all.split(), var_all.split()
    if _numbers(ref_tok) != _numbers(var_tok) and _numbers(ref_tok) and _numbers(var_tok):
        out += _first_op(changed, lambda r, v: _numbers(r.split()) != _numbers(v.split()), "number")
    ref_names = _names([w for op in kept for w in op.reference])
    var_names = _names([w for op in kept for w in op.variant])
    if not loose and ref_names and var_names and ref_names != var_names:
        differ = ref_names ^ var_names
        out += _first_op(changed, lambda r, v: any(t.lower().removesuffix("’s") in differ for t in f"{r} {v}".split()),
                         "name", cased=True)
    ref_int, var_int = {t for t in ref_tok if t in INTENSIFIERS}, {t for t in var_tok if t in INTENSIFIERS}
    if not loose and ref_int != var_int:
        out += _first_op(changed, lambda r, v: any(t in ref_int ^ var_int for t in (r + v).split()), "intensity")
    if not loose and _obligations(ref_all) != _obligations(var_all):
        out += _first_op(changed, lambda r, v: _obligations(r) != _obligations(v), "intensity")
    out += _trimmed_qualifiers(ops, reported)
    if not same_speaker:
        out.append(MeaningEdit("speaker", reference_speaker, variant_speaker))
    return out


def _phrase_edits(changed: list[Edit], ref_all: str, var_all: str, phrases: Sequence[str], what: str,
                  reported: bool, *, added: bool = True) -> list[MeaningEdit]:
    """Phrases of ``phrases`` (by meaning class) present on one side of the compared stretch only."""
    out = []
    ref_cls, var_cls = _classes(ref_all, phrases), _classes(var_all, phrases)
    dropped = [p for p in _phrases(ref_all, phrases) if SAME_CLASS.get(p, p) not in var_cls]
    new = [p for p in _phrases(var_all, phrases) if SAME_CLASS.get(p, p) not in ref_cls] if added else []
    for phrase in sorted(dropped):
        kind = "stated-as-fact" if reported and phrase in HEDGES else f"{what}-dropped"
        out += _first_op(changed, lambda r, v, p=phrase: f" {p} " in r, kind, limit=1)
    for phrase in sorted(new):
        out += _first_op(changed, lambda r, v, p=phrase: f" {p} " in v, f"{what}-added", limit=1)
    return out


def _first_op(changed: list[Edit], test, kind: str, *, cased: bool = False, limit: int = 1) -> list[MeaningEdit]:
    """The edit of ``kind`` at the first alignment step where ``test(ref_words, var_words)`` holds."""
    out = []
    for op in changed:
        r = " ".join(_tokens(op.reference)) if cased else _lower(op.reference)
        v = " ".join(_tokens(op.variant)) if cased else _lower(op.variant)
        if test(r, v):
            out.append(MeaningEdit(kind, " ".join(op.reference), " ".join(op.variant)))
            if len(out) >= limit:
                break
    return out


def _trimmed_qualifiers(ops: Sequence[Edit], reported: bool) -> list[MeaningEdit]:
    """Qualifiers lost by trimming: a short trimmed stretch holding a hedge or qualifier ("we agree |
    in principle", "I think | we need ..."), or a trimmed stretch right after the quoted part that
    opens with a contrast or condition ("... we support it | but there are nuances")."""
    out = []
    for op in ops:
        if op.tag == "trim" and 0 < len(op.reference) <= 4:
            if _phrases(_lower(op.reference), HEDGES):
                kind = "stated-as-fact" if reported else "qualifier-dropped"
                out.append(MeaningEdit(kind, " ".join(op.reference), ""))
    for prev, op in zip(ops, ops[1:]):
        if op.tag == "trim" and prev.tag != "trim" and op.reference and not any(
                e.reference_words == " ".join(op.reference) for e in out):
            head = _lower(op.reference[:3])
            first = head.split()[0] if head.split() else ""
            if first in ("but", "however", "although", "though", "yet", "unless"):
                out.append(MeaningEdit("qualifier-dropped", " ".join(op.reference), ""))
            elif first in ("if", "provided", "once"):
                out.append(MeaningEdit("condition-dropped", " ".join(op.reference), ""))
    return out
