"""Utterance clusters against hand-made labels: the seeds and an invented translated-remarks corpus.

The labels live in ``tests/quote_cluster_labels.py`` (distinctive substrings per utterance);
``benchmarks/bench_quotes.py`` prints the full pairwise and B-cubed figures.
"""

from __future__ import annotations

import pandas as pd
import pytest

import quote_cluster_labels as labels
from analysis import clean, corpus, nlp, quotes


@pytest.fixture(scope="module")
def seed_articles(seeds_dir) -> pd.DataFrame:
    return clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01").articles


def test_scores_of_a_known_partition() -> None:
    truth = ["a", "a", "a", "b", "c"]
    pred = ["x", "x", "y", "y", "z"]
    s = labels.cluster_scores(truth, pred)
    assert s["pair_P"] == pytest.approx(0.5) and s["pair_R"] == pytest.approx(1 / 3)
    assert s["b3_P"] == pytest.approx((1 + 1 + 0.5 + 0.5 + 1) / 5)
    assert s["b3_R"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


@pytest.mark.parametrize("which", ["seeds", "invented"])
def test_every_label_names_exactly_one_extracted_quote(which: str, seed_articles) -> None:
    arts, groups = ((seed_articles, labels.SEED_GROUPS) if which == "seeds"
                    else (labels.invented_articles(), labels.INVENTED_GROUPS))
    q = quotes.extract_corpus(arts)
    _, problems = labels.resolve(q, groups)
    assert problems == []
