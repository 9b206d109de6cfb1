"""Claims: every sentence split into clauses that each carry one fact, with their signatures.

A sentence is split at ``;`` and before contrastive conjunctions when both parts are long enough
(:func:`_split_clauses`); with ``subclauses`` embedded clauses are added as evidence-only claims.
Each claim carries its :class:`~analysis.coverage.signatures.Signature` (numbers, dates, people)
and the event frames whose predicate falls inside it. The spaCy parse is the only expensive step,
done once per article, by the ``parse`` callable the stage is given
(:meth:`analysis.annotate.Annotator.parse_articles`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Sequence

import pandas as pd

from .. import nlp
from .frames import Frame, event_frames
from .model import ARTICLE_COLUMNS, SENTENCE_COLUMNS, _check_columns
from .signatures import _HONORIFICS, _WORD, _surname, signature

# clause boundaries: a semicolon, or a contrastive conjunction between two clauses
# "while" without a comma is usually temporal ("what happens while fighting is paused"): keep it
_CLAUSE_SPLIT = re.compile(r"\s*;\s+|,?\s+(?=but\s)|,\s+(?=(?:while|whereas|although)\s)")
# ", and I think ..." starts a new clause with its own subject; needs longer parts to split
_AND_SPLIT = re.compile(r",\s+and\s+(?=(?:I|we|he|she|they)\s)")

#: an embedded clause longer than this share of its sentence's words repeats the sentence: no sub-claim
_SUB_MAX_SHARE = 0.7

_CLAIM_COLS = ["claim_id", "article_id", "outlet", "sent_id", "start", "end", "text", "section", "kind",
               "numbers", "dates", "persons", "frames", "_sig", "_frames"]


def _subclause_spans(doc: Any, *, min_words: int) -> list[tuple[int, int]]:
    """Character spans of embedded clauses: a relative clause with the noun it describes, or an
    adverbial clause ("after X signalled Y"), each at least ``min_words`` words long."""
    spans = []
    for tok in doc:
        if tok.dep_ not in ("relcl", "advcl"):
            continue
        head = tok.head if tok.dep_ == "relcl" else tok
        sub = list(head.subtree)
        span = doc[sub[0].i: sub[-1].i + 1]
        text = span.text.rstrip(" ,;")
        if len(_WORD.findall(text)) >= min_words:
            spans.append((span.start_char, span.start_char + len(text)))
    return spans


def _split_clauses(text: str, *, min_words: int) -> list[tuple[int, int]]:
    """Character spans of the clauses of a sentence; parts shorter than ``min_words`` stay joined."""
    cuts = [0]
    found = [(m, min_words) for m in _CLAUSE_SPLIT.finditer(text)]
    found += [(m, min_words + 3) for m in _AND_SPLIT.finditer(text)]
    found.sort(key=lambda t: t[0].start())
    for k, (m, need) in enumerate(found):
        if m.start() < cuts[-1]:
            continue
        left = text[cuts[-1]:m.start()]
        # the right part runs to the next possible boundary, not to the end of the sentence
        nxt = found[k + 1][0].start() if k + 1 < len(found) else len(text)
        right = text[m.end():nxt]
        if len(_WORD.findall(left)) >= need and len(_WORD.findall(right)) >= need:
            cuts.append(m.end())
    spans = []
    for i, start in enumerate(cuts):
        end = len(text) if i + 1 == len(cuts) else cuts[i + 1]
        piece = text[start:end]
        stripped = re.sub(r"(?:[\s,;]+and)?[\s,;]*$", "", piece) if i + 1 < len(cuts) else piece.rstrip()
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + len(stripped)))
    return spans


@dataclass(frozen=True)
class _ArticleParses:
    """What the parse of each article contributes to its claims, by article id."""

    persons: dict[str, list[tuple[int, int, str]]]  # (start, end, name) of confirmed PERSON mentions
    subclauses: dict[str, list[tuple[int, int]]]  # embedded-clause spans (only with ``subclauses``)
    frames: dict[str, list[Frame]]


def read_parse(text: str, doc: Any, extra: Any = "", *, subclauses: bool, min_words: int
               ) -> tuple[list[tuple[int, int, str, str]], list[Frame], list[tuple[int, int]] | None]:
    """What claims need from one article's parse: named entities, event frames, embedded clauses
    (``None`` without ``subclauses`` or a dependency parse). Per article and pure, so a run folder
    keeps it between runs (:meth:`analysis.annotate.Annotator.derive`)."""
    ents = [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents
            if e.label_ in ("PERSON", "GPE", "LOC", "ORG", "NORP", "FAC")]
    frames = event_frames(doc) if doc.has_annotation("DEP") else []
    subs = _subclause_spans(doc, min_words=max(min_words, 5)) if subclauses and doc.has_annotation("DEP") else None
    return ents, frames, subs


def _read_parses(ids: list[str], read: list[tuple[list, list[Frame], list | None]]) -> _ArticleParses:
    """Each article's :func:`read_parse` result, with PERSON mentions confirmed over the corpus."""
    ents_by_article = {art_id: ents for art_id, (ents, _, _) in zip(ids, read)}
    frames_by_article = {art_id: frames for art_id, (_, frames, _) in zip(ids, read)}
    subs_by_article = {art_id: subs for art_id, (_, _, subs) in zip(ids, read) if subs is not None}
    return _ArticleParses(_confirmed_persons(ents_by_article), subs_by_article, frames_by_article)


