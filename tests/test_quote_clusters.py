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


@pytest.mark.parametrize("which", ["seeds", "invented", "pope"])
def test_every_label_names_exactly_one_extracted_quote(which: str, seed_articles) -> None:
    arts, groups = {"seeds": (seed_articles, labels.SEED_GROUPS),
                    "invented": (labels.invented_articles(), labels.INVENTED_GROUPS),
                    "pope": (labels.pope_articles(), labels.POPE_GROUPS)}[which]
    q = quotes.extract_corpus(arts)
    _, problems = labels.resolve(q, groups)
    assert problems == []


def test_windows_cut_a_rendering_into_clauses_and_sentences() -> None:
    ws = quotes.meaning.windows_of("“What will we do with this area – if we stop for 30 days, does this mean that "
                                   "everyone who is there [in Kursk] will leave without a fight? Should we release them?”")
    assert "does this mean that everyone who is there [in Kursk] will leave without a fight" in ws  # a clause
    assert "Should we release them" in ws
    assert quotes.meaning.windows_of("that he backs the plan")[0] == "he backs the plan"  # reported opening dropped


def test_a_fragment_inside_a_reported_clause_joins_it() -> None:
    arts = pd.DataFrame([{"article_id": "a", "outlet": "A",
                          "clean_text": 'Ana Ruiz said the city would "never give up" on the harbour plan.'}])
    q = quotes.cluster_variants(quotes.extract_corpus(arts))
    assert len(q) == 2 and q["cluster_id"].nunique() == 1 and q["cluster_id"].iloc[0] != ""
    assert "contained" in set(q["cluster_method"])


def test_a_short_fragment_of_a_named_speaker_joins_the_quote_it_is_cut_from() -> None:
    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“Ours is a peace that is unarmed and disarming, humble and "
                                                          "enduring,” Ana Ruiz said on Sunday."},
        {"article_id": "a2", "outlet": "B", "clean_text": "Ana Ruiz described the truce as “unarmed and disarming.”"},
        {"article_id": "a3", "outlet": "C", "clean_text": "Ana Ruiz described the market as “free.”"},
    ])
    q = quotes.cluster_variants(quotes.extract_corpus(arts)).set_index("article_id")
    assert q.at["a2", "n_words"] < quotes.ClusterThresholds().min_words  # shorter than a clustered quote
    assert q.at["a1", "cluster_id"] == q.at["a2", "cluster_id"] != ""
    assert q.at["a3", "cluster_id"] == ""  # a one-word scare quote stays out


def test_an_article_echoing_its_own_quotation_in_a_partial_quote_keeps_both_in_the_utterance() -> None:
    full = "“If I talk to the fishermen of the bay myself, they will see that the harbour plan is on their side,”"
    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "Ana Ruiz wants to talk “to the fishermen of the bay "
                                                          f"myself.”\n\n{full} Ruiz said on Monday."},
        {"article_id": "a2", "outlet": "B", "clean_text": f"{full} Governor Ana Ruiz said."},
    ])
    q = quotes.cluster_variants(quotes.extract_corpus(arts))
    assert q["kind"].tolist() == ["partial", "direct", "direct"]
    assert q["cluster_id"].nunique() == 1 and q["cluster_id"].iloc[0] != ""


def test_a_fragment_in_two_remarks_joins_one_and_does_not_chain_them() -> None:
    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“We will close the old harbour and rebuild the river bridge "
                                                          "next spring,” Ana Ruiz said."},
        {"article_id": "a2", "outlet": "B", "clean_text": "“The river bridge will carry trams, buses and bicycles "
                                                          "from its first day,” Ana Ruiz said."},
        {"article_id": "a3", "outlet": "C", "clean_text": "Ana Ruiz described the “river bridge” as her first task."},
    ])
    q = quotes.cluster_variants(quotes.extract_corpus(arts)).set_index("article_id")
    assert q.at["a1", "cluster_id"] != q.at["a2", "cluster_id"]
    assert q.at["a3", "cluster_id"] in {q.at["a1", "cluster_id"], q.at["a2", "cluster_id"]}


