"""Coverage findings a reader can check (issue #18 items 4-6): every article pair scored, "only X
reported it" searched for again before it is printed, and summary counts that match their lists."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import coverage
from analysis.coverage import recheck, similarity
from analysis.coverage.model import CoverageResult
from analysis.viz import coverage as coverage_viz
from corpus_factory import line_corpus

GOLDEN = Path(__file__).resolve().parent / "golden" / "seeds"


def _corpus(texts: dict[str, str], outlets: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles and one-sentence-per-line sentences of a small hand-written corpus."""
    return line_corpus(texts, outlets)


BUDGET = {f"d{i:02d}": f"Council story {i}\nThe council voted on budget item {i} about roads and schools in ward {i % 4}."
          for i in range(9)}


# ---------------------------------------------------------------------------------------------
# every article pair scored (item 5)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 5, 9])
def test_every_pair_scored_up_to_the_limit(n):
    arts, sents = _corpus(dict(list(BUDGET.items())[:n]))
    sim = coverage.document_similarity(arts, sents, method="tfidf", k_neighbors=1)
    assert len(sim) == n * (n - 1) // 2
    assert len(set(zip(sim["article_a"], sim["article_b"]))) == len(sim)
    assert (sim["article_a"] < sim["article_b"]).all()


def test_above_the_limit_only_neighbours_with_the_same_scores():
    arts, sents = _corpus(BUDGET)
    every = coverage.document_similarity(arts, sents, method="tfidf")
    near = coverage.document_similarity(arts, sents, method="tfidf", k_neighbors=2, all_pairs_max=4)
    assert len(near) < len(every)
    both = near.merge(every, on=["article_a", "article_b"], suffixes=("", "_all"))
    assert len(both) == len(near)
    assert np.allclose(both["score"], both["score_all"], atol=2e-6)


def test_all_pairs_in_blocks_equal_one_product(monkeypatch):
    arts, sents = _corpus(BUDGET)
    whole = coverage.document_similarity(arts, sents, method="tfidf")
    monkeypatch.setattr(similarity, "_BLOCK", 2)
    blocked = coverage.document_similarity(arts, sents, method="tfidf")
    pd.testing.assert_frame_equal(whole, blocked)


def test_outlet_similarity_is_the_mean_over_article_pairs():
    outlets = {a: ("North" if i < 4 else "South" if i < 7 else "East") for i, a in enumerate(BUDGET)}
    arts, sents = _corpus(BUDGET, outlets)
    pairs = coverage.document_similarity(arts, sents, method="tfidf")
    agg = similarity.outlet_similarity(arts, sents, method="tfidf")
    o = pairs.assign(a=pairs["article_a"].map(outlets), b=pairs["article_b"].map(outlets))
    key = [tuple(sorted(x)) for x in zip(o["a"], o["b"])]
    want = o.assign(key=key).groupby("key")["score"].agg(["mean", "size"])
    got = {(r.outlet_a, r.outlet_b): (r.score, r.n_pairs) for r in agg.itertuples()}
    assert set(got) == set(want.index)
    for k, (score, n) in got.items():
        assert n == want.loc[[k], "size"].iloc[0]
        assert score == pytest.approx(want.loc[[k], "mean"].iloc[0], abs=2e-6)


# ---------------------------------------------------------------------------------------------
# "only X reported it", searched for again (item 4)
# ---------------------------------------------------------------------------------------------

RECHECK_CORPUS = {
    "a": "Harbour reopens\nThe port authority reopened the northern harbour on Monday after dredging.\n"
         "Fishing crews unloaded 40 tonnes of hake at the new quay.",
    "b": "Harbour back in use\nThe northern harbour reopened on Monday, the port authority said.\n"
         "Ferry services will resume next month.",
    # says the hake fact in passing, inside a sentence about something else
    "c": "Markets react\nPrices at the fish market fell after crews unloaded 40 tonnes of hake at the new quay.\n"
         "The mayor praised the dredging contractors.",
}


@pytest.fixture(scope="module")
def recheck_result():
    arts, sents = _corpus(RECHECK_CORPUS)
    return coverage.run(arts, sents, use_embeddings=False, core_threshold=0.9, attach_threshold=0.9)


def test_unique_fact_found_again_is_not_printed_as_unique(recheck_result):
    f, checks = recheck_result.facts, recheck_result.unique_checks
    hake = f[f["text"].str.contains("40 tonnes of hake") & (f["article_id"] == "a")]["fact_id"].iloc[0]
    assert (f[f["fact_id"] == hake]["n_outlets"] == 1).all()  # the strict grouping kept it apart
    rows = checks[checks["fact_id"] == hake]
    assert set(rows["check"]) == {"unique"}
    best = rows.iloc[0]
    assert (best["searched_outlet"], best["closest_article_id"]) == ("Outlet c", "c")
    assert "40 tonnes of hake" in best["closest_text"] and bool(best["passes"])
    assert set(rows["verdict"]) == {"possibly_carried"}
    assert hake not in set(coverage.unique_facts(f, checks)["fact_id"])
    assert hake in set(coverage.unique_facts(f)["fact_id"])


