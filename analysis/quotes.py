"""Quotes: who is quoted, where, and how faithfully each outlet renders the same words.

The stage works on each article's ``clean_text`` as a whole (never sentence by sentence), so a
quotation that runs over several sentences or paragraphs stays one quote, and every offset points
into ``clean_text``.

1. :func:`find_quote_marks` pairs quotation marks (“ ” " " ‘ ’ « ») character by character,
   follows multi-paragraph quotes that reopen each paragraph with a mark, tells apostrophes from
   closing single quotes, keeps nested single quotes inside their double quote, and never fails
   on unbalanced marks (an unclosed quote ends at its paragraph end and is flagged).
2. :func:`extract_quotes` parses the text once with spaCy and attributes each quote: the subject
   of a reporting verb in the same sentence ("X said", "said X", "X, who ..., said", "X asked:",
   "according to X"), else, for a floating quote, the nearest preceding attributed speaker.
   Reported speech ("X said that ...", "according to X, ...") is found from the parse and flagged
   ``kind="indirect"``. Pronouns and definite titles ("the Finnish president") resolve to the
   closest compatible named person; :func:`canonical_speakers` merges name forms across the
   corpus ("Mr. X" and "X" -> "Firstname X").
3. :func:`cluster_variants` groups renderings of the same utterance across articles: candidate
   pairs from an inverted index of content words (no all-pairs loop), verified by fuzzy token
   alignment (rapidfuzz), fragments of a longer quote included.
4. :func:`score_fidelity` aligns every rendering word by word with its cluster's reference (the
   longest rendering, or a passage of a user-supplied transcript) and names the mutation;
   :func:`diff_html` renders that alignment as escaped HTML the report can embed.

Tables
------
quotes : DataFrame, one row per quote
    ``quote_id`` (``<article_id>:q<NNN>`` in text order), ``article_id, outlet, start, end``
    (offsets into ``clean_text``), ``quote`` (the span as printed, marks included),
    ``speaker`` (canonical name, ``""`` when unknown), ``kind`` (``direct`` / ``partial`` /
    ``indirect``), ``cluster_id`` (``""`` for indirect speech), ``fidelity`` (0-1, empty for a
    rendering with no variant), ``mutation`` (``verbatim / trimmed / expanded / reworded /
    paraphrase-in-quotes / misattributed``, ``""`` when there is nothing to compare), plus
    ``speaker_mention, speaker_start, speaker_end`` (the words that name the speaker, -1 when
    none), ``verb`` (reporting verb as printed), ``attribution`` (``verb / according / floating
    / containing / none``: how the speaker was found), ``resolution`` (``name / pronoun / title /
    nominal / none``), ``contained_in`` (quote_id of an enclosing reported-speech span),
    ``unbalanced`` (bool), ``n_words``, ``reference_quote_id`` (``transcript`` when the reference is
    a transcript passage), ``reference_text``, ``coverage`` (share of the reference this rendering
    covers), ``diff`` (plain-text word diff), ``speaker_type`` (person / group / nominal / pronoun),
    ``cluster_method`` (``lexical`` / ``semantic`` / ``single``: how the quote joined its cluster).
clusters : DataFrame, one row per variant cluster with two or more renderings
    ``cluster_id, speaker, n_renderings, n_articles, n_outlets, reference_quote_id,
    reference_text, min_fidelity, mean_fidelity, mutations, method`` (``lexical``, or
    ``lexical+semantic`` when a translation variant joined by meaning).
voices : DataFrame
    ``outlet, speaker, n_quotes, n_direct, n_partial, n_indirect`` — who gets a voice where.

Notebook 04 writes them as ``data/quotes.csv`` (without ``outlet``, joined from articles),
``data/quote_clusters.csv`` and ``data/quote_voices.csv``.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Sequence

import pandas as pd

from .engine import Engine
from .errors import QuotesError

# ---------------------------------------------------------------------------------------------
# word lists (files in analysis/resources, sources in quotes_README.md)
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def speech_verbs() -> dict[str, str]:
    """Reporting verbs: every inflected form we accept -> ``lemma|category``.

    Regular forms (-s, -es, -ed, -d, -ing, doubled consonants) are generated; irregular ones are
    listed in ``quotes_speech_verbs.tsv``.
    """
    text = resources.files("analysis.resources").joinpath("quotes_speech_verbs.tsv").read_text("utf-8")
    forms: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        lemma, category = parts[0].strip(), parts[1].strip()
        irregular = [f.strip() for f in parts[2].split(",")] if len(parts) > 2 and parts[2].strip() else []
        for form in _inflections(lemma) + irregular:
            forms.setdefault(form, f"{lemma}|{category}")
    return forms


def _inflections(lemma: str) -> list[str]:
    out = [lemma]
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        out.append(lemma + "es")
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        out.append(lemma[:-1] + "ies")
    else:
        out.append(lemma + "s")
    if lemma.endswith("e"):
        out += [lemma + "d", lemma[:-1] + "ing"]
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        out += [lemma[:-1] + "ied", lemma + "ing"]
    else:
        out += [lemma + "ed", lemma + "ing"]
        # short verbs ending consonant-vowel-consonant double it: admit -> admitted, quip -> quipped
        if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma) and lemma not in {"answer", "counter", "threaten",
                                                                              "question", "label", "mention"}:
            out += [lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    return out


@lru_cache(maxsize=1)
def honorifics() -> dict[str, str]:
    """Title words stripped from names -> the gender they imply (``m`` / ``f`` / ``-``)."""
    text = resources.files("analysis.resources").joinpath("quotes_titles.txt").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, gender = line.partition("\t")
            out[word.strip()] = gender.strip() or "-"
    return out


_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
# first/second person and "they" rarely name a resolvable speaker in news copy: left unresolved
_OTHER_PRONOUNS = {"i", "we", "you", "they", "it", "one", "someone", "somebody", "who", "this", "that"}
_PERSON_LABELS = {"PERSON"}
_GROUP_LABELS = {"ORG", "GPE", "NORP"}

# ---------------------------------------------------------------------------------------------
# 1. quotation marks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarkSpan:
    """A stretch of text between paired quotation marks.

    ``start`` is the opening mark, ``end`` is one past the closing mark (or the paragraph end for
    an ``unbalanced`` quote). ``level`` is ``"double"`` or ``"single"``.
    """

    start: int
    end: int
    level: str
    unbalanced: bool = False


_DASHES = "—–-/"


def _mark_role(text: str, i: int) -> tuple[str, str] | None:
    """Classify the quotation mark at ``text[i]`` as (level, open / close / either), or None."""
    c = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if c in "“«„":
        return ("double", "open")
    if c in "”»":
        if c == "”" and (prev.isspace() or prev in "([" or i == 0) and nxt.isalpha():
            return ("double", "open")  # a wrongly-turned opening mark (”This guy ...”)
        return ("double", "close")
    if c == '"':
        if (prev.isspace() or prev in "([{" + _DASHES) and not nxt.isspace():
            return ("double", "open")
        if nxt.isspace() or nxt in ".,;:!?)]}…" + _DASHES:
            return ("double", "close")
        return ("double", "either")
    if c in "‘‹":
        if prev.isalnum():
            return None  # rock‘n’roll-style typography, not a quotation
        return ("single", "open")
    if c in "’›'":
        if prev.isalnum() and nxt.isalnum():
            return None  # apostrophe inside a word: don't, Norway’s
        if (prev.isspace() or prev in "([{“\"" + _DASHES or i == 0) and nxt.isalpha():
            return ("single", "open")  # a digit after it is an elision ('90s), not a quote
        if not prev.isspace() and i > 0:
            return ("single", "close")
    return None


def find_quote_marks(text: str) -> list[MarkSpan]:
    """Pair the quotation marks of ``text`` into top-level quoted spans.

    Parameters
    ----------
    text : str
        A whole article; paragraphs are separated by newlines.

    Returns
    -------
    spans : list of MarkSpan
        Top-level quotes in text order. Single quotes nested in a double quote stay inside it.
        A quote left open at a paragraph end continues when the next paragraph opens with the
        same kind of mark (the newspaper convention for long quotations); otherwise it ends at
        the paragraph end with ``unbalanced=True`` (unclosed single marks are dropped, as they
        are too often apostrophes). Stray closing marks are ignored.
    """
    spans: list[MarkSpan] = []
    open_at: int | None = None
    level = ""
    skip: int = -1
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            if open_at is not None:
                j = i
                while j < n and text[j].isspace():
                    j += 1
                role = _mark_role(text, j) if j < n else None
                if role is not None and role[0] == level and role[1] in ("open", "either"):
                    skip = j  # the reopening mark continues the same quotation
                else:
                    end = i
                    while end > open_at and text[end - 1].isspace():
                        end -= 1
                    if level == "double" and end - open_at > 1:
                        spans.append(MarkSpan(open_at, end, level, True))
                    open_at = None
            i += 1
            continue
        if i == skip or c not in "“”„«»\"‘’‹›'":
            i += 1
            continue
        role = _mark_role(text, i)
        if role is None:
            i += 1
            continue
        mark_level, kind = role
        if open_at is None:
            if kind in ("open", "either"):
                open_at, level = i, mark_level
        elif mark_level == level:
            if kind in ("close", "either"):
                spans.append(MarkSpan(open_at, i + 1, level))
                open_at = None
            elif level == "double":
                # a second opening mark before a close: the first quote was never closed
                end = i
                while end > open_at and text[end - 1].isspace():
                    end -= 1
                spans.append(MarkSpan(open_at, end, level, True))
                open_at = i
        # marks of the other level inside an open quote are nested quotations: kept inside
        i += 1
    if open_at is not None and level == "double":
        end = n
        while end > open_at and text[end - 1].isspace():
            end -= 1
        spans.append(MarkSpan(open_at, end, level, True))
    return [s for s in spans if _inner(text, s).strip(" ,.;:!?…—–-")]


def _inner(text: str, span: MarkSpan) -> str:
    body = text[span.start + 1:span.end]
    if not span.unbalanced and body:
        body = body[:-1]
    return body


# ---------------------------------------------------------------------------------------------
# 2. extraction and attribution
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """One quotation or reported statement, with the evidence for its speaker."""

    article_id: str
    start: int  # char offset in clean_text (opening mark for direct quotes)
    end: int
    quote: str
    kind: str  # direct / partial / indirect
    speaker: str = ""  # resolved name within the article (canonical across corpus later)
    speaker_mention: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    verb: str = ""
    attribution: str = "none"  # verb / according / floating / containing / none
    resolution: str = "none"  # name / pronoun / title / nominal / none
    unbalanced: bool = False
    contained_in: str = ""
    speaker_type: str = ""  # person / group / other


@dataclass(frozen=True)
class _Person:
    start: int
    end: int
    name: str  # title-stripped surface name
    is_subject: bool
    gender: str
    titles: frozenset[str]


def _verb_info(tok: Any, categories: Iterable[str]) -> tuple[str, str] | None:
    if not tok.tag_.startswith("VB"):
        return None
    entry = speech_verbs().get(tok.lower_)
    if entry is None:
        return None
    lemma, category = entry.split("|")
    return (lemma, category) if category in categories else None


def _is_terminal(tok: Any) -> bool:
    return tok.text in {".", "!", "?"} or "\n" in tok.text


class _ArticleParse:
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
        k = bisect.bisect_right(self.mark_starts, char) - 1
        if k >= 0 and self.marks[k].start <= char < self.marks[k].end:
            return self.marks[k]
        return None

    def _persons(self) -> list[_Person]:
        out: list[_Person] = []
        hon = honorifics()
        for ent in self.doc.ents:
            if ent.label_ not in _PERSON_LABELS or self.in_mark(ent.start_char):
                continue
            name, gender = _strip_titles(ent.text)
            if not name:
                continue
            left = _title_words(self.doc, ent)
            for w in left:
                if hon.get(w, "-") != "-" and gender == "-":
                    gender = hon[w]
            root = ent.root
            is_subj = root.dep_ in ("nsubj", "nsubjpass") or (
                root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"))
            out.append(_Person(ent.start_char, ent.end_char, name, is_subj, gender, frozenset(left)))
        return out


def _title_words(doc: Any, ent: Any) -> list[str]:
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
            if nb.pos_ in ("NOUN", "PROPN") and nb.ent_type_ not in _PERSON_LABELS:
                words.extend(w.lower_ for w in nb.subtree if w.pos_ in ("NOUN", "ADJ", "PROPN") and w.i < ent.start
                             or w.i >= ent.end and w.pos_ in ("NOUN", "ADJ", "PROPN"))
    return words


def _strip_titles(name: str) -> tuple[str, str]:
    """Drop honorifics, brackets and possessives: "Mr. Hale’s" -> ("Hale", "m")."""
    hon = honorifics()
    name = re.sub(r"[\[\]()]", "", name)
    name = re.sub(r"(’s|'s|’|')$", "", name.strip())
    words = name.split()
    gender = "-"
    while len(words) > 1 and words[0].lower().rstrip(".") in hon:
        g = hon[words[0].lower().rstrip(".")]
        gender = g if g != "-" else gender
        words = words[1:]
    return " ".join(words).strip(" ,.;:"), gender


def _mention(parse: _ArticleParse, tok: Any, *, full: bool = False) -> tuple[str, int, int, str]:
    """Expand a subject token to the words naming the speaker; returns (text, start, end, type)."""
    doc = parse.doc
    # "a foreign policy aide, Ivan Petrov, said": prefer the named apposition
    if tok.pos_ in ("NOUN",) and tok.ent_type_ not in _PERSON_LABELS:
        for child in tok.children:
            if child.dep_ == "appos" and child.ent_type_ in _PERSON_LABELS:
                tok = child
                break
    ent = parse.ent_of.get(tok.i)
    if ent is not None and ent.label_ in _PERSON_LABELS:
        words = _name_words(list(ent))
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        return doc.text[start:end], start, end, "person"
    if tok.pos_ == "PRON" or tok.lower_ in _PRONOUN_GENDER:
        return tok.text, tok.idx, tok.idx + len(tok.text), "pronoun"
    kind = "person" if tok.pos_ == "PROPN" else "nominal"
    if ent is not None and ent.label_ in _GROUP_LABELS:
        kind = "group"
    # the head with its left modifiers and an "of" phrase ("Ministry of Defense"), never a clause
    words = [t for t in tok.subtree if t.i <= tok.i
             and not any(a.dep_ in ("relcl", "acl", "appos", "advcl") and a.i != tok.i
                         for a in _ancestors_until(t, tok))]
    if kind != "person" or full:
        # "a spokeswoman for X", "a person familiar with the talks", "lawyers and experts"
        for child in tok.rights:
            if full or (child.dep_ == "prep" and child.lower_ in ("of", "for", "from", "at", "with", "by")) \
                    or child.dep_ in ("conj", "cc", "amod") or (child.dep_ == "acl" and child.pos_ == "ADJ"):
                words += list(child.subtree)
            elif child.dep_ != "punct":
                break
    words = sorted({t.i: t for t in words}.values(), key=lambda t: t.i)
    while words and words[-1].is_punct:
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    words = words or [tok]
    # keep the contiguous run ending at or after the head
    run: list[Any] = []
    for t in words:
        if run and t.i != run[-1].i + 1:
            run = [] if t.i <= tok.i else run
            if run and t.i > tok.i:
                break
        run.append(t)
    words = run or [tok]
    if tok.pos_ == "PROPN" and any(t.ent_type_ in _PERSON_LABELS or t.lower_.rstrip(".") in honorifics()
                                   for t in words):
        kind = "person"  # the small model often tags a foreign surname as a place
    if kind == "person":
        words = _name_words(words)
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    return doc.text[start:end], start, end, kind


def _name_words(words: list[Any]) -> list[Any]:
    """Drop leading nationality words, titles and common nouns: "Finnish Gen. Aino Virtanen"."""
    hon = honorifics()
    titles = [k for k, w in enumerate(words[:-1]) if w.lower_.rstrip(".") in hon]
    if titles:
        words = words[titles[-1] + 1:]  # "Finnish Gen. Aino Virtanen" -> after the title
    while len(words) > 1 and (words[0].ent_type_ in ("NORP", "GPE") or words[0].pos_ != "PROPN"):
        words = words[1:]
    while len(words) > 1 and words[-1].pos_ == "PART":
        words = words[:-1]  # possessive ’s
    return words


def _ancestors_until(t: Any, stop: Any) -> list[Any]:
    out = []
    while t.i != stop.i and t.head is not t:
        out.append(t)
        t = t.head
    return out


def _subject_of(verb: Any, *, parse: "_ArticleParse | None" = None,
                outside: tuple[int, int] | None = None) -> Any | None:
    """Grammatical subject of a reporting verb, climbing conjunctions and participles."""
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


def _according_to(tokens: Sequence[Any]) -> Any | None:
    for t in tokens:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            to = t.doc[t.i + 1]
            for c in to.children:
                if c.dep_ == "pobj":
                    return c
            if t.i + 2 < len(t.doc):
                return t.doc[t.i + 2]
    return None


def _frame(parse: _ArticleParse, span: MarkSpan) -> tuple[list[Any], list[Any]]:
    """Tokens of the same sentence before (head) and after (tail) a quote, outside quotation marks."""
    doc = parse.doc
    head: list[Any] = []
    i = parse.tok_at(span.start) - 1
    while i >= 0 and len(head) < 60:
        t = doc[i]
        if _is_terminal(t) or parse.in_mark(t.idx) is not None:
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
        if _is_terminal(t):
            break
        i += 1
    return head, tail


def _positional_speaker(tokens: Sequence[Any], verb: Any) -> Any | None:
    """Fallback when the parse gives the verb no subject: "..., X said" / "said X"."""
    before = [t for t in tokens if t.i < verb.i]
    after = [t for t in tokens if t.i > verb.i]
    for t in reversed(before):
        if t.pos_ in ("PROPN", "PRON", "NOUN"):
            return t
        if t.is_punct:
            break
    for t in after:
        if t.pos_ in ("PROPN", "PRON", "NOUN"):
            # "said Cindy Secord": take the last word of the name
            j = t.i
            while j + 1 < len(t.doc) and t.doc[j + 1].pos_ == "PROPN" and t.doc[j + 1].idx < tokens[-1].idx + 1:
                j += 1
            return t.doc[j]
        if t.pos_ not in ("DET", "ADJ", "ADV", "PUNCT") or t.text in {".", "!", "?"}:
            break
    return None


_SPEECH = ("speech",)
_ALL = ("speech", "cognition", "characterise")


def parse_article(text: str, nlp: Any = None) -> Any:
    """Parse ``text`` paragraph by paragraph into one Doc whose offsets are ``text`` offsets."""
    from .nlp import parse_articles

    return parse_articles([text], nlp=nlp)[0]


def _classify_kind(head: list[Any]) -> str:
    """Direct if the quote stands as its own sentence or follows "said," / "said:"; else partial."""
    words = [t for t in head if not t.is_space]
    if not words:
        return "direct"
    if words[-1].text in {":", ",", "—", "–", "-"}:
        return "direct"
    return "partial"


def extract_quotes(text: str, *, article_id: str = "", nlp: Any = None, doc: Any = None,
                   include_cognition: bool = False, min_indirect_words: int = 3) -> list[Quote]:
    """Find direct, partial and reported quotes in one article and attribute each to a speaker.

    Parameters
    ----------
    text : str
        The article's ``clean_text``; offsets of the result index it.
    article_id : str
        Copied into every :class:`Quote`.
    nlp : spaCy Language, optional
        Defaults to :func:`analysis.nlp.load_spacy` with parser and NER.
    doc : spaCy Doc, optional
        A parse of ``text`` made earlier (``nlp.pipe``), to avoid parsing twice.
    include_cognition : bool, default=False
        Also report "X believes/thinks/hopes that ..." as indirect speech (PolNeAR counts these
        attributions; the Gender Gap Tracker mostly does not).
    min_indirect_words : int, default=3
        Shorter reported clauses ("he said so") are not quotes.

    Returns
    -------
    quotes : list of Quote
        Sorted by start. Speakers are resolved within the article (pronouns and titles to the
        closest compatible named person) but not yet merged across articles.
    """
    if not isinstance(text, str):
        raise QuotesError(f"article {article_id!r}: clean_text is {type(text).__name__}, expected str")
    if doc is None:
        if nlp is None:
            from .nlp import load_spacy

            nlp = load_spacy(parser=True, ner=True)
        doc = parse_article(text, nlp)
    if doc.text != text:
        raise QuotesError(f"article {article_id!r}: the parse does not reproduce clean_text; pass the Doc "
                          "from parse_article(text) so offsets stay valid")
    marks = find_quote_marks(text)
    parse = _ArticleParse(doc, marks)
    indirect_cats = _SPEECH + (("cognition",) if include_cognition else ())
    found: list[Quote] = []
    for span in marks:
        found.append(_direct_quote(parse, span, article_id))
    found.extend(_indirect_quotes(parse, article_id, indirect_cats, min_indirect_words))
    found.sort(key=lambda q: (q.start, -q.end))
    found = _nest(found, text)
    found = _resolve(parse, found)
    return found


def _direct_quote(parse: _ArticleParse, span: MarkSpan, article_id: str) -> Quote:
    text = parse.text
    head, tail = _frame(parse, span)
    kind = _classify_kind(head)
    base = Quote(article_id, span.start, span.end, text[span.start:span.end], kind, unbalanced=span.unbalanced)
    if kind == "partial":
        return _partial_speaker(parse, span, base)
    head_verbs = [(t, info) for t in head if (info := _verb_info(t, _ALL))]
    tail_verbs = [(t, info) for t in tail if (info := _verb_info(t, _ALL))]
    inner = text[span.start:span.end].rstrip("”\"’'»").rstrip()
    head_words = [t for t in head if not t.is_space]
    prefer_head = bool(head_words) and head_words[-1].text in {":", ","}
    ordered: list[tuple[Any, tuple[str, str], list[Any]]] = []
    tail_first = [(t, i, tail) for t, i in tail_verbs[:1]]
    head_last = [(t, i, head) for t, i in head_verbs[-1:]]
    if prefer_head and not (inner.endswith(",") and tail_first):
        ordered = head_last + tail_first
    else:
        ordered = tail_first + head_last
    for verb, _info, region in ordered:
        subj = _subject_of(verb, parse=parse, outside=(span.start, span.end))
        if subj is None or not any(subj.i == t.i for t in region):
            subj = _positional_speaker(region, verb)
        if subj is None:
            continue
        mention, s, e, stype = _mention(parse, subj)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=verb.text,
                       attribution="verb", speaker_type=stype)
    acc = _according_to(head + tail)
    if acc is not None:
        mention, s, e, stype = _mention(parse, acc, full=True)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb="according to",
                       attribution="according", speaker_type=stype)
    return replace(base, attribution="floating")


def _partial_speaker(parse: _ArticleParse, span: MarkSpan, base: Quote) -> Quote:
    """A quoted fragment inside a sentence: the speaker of the nearest reporting verb above it."""
    doc = parse.doc
    first, last = parse.tok_at(span.start), parse.tok_at(span.end - 1)
    inside = [t for t in doc[first:last + 1] if span.start <= t.idx < span.end]
    roots = [t for t in inside if not (span.start <= t.head.idx < span.end) or t.head is t]
    node = roots[0] if roots else (inside[0] if inside else doc[first])
    for _ in range(10):
        if not (span.start <= node.idx < span.end) and _verb_info(node, _ALL):
            subj = _subject_of(node, parse=parse, outside=(span.start, span.end))
            if subj is not None:
                mention, s, e, stype = _mention(parse, subj)
                return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=node.text,
                               attribution="verb", speaker_type=stype)
        if node.head is node:
            break
        node = node.head
    head, _tail = _frame(parse, span)
    for verb in reversed([t for t in head if _verb_info(t, _ALL)]):
        subj = _subject_of(verb, parse=parse, outside=(span.start, span.end)) or _positional_speaker(head, verb)
        if subj is not None:
            mention, s, e, stype = _mention(parse, subj)
            return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=verb.text,
                           attribution="verb", speaker_type=stype)
    return base


def _indirect_quotes(parse: _ArticleParse, article_id: str, categories: tuple[str, ...],
                     min_words: int) -> list[Quote]:
    doc, text = parse.doc, parse.text
    out: list[Quote] = []
    for tok in doc:
        if parse.in_mark(tok.idx) is not None:
            continue  # a reporting verb inside a quotation is part of the quoted words
        info = _verb_info(tok, categories)
        if info is None:
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue  # "has not said he would veto": a denial of speech, not reported speech
        if not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children):
            out.extend(_parenthetical(parse, tok, article_id, min_words))
        for comp in tok.children:
            if comp.dep_ != "ccomp":
                continue
            if info[0] in ("ask", "wonder", "question") and comp.left_edge.lower_ in (
                    "whether", "if", "what", "why", "how", "when", "who", "where", "which"):
                continue  # an indirect question reports no statement
            if comp.i < tok.i and any(parse.in_mark(t.idx) for t in doc[tok.i + 1:min(len(doc), tok.i + 4)]
                                      if t.text in "“\"‘'«"):
                continue  # "When told ..., he said, “...”": the quote after the verb is what was said
            if comp.i > tok.i:
                toks = [t for t in doc[max(comp.left_edge.i, tok.i + 1):comp.right_edge.i + 1]]
            else:
                toks = [t for t in doc[comp.left_edge.i:min(comp.right_edge.i + 1, tok.i)]]
                gap = [t for t in doc[comp.right_edge.i + 1:tok.i]]
                # "..., said X" / "..., X said": only punctuation and the subject between
                if len(gap) > 10 or any(t.text in {";", ":"} or t.tag_.startswith("VB") and t.dep_ != "aux"
                                        for t in gap):
                    continue
            toks = _trim_tokens(toks)
            if len([t for t in toks if not t.is_punct]) < min_words:
                continue
            start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
            if "\n" in text[start:end]:
                continue
            if _mark_share(parse, start, end) > 0.5:
                continue  # the clause is a direct quotation, attributed from its own frame
            subj = _subject_of(tok, parse=parse)
            if subj is None or start <= subj.idx < end:
                continue
            mention, s, e, stype = _mention(parse, subj)
            out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                             speaker_start=s, speaker_end=e, verb=tok.text, attribution="verb",
                             speaker_type=stype))
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        if parse.in_mark(tok.idx) is not None:
            continue
        src = _according_to([tok])
        if src is None:
            continue
        sent = tok.sent
        phrase_end = max(src.right_edge.i, tok.i + 1) + 1
        before = [t for t in doc[sent.start:tok.i] if not t.is_space]
        after = [t for t in doc[phrase_end:sent.end] if not t.is_space]
        part = before if len(before) >= len(after) else after
        part = _trim_tokens(part)
        while part and part[-1].lower_ in ("and", "but"):
            part = _trim_tokens(part[:-1])
        if len([t for t in part if not t.is_punct]) < min_words:
            continue
        start, end = part[0].idx, part[-1].idx + len(part[-1].text)
        if "\n" in text[start:end] or _mark_share(parse, start, end) > 0.5:
            continue
        mention, s, e, stype = _mention(parse, src, full=True)
        out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                         speaker_start=s, speaker_end=e, verb="according to", attribution="according",
                         speaker_type=stype))
    return out


def _parenthetical(parse: _ArticleParse, verb: Any, article_id: str, min_words: int) -> list[Quote]:
    """"Content, he said." and "Content, he said, more content.": the reported clause is the
    writer's sentence around a comma-fenced "X said" / "said X" (parsers often leave it unattached)."""
    doc, text = parse.doc, parse.text
    sent = verb.sent
    subj = _subject_of(verb, parse=parse)
    if subj is None:
        return []
    lo = min(subj.left_edge.i, verb.i)
    hi = max(subj.right_edge.i, verb.i) if subj.i > verb.i else verb.i
    # extend over trailing adverbials of the frame ("he said on Monday")
    while hi + 1 < sent.end and doc[hi + 1].head.i in (verb.i, hi) and doc[hi + 1].dep_ in ("prep", "pobj", "npadvmod",
                                                                                               "advmod", "det", "compound"):
        hi = doc[hi + 1].right_edge.i if doc[hi + 1].dep_ == "prep" else hi + 1
    if lo - 1 < sent.start or doc[lo - 1].text != ",":
        return []
    after = doc[hi + 1] if hi + 1 < sent.end else None
    if after is not None and after.text not in {",", ".", "!", "?"}:
        return []
    pieces = [_trim_tokens([t for t in doc[sent.start:lo - 1]])]
    if after is not None and after.text == ",":
        pieces.append(_trim_tokens([t for t in doc[hi + 2:sent.end]]))
    out = []
    mention, s, e, stype = _mention(parse, subj)
    for toks in pieces:
        if len([t for t in toks if not t.is_punct]) < min_words:
            continue
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if "\n" in text[start:end] or _mark_share(parse, start, end) > 0.5 or parse.in_mark(start):
            continue
        out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                         speaker_start=s, speaker_end=e, verb=verb.text, attribution="verb", speaker_type=stype))
    return out