def test_reported_speech_that_endorses_never_joins_reported_speech_that_distances() -> None:
    arts = pd.DataFrame([
        {"article_id": "b1", "outlet": "A", "clean_text": "Marco Bellandi said he backs the Mediterranean water pact."},
        {"article_id": "b2", "outlet": "B", "clean_text": "Marco Bellandi said he has reservations about the "
                                                          "Mediterranean water pact."},
        {"article_id": "b3", "outlet": "C", "clean_text": "Marco Bellandi said he supports the Mediterranean water pact."},
    ])
    q = quotes.extract_corpus(arts)
    assert quotes.quote_similarity(q.at[0, "quote"], q.at[1, "quote"]) >= quotes.ClusterThresholds().threshold
    c = quotes.cluster_variants(q).set_index("article_id")
    assert c.at["b1", "cluster_id"] == c.at["b3", "cluster_id"] != c.at["b2", "cluster_id"]


needs_embeddings = pytest.mark.skipif(not nlp.embedder_status().available, reason="embeddings extra not installed")


@pytest.fixture(scope="module")
def seed_clusters(seed_articles) -> pd.DataFrame:
    return quotes.run(seed_articles, use_embeddings=True).quotes


def _cluster_of(q: pd.DataFrame, needle: str) -> str:
    hits = q[q["quote"].str.contains(needle, regex=False)]
    assert len(hits) >= 1, needle
    return str(hits.sort_values("n_words")["cluster_id"].iloc[0])


@needs_embeddings
@pytest.mark.parametrize("needles", [
    ["Will all those who are there come out", "does this mean that everyone who is there"],
    pytest.param(["does this mean that everyone who is there", "Would it mean that everybody there"],
                 marks=pytest.mark.xfail(strict=True, reason="evidence score 0.68 (best windows 0.70), below the "
                                         "attach_score 0.7 chosen on the four labelled sets; lower ones chain remarks")),
    ["I think we need to discuss this with our American partners", "we need to discuss it with our American colleagues"],
    ["in itself is correct", "The idea itself is correct, and we support it", "The idea itself is the right one"],
])
def test_seed_renderings_of_one_remark_share_a_cluster(seed_clusters, needles: list[str]) -> None:
    ids = {_cluster_of(seed_clusters, n) for n in needles}
    assert len(ids) == 1 and "" not in ids


def test_speaker_key_drops_regnal_numbers_and_suffixes() -> None:
    key = quotes.clusters.speaker_key
    assert key("Leo XIV") == key("Leo") == "leo" and key("Martin Hale Jr.") == "hale" and key("") == ""
    assert key("Raúl Castro") == key("Raul Castro")


def test_a_large_speaker_block_scores_nearest_pairs_only() -> None:
    import numpy as np

    texts = [f"“We will build {n} new bridges across the river this year,” Ana Ruiz said." for n in range(2, 9)]
    q = quotes.extract_corpus(pd.DataFrame([{"article_id": f"a{k}", "outlet": "A", "clean_text": t}
                                            for k, t in enumerate(texts)]))
    found = quotes.clusters._renderings(q, q.index.tolist(), max_gap=30)
    rng = np.random.default_rng(0)

    def embed(batch: list[str]) -> np.ndarray:
        v = rng.normal(size=(len(batch), 8))
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    t = quotes.ClusterThresholds(block_all_pairs=3, neighbours=1)
    pairs = quotes.clusters._speaker_pairs(found, t, embed)
    assert 0 < len(pairs) <= len(texts) < len(texts) * (len(texts) - 1) // 2
    assert len(quotes.clusters._speaker_pairs(found, quotes.ClusterThresholds(), embed)) == 21  # all pairs


def test_speaker_neutral_puts_reported_speech_in_one_person_and_tense() -> None:
    assert quotes.meaning.speaker_neutral("he would leave") == quotes.meaning.speaker_neutral("I will leave")
    assert "not" in quotes.meaning.content_words("We will not sign it")  # negation is content