def test_unique_fact_nobody_else_has_stays_unique(recheck_result):
    f, checks = recheck_result.facts, recheck_result.unique_checks
    ferry = f[f["text"].str.contains("Ferry services")]["fact_id"].iloc[0]
    rows = checks[checks["fact_id"] == ferry]
    assert set(rows["searched_outlet"]) == {"Outlet a", "Outlet c"}  # every other outlet, each once
    assert set(rows["verdict"]) == {"unique"} and not rows["passes"].any()
    assert ferry in set(coverage.unique_facts(f, checks)["fact_id"])


def test_a_closest_claim_with_another_number_never_counts():
    arts, sents = _corpus({
        "a": "Harbour\nFishing crews unloaded 40 tonnes of hake at the new quay on Monday.",
        "b": "Quay\nFishing crews unloaded 90 tonnes of hake at the new quay on Monday.",
        "c": "Weather\nA storm closed the coastal road for two days."})
    res = coverage.run(arts, sents, use_embeddings=False, conflict_threshold=0.99, core_threshold=0.99,
                       attach_threshold=0.99)
    rows = res.unique_checks[(res.unique_checks["searched_outlet"] == "Outlet b")
                             & (res.unique_checks["outlet"] == "Outlet a")]
    assert len(rows) == 1 and bool(rows["disagrees"].iloc[0]) and not bool(rows["passes"].iloc[0])


def test_missed_fact_is_searched_in_the_outlet_that_left_it_out():
    facts = pd.DataFrame({"fact_id": ["f1", "f1", "f2"], "outlet": ["A", "B", "C"]})
    todo = recheck.checks_to_make(facts, ["A", "B", "C"])
    assert ("f1", "missed", "C") in todo and ("f2", "unique", "C") in todo
    assert not [t for t in todo if t[0] == "f1" and t[1] == "unique"]


# ---------------------------------------------------------------------------------------------
# summary sentences whose counts match what they list (item 6)
# ---------------------------------------------------------------------------------------------

_LISTED = re.compile(r"(?P<n>\d[\d,]*)(?P<between>[^\d:]*?)(?::|\be\.g\.|\bincluding\b)\s*(?P<items>“.*)$")
_BREAKDOWN = re.compile(r"(?P<n>\d+) (?P<what>[^()\d]+)\((?P<parts>(?:\d+ on [^,()]+(?:, )?)+)\)")


def count_mismatches(sentence: str) -> list[str]:
    """What is wrong with the counts of one findings sentence (empty when nothing is).

    * "N things: “a”; “b”" must list N quoted items; with "e.g." or "including" it may list fewer
      (at least one, at most N);
    * "N things (a on x, b on y)" must break N down into parts that add up to N.
    """
    problems = []
    m = _LISTED.search(sentence)
    if m:
        n = int(m["n"].replace(",", ""))
        items = m["items"].count("“")
        hedged = bool(re.search(r"\be\.g\.|\bincluding\b", sentence))
        if (hedged and not 1 <= items <= n) or (not hedged and items != n):
            problems.append(f"says {n}, lists {items}{' (hedged)' if hedged else ''}: {sentence}")
    for b in _BREAKDOWN.finditer(sentence):
        parts = sum(int(x) for x in re.findall(r"(\d+) on", b["parts"]))
        if parts != int(b["n"]):
            problems.append(f"says {b['n']}, its parts add up to {parts}: {sentence}")
    return problems


@pytest.mark.parametrize("sentence, ok", [
    ("5 were carried by every outlet: “a”; “b”.", False),
    ("5 were carried by every outlet, including “a”; “b”.", True),
    ("2 were carried by every outlet: “a ‘quoted’ word”; “b”.", True),
    ("3 pairs disagree (2 on number, 2 on date) and were kept apart.", False),
    ("3 pairs disagree (2 on number, 1 on date) and were kept apart.", True),
])
def test_the_count_checker_itself(sentence, ok):
    assert (not count_mismatches(sentence)) == ok


def _golden_result() -> CoverageResult:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(GOLDEN / f"{name}.csv", keep_default_na=False)

    matrix = read("coverage_matrix").set_index("fact_id")
    return CoverageResult("minilm", (), read("similarity"), pd.DataFrame(), read("facts"), read("conflicts"),
                          read("copies"), read("syndication"), matrix, read("outlet_overlap"), {})