def _confirmed_persons(ents_by_article: dict[str, list[tuple[int, int, str, str]]]
                       ) -> dict[str, list[tuple[int, int, str]]]:
    """The PERSON mentions the corpus as a whole confirms as people.

    The small NER model sometimes tags a place as a person (a city name); a name counts as a person
    only when most of its mentions across the corpus are tagged PERSON. And news style introduces
    a person by full name at least once; a one-word "person" never so introduced is usually a
    place the small model mis-tagged.
    """
    votes: dict[str, dict[str, int]] = {}
    for ents in ents_by_article.values():
        for _, _, text, label in ents:
            key = _surname(text)
            votes.setdefault(key, {}).setdefault(label, 0)
            votes[key][label] += 1
    full_names = {_surname(t) for ents in ents_by_article.values() for _, _, t, label in ents
                  if label == "PERSON" and len([w for w in _WORD.findall(t)
                                                if w.lower().strip(".") not in _HONORIFICS]) >= 2}
    return {art_id: [(a, b, t) for a, b, t, label in ents
                     if label == "PERSON" and _surname(t) in full_names
                     and votes[_surname(t)]["PERSON"] * 2 > sum(votes[_surname(t)].values())]
            for art_id, ents in ents_by_article.items()}


def _claim_row(s: Any, cid: str, start: int, end: int, kind: str, *, text: str, outlet: str,
               parses: _ArticleParses) -> dict:
    """One row of the ``claims`` table: the span ``start:end`` of article ``s.article_id``."""
    art = str(s.article_id)
    names = [t for ps, pe, t in parses.persons.get(art, []) if ps >= start and pe <= end]
    sig = signature(text, names)
    acts = [f for f in parses.frames.get(art, []) if start <= f.char < end]
    return {
        "claim_id": cid, "article_id": art, "outlet": outlet or art,
        "sent_id": str(s.sent_id), "start": start, "end": end, "text": text,
        "section": str(s.section), "kind": kind,
        "numbers": "; ".join(sorted(x[2] for x in sig.numbers)),
        "dates": "; ".join(sorted(x[2] for x in sig.dates)),
        "persons": "; ".join(sorted({x[2] for x in sig.persons})),
        "frames": "; ".join(f.describe() for f in acts),
        "_sig": sig, "_frames": tuple(acts),
    }


def _sentence_spans(s: Any, article_text: str, subs: list[tuple[int, int]], *, min_words: int,
                    clause_min_words: int) -> list[tuple[str, int, int, str]]:
    """``(claim_id, start, end, kind)`` of one sentence's claims: its clauses, then new sub-claims."""
    out = []
    spans = []
    for k, (a, b) in enumerate(_split_clauses(str(s.text), min_words=clause_min_words)):
        if len(_WORD.findall(str(s.text)[a:b])) < min_words:
            continue
        spans.append((int(s.start) + a, int(s.start) + b))
        out.append((f"{s.sent_id}:c{k}", int(s.start) + a, int(s.start) + b, "clause"))
    sent_words = len(_WORD.findall(str(s.text)))
    inside = [(a, b) for a, b in subs if a >= int(s.start) and b <= int(s.end)]
    for k, (a, b) in enumerate(sorted(set(inside))):
        # only a genuine part of a clause is new evidence; near-whole-sentence spans repeat it
        if (a, b) in spans or len(_WORD.findall(article_text[a:b])) > _SUB_MAX_SHARE * sent_words:
            continue
        out.append((f"{s.sent_id}:r{k}", a, b, "sub"))
    return out


