"""Stance stage inputs: table checks, sentence order and the one place sentences get parsed.

:func:`parse_sentences` is the only function of the stage that parses; everything downstream works on
the parsed docs it returns, or the ones the notebook passes in (cut from the run folder's cached article
parses by :meth:`analysis.annotate.Annotator.sentence_docs`, on the run's engine).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import StanceError


def parse_sentences(sentences: pd.DataFrame, *, nlp: Any = None, batch_size: int = 64) -> dict[str, Any]:
    """Parse every sentence once (tagger, parser, NER) so targets and evidence share the work.

    Returns a dict ``sent_id -> spaCy Doc`` of the sentence text; token ``idx`` plus the row's
    ``start`` gives the offset into ``clean_text``. Parsed here, without a cache: the fallback when
    no docs are given. The stage notebook cuts sentence docs from the cached article parses
    instead (:meth:`analysis.annotate.Annotator.sentence_docs`).
    """
    if nlp is None:
        from ..nlp import load_spacy

        nlp = load_spacy(parser=True, ner=True)
    from ..nlp import parse_cached

    texts = list(sentences["text"].astype(str))
    return dict(zip(sentences["sent_id"], parse_cached(texts, nlp=nlp, batch_size=batch_size)))


def check_inputs(articles: pd.DataFrame, sentences: pd.DataFrame) -> None:
    need_a = {"article_id", "clean_text"}
    need_s = {"article_id", "sent_id", "start", "end", "text", "section"}
    if missing := need_a - set(articles.columns):
        raise StanceError(f"articles table lacks {sorted(missing)}; run the clean stage (01) first")
    if missing := need_s - set(sentences.columns):
        raise StanceError(f"sentences table lacks {sorted(missing)}; run the clean stage (01) first")
    if sentences.empty:
        raise StanceError("sentences table is empty: nothing to score; check the clean stage's audit")


def ordered(sentences: pd.DataFrame) -> pd.DataFrame:
    return sentences.sort_values(["article_id", "start", "sent_id"], kind="stable").reset_index(drop=True)

