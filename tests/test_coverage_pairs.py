"""Tests of the claim-pair decision (:mod:`analysis.coverage.pairs`): its features and the committed model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import coverage
from analysis.coverage import pairs


def _cues(texts: list[str], vectors: np.ndarray | None = None) -> pairs.ClaimCues:
    """Cues of hand-written claims, one article and sentence each (vectors: one-hot unless given)."""
    n = len(texts)
    table = pd.DataFrame({"text": texts, "article_id": [f"a{k}" for k in range(n)],
                          "sent_id": [f"a{k}:s0" for k in range(n)], "kind": "clause", "section": "body",
                          "_sig": [coverage.signature(t) for t in texts]})
    return pairs.ClaimCues.build(table, np.eye(n) if vectors is None else vectors)


def _row(cues: pairs.ClaimCues, i: int, j: int) -> dict[str, float]:
    return dict(zip(pairs.FEATURES, pairs.pair_features(cues, i, j, {})))


def test_committed_model_reads_the_features_the_code_computes():
    model = pairs.load_model()
    assert model.features == pairs.FEATURES
    assert len(model.weights) == len(pairs.FEATURES)
    assert 0.0 < model.threshold < 1.0


def test_number_date_person_and_negation_cues_fire_only_where_the_claims_differ():
    cues = _cues(["Police arrested 12 protesters outside parliament on Tuesday.",
                  "Police arrested 40 protesters outside parliament on Tuesday.",
                  "Police did not arrest any protesters outside parliament on Tuesday.",
                  "Police arrested 12 protesters outside parliament on Tuesday night."])
    clash, negated, agree = _row(cues, 0, 1), _row(cues, 0, 2), _row(cues, 0, 3)
    assert clash["number_conflict"] == 1.0 and clash["number_agree"] == 0.0
    assert agree["number_conflict"] == 0.0 and agree["number_agree"] == 1.0
    assert negated["negation_mismatch"] == 1.0 and agree["negation_mismatch"] == 0.0


def test_word_overlap_features_rank_a_reordering_above_an_added_clause():
    cues = _cues(["The council approved the new budget on Monday.",
                  "On Monday the council approved the new budget.",
                  "The council approved the new budget on Monday after a six-hour debate over school funding."])
    same, longer = _row(cues, 0, 1), _row(cues, 0, 2)
    assert same["idf_jaccard"] == pytest.approx(1.0)
    assert longer["idf_jaccard"] < 0.6
    assert same["length_ratio"] == 1.0 > longer["length_ratio"]
    # the shorter claim is contained in the longer one either way
    assert longer["idf_containment"] == pytest.approx(1.0)


def test_pair_features_are_symmetric():
    cues = _cues(["Police arrested 12 protesters outside parliament on Tuesday.",
                  "Twelve people were detained by officers near the parliament building."])
    a, b = pairs.pair_features(cues, 0, 1, {}), pairs.pair_features(cues, 1, 0, {})
    assert a == pytest.approx(b)


def test_the_model_prefers_a_paraphrase_to_a_different_fact_on_the_same_topic():
    from analysis import nlp

    if not nlp.embedder_status().available:
        pytest.skip("MiniLM not installed")
    texts = ["The mayor said the bridge will reopen to traffic next week.",
             "The bridge will be open to cars again next week, the mayor said.",
             "The mayor said repairs to the bridge cost the city $4 million.",
             "Heavy rain closed two schools in the north of the city.",
             "A new bus line will connect the airport with the old town."]
    cues = _cues(texts, coverage.center(nlp.embed(texts)))
    model = pairs.load_model()
    X = np.array([pairs.pair_features(cues, 0, 1, {}), pairs.pair_features(cues, 0, 2, {})])
    paraphrase, other = model.probability(X)
    # the decision itself: the paraphrase reaches the linkage bar, the other fact stays below it
    assert paraphrase >= model.threshold > other
