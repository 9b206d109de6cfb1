"""The records of the quotes stage: quoted spans, quotes, persons, alignments, settings.

The columns of the stage's tables are listed in :mod:`analysis.quotes`; ``QUOTE_COLUMNS`` fixes
the order of the first columns of the ``quotes`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd


@dataclass(frozen=True)
class MarkSpan:
    """A stretch of text between paired quotation marks.

    ``start`` is the opening mark, ``end`` is one past the closing mark (or the paragraph end for
    an ``unbalanced`` quote). ``level`` is ``"double"`` or ``"single"``.
    """

    start: int
    end: int
    level: str
    unbalanced: bool = False


@dataclass(frozen=True)
class Quote:
    """One quotation or reported statement, with the evidence for its speaker."""

    article_id: str
    start: int  # char offset in clean_text (opening mark for direct quotes)
    end: int
    quote: str
    kind: str  # direct / partial / indirect
    speaker: str = ""  # resolved name within the article (canonical across corpus later)
    speaker_mention: str = ""
    speaker_start: int = -1
    speaker_end: int = -1
    verb: str = ""
    attribution: str = "none"  # verb / according / floating / containing / signature / none
    resolution: str = "none"  # name / pronoun / title / nominal / none
    unbalanced: bool = False
    contained_in: str = ""
    speaker_type: str = ""  # person / group / other


@dataclass(frozen=True)
class Person:
    """A person named in an article (a PERSON entity outside quotation marks): a candidate speaker.

    ``titles`` are the role words next to the name ("finnish", "president"), so a later "the
    Finnish president" can resolve to this person; ``gender`` (``m`` / ``f`` / ``-``) comes from an
    honorific and lets "he" / "she" skip incompatible names.
    """

    start: int
    end: int
    name: str  # title-stripped surface name
    is_subject: bool
    gender: str
    titles: frozenset[str]


class Edit(NamedTuple):
    """One step of a word alignment: what the rendering did with a stretch of the reference.

    ``tag`` is ``equal / delete / insert / replace / trim``; ``trim`` marks reference words outside
    the stretch the rendering quotes at all. Words are as printed (punctuation attached).
    """

    tag: str
    reference: tuple[str, ...]
    variant: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    """Word alignment of a rendering against a reference.

    ``ops`` lists the :class:`Edit` steps in reference order; ``fidelity`` is the Dice overlap
    with the untrimmed stretch of the reference, ``coverage`` that stretch's share of it.
    """

    ops: tuple[Edit, ...]
    fidelity: float
    coverage: float
    n_insert: int
    n_delete: int
    n_replace: int


QUOTE_COLUMNS = ["quote_id", "article_id", "outlet", "start", "end", "quote", "speaker", "kind", "cluster_id",
                 "fidelity", "mutation", "speaker_mention", "speaker_start", "speaker_end", "verb",
                 "attribution", "resolution", "contained_in", "unbalanced", "n_words", "reference_quote_id",
                 "reference_text", "coverage", "diff"]


@dataclass(frozen=True)
class ClusterThresholds:
    """When two renderings are the same utterance (see :func:`analysis.quotes.cluster_variants`).

    Attributes
    ----------
    threshold : float, default=0.75
        :func:`~analysis.quotes.quote_similarity` at or above which two renderings by the same
        (or an unknown) speaker are the same utterance.
    misattribution_threshold : float, default=0.9
        Renderings this close are the same utterance even when the speakers differ, so a
        misattribution shows up instead of hiding in two clusters.
    min_words : int, default=4
        Shorter quotes (scare quotes like "free", titles like "Meet the Press") are not clustered.
    min_unattributed_words : int, default=6
        A quote with no named speaker joins a cluster only if both renderings are this long.
    fragment_words : int, default=2
        A quoted fragment shorter than ``min_words`` but with a named speaker and this many content
        words ("unarmed and disarming") takes part and joins the rendering it is cut from (0: off).
    min_misattribution_words : int, default=8
        Renderings credited to different speakers are compared only from this length on.
    max_df, min_shared : int, default=50, 2
        Inverted-index settings: words in more than ``max_df`` quotes are ignored, and a pair
        needs ``min_shared`` rare words in common to be compared.
    semantic_threshold : float, default=0.76
        MiniLM cosine of the best-matching windows (clauses, sentences) at which two renderings
        are the same utterance in different words (for one named speaker: two quotations, their
        windows put in one person and tense; reported speech needs ``attach_score``).
    semantic_reported_threshold : float, default=0.86
        The same when both renderings are reported speech: summaries of one event resemble each
        other more than quotations do.
    neighbours : int, default=8
        Nearest windows in embedding space taken as candidate pairs (besides the word index).
    max_passage_gap : int, default=30
        A quotation interrupted by its attribution ("Would it ...?" he asked. "Should we ...?") is
        one passage when its second part follows within this many characters of the speaker's name.
    attach_score : float, default=0.7
        :func:`analysis.quotes.meaning.evidence_score` at or above which a rendering by one speaker
        joins the utterance of its best-matching rendering by the same speaker (embeddings only).
    attach_group : float, default=0.15
        ... provided its mean score against every rendering of that utterance reaches this, so a
        rendering close to one member only does not chain two remarks.
    report_attach, report_margin : float, default=0.3, 0.1
        Reported speech still apart from every quotation of its speaker joins the quoted remark
        with the best pair score when that reaches ``report_attach`` and beats the next remark by
        ``report_margin`` (report_attach 1.0: off). ``attach_score`` and ``report_attach`` are
        chosen with the evidence weights by benchmarks/bench_quotes.py on all four labelled sets
        (the best pairwise F1 among settings with precision 0.85 or more on every set); the
        benchmark prints the settings chosen without each set and their figures.
    block_all_pairs : int, default=300
        A speaker with up to this many renderings has all their pairs scored; above, only each
        rendering's ``neighbours`` nearest ones.
    """

    threshold: float = 0.75
    misattribution_threshold: float = 0.9
    min_words: int = 4
    min_unattributed_words: int = 6
    min_misattribution_words: int = 8
    fragment_words: int = 2
    max_df: int = 50
    min_shared: int = 2
    semantic_threshold: float = 0.76
    semantic_reported_threshold: float = 0.86
    neighbours: int = 8
    max_passage_gap: int = 30
    attach_score: float = 0.7
    attach_group: float = 0.15
    block_all_pairs: int = 300
    report_attach: float = 0.3
    report_margin: float = 0.1


class QuotesResult(NamedTuple):
    """The stage's three tables (columns in :mod:`analysis.quotes`); unpacks as a tuple."""

    quotes: pd.DataFrame
    clusters: pd.DataFrame
    voices: pd.DataFrame
