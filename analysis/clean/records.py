"""Result records of the clean stage (one document, the whole corpus)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class CleanedDocument:
    """Result of cleaning one document: an article record or a rejection reason, plus audit rows."""

    article: dict[str, object] | None
    audit: list[dict[str, str]] = field(default_factory=list)
    rejection: str | None = None
    paragraphs: list[tuple[int, int]] = field(default_factory=list)  # (start, end) in clean_text


@dataclass
class CleanedCorpus:
    articles: pd.DataFrame
    sentences: pd.DataFrame
    audit: pd.DataFrame
    inputs: pd.DataFrame


