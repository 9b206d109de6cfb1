"""Attribution: find direct, partial and reported quotes in one article and who said them.

:func:`extract_quotes` parses the text once with spaCy and attributes each quote: the subject of
a reporting verb in the same sentence ("X said", "said X", "X, who ..., said", "X asked:",
"according to X"), else, for a floating quote, the nearest preceding attributed speaker.
Reported speech ("X said that ...", "..., X said.", "according to X, ...") is found from the
parse and flagged ``kind="indirect"``; with ``include_cognition``, beliefs, intentions and stances
too (:mod:`analysis.quotes.attitudes`). Turning the words that name a speaker into a name is
:mod:`analysis.quotes.speakers`' job; the clause helpers are in :mod:`analysis.quotes.clauses`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..errors import QuotesError
from .attitudes import adjective_quotes, label_quotes, noun_quotes, object_quote
from .clauses import according_to, positional_speaker, subject_of, verb_info
from .lexicon import GROUP_LABELS
from .marks import TRANSCRIPT_LABEL, find_quote_marks
from .model import MarkSpan, Quote
from .parse import ArticleParse, mark_share, parse_article, quote_frame, trim_tokens
from .speakers import mention_of, resolve_speakers


# verb categories of quotes_speech_verbs.tsv: only speech reports a statement; all attribute a quote
SPEECH = ("speech",)
ALL_CATEGORIES = ("speech", "cognition", "characterise")
# with include_cognition: beliefs, intentions and stances are attributions too, and a verb's object
# or infinitive ("endorsed the plan", "wants to leave") is what is attributed (PolNeAR's scope)
ATTRIBUTION_ONLY = ("cognition", "attitude", "characterise")



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
            from ..nlp import load_spacy

            nlp = load_spacy(parser=True, ner=True)
        doc = parse_article(text, nlp)
    if doc.text != text:
        raise QuotesError(f"article {article_id!r}: the parse does not reproduce clean_text; pass the Doc "
                          "from parse_article(text) so offsets stay valid")
    marks = find_quote_marks(text)
    parse = ArticleParse(doc, marks)
    indirect_cats = SPEECH + (ATTRIBUTION_ONLY if include_cognition else ())
    found: list[Quote] = []
    for span in marks:
        found.append(_direct_quote(parse, span, article_id))
    found.extend(_indirect_quotes(parse, article_id, indirect_cats, min_indirect_words, broad=include_cognition))
    if include_cognition:
        found.extend(label_quotes(parse, article_id))
        found.extend(noun_quotes(parse, article_id))
        found.extend(adjective_quotes(parse, article_id))
    found.sort(key=lambda q: (q.start, -q.end))
    found = _nest(found, text)
    found = resolve_speakers(parse, found)
    return found


def _direct_quote(parse: ArticleParse, span: MarkSpan, article_id: str) -> Quote:
    """A quoted span with its speaker: a reporting verb next to it, "according to", or floating."""
    text = parse.text
    head, tail = quote_frame(parse, span)
    kind = _classify_kind(head)
    base = Quote(article_id, span.start, span.end, text[span.start:span.end], kind, unbalanced=span.unbalanced)
    if kind == "partial":
        return _partial_speaker(parse, span, base)
    label = TRANSCRIPT_LABEL.match(text, span.start + (2 if text.startswith("''", span.start) else 1))
    if label is not None:  # '"PENCE: ...': a transcript paragraph signed by its speaker label
        s, e = label.start(1), label.end(1)
        return replace(base, speaker_mention=text[s:e], speaker_start=s, speaker_end=e, attribution="signature",
                       speaker_type="person")
    head_verbs = [(t, info) for t in head if (info := verb_info(t, ALL_CATEGORIES))]
    tail_verbs = [(t, info) for t in tail if (info := verb_info(t, ALL_CATEGORIES))]
    inner = text[span.start:span.end].rstrip("”\"’'»").rstrip()
    head_words = [t for t in head if not t.is_space]
    prefer_head = bool(head_words) and head_words[-1].text in {":", ","}
    ordered: list[tuple[Any, tuple[str, str], list[Any]]] = []
    tail_first = [(t, i, tail) for t, i in tail_verbs[:1]]
    head_last = [(t, i, head) for t, i in head_verbs[-1:]]
    if prefer_head and not (inner.endswith(",") and tail_first):
        ordered = _framing_verb(parse, span, head, head_last) + head_last + tail_first
    else:
        ordered = tail_first + head_last
    for verb, _info, region in ordered:
        subj = subject_of(verb, parse=parse, outside=(span.start, span.end))
        if subj is None or not any(subj.i == t.i for t in region):
            subj = positional_speaker(region, verb)
        if subj is None:
            continue
        mention, s, e, stype = mention_of(parse, subj)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=verb.text,
                       attribution="verb", speaker_type=stype)
    acc = according_to(head + tail)
    if acc is not None:
        mention, s, e, stype = mention_of(parse, acc, full=True)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb="according to",
                       attribution="according", speaker_type=stype)
    signed = _dash_signature(parse, span)
    if signed is not None:
        s, e, stype = signed
        return replace(base, speaker_mention=text[s:e], speaker_start=s, speaker_end=e, verb="",
                       attribution="signature", speaker_type=stype)
    gov = _governing_verb(parse, span, head) if prefer_head else None
    subj = subject_of(gov, parse=parse, outside=(span.start, span.end)) if gov is not None else None
    if subj is not None and any(subj.i == t.i for t in head):
        # "X is more blunt: “...”", "X laughed and stuttered, “...”": the clause the quote completes
        mention, s, e, stype = mention_of(parse, subj)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=gov.text,
                       attribution="verb", speaker_type=stype)
    return replace(base, attribution="floating")


def _governing_verb(parse: ArticleParse, span: MarkSpan, head: list[Any]) -> Any | None:
    """The verb before the quotation (in ``head``, outside quotation marks) that its words hang on, or None."""
    inside = [t for t in parse.doc[parse.tok_at(span.start):parse.tok_at(span.end - 1) + 1]
              if span.start <= t.idx < span.end]
    roots = [t for t in inside if not (span.start <= t.head.idx < span.end) or t.head.i == t.i]
    gov = roots[0].head if roots else None
    if gov is not None and gov.i == roots[0].i:
        # the parser made the quotation the sentence and its frame a clause under it ("X is blunt: “...”")
        frame = [t for t in head if t.dep_ in ("ccomp", "parataxis") and t.head.i == gov.i]
        gov = frame[-1] if frame else None
    if gov is None or gov.pos_ not in ("VERB", "AUX") or not any(gov.i == t.i for t in head) or parse.in_mark(gov.idx):
        return None
    return gov


def _framing_verb(parse: ArticleParse, span: MarkSpan, head: list[Any],
                  head_last: list[tuple[Any, tuple[str, str], list[Any]]]) -> list[tuple[Any, Any, list[Any]]]:
    """The verb the quotation hangs on, when the reporting verb found before it sits in a clause
    subordinate to that verb ("When X noted that ..., Y boasted, “...”": Y's words, whatever the
    verb; the nearer reporting verb belongs to X's clause). ``[]`` otherwise."""
    gov = _governing_verb(parse, span, head)
    if not head_last or gov is None:
        return []
    path = [head_last[0][0]]  # the reporting verb and its heads up to (not including) ``gov``
    while path[-1].head.i != path[-1].i and path[-1].head.i != gov.i:
        path.append(path[-1].head)
    if path[-1].head.i != gov.i or path[0].i == gov.i or not any(t.dep_ == "advcl" for t in path) \
            or not any(c.dep_ in ("nsubj", "nsubjpass") for c in path[0].children):
        return []  # not a clause of its own under ``gov`` ("footage of X saying, “...”" is X's)
    return [(gov, None, head)]


# "” ― Ana Ruiz" to the end of the line: a dash, then up to six capitalised words (initials allowed)
_SIGNATURE = re.compile(r"[ \t\u00a0]*(?:[―—–]|--?)[ \t\u00a0]*"
                        r"((?:[A-Z][\w’'.-]*|[A-Z]\.)(?:[ \t\u00a0]+(?:[A-Z][\w’'.-]*|[A-Z]\.)){0,5})"
                        r"[ \t\u00a0.,]*(?=\n|$|[“\"‘«])")


def _dash_signature(parse: ArticleParse, span: MarkSpan) -> tuple[int, int, str] | None:
    """``“...” ― Ana Ruiz``: a name after a dash that ends the quote's line signs it (epigraphs,
    readers' comments, lists of reactions). Returns (start, end, speaker type) of the name, or None."""
    m = _SIGNATURE.match(parse.text, span.end)
    if m is None:
        return None
    start, end = m.start(1), m.end(1)
    while end > start and parse.text[end - 1] in ".,":
        end -= 1
    toks = [parse.doc[i] for i in range(parse.tok_at(start), parse.tok_at(end - 1) + 1)]
    group = all(parse.ent_of.get(t.i) is not None and parse.ent_of[t.i].label_ in GROUP_LABELS for t in toks)
    return start, end, "group" if group else "person"


def _partial_speaker(parse: ArticleParse, span: MarkSpan, base: Quote) -> Quote:
    """A quoted fragment inside a sentence: the speaker of the nearest reporting verb above it."""
    doc = parse.doc
    first, last = parse.tok_at(span.start), parse.tok_at(span.end - 1)
    inside = [t for t in doc[first:last + 1] if span.start <= t.idx < span.end]
    roots = [t for t in inside if not (span.start <= t.head.idx < span.end) or t.head is t]
    node = roots[0] if roots else (inside[0] if inside else doc[first])
    for _ in range(10):
        if not (span.start <= node.idx < span.end) and verb_info(node, ALL_CATEGORIES):
            subj = subject_of(node, parse=parse, outside=(span.start, span.end))
            if subj is not None:
                mention, s, e, stype = mention_of(parse, subj)
                return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=node.text,
                               attribution="verb", speaker_type=stype)
        if node.head is node:
            break
        node = node.head
    head, _tail = quote_frame(parse, span)
    for verb in reversed([t for t in head if verb_info(t, ALL_CATEGORIES)]):
        subj = subject_of(verb, parse=parse, outside=(span.start, span.end)) or positional_speaker(head, verb)
        if subj is not None:
            mention, s, e, stype = mention_of(parse, subj)
            return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=verb.text,
                           attribution="verb", speaker_type=stype)
    return base