def _trim_tokens(toks: list[Any]) -> list[Any]:
    """Strip punctuation and spaces at both ends, keeping quotation marks that close or open."""
    closing, opening = set("”\"’'»"), set("“\"‘'«")
    while toks and (toks[-1].is_punct or toks[-1].is_space) and not (set(toks[-1].text) & closing):
        toks = toks[:-1]
    while toks and (toks[0].is_punct or toks[0].is_space) and not (set(toks[0].text) & opening):
        toks = toks[1:]
    return toks


def _mark_share(parse: _ArticleParse, start: int, end: int) -> float:
    covered = 0
    for m in parse.marks:
        lo, hi = max(start, m.start), min(end, m.end)
        if hi > lo:
            covered += hi - lo
    return covered / max(1, end - start)


def _nest(quotes: list[Quote], text: str) -> list[Quote]:
    """Drop duplicate reported spans and mark quotes that sit inside a reported-speech span."""
    # a reported clause whose last words are a quotation ends after the closing mark, which the
    # parser often hangs on the main verb instead
    indirect_idx = [k for k, q in enumerate(quotes) if q.kind == "indirect"]
    for q in quotes:
        if q.kind == "indirect":
            continue
        for k in indirect_idx:
            r = quotes[k]
            if r.start <= q.start < r.end < q.end and not text[r.end:q.end].strip(" .,;:!?”\"’'»"):
                quotes[k] = replace(r, end=q.end, quote=text[r.start:q.end])
    out: list[Quote] = []
    seen: set[tuple[int, int, str]] = set()
    for q in quotes:
        key = (q.start, q.end, q.kind)
        if key in seen:
            continue
        seen.add(key)
        out.append(q)
    # overlapping indirect spans (nested ccomps): keep the outer one
    indirect = [q for q in out if q.kind == "indirect"]
    drop: set[int] = set()
    for a in indirect:
        for b in indirect:
            if a is not b and a.start <= b.start and b.end <= a.end and (a.start, a.end) != (b.start, b.end):
                # "X said that ..., according to Y": the reporting verb is the closer attribution
                if a.attribution == "according" and b.attribution == "verb":
                    drop.add(id(a))
                else:
                    drop.add(id(b))
    out = [q for q in out if id(q) not in drop]
    result: list[Quote] = []
    for k, q in enumerate(out):
        parent = ""
        if q.kind != "indirect":
            for other in out:
                if other.kind == "indirect" and other.start <= q.start and q.end <= other.end:
                    parent = f"{q.article_id}:{other.start}"
                    break
        result.append(replace(q, contained_in=parent) if parent else q)
    return result


