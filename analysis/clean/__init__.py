"""Turn raw documents into clean articles and sentences, logging every removal.

Outputs (see ``DESIGN.md``)
---------------------------
articles : DataFrame
    ``article_id, file, outlet, url, date, title, clean_text, lang`` plus ``dateline, words,
    encoding, title_source, date_source, flags`` (``;``-separated notes such as
    ``title_conflict``). ``clean_text`` starts with the headline as its own paragraph when a
    title is known, so headline sentences have offsets like any other.
sentences : DataFrame
    ``article_id, sent_id, start, end, text, section, paragraph`` with ``section`` in
    ``headline / lede / body`` (lede = first two body sentences); offsets index ``clean_text``.
audit : DataFrame
    ``article_id, rule, removed_text, reason`` — one row per removal or repair.
inputs : DataFrame
    ``file, status, reason, duplicate_of, sha256, bytes, article_id`` — the ledger; status is
    ``kept``, ``duplicate`` or ``rejected``.

Modules: :mod:`.text` (decoding fixes, HTML/Markdown to text, paragraphs, bidi controls),
:mod:`.rules` (boilerplate rules as data, captions, line tests), :mod:`.document` (one document),
:mod:`.duplicates` (MinHash), :mod:`.sentences` (sentence spans and split), :mod:`.stage`
(:func:`clean_corpus` and the input ledger), :mod:`.records` (result dataclasses).
"""

from __future__ import annotations

from ..corpus import Rejection
from .document import clean_document
from .duplicates import find_duplicates
from .records import CleanedCorpus, CleanedDocument
from .rules import (BOILERPLATE_RULES, CAPTION_PATTERNS, ENGLISH_FUNCTION_WORDS, boilerplate_rule,
                    english_share)
from .sentences import sentence_spans, split_sentences
from .stage import clean_corpus, rejection_messages
from .text import MAX_PARAGRAPH_CHARS, html_to_text, looks_like_html, split_paragraphs, strip_bidi_controls

__all__ = ["BOILERPLATE_RULES", "CAPTION_PATTERNS", "CleanedCorpus", "CleanedDocument", "Rejection",
           "boilerplate_rule", "clean_corpus", "clean_document", "english_share", "find_duplicates",
           "html_to_text", "rejection_messages", "split_paragraphs", "split_sentences"]