def _indirect_quotes(parse: ArticleParse, article_id: str, categories: tuple[str, ...],
                     min_words: int, *, broad: bool = False) -> list[Quote]:
    """Reported speech: the clause a reporting verb governs, comma-fenced "X said", "according to X";
    with ``broad``, also the object or infinitive of an attitude verb ("X wants to ...")."""
    out: list[Quote] = []
    for tok in parse.doc:
        if parse.in_mark(tok.idx) is not None:
            continue  # a reporting verb inside a quotation is part of the quoted words
        info = verb_info(tok, categories)
        if info is None:
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue  # "has not said he would veto": a denial of speech, not reported speech
        if not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children):
            out.extend(_parenthetical(parse, tok, article_id, min_words))
        for comp in tok.children:
            if comp.dep_ == "ccomp":
                out.extend(_complement_quote(parse, tok, info[0], comp, article_id, min_words, quoted_ok=broad))
        if broad and not any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
            out.extend(object_quote(parse, tok, article_id, min_words=2))
    out.extend(_according_quotes(parse, article_id, min_words))
    return out


def _complement_quote(parse: ArticleParse, tok: Any, lemma: str, comp: Any, article_id: str,
                      min_words: int, *, quoted_ok: bool = False) -> list[Quote]:
    """The clausal complement ``comp`` of reporting verb ``tok`` as reported speech ([] or one quote).

    A clause mostly in quotation marks is left to the direct quote, unless ``quoted_ok`` and the
    clause opens with the writer's words after the verb ("said she wanted to speak “directly to
    ...” and ..."): one reported clause with quoted fragments, as PolNeAR and GGT annotate it. Off
    in the default mode for now: the seeds' utterance labels count the fragments, not the clause.
    """
    doc, text = parse.doc, parse.text
    if lemma in ("ask", "wonder", "question") and comp.left_edge.lower_ in (
            "whether", "if", "what", "why", "how", "when", "who", "where", "which"):
        return []  # an indirect question reports no statement
    if comp.i < tok.i and any(parse.in_mark(t.idx) for t in doc[tok.i + 1:min(len(doc), tok.i + 4)]
                              if t.text in "“\"‘'«"):
        return []  # "When told ..., he said, “...”": the quote after the verb is what was said
    if comp.i > tok.i:
        toks = [t for t in doc[max(comp.left_edge.i, tok.i + 1):comp.right_edge.i + 1]]
    else:
        toks = [t for t in doc[comp.left_edge.i:min(comp.right_edge.i + 1, tok.i)]]
        gap = [t for t in doc[comp.right_edge.i + 1:tok.i]]
        # "..., said X" / "..., X said": only punctuation and the subject between
        if len(gap) > 10 or any(t.text in {";", ":"} or t.tag_.startswith("VB") and t.dep_ != "aux"
                                for t in gap):
            return []
    toks = trim_tokens(toks)
    if len([t for t in toks if not t.is_punct]) < min_words:
        return []
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    if "\n" in text[start:end]:
        return []
    if mark_share(parse, start, end) > 0.5 and (not quoted_ok or parse.in_mark(start) is not None or comp.i < tok.i):
        return []  # the clause is a direct quotation, attributed from its own frame
    subj = subject_of(tok, parse=parse)
    if subj is None or start <= subj.idx < end:
        return []
    mention, s, e, stype = mention_of(parse, subj)
    return [Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                  speaker_start=s, speaker_end=e, verb=tok.text, attribution="verb", speaker_type=stype)]