def test_a_quotation_interrupted_by_its_attribution_is_one_passage() -> None:
    q = quotes.extract_corpus(pd.DataFrame([{"article_id": "a", "outlet": "A", "clean_text":
        "“Would they all leave?” Ana Ruiz asked. “Should we let them go?”\n\n"
        "“We support it,” Ana Ruiz said.\n\n“There are questions,” she added."}]))
    eligible = q.index.tolist()
    passages = quotes.clusters._passages(q, eligible, [True] * len(eligible), max_gap=30)
    assert passages[0] == passages[1] and len({passages[1], passages[2], passages[3]}) == 3


@needs_embeddings
def test_reported_speech_joins_the_quotation_it_summarises_by_the_same_speaker() -> None:
    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“Our ports will remain open for humanitarian vessels,” "
                                                          "Marco Bellandi said."},
        {"article_id": "a2", "outlet": "B", "clean_text": "Marco Bellandi said the ports in the south would stay open "
                                                          "to rescue ships."},
        {"article_id": "a3", "outlet": "C", "clean_text": "Marco Bellandi said Italy would sign the water pact next week."},
    ])
    q = quotes.run(arts, use_embeddings=True).quotes.set_index("article_id")
    assert quotes.quote_similarity(q.at["a1", "quote"], q.at["a2", "quote"]) < 0.75  # not by shared words
    assert q.at["a1", "cluster_id"] == q.at["a2", "cluster_id"] != q.at["a3", "cluster_id"]


@needs_embeddings
def test_a_summary_joins_the_quoted_remark_it_matches_best_among_the_speakers_remarks() -> None:
    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“If the money does not arrive by June, we will leave the pact,” "
                                                          "Marco Bellandi said."},
        {"article_id": "a2", "outlet": "B", "clean_text": "“Our ports will remain open for humanitarian vessels,” "
                                                          "Marco Bellandi said."},
        {"article_id": "a3", "outlet": "C", "clean_text": "Marco Bellandi said Italy would pull out of the pact unless "
                                                          "the funding arrived by June."},
    ])
    q = quotes.extract_corpus(arts)
    on = quotes.cluster_variants(q, quotes.ClusterThresholds(), embed=nlp.embed).set_index("article_id")
    off = quotes.cluster_variants(q, quotes.ClusterThresholds(report_attach=1.0), embed=nlp.embed).set_index("article_id")
    assert on.at["a3", "cluster_id"] == on.at["a1", "cluster_id"] != on.at["a2", "cluster_id"]
    assert off.at["a3", "cluster_id"] != off.at["a1", "cluster_id"]  # pair score alone is below attach_score


@needs_embeddings
def test_two_people_of_one_surname_are_not_one_speaker() -> None:
    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“We will defend the health care of every family in this "
                                                          "country,” Hillary Clinton said in Ohio."},
        {"article_id": "a2", "outlet": "B", "clean_text": "“Every family in this nation deserves health care, and we "
                                                          "are going to protect it,” Bill Clinton said in Iowa."},
    ])
    q = quotes.extract_corpus(arts)
    assert quotes.meaning.pair_evidence(q["quote"].tolist(), [(0, 1)], embed=nlp.embed)[(0, 1)].score >= \
        quotes.ClusterThresholds().attach_score  # one remark, were they one speaker
    assert quotes.cluster_variants(q, embed=nlp.embed)["cluster_id"].nunique() == 2
    key, two = quotes.clusters.speaker_key, quotes.clusters.two_people
    assert key("Hillary Clinton") == key("Bill Clinton") and two("Hillary Clinton", "Bill Clinton")
    assert not two("Pope Leo XIV", "Leo XIV") and not two("J. Smith", "John Smith") and not two("Clinton", "Bill Clinton")


@needs_embeddings
def test_seed_two_remarks_on_one_topic_stay_apart(seed_clusters) -> None:
    assert _cluster_of(seed_clusters, "The idea itself is correct, and we support it") != \
        _cluster_of(seed_clusters, "But there are issues that we need to discuss")
    # two content words in common ("going", "Russia") are no evidence of one remark
    assert _cluster_of(seed_clusters, "We’re going to see if Russia is serious") != \
        _cluster_of(seed_clusters, "It’s up to Russia now")


