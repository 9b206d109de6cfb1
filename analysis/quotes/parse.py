"""One parsed article, indexed for attribution: tokens by offset, entities, quoted spans, persons.

:class:`ArticleParse` wraps a spaCy ``Doc`` of an article's whole ``clean_text`` (offsets are
``clean_text`` offsets) with the lookups attribution and speaker resolution need; the helpers
here cut the sentence frame around a quote and trim token runs.
"""

from __future__ import annotations

import bisect
from typing import Any

from .lexicon import PERSON_LABELS, honorifics, strip_titles
from .model import MarkSpan, Person


def is_terminal(tok: Any) -> bool:
    """Does ``tok`` end a sentence or a paragraph (the frame of a quote stops there)?"""
    return tok.text in {".", "!", "?"} or "\n" in tok.text


class ArticleParse:
    """Index over one parsed article: tokens by char, entities, quote regions, persons."""

    def __init__(self, doc: Any, marks: list[MarkSpan]):
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        self.marks = marks
        self.mark_starts = [m.start for m in marks]
        self.ent_of: dict[int, Any] = {}
        for ent in doc.ents:
            for t in ent:
                self.ent_of[t.i] = ent
        self.chunk_of: dict[int, Any] = {}
        for chunk in doc.noun_chunks:
            for t in chunk:
                self.chunk_of[t.i] = chunk
        self.persons = self._persons()

    def tok_at(self, char: int) -> int:
        """Index of the token covering or following ``char``."""
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def in_mark(self, char: int) -> MarkSpan | None:
        """The quoted span containing ``char``, or None."""
        k = bisect.bisect_right(self.mark_starts, char) - 1
        if k >= 0 and self.marks[k].start <= char < self.marks[k].end:
            return self.marks[k]
        return None

    def _persons(self) -> list[Person]:
        """Named people outside quotation marks, with their titles and any gender a title implies."""
        out: list[Person] = []
        hon = honorifics()
        for ent in self.doc.ents:
            if ent.label_ not in PERSON_LABELS or self.in_mark(ent.start_char):
                continue
            name, gender = strip_titles(ent.text)
            if not name:
                continue
            left = title_words(self.doc, ent)
            for w in left:
                if hon.get(w, "-") != "-" and gender == "-":
                    gender = hon[w]
            root = ent.root
            is_subj = root.dep_ in ("nsubj", "nsubjpass") or (
                root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"))
            out.append(Person(ent.start_char, ent.end_char, name, is_subj, gender, frozenset(left)))
        return out


def title_words(doc: Any, ent: Any) -> list[str]:
    """Lower-cased words naming a person's role next to the name ("Finnish President", ", the envoy,")."""
    words: list[str] = []
    i = ent.start - 1
    while i >= 0 and ent.start - i <= 6:
        t = doc[i]
        if t.pos_ in ("PROPN", "NOUN", "ADJ") or (t.lower_ == "of" and i > 0 and doc[i - 1].pos_ in ("PROPN", "NOUN")):
            words.append(t.lower_.rstrip("."))
            i -= 1
            continue
        break
    root = ent.root
    for nb in list(root.children) + ([root.head] if root.dep_ == "appos" else []):
        if nb.dep_ == "appos" or nb is root.head:
            if nb.pos_ in ("NOUN", "PROPN") and nb.ent_type_ not in PERSON_LABELS:
                words.extend(w.lower_ for w in nb.subtree if w.pos_ in ("NOUN", "ADJ", "PROPN") and w.i < ent.start
                             or w.i >= ent.end and w.pos_ in ("NOUN", "ADJ", "PROPN"))
    return words


def quote_frame(parse: ArticleParse, span: MarkSpan) -> tuple[list[Any], list[Any]]:
    """Tokens of the same sentence before (head) and after (tail) a quote, outside quotation marks."""
    doc = parse.doc
    head: list[Any] = []
    i = parse.tok_at(span.start) - 1
    while i >= 0 and len(head) < 60:
        t = doc[i]
        if is_terminal(t) or parse.in_mark(t.idx) is not None:
            break
        head.append(t)
        i -= 1
    head.reverse()
    tail: list[Any] = []
    i = parse.tok_at(span.end - 1) + 1
    while i < len(doc) and len(tail) < 60:
        t = doc[i]
        if t.idx < span.end:
            i += 1
            continue
        if "\n" in t.text or parse.in_mark(t.idx) is not None:
            break
        tail.append(t)
        if is_terminal(t):
            break
        i += 1
    return head, tail


def trim_tokens(toks: list[Any]) -> list[Any]:
    """Strip punctuation and spaces at both ends, keeping quotation marks that close or open."""
    closing, opening = set("”\"’'»"), set("“\"‘'«")
    while toks and (toks[-1].is_punct or toks[-1].is_space) and not (set(toks[-1].text) & closing):
        toks = toks[:-1]
    while toks and (toks[0].is_punct or toks[0].is_space) and not (set(toks[0].text) & opening):
        toks = toks[1:]
    return toks


def mark_share(parse: ArticleParse, start: int, end: int) -> float:
    """Share of ``text[start:end]`` inside quotation marks (above one half it is a direct quote)."""
    covered = 0
    for m in parse.marks:
        lo, hi = max(start, m.start), min(end, m.end)
        if hi > lo:
            covered += hi - lo
    return covered / max(1, end - start)


def parse_article(text: str, nlp: Any = None) -> Any:
    """Parse ``text`` paragraph by paragraph into one Doc whose offsets are ``text`` offsets."""
    from ..nlp import parse_articles

    return parse_articles([text], nlp=nlp)[0]