def _article_reads(texts: list[str], *, parse: Callable[[Sequence[str]], list[Any]] | None,
                   derive: Callable[..., list[Any]] | None, nlp_model: Any, subclauses: bool,
                   min_words: int) -> list[Any]:
    """What each article's parse gives the claims (:func:`read_parse`), in the order of ``texts``:
    through ``derive`` when given (kept per article in the run folder, so a rerun reads only new
    articles' parses), else from ``parse`` (by default spaCy afresh with ``nlp_model``)."""
    # the full pipeline, paragraph by paragraph: the same parses the quotes stage needs, so with a
    # parse cache they are made once for both (NER output does not depend on the parser being on)
    if parse is None:
        model = nlp_model if nlp_model is not None else nlp.load_spacy(parser=True, ner=True)
        parse = partial(nlp.parse_articles, nlp=model)
    read = partial(read_parse, subclauses=subclauses, min_words=min_words)
    if derive is not None:
        return derive("coverage-claims", read, texts, params=f"subclauses={subclauses},min_words={min_words}",
                      code=("coverage",))
    return [read(t, doc) for t, doc in zip(texts, parse(texts))]


def claims(articles: pd.DataFrame, sentences: pd.DataFrame, *, min_words: int = 4,
           clause_min_words: int = 3, subclauses: bool = False, nlp_model: Any = None,
           parse: Callable[[Sequence[str]], list[Any]] | None = None, derive: Callable[..., list[Any]] | None = None
           ) -> pd.DataFrame:
    """Split every sentence into claims and attach each claim's signature.

    Parameters
    ----------
    articles, sentences : DataFrame
        The clean stage's tables (see ``DESIGN.md``).
    min_words : int, default=4
        Claims with fewer words ("Featured", a bare dateline) carry no fact and are dropped.
    clause_min_words : int, default=3
        A sentence is split at ``;`` or before "but/while/whereas/although" only when both parts
        have at least this many words, so "X supports it, but details must be discussed" gives two
        claims while "but also" fragments stay attached.
    subclauses : bool, default=False
        Also add embedded clauses (a relative clause with its noun, an adverbial clause such as
        "after negotiators signalled they could back the plan") as ``kind == "sub"`` claims. A
        fact stated only inside a sentence about something else is still evidence; sub-claims
        may be attached to a fact but never found one. Needs the dependency parser (slower).
        Off by default: on the seed corpus most of its attachments were topical (a place
        named in a relative clause) rather than the same fact.
    parse : callable, optional
        Article texts -> one spaCy Doc per text, paragraph by paragraph
        (:meth:`analysis.annotate.Annotator.parse_articles`: the run folder's parse cache, on the
        run's engine); by default parsed here afresh with ``nlp_model``.
    derive : callable, optional
        :meth:`analysis.annotate.Annotator.derive`: what each article's parse gives the claims
        (:func:`read_parse`) is then kept in the run folder, and only articles not seen before
        are parsed. By default every article is parsed with ``parse``.
    nlp_model : spaCy Language, optional
        Pipeline with NER (and the parser when ``subclauses``); defaults to
        :func:`analysis.nlp.load_spacy`.

    Returns
    -------
    DataFrame
        The ``claims`` table of the package docstring, ordered by article and offset.
    """
    _check_columns(articles, ARTICLE_COLUMNS, "articles")
    _check_columns(sentences, SENTENCE_COLUMNS, "sentences")
    ids = articles["article_id"].astype(str).tolist()
    per_article = _article_reads(articles["clean_text"].astype(str).tolist(), parse=parse, derive=derive,
                                 nlp_model=nlp_model, subclauses=subclauses, min_words=min_words)
    parses = _read_parses(ids, per_article)
    outlet = dict(zip(ids, articles["outlet"].astype(str)))
    texts = dict(zip(ids, articles["clean_text"].astype(str)))
    rows = []
    for s in sentences.sort_values(["article_id", "start"]).itertuples(index=False):
        art = str(s.article_id)
        for cid, start, end, kind in _sentence_spans(s, texts[art], parses.subclauses.get(art, []),
                                                     min_words=min_words, clause_min_words=clause_min_words):
            rows.append(_claim_row(s, cid, start, end, kind, text=texts[art][start:end],
                                   outlet=outlet.get(art, ""), parses=parses))
    return pd.DataFrame(rows, columns=_CLAIM_COLS).reset_index(drop=True)
