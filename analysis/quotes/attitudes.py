"""Attributions beyond speech (``include_cognition``): beliefs, intentions, stances, headlines.

PolNeAR counts what a source wants, plans, backs or claims as an attribution, not only what it
said: the object or infinitive of an attitude verb ("X refused to release his returns"), the
complement of a possessed noun of saying or intending ("her decision to meet him") or of an attitude
adjective ("Democrats are afraid that ..."), and a headline
that names its source ("Ana Ruiz: Talks Will Resume"). The Gender Gap Tracker and the report's
default count speech only, so :func:`analysis.quotes.extract_quotes` calls these only when asked.
"""

from __future__ import annotations

import re
from typing import Any

from .clauses import subject_of
from .lexicon import GROUP_LABELS, PERSON_LABELS
from .model import Quote
from .parse import ArticleParse, mark_share, trim_tokens
from .speakers import mention_of

# dependents of an attitude verb that hold what the attitude is about
_OBJECT_DEPS = ("xcomp", "dobj", "prep", "oprd", "dative")


def object_quote(parse: ArticleParse, tok: Any, article_id: str, *, min_words: int) -> list[Quote]:
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
    subj = subject_of(tok, parse=parse)
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


def noun_quotes(parse: ArticleParse, article_id: str) -> list[Quote]:
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


# adjectives of belief and feeling whose subject holds the attitude ("Democrats are afraid that ...")
_ATTITUDE_ADJECTIVES = frozenset({"afraid", "worried", "concerned", "sure", "convinced", "confident", "aware",
                                  "optimistic", "hopeful", "skeptical", "sceptical", "certain", "unsure",
                                  "determined", "eager", "reluctant", "adamant", "fearful", "doubtful"})


def adjective_quotes(parse: ArticleParse, article_id: str) -> list[Quote]:
    """"X is afraid that ...", "X was determined to ...": an attitude adjective's complement,
    attributed to the subject of its clause (only with include_cognition)."""
    doc, text = parse.doc, parse.text
    out: list[Quote] = []
    for tok in doc:
        if tok.lower_ not in _ATTITUDE_ADJECTIVES or tok.pos_ not in ("ADJ", "VERB") or parse.in_mark(tok.idx):
            continue
        content = next((c for c in tok.children if c.i > tok.i and (c.dep_ in ("ccomp", "xcomp") or
                        c.dep_ == "prep" and c.lower_ in ("about", "of", "over"))), None)
        verb = tok.head if tok.dep_ in ("acomp", "amod", "advcl") else tok
        subj = subject_of(verb, parse=parse) or subject_of(tok, parse=parse)
        if content is None or subj is None or subj.lower_ in ("it", "that", "this", "which", "what", "there"):
            continue
        toks = trim_tokens(list(doc[content.left_edge.i:content.right_edge.i + 1]))
        if len([t for t in toks if not t.is_punct]) < 2:
            continue
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if "\n" in text[start:end] or mark_share(parse, start, end) > 0.5 or start <= subj.idx < end:
            continue
        mention, s, e, stype = mention_of(parse, subj)
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


# "Ana Ruiz: Talks Will Resume" as a line of its own: a headline (or caption) that names its source
_LABEL_LINE = re.compile(r"^[ \t]*((?:[A-Z][\w.’'-]*)(?:[ \t]+[A-Z][\w.’'-]*){0,3}):[ \t]+(\S[^\n]*?)[ \t]*$", re.M)
# labels that announce a kind of text, not a source ("Update: ...", "Photo: ...")
_NOT_SOURCES = frozenset({"update", "updated", "watch", "photo", "photos", "video", "related", "read", "note",
                          "editor's", "editor’s", "correction", "breaking", "credit", "caption", "image", "warning",
                          "disclaimer", "transcript", "partial", "q", "a", "live", "exclusive", "opinion",
                          "analysis", "listen", "see", "also", "more", "source", "sources", "by", "via"})


# nouns that may head a headline as its source ("Poll: ...")
_SOURCE_NOUNS = frozenset({"poll", "survey", "study", "report", "analysis", "audit", "review", "probe", "data"})


def label_quotes(parse: ArticleParse, article_id: str) -> list[Quote]:
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