@needs_embeddings
def test_invented_translations_cluster_and_different_remarks_stay_apart() -> None:
    q = quotes.run(labels.invented_articles(), use_embeddings=True).quotes
    assert _cluster_of(q, "We support this agreement") == _cluster_of(q, "We back this agreement")
    assert _cluster_of(q, "If the money does not arrive") == _cluster_of(q, "If the funds are not here by June")
    assert _cluster_of(q, "We support this agreement") != _cluster_of(q, "There are still questions")
    assert _cluster_of(q, "We support this agreement") != _cluster_of(q, "If the money does not arrive")


@needs_embeddings
@pytest.mark.parametrize("which, floor", [("seeds", 0.85), ("invented", 0.85), ("pope", 0.85)])
def test_cluster_precision_on_labelled_sets(which: str, floor: float, seed_articles, seed_clusters) -> None:
    q, groups = {"seeds": (seed_clusters, labels.SEED_GROUPS),
                 "invented": (quotes.run(labels.invented_articles(), use_embeddings=True).quotes, labels.INVENTED_GROUPS),
                 "pope": (quotes.run(labels.pope_articles(), use_embeddings=True).quotes, labels.POPE_GROUPS)}[which]
    truth, _ = labels.truth_partition(q, groups)
    assert labels.cluster_scores(truth, labels.predicted_partition(q))["pair_P"] >= floor


# --------------------------------------------------------------------------- meaning-changing edits


def _edits(reference: str, variant: str, **kw) -> list[tuple[str, str, str]]:
    return [tuple(e) for e in quotes.edits.meaning_edits(quotes.word_edits(reference, variant), **kw)]


@pytest.mark.parametrize("reference, variant, expected", [
    ("We agree with the proposal in principle", "We agree with the proposal",
     [("qualifier-dropped", "in principle", "")]),
    ("The idea itself is correct, and we support it, but there are nuances.",
     "The idea itself is correct, and we support it", [("qualifier-dropped", "but there are nuances.", "")]),
    ("We will not sign this agreement", "We will sign this agreement", [("negation", "not", "")]),
    ("If the money does not arrive by June, we will leave", "If the money does not arrive by July, we will leave",
     [("number", "June,", "July,")]),
    ("We talked to Petrov yesterday", "We talked to Ivanov yesterday", [("name", "Petrov", "Ivanov")]),
    ("The idea is correct and we support it", "The idea is absolutely correct and we support it",
     [("intensity", "", "absolutely")]),
    ("We will leave the pact", "If the money is late, we will leave the pact",
     [("condition-added", "", "If the money is late,")]),
    ("We will buy twelve new patrol boats", "We will buy fifteen new patrol boats", [("number", "twelve", "fifteen")]),
    ("We must discuss this with our partners", "We should discuss this with our partners",
     [("intensity", "must", "should")]),
])
def test_meaning_changing_edits_carry_the_words_on_both_sides(reference, variant, expected) -> None:
    assert _edits(reference, variant) == expected


@pytest.mark.parametrize("reference, variant", [
    ("We support this agreement, and we will sign it", "We back this agreement and we are going to sign it"),
    ("Nobody in this government is looking for a fight", "No one in my government wants a fight"),
    ("Maybe we need to call him", "Perhaps we need to call him"),  # one meaning class
    ("We need to discuss this with our partners", "we need to discuss this with our partners"),
    ("We will buy twelve new patrol boats this year", "We will buy 12 new patrol boats this year"),  # one number
    ("a 30-day ceasefire", "a thirty-day ceasefire"),
    ("We must discuss this with our partners", "We have to discuss this with our partners"),  # one strength
])
def test_harmless_rewording_and_translation_variants_change_no_meaning(reference, variant) -> None:
    assert _edits(reference, variant) == []


