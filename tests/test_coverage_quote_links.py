"""Statement facts linked to the quotes stage's utterance clusters (issue #18 item 1).

The coverage stage finds a quoted remark as a fact; the quotes stage finds it as an utterance
cluster. The quotes stage records which facts each quote is evidence of (``quotes.fact_ids``) and
the report shows such a fact as its quote group instead of a second, unrelated copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import quotes as quotes_stage
from analysis import report
from analysis.quotes.fact_links import fact_ids
from analysis.report.fact_quotes import Utterance, fact_utterances, quote_group_anchor

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SUPPORT = {"001_f13cb3a5db0acd06": "The idea itself is correct, and we support it",
           "002_9628098bff1f94c7": "The idea itself is correct, and we certainly support it",
           "004_02a9c9788fb81cf1": "The idea itself is the right one, and we do support it"}


def _text(article_id: str) -> str:
    return (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")


def _sentence_span(text: str, needle: str) -> tuple[int, int]:
    """The sentence of ``text`` holding ``needle``: from the line's or the previous sentence's end
    to the first full stop after it (enough for these seed sentences)."""
    at = text.index(needle)
    start = max(text.rfind("\n", 0, at) + 1, text.rfind(". ", 0, at) + 2 if text.rfind(". ", 0, at) != -1 else 0)
    end = min(x for x in (text.find(". ", at + len(needle)), text.find("\n", at)) if x != -1)
    return start, end + 1


def _fact_rows(fid: str, spans: dict[str, tuple[int, int]]) -> list[dict]:
    return [{"fact_id": fid, "article_id": a, "sent_id": f"{a}:s", "text": "", "start": s, "end": e}
            for a, (s, e) in spans.items()]


# ---------------------------------------------------------------------------------------------
# the link itself: quote spans against evidence claims
# ---------------------------------------------------------------------------------------------

def test_a_quote_inside_a_facts_evidence_claim_is_linked_and_others_are_not():
    a = "001_f13cb3a5db0acd06"
    text = _text(a)
    claim = _sentence_span(text, SUPPORT[a])
    other = _sentence_span(text, "Witkoff")
    facts = pd.DataFrame(_fact_rows("f0001", {a: claim}) + _fact_rows("f0009", {a: other}))
    q_start = text.index(SUPPORT[a])
    quotes = pd.DataFrame({"article_id": [a, a, "002_9628098bff1f94c7"],
                           "start": [q_start, other[0], q_start], "end": [q_start + len(SUPPORT[a]), other[0] + 3,
                                                                          q_start + len(SUPPORT[a])]})
    got = fact_ids(quotes, facts)
    assert got[0] == "f0001"
    # three quoted characters of a long sentence do not make it a remark
    assert got[1] == ""
    # same offsets in another article: never linked across articles
    assert got[2] == ""


def test_a_claim_inside_a_long_quotation_and_two_facts_on_one_sentence():
    a = "002_9628098bff1f94c7"
    text = _text(a)
    s, e = _sentence_span(text, SUPPORT[a])
    mid = s + (e - s) // 3
    # a short claim that is a small part of the quotation still belongs to it; one quote can be
    # evidence of two facts (a sentence stating two facts), listed sorted
    facts = pd.DataFrame(_fact_rows("f0007", {a: (mid, mid + 20)}) + _fact_rows("f0002", {a: (s, e)}))
    quotes = pd.DataFrame({"article_id": [a], "start": [s], "end": [e]})
    assert fact_ids(quotes, facts) == ["f0002;f0007"]


def test_no_facts_table_or_an_old_one_links_nothing():
    quotes = pd.DataFrame({"article_id": ["x"], "start": [0], "end": [10]})
    assert fact_ids(quotes, None) == [""]
    assert fact_ids(quotes, pd.DataFrame({"fact_id": ["f0001"], "article_id": ["x"]})) == [""]


def test_quotes_stage_fills_fact_ids_from_the_coverage_facts():
    ids = list(SUPPORT)
    arts = pd.DataFrame({"article_id": ids, "outlet": ["A", "B", "C"], "clean_text": [_text(a) for a in ids]})
    spans = {a: _sentence_span(_text(a), SUPPORT[a]) for a in ids}
    facts = pd.DataFrame(_fact_rows("f0002", spans))
    q = quotes_stage.run(arts, facts=facts).quotes
    support = q[q["quote"].str.contains("idea itself", regex=False)]
    assert len(support) == 3 and set(support["fact_ids"]) == {"f0002"}
    assert set(q.loc[~q.index.isin(support.index), "fact_ids"]) <= {"", "f0002"}
    assert q["fact_ids"].ne("").sum() < len(q)  # quotes elsewhere in the articles carry no fact
    assert set(quotes_stage.run(arts).quotes["fact_ids"]) == {""}


# ---------------------------------------------------------------------------------------------
# the report: a fact that is a quoted remark shows its quote group
# ---------------------------------------------------------------------------------------------

def _tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = list(SUPPORT)
    arts = pd.DataFrame({"article_id": ids, "outlet": ["A", "B", "C"], "title": ["t1", "t2", "t3"],
                         "clean_text": [_text(a) for a in ids]})
    facts = pd.DataFrame([{"fact_id": "f0001", "article_id": a, "sent_id": f"{a}:s1", "text": SUPPORT[a],
                           "fact_text": SUPPORT[ids[0]]} for a in ids]
                         + [{"fact_id": "f0002", "article_id": a, "sent_id": f"{a}:s2", "text": "Witkoff was in Moscow",
                             "fact_text": "Witkoff was in Moscow"} for a in ids])
    quotes = pd.DataFrame({
        "quote_id": [f"{a}:q000" for a in ids] + [f"{ids[0]}:q001"], "article_id": ids + [ids[0]],
        "quote": [SUPPORT[a] for a in ids] + ["<b>in Moscow</b>"], "speaker": ["Vladimir Putin"] * 3 + ["Someone"],
        "kind": "direct", "cluster_id": ["qc_1"] * 3 + ["qc_2"],
        "reference_text": [SUPPORT[ids[0]]] * 3 + [""], "fidelity": [1.0, 0.8, 0.6, float("nan")],
        "mutation": ["verbatim", "expanded", "translation-variant", ""],
        # the Moscow quote is in one of the three articles of f0002 only: not what that fact is
        "fact_ids": ["f0001"] * 3 + ["f0002"]})
    return arts, facts, quotes


def test_fact_utterances_give_a_fact_the_remark_most_of_its_articles_quote():
    _, facts, quotes = _tables()
    got = fact_utterances(facts, quotes)
    assert got == {"f0001": Utterance("qc_1", "Vladimir Putin", SUPPORT["001_f13cb3a5db0acd06"], 3, 3)}
    assert fact_utterances(facts, quotes.drop(columns=["fact_ids"])) == {}


def test_coverage_section_shows_the_quote_group_of_a_quoted_fact():
    arts, facts, quotes = _tables()
    html = report.coverage_section(facts, None, None, arts, summary=None, figure_png=None, quotes=quotes)
    assert "A quoted remark by Vladimir Putin" in html
    assert f'href="#{quote_group_anchor("qc_1")}"' in html  # its versions differ: the quotes section shows them
    assert "quote group" in html and "qc_1" in html
    assert "qc_2" not in html  # a quote in one of a fact's three articles does not make it a remark
    section = report.quotes_section(quotes, arts, summary=None, figure_png=None)
    assert f'id="{quote_group_anchor("qc_1")}"' in section
    assert "<b>in Moscow</b>" not in section  # article text is escaped
    without = report.coverage_section(facts, None, None, arts, summary=None, figure_png=None)
    assert "A quoted remark" not in without and not re.search(r"quote group", without)


def test_a_quote_is_set_in_marks_once():
    from analysis.report.fact_quotes import bare_quote

    assert bare_quote("“The idea itself is the right one, and we do support it,” ") == \
        "The idea itself is the right one, and we do support it"
    assert bare_quote('"in itself is correct, and we support it"') == "in itself is correct, and we support it"
    assert bare_quote("that he backs the idea") == "that he backs the idea"


@pytest.mark.parametrize("cid", ["qc_53c17e4f32", "a b/c"])
def test_quote_group_anchor_is_a_plain_id(cid):
    assert re.fullmatch(r"quote-group-[a-z0-9-]+", quote_group_anchor(cid))
