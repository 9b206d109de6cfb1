"""Speakers: the words naming a speaker, the person they stand for, one name per person.

:func:`mention_of` expands a reporting verb's subject to the words that name the speaker;
:func:`resolve_speakers` turns mentions into names within an article (pronouns and definite titles
such as "the Finnish president" resolve to the closest compatible named person, floating quotes
to the nearest earlier speaker); :func:`canonical_speakers` merges name forms across the corpus
("Mr. X" and "X" -> "Firstname X"); :func:`same_person` says when two names may be one person.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any, Sequence

from .lexicon import (GROUP_LABELS, OTHER_PRONOUNS, PERSON_LABELS, PRONOUN_GENDER, fold, honorifics, place_role,
                      speech_verbs, strip_titles)
from .model import Person, Quote
from .parse import ArticleParse


def mention_of(parse: ArticleParse, tok: Any, *, full: bool = False) -> tuple[str, int, int, str]:
    """Expand a subject token to the words naming the speaker; returns (text, start, end, type)."""
    doc = parse.doc
    # "a foreign policy aide, Ivan Petrov, said": prefer the named apposition
    if tok.pos_ in ("NOUN",) and tok.ent_type_ not in PERSON_LABELS:
        for child in tok.children:
            if child.dep_ == "appos" and child.ent_type_ in PERSON_LABELS:
                tok = child
                break
    ent = parse.ent_of.get(tok.i)
    if ent is not None and ent.label_ in PERSON_LABELS:
        words = _name_words(list(ent))
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        return doc.text[start:end], start, end, "person"
    if tok.pos_ == "PRON" or tok.lower_ in PRONOUN_GENDER:
        return tok.text, tok.idx, tok.idx + len(tok.text), "pronoun"
    kind = "person" if tok.pos_ == "PROPN" else "nominal"
    if ent is not None and ent.label_ in GROUP_LABELS:
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
    if tok.pos_ == "PROPN" and any(t.ent_type_ in PERSON_LABELS or t.lower_.rstrip(".") in honorifics()
                                   for t in words):
        kind = "person"  # the small model often tags a foreign surname as a place
    if kind == "person":
        words = _name_words(words)
    words = _hyphen_joined(doc, words)
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    return doc.text[start:end], start, end, kind


def _hyphen_joined(doc: Any, words: list[Any]) -> list[Any]:
    """Words grown over hyphens written without spaces, so "Wilson-Raybould" is not cut to "Wilson" nor
    "the president-elect" to "elect" (the parser sometimes makes each half a word of its own)."""
    first, last = words[0].i, words[-1].i
    while last + 2 < len(doc) and doc[last + 1].text == "-" and not doc[last].whitespace_ \
            and not doc[last + 1].whitespace_ and doc[last + 2].is_alpha:
        last += 2
    while first - 2 >= 0 and doc[first - 1].text == "-" and not doc[first - 2].whitespace_ \
            and not doc[first - 1].whitespace_ and doc[first - 2].is_alpha:
        first -= 2
    return list(doc[first:last + 1]) if (first, last) != (words[0].i, words[-1].i) else words


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
    """Tokens from ``t`` up the tree to (not including) ``stop``."""
    out = []
    while t.i != stop.i and t.head is not t:
        out.append(t)
        t = t.head
    return out


def resolve_speakers(parse: ArticleParse, quotes: list[Quote]) -> list[Quote]:
    """Turn mentions into names: pronouns, titles, floating and nested quotes, in text order."""
    persons = parse.persons
    by_start = {f"{q.article_id}:{q.start}": q for q in quotes if q.kind == "indirect"}
    # (position, name, gender) of earlier speakers: antecedents for "he said" and floating quotes
    # (gender m / f / "-" unknown / "n" not a person)
    voices: list[tuple[int, str, str]] = []
    surnames = {p.name.split()[-1].lower() for p in persons}
    # a gender named once by a title ("Mr.", "Ms.") holds for every mention of that person
    gender_of: dict[str, str] = {}
    for p in persons:
        if p.gender != "-":
            gender_of.setdefault(_full_name(persons, p), p.gender)
    # (position, name) of organisations already quoted: antecedents for "they said"
    groups: list[tuple[int, str]] = []
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
            name, how = _resolve_mention(parse, persons, voices, q, groups)
            named = how == "name" and bool(name.split()) and name.split()[-1].lower() in surnames
            stype = "person" if how in ("pronoun", "title") or named else q.speaker_type
            if how == "pronoun" and q.speaker_mention.lower() in PLURAL_PRONOUNS:
                stype = "group"
            if how in ("seat", "place"):
                stype, how = ("group", "name") if how == "seat" else ("place", "none")
            q = replace(q, speaker=name, resolution=how, speaker_type=stype)
        elif q.attribution == "floating":
            name = _antecedent(persons, voices, q.start, gender="-", subjects_only=True)
            if name:
                q = replace(q, speaker=name, resolution="name", attribution="floating")
        if q.speaker:
            gender = PRONOUN_GENDER.get(q.speaker_mention.lower(), "-")
            if gender == "-":
                gender = strip_titles(q.speaker_mention)[1] if q.speaker_mention else "-"
            if gender == "-":
                gender = gender_of.get(q.speaker, "-")
            if q.resolution not in ("pronoun", "title") and (q.speaker_type in ("nominal", "pronoun") or (
                    q.speaker_type == "group" and len(q.speaker_mention.split()) > 1)):
                # a body or a document ("the ministry", "data from ..."): never "he" or "she"; a lone
                # capitalised word tagged as an organisation may be a surname the model mistook
                gender = "n"
            voices.append((q.speaker_start if q.speaker_start >= 0 else q.start, q.speaker, gender))
            if q.speaker_type == "group":
                groups.append((voices[-1][0], q.speaker))
        final.append(q)
    return final


def _antecedent(persons: list[Person], voices: list[tuple[int, str, str]], before: int, *, gender: str,
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


def _full_name(persons: list[Person], p: Person) -> str:
    """Longest name in the article sharing the surname of ``p`` ("Petrov" -> "Ivan Petrov").

    When two people share the surname ("Barack Obama", "Michelle Obama"), a bare "Obama" is the one
    whose titles or gender fit ``p``'s ("President Obama"), else the one the article names most in
    full, else the one named last before ``p``; with no such hint it stays as written, never another
    family member's name by list order.
    """
    last = p.name.split()[-1].lower()
    longer = [o for o in persons if o.name.split()[-1].lower() == last and len(o.name.split()) > len(p.name.split())]
    if not longer:
        return p.name
    firsts = {fold(o.name.split()[0]) for o in longer}
    if len(firsts) > 1:
        fits = [o for o in longer if (p.titles & o.titles - _GENERIC_MODS) or p.gender != "-" and o.gender == p.gender]
        if len({fold(o.name.split()[0]) for o in fits}) == 1:
            longer = fits
        else:
            counts = Counter(fold(o.name.split()[0]) for o in longer).most_common()
            before = [o for o in longer if o.start < p.start]
            if counts[0][1] > counts[1][1]:
                first = counts[0][0]
            elif before:
                first = fold(max(before, key=lambda o: o.start).name.split()[0])
            else:
                return p.name
            longer = [o for o in longer if fold(o.name.split()[0]) == first]
    return max(longer, key=lambda o: (len(o.name.split()), -o.start)).name


def _resolve_mention(parse: ArticleParse, persons: list[Person], voices: list[tuple[int, str, str]],
                     q: Quote, groups: Sequence[tuple[int, str]] = ()) -> tuple[str, str]:
    """(name, how) for a quote's speaker mention.

    ``how`` is ``name / pronoun / title / seat / place / nominal / none``: tried in turn are a
    pronoun (:func:`_resolve_pronoun`), a name, seat or place (:func:`_resolve_name`), a thing that
    cannot speak (:func:`_resolve_non_agent`) and a definite description
    (:func:`_resolve_description`); a mention none of them resolves is kept as written (``nominal``).
    A pronoun that points at someone other than he / she never becomes a speaker's name: "they" /
    "them" take the organisation quoted just before (:func:`_resolve_plural`), the rest ("those",
    "which", "I") stay unresolved (``none``, the mention kept in ``speaker_mention``). An indefinite
    one ("some", "everyone") points at nobody and is kept, like "a spokesperson".
    """
    mention = q.speaker_mention.strip()
    low = mention.lower()
    if low in PRONOUN_GENDER:
        return _resolve_pronoun(persons, voices, q.speaker_start, PRONOUN_GENDER[low])
    if low in PLURAL_PRONOUNS:
        return _resolve_plural(parse.text, voices, groups, q.speaker_start)
    if low in OTHER_PRONOUNS or low in _REFERRING_PRONOUNS or not re.search(r"[^\W\d_]", low):
        return "", "none"
    named = _resolve_name(parse, persons, q, mention)
    if named is not None:
        return named
    words = [w.lower() for w in re.findall(r"[\w’'-]+", mention)]
    head_words = re.split(r"\s(?:of|in|from|at|on|with)\s", " ".join(words) + " ")[0].split()
    if head_words and head_words[-1] in NON_AGENTS:
        return _resolve_non_agent(persons, voices, q.speaker_start, words)
    name = _resolve_description(parse, persons, voices, q, mention, words)
    return (name, "title") if name else (mention, "nominal")


def _resolve_pronoun(persons: list[Person], voices: list[tuple[int, str, str]], before: int,
                     gender: str) -> tuple[str, str]:
    """(name, "pronoun") of the nearest earlier compatible subject or speaker, else any earlier
    compatible person; ``("", "none")`` when there is none."""
    name = _antecedent(persons, voices, before, gender=gender, subjects_only=True)
    if not name:
        name = _antecedent(persons, voices, before, gender=gender, subjects_only=False)
    return (name, "pronoun") if name else ("", "none")


def _resolve_plural(text: str, voices: Sequence[tuple[int, str, str]], groups: Sequence[tuple[int, str]],
                    before: int) -> tuple[str, str]:
    """(name, "pronoun") for "they said" when the last speaker before it, in the same paragraph, is
    an organisation ("The ministry said ... They said ..."); else ``("", "none")``: a plural
    pronoun is never guessed onto a person nor across a paragraph break."""
    last = max((v for v in voices if v[0] < before), default=None, key=lambda v: v[0])
    if last is None or (last[0], last[1]) not in set(groups) or "\n" in text[last[0]:before]:
        return "", "none"
    return last[1], "pronoun"


def _resolve_name(parse: ArticleParse, persons: list[Person], q: Quote, mention: str) -> tuple[str, str] | None:
    """(name, how) when the mention names its speaker, a seat of government or a place; else None.

    A seat or state speaks as an organisation (``seat``); a city or region does not speak
    (``("", "place")``); a person's name becomes the article's fullest form of it and a group's
    name loses its article. Lower-case mentions are descriptions, left to the caller.
    """
    name, _ = strip_titles(mention)
    surnames = {p.name.split()[-1].lower() for p in persons}
    speaker_type = q.speaker_type
    if speaker_type == "group" and name and len(name.split()) == 1 and name.lower() in surnames:
        speaker_type = "person"  # the small model often tags a foreign surname as a place
    role = "" if name.lower() in surnames or name in {p.name for p in persons} else place_role(
        mention, entity_label=_entity_label(parse, q))
    if role in ("seat", "state"):
        return re.sub(r"^(the|a|an)\s+", "", name, flags=re.I), "seat"
    if role == "place":
        return "", "place"  # "Oslo said": a place is not a speaker (see lexicon.place_role)
    if speaker_type == "person" and name and not name.islower():
        # the person entity at the mention carries its titles ("President Obama"); else the mention's words
        at = [p for p in persons if p.start < q.speaker_end and q.speaker_start < p.end and p.name == name]
        tmp = at[0] if at else Person(q.speaker_start, q.speaker_end, name, False, strip_titles(mention)[1],
                                      frozenset(w.lower().rstrip(".") for w in mention.split()[:-len(name.split())]))
        return _full_name(persons, tmp), "name"
    if speaker_type == "group" and not name.islower():
        return re.sub(r"^(the|a|an)\s+", "", name, flags=re.I), "name"
    return None


def _resolve_non_agent(persons: list[Person], voices: list[tuple[int, str, str]], before: int,
                       words: list[str]) -> tuple[str, str]:
    """A thing that cannot speak ("a translation of his remarks", "the white smoke"): not a speaker,
    but a possessive pronoun among its words may point at one ("his" -> the nearest earlier man)."""
    owner = next((w for w in words if w in PRONOUN_GENDER), "")
    name = _antecedent(persons, voices, before, gender=PRONOUN_GENDER[owner], subjects_only=True) if owner else ""
    return (name, "pronoun") if name else ("", "none")


def _resolve_description(parse: ArticleParse, persons: list[Person], voices: list[tuple[int, str, str]], q: Quote,
                         mention: str, words: list[str]) -> str:
    """The person a definite description stands for ("the Finnish president", "the top US diplomat",
    "history’s first American pope", or its head alone: "minister"); "" when none.

    In turn: the nearest earlier person carrying the description's head as a title (most shared
    modifiers first); the named subject of a clause subordinate to the reporting verb; the nearest
    earlier speaker or subject a role noun fits (:func:`_role_holder`); the one person named later
    in the article with that title.
    """
    # "history’s first American pope", "the country’s president": a possessive opens a description too
    possessive = bool(words) and len(words) >= 2 and re.search(r"[’']s$", words[0]) is not None \
        and not mention[:1].isupper() or (bool(words) and words[0] in _POSSESSIVE_OPENERS)
    if not (words and (words[0] in ("the", "this", "that") and len(words) >= 2 or mention.islower() or possessive)):
        return ""
    if parse.doc[parse.tok_at(max(q.speaker_end - 1, 0))].tag_ in ("NNS", "NNPS"):
        return ""  # "companies", "top lawmakers": a group, never the one person carrying the word as a title
    head, mods = _role_head(words[-1]), set(words[1:-1]) if words[0] in ("the", "this", "that") or possessive \
        else set(words[:-1])
    prior = [p for p in persons if p.end <= q.speaker_start]
    proper = {w.lower() for w in mention.split()[1:-1] if w[:1].isupper()} - _GENERIC_MODS
    titled = [p for p in prior if head in p.titles and not _contradicts(parse.text, p, proper, head)]
    if titled:
        best = max(titled, key=lambda p: (len(mods & p.titles), p.start))
        return _full_name(persons, best)
    subject = _subordinate_subject(parse, persons, prior, q)
    if subject:
        return subject
    role = _role_holder(prior, voices, head, mods, q.speaker_start)
    if role:
        return role
    # named only later ("The president said on Monday ... President Anna Kowalski, 54, ..."):
    # one person in the rest of the article carrying the title
    later = {_full_name(persons, p) for p in persons if p.start > q.speaker_start and head in p.titles}
    return later.pop() if head in ROLE_NOUNS and len(later) == 1 else ""


def _contradicts(text: str, p: Person, proper: set[str], head: str) -> bool:
    """Does ``p`` carry a capitalised modifier where the description has another ("Republican
    presidential nominee X" is not "the Democratic presidential nominee"; "Senator X" may be "the
    Democratic senator": the head and honorifics are no modifiers)?"""
    if not proper - p.titles:
        return False
    before = text[max(0, p.start - 60):p.start]
    others = p.titles - proper - ROLE_NOUNS - _GENERIC_MODS - set(honorifics()) - {head}
    return any(re.search(rf"\b{re.escape(w.capitalize())}\b", before) for w in others if w.isalpha())


def _subordinate_subject(parse: ArticleParse, persons: list[Person], prior: list[Person], q: Quote) -> str:
    """"When X was asked ..., the top diplomat responded": the named subject of a clause subordinate
    to the reporting verb, before the speaker, is the person the description stands for ("" if none)."""
    spk = parse.doc[parse.tok_at(max(q.speaker_end - 1, 0))]
    for child in spk.head.children:
        if child.dep_ == "advcl" and child.i < spk.i:
            for t in child.subtree:
                if t.dep_ in ("nsubj", "nsubjpass") and t.ent_type_ in PERSON_LABELS:
                    for p in prior:
                        if p.start <= t.idx < p.end:
                            return _full_name(persons, p)
    return ""


def _entity_label(parse: ArticleParse, q: Quote) -> str:
    """The parser's entity label of the speaker mention, when one entity covers it ("" otherwise)."""
    if q.speaker_end <= 0:
        return ""
    ent = parse.ent_of.get(parse.tok_at(q.speaker_end - 1))
    if ent is None or ent.start_char > q.speaker_start + 4:  # only "the" may precede the entity
        return ""
    return ent.label_


def _role_holder(prior: list[Person], voices: list[tuple[int, str, str]], head: str, mods: set[str],
                 before: int) -> str:
    """The named speaker a role description ("the Italian leader", "the new pope") stands for.

    The nearest earlier named person who is a subject or already quoted, and whose
    known titles do not contradict the description's modifiers ("the French president" is not a
    person titled "US president"). Only role nouns (:data:`ROLE_NOUNS`) are resolved this way.
    """
    if head not in ROLE_NOUNS:
        return ""
    spoken = {name for pos, name, _ in voices if pos < before}
    cands = []
    for p in prior:
        full = _full_name(prior, p)
        if not (p.is_subject or full in spoken):
            continue
        mine, theirs = _countries(mods - _GENERIC_MODS), _countries(p.titles - _GENERIC_MODS - ROLE_NOUNS)
        if mine and theirs and not (mine & theirs):
            continue  # "the French president" is not the person titled "US president"
        cands.append((p.start, full))
    return max(cands)[1] if cands else ""


def _countries(words: set[str]) -> set[str]:
    """Country codes of the nationality words among a description's modifiers ("finnish" -> FI):
    only a nationality can contradict ("the French president" is not the US one); "cardinal" or
    "new" cannot."""
    from ..coverage.frames import place_key

    return {code for w in words if (code := place_key(w.title())) is not None}


def _role_head(word: str) -> str:
    """The role in a hyphenated head: "president-elect" -> "president" (else the word itself)."""
    first = word.split("-")[0]
    return first if "-" in word and first in ROLE_NOUNS else word


# plural pronouns: an organisation that spoke just before may be their antecedent, a person never
PLURAL_PRONOUNS = frozenset({"they", "them"})
# pronouns that stand for someone named elsewhere (or nobody): never a speaker's name themselves
_REFERRING_PRONOUNS = frozenset({"me", "us", "those", "these", "which", "whom", "whose", "themselves",
                                 "himself", "herself", "itself", "ourselves", "myself", "yourself", "its", "their",
                                 "our", "my", "your"})
# capitalised words that open a description like a possessive ("History’s first pope")
_POSSESSIVE_OPENERS = frozenset({"history’s", "history's"})
# heads of descriptions that stand for a person in office ("the Finnish leader", "the new pope")
ROLE_NOUNS = frozenset({"leader", "president", "minister", "premier", "chancellor", "pope", "pontiff", "king",
                        "queen", "monarch"})
_GENERIC_MODS = frozenset({"new", "former", "then", "current", "top", "senior", "prime", "first", "deputy",
                           "foreign", "defense", "defence", "interior", "finance", "vice", "acting", "outgoing",
                           "incoming", "history’s", "history's", "country’s", "country's", "nation’s", "nation's"})
# nouns that cannot speak: the thing said or shown, not who said it
NON_AGENTS = frozenset({"smoke", "translation", "transcript", "video", "footage", "photo", "photograph", "picture",
                        "image", "images", "map", "chart", "graph", "flag", "bell", "bells", "fire", "sign",
                        "signal", "silence", "headline", "headlines", "weather"})


def canonical_speakers(names: Sequence[str]) -> list[str]:
    """Merge name forms across the corpus: "Petrov" and "Ivan Petrov" -> "Ivan Petrov".

    Multi-word names are grouped by surname and a close first name (Mohammad / Mohammed); each group's most frequent form
    (ties: longest, then alphabetical) becomes canonical. A surname alone maps to its group only
    when exactly one group carries that surname, so two different Smiths are never merged.
    """
    from rapidfuzz import fuzz

    cleaned = [strip_titles(n)[0] if n else "" for n in names]
    counts = Counter(n for n in cleaned if len(n.split()) >= 2)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    firsts: dict[str, list[str]] = defaultdict(list)  # surname -> representative first names
    for full in sorted(counts, key=lambda f: (-counts[f], f)):
        words = full.split()
        last, first = fold(words[-1]), fold(words[0])
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
        elif len(words) == 1 and len(by_surname.get(fold(words[0]), ())) == 1:
            out.append(canon_of_group[next(iter(by_surname[fold(words[0])]))])
        else:
            out.append(n)
    return out


def description_key(mention: str) -> str:
    """A role description as a key: "The Finnish leader’s" -> "finnish leader" ("" if not a description)."""
    words = [w.lower() for w in re.findall(r"[\w’'-]+", re.sub(r"(’s|'s)$", "", mention.strip()))]
    if len(words) < 2 or words[0] not in ("the", "this", "that") or words[-1] not in ROLE_NOUNS:
        return ""
    return " ".join(words[1:])


def resolve_descriptions(mentions: Sequence[str], speakers: Sequence[str], resolutions: Sequence[str]) -> list[str]:
    """Speakers of role descriptions left unresolved in their article, resolved from the corpus.

    An article may only say "the Finnish leader said" while others name the person that very
    description stood for there ("Finnish President Aino Virtanen ... the Finnish leader said").
    When every article that resolved a description resolved it to one and the same person, the
    unresolved uses take that name; a description resolved to two people (two presidents) stays
    as it is. Returns the speakers, changed only for unresolved (``nominal``) descriptions.
    """
    seen: dict[str, set[str]] = defaultdict(set)
    for m, spk, how in zip(mentions, speakers, resolutions):
        key = description_key(m)
        if key and how == "title" and spk:
            seen[key].add(spk)
    out = []
    for m, spk, how in zip(mentions, speakers, resolutions):
        names = seen.get(description_key(m), set()) if how == "nominal" else set()
        out.append(next(iter(names)) if len(names) == 1 else spk)
    return out


def same_person(a: str, b: str, *, a_is_person: bool = True, b_is_person: bool = True) -> bool:
    """Could speakers ``a`` and ``b`` be the same person? False only for two people's names with
    different surnames ("Mike Thibodeau" / "Michael Thibodeau" may be one person; an unnamed
    "the senator" or an organisation such as "the White House" may stand for anyone)."""
    if not a or not b or not (a_is_person and b_is_person):
        return True
    wa, wb = a.split(), b.split()
    if not (wa[0][:1].isupper() and wb[0][:1].isupper()):
        return True  # a description ("the senator", "a spokesman") is not a competing name
    return fold(wa[-1]).strip(".,’'") == fold(wb[-1]).strip(".,’'")