def _resolve(parse: _ArticleParse, quotes: list[Quote]) -> list[Quote]:
    """Turn mentions into names: pronouns, titles, floating and nested quotes, in text order."""
    persons = parse.persons
    by_start = {f"{q.article_id}:{q.start}": q for q in quotes if q.kind == "indirect"}
    # (position, name, gender) of earlier speakers: antecedents for "he said" and floating quotes
    voices: list[tuple[int, str, str]] = []
    surnames = {p.name.split()[-1].lower() for p in persons}
    # a gender named once by a title ("Mr.", "Ms.") holds for every mention of that person
    gender_of: dict[str, str] = {}
    for p in persons:
        if p.gender != "-":
            gender_of.setdefault(_full_name(persons, p), p.gender)
    final: list[Quote] = []
    for q in quotes:
        if q.contained_in:
            parent = by_start.get(q.contained_in)
            own = speech_verbs().get(q.verb.lower(), "|").split("|")[1] if q.verb else ""
            if parent is not None and own != "characterise":
                q = replace(q, speaker_mention=parent.speaker_mention, speaker_start=parent.speaker_start,
                            speaker_end=parent.speaker_end, verb=parent.verb, attribution="containing",
                            speaker_type=parent.speaker_type)
        if q.speaker_mention:
            name, how = _resolve_mention(parse, persons, voices, q)
            named = how == "name" and bool(name.split()) and name.split()[-1].lower() in surnames
            stype = "person" if how in ("pronoun", "title") or named else q.speaker_type
            q = replace(q, speaker=name, resolution=how, speaker_type=stype)
        elif q.attribution == "floating":
            name = _antecedent(persons, voices, q.start, gender="-", subjects_only=True)
            if name:
                q = replace(q, speaker=name, resolution="name", attribution="floating")
        if q.speaker:
            gender = _PRONOUN_GENDER.get(q.speaker_mention.lower(), "-")
            if gender == "-":
                gender = _strip_titles(q.speaker_mention)[1] if q.speaker_mention else "-"
            if gender == "-":
                gender = gender_of.get(q.speaker, "-")
            voices.append((q.speaker_start if q.speaker_start >= 0 else q.start, q.speaker, gender))
        final.append(q)
    return final