def _according_quotes(parse: ArticleParse, article_id: str, min_words: int) -> list[Quote]:
    """"..., according to X" / "According to X, ...": the longer side of the sentence is reported."""
    doc, text = parse.doc, parse.text
    out: list[Quote] = []
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        if parse.in_mark(tok.idx) is not None:
            continue
        src = according_to([tok])
        if src is None:
            continue
        sent = tok.sent
        phrase_end = max(src.right_edge.i, tok.i + 1) + 1
        before = [t for t in doc[sent.start:tok.i] if not t.is_space]
        after = [t for t in doc[phrase_end:sent.end] if not t.is_space]
        part = before if len(before) >= len(after) else after
        part = trim_tokens(part)
        while part and part[-1].lower_ in ("and", "but"):
            part = trim_tokens(part[:-1])
        if len([t for t in part if not t.is_punct]) < min_words:
            continue
        start, end = part[0].idx, part[-1].idx + len(part[-1].text)
        if "\n" in text[start:end] or mark_share(parse, start, end) > 0.5:
            continue
        mention, s, e, stype = mention_of(parse, src, full=True)
        out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                         speaker_start=s, speaker_end=e, verb="according to", attribution="according",
                         speaker_type=stype))
    return out


def _parenthetical(parse: ArticleParse, verb: Any, article_id: str, min_words: int) -> list[Quote]:
    """"Content, he said." and "Content, he said, more content.": the reported clause is the
    writer's sentence around a comma-fenced "X said" / "said X" (parsers often leave it unattached)."""
    doc, text = parse.doc, parse.text
    sent = verb.sent
    subj = subject_of(verb, parse=parse)
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
    pieces = [trim_tokens([t for t in doc[sent.start:lo - 1]])]
    if after is not None and after.text == ",":
        pieces.append(trim_tokens([t for t in doc[hi + 2:sent.end]]))
    out = []
    mention, s, e, stype = mention_of(parse, subj)
    for toks in pieces:
        if len([t for t in toks if not t.is_punct]) < min_words:
            continue
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if "\n" in text[start:end] or mark_share(parse, start, end) > 0.5 or parse.in_mark(start):
            continue
        out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                         speaker_start=s, speaker_end=e, verb=verb.text, attribution="verb", speaker_type=stype))
    return out


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
