"""Clause helpers of attribution: which verbs report, whose subject speaks, "according to X".

Shared by :mod:`analysis.quotes.attribution` (speech) and :mod:`analysis.quotes.attitudes`
(beliefs, intentions and stances).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from .lexicon import speech_verbs
from .parse import ArticleParse


def verb_info(tok: Any, categories: Iterable[str]) -> tuple[str, str] | None:
    """(lemma, category) when ``tok`` is a reporting verb of one of ``categories``, else None."""
    if not tok.tag_.startswith("VB"):
        return None
    entry = speech_verbs().get(tok.lower_)
    if entry is None:
        return None
    lemma, category = entry.split("|")
    return (lemma, category) if category in categories else None


def subject_of(verb: Any, *, parse: ArticleParse | None = None,
                outside: tuple[int, int] | None = None) -> Any | None:
    """Grammatical subject of a reporting verb, climbing conjunctions and participles."""
    prev = verb.doc[verb.i - 1] if verb.i > 0 else None
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "acl", "xcomp") and prev is not None and prev.ent_type_ == "PERSON" \
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return prev  # "footage of X saying": the person just before the participle, not the clause's subject
    v = verb
    for _ in range(4):
        for c in v.children:
            if c.dep_ in ("nsubj", "nsubjpass") and not (outside and outside[0] <= c.idx < outside[1]):
                if parse is not None and parse.in_mark(c.idx) is not None:
                    continue  # a subject inside quotation marks belongs to the quoted words
                if c.lower_ in ("who", "that", "which") and v.dep_ == "relcl":
                    return v.head  # "X, who said ..." -> X
                if (v is not verb and c.pos_ == "NOUN" and v.dep_ == "ccomp" and v.head is not v
                        and verb.tag_ == "VBG"):
                    # "X offered support ..., adding that": a participle's clause misparsed as a
                    # complement; the named subject one level up is the one adding
                    up = [d for d in v.head.children if d.dep_ in ("nsubj", "nsubjpass")
                          and d.pos_ in ("PROPN", "PRON")]
                    if up:
                        return up[0]
                return c
        if v.dep_ in ("conj", "xcomp", "advcl") and v.head is not v:
            v = v.head
        else:
            break
    return None


def according_to(tokens: Sequence[Any]) -> Any | None:
    """The source token of the first "according to X" among ``tokens``, or None."""
    for t in tokens:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            to = t.doc[t.i + 1]
            for c in to.children:
                if c.dep_ == "pobj":
                    return c
            if t.i + 2 < len(t.doc):
                return t.doc[t.i + 2]
    return None


def positional_speaker(tokens: Sequence[Any], verb: Any) -> Any | None:
    """Fallback when the parse gives the verb no subject: "..., X said" / "said X"."""
    before = [t for t in tokens if t.i < verb.i]
    after = [t for t in tokens if t.i > verb.i]
    for t in reversed(before):
        if t.pos_ in ("PROPN", "PRON", "NOUN"):
            return t
        if t.is_punct:
            named = _apposed_name(t, verb) if t.text == "," else None
            if named is not None:
                return named
            break
    for t in after:
        if t.ent_type_ in ("DATE", "TIME"):
            break  # "said Thursday": a day is not a speaker
        if t.pos_ in ("PROPN", "PRON", "NOUN"):
            # "said Cindy Secord": take the last word of the name
            j = t.i
            while j + 1 < len(t.doc) and t.doc[j + 1].pos_ == "PROPN" and t.doc[j + 1].idx < tokens[-1].idx + 1:
                j += 1
            return t.doc[j]
        if t.pos_ not in ("DET", "ADJ", "ADV", "PUNCT") or t.text in {".", "!", "?"}:
            break
    return None


def _apposed_name(comma: Any, verb: Any) -> Any | None:
    """"X, a union leader, said": the name an apposition closed by ``comma`` describes, or None."""
    a = comma.doc[comma.i - 1] if comma.i > 0 else comma
    for _ in range(6):
        if a.dep_ == "appos" and a.head.i < a.i and a.head.pos_ == "PROPN":
            return a.head
        if a.head.i == a.i or a.head.i > verb.i:
            return None
        a = a.head
    return None
