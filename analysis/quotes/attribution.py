"""Attribution: find direct, partial and reported quotes in one article and who said them.

:func:`extract_quotes` parses the text once with spaCy and attributes each quote: the subject of
a reporting verb in the same sentence ("X said", "said X", "X, who ..., said", "X asked:",
"according to X"), else, for a floating quote, the nearest preceding attributed speaker.
Reported speech ("X said that ...", "..., X said.", "according to X, ...") is found from the
parse and flagged ``kind="indirect"``. Turning the words that name a speaker into a name is
:mod:`analysis.quotes.speakers`' job.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterable, Sequence

from ..errors import QuotesError
from .lexicon import GROUP_LABELS, PERSON_LABELS, speech_verbs
from .marks import find_quote_marks
from .model import MarkSpan, Quote
from .parse import ArticleParse, mark_share, parse_article, quote_frame, trim_tokens
from .speakers import mention_of, resolve_speakers


def verb_info(tok: Any, categories: Iterable[str]) -> tuple[str, str] | None:
    """(lemma, category) when ``tok`` is a reporting verb of one of ``categories``, else None."""
    if not tok.tag_.startswith("VB"):
        return None
    entry = speech_verbs().get(tok.lower_)
    if entry is None:
        return None
    lemma, category = entry.split("|")
    return (lemma, category) if category in categories else None


def _subject_of(verb: Any, *, parse: ArticleParse | None = None,
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


# verb categories of quotes_speech_verbs.tsv: only speech reports a statement; all attribute a quote
SPEECH = ("speech",)
ALL_CATEGORIES = ("speech", "cognition", "characterise")
# with include_cognition: beliefs, intentions and stances are attributions too, and a verb's object
# or infinitive ("endorsed the plan", "wants to leave") is what is attributed (PolNeAR's scope)
ATTRIBUTION_ONLY = ("cognition", "attitude", "characterise")
_OBJECT_DEPS = ("xcomp", "dobj", "prep", "oprd", "dative")


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
        found.extend(_label_quotes(parse, article_id))
        found.extend(_noun_quotes(parse, article_id))
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
    head_verbs = [(t, info) for t in head if (info := verb_info(t, ALL_CATEGORIES))]
    tail_verbs = [(t, info) for t in tail if (info := verb_info(t, ALL_CATEGORIES))]
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
        mention, s, e, stype = mention_of(parse, subj)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=verb.text,
                       attribution="verb", speaker_type=stype)
    acc = _according_to(head + tail)
    if acc is not None:
        mention, s, e, stype = mention_of(parse, acc, full=True)
        return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb="according to",
                       attribution="according", speaker_type=stype)
    signed = _dash_signature(parse, span)
    if signed is not None:
        s, e, stype = signed
        return replace(base, speaker_mention=text[s:e], speaker_start=s, speaker_end=e, verb="",
                       attribution="signature", speaker_type=stype)
    return replace(base, attribution="floating")


# "Ana Ruiz: Talks Will Resume" as a line of its own: a headline (or caption) that names its source
_LABEL_LINE = re.compile(r"^[ \t]*((?:[A-Z][\w.’'-]*)(?:[ \t]+[A-Z][\w.’'-]*){0,3}):[ \t]+(\S[^\n]*?)[ \t]*$", re.M)
# labels that announce a kind of text, not a source ("Update: ...", "Photo: ...")
_NOT_SOURCES = frozenset({"update", "updated", "watch", "photo", "photos", "video", "related", "read", "note",
                          "editor's", "editor’s", "correction", "breaking", "credit", "caption", "image", "warning",
                          "disclaimer", "transcript", "partial", "q", "a", "live", "exclusive", "opinion",
                          "analysis", "listen", "see", "also", "more", "source", "sources", "by", "via"})


# nouns that may head a headline as its source ("Poll: ...")
_SOURCE_NOUNS = frozenset({"poll", "survey", "study", "report", "analysis", "audit", "review", "probe", "data"})


def _label_quotes(parse: ArticleParse, article_id: str) -> list[Quote]:
    """``Source: what they said`` lines outside quotation marks (headline attributions), as reported
    speech of the source. Only with include_cognition: GGT does not count headlines."""
    out: list[Quote] = []
    text = parse.text
    for m in _LABEL_LINE.finditer(text):
        label, start, end = m.group(1), m.start(2), m.end(2)
        if set(w.lower().rstrip(".") for w in label.split()) & _NOT_SOURCES or len(m.group(2).split()) < 3:
            continue
        if parse.in_mark(m.start(1)) is not None or mark_share(parse, start, end) > 0.5:
            continue
        toks = [parse.doc[i] for i in range(parse.tok_at(m.start(1)), parse.tok_at(m.end(1) - 1) + 1)]
        if any(t.pos_ in ("VERB", "AUX") for t in toks):
            continue  # "Senator Hammers Bank Chief: ..." is a headline about someone, not by them
        labels = {parse.ent_of[t.i].label_ for t in toks if t.i in parse.ent_of}
        named = label.split()[-1].lower() in {p.name.split()[-1].lower() for p in parse.persons}
        stype = "person" if labels & PERSON_LABELS or named else "group" if labels & GROUP_LABELS else "nominal"
        if stype == "nominal" and label.lower() not in _SOURCE_NOUNS:
            continue  # "The Latest: ...", "Stealth Over Health: ...": a rubric or a pun, not a source
        out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=label,
                         speaker_start=m.start(1), speaker_end=m.end(1), verb=":", attribution="verb",
                         speaker_type=stype))
    return out


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
            subj = _subject_of(node, parse=parse, outside=(span.start, span.end))
            if subj is not None:
                mention, s, e, stype = mention_of(parse, subj)
                return replace(base, speaker_mention=mention, speaker_start=s, speaker_end=e, verb=node.text,
                               attribution="verb", speaker_type=stype)
        if node.head is node:
            break
        node = node.head
    head, _tail = quote_frame(parse, span)
    for verb in reversed([t for t in head if verb_info(t, ALL_CATEGORIES)]):
        subj = _subject_of(verb, parse=parse, outside=(span.start, span.end)) or _positional_speaker(head, verb)
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
                out.extend(_complement_quote(parse, tok, info[0], comp, article_id, min_words))
        if broad and not any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
            out.extend(_object_quote(parse, tok, article_id, min_words=2))
    out.extend(_according_quotes(parse, article_id, min_words))
    return out


def _object_quote(parse: ArticleParse, tok: Any, article_id: str, *, min_words: int) -> list[Quote]:
    """What an attitude is about: the verb's right side from its object or infinitive on
    ("X endorsed the plan to ...", "X refuses to release ...", "X spoke of the legacy ...")."""
    doc, text = parse.doc, parse.text
    objs = [c for c in tok.children if c.i > tok.i and c.dep_ in _OBJECT_DEPS]
    if not objs:
        return []
    first = objs[0]
    if first.dep_ == "prep" and (first.lower_ not in _ABOUT_PREPS or any(
            c.dep_ == "pobj" and c.ent_type_ in _CIRCUMSTANCE for c in first.children)):
        return []  # "spoke on Monday", "spoke in Ohio": a time or place, not what was said
    toks = trim_tokens([t for t in doc[first.left_edge.i:tok.right_edge.i + 1] if t.i >= first.left_edge.i])
    toks = _cut_at_frame(toks)
    if len([t for t in toks if not t.is_punct]) < min_words:
        return []
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    if "\n" in text[start:end] or mark_share(parse, start, end) > 0.5:
        return []
    subj = _subject_of(tok, parse=parse)
    if subj is None or start <= subj.idx < end or subj.lower_ in ("it", "that", "this", "which", "what"):
        return []
    mention, s, e, stype = mention_of(parse, subj)
    return [Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                  speaker_start=s, speaker_end=e, verb=tok.text, attribution="verb", speaker_type=stype)]


# entity types of a prepositional object that place a remark in time or space, not say what it is
_CIRCUMSTANCE = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC", "EVENT", "CARDINAL", "ORDINAL"})
# nouns of saying, believing and intending whose possessor is the source ("her decision to ...")
_ATTRIBUTION_NOUNS = frozenset({"claim", "claims", "plan", "plans", "promise", "promises", "warning", "warnings",
                                "call", "calls", "demand", "demands", "threat", "threats", "decision", "belief",
                                "view", "views", "argument", "arguments", "assertion", "suggestion", "proposal",
                                "pledge", "pledges", "statement", "remarks", "comments", "accusation", "accusations",
                                "allegation", "allegations", "insistence", "refusal", "determination", "reluctance",
                                "commitment", "commitments", "desire", "intention", "hope", "hopes", "fear", "fears",
                                "vow", "criticism", "support", "opposition", "denial", "admission", "announcement"})


def _noun_quotes(parse: ArticleParse, article_id: str) -> list[Quote]:
    """"X's decision to ...", "X's claims about ...": what a possessed noun of saying or intending
    holds, attributed to the possessor (only with include_cognition, PolNeAR's scope)."""
    doc, text = parse.doc, parse.text
    out: list[Quote] = []
    for tok in doc:
        if tok.pos_ != "NOUN" or tok.lower_ not in _ATTRIBUTION_NOUNS or parse.in_mark(tok.idx) is not None:
            continue
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        content = next((c for c in tok.children if c.i > tok.i and (c.dep_ in ("acl", "ccomp", "relcl") and
                        c.left_edge.lower_ in ("to", "that") or c.dep_ == "prep" and c.lower_ in _ABOUT_PREPS)), None)
        if owner is None or content is None or owner.lower_ in ("its", "their", "whose") or any(
                c.dep_ == "pobj" and c.ent_type_ in _CIRCUMSTANCE for c in content.children):
            continue  # "his remarks on Saturday": when, not what
        toks = trim_tokens(list(doc[content.left_edge.i:content.right_edge.i + 1]))
        if len([t for t in toks if not t.is_punct]) < 2:
            continue
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if "\n" in text[start:end] or mark_share(parse, start, end) > 0.5:
            continue
        mention, s, e, stype = mention_of(parse, owner)
        out.append(Quote(article_id, start, end, text[start:end], "indirect", speaker_mention=mention,
                         speaker_start=s, speaker_end=e, verb=tok.text, attribution="verb", speaker_type=stype))
    return out


# prepositions that introduce what an attitude or a remark is about ("spoke of", "called for")
_ABOUT_PREPS = frozenset({"of", "about", "on", "for", "against", "to", "with", "as", "over"})


def _cut_at_frame(toks: list[Any]) -> list[Any]:
    """Stop a content span before a comma-fenced frame of its own (", he said") or a semicolon."""
    for k, t in enumerate(toks):
        if t.text == ";":
            return trim_tokens(toks[:k])
    return toks


def _complement_quote(parse: ArticleParse, tok: Any, lemma: str, comp: Any, article_id: str,
                      min_words: int) -> list[Quote]:
    """The clausal complement ``comp`` of reporting verb ``tok`` as reported speech ([] or one quote)."""
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
    if mark_share(parse, start, end) > 0.5:
        return []  # the clause is a direct quotation, attributed from its own frame
    subj = _subject_of(tok, parse=parse)
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
        src = _according_to([tok])
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
