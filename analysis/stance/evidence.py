"""Stance evidence: one row per cue in a clause where a target is the subject, speaker or topic.

Walks each article's sentences in order (so pronouns and quote continuations resolve to the
previous speaker), matches the cue list and weights each cue by clause context: negation,
hedge damping and boosters. The section mixing happens later, in :mod:`.scoring`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .clauses import SUBJECT_DEPS, clause_head, condition_words, is_clause_head, owned_tokens
from .cues import default_lexicon, match_cues
from .inputs import check_inputs, ordered, parse_sentences
from .model import (ACTOR_LABELS, BOOST_CAP, CONDITION_CLASSES, EVIDENCE_COLUMNS, HEDGE_DAMPING, MODIFIER_CLASSES,
                    NEGATION_FACTOR, SECTION_WEIGHTS, SIDE_WEIGHT, SUPPORT_CLASSES, Cue, EntityIndex, Lexicon)
from .sides import mention_head
from .targets import entity_index, find_mentions, name_key, with_names, with_sides

_QUOTE_OPEN = "\"“‘«'"


def _article_evidence(article_id: str, rows: pd.DataFrame, docs: Mapping[str, Any], index: EntityIndex,
                      actor_keys: Mapping[str, str], prop: tuple[str, set[str]] | None,
                      lexicon: Lexicon, section_weights: Mapping[str, float], side_weight: float) -> list[dict]:
    out: list[dict] = []
    state: dict[str, str] = {}
    prev_speakers: set[str] = set()
    for row in rows.itertuples(index=False):
        doc = docs[row.sent_id]
        mentions = find_mentions(doc, index, state)
        cues = match_cues(doc, lexicon)
        sw = float(section_weights.get(row.section, 1.0))
        speakers_here: set[str] = set()
        starts_with_quote = doc.text.lstrip()[:1] in _QUOTE_OPEN
        any_person_subject = any(mention_head(doc, m).dep_ in SUBJECT_DEPS for m in mentions)
        owners: dict[str, tuple[set[int], dict[int, str], set[int]]] = {}
        for display, canonical in actor_keys.items():
            owned, role, by_side = _actor_clauses(doc, mentions, canonical)
            if owned:
                speakers_here.add(canonical)
            elif canonical in prev_speakers and starts_with_quote and not any_person_subject:
                # a quote sentence with no speaker of its own continues the previous speaker's quote
                owned = {t.i for t in doc}
                role = {t.i: "speaker" for t in doc if is_clause_head(t)}
                speakers_here.add(canonical)
            owners[display] = (owned, role, by_side)
        if prop is not None:
            display, words = prop
            heads = {clause_head(t).i for t in doc if t.lower_.rstrip("s") in words or t.lower_ in words}
            owned = {t.i for t in doc if clause_head(t).i in heads}
            # a condition put on the clause ("approved the plan, provided that ...", "... unless X
            # pays") is in a subordinate clause; its opening words qualify the proposition's clause
            for h in heads:
                for c in doc[h].children:
                    if c.dep_ == "advcl":
                        owned.update(condition_words(c))
                    elif c.dep_ == "prep" and is_clause_head(c):  # "provided (that)" parsed as a preposition
                        owned.add(c.i)
            owners[display] = (owned, {h: "mentioned" for h in heads}, set())
        for display, (owned, role, by_side) in owners.items():
            if owned:
                out.extend(_clause_rows(article_id, row, doc, cues, owned, role, sw, display,
                                        by_side=by_side, side_weight=side_weight))
        update_state(state, mentions, doc, index)
        prev_speakers = speakers_here or (prev_speakers if starts_with_quote else set())
    return out


def update_state(state: dict[str, str], mentions: list, doc: Any, index: EntityIndex) -> None:
    """Discourse state for pronouns after a sentence: its last person mention and person subject."""
    persons = [m for m in mentions if index.label.get(m.canonical) == "PERSON" and m.how != "side"]
    if persons:
        state["last"] = persons[-1].canonical
        subj = [m for m in persons if doc[m.end - 1].dep_ in SUBJECT_DEPS]
        if subj:
            state["subject"] = subj[-1].canonical


def actor_index(docs: Mapping[str, Any], targets: pd.DataFrame, *, entity_labels: Sequence[str] = ACTOR_LABELS,
                side_weight: float = SIDE_WEIGHT) -> tuple[EntityIndex, dict[str, str], tuple[str, set[str]] | None]:
    """The entity index the targets resolve in, ``{target: canonical}`` of the actors, and the
    proposition as ``(target, words)``; the actors' sides are attached unless ``side_weight`` is 0."""
    index = entity_index(docs, labels=entity_labels)
    actor_keys: dict[str, str] = {}
    prop: tuple[str, set[str]] | None = None
    for t in targets.itertuples(index=False):
        aliases = [a for a in str(t.aliases).split("|") if a]
        if t.kind == "proposition":
            prop = (t.target, {a.lower() for a in aliases} | {t.target.lower()})
            continue
        index = with_names(index, [t.target])
        keys = [name_key(a) for a in [t.target, *aliases]]
        canonical = next((index.key_to_canonical[k] for k in keys if k in index.key_to_canonical), None)
        actor_keys[t.target] = canonical or " ".join(name_key(t.target))
    if side_weight > 0:
        index = with_sides(index, list(actor_keys.values()))
    return index, actor_keys, prop


