"""Stance stage data model: constants, word-list entries, entity index and result tables.

Shared by every module of :mod:`analysis.stance`; holds no logic, so each module can import it
without pulling in spaCy or the others. The table columns are documented in the package docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

METHOD = "lexical-clause"
SECTION_WEIGHTS: dict[str, float] = {"headline": 3.0, "lede": 2.0, "body": 1.0}
HEDGE_DAMPING = 0.5  # "agrees in principle" keeps half of "agrees"
NEGATION_FACTOR = -0.7  # "does not support" is opposition, a little weaker than "opposes"
SIDE_WEIGHT = 0.5  # "the <seat> says" is the actor's side speaking, not the actor's own words
BOOST_CAP = 1.69  # two boosters at most ("very strongly")
CONDITION_DILUTION = 1.0  # how much condition mass weakens the support share of a section
SUPPORT_CLASSES = ("neutral", "endorsing", "distancing", "opposing", "positive", "negative")
CONDITION_CLASSES = ("hedge", "conditional", "contrast")
MODIFIER_CLASSES = ("booster", "negation")
LABELS = ("supportive", "conditional", "skeptical", "opposed", "unclear")
ACTOR_LABELS = ("PERSON", "ORG")  # spaCy entity labels that can be actors

EVIDENCE_COLUMNS = ["article_id", "target", "sent_id", "start", "end", "cue", "cue_class", "weight", "axis",
                    "section", "section_weight", "base_weight", "clause_weight", "clause_start", "clause_end", "negated",
                    "hedged", "role"]
STANCE_COLUMNS = ["article_id", "target", "support_score", "conditionality", "label", "confidence", "n_cues",
                  "cue_mass", "top_cues", "method"]


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


@dataclass(frozen=True)
class Mention:
    """One mention of a target in a sentence doc: tokens ``start:end`` and how it was found."""

    canonical: str
    start: int  # token index in the sentence doc
    end: int
    how: str  # ner / title / pronoun / proposition


@dataclass(frozen=True)
class EntityIndex:
    """Corpus-level alias resolution: name keys and title phrases to canonical names."""

    key_to_canonical: Mapping[tuple[str, ...], str]
    display: Mapping[str, str]
    label: Mapping[str, str]
    titles: Mapping[str, frozenset[tuple[tuple[str, ...], str]]]  # canonical -> {(modifiers, role)}
    # ISO country code -> canonical actor whose side the country's names join (see .sides); empty: none
    sides: Mapping[str, str] = field(default_factory=dict)



@dataclass(frozen=True)
class StanceScores:
    """Scores per article and target, and the evidence with each cue's contribution filled in."""

    stance: pd.DataFrame
    evidence: pd.DataFrame

