"""Stance cue word list: loading ``stance_cues.tsv`` into a :class:`Lexicon` and matching it in a parse.

The list (reporting and stance verbs, hedges, conditionals, contrasts, boosters, negation) lives in
``analysis/resources/stance_cues.tsv`` with its sources in ``stance_README.md``; this module only
inflects, indexes and matches it, so the method stays a transparent lookup.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import StanceError
from .model import CONDITION_CLASSES, MODIFIER_CLASSES, SUPPORT_CLASSES, Cue, Lexicon


def _verb_forms(base: str) -> list[str]:
    """Regular English inflections of a verb (irregular ones are listed in the file)."""
    if base.endswith("e"):
        return [base, base + "s", base + "d", base[:-1] + "ing"] if not base.endswith("ee") else \
            [base, base + "s", base + "d", base + "ing"]
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return [base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return [base, base + "es", base + "ed", base + "ing"]
    return [base, base + "s", base + "ed", base + "ing"]


def _noun_forms(base: str) -> list[str]:
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return [base, base + "es"]
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return [base, base[:-1] + "ies"]
    return [base, base + "s"]


def _tokens_of(phrase: str) -> tuple[str, ...]:
    # "n't" is a token of its own in spaCy; keep it whole
    return tuple(phrase.lower().split())


def parse_lexicon(text: str) -> Lexicon:
    """Build a :class:`Lexicon` from the TSV text of ``stance_cues.tsv``.

    Parameters
    ----------
    text : str
        Lines ``phrase<TAB>class<TAB>weight<TAB>kind<TAB>source``; ``#`` starts a comment.
        ``phrase`` may list explicit forms separated by ``|`` (irregular verbs); otherwise verbs
        and nouns inflect their first word.
    """
    entries: list[Cue] = []
    forms: dict[tuple[str, ...], list[Cue]] = defaultdict(list)
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 5:
            raise StanceError(f"stance_cues.tsv line {n}: expected 5 tab-separated fields, got "
                              f"{len(parts)} in {line!r}; fix the word list")
        phrase, cls, weight, kind, source = parts
        if cls not in SUPPORT_CLASSES + CONDITION_CLASSES + MODIFIER_CLASSES:
            raise StanceError(f"stance_cues.tsv line {n}: unknown class {cls!r}")
        alts = phrase.split("|")
        cue = Cue(alts[0], cls, float(weight), kind, source)
        entries.append(cue)
        if len(alts) > 1:
            surfaces = alts
        else:
            words = alts[0].split()
            inflect = _verb_forms if kind == "verb" else _noun_forms if kind == "noun" else (lambda w: [w])
            surfaces = [" ".join([f, *words[1:]]) for f in inflect(words[0])]
        for s in surfaces:
            forms[_tokens_of(s)].append(cue)
    frozen = {k: tuple(v) for k, v in forms.items()}
    return Lexicon(tuple(entries), frozen, max(len(k) for k in frozen))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The packaged cue list (``analysis/resources/stance_cues.tsv``), parsed once per process."""
    text = resources.files("analysis").joinpath("resources/stance_cues.tsv").read_text(encoding="utf-8")
    return parse_lexicon(text)


def match_cues(doc: Any, lexicon: Lexicon) -> list[tuple[int, int, Cue]]:
    """Lexicon matches in a sentence: (first token, end token, cue), longest match first.

    Punctuation inside a phrase is skipped so `has “reservations”` still matches. Words shared by
    a verb entry and a noun entry (``question``) are decided by the tagger; named-entity tokens
    never match (the month "May" is no hedge).
    """
    words = [(t.i, t.text.lower().replace("’", "'")) for t in doc if not t.is_punct and not t.is_space]
    out: list[tuple[int, int, Cue]] = []
    used: set[int] = set()
    for pos in range(len(words)):
        if words[pos][0] in used:
            continue
        for n in range(min(lexicon.max_len, len(words) - pos), 0, -1):
            key = tuple(w for _, w in words[pos:pos + n])
            cues = lexicon.forms.get(key)
            if not cues:
                continue
            first = doc[words[pos][0]]
            if first.ent_type_ and first.ent_type_ not in ("NORP",):
                continue
            kinds = {c.kind for c in cues}
            if n == 1 and {"verb", "noun"} <= kinds:
                want = "verb" if first.pos_ in ("VERB", "AUX") else "noun"
                cues = tuple(c for c in cues if c.kind == want) or cues
            elif n == 1 and kinds == {"noun"} and first.pos_ in ("VERB",) and first.dep_ != "ROOT":
                continue  # "to issue" is not the noun "issue"
            span = [i for i, _ in words[pos:pos + n]]
            out.append((span[0], span[-1] + 1, cues[0]))
            used.update(range(span[0], span[-1] + 1))
            break
    # emphatic "do" ("we do support it") is Hyland's booster without a word list entry
    for t in doc:
        if (t.lower_ in ("do", "does", "did") and t.dep_ == "aux" and t.head.pos_ == "VERB"
                and not any(c.dep_ == "neg" for c in t.head.children) and t.i not in used
                and not doc[-1].text == "?"):
            out.append((t.i, t.i + 1, Cue("do (emphatic)", "booster", 1.3, "exact", "H05")))
    return sorted(out, key=lambda x: (x[0], x[1]))

