"""The coverage method's intermediate tables for reviewers (analysis.coverage.steps): candidate claim
pairs with their scores and decisions, one row per fact. Small hand-written corpora."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import coverage
from analysis.errors import CoverageError
from corpus_factory import line_corpus

TEXTS = {
    "a": "Port workers in Valdora began a three-day strike on Monday.\n"
         "The union wants a pay rise of 8 percent.\n"
         "Ferries to the islands were cancelled.",
    "b": "A three-day strike by port workers started in Valdora on Monday.\n"
         "Union leaders are demanding an 8 percent pay rise.\n"
         "The city council met on Tuesday to discuss the budget.",
    "c": "Dock workers in Valdora walked out on Monday for three days.\n"
         "The union asks for a pay rise of 5 percent.\n"
         "Tourists were stranded at the ferry terminal.",
}


@pytest.fixture(scope="module", params=[False, True], ids=["tfidf", "minilm"])
def stage(request):
    articles, sentences = line_corpus(TEXTS)
    result = coverage.run(articles, sentences, use_embeddings=request.param)
    return articles, sentences, result


def test_claim_pairs_are_the_candidates_with_their_decision(stage):
    articles, sentences, result = stage
    pairs = coverage.claim_pairs(articles, sentences, result)
    table = pairs.table
    assert list(table.columns) == coverage.steps.PAIR_COLUMNS and len(table) > 0
    claim_ids = set(result.claims["claim_id"])
    assert set(table["claim_a"]) | set(table["claim_b"]) <= claim_ids
    assert (table["claim_a"] < table["claim_b"]).all()  # each pair once
    compared = table[table["decision"] != "same sentence"]
    score = compared["probability"] if pairs.rule == "pair model" else compared["cosine"]
    assert ((score >= pairs.threshold) == (compared["decision"] == "same fact")).all()
    assert (pairs.rule == "pair model") == (result.method == "minilm")


def test_grouped_pairs_share_a_fact_and_clashing_numbers_never_do(stage):
    articles, sentences, result = stage
    table = coverage.claim_pairs(articles, sentences, result).table
    facts_of = result.facts.groupby("claim_id")["fact_id"].apply(set).to_dict()
    for row in table.itertuples():
        assert row.grouped == bool(facts_of.get(row.claim_a, set()) & facts_of.get(row.claim_b, set()))
    # "8 percent" and "5 percent" clash: the two demands are candidates, marked, and kept apart
    clash = table[table["disagrees"].str.contains("number")]
    assert {"a:s001:c0", "c:s001:c0"} <= set(clash["claim_a"]) | set(clash["claim_b"])
    assert not clash["grouped"].any()


def test_claim_pairs_refuse_other_claim_settings(stage):
    articles, sentences, result = stage
    with pytest.raises(CoverageError, match="min_words"):
        coverage.claim_pairs(articles, sentences, result, min_words=8)


def test_fact_overview_has_one_row_per_fact_most_outlets_first(stage):
    _, _, result = stage
    overview = coverage.fact_overview(result.facts)
    assert list(overview.columns) == coverage.steps.OVERVIEW_COLUMNS
    assert sorted(overview["fact_id"]) == sorted(result.facts["fact_id"].unique())
    assert overview["n_outlets"].is_monotonic_decreasing
    counts = result.facts.groupby("fact_id").size()
    assert (overview.set_index("fact_id")["n_claims"] == counts.loc[overview["fact_id"]].values).all()
    assert coverage.fact_overview(result.facts.iloc[0:0]).empty