def _actor_clauses(doc: Any, mentions: list, canonical: str) -> tuple[set[int], dict[int, str], set[int]]:
    """Tokens of the clauses the actor owns, their heads' roles, and the tokens owned only through
    the actor's side ("the <seat> said ..."), which count with ``side_weight``."""
    names = {i for m in mentions if m.canonical == canonical and m.how != "side" for i in range(m.start, m.end)}
    side = {i for m in mentions if m.canonical == canonical and m.how == "side" for i in range(m.start, m.end)}
    owned, role = owned_tokens(doc, names | side, first_person_is_target=False)
    if not owned:
        return owned, role, set()
    # "we"/"I" stand for the actor only once the actor speaks in this sentence
    owned, role = owned_tokens(doc, names | side, first_person_is_target=True)
    if not side:
        return owned, role, set()
    own, _ = owned_tokens(doc, names, first_person_is_target=bool(names))
    return owned, role, owned - own


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
                 role: Mapping[int, str], section_weight: float, target: str, *, by_side: set[int] = frozenset(),
                 side_weight: float = SIDE_WEIGHT) -> list[dict]:
    mine = [(a, b, c) for a, b, c in cues if a in owned]
    by_clause: dict[int, list[tuple[int, int, Cue]]] = defaultdict(list)
    for a, b, c in mine:
        by_clause[clause_head(doc[a]).i].append((a, b, c))
    out = []
    for head_i in sorted(by_clause):
        items = by_clause[head_i]
        head = doc[head_i]
        clause_toks = [t for t in head.subtree if clause_head(t).i == head_i]
        c_start = row.start + min(t.idx for t in clause_toks)
        c_end = row.start + max(t.idx + len(t) for t in clause_toks)
        negated = any(c.cue_class == "negation" for _, _, c in items)
        # "agrees in principle", "conditional support": a hedge or a strong condition in the same
        # clause weakens the stance word; weak conditions ("details", "issues") do not
        hedged = any(c.cue_class == "hedge" or (c.cue_class == "conditional" and c.weight >= 0.7)
                     for _, _, c in items)
        boost_of = _booster_targets(doc, items)
        r = role.get(head_i) or next((role[a.i] for a in head.ancestors if a.i in role), "speaker")
        # the side's clauses (its seat, state or ministry speaking) count for the actor, with less weight
        factor = side_weight if head_i in by_side else 1.0
        r = "side" if head_i in by_side else r
        for a, b, c in items:
            if c.cue_class in SUPPORT_CLASSES:
                axis = "support"
                cw = c.weight * boost_of.get(a, 1.0) * (HEDGE_DAMPING if hedged else 1.0) \
                    * (NEGATION_FACTOR if negated else 1.0) * factor
            elif c.cue_class in CONDITION_CLASSES:
                axis, cw = "conditionality", c.weight * boost_of.get(a, 1.0) * factor
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


def stance_evidence(articles: pd.DataFrame, sentences: pd.DataFrame, targets: pd.DataFrame, *,
                    docs: Mapping[str, Any] | None = None, lexicon: Lexicon | None = None,
                    section_weights: Mapping[str, float] | None = None,
                    entity_labels: Sequence[str] = ACTOR_LABELS, side_weight: float = SIDE_WEIGHT) -> pd.DataFrame:
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
    side_weight : float, default=:data:`SIDE_WEIGHT`
        Clauses whose subject is the actor's side (its country's seat, capital, state or executive
        bodies: "the <seat> said", :mod:`.sides`) count for the actor with this weight (``role``
        ``side``); 0 switches the grouping off.

    Returns
    -------
    evidence : DataFrame with :data:`EVIDENCE_COLUMNS`, sorted by article, target, offset.
    """
    check_inputs(articles, sentences)
    sentences = ordered(sentences)
    docs = parse_sentences(sentences) if docs is None else docs
    lexicon = lexicon or default_lexicon()
    weights = dict(SECTION_WEIGHTS if section_weights is None else section_weights)
    index, actor_keys, prop = actor_index(docs, targets, entity_labels=entity_labels, side_weight=side_weight)
    rows: list[dict] = []
    for article_id, group in sentences.groupby("article_id", sort=True):
        rows.extend(_article_evidence(str(article_id), group, docs, index, actor_keys, prop, lexicon, weights,
                                       side_weight))
    ev = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    ev = ev.drop_duplicates(["article_id", "target", "start", "end", "cue_class"])
    return ev.sort_values(["article_id", "target", "start", "end", "cue_class"], kind="stable").reset_index(drop=True)