def _antecedent(persons: list[_Person], voices: list[tuple[int, str, str]], before: int, *, gender: str,
                subjects_only: bool) -> str:
    """Nearest earlier speaker or named subject compatible with ``gender`` (``-`` = any)."""
    cands: list[tuple[int, str]] = []
    for pos, name, g in voices:
        if pos < before and (gender == "-" or g in ("-", gender)):
            cands.append((pos, name))
    known = {_full_name(persons, p): p.gender for p in persons if p.gender != "-"}
    for p in persons:
        g = p.gender if p.gender != "-" else known.get(_full_name(persons, p), "-")
        if p.end <= before and (p.is_subject or not subjects_only) and (gender == "-" or g in ("-", gender)):
            cands.append((p.start, _full_name(persons, p)))
    if not cands:
        return ""
    return max(cands, key=lambda c: c[0])[1]


def _full_name(persons: list[_Person], p: _Person) -> str:
    """Longest name in the article sharing the surname of ``p`` ("Petrov" -> "Ivan Petrov")."""
    last = p.name.split()[-1].lower()
    best = p.name
    for o in persons:
        if o.name.split()[-1].lower() == last and len(o.name.split()) > len(best.split()):
            best = o.name
    return best


def _resolve_mention(parse: _ArticleParse, persons: list[_Person], voices: list[tuple[int, str, str]],
                     q: Quote) -> tuple[str, str]:
    mention = q.speaker_mention.strip()
    low = mention.lower()
    if low in _PRONOUN_GENDER:
        name = _antecedent(persons, voices, q.speaker_start, gender=_PRONOUN_GENDER[low], subjects_only=True)
        if not name:
            name = _antecedent(persons, voices, q.speaker_start, gender=_PRONOUN_GENDER[low], subjects_only=False)
        return (name, "pronoun") if name else ("", "none")
    if low in _OTHER_PRONOUNS:
        return "", "none"
    name, _ = _strip_titles(mention)
    surnames = {p.name.split()[-1].lower() for p in persons}
    if q.speaker_type == "group" and name and len(name.split()) == 1 and name.lower() in surnames:
        q = replace(q, speaker_type="person")  # the small model often tags a foreign surname as a place
    if q.speaker_type == "person" and name:
        tmp = _Person(0, 0, name, False, "-", frozenset())
        return _full_name(persons, tmp), "name"
    if q.speaker_type == "group":
        return re.sub(r"^(the|a|an)\s+", "", name, flags=re.I), "name"
    # a definite description: "the Finnish president", "the top US diplomat"
    words = [w.lower() for w in re.findall(r"[\w’'-]+", mention)]
    if words and words[0] in ("the", "this", "that") and len(words) >= 2:
        head, mods = words[-1], set(words[1:-1])
        prior = [p for p in persons if p.end <= q.speaker_start]
        titled = [p for p in prior if head in p.titles]
        if titled:
            best = max(titled, key=lambda p: (len(mods & p.titles), p.start))
            return _full_name(persons, best), "title"
        # "When X was asked ..., the top diplomat responded": a named subject of a clause
        # subordinate to the reporting verb is the person the description stands for
        spk = parse.doc[parse.tok_at(max(q.speaker_end - 1, 0))]
        verb = spk.head
        for child in verb.children:
            if child.dep_ == "advcl" and child.i < spk.i:
                for t in child.subtree:
                    if t.dep_ in ("nsubj", "nsubjpass") and t.ent_type_ in _PERSON_LABELS:
                        for p in prior:
                            if p.start <= t.idx < p.end:
                                return _full_name(persons, p), "title"
    return mention, "nominal"