def test_reported_speech_that_drops_a_hedge_states_it_as_fact() -> None:
    assert _edits("I think we need to discuss this with our partners", "we need to discuss this with our partners",
                  reported=True) == [("stated-as-fact", "I think", "")]
    assert _edits("We support it", "We support it", same_speaker=False, reference_speaker="Ana Ruiz",
                  variant_speaker="Ivan Petrov") == [("speaker", "Ana Ruiz", "Ivan Petrov")]


def test_quotes_table_flags_a_dropped_qualifier() -> None:
    import json

    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“We support the plan in principle, and we will sign it,” Ivan Petrov said."},
        {"article_id": "a2", "outlet": "B", "clean_text": "“We support the plan, and we will sign it,” Ivan Petrov said."},
    ])
    q = quotes.run(arts).quotes
    a2 = q[q["article_id"] == "a2"].iloc[0]
    assert bool(a2["meaning_changed"]) and json.loads(a2["edits"]) == [
        {"kind": "qualifier-dropped", "reference_words": "in principle,", "variant_words": ""}]
    assert not bool(q[q["article_id"] == "a1"].iloc[0]["meaning_changed"])


# --------------------------------------------------------------------------- speakers resolved to people


@pytest.mark.parametrize("text, speaker", [
    ('Prime Minister Marco Bellandi spoke in Rome on Tuesday. "We will sign it," the Italian leader said.',
     "Marco Bellandi"),
    ('Prime Minister Marco Bellandi spoke in Rome. "If the money is late, we leave," the prime minister said.',
     "Marco Bellandi"),
    ('Marco Bellandi said his country "supports this accord", according to a translation of his remarks in Rome.',
     "Marco Bellandi"),
    ('"The conclave has chosen," the white smoke signalled as crowds cheered.', ""),  # not an agent
])
def test_descriptions_resolve_to_the_named_person_and_non_agents_never_speak(text: str, speaker: str) -> None:
    found = quotes.extract_quotes(text, article_id="t")
    assert found and {q.speaker for q in found} == {speaker}


def _mutations(lines: list[str]) -> dict[str, str]:
    arts = pd.DataFrame([{"article_id": f"a{k}", "outlet": f"O{k}", "clean_text": t} for k, t in enumerate(lines)])
    q = quotes.run(arts).quotes
    assert q["cluster_id"].nunique() == 1 and q["cluster_id"].iloc[0] != ""
    return dict(zip(q["article_id"], q["mutation"]))


def test_a_remark_every_outlet_words_its_own_way_is_a_translation_variant() -> None:
    m = _mutations(["“We support this agreement, and we will sign it very soon,” Marco Bellandi said.",
                    "“We support this agreement, and we shall sign it very soon,” Marco Bellandi said.",
                    "“We support the agreement, and we will sign it very soon,” Marco Bellandi said."])
    assert sorted(m.values()).count("translation-variant") == 2


def test_one_outlet_changing_a_word_others_copy_is_reworded() -> None:
    m = _mutations(["“We will not raise taxes this year, and we will cut spending,” Ana Ruiz said.",
                    "“We will not raise taxes this year, and we will cut spending,” Ana Ruiz said.",
                    "“We will not raise taxes this year, and we will reduce spending,” Ana Ruiz said."])
    assert m["a2"] == "reworded" and m["a1"] == "verbatim"


def test_outlet_table_counts_mutations_and_meaning_changes() -> None:
    from analysis.viz import quotes as viz_quotes

    arts = pd.DataFrame([
        {"article_id": "a1", "outlet": "A", "clean_text": "“We support the plan in principle, and we will sign it,” Ivan Petrov said."},
        {"article_id": "a2", "outlet": "B", "clean_text": "“We support the plan, and we will sign it,” Ivan Petrov said."},
    ])
    q, clusters, _ = quotes.run(arts)
    table = viz_quotes.outlet_fidelity_table(q).set_index("outlet")
    assert table.loc["A", "verbatim"] == 1 and table.loc["A", "meaning_changed"] == 0
    assert table.loc["B", "meaning_changed"] == 1 and table.loc["B", "n_compared"] == 1
    page = viz_quotes.clusters_html(q, clusters)
    assert "qualifier-dropped: &#x27;in principle,&#x27; → &#x27;&#x27;" in page
