"""Sentence spans (sentencizer output, repaired) and the per-article sentence split."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..annotate import Mapper, local_map


_OPENERS_AT_END = re.compile(r"\s+([“‘«(\[\"]+)$")
_CLOSERS = ("”", '"', "’")


def sentence_spans(doc: Any) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in ``doc.text`` from the rule-based sentencizer, repaired.

    Repairs: an opening quote/bracket at a sentence end moves to the next sentence; a "sentence"
    starting in lower case or with , ; : ) or following one that ends in , or ; continues the
    previous one ("Ont., was"; '"...30 days?", he said.'); a short
    attribution after a closing quote ('... our son?" Kim said.') joins the quote.
    """
    from spacy.attrs import IDX, SENT_START

    text = doc.text
    # token arrays instead of doc.sents: building a Token object per word dominated the stage
    marks = doc.to_array([IDX, SENT_START]) if len(doc) else []
    starts = [int(idx) for idx, is_start in marks if is_start == 1] or ([0] if len(doc) else [])
    if starts and starts[0] != 0:
        starts.insert(0, 0)
    raw = [(a, len(text[:b].rstrip())) for a, b in zip(starts, starts[1:] + [len(text)])]
    spans: list[list[int]] = []
    carry: int | None = None
    for i, (start, end) in enumerate(raw):
        if carry is not None:
            start, carry = carry, None
        m = _OPENERS_AT_END.search(text, start, end)
        if m and i + 1 < len(raw):
            carry, end = m.start(1), m.start()
        piece = text[start:end].strip()
        if not piece:
            continue
        if spans:
            prev = text[spans[-1][0]:spans[-1][1]].rstrip()
            joins = piece[0].islower() or piece[0] in ",;:)" or prev.endswith((",", ";")) or (
                prev.endswith(_CLOSERS) and len(piece.split()) <= 4 and piece.endswith("."))
            if joins:
                spans[-1][1] = end
                continue
        spans.append([start, end])
    return [(s, e) for s, e in spans]


def _split_articles(records: list[tuple[str, str, list[tuple[int, int]], bool]], *, batch_size: int = 256
                    ) -> list[list[dict[str, object]]]:
    """Sentence rows for each (article_id, clean_text, paragraph spans, has_headline) record."""
    from ..nlp import load_sentencizer

    nlp = load_sentencizer()
    jobs: list[tuple[int, int, int, bool]] = []  # record index, paragraph index, start, is_headline
    texts: list[str] = []
    for r_idx, (_aid, text, spans, has_headline) in enumerate(records):
        for p_idx, (start, end) in enumerate(spans):
            jobs.append((r_idx, p_idx, start, has_headline and p_idx == 0))
            texts.append(text[start:end])
    out: list[list[dict[str, object]]] = [[] for _ in records]
    body_seen = [0] * len(records)
    for (r_idx, p_idx, p_start, is_headline), doc in zip(jobs, nlp.pipe(texts, batch_size=batch_size)):
        aid = records[r_idx][0]
        spans = [(0, len(doc.text))] if is_headline else sentence_spans(doc)
        for s_start, s_end in spans:
            raw = doc.text[s_start:s_end]
            text = raw.strip()
            if not text:
                continue
            if is_headline:
                section = "headline"
            else:
                section = "lede" if body_seen[r_idx] < 2 else "body"
                body_seen[r_idx] += 1
            start = p_start + s_start + len(raw) - len(raw.lstrip())
            rows = out[r_idx]
            rows.append({"article_id": aid, "sent_id": f"{aid}:s{len(rows):03d}", "start": start,
                         "end": start + len(text), "text": text, "section": section, "paragraph": p_idx})
    return out


def split_sentences(articles: pd.DataFrame, paragraphs: dict[str, list[tuple[int, int]]], *,
                    mapper: Mapper = local_map) -> pd.DataFrame:
    """Sentences of every article with offsets into ``clean_text``, never crossing a paragraph
    (``mapper`` runs the per-article split: :meth:`analysis.annotate.Annotator.map`)."""
    records = [(row.article_id, row.clean_text, paragraphs[row.article_id], bool(row.has_headline))
               for row in articles.itertuples(index=False)]
    per_article = mapper(_split_articles, records)
    return pd.DataFrame([row for rows in per_article for row in rows],
                        columns=["article_id", "sent_id", "start", "end", "text", "section", "paragraph"])