# ---------------------------------------------------------------------------------------------
# corpus level: table, canonical names
# ---------------------------------------------------------------------------------------------

QUOTE_COLUMNS = ["quote_id", "article_id", "outlet", "start", "end", "quote", "speaker", "kind", "cluster_id",
                 "fidelity", "mutation", "speaker_mention", "speaker_start", "speaker_end", "verb",
                 "attribution", "resolution", "contained_in", "unbalanced", "n_words", "reference_quote_id",
                 "reference_text", "coverage", "diff"]


def extract_corpus(articles: pd.DataFrame, *, nlp: Any = None, include_cognition: bool = False,
                   batch_size: int = 16, cache_dir: str | None = None, engine: Engine | None = None
                   ) -> pd.DataFrame:
    """Quotes of every article as one table, speakers merged across the corpus.

    Parameters
    ----------
    articles : DataFrame
        Needs ``article_id`` and ``clean_text``; ``outlet`` is copied when present.
    include_cognition : bool, default=False
        See :func:`extract_quotes`.
    cache_dir : str, optional
        Folder of the on-disk parse cache; ``None`` parses everything afresh.
    engine : Engine, optional
        Where uncached paragraphs are parsed (:mod:`analysis.engine`); this process by default.

    Returns
    -------
    quotes : DataFrame
        The ``quotes`` columns of the module docstring; cluster and fidelity columns are empty
        until :func:`cluster_variants` and :func:`score_fidelity` fill them.
    """
    missing = [c for c in ("article_id", "clean_text") if c not in articles.columns]
    if missing:
        raise QuotesError(f"articles table lacks {missing}; run the clean stage (01_clean) first")
    from .nlp import load_spacy, parse_articles

    if nlp is None:
        nlp = load_spacy(parser=True, ner=True)
    arts = articles.sort_values("article_id")
    texts = [str(t) if isinstance(t, str) else "" for t in arts["clean_text"]]
    outlets = dict(zip(arts["article_id"].astype(str), arts["outlet"].astype(str))) if "outlet" in arts else {}
    rows: list[dict[str, Any]] = []
    parsed = parse_articles(texts, nlp=nlp, cache_dir=cache_dir, engine=engine)
    for aid, text, doc in zip(arts["article_id"].astype(str), texts, parsed):
        quotes = extract_quotes(text, article_id=aid, doc=doc, include_cognition=include_cognition)
        ids = {f"{aid}:{q.start}": f"{aid}:q{k:03d}" for k, q in enumerate(quotes)}
        for k, q in enumerate(quotes):
            rows.append({
                "quote_id": f"{aid}:q{k:03d}", "article_id": aid, "outlet": outlets.get(aid, ""),
                "start": q.start, "end": q.end, "quote": q.quote, "speaker": q.speaker, "kind": q.kind,
                "speaker_mention": q.speaker_mention, "speaker_start": q.speaker_start,
                "speaker_end": q.speaker_end, "verb": q.verb, "attribution": q.attribution,
                "resolution": q.resolution, "contained_in": ids.get(q.contained_in, ""),
                "unbalanced": q.unbalanced, "n_words": len(_words(q.quote)), "speaker_type": q.speaker_type,
            })
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=QUOTE_COLUMNS)
    for col, default in (("cluster_id", ""), ("fidelity", float("nan")), ("mutation", ""),
                         ("reference_quote_id", ""), ("reference_text", ""), ("coverage", float("nan")),
                         ("diff", "")):
        df[col] = default
    # only person names are merged: "the US president" and "the French president" are different people
    # (a lone capitalised word is a surname the model may have tagged as a place or organisation:
    # canonical_speakers maps it only when exactly one person in the corpus carries that surname)
    lone = df["speaker"].str.fullmatch(r"[A-Z][\w’'-]+") if not df.empty else df["speaker"].ne("")
    person = (df["speaker_type"].eq("person") | df["resolution"].isin(["pronoun", "title"])
              | df["attribution"].eq("floating") | lone) & df["speaker"].ne("") if not df.empty else lone
    if person.any():
        df.loc[person, "speaker"] = canonical_speakers(df.loc[person, "speaker"].tolist())
    return df[QUOTE_COLUMNS + [c for c in df.columns if c not in QUOTE_COLUMNS]]


def canonical_speakers(names: Sequence[str]) -> list[str]:
    """Merge name forms across the corpus: "Petrov" and "Ivan Petrov" -> "Ivan Petrov".

    Multi-word names are grouped by surname and a close first name (Mohammad / Mohammed); each group's most frequent form
    (ties: longest, then alphabetical) becomes canonical. A surname alone maps to its group only
    when exactly one group carries that surname, so two different Smiths are never merged.
    """
    from rapidfuzz import fuzz

    cleaned = [_strip_titles(n)[0] if n else "" for n in names]
    counts = Counter(n for n in cleaned if len(n.split()) >= 2)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    firsts: dict[str, list[str]] = defaultdict(list)  # surname -> representative first names
    for full in sorted(counts, key=lambda f: (-counts[f], f)):
        words = full.split()
        last, first = _fold(words[-1]), _fold(words[0])
        # spelling variants of one first name (Mohammad / Mohammed) are one person; John and Jane are not
        rep = next((f for f in firsts[last] if f == first or fuzz.ratio(f, first) >= 80), None)
        if rep is None:
            firsts[last].append(first)
            rep = first
        groups[(last, rep)].append(full)
    group_of = {full: key for key, forms in groups.items() for full in forms}
    canon_of_group = {key: sorted(forms, key=lambda f: (-counts[f], -len(f), f))[0] for key, forms in groups.items()}
    by_surname: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key in groups:
        by_surname[key[0]].add(key)
    out: list[str] = []
    for n in cleaned:
        words = n.split()
        if not words:
            out.append("")
        elif len(words) >= 2 and n in group_of:
            out.append(canon_of_group[group_of[n]])
        elif len(words) == 1 and len(by_surname.get(_fold(words[0]), ())) == 1:
            out.append(canon_of_group[next(iter(by_surname[_fold(words[0])]))])
        else:
            out.append(n)
    return out