def _hand_result() -> CoverageResult:
    """Four facts every one of three outlets carried, three only A had, one only B had, two
    conflicts (one on a number and a date at once)."""
    rows = []
    for k in range(4):
        rows += [{"fact_id": f"f{k + 1:04d}", "outlet": o, "article_id": o.lower(), "sent_id": f"{o.lower()}:s{k}",
                  "text": f"Shared fact number {k + 1} as {o} put it.", "fact_text": f"Shared fact number {k + 1}.",
                  "n_outlets": 3, "n_independent": 3, "role": "core", "start": k, "frame": ""} for o in "ABC"]
    for k, o in enumerate("AAAB"):
        rows.append({"fact_id": f"f{k + 5:04d}", "outlet": o, "article_id": o.lower(), "sent_id": f"{o.lower()}:s{k + 9}",
                     "text": f"Fact only {o} gave, the {k + 1}th.", "fact_text": f"Fact only {o} gave, the {k + 1}th.",
                     "n_outlets": 1, "n_independent": 1, "role": "core", "start": 20 + k, "frame": ""})
    facts = pd.DataFrame(rows)
    matrix = coverage.coverage_matrix(facts, ["A", "B", "C"])
    conflicts = pd.DataFrame({"conflict_id": ["c1", "c1", "c1", "c1", "c2", "c2"],
                              "kind": ["number", "date", "number", "date", "entity", "entity"],
                              "fact_id": ["f0001"] * 6, "article_id": list("ababac")})
    sim = pd.DataFrame({"article_a": ["a"], "article_b": ["b"], "score": [0.8], "method": ["tfidf"]})
    return CoverageResult("tfidf", (), sim, pd.DataFrame(), facts, conflicts, pd.DataFrame(), pd.DataFrame(),
                          matrix, coverage.outlet_overlap(matrix), {})


@pytest.mark.parametrize("make", [_golden_result, _hand_result], ids=["seeds-golden", "hand-made"])
def test_findings_counts_match_their_lists(make):
    sentences = coverage_viz.findings(make())
    assert sentences
    problems = [p for s in sentences for p in count_mismatches(s)]
    assert not problems, problems


def test_findings_counts_match_the_hand_made_data():
    text = " ".join(coverage_viz.findings(_hand_result()))
    assert re.search(r"\b4 were carried by every outlet", text)
    assert re.search(r"\bA carried the most facts no other outlet had \(3\)", text)
    assert re.search(r"\b2 pairs of look-alike claims disagree", text)


# ---------------------------------------------------------------------------------------------
# the report: a unique fact with the closest sentence of each other outlet (item 4)
# ---------------------------------------------------------------------------------------------

def test_report_shows_the_search_behind_a_unique_fact(recheck_result):
    from analysis import report
    from analysis.report.unique_checks import unique_facts_html

    f, checks = recheck_result.facts, recheck_result.unique_checks
    arts, _ = _corpus(RECHECK_CORPUS)
    texts = report.fact_texts(f)
    html = unique_facts_html(checks, texts, report.article_label(arts))
    ferry = f[f["text"].str.contains("Ferry services")]["fact_id"].iloc[0]
    hake = f[f["text"].str.contains("40 tonnes of hake") & (f["article_id"] == "a")]["fact_id"].iloc[0]
    confirmed, again = html.split("Looked unique, but another outlet has a close sentence")
    assert ferry in confirmed and hake not in confirmed and hake in again
    # the ferry fact's block names each other outlet's closest sentence with its score
    block = confirmed[confirmed.index(ferry):]
    block = block[:block.index("</li>")]
    for r in checks[checks["fact_id"] == ferry].itertuples():
        assert r.searched_outlet in block and f"similarity {r.score:.2f}" in block


def test_report_counts_and_omissions_leave_out_what_was_found_again():
    from analysis import report

    matrix = pd.DataFrame({"A": [True, True, True, False], "B": [True, True, False, True],
                           "C": [True, False, False, False]}, index=["f1", "f2", "f3", "f4"])
    checks = pd.DataFrame({"fact_id": ["f2", "f3", "f4"], "check": ["missed", "unique", "unique"],
                           "outlet": ["C", "A", "B"], "searched_outlet": ["C", "B", "A"],
                           "closest_article_id": ["c", "b", "a"], "closest_text": ["x", "y", "z"],
                           "score": [0.6, 0.7, 0.1], "verdict": ["possibly_carried", "possibly_carried", "unique"]})
    texts = {f: f"fact {f}" for f in matrix.index}
    om = report.omissions(matrix, texts)
    assert ("C", "f2") in set(zip(om["outlet"], om["fact_id"]))
    assert report.omissions(matrix, texts, checks=checks).empty
    text = " ".join(report.coverage_findings(matrix, report.omissions(matrix, texts, checks=checks), checks))
    assert "1 appeared in one outlet only" in text and "1 more looked unique" in text
    assert not [p for s in report.coverage_findings(matrix, pd.DataFrame(), checks) for p in count_mismatches(s)]


def test_report_says_whether_every_pair_is_scored():
    from analysis.report.coverage_section import similarity_html

    arts, sents = _corpus(dict(list(BUDGET.items())[:5]))
    every = coverage.document_similarity(arts, sents, method="tfidf")
    near = coverage.document_similarity(arts, sents, method="tfidf", k_neighbors=1, all_pairs_max=2)
    assert "Every one of the 10 pairs is scored" in similarity_html(every, arts, max_rows=50)
    assert f"({len(near)} of 10 pairs)" in similarity_html(near, arts, max_rows=50)
