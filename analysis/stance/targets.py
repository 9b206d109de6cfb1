"""Stance targets: the corpus's main actors (names, aliases, titles, pronouns) and its proposition.

Name variants are merged corpus-wide ("Duarte" and "Mr Duarte" join "Ana Duarte"; "the French
leader" joins the one person titled "French President"), so every article's mentions of an
actor count for one target. Word lists here are generic English, written by us.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .clauses import SUBJECT_DEPS
from .inputs import check_inputs, ordered, parse_sentences
from .model import ACTOR_LABELS, SECTION_WEIGHTS, EntityIndex, Mention
from .sides import (INSTITUTION_NOUNS, assign_sides, country_of, institution_country, leader_by_country, seats,
                    side_mentions)

# generic role nouns that stand for "the one who leads" a country/body: "the French leader" may
# refer back to "French President X"; written by us, any English news corpus
_LEADER_ROLES = frozenset({"president", "prime", "minister", "premier", "chancellor", "leader", "king",
                           "queen", "chief", "head", "governor", "mayor", "ceo", "chairman", "chair"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "prof"})
_PRONOUNS_3SG = frozenset({"he", "she", "him", "his", "her"})
# nouns too generic to be an event's central object
_GENERIC_NOUNS = frozenset({"day", "days", "week", "weeks", "year", "years", "month", "months", "time",
                            "people", "thing", "things", "way", "part", "percent", "news", "report",
                            "reporters", "statement", "comments", "official", "officials"})



def name_key(text: str) -> tuple[str, ...]:
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


def entity_index(docs: Mapping[str, Any], *, labels: Sequence[str]) -> EntityIndex:
    surface: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    key_label: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    title_of: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for sid in sorted(docs):
        for ent in docs[sid].ents:
            if ent.label_ not in labels:
                continue
            key = name_key(ent.text)
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
        multi = [(n, s) for s, n in sc.items() if len(s.split()) >= 2 and name_key(s) == root]
        name = sorted(multi or [(n, s) for s, n in sc.items()], key=lambda x: (-x[0], -len(x[1]), x[1]))[0][1]
        canonical = " ".join(root)
        display[canonical] = name
        label[canonical] = lab.most_common(1)[0][0]
        for m in members:
            key_to_canonical[m] = canonical
            for t in title_of[m]:
                titles[canonical].add((tuple(t[:-1]), t[-1]))
    return EntityIndex(key_to_canonical, display, label, {c: frozenset(t) for c, t in titles.items()})


def _resolve_title(chunk_words: Sequence[str], index: EntityIndex) -> str | None:
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


def _proposition(docs: Mapping[str, Any], sentences: pd.DataFrame, index: EntityIndex
                 ) -> tuple[str, tuple[str, ...], int, int]:
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


def with_names(index: EntityIndex, names: Iterable[str]) -> EntityIndex:
    """``index`` plus explicitly named actors (full name and surname) the NER never found."""
    keys = dict(index.key_to_canonical)
    display = dict(index.display)
    label = dict(index.label)
    for name in names:
        key = name_key(name)
        if not key:
            continue
        canonical = keys.get(key) or (keys.get(key[-1:]) if len(key) > 1 else None) or " ".join(key)
        keys.setdefault(key, canonical)
        keys.setdefault(key[-1:], canonical)
        display.setdefault(canonical, " ".join(name.split()))
        label.setdefault(canonical, "PERSON")
    return EntityIndex(keys, display, label, index.titles, index.sides)


def with_sides(index: EntityIndex, actors: Sequence[str]) -> EntityIndex:
    """``index`` whose countries' names (seats, capitals, executive bodies) join the side of the
    actor among ``actors`` (canonical names, rank order) that leads that country; see :mod:`.sides`."""
    return EntityIndex(index.key_to_canonical, index.display, index.label, index.titles,
                       assign_sides(index, actors))


def find_targets(articles: pd.DataFrame, sentences: pd.DataFrame, *, docs: Mapping[str, Any] | None = None,
                 n_actors: int = 3, actors: Sequence[str] | None = None, proposition: str | None = None,
                 min_article_share: float = 0.5, entity_labels: Sequence[str] = ACTOR_LABELS,
                 group_sides: bool = True) -> pd.DataFrame:
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
    group_sides : bool, default=True
        Group the seat, state, capital and executive bodies of a country with the actor who leads
        it (:mod:`.sides`): they are not picked as actors of their own, and ``grouped`` lists the
        names found.

    Returns
    -------
    targets : DataFrame with the columns in the :mod:`analysis.stance` docstring, actors first.
    """
    check_inputs(articles, sentences)
    sentences = ordered(sentences)
    docs = parse_sentences(sentences) if docs is None else docs
    index = with_names(entity_index(docs, labels=entity_labels), actors or ())
    per_article, n_mentions = _mention_counts(sentences, docs, index)
    if actors:
        rows = [_named_actor(name, index) for name in actors]
    else:
        n_art = articles["article_id"].nunique()
        floor = max(2, math.ceil(min_article_share * n_art)) if n_art > 1 else 1
        ranked = sorted(per_article, key=lambda c: (-len(per_article[c]), -n_mentions[c], c))
        picked = _pick_actors([c for c in ranked if len(per_article[c]) >= floor], index, n_actors, group_sides)
        rows = [(index.display[c], "actor", c, "ner") for c in picked]
    out = [_actor_row(index, display, kind, canonical, source, n_mentions.get(canonical, 0),
                      len(per_article.get(canonical, ())))
           for display, kind, canonical, source in rows]
    grouped = _grouped_names(docs, sentences, with_sides(index, [r[2] for r in rows])) if group_sides else {}
    for row in out:
        names = grouped.get(row["_key"], [])
        row["grouped"] = "|".join(n for n, _ in names)
        row["n_grouped"] = sum(k for _, k in names)
    out.extend(dict(r, grouped="", n_grouped=0) for r in _proposition_rows(proposition, docs, sentences, index))
    cols = ["target", "kind", "aliases", "n_mentions", "n_articles", "source", "grouped", "n_grouped"]
    df = pd.DataFrame(out, columns=cols + ["_key"]).drop_duplicates("target")
    return df[cols].reset_index(drop=True)