# ---------------------------------------------------------------------------------------------
# 3. variant clusters
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[\w’']+")


def _norm_word(w: str) -> str:
    return w.lower().replace("’", "'")


def _words(text: str) -> list[str]:
    return [_norm_word(w) for w in _WORD.findall(text or "")]


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def quote_similarity(a: str, b: str, *, max_gap_ratio: float = 2.0) -> float:
    """How likely two renderings are the same utterance (0-1), fragments included.

    Word-level: the share of the shorter rendering's words found, in order, inside a compact
    stretch of the longer one (longest common subsequence; a stretch longer than
    ``max_gap_ratio`` times the shorter quote plus three words is scattered common words, not a
    shared fragment). The character-level ratio of the whole strings is the fallback, so
    spelling variants of equal-length quotes still match.
    """
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Indel

    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    equal = [op for op in Indel.opcodes(long_, short) if op.tag == "equal"]
    best = fuzz.ratio(" ".join(wa), " ".join(wb)) / 100
    if equal:
        matched = sum(op.src_end - op.src_start for op in equal)
        window = equal[-1].src_end - equal[0].src_start
        if window <= max_gap_ratio * len(short) + 3:
            best = max(best, matched / len(short))
    return round(best, 4)


def _candidate_pairs(words: list[list[str]], *, max_df: int, min_shared: int) -> set[tuple[int, int]]:
    """Pairs of quotes sharing rare content words, from an inverted index (not all pairs)."""
    stop = _stop_words()
    postings: dict[str, list[int]] = defaultdict(list)
    content = []
    for k, ws in enumerate(words):
        toks = sorted({w for w in ws if w not in stop and len(w) > 2})
        content.append(toks)
        for w in toks:
            postings[w].append(k)
    shared: Counter[tuple[int, int]] = Counter()
    for w, ids in postings.items():
        if len(ids) > max_df:
            continue  # too common to say two quotes are the same utterance
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                shared[(ids[x], ids[y])] += 1
    out = set()
    for (x, y), n in shared.items():
        need = min(min_shared, len(content[x]), len(content[y]))
        if n >= max(1, need):
            out.add((x, y))
    return out


def cluster_variants(quotes: pd.DataFrame, *, threshold: float = 0.75, misattribution_threshold: float = 0.9,
                     min_words: int = 4, min_unattributed_words: int = 6, min_misattribution_words: int = 8,
                     max_df: int = 50, min_shared: int = 2, use_embeddings: bool = False,
                     semantic_threshold: float = 0.8, embed_cache: dict | None = None,
                     engine: Engine | None = None) -> pd.DataFrame:
    """Give each direct or partial quote a ``cluster_id``; renderings of one utterance share it.

    Parameters
    ----------
    quotes : DataFrame
        From :func:`extract_corpus`.
    threshold : float, default=0.75
        :func:`quote_similarity` at or above which two renderings by the same (or an unknown)
        speaker are the same utterance.
    misattribution_threshold : float, default=0.9
        Renderings this close are the same utterance even when the speakers differ, so a
        misattribution shows up instead of hiding in two clusters.
    min_words : int, default=4
        Shorter quotes (scare quotes like "free", titles like "Meet the Press") are not clustered.
    min_unattributed_words : int, default=6
        A quote with no named speaker joins a cluster only if both renderings are this long.
    min_misattribution_words : int, default=8
        Renderings credited to different speakers are compared only from this length on.
    max_df, min_shared : int
        Inverted-index settings: words in more than ``max_df`` quotes are ignored, and a pair
        needs ``min_shared`` rare words in common to be compared.
    use_embeddings : bool, default=False
        Also link translation variants ("We support the idea of ending this conflict by
        peaceful means" / "... to stop this conflict in a peaceful way, that's something we
        support"): sentences of two renderings by the same named speaker in different articles,
        paired through the same word index, whose MiniLM cosine reaches ``semantic_threshold``.
        Skipped, with ``cluster_method`` saying so, when the embeddings extra is missing.
    semantic_threshold : float, default=0.8
        Cosine at which two sentences are the same utterance in different words.
    engine : Engine, optional
        Where the sentence embeddings run (:mod:`analysis.engine`); this process by default.

    Returns
    -------
    quotes : DataFrame
        A copy with ``cluster_id`` set for clustered kinds (singletons get their own id) and
        ``cluster_method``: ``lexical`` (joined by word alignment), ``semantic`` (joined only by
        meaning: a translation variant) or ``single``.
    """
    df = quotes.copy()
    df["cluster_id"] = ""
    df["cluster_method"] = ""
    eligible = df.index[(df["kind"].isin(["direct", "partial"])) & (df["n_words"] >= min_words)].tolist()
    if not eligible:
        return df
    texts = [str(df.at[i, "quote"]) for i in eligible]
    speakers = [str(df.at[i, "speaker"]) for i in eligible]
    persons = [str(df.at[i, "speaker_type"]) == "person" if "speaker_type" in df else True for i in eligible]
    words = [_words(t) for t in texts]
    parent = list(range(len(eligible)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    arts = [str(df.at[i, "article_id"]) for i in eligible]
    lexical: set[int] = set()
    for x, y in sorted(_candidate_pairs(words, max_df=max_df, min_shared=min_shared)):
        if arts[x] == arts[y]:
            continue  # variants are renderings by different articles; one article's quotes are distinct
        shorter = min(len(words[x]), len(words[y]))
        known = bool(speakers[x]) and bool(speakers[y])
        if not same_person(speakers[x], speakers[y], a_is_person=persons[x], b_is_person=persons[y]):
            # the same words under two names: only long quotes, so a stock phrase is no misattribution
            if shorter < min_misattribution_words:
                continue
            needed = misattribution_threshold
        else:
            # a short phrase with no named speaker ("Meet the Press") says nothing about who said it
            if not known and shorter < min_unattributed_words:
                continue
            needed = threshold
        sim = quote_similarity(texts[x], texts[y])
        if sim >= needed:
            lexical.update((x, y))
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
    semantic: set[int] = set()
    if use_embeddings:
        for x, y in _semantic_pairs(texts, speakers, arts, max_df=max_df, threshold=semantic_threshold,
                                    cache=embed_cache, engine=engine):
            if find(x) != find(y):
                semantic.update((x, y))
                rx, ry = find(x), find(y)
                parent[max(rx, ry)] = min(rx, ry)
    members: dict[int, list[int]] = defaultdict(list)
    for k in range(len(eligible)):
        members[find(k)].append(k)
    for root, ks in members.items():
        first = min(str(df.at[eligible[k], "quote_id"]) for k in ks)
        cid = "qc_" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:10]
        for k in ks:
            df.at[eligible[k], "cluster_id"] = cid
            df.at[eligible[k], "cluster_method"] = ("lexical" if k in lexical else "semantic" if k in semantic
                                                    else "single")
    return df


_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"‘'(\[]?[A-Z])")


def _semantic_pairs(texts: list[str], speakers: list[str], arts: list[str], *, max_df: int, threshold: float,
                    cache: dict | None, engine: Engine | None = None) -> list[tuple[int, int]]:
    """Quote pairs with a sentence each that means the same (MiniLM cosine), same named speaker."""
    from .nlp import embed

    units: list[tuple[int, str]] = []
    for k, text in enumerate(texts):
        if not speakers[k]:
            continue  # meaning alone never joins an unattributed fragment
        sents = [t for t in _SENTENCE_END.split(_strip_marks(text)) if t.strip()]
        # single sentences and adjacent pairs: outlets split one spoken sentence differently
        for n in (1, 2):
            for i in range(len(sents) - n + 1):
                unit = " ".join(sents[i:i + n])
                if len(_words(unit)) >= 4 and (n == 1 or len(sents) > 1):
                    units.append((k, unit))
    if len(units) < 2:
        return []
    cands = []
    for a, b in sorted(_candidate_pairs([_words(u[1]) for u in units], max_df=max_df, min_shared=2)):
        x, y = units[a][0], units[b][0]
        if x != y and arts[x] != arts[y] and same_person(speakers[x], speakers[y]):
            cands.append((a, b))
    if not cands:
        return []
    needed = sorted({i for pair in cands for i in pair})
    vectors = embed([units[i][1] for i in needed], cache=cache, engine=engine)
    row = {i: r for r, i in enumerate(needed)}
    out = set()
    for a, b in cands:
        if float(vectors[row[a]] @ vectors[row[b]]) >= threshold:
            x, y = units[a][0], units[b][0]
            out.add((min(x, y), max(x, y)))
    return sorted(out)


# ---------------------------------------------------------------------------------------------
# 4. fidelity
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    """Word alignment of a rendering against a reference.

    ``ops`` lists (tag, reference words, variant words) with tag in ``equal / delete / insert /
    replace / trim``; ``trim`` marks reference words outside the stretch the variant quotes.
    """

    ops: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    fidelity: float
    coverage: float
    n_insert: int
    n_delete: int
    n_replace: int


_SURFACE = re.compile(r"\S+")
# a hyphenated compound is aligned as two words and shown whole again ("rusted-out")
_HYPHEN_JOIN = re.compile(r"(?<=\w-) (?=\w)")


def _surface_words(text: str) -> list[tuple[str, str]]:
    """(as printed, normalised) pairs; punctuation-only chunks are dropped from the alignment."""
    out = []
    for chunk in _SURFACE.findall(text or ""):
        # "rusted-out" and "rusted out" are the same words
        for piece in re.split(r"(?<=\w-)(?=\w)", chunk):
            norm = "".join(_words(piece))
            if norm:
                out.append((piece, norm))
    return out


def align_words(reference: str, variant: str) -> Alignment:
    """Align ``variant`` to ``reference`` word by word (longest common subsequence).

    Case and punctuation are ignored. Unmatched words are deletions, insertions, or a
    replacement where a deletion meets an insertion; a deletion at either end that meets no
    insertion is ``trim`` (the variant quotes a fragment). ``fidelity`` is the Dice overlap of
    the variant with the untrimmed stretch of the reference (1.0 = a verbatim fragment);
    ``coverage`` is that stretch's share of the reference.
    """
    from rapidfuzz.distance import Indel

    ref, var = _surface_words(reference), _surface_words(variant)
    rn, vn = [w[1] for w in ref], [w[1] for w in var]
    if not rn or not vn:
        return Alignment((), 0.0, 0.0, len(vn), 0, 0)
    raw = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Indel.opcodes(rn, vn)]
    equal = [op for op in raw if op[0] == "equal"]
    if not equal:
        ops = (("replace", tuple(w[0] for w in ref), tuple(w[0] for w in var)),)
        return Alignment(ops, 0.0, 1.0, 0, 0, 1)
    ops_list: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
    for tag, s1, e1, s2, e2 in raw:
        r = tuple(w[0] for w in ref[s1:e1])
        v = tuple(w[0] for w in var[s2:e2])
        if ops_list and {ops_list[-1][0], tag} == {"delete", "insert"}:
            prev = ops_list.pop()
            # a dropped stretch next to an added one is a substitution, in reference order
            ops_list.append(("replace", prev[1] + r, prev[2] + v))
            continue
        ops_list.append((tag, r, v))
    # reference words before the first and after the last aligned word are not quoted at all;
    # at an edge, a long dropped stretch next to a few added words is a trim plus an insertion
    if ops_list:
        last = len(ops_list) - 1
        for k in sorted({0, last}, reverse=True):
            tag, r, v = ops_list[k]
            if tag == "delete":
                ops_list[k] = ("trim", r, ())
            elif tag == "replace" and len(r) > len(v) + 2:
                pair = [("trim", r, ()), ("insert", (), v)]
                ops_list[k:k + 1] = pair if k == 0 else pair[::-1]
    matched = sum(e1 - s1 for _, s1, e1, _, _ in equal)
    window = len(rn) - sum(len(r) for t, r, _ in ops_list if t == "trim")
    fidelity = 2 * matched / (window + len(vn))
    n_ins = sum(len(v) for t, _, v in ops_list if t == "insert")
    n_del = sum(len(r) for t, r, _ in ops_list if t == "delete")
    n_rep = sum(1 for t, _, _ in ops_list if t == "replace")
    return Alignment(tuple(ops_list), round(fidelity, 4), round(window / len(rn), 4), n_ins, n_del, n_rep)


