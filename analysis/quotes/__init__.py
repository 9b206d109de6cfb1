"""Quotes: who is quoted, where, and how faithfully each outlet renders the same words.

The stage works on each article's ``clean_text`` as a whole (never sentence by sentence), so a
quotation that runs over several sentences or paragraphs stays one quote, and every offset points
into ``clean_text``. One module per step:

- :mod:`~analysis.quotes.marks` pairs quotation marks into quoted spans (:func:`find_quote_marks`).
- :mod:`~analysis.quotes.parse` indexes one spaCy parse of an article for the steps below.
- :mod:`~analysis.quotes.attribution` finds direct, partial and reported quotes and the words
  naming their speaker (:func:`extract_quotes`).
- :mod:`~analysis.quotes.speakers` resolves pronouns and titles to names and merges name forms
  across the corpus (:func:`canonical_speakers`, :func:`same_person`).
- :mod:`~analysis.quotes.clusters` groups renderings of one utterance (:func:`cluster_variants`);
  :mod:`~analysis.quotes.meaning` links renderings that say the same in other words (best windows).
- :mod:`~analysis.quotes.fidelity` aligns renderings with the reference and names the mutation
  (:func:`score_fidelity`; the diff as data: :func:`word_edits`); :mod:`~analysis.quotes.edits`
  tells meaning-changing edits from harmless rewording (:func:`~analysis.quotes.edits.meaning_edits`).
- :mod:`~analysis.quotes.fact_links` links each quote to the coverage facts it is evidence of.
- :mod:`~analysis.quotes.stage` builds the tables and chains the steps (:func:`run`).
- :mod:`~analysis.quotes.model` holds the records, :mod:`~analysis.quotes.lexicon` the word lists.

HTML, figures and the summary's sentences are in :mod:`analysis.viz.quotes`.

Tables
------
quotes : DataFrame, one row per quote
    ``quote_id`` (``<article_id>:q<NNN>`` in text order), ``article_id, outlet, start, end``
    (offsets into ``clean_text``), ``quote`` (the span as printed, marks included),
    ``speaker`` (canonical name, ``""`` when unknown), ``kind`` (``direct`` / ``partial`` /
    ``indirect``), ``cluster_id`` (the utterance: renderings of one remark share it, reported
    speech included; ``""`` for a quote under ``min_words`` words standing alone), ``fidelity`` (0-1,
    empty for a rendering with no variant), ``mutation`` (``verbatim / trimmed / expanded / reworded /
    translation-variant / paraphrase-in-quotes / reported / misattributed``, ``""`` when there is
    nothing to compare), plus
    ``speaker_mention, speaker_start, speaker_end`` (the words that name the speaker, -1 when
    none), ``verb`` (reporting verb as printed), ``attribution`` (``verb / according / floating
    / containing / signature / none``: how the speaker was found; ``signature`` = a dash and a name
    ending the quote's line, or a transcript's speaker label opening it), ``resolution``
    (``name / pronoun / title / nominal / none``), ``contained_in`` (quote_id of an enclosing reported-speech span),
    ``unbalanced`` (bool), ``n_words``, ``reference_quote_id`` (``transcript`` when the reference is
    a transcript passage), ``reference_text``, ``coverage`` (share of the reference this rendering
    covers), ``diff`` (plain-text word diff), ``speaker_type`` (person / group / nominal / pronoun),
    ``cluster_method`` (``lexical`` / ``semantic`` / ``contained`` / ``single``: how the quote joined
    its cluster), ``edits`` (JSON list of ``{kind, reference_words, variant_words}``: the edits
    against the cluster's reference that change what the speaker said, kinds in
    :data:`analysis.quotes.edits.EDIT_KINDS`; ``""`` when there is nothing to compare) and
    ``meaning_changed`` (bool: at least one such edit), ``fact_ids`` (``;``-separated ids of the
    coverage facts whose evidence claims the quote overlaps, :mod:`~analysis.quotes.fact_links`;
    ``""`` when none or when the coverage stage's ``facts`` table was not given).
clusters : DataFrame, one row per variant cluster with two or more renderings
    ``cluster_id, speaker, n_renderings, n_articles, n_outlets, reference_quote_id,
    reference_text, min_fidelity, mean_fidelity, mutations, method`` (``lexical``, or
    ``lexical+semantic`` when a translation variant joined by meaning).
voices : DataFrame
    ``outlet, speaker, n_quotes, n_direct, n_partial, n_indirect`` — who gets a voice where.

Notebook 04 writes them as ``data/quotes.csv`` (without ``outlet``, joined from articles),
``data/quote_clusters.csv`` and ``data/quote_voices.csv``.
"""

from __future__ import annotations

from . import attribution, clusters, edits, fidelity, lexicon, marks, meaning, model, parse, speakers, stage
from .attribution import extract_quotes
from .clusters import cluster_variants, quote_similarity
from .fidelity import (MUTATION_HELP, align_to_best_segment, align_words, diff_text, find_in_transcript,
                       mutation_type, score_fidelity, word_edits)
from .lexicon import honorifics, speech_verbs
from .marks import find_quote_marks
from .model import QUOTE_COLUMNS, Alignment, ClusterThresholds, Edit, MarkSpan, Quote, QuotesResult
from .parse import parse_article
from .speakers import canonical_speakers, same_person
from .stage import cluster_table, extract_corpus, run, voices_table

__all__ = [
    "MUTATION_HELP", "QUOTE_COLUMNS", "Alignment", "ClusterThresholds", "Edit", "MarkSpan", "Quote", "QuotesResult",
    "align_to_best_segment", "align_words", "canonical_speakers", "cluster_table", "cluster_variants", "diff_text",
    "extract_corpus", "extract_quotes", "find_in_transcript", "find_quote_marks", "honorifics", "mutation_type",
    "parse_article", "quote_similarity", "run", "same_person", "score_fidelity", "speech_verbs", "voices_table",
    "word_edits",
    # submodules
    "attribution", "clusters", "edits", "fidelity", "lexicon", "marks", "meaning", "model", "parse", "speakers", "stage",
]