def _pick_actors(candidates: Sequence[str], index: EntityIndex, n_actors: int, group_sides: bool) -> list[str]:
    """The first ``n_actors`` candidates, skipping an institution or state (a seat, a capital, "<country>'s
    ministry") whose country is led by a selected person candidate: it joins that person's side."""
    if not group_sides:
        return list(candidates[:n_actors])
    blocked: set[str] = set()
    for _ in range(3):  # un-block an institution whose leader did not make the cut, then pick again
        picked = [c for c in candidates if c not in blocked][:n_actors]
        sides = assign_sides(index, [c for c in picked if index.label.get(c) == "PERSON"])
        now = {c for c in candidates if index.label.get(c) != "PERSON"
               and institution_country(index.display.get(c, c)) in sides}
        if now == blocked:
            break
        blocked = now
    return [c for c in candidates if c not in blocked][:n_actors]


def _grouped_names(docs: Mapping[str, Any], sentences: pd.DataFrame, index: EntityIndex
                   ) -> dict[str, list[tuple[str, int]]]:
    """Per canonical actor: the names of its side found in the corpus and how often, most frequent first."""
    counts: dict[str, Counter] = defaultdict(Counter)
    if not index.sides:
        return {}
    for sid in sentences["sent_id"]:
        doc = docs[sid]
        for m in find_mentions(doc, index, None):
            if m.how == "side":
                surface = re.sub(r"^the ", "", " ".join(doc[m.start:m.end].text.replace("’s", "'s").split()),
                                 flags=re.IGNORECASE)
                counts[m.canonical][surface] += 1
    return {c: sorted(cnt.items(), key=lambda x: (-x[1], x[0])) for c, cnt in counts.items()}


def _mention_counts(sentences: pd.DataFrame, docs: Mapping[str, Any], index: EntityIndex
                    ) -> tuple[dict[str, set], Counter]:
    """Per canonical actor: the articles that mention it and its number of mentions (no pronouns)."""
    per_article: dict[str, set] = defaultdict(set)
    n_mentions: Counter = Counter()
    for row in sentences.itertuples(index=False):
        for m in find_mentions(docs[row.sent_id], index, None):
            per_article[m.canonical].add(row.article_id)
            n_mentions[m.canonical] += 1
    return per_article, n_mentions


def _named_actor(name: str, index: EntityIndex) -> tuple[str, str, str, str]:
    """``(display, kind, canonical, source)`` of an actor named by the user, merged with the corpus's aliases."""
    key = name_key(name)
    canonical = index.key_to_canonical.get(key)
    if canonical is None and len(key) > 1:
        canonical = index.key_to_canonical.get(key[-1:])
    canonical = canonical or " ".join(key)
    return (index.display.get(canonical, name), "actor", canonical, "parameter")


def _actor_row(index: EntityIndex, display: str, kind: str, canonical: str, source: str,
               n_mentions: int, n_articles: int) -> dict:
    """One ``targets`` row for an actor: its aliases are every name key and multi-word title merged into it."""
    aliases = sorted(" ".join(k) for k, v in index.key_to_canonical.items() if v == canonical)
    # one-word titles ("president") never resolve on their own, so they are not aliases
    titles = sorted(" ".join([*m, r]) for m, r in index.titles.get(canonical, ()) if m)
    return dict(target=display, kind=kind, aliases="|".join(sorted(set(aliases + titles)) or [canonical]),
                n_mentions=n_mentions, n_articles=n_articles, source=source, _key=canonical)