def align_to_best_segment(reference: str, variant: str) -> Alignment:
    """:func:`align_words` against the stretch of whole sentences of ``reference`` (one, two, or
    all of them) that the variant renders best, the other sentences counted as trimmed.

    A translation variant of one sentence of a long quotation is then compared with that
    sentence, not diluted by the sentences it never claimed to quote.
    """
    best = align_words(reference, variant)
    sents = [t for t in _SENTENCE_END.split(reference) if t.strip()]
    if len(sents) < 2:
        return best
    for n in (1, 2):
        for i in range(len(sents) - n + 1):
            seg = " ".join(sents[i:i + n])
            al = align_words(seg, variant)
            if al.fidelity > best.fidelity + 1e-9:
                before = tuple(w for t in sents[:i] for w in t.split())
                after = tuple(w for t in sents[i + n:] for w in t.split())
                ops = ((("trim", before, ()),) if before else ()) + al.ops + ((("trim", after, ()),) if after else ())
                n_ref = len(_surface_words(reference))
                window = al.coverage * len(_surface_words(seg))
                best = replace(al, ops=ops, coverage=round(window / max(1, n_ref), 4))
    return best


def diff_html(reference: str, variant: str) -> str:
    """A readable word diff of ``variant`` against ``reference`` as an escaped HTML fragment.

    Words the variant dropped are ``<del>``, words it added are ``<ins>``; reference words it
    does not quote at all (trimmed) are greyed. Pure: the same inputs give the same string, and
    every piece of text is HTML-escaped, so the report can embed it as is.
    """
    al = align_to_best_segment(reference, variant)
    if not al.ops:
        return f'<span class="quote-diff"><ins class="qd-ins">{html.escape(variant or "")}</ins></span>'
    parts: list[str] = []
    for tag, r, v in al.ops:
        rs, vs = html.escape(" ".join(r)), html.escape(" ".join(v))
        if tag == "equal":
            parts.append(vs)
        elif tag == "trim":
            parts.append(f'<span class="qd-trim">{rs}</span>')
        elif tag == "delete":
            parts.append(f'<del class="qd-del">{rs}</del>')
        elif tag == "insert":
            parts.append(f'<ins class="qd-ins">{vs}</ins>')
        else:
            parts.append(f'<del class="qd-del">{rs}</del> <ins class="qd-ins">{vs}</ins>')
    return '<span class="quote-diff">' + _HYPHEN_JOIN.sub("", " ".join(parts)) + "</span>"


def diff_text(reference: str, variant: str) -> str:
    """The same diff as :func:`diff_html` in plain text: ``[-dropped-] {+added+} (…trimmed…)``."""
    return _diff_text(align_to_best_segment(reference, variant))


def _diff_text(al: Alignment) -> str:
    parts = []
    for tag, r, v in al.ops:
        if tag == "equal":
            parts.append(" ".join(v))
        elif tag == "trim":
            parts.append("(…)")
        elif tag == "delete":
            parts.append("[-" + " ".join(r) + "-]")
        elif tag == "insert":
            parts.append("{+" + " ".join(v) + "+}")
        else:
            parts.append("[-" + " ".join(r) + "-] {+" + " ".join(v) + "+}")
    out = _HYPHEN_JOIN.sub("", " ".join(parts))
    return re.sub(r"(\(…\)\s*)+", "(…) ", out).strip()


def mutation_type(al: Alignment, *, same_speaker: bool, reworded_floor: float = 0.6) -> str:
    """Name what happened to a rendering: verbatim, trimmed, expanded, reworded,
    paraphrase-in-quotes or misattributed (same words, a different speaker)."""
    if not same_speaker:
        return "misattributed"
    if al.fidelity >= 0.999:
        return "verbatim" if al.coverage >= 0.999 else "trimmed"
    if al.n_delete == 0 and al.n_replace == 0 and al.n_insert > 0:
        return "expanded"
    if al.fidelity >= reworded_floor:
        return "reworded"
    return "paraphrase-in-quotes"


def find_in_transcript(transcript: str, quote: str, *, min_score: float = 0.6) -> str | None:
    """The transcript passage a rendering best aligns with, widened to whole words, or None."""
    from rapidfuzz import fuzz

    if not transcript or not quote:
        return None
    res = fuzz.partial_ratio_alignment(quote, transcript)
    if res is None or res.score / 100 < min_score:
        return None
    lo, hi = res.dest_start, res.dest_end
    while lo > 0 and not transcript[lo - 1].isspace():
        lo -= 1
    while hi < len(transcript) and not transcript[hi].isspace():
        hi += 1
    return transcript[lo:hi].strip()


def score_fidelity(quotes: pd.DataFrame, *, reference_transcript: str | None = None,
                   reworded_floor: float = 0.6) -> pd.DataFrame:
    """Fill ``fidelity, mutation, reference_quote_id, coverage, diff`` for clustered quotes.

    Parameters
    ----------
    quotes : DataFrame
        With ``cluster_id`` from :func:`cluster_variants`.
    reference_transcript : str, optional
        Text of what was actually said. When given, each cluster's reference is the transcript
        passage best aligned with its longest rendering (``reference_quote_id = "transcript"``)
        and even a single rendering is scored; otherwise the longest rendering is the reference.
    reworded_floor : float, default=0.6
        Fidelity below which a quoted rendering counts as a paraphrase dressed as a quote.
    """
    df = quotes.copy()
    for col, default in (("fidelity", float("nan")), ("mutation", ""), ("reference_quote_id", ""),
                         ("reference_text", ""), ("coverage", float("nan")), ("diff", "")):
        if col not in df:
            df[col] = default
    df["fidelity"] = df["fidelity"].astype(float)
    df["coverage"] = df["coverage"].astype(float)
    members: dict[str, list[tuple[Any, str, int, str, str]]] = defaultdict(list)
    is_person: dict[str, bool] = defaultdict(bool)
    for spk, typ in zip(df["speaker"], df["speaker_type"] if "speaker_type" in df else ["person"] * len(df)):
        is_person[str(spk)] |= typ == "person"
    for idx, cid, qid, n_words, quote, speaker in zip(df.index, df["cluster_id"], df["quote_id"], df["n_words"],
                                                      df["quote"], df["speaker"]):
        if cid:
            members[str(cid)].append((idx, str(qid), int(n_words), str(quote), str(speaker)))
    results: dict[Any, tuple[float, float, str, str, str, str]] = {}
    for cid in sorted(members):
        group = members[cid]
        if len(group) < 2 and not reference_transcript:
            continue  # nothing to compare a lone rendering with
        ref = min(group, key=lambda r: (-r[2], r[1]))  # the longest rendering, ties by id
        ref_text, ref_id = ref[3], ref[1]
        if reference_transcript:
            passage = find_in_transcript(reference_transcript, _strip_marks(ref_text))
            if passage is not None:
                ref_text, ref_id = passage, "transcript"
            elif len(group) < 2:
                continue  # not in the transcript and no other rendering: nothing to compare
        speakers = Counter(r[4] for r in group if r[4])
        main_speaker = sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if speakers else ""
        ref_clean = _strip_marks(ref_text)
        for idx, _qid, _n, quote, speaker in group:
            al = align_to_best_segment(ref_clean, _strip_marks(quote))
            same = same_person(speaker, main_speaker, a_is_person=is_person.get(speaker, True),
                               b_is_person=is_person.get(main_speaker, True))
            results[idx] = (al.fidelity, al.coverage, mutation_type(al, same_speaker=same, reworded_floor=reworded_floor),
                            ref_id, ref_text, _diff_text(al))
    if results:
        idx = list(results)
        cols = list(zip(*results.values()))
        for name, values in zip(("fidelity", "coverage", "mutation", "reference_quote_id", "reference_text", "diff"),
                                cols):
            df.loc[idx, name] = list(values)
    return df


