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
    ``parameter``), ``grouped`` (``|``-joined names of the actor's *side* found in the corpus, most
    frequent first: the seat, capital, state and executive bodies of the country the actor leads,
    e.g. "<seat>|<capital>|<country>'s foreign ministry"; see :mod:`.sides`) and ``n_grouped``
    (their mentions).
stance_evidence
    ``article_id, target, sent_id, start, end, cue, cue_class, weight`` (the DESIGN contract) plus
    ``axis`` (``support`` / ``conditionality`` / ``modifier``), ``section`` (headline / lede /
    body), ``section_weight``, ``base_weight`` (the word list's weight), ``clause_weight`` (after
    negation, hedge damping and boosters), ``clause_start``, ``clause_end`` (char offsets of the
    clause the cue sits in), ``negated``, ``hedged`` (bools), ``role`` (``subject`` / ``speaker``
    / ``mentioned`` / ``side``: the clause's subject is the actor's side, not the actor, and its
    cues count with :data:`SIDE_WEIGHT`). ``weight`` is the cue's additive contribution to the article's score: the
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
stance_portrayal
    One row per sentence and main actor it mentions (the most direct mention: name, then title,
    then pronoun, then the actor's side as a clause subject): ``article_id, outlet, target, sent_id,
    start, end`` (the mention's offsets in ``clean_text``), ``in_quote`` (the mention, or at least
    half of the sentence, is inside quotation marks: the speaker's words, not the outlet's),
    ``polarity`` (-1/0/1, the classifier's most probable class), ``p_neg, p_neu, p_pos`` (its
    probabilities), ``mention`` (the text classified), ``how`` (ner / alias / title / pronoun /
    side), ``section``. Empty, with a note in the summary, when the classifier is not installed.
stance_portrayal_outlets
    One row per outlet, actor and ``voice`` (``narration``: the outlet's own sentences;
    ``quote``): ``score`` (mean P(pos) - P(neg), -1…+1), ``ci_low, ci_high`` (95 % percentile
    bootstrap), ``ci_unit`` (``article`` when the outlet has two or more articles and whole
    articles are resampled, else ``sentence``), ``n_sentences, n_articles``, ``label``
    (``neutral`` within ``±portrayal_neutral_band``; beyond it ``negative`` / ``positive``, or
    ``uncertain`` when the interval reaches across 0; ``too few`` below ``portrayal_min_sentences``), ``share_negative, share_positive``, ``drivers`` (``;``-joined
    ``sent_id`` of the three sentences whose removal moves the score most) and ``driver_shifts``
    (score minus score without that sentence).
stance_framing_outlets
    One row per outlet and target: the outlet's mean ``support_score`` with a 95 % bootstrap
    interval over its articles and their cue sentences, ``n_sentences`` behind it and the cue
    sentences that move it most (columns in :mod:`.outlet_framing`).
stance_drivers
    Per outlet, target and measure (``framing`` / ``portrayal``) the three sentences that move the
    score most, with the offsets of the mention and the cue words to highlight
    (:func:`.summary.driver_sentences`).

Modules
-------
``model`` constants, word-list entries, entity index and result types; ``inputs`` table checks and
sentence parsing; ``cues`` the cue word list; ``targets`` actors and proposition; ``clauses``
clause heads and ownership on a parse; ``sides`` institutions and states standing for an actor;
``evidence`` the ``stance_evidence`` rows; ``portrayal`` the portrayal tables (classifier in
:mod:`analysis.portrayal`); ``scoring``
section mixing and labels; ``outlet_framing`` per-outlet framing scores with intervals; ``summary``
the framing table, both measures per outlet, the driver sentences and ``stance_summary.json``. Figures and
HTML views are in :mod:`analysis.viz.stance` (still reachable here under their old names).
"""

from __future__ import annotations

from typing import Any

from ..errors import StanceError
from .cues import default_lexicon, match_cues, parse_lexicon
from .evidence import stance_evidence
from .inputs import parse_sentences
from .model import (BOOST_CAP, CONDITION_CLASSES, CONDITION_DILUTION, EVIDENCE_COLUMNS, HEDGE_DAMPING, LABELS,
                    METHOD, MODIFIER_CLASSES, NEGATION_FACTOR, SECTION_WEIGHTS, SIDE_WEIGHT, STANCE_COLUMNS,
                    SUPPORT_CLASSES, Cue, Lexicon, StanceScores)
from .portrayal import (OUTLET_COLUMNS, PORTRAYAL_COLUMNS, Portrayal, portrayal_mentions, portrayal_summary,
                        portrayal_unavailable, quoted_spans, run_portrayal, score_portrayal)
from .sides import country_of, institution_country
from .scoring import score_stance, stance_label
from .outlet_framing import FRAMING_OUTLET_COLUMNS, MIN_SENTENCES, framing_outlets
from .summary import DRIVER_COLUMNS, MEASURE_COLUMNS, driver_sentences, framing_table, outlet_measures, outlet_names, stance_summary
from .targets import find_targets, main_target

# presentation names that lived in the old single module; imported on first use so that the stage
# code never loads the presentation layer (and matplotlib) by itself
_VIEWS = frozenset({"LABEL_COLOURS", "CUE_COLOURS", "STANCE_CSS", "highlight_html", "evidence_html", "stance_figure",
                    "portrayal_figure"})

__all__ = ["BOOST_CAP", "CONDITION_CLASSES", "CONDITION_DILUTION", "EVIDENCE_COLUMNS", "HEDGE_DAMPING", "LABELS",
           "METHOD", "MODIFIER_CLASSES", "NEGATION_FACTOR", "SECTION_WEIGHTS", "SIDE_WEIGHT", "STANCE_COLUMNS",
           "SUPPORT_CLASSES", "country_of", "institution_country", "OUTLET_COLUMNS", "PORTRAYAL_COLUMNS",
           "Portrayal", "portrayal_mentions", "portrayal_summary", "portrayal_unavailable", "quoted_spans",
           "run_portrayal", "score_portrayal",
           "Cue", "Lexicon", "StanceError", "StanceScores", "default_lexicon", "find_targets", "framing_table",
           "main_target", "match_cues", "outlet_names", "parse_lexicon", "parse_sentences", "score_stance",
           "stance_evidence", "stance_label", "stance_summary", "FRAMING_OUTLET_COLUMNS", "MIN_SENTENCES",
           "framing_outlets", "DRIVER_COLUMNS", "MEASURE_COLUMNS", "driver_sentences", "outlet_measures",
           *sorted(_VIEWS)]


def __getattr__(name: str) -> Any:
    """``stance.stance_figure`` etc.: forwarded to :mod:`analysis.viz.stance`, where they now live."""
    if name in _VIEWS:
        from ..viz import stance as views

        return getattr(views, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