def _proposition_rows(proposition: str | None, docs: Mapping[str, Any], sentences: pd.DataFrame,
                      index: EntityIndex) -> list[dict]:
    """The proposition's ``targets`` row: found (``None``), given (a noun) or none (``""``)."""
    if proposition is None:
        head, alias_heads, n_m, n_a = _proposition(docs, sentences, index)
        if head:
            return [dict(target=head, kind="proposition", aliases="|".join((head, *alias_heads)),
                         n_mentions=n_m, n_articles=n_a, source="ner", _key=head)]
    elif proposition:
        word = proposition.lower().strip()
        return [dict(target=word, kind="proposition", aliases=word, n_mentions=0, n_articles=0,
                     source="parameter", _key=word)]
    return []


def _stands_for_side(canonical: str, index: EntityIndex) -> bool:
    """An organisation name that is a seat, state or executive body of a country on an actor's side:
    left to :func:`.sides.side_mentions`, which names it for the actor."""
    name = index.display.get(canonical, canonical)
    if index.label.get(canonical) == "PERSON":  # a person named like a country stays a person, but the
        return seats().get(name) in index.sides  # small model also tags seats ("the <seat> said") PERSON
    return bool(index.sides) and institution_country(name) in index.sides


def _country_body(ent: Any, index: EntityIndex) -> bool:
    """An entity such as "defence ministry" in "<country>'s defence ministry": an executive body whose
    country stands outside the entity; left to :func:`.sides.side_mentions` like "<country>'s ministry"."""
    root = ent.root
    return bool(index.sides) and root.lower_ in INSTITUTION_NOUNS and any(
        c.dep_ in ("poss", "amod", "compound") and c.i < ent.start and country_of(c.text) in index.sides
        for c in root.children)


def find_mentions(doc: Any, index: EntityIndex, prev: Mapping[str, str] | None) -> list[Mention]:
    """Target-able mentions in one sentence: names, resolvable titles and, given ``prev``, pronouns.

    ``prev`` carries the discourse state: ``{"subject": canonical, "last": canonical}`` of the
    preceding sentences; None skips pronoun resolution.
    """
    out: list[Mention] = []
    covered: set[int] = set()
    for ent in doc.ents:
        key = name_key(ent.text)
        canonical = index.key_to_canonical.get(key)
        if canonical is None or _stands_for_side(canonical, index) or _country_body(ent, index):
            continue
        out.append(Mention(canonical, ent.start, ent.end, "ner"))
        covered.update(range(ent.start, ent.end))
    # the small model misses some names (often at the start of a sentence): runs of proper nouns
    # whose key is a known alias count too
    run: list[Any] = []
    for t in [*doc, None]:
        if t is not None and t.pos_ == "PROPN" and t.i not in covered:
            run.append(t)
            continue
        while run:
            canonical = index.key_to_canonical.get(name_key(" ".join(x.text for x in run)))
            if canonical is not None and index.label.get(canonical, "PERSON") in ("PERSON", "ORG") \
                    and not _stands_for_side(canonical, index):
                out.append(Mention(canonical, run[0].i, run[-1].i + 1, "alias"))
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
        canonical = _resolve_title(words, index) or leader_by_country(words, index)
        if canonical is not None:
            out.append(Mention(canonical, chunk.start, chunk.end, "title"))
            covered.update(range(chunk.start, chunk.end))
    out.extend(side_mentions(doc, index, out, covered))
    if prev is not None:
        for t in doc:
            if t.lower_ in _PRONOUNS_3SG and t.pos_ == "PRON":
                earlier = [m for m in out if m.end <= t.i and index.label.get(m.canonical) == "PERSON"
                           and m.how != "side"]
                subj = [m for m in earlier if doc[m.end - 1].dep_ in SUBJECT_DEPS]
                pick = (subj or earlier)[-1].canonical if earlier else prev.get("subject") or prev.get("last")
                if pick:
                    out.append(Mention(pick, t.i, t.i + 1, "pronoun"))
    return sorted(out, key=lambda m: (m.start, m.end, m.canonical))



def main_target(targets: pd.DataFrame) -> str:
    """The target the views focus on: the first actor, else the proposition, else ``""``."""
    actors = targets[targets["kind"] == "actor"]
    pick = actors if len(actors) else targets
    return str(pick["target"].iloc[0]) if len(pick) else ""