def _fold(text: str) -> str:
    """Lower case without accents, so "Raúl" and "Raul" compare equal."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def same_person(a: str, b: str, *, a_is_person: bool = True, b_is_person: bool = True) -> bool:
    """Could speakers ``a`` and ``b`` be the same person? False only for two people's names with
    different surnames ("Mike Thibodeau" / "Michael Thibodeau" may be one person; an unnamed
    "the senator" or an organisation such as "the White House" may stand for anyone)."""
    if not a or not b or not (a_is_person and b_is_person):
        return True
    wa, wb = a.split(), b.split()
    if not (wa[0][:1].isupper() and wb[0][:1].isupper()):
        return True  # a description ("the senator", "a spokesman") is not a competing name
    return _fold(wa[-1]).strip(".,’'") == _fold(wb[-1]).strip(".,’'")


def _strip_marks(text: str) -> str:
    return text.strip().strip("“”\"‘’'«»„").strip()


def cluster_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per cluster with renderings in two or more articles, lowest fidelity first."""
    cols = ["cluster_id", "speaker", "n_renderings", "n_articles", "n_outlets", "reference_quote_id",
            "reference_text", "min_fidelity", "mean_fidelity", "mutations", "method"]
    rows = []
    for cid, g in quotes[quotes["cluster_id"] != ""].groupby("cluster_id", sort=True):
        if g["article_id"].nunique() < 2:
            continue
        ref_id = str(g["reference_quote_id"].iloc[0])
        ref = g["reference_text"] if "reference_text" in g else quotes.loc[quotes["quote_id"] == ref_id, "quote"]
        speakers = Counter(s for s in g["speaker"] if s)
        rows.append({
            "cluster_id": cid, "speaker": speakers.most_common(1)[0][0] if speakers else "",
            "n_renderings": len(g), "n_articles": g["article_id"].nunique(),
            "n_outlets": g["outlet"].nunique() if "outlet" in g else g["article_id"].nunique(),
            "reference_quote_id": ref_id, "reference_text": str(ref.iloc[0]) if len(ref) else "",
            "min_fidelity": float(g["fidelity"].min()), "mean_fidelity": round(float(g["fidelity"].mean()), 4),
            "mutations": "; ".join(f"{k} {v}" for k, v in sorted(Counter(g["mutation"]).items()) if k),
            "method": "+".join(sorted(set(g["cluster_method"]) - {"", "single"})) if "cluster_method" in g else "lexical",
        })
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["min_fidelity", "cluster_id"]).reset_index(drop=True)


def voices_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """Who gets a voice: quotes per outlet and speaker (nested fragments not double-counted)."""
    q = quotes[(quotes["contained_in"] == "") & (quotes["speaker"] != "")]
    cols = ["outlet", "speaker", "n_quotes", "n_direct", "n_partial", "n_indirect"]
    if q.empty:
        return pd.DataFrame(columns=cols)
    out = (q.assign(n_direct=q["kind"].eq("direct").astype(int), n_partial=q["kind"].eq("partial").astype(int),
                    n_indirect=q["kind"].eq("indirect").astype(int))
           .groupby(["outlet", "speaker"], sort=True)[["n_direct", "n_partial", "n_indirect"]].sum().reset_index())
    out["n_quotes"] = out[["n_direct", "n_partial", "n_indirect"]].sum(axis=1)
    return out[cols].sort_values(["outlet", "n_quotes", "speaker"], ascending=[True, False, True]).reset_index(drop=True)


def build_quotes(articles: pd.DataFrame, *, reference_transcript: str | None = None,
                 include_cognition: bool = False, threshold: float = 0.75, use_embeddings: bool = False,
                 nlp: Any = None, engine: Engine | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run the whole stage: extract, cluster, score. Returns (quotes, clusters, voices).

    ``use_embeddings`` is honoured only when :func:`analysis.nlp.embedder_status` says the extra
    is installed; otherwise clustering is lexical only (see ``cluster_method``). ``engine`` says
    where parses and embeddings run (:mod:`analysis.engine`; this process by default).
    """
    quotes = extract_corpus(articles, nlp=nlp, include_cognition=include_cognition, engine=engine)
    if use_embeddings:
        from .nlp import embedder_status

        use_embeddings = embedder_status(use_embeddings=True).available
    quotes = cluster_variants(quotes, threshold=threshold, use_embeddings=use_embeddings, engine=engine)
    quotes = score_fidelity(quotes, reference_transcript=reference_transcript)
    quotes = quotes.sort_values(["article_id", "start", "quote_id"]).reset_index(drop=True)
    return quotes, cluster_table(quotes), voices_table(quotes)


# ---------------------------------------------------------------------------------------------
# 5. report pieces (pure: DataFrames in, strings / figures out)
# ---------------------------------------------------------------------------------------------

MUTATION_HELP = {
    "verbatim": "the same words as the reference",
    "trimmed": "a verbatim fragment of the reference",
    "expanded": "the reference's words plus added ones",
    "reworded": "some words substituted or dropped",
    "paraphrase-in-quotes": "mostly different words inside quotation marks",
    "misattributed": "the same words credited to a different speaker",
}


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
                     "<th>fidelity</th><th>diff against the reference</th></tr>")
        for m in members.itertuples(index=False):
            diff = diff_html(_strip_marks(ref_text), _strip_marks(str(m.quote)))
            parts.append(f"<tr><td>{esc(str(m.outlet))}</td><td>{esc(str(m.speaker))}</td>"
                         f"<td>{esc(str(m.mutation))}</td><td>{float(m.fidelity):.2f}</td><td>{diff}</td></tr>")
        parts.append("</table>")
    return "".join(parts)


def quotes_summary(quotes: pd.DataFrame, clusters: pd.DataFrame, voices: pd.DataFrame, *,
                   reference: str = "longest rendering", embeddings_note: str = "") -> dict[str, Any]:
    """The stage summary: method, notes and plain-English findings generated from the tables.

    ``embeddings_note`` is :func:`analysis.nlp.embedder_status`'s note when embeddings were asked
    for; the method then reads ``+minilm`` if translation variants were linked by meaning.
    """
    top = quotes[quotes["contained_in"] == ""]
    kinds = Counter(top["kind"])
    notes = [
        "Quotes are found on each article's whole clean text, so a quotation spanning sentences or "
        "paragraphs is one quote; offsets index clean_text.",
        "Speakers come from the subject of a reporting verb in the same sentence, 'according to', or for "
        "floating quotes the nearest earlier speaker; pronouns and titles resolve to the closest compatible "
        "named person (spaCy en_core_web_sm parse and NER).",
        "Variant clusters: candidate pairs from an inverted index of rare content words, verified by word-level "
        f"alignment (rapidfuzz); fidelity is measured against the {reference}.",
        "Partial quotes with no reporting verb (scare quotes, titles) keep an empty speaker and are left out "
        "of the speaker counts.",
    ]
    semantic = "cluster_method" in quotes and bool((quotes["cluster_method"] == "semantic").any())
    if embeddings_note:
        notes.append(embeddings_note + (" Translation variants were linked by sentence meaning (cosine of "
                                        "MiniLM embeddings); cluster_method = semantic marks them."
                                        if "MiniLM" in embeddings_note or "all-MiniLM" in embeddings_note else ""))
    else:
        notes.append("Clusters are lexical only (sentence embeddings not used): a translation variant in "
                     "different words stays a separate quote.")
    findings: list[str] = []
    n_articles = quotes["article_id"].nunique() if not quotes.empty else 0
    findings.append(f"{len(top)} quotes in {n_articles} articles: {kinds.get('direct', 0)} direct, "
                    f"{kinds.get('partial', 0)} partial and {kinds.get('indirect', 0)} reported (indirect).")
    attributed = top[top["speaker"] != ""]
    if not attributed.empty:
        per = attributed.groupby("speaker").agg(n=("quote_id", "size"), outlets=("outlet", "nunique"))
        per = per.sort_values(["n", "outlets"], ascending=False, kind="mergesort")
        lead = per.index[0]
        findings.append(f"{lead} is quoted most: {int(per.iloc[0]['n'])} times in {int(per.iloc[0]['outlets'])} "
                        f"outlet(s).")
        only_one = [s for s, r in per.iterrows() if r["outlets"] == 1 and r["n"] >= 2]
        if only_one:
            findings.append("Voices heard in one outlet only: " + ", ".join(sorted(only_one)[:6]) + ".")
    if not clusters.empty:
        findings.append(f"{len(clusters)} utterance(s) were quoted by two or more articles.")
        worst = clusters.iloc[0]
        members = quotes[quotes["cluster_id"] == worst["cluster_id"]].sort_values(["fidelity", "quote_id"])
        m = members.iloc[0]
        how = (" — matched by meaning only, so possibly another translation rather than a distortion"
               if m.get("cluster_method", "") == "semantic" else "")
        findings.append(f"Least faithful rendering: {m['outlet'] or m['article_id']} quoting "
                        f"{m['speaker'] or 'an unnamed speaker'} (fidelity {float(m['fidelity']):.2f}, "
                        f"{m['mutation']}{how}): {m['quote'][:160]}")
        mis = quotes[quotes["mutation"] == "misattributed"]
        if not mis.empty:
            findings.append(f"{len(mis)} rendering(s) credit words to a different speaker than the other outlets.")
    counts = Counter(quotes.loc[quotes["mutation"] != "", "mutation"])
    return {
        "method": "spacy-rules+rapidfuzz" + ("+minilm" if semantic or ("MiniLM" in embeddings_note) else ""),
        "notes": notes,
        "findings": findings,
        "n_quotes": int(len(top)),
        "n_direct": int(kinds.get("direct", 0)),
        "n_partial": int(kinds.get("partial", 0)),
        "n_indirect": int(kinds.get("indirect", 0)),
        "n_clusters": int(len(clusters)),
        "mutations": dict(sorted(counts.items())),
        "reference": reference,
    }
