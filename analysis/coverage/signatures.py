"""Claim signatures: the numbers, dates and named people a claim asserts, and where two disagree.

Two claims that look alike but give a different number ("133 cardinals" / "135 cardinals"), date
or actor are not the same fact; :func:`disagreements` says where two :class:`Signature` s clash,
so alignment never merges such claims and reports them as conflicts instead. The word helpers
here (:data:`_WORD`, :func:`_singular`, :func:`_surname`) are shared by the other modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

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
# a date: a slashed form ("9/11", "10/3/2024", compared as nothing: day and month order vary), a
# weekday, a month with its day ("Sept. 11", "January 6") or a day with its month ("11 September";
# not "12 March 3", where 3 is the day and 12 a count)
_DATE_RE = re.compile(
    r"\b(?P<slash>\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b(?!/)"
    rf"|\b(?P<weekday>{_WEEKDAYS})\b"
    rf"|\b(?P<month>{_MONTH_RE})\b\.?(?:\s+(?P<day>\d{{1,2}})\b)?"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RE})\b(?!\.?\s+\d{{1,2}}\b)")
# what comes before a date or year that names which thing ("the 2001 attacks", "a 1976 law",
# "the 12 March 3 defendants", "the mayor's 2016 veto"); the text before it has dates blanked out
_DETERMINER_BEFORE = re.compile(r"(?:\b(?:the|a|an|this|that|its|their|his|her|our)|['’]s)"
                                r"(?:\s+\d[\d,]*)?[\s,]*$", re.IGNORECASE)
# the noun after a date: "Sept. 11, 2001, attacks" -> "attacks"
_NOUN_AFTER = re.compile(r"(?:,?\s*\d{4})?,?[\s-]+(?P<noun>[A-Za-z]+)")
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
    """One unit on which two signatures give values that do not overlap."""

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
    numbers, years = _quantities(text)
    dates = years | _calendar_dates(text)
    people = {("person", _surname(name), name) for name in persons if _surname(name)}
    words = frozenset(w.lower() for w in _WORD.findall(text.replace("’s", "").replace("'s", "")))
    return Signature(frozenset(numbers), frozenset(dates), frozenset(people), words)


def _date_spans(text: str) -> list[tuple[int, int, tuple[str, str, str] | None]]:
    """``(start, end, date)`` of each date a text names; ``date`` is ``None`` for one not compared
    (a slashed form, the modal verb "may")."""
    spans: list[tuple[int, int, tuple[str, str, str] | None]] = []
    for m in _DATE_RE.finditer(text):
        surface = m.group(0).strip()
        if m.group("slash"):
            date = None
        elif m.group("weekday"):
            date = ("weekday", m.group("weekday").lower(), surface)
        else:
            month = (m.group("month") or m.group("month2") or "")[:3].lower()
            day = m.group("day") or m.group("day2")
            date = (("date", f"{month} {int(day)}", surface) if day
                    else None if month == "may" else ("month", month, surface))
        spans.append((m.start(), m.end(), date))
    return spans


def _blank(text: str, spans: Iterable[tuple[int, int, object]]) -> str:
    """``text`` with the spans replaced by spaces: offsets stay those of ``text``."""
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _named_thing(blanked: str, start: int, end: int) -> str:
    """The noun a date or year at ``blanked[start:end]`` names which one of, or ``""``.

    "the 2001 attacks", "a 1976 law", "the Sept. 11 attacks": the date tells which attacks or law
    is meant, it is not when the claim's event happened, so it is compared only with the date of
    the same noun ("the 1976 law" / "the 1967 law" still disagree).
    """
    after = _NOUN_AFTER.match(blanked, end)
    if not after or not _DETERMINER_BEFORE.search(blanked, 0, start):
        return ""
    noun = after.group("noun").lower()
    return "" if noun in _NOT_UNITS or noun in _NUMBER_WORDS else _singular(noun)


def _quantities(text: str) -> tuple[set[tuple[str, float, str]], set[tuple[str, str, str]]]:
    """The quantities a text states, each with its unit, and the years (which are dates, not counts).

    Numbers inside a date ("Sept. 11", "9/11", "11 September") are not quantities; a count before a
    date takes the noun after it ("the 12 March 3 defendants" -> 12 ``defendant``).
    """
    numbers: set[tuple[str, float, str]] = set()
    dates: set[tuple[str, str, str]] = set()
    blanked = _blank(text, _date_spans(text))
    for m in _NUMBER_RE.finditer(blanked):
        num = m.group("num")
        value = _parse_number(num)
        if value is None:
            continue
        cur, scale, pct, unit = m.group("cur"), m.group("scale"), m.group("pct"), m.group("unit") or ""
        surface = text[m.start():m.end()].strip()
        if not (cur or scale or pct) and _YEAR_RE.match(num):
            thing = _named_thing(blanked, m.start("num"), m.end("num"))
            dates.add((f"year of {thing}", num, surface) if thing else ("year", num, num))
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
    return numbers, dates


def _calendar_dates(text: str) -> set[tuple[str, str, str]]:
    """Weekdays, month-day dates and bare months a text names; a date that names which thing
    ("the Sept. 11 attacks") is keyed by that thing (``date of attack``), see :func:`_named_thing`."""
    spans = _date_spans(text)
    blanked = _blank(text, spans)
    dates: set[tuple[str, str, str]] = set()
    for start, end, date in spans:
        if date is None:
            continue
        thing = _named_thing(blanked, start, end) if date[0] == "date" else ""
        dates.add((f"date of {thing}", date[1], date[2]) if thing else date)
    return dates


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

