"""The report: escaped HTML pieces, digests of the stage tables, graceful degradation, and the
rendered seed report (reader without code, reviewer with code, A4 PDF)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import clean, corpus, report

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


# ---------------------------------------------------------------------------------------------
# escaping
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ('<script>alert("x")</script>', "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"),
    ("Profits < 5% & falling", "Profits &lt; 5% &amp; falling"),
    ("it’s “fine”", "it’s “fine”"),
    (float("nan"), ""),
    (None, ""),
    (pd.NA, ""),
    (3, "3"),
])
def test_esc(value: object, expected: str) -> None:
    assert report.esc(value) == expected


@pytest.mark.parametrize("text, spans, expected", [
    ("Putin backs the plan", [(6, 11)], 'Putin <mark class="nr-cue">backs</mark> the plan'),
    ("a <b> c", [(2, 5)], 'a <mark class="nr-cue">&lt;b&gt;</mark> c'),
    ("abcdef", [(0, 3), (2, 5)], '<mark class="nr-cue">abcde</mark>f'),  # overlaps merge
    ("abc", [(-5, 1), (2, 99)], '<mark class="nr-cue">a</mark>b<mark class="nr-cue">c</mark>'),  # clipped
    ("abc", [(2, 2), (3, 1)], "abc"),  # empty and reversed spans mark nothing
    ("x & y", [(0, 1, "nr-pos|endorsing (+0.50)")], '<mark class="nr-pos" title="endorsing (+0.50)">x</mark> &amp; y'),
])
def test_highlight_escapes_and_marks(text: str, spans: list, expected: str) -> None:
    assert report.highlight(text, spans) == expected


@pytest.mark.parametrize("reference, version, dels, inss", [
    ("we support the idea", "we support the idea", [], []),
    ("we support the idea", "we support it", ["the idea"], ["it"]),
    ("a <b> c", "a c", ["&lt;b&gt;"], []),
    ("a c", "a <b> c", [], ["&lt;b&gt;"]),
])
def test_word_diff(reference: str, version: str, dels: list[str], inss: list[str]) -> None:
    out = report.word_diff_html(reference, version)
    assert re.findall(r'<del class="qd-del">(.*?)</del>', out) == dels
    assert re.findall(r'<ins class="qd-ins">(.*?)</ins>', out) == inss
    assert "<b>" not in out


def test_one_highlighter_and_one_word_diff() -> None:
    # the report, the stance page and the quotes page share analysis.viz.text
    from analysis.viz import quotes as viz_quotes, stance as viz_stance, text

    assert report.highlight is text.highlight and report.word_diff_html is text.word_diff_html
    ref, version = "Russia supports the idea of a ceasefire", "Russia backs the idea"
    assert viz_quotes.diff_html(ref, version) == text.word_diff_html(ref, version)
    spans = [(0, 6, "endorsing", "endorsing, support: +0.500"), (3, 9, "hedge", "x")]
    assert viz_stance.highlight_html(ref, spans) == text.highlight(
        ref, [(0, 6, "stance-cue stance-endorsing", "endorsing, support: +0.500")], overlap="first")


def test_interactive_table_escapes_sorts_and_filters_only_long_tables() -> None:
    df = pd.DataFrame({"outlet": ['<img src=x onerror="alert(1)">', "B & C"], "score": [0.5, 1.25]})
    short = report.interactive_table(df, "t1", filter_from=8)
    assert "<img" not in short and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in short
    assert 'class="nr-table nr-sortable"' in short and "nr-filter" not in short
    assert '<td class="nr-num">1.25</td>' in short
    long = report.interactive_table(pd.concat([df] * 5), "t2", filter_from=5, max_rows=6, source="data/x.csv")
    assert 'data-table="t2"' in long and "Showing the first 6 of 10 rows" in long and "data/x.csv" in long
    assert long.split("<tbody>")[1].count("<tr>") == 6


def test_evidence_html_limits_and_escapes_labels() -> None:
    out = report.evidence_html("why", [("<i>Outlet</i>", "one"), ("B", "two"), ("C", "three")], limit=2)
    assert out.startswith('<details class="nr-evidence"><summary>why</summary>')
    assert "&lt;i&gt;Outlet&lt;/i&gt;" in out and "three" not in out and "1 more" in out


@pytest.mark.parametrize("page, leaks", [
    ('<img src="https://cdn.example/x.png">', ["https://cdn.example/x.png"]),
    ('<script src="//cdn.example/a.js"></script>', ["//cdn.example/a.js"]),
    ('<link rel="stylesheet" href="http://x.example/s.css">', ["http://x.example/s.css"]),
    ("<style>@import url('https://fonts.example/f.css');</style>", ["https://fonts.example/f.css"]),
    ('<div style="background: url(https://x.example/b.png)"></div>', ["https://x.example/b.png"]),
    ('<img srcset="a.png 1x, https://x.example/b.png 2x">', ["a.png 1x, https://x.example/b.png 2x"]),
    # negatives: links navigate only on click; escaped article text is not markup; data: URIs are inline
    ('<a href="https://outlet.example/story">source</a>', []),
    ("<p>&lt;img src=http://evil.example/x.png&gt;</p>", []),
    ('<img src="data:image/png;base64,AAAA">', []),
])
def test_external_urls(page: str, leaks: list[str]) -> None:
    assert report.external_urls(f"<html><body>{page}</body></html>") == leaks


def test_print_version_opens_every_evidence_block() -> None:
    page = '<details class="nr-evidence"><summary>a</summary>x</details><details class="nr-evidence nr-figures">'
    out = report.print_version(page)
    assert out.count(" open>") == 2
    assert report.print_version("<p>&lt;details class=&quot;nr-evidence&quot;&gt;</p>").count("open") == 0


# ---------------------------------------------------------------------------------------------
# digests
# ---------------------------------------------------------------------------------------------

def _articles(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"article_id": a, "outlet": o, "url": u, "title": f"Title {a}", "date": "2025-01-02",
                          "clean_text": f"Title {a}\n\nBody.", "flags": ""} for a, o, u in rows])


def test_outlet_labels_fall_back_to_url_host_then_id() -> None:
    arts = _articles([("a1", "Daily Planet", ""), ("a2", "", "https://www.example.org/x"), ("a3", "", ""),
                      ("a4", "", "javascript:alert(1)"), ("a5", "", "")])
    labels = report.outlet_labels(arts)
    assert labels == {"a1": "Daily Planet", "a2": "example.org", "a3": "unknown outlet (a3)",
                      "a4": "unknown outlet (a4)", "a5": "unknown outlet (a5)"}


@pytest.fixture(scope="module")
def seed_clean() -> clean.CleanedCorpus:
    return clean.clean_corpus(corpus.read_corpus(SEEDS), today="2026-01-01")


def test_infer_event_from_seed_headlines(seed_clean: clean.CleanedCorpus) -> None:
    event = report.infer_event(seed_clean.articles, seed_clean.sentences)
    assert event.headline in set(seed_clean.articles["title"])
    assert event.n_articles == 5 and event.n_outlets == 5 and event.first_date == event.last_date == "2025-03-13"
    tops = report._top_text(seed_clean.articles, seed_clean.sentences)
    for word in event.keywords:  # each keyword is used by at least two articles at the top
        assert sum(word.lower() in t.lower() for t in tops.values()) >= 2, word
        assert word.lower() not in report.NEWS_FILLER
    assert "ceasefire" in [w.lower() for w in event.keywords]


def test_infer_event_on_another_story_and_on_nothing() -> None:
    texts = ["Storm floods coastal towns\n\nA storm flooded three coastal towns on Monday, officials said.",
             "Coastal towns count storm damage\n\nResidents of the flooded towns began clearing storm debris.",
             "Insurers brace for storm claims\n\nInsurers expect thousands of claims after the storm hit towns."]
    arts = pd.DataFrame({"article_id": ["x", "y", "z"], "outlet": ["P", "Q", "R"], "url": "", "date": "",
                         "title": [t.split("\n")[0] for t in texts], "clean_text": texts})
    event = report.infer_event(arts)
    assert {"storm", "towns"} <= {w.lower() for w in event.keywords}
    assert "monday" not in {w.lower() for w in event.keywords}
    assert report.event_sentences(event)[0].startswith("3 articles from 3 outlets, published:")
    empty = report.infer_event(arts.iloc[0:0])
    assert empty.n_articles == 0 and "nothing to summarise" in report.event_sentences(empty)[0]


def _facts() -> pd.DataFrame:
    rows = [("f1", "a1"), ("f1", "a2"), ("f1", "a3"),  # everyone
            ("f2", "a1"), ("f2", "a2"),  # a3 left it out
            ("f3", "a1")]  # a scoop: nobody "omitted" it
    return pd.DataFrame([{"fact_id": f, "article_id": a, "sent_id": f"{a}:s0", "text": f"{f} as told by {a}"}
                         for f, a in rows])


def test_fact_matrix_omissions_and_findings() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    matrix = report.fact_matrix(_facts(), arts)
    assert list(matrix.index) == ["f1", "f2", "f3"] and list(matrix.columns) == ["A", "B", "C"]
    assert matrix.loc["f2"].tolist() == [True, True, False]
    omitted = report.omissions(matrix, report.fact_texts(_facts()))
    assert omitted[["outlet", "fact_id", "carried_by"]].values.tolist() == [["C", "f2", 2]]
    findings = report.coverage_findings(matrix, omitted)
    assert findings[0] == "1 of 3 facts were carried by every one of the 3 outlets; 1 appeared in one outlet only."
    assert "C left out the most widely reported facts (1" in findings[2]


def test_fact_numbers_follow_the_coverage_stage_matrix() -> None:
    # f1 is in two outlets but one wire story (1 independent source), f2 in two independent ones:
    # the coverage stage ranks f2 first, so the report must list it first too, under its id
    from analysis.coverage import coverage_matrix

    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    facts = pd.DataFrame([{"fact_id": f, "article_id": a, "sent_id": f"{a}:s0", "text": f"{f} as told by {a}",
                           "outlet": o, "n_outlets": n, "n_independent": i}
                          for f, a, o, n, i in [("f1", "a1", "A", 2, 1), ("f1", "a2", "B", 2, 1),
                                                ("f2", "a2", "B", 2, 2), ("f2", "a3", "C", 2, 2),
                                                ("f3", "a1", "A", 1, 1)]])
    stage_order = list(coverage_matrix(facts).index)
    assert stage_order == ["f2", "f1", "f3"]
    assert list(report.fact_matrix(facts, arts).index) == stage_order
    assert report.coverage_order(facts) == stage_order
    written = pd.DataFrame({"fact_id": ["f3", "f1", "f2"]})  # data/coverage_matrix.csv wins when given
    assert list(report.fact_matrix(facts, arts, order=report.coverage_order(facts, written)).index) == ["f3", "f1", "f2"]
    html = report.coverage_section(facts, None, None, arts, summary=None, figure_png=None)
    table = html.split('id="facts-table"')[1]
    assert table.split("<tbody>")[1].startswith('<tr><td class="nr-short">f2</td>')
    assert '<span class="nr-rank">f2</span> f2 as told by' in html and "#1" not in html


def test_recorded_benchmark_figures_ship_with_the_package() -> None:
    # the methods section reads analysis/resources/benchmarks.json, not the source tree's benchmarks/
    folder = Path(__file__).resolve().parents[1] / "benchmarks"
    assert report.BENCHMARKS_RESOURCE.parent.name == "resources"
    for kind in ("floors", "results"):
        shipped = report.load_benchmark_floors(kind=kind)
        assert shipped and shipped == report.load_benchmark_floors(folder, kind=kind), \
            f"{kind}: run `python benchmarks/_record.py` to refresh analysis/resources/benchmarks.json"


def test_coverage_section_shows_evidence_and_degrades() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "<b>C</b>", "")])
    html = report.coverage_section(_facts(), None, None, arts, summary=None, figure_png=None)
    assert 'id="coverage"' in html and "Facts every outlet carried" in html
    assert "f1 as told by a3" in html and "&lt;b&gt;C&lt;/b&gt; did not report" in html
    assert "conflicts.csv" in html  # the missing table is named, not a crash
    missing = report.coverage_section(None, None, None, arts, summary={"findings": ["From the stage."]},
                                      figure_png=None)
    assert "nr-missing" in missing and "data/facts.csv" in missing and "From the stage." in missing


def _stance() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a1", "a2", "a3", "a1", "a2"],
        "target": ["Plan", "Plan", "Plan", "Mayor", "Mayor"],
        "support_score": [0.6, -0.4, 0.1, 0.2, 0.2],
        "conditionality": [0.1, 0.0, 0.5, 0.0, 0.0],
        "label": ["supportive", "opposed", "conditional", "supportive", "unclear"],
        "confidence": [0.9, 0.8, 0.5, 0.2, 0.0],
        "top_cues": ["backs (endorsing, headline); welcomes (endorsing, lede)", "rejects (rejecting, headline)", "",
                     "", ""],
    })


def test_stance_ranking_and_findings() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    ranking = report.stance_ranking(_stance(), arts)
    plan = ranking[ranking["target"] == "Plan"]
    assert plan["outlet"].tolist() == ["A", "C", "B"]  # most to least favourable
    assert report.main_targets(ranking) == ["Plan", "Mayor"]
    assert report.main_targets(ranking, preferred=["Mayor", "Nobody"]) == ["Mayor", "Plan"]
    findings = report.stance_findings(ranking, ["Plan"])
    assert findings == ["On Plan, the 3 outlets compared run from support to opposition: A the most "
                        "supportive (supportive, +0.60; words: “backs”, “welcomes”), B the most opposed "
                        "(opposed, -0.40; words: “rejects”)."]
    assert report.stance_findings(ranking, ["Mayor"]) == []  # one informative article: nothing to compare


def test_stance_evidence_highlights_cues_in_their_sentence() -> None:
    sentences = pd.DataFrame({"article_id": ["a1"], "sent_id": ["a1:s000"], "start": [100], "end": [130],
                              "text": ["The mayor <b>backs</b> the plan."], "section": ["headline"]})
    ev = pd.DataFrame({"article_id": ["a1"], "target": ["Plan"], "sent_id": ["a1:s000"], "start": [113],
                       "end": [118], "cue": ["backs"], "cue_class": ["endorsing"], "weight": [0.5], "axis": ["support"]})
    out = report.stance_evidence_html(ev, sentences, label="A", summary="why", limit=5)
    assert '<mark class="nr-pos" title="endorsing (+0.50)">backs</mark>' in out
    assert "&lt;b&gt;" in out and "<b>" not in out


def _quotes() -> pd.DataFrame:
    return pd.DataFrame({
        "quote_id": ["q1", "q2", "q3", "q4", "q5", "q6"],
        "article_id": ["a1", "a2", "a3", "a1", "a2", "a3"],
        "quote": ["we support the idea in itself", "we support the idea", "we support the idea in itself",
                  "talks must go on", "talks must go on", "a lone remark"],
        "speaker": ["Mayor"] * 5 + ["Aide"],
        "kind": ["direct"] * 6,
        "cluster_id": ["c1", "c1", "c1", "c2", "c2", ""],
        "fidelity": [1.0, 0.8, 1.0, 1.0, 1.0, float("nan")],
        "mutation": ["verbatim", "trimmed", "verbatim", "verbatim", "verbatim", ""],
    })


def test_changed_quotes_and_findings() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    changed = report.changed_quotes(_quotes(), arts)
    assert set(changed["cluster_id"]) == {"c1"}  # c2 is verbatim everywhere, q6 is in no cluster
    assert set(changed["reference"]) == {"we support the idea in itself"}
    assert report.quote_findings(_quotes(), changed) == [
        "2 remarks were quoted by more than one article; in 1 of them the wording differs between outlets.",
        "Kinds of change (one per changed version, 1 in all): trimmed (1)."]
    given = _quotes().assign(reference_text=["the full wording"] * 3 + [""] * 3)
    assert set(report.changed_quotes(given, arts)["reference"]) == {"the full wording"}
    cats = report.quote_categories(_quotes(), arts).set_index("outlet")
    assert cats.loc["B"].tolist() == [1, 1, 0] and cats.loc["C"].tolist() == [1, 0, 1]


def test_quotes_and_stance_sections_degrade_without_optional_columns() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", "")])
    bare = _quotes().drop(columns=["cluster_id", "fidelity", "mutation"]).head(2)
    html = report.quotes_section(bare, arts, summary=None, figure_png=None)
    assert "not grouped across articles" in html and "All quotes" in html
    assert "nr-missing" in report.quotes_section(None, arts, summary=None, figure_png=None)
    bare_stance = _stance()[["article_id", "target", "support_score"]]
    html = report.stance_section(bare_stance, None, None, arts, summary=None)
    assert "Target: Plan" in html and "stance_evidence.csv" in html
    assert "nr-missing" in report.stance_section(None, None, None, arts, summary=None)


@pytest.mark.parametrize("summary, expected", [
    ({"benchmark": {"gold.csv": {"F1": 0.712, "anchor": 0.6}}}, ["gold.csv: F1 0.712, anchor 0.6"]),
    ({"benchmarks": [{"dataset": "d", "metric": "acc", "value": 0.5}]}, ["dataset d, metric acc, value 0.5"]),
    ({"benchmark": {"spearman": 0.41}}, ["spearman: 0.41"]),
    ({"method": "x"}, []),
    (None, []),
])
def test_benchmark_lines(summary: dict | None, expected: list[str]) -> None:
    assert report.benchmark_lines(summary) == expected


def test_methods_say_when_a_stage_is_unbenchmarked() -> None:
    params = {"coverage": {"threshold": 0.5}, "stance": {}}
    html = report.methods_html({"coverage": {"method": "tfidf", "benchmark": {"F1": 0.7}}, "stance": {"method": "lexical"}},
                               params, descriptions={"coverage": "Compares facts.", "stance": "Weighs words.",
                                                     "quotes": "Finds quotes."})
    coverage, stance, quotes = html.split("<h3")[1:]
    assert "F1: 0.7" in coverage and "threshold = 0.5" in coverage and "unbenchmarked" not in coverage
    assert "unbenchmarked" in stance
    assert "left no summary" in quotes


# ---------------------------------------------------------------------------------------------
# the rendered seed report (shares the session's pipeline run)
# ---------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_reader_report_structure(seed_run: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser

    page = (seed_run / "report.html").read_text(encoding="utf-8")
    tree = LexborHTMLParser(page)
    ids = {n.attributes.get("id") for n in tree.css("[id]")}
    for anchor, _ in report.SECTIONS:
        assert anchor in ids, anchor
    for link in tree.css("nav.nr-toc a"):
        assert link.attributes["href"].lstrip("#") in ids
    assert not tree.css(".jp-InputArea, .jp-InputPrompt")  # no code for readers
    assert "report.load_run" not in page and "nr-reviewer-only" not in page
    # one script of ours; the side-by-side data is an inert JSON block (no "<" left in it)
    scripts = [s for s in tree.css("script") if s.attributes.get("type") != "application/json"]
    assert len(scripts) == 1 and "nr-js" in scripts[0].text()
    assert [s.attributes.get("id") for s in tree.css('script[type="application/json"]')] == ["nr-sbs-data"]
    assert "<" not in tree.css_first("#nr-sbs-data").text()
    assert report.external_urls(page) == []
    figures = tree.css("figure.nr-figure")
    assert figures and all(f.css_first("figcaption").text().startswith("How to read") for f in figures)
    assert all(img.attributes["src"].startswith("data:image/png;base64,") for img in tree.css("img"))
    assert tree.css("table.nr-sortable") and tree.css("details.nr-evidence")
    assert "Traceback" not in page and "Warning" not in tree.body.text()
    # the summary is generated from the data: its sentences are the ones 05 wrote for this run
    summary = json.loads((seed_run / "data" / "report_summary.json").read_text(encoding="utf-8"))
    text = tree.body.text()
    for sentence in summary["event"] + summary["coverage"][:1]:
        assert sentence in text
    assert tree.css_first("h1").text().startswith("How 5 outlets covered")


@pytest.mark.slow
def test_reviewer_report_keeps_code_of_every_stage(seed_run: Path) -> None:
    from selectolax.lexbor import LexborHTMLParser

    page = (seed_run / "report-reviewer.html").read_text(encoding="utf-8")
    tree = LexborHTMLParser(page)
    text = tree.body.text()
    for title in report.STAGE_TITLES.values():
        assert title in text
    code = " ".join(n.text() for n in tree.css(".jp-InputArea"))
    assert "report.load_run(run)" in code and "clean.clean_corpus(" in code


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed (make system-deps)")
def test_pdf_is_a4(seed_run: Path, tmp_path: Path) -> None:
    # printed afresh: another test may rerun the shared seed run as HTML only, which removes its PDF
    pdf = report.print_pdf(seed_run / "report.html", tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert sizes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes)


def test_methods_fall_back_to_pinned_benchmark_floors(tmp_path: Path) -> None:
    (tmp_path / "floors_stance.json").write_text('{"span_recall": 0.14}', encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    floors = report.load_benchmark_floors(tmp_path)
    assert floors == {"stance": {"span_recall": 0.14}}
    html = report.methods_html({"stance": {"method": "lexical"}, "quotes": {"method": "rules"}}, {},
                               descriptions={"stance": "Weighs words.", "quotes": "Finds quotes."}, floors=floors)
    stance, quotes = html.split("<h3")[1:]
    assert "span recall: ≥ 0.14" in stance and "unbenchmarked" not in stance
    assert "unbenchmarked" in quotes
    assert report.load_benchmark_floors(tmp_path / "absent") == {}


def test_stance_evidence_is_capped_to_the_extremes() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    sentences = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "sent_id": ["a1:s0", "a2:s0", "a3:s0"],
                              "start": [0, 0, 0], "end": [10, 10, 10], "text": ["x backs it"] * 3})
    ev = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "target": "Plan", "sent_id": ["a1:s0", "a2:s0", "a3:s0"],
                       "start": 2, "end": 7, "cue": "backs", "cue_class": "endorsing", "weight": 0.5})
    html = report.stance_section(_stance(), ev, sentences, arts, summary=None, targets=1, max_explained=2)
    assert "for the 1 most and 1 least favourable of 3 articles" in html
    assert "Why A reads" in html and "Why B reads" in html and "Why C reads" not in html


def test_stance_findings_compare_outlets_not_articles() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "A", ""), ("a3", "B", "")])
    stance = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "target": "Plan", "support_score": [0.9, -0.5, 0.1],
                           "conditionality": 0.0, "label": ["supportive", "opposed", "skeptical"],
                           "confidence": 0.5, "top_cues": ["backs (endorsing, lede)", "rejects (rejecting, lede)",
                                                           "doubts (distancing, lede)"]})
    # A's articles average +0.20, above B's +0.10: A is the most favourable outlet, not both ends
    assert report.stance_findings(report.stance_ranking(stance, arts), ["Plan"]) == [
        "On Plan, both outlets compared lean towards support: A the most (mean support +0.20 over 2 articles; "
        "words: “backs”), B the least (skeptical, +0.10; words: “doubts”)."]


@pytest.mark.parametrize("outlet", ["Cost $x^$ up", "A $\\frac{$ B", "$5 News $", "Émission — “Nouvelles”", "<b>Bold</b> & Co"])
def test_figures_render_any_outlet_name(outlet: str) -> None:
    import io

    arts = _articles([("a1", outlet, ""), ("a2", "B", ""), ("a3", "C", "")])
    figs = [report.coverage_figure(report.fact_matrix(_facts(), arts)),
            report.stance_figure(report.stance_ranking(_stance(), arts), "Plan"),
            report.quotes_figure(report.quote_categories(_quotes(), arts))]
    for fig in figs:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=50)  # mathtext errors surface at draw time
        assert buf.getvalue().startswith(b"\x89PNG")
        labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        assert any(lab.replace("\\$", "$").startswith(outlet[:20]) for lab in labels)


def test_reader_drops_stderr_but_reviewer_keeps_it() -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="UserWarning: glyph missing\n"),
                    nbformat.v4.new_output("display_data", data={"text/html": "<p>kept</p>"})]
    nb.cells = [cell]
    reader = report.render_html(nb, exclude_input=True, title="t")
    reviewer = report.render_html(nb, exclude_input=False, title="t")
    assert "glyph missing" not in reader and "<p>kept</p>" in reader
    assert "glyph missing" in reviewer


def test_rendering_does_not_depend_on_random_cell_ids() -> None:
    import nbformat

    def notebook(cell_id: str) -> object:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("x = 1")
        cell["id"] = cell_id  # papermill gives its injected-parameters cell a fresh random id per run
        nb.cells = [cell]
        return nb

    for exclude_input in (True, False):
        first = report.render_html(notebook("5b385740"), exclude_input=exclude_input, title="t")
        assert first == report.render_html(notebook("b103d450"), exclude_input=exclude_input, title="t")


def test_methods_prefer_measured_results_over_floors() -> None:
    html = report.methods_html({"quotes": {"method": "rules"}}, {}, descriptions={"quotes": "Finds quotes."},
                               floors={"quotes": {"ggt_all_f1_0.3": 0.85}},
                               results={"quotes": {"ggt_all_f1_0.3": 0.874}})
    assert "Measured accuracy" in html and "0.874" in html and "≥ 0.85" not in html
    floors_only = report.methods_html({"quotes": {"method": "rules"}}, {}, descriptions={"quotes": "Finds quotes."},
                                      floors={"quotes": {"ggt_all_f1_0.3": 0.85}})
    assert "≥ 0.85" in floors_only


# ---------------------------------------------------------------------------------------------
# the reader's overview, side by side, trust lines and the printed version (issue 17)
# ---------------------------------------------------------------------------------------------

def _three_outlets() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three outlets reporting a council vote; A and B share f1 and a quote, C has one fact of its own."""
    arts = _articles([("a", "Harbour Post", ""), ("b", "Valley Times", ""), ("c", "<b>Evil</b> & Co", "")])
    sents = pd.DataFrame([
        ("a", "a:s0", 0, "The council approved the budget on Monday."),
        ("a", "a:s1", 44, "The mayor said \"we will build the bridge now\" after the vote."),
        ("a", "a:s2", 110, "Opponents walked out."),
        ("b", "b:s0", 0, "Protesters gathered outside the hall."),
        ("b", "b:s1", 40, "Councillors passed the budget on Monday."),
        ("b", "b:s2", 82, "The mayor said \"we will build that bridge\" at the meeting."),
        ("c", "c:s0", 0, "A <script>alert(1)</script> storm closed the port."),
    ], columns=["article_id", "sent_id", "start", "text"]).assign(end=lambda d: d["start"] + d["text"].str.len(),
                                                                 section="body")
    facts = pd.DataFrame([("f1", "a", "a:s0", "The council approved the budget on Monday."),
                          ("f1", "b", "b:s1", "Councillors passed the budget on Monday."),
                          ("f2", "c", "c:s0", "A storm closed the port.")],
                         columns=["fact_id", "article_id", "sent_id", "text"])
    quotes = pd.DataFrame([("a:q0", "a", 60, "we will build the bridge now", "q1", 1.0, "verbatim"),
                           ("b:q0", "b", 100, "we will build that bridge", "q1", 0.6, "reworded")],
                          columns=["quote_id", "article_id", "start", "quote", "cluster_id", "fidelity", "mutation"])
    return arts, sents, facts.assign(outlet=""), quotes


def _overview_inputs(**changes: object) -> "report.OverviewInputs":
    arts, sents, facts, quotes = _three_outlets()
    matrix = report.fact_matrix(facts.drop(columns="outlet"), arts, order=["f1", "f2"])
    stance = pd.DataFrame([("a", "the mayor", 0.6, 0.1, "supportive", 0.9, 4),
                           ("b", "the mayor", -0.3, 0.2, "skeptical", 0.5, 1)],
                          columns=["article_id", "target", "support_score", "conditionality", "label", "confidence",
                                   "n_cues"])
    ranking = report.stance_ranking(stance, arts)
    base = report.OverviewInputs(arts, matrix, report.omissions(matrix, {}), ranking, ["the mayor"], quotes, sents,
                                 pd.DataFrame(columns=["article_a", "sent_a", "article_b", "sent_b"]), None)
    return base._replace(**changes)


def test_outlet_overview_rows_and_columns() -> None:
    table = report.outlet_overview(_overview_inputs()).set_index("outlet")
    assert list(table.index) == ["<b>Evil</b> & Co", "Harbour Post", "Valley Times"]
    assert table.loc["Harbour Post", "facts_share"] == 0.5 and table.loc["<b>Evil</b> & Co", "only_here"] == 1
    assert table.loc["Harbour Post", "frame:the mayor"] == 0.6 and table.loc["Valley Times", "cues:the mayor"] == 1
    # one shared quote each: A's verbatim, B's reworded
    assert table.loc["Harbour Post", "verbatim_share"] == 1.0 and table.loc["Valley Times", "changed_share"] == 1.0
    assert table.loc["Harbour Post", "wire_share"] == 0.0


def test_outlet_overview_pools_many_outlets_and_tolerates_missing_tables() -> None:
    pooled = report.outlet_overview(_overview_inputs(), max_outlets=2)
    assert list(pooled["outlet"]) == ["<b>Evil</b> & Co", "other 2 outlets"] and pooled["aggregate"].tolist() == [False, True]
    assert pooled.iloc[1]["articles"] == 2
    bare = _overview_inputs(quotes=None, copies=None, ranking=None, targets=[])
    table = report.outlet_overview(bare)
    assert table["verbatim_share"].isna().all() and table["wire_share"].isna().all()
    html = report.overview_section(table, bare)
    assert "quote fidelity (data/quotes.csv" in html and "wire copy (data/copies.csv)" in html


def test_overview_html_escapes_links_evidence_and_greys_thin_scores() -> None:
    inp = _overview_inputs()
    html = report.overview_section(report.outlet_overview(inp), inp)
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert 'href="#stance-the-mayor"' in html and 'href="#coverage"' in html and 'href="#quotes"' in html
    thin = re.findall(r'<td class="nr-low"[^>]*>(.*?)</td>', html)
    assert len(thin) == 1 and "-0.30 skeptical" in thin[0] and "1 cue" in thin[0]  # Valley Times: one cue
    fig = report.overview_figure(report.outlet_overview(inp), inp.targets)
    assert fig is not None and len(fig.axes) == 3


def test_side_by_side_aligns_in_each_articles_order() -> None:
    from analysis.report import side_by_side as sbs

    arts, sents, facts, quotes = _three_outlets()
    corpus = sbs.build_corpus(sents, facts, quotes, ["a", "b", "c"])
    rows = sbs.align(corpus, "a", "b")
    assert [r[:3] for r in rows] == [["b", -1, 0], ["same", 0, 1], ["quote", 1, 2], ["a", 2, -1]]
    assert rows[1][3] == ["f1"]
    assert any(op[0] != "equal" for op in rows[2][3])  # the word diff of the two renderings
    assert [r[0] for r in sbs.align(corpus, "a", "c")] == ["a", "a", "a", "b"]
    # crossing links keep both orders: the later pair becomes "elsewhere"
    crossed = sbs.Corpus({"x": [("x0", "p"), ("x1", "q")], "y": [("y0", "q"), ("y1", "p")]},
                         {"x": {"x0": {"f1"}, "x1": {"f2"}}, "y": {"y0": {"f2"}, "y1": {"f1"}}}, {"x": {}, "y": {}})
    kinds = [r[0] for r in sbs.align(crossed, "x", "y")]
    assert kinds.count("same") == 1 and kinds.count("moved") == 2


def test_side_by_side_embeds_data_as_inert_json() -> None:
    import json as _json

    from analysis.report import side_by_side as sbs
    from selectolax.lexbor import LexborHTMLParser

    arts, sents, facts, quotes = _three_outlets()
    sim = pd.DataFrame([("a", "b", 0.9, "x"), ("a", "c", 0.1, "x"), ("b", "c", 0.2, "x")],
                       columns=["article_a", "article_b", "score", "method"])
    html = report.side_by_side_section(arts, sents, facts, quotes, sim)
    tree = LexborHTMLParser(html)
    data_blocks = tree.css('script[type="application/json"]')
    assert len(tree.css("script")) == 1 and len(data_blocks) == 1
    raw = data_blocks[0].text()
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = _json.loads(raw)
    assert data["articles"][2]["sents"][0] == "A <script>alert(1)</script> storm closed the port."
    assert set(data["pairs"]) == {"0|1", "0|2", "1|2"} and data["default"] == [0, 2]  # most different pair
    printed = tree.css_first(".nr-print-only")
    assert "Harbour Post" in printed.text() and "<script>alert" in printed.text() and not printed.css("script")
    assert sbs.extreme_pairs(sim, ["a", "b", "c"]) == (("a", "c"), ("a", "b"))
    capped = report.side_by_side_section(arts, sents, facts, quotes, sim, max_articles=2)
    assert "2 of 3 articles" in capped and len(_json.loads(
        LexborHTMLParser(capped).css_first("#nr-sbs-data").text())["pairs"]) == 1


def test_trust_lines_state_benchmarks_and_evidence() -> None:
    results = {"quotes": {"ggt_all_f1_0.3": 0.8741, "ggt_speaker_acc": 0.9313},
               "stance": {"newsmtsc_framing_sign_agreement": 0.625, "order_vs_author_feeling": 0.5769}}
    arts, sents, facts, quotes = _three_outlets()
    line = report.trust_html("quotes", results, {"quotes": quotes})
    assert "F1 0.87" in line and "0.93" in line and "2 quotes, from 2 articles" in line
    assert "0.50" in report.method_sentence("stance", results)
    assert "no recorded benchmark figures" in report.method_sentence("coverage", results)
    section = report.with_trust('<h2 id="x">X</h2><p>body</p>', "<p>T</p>")
    assert section == '<h2 id="x">X</h2><p>T</p><p>body</p>'


def test_print_version_modes() -> None:
    block = '<details class="nr-evidence"><summary>s</summary>x</details>'
    table = '<div class="nr-tablewrap"><table class="nr-table nr-sortable" id="quotes-table"></table></div>'
    page = ("<html><head></head><body>" + '<h2 id="one">1</h2>' + block * 3 + '<h2 id="two">2</h2>' + block
            + table + "</body></html>")
    assert report.print_version(page, evidence="top").count(" open>") == 3  # two of the first section, one of the second
    assert report.print_version(page, evidence="none").count(" open>") == 0
    full = report.print_version(page, evidence="full")
    assert full.count(" open>") == 4 and "nr-screen-only" not in full
    assert 'nr-tablewrap nr-screen-only"><table class="nr-table nr-sortable" id="quotes-table"' in \
        report.print_version(page, evidence="top")
    marked = page.replace("<body>", "<body>" + report.pdf_marker("none"))
    assert report.recorded_evidence(marked) == "none" and report.print_version(marked).count(" open>") == 0
    from analysis.errors import ReportError

    with pytest.raises(ReportError, match="pdf_evidence"):
        report.print_version(page, evidence="all")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed (make system-deps)")
def test_pdf_for_reading_is_short_numbered_and_has_the_evidence_on_request(seed_run: Path, tmp_path: Path) -> None:
    from analysis.report.pdf import anchor_pages

    def pages(pdf: bytes) -> int:
        return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))

    html = seed_run / "report.html"
    assert report.recorded_evidence(html.read_text(encoding="utf-8")) == "top"  # the default, recorded by 05
    top = report.print_pdf(html, tmp_path / "top.pdf").read_bytes()
    full = report.print_pdf(html, tmp_path / "full.pdf", evidence="full").read_bytes()
    assert pages(top) <= 12 < pages(full)  # issue 17: at most ~12 pages; the full evidence was 60+
    where = anchor_pages(top)
    order = [where[a] for a, _ in report.SECTIONS if a in where]
    assert where["summary"] == 1 and len(order) == len(report.SECTIONS) and order == sorted(order)
    assert max(order) <= pages(top)


def test_thin_stance_note_counts_only_the_shown_targets() -> None:
    stance = pd.DataFrame([("a", "the mayor", 0.5, 1, "supportive"), ("a", "the port", 0.2, 1, "supportive"),
                           ("b", "the mayor", 0.1, 5, "conditional")],
                          columns=["article_id", "target", "support_score", "n_cues", "label"])
    assert "2 of the 3 framing scores" in report.thin_stance_note(stance)
    assert "1 of the 2 framing scores" in report.thin_stance_note(stance, targets=["the mayor"])
    assert report.thin_stance_note(stance[stance["n_cues"] > 1], targets=["the mayor"]) == ""


# ---------------------------------------------------------------------------------------------
# trust of the findings sentences on an event nobody here wrote about (3 outlets)
# ---------------------------------------------------------------------------------------------

def _veto_stance() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three outlets on a veto override: every scored outlet words the actor's position as opposed."""
    arts = _articles([("a1", "Daily Planet", ""), ("a2", "Bugle", ""), ("a3", "Sentinel", "")])
    stance = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "target": "President",
                           "support_score": [-0.17, -0.61, -0.7], "conditionality": 0.0,
                           "label": ["skeptical", "opposed", "opposed"], "confidence": 0.5,
                           "top_cues": ["vetoed (rejecting, lede)", "veto (rejecting, headline)",
                                        "rejects (rejecting, headline)"]})
    return arts, stance


def test_stance_findings_say_opposed_when_every_outlet_leans_to_opposition() -> None:
    arts, stance = _veto_stance()
    [line] = report.stance_findings(report.stance_ranking(stance, arts), ["President"])
    # -0.17 is not "favourable" or "supportive": it is the least opposed of three opposed framings
    assert "favourabl" not in line and "most supportive" not in line
    assert line.startswith("On President, all 3 outlets compared lean towards opposition: Sentinel the most")
    assert "Daily Planet the least (skeptical, -0.17" in line
    stance.loc[2, "label"] = "unclear"  # no stance wording at all: named, not ranked
    [line] = report.stance_findings(report.stance_ranking(stance, arts), ["President"])
    assert line.endswith("(not compared: Sentinel: no clear stance wording).")


def test_stance_findings_leave_out_scores_resting_on_too_few_sentences() -> None:
    arts, stance = _veto_stance()
    framing = pd.DataFrame({"outlet": ["Daily Planet", "Bugle", "Sentinel"], "target": "President",
                            "label": ["skeptical", "opposed", "too few"]})
    [line] = report.stance_findings(report.stance_ranking(stance, arts), ["President"], framing=framing)
    assert "Sentinel" not in line.split("(not compared")[0]  # not ranked ...
    assert line.endswith("(not compared: Sentinel: too few sentences).")  # ... but named as left out
    assert "both outlets compared" in line and "Bugle the most" in line
    framing.loc[1, "label"] = "too few"  # one outlet left: nothing to compare
    assert report.stance_findings(report.stance_ranking(stance, arts), ["President"], framing=framing) == []


def test_stance_findings_with_mixed_signs_name_both_ends() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    [line] = report.stance_findings(report.stance_ranking(_stance(), arts), ["Plan"])
    assert line.startswith("On Plan, the 3 outlets compared run from support to opposition: "
                           "A the most supportive (supportive, +0.60")
    assert "B the most opposed (opposed, -0.40" in line


def test_summary_and_stance_section_use_the_reports_own_stance_sentences() -> None:
    # the stance stage's own sentence calls the least opposed outlet "the most supportive"; the
    # reader's page shows the report's sentences, which respect the sign and the "too few" label
    arts, stance = _veto_stance()
    stage = {"findings": ["On President's position, Daily Planet is the most supportive (skeptical, -0.17).",
                          "President: 1 skeptical, 2 opposed."]}
    own = report.stance_findings(report.stance_ranking(stance, arts), ["President"])
    event = report.EventSummary("Veto overridden", "a1", ("veto",), "2016-09-28", "2016-09-28", 3, 3)
    page = report.summary_section(event, coverage=[], stance=own, quotes=[], data_notes=[],
                                  summaries={"stance": stage})
    section = report.stance_section(stance, None, None, arts, summary=stage, targets=1)
    for html in (page, section):
        assert "most supportive" not in html and "lean towards opposition" in html


def test_left_out_counts_are_not_capped_by_the_list_shown() -> None:
    # four outlets; D misses seven facts the other three carried, C misses one: the findings
    # sentence and the overview must say 7, the section lists five of them and says 7 in all
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", ""), ("a4", "D", "")])
    rows = [(f"f{i}", a) for i in range(1, 8) for a in ("a1", "a2", "a3")] + [("f8", "a1"), ("f8", "a2"),
                                                                             ("f8", "a4")]
    facts = pd.DataFrame([{"fact_id": f, "article_id": a, "sent_id": f"{a}:s{f}", "text": f"{f} as told by {a}"}
                          for f, a in rows])
    matrix = report.fact_matrix(facts, arts)
    omitted = report.omissions(matrix, report.fact_texts(facts))
    assert omitted.groupby("outlet").size().to_dict() == {"C": 1, "D": 7}
    assert "D left out the most widely reported facts (7 that most other outlets carried)." in \
        report.coverage_findings(matrix, omitted)
    overview = report.outlet_overview(report.OverviewInputs(arts, matrix, omitted, None, [], None, None, None, None))
    assert overview.set_index("outlet").loc["D", "left_out"] == 7
    html = report.coverage_section(facts, None, None, arts, summary=None, figure_png=None)
    d = html.split("D did not report")[1].split("</ul>")[0]
    assert d.count('class="nr-rank"') == 5 and "7 in all" in html.split("D did not report")[1]


def test_left_out_sentence_says_both_when_there_are_two_other_outlets() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    matrix = report.fact_matrix(_facts(), arts)
    [line] = [f for f in report.coverage_findings(matrix, report.omissions(matrix, report.fact_texts(_facts())))
              if "left out" in f]
    assert line == "C left out the most widely reported facts (1 that both other outlets carried)."


def _speaker_quotes() -> pd.DataFrame:
    """Quotes of a small invented story: a description quoted as a 'speaker' most often."""
    rows = [("q1", "a1", "A", "the terms of the bill", "nominal", ""), ("q2", "a1", "A", "the terms of the bill", "nominal", ""),
            ("q3", "a2", "B", "the terms of the bill", "nominal", ""), ("q4", "a1", "A", "Jane Roe", "person", ""),
            ("q5", "a2", "A", "Jane Roe", "person", ""), ("q6", "a2", "B", "City Council", "group", ""),
            ("q7", "a2", "B", "City Council", "group", ""), ("q8", "a2", "B", "Jane Roe", "person", "a2:q5"),
            ("q9", "a1", "A", "Jane Roe", "", "")]  # a name the stage left untyped
    return pd.DataFrame([{"quote_id": q, "article_id": a, "outlet": o, "speaker": s, "speaker_type": t,
                          "contained_in": c, "kind": "direct", "mutation": "", "cluster_id": "", "fidelity": None,
                          "quote": "“We will vote on it.”"} for q, a, o, s, t, c in rows])


def test_quote_speaker_findings_name_people_and_organisations_in_plain_words() -> None:
    from analysis.viz import quotes as viz_quotes

    summary = viz_quotes.quotes_summary(_speaker_quotes(), pd.DataFrame(columns=["cluster_id"]), pd.DataFrame())
    lines = " ".join(summary["findings"])
    assert "the terms of the bill" not in lines  # a description is not a voice
    assert "Jane Roe is quoted most: 3 times in 1 outlet." in lines and "(s)" not in lines
    assert "Voices heard in one outlet only: City Council, Jane Roe." in lines


def test_quotes_trust_line_counts_the_quotes_the_findings_count() -> None:
    # a partial quote inside another quote is one quote in the findings; the trust line agrees
    from analysis.viz import quotes as viz_quotes

    quotes = _speaker_quotes()
    summary = viz_quotes.quotes_summary(quotes, pd.DataFrame(columns=["cluster_id"]), pd.DataFrame())
    assert summary["findings"][0].startswith("8 quotes in 2 articles")
    assert "In this run 8 quotes, from 2 articles" in report.trust_html("quotes", {}, {"quotes": quotes})


def test_evidence_counts_say_what_the_short_pdf_leaves_out() -> None:
    # 17 sentences, 8 on the page, 3 in the short PDF: the page says "9 more in the run folder",
    # the PDF must not (it shows 3, so 14 are elsewhere)
    items = [(f"Outlet {i}", f"sentence {i}") for i in range(17)]
    block = report.evidence_html("show the 17 sentences", items, limit=8)
    assert "… and 9 more in the run folder." in block
    assert "… and 14 more in report.html and the run folder." in block
    page = "<html><head></head><body><h2 id='x'>x</h2>" + block + "</body></html>"
    short = report.print_version(page, evidence="top")
    assert ".nr-short-pdf { display: block; }" in short and ".nr-not-short-pdf { display: none; }" in short
    assert ".nr-short-pdf { display: block; }" not in report.print_version(page, evidence="full")
    assert ".nr-short-pdf { display: none; }" in report.READER_CSS  # the screen and the full PDF hide it
    few = report.evidence_html("s", items[:5], limit=8)  # 5 on the page, 3 in the PDF
    assert "… and 2 more in report.html." in few and "run folder" not in few


def test_coverage_trust_line_states_the_fact_grouping_benchmark_not_the_flattering_one() -> None:
    # the facts, the matrix and "only X reported" rest on grouping claims into facts, measured held
    # out on labelled events (F1 about 0.47); 28 seed claim pairs (F1 0.94) are not that figure
    results = {"coverage": {"seed_pairs_minilm_f1": 0.938, "basil_nested_f1": 0.4654,
                            "basil_nested_cell_accuracy": 0.8878, "human_agreement_f1": 0.808,
                            "semeval_minilm_heldout": 0.862}}
    line = report.method_sentence("coverage", results, method="minilm")
    assert "0.94" not in line and "F1 0.47" in line and "0.89" in line and "0.81" in line
    assert "r = 0.86" in line
    stance = report.method_sentence("stance", {"stance": {"newsmtsc_rw_f1m": 0.795, "newsmtsc_mt_f1m": 0.737}})
    assert "macro-F1 0.80 and 0.74" in stance  # both held-out sets, not only the better one


def test_overview_without_shared_quotes_says_so_in_the_table_and_the_figure() -> None:
    # no remark quoted by two outlets: the cell must not read "– / – / n/a of 0", the quotes panel
    # must not be an empty axis
    inp = _overview_inputs()
    quotes = inp.quotes.assign(cluster_id=[f"c{i}" for i in range(len(inp.quotes))])  # every quote its own remark
    table = report.outlet_overview(inp._replace(quotes=quotes))
    from analysis.report.overview import overview_table_html

    html = overview_table_html(table, ["the mayor"])
    assert "n/a" not in html and "of 0" not in html and "none shared" in html
    fig = report.overview_figure(table, ["the mayor"])
    assert any("No remark was quoted by two outlets" in t.get_text().replace("\n", " ") for t in fig.axes[2].texts)


def test_counts_read_as_plain_words_not_with_a_plural_s_in_brackets() -> None:
    from analysis.viz import quotes as viz_quotes

    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    sentences = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "sent_id": ["a1:s0", "a2:s0", "a3:s0"],
                              "start": [0, 0, 0], "end": [10, 10, 10], "text": ["x backs it"] * 3})
    ev = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "target": "Plan", "sent_id": ["a1:s0", "a2:s0", "a3:s0"],
                       "start": 2, "end": 7, "cue": "backs", "cue_class": "endorsing", "weight": 0.5})
    html = report.stance_section(_stance(), ev, sentences, arts, summary=None, targets=1)
    assert "1 cue in 1 sentence" in html
    quotes = _speaker_quotes().assign(cluster_id=["c1", "", "c1", "", "", "", "", "", ""], fidelity=0.8,
                                      mutation=["trimmed", "", "verbatim", "", "", "", "", "", ""])
    clusters = pd.DataFrame({"cluster_id": ["c1"]})
    inputs = pd.DataFrame({"file": ["a.txt", "b.txt"], "status": ["kept", "rejected"]})
    lines = viz_quotes.quotes_summary(quotes, clusters, pd.DataFrame())["findings"] + report.limitations(arts, inputs, {})
    assert "1 utterance was quoted by two or more articles." in lines and "1 input file was not analysed" in " ".join(lines)
    assert not [line for line in lines + [html] if "(s)" in line]


@pytest.mark.parametrize("text, shown", [
    ("“But there are questions that we need to discuss", "“But there are questions that we need to discuss”"),
    ('questions that need to be discussed", including what happens', '"questions that need to be discussed", including what happens'),
    ('"We agree with the proposals to cease hostilities,', '"We agree with the proposals to cease hostilities,"'),
    ("He said it was “great and correct”.", "He said it was “great and correct”."),
    ("in itself is correct” and we support it", "“in itself is correct” and we support it"),
])
def test_fact_texts_cut_from_a_quotation_show_balanced_quotation_marks(text: str, shown: str) -> None:
    # a fact is often a clause cut from inside a quotation: a reader must see where the quoted words end
    facts = pd.DataFrame({"fact_id": ["f1"], "article_id": ["a1"], "sent_id": ["a1:s0"], "text": [text]})
    assert report.fact_texts(facts) == {"f1": shown}


def test_stage_findings_that_restate_the_reports_own_counts_are_not_repeated() -> None:
    # the coverage stage's "72 fact units ... 5 were carried by every outlet" says again what the
    # report's first coverage sentence says; a stage line with a new figure stays
    arts = _articles([("a1", "A", ""), ("a2", "B", ""), ("a3", "C", "")])
    matrix = report.fact_matrix(_facts(), arts)
    own = report.coverage_findings(matrix, report.omissions(matrix, report.fact_texts(_facts())))
    stage = {"findings": ["3 fact units were found across 3 outlets; 1 was carried by every outlet, including "
                          "“f1 as told by a1 in 2025”.", "A carried the most facts no other outlet had (1), e.g. “f3”.",
                          "Only 50% of C's facts also appear in A."]}
    event = report.EventSummary("Plan", "a1", ("plan",), "2025-01-02", "2025-01-02", 3, 3)
    page = report.summary_section(event, coverage=own, stance=[], quotes=[], data_notes=[],
                                  summaries={"coverage": stage})
    section = report.coverage_section(_facts(), None, None, arts, summary=stage, figure_png=None)
    for html in (page, section):
        assert "3 fact units were found" not in html
        assert "A carried the most facts no other outlet had (1)" in html


def test_two_outlets_read_as_both_and_the_other_and_a_summary_without_comparable_framing_says_why() -> None:
    arts = _articles([("a1", "A", ""), ("a2", "B", "")])
    facts = _facts()[_facts()["article_id"] != "a3"]
    matrix = report.fact_matrix(facts, arts)
    first = report.coverage_findings(matrix, report.omissions(matrix, report.fact_texts(facts)))[0]
    assert first.startswith("2 of 3 facts were carried by both outlets;") and "every one of the 2" not in first
    from analysis.report.overview import overview_table_html

    inp = _overview_inputs(articles=arts, matrix=matrix, omitted=report.omissions(matrix, {}))
    assert "facts the other outlet carried that it left out" in overview_table_html(report.outlet_overview(inp), [])
    omitted = report.omissions(matrix, report.fact_texts(facts))
    assert "B left out the most widely reported facts (1 that the other outlet carried)." in \
        report.coverage_findings(matrix, omitted)
    section = report.coverage_section(facts, None, None, arts, summary=None, figure_png=None)
    assert "(reported by the other outlet)" in section and "1 of the 1 other" not in section
    assert "Facts both outlets carried" in section and "Facts that the other outlet reported" in section
    # the stance stage ran, but no actor had two outlets with enough cue sentences: say so, not "no results"
    event = report.EventSummary("Plan", "a1", ("plan",), "2025-01-02", "2025-01-02", 2, 2)
    page = report.summary_section(event, coverage=[], stance=[], quotes=[], data_notes=[],
                                  summaries={"stance": {"findings": ["Plan: 1 opposed."]}})
    assert "No stance results" not in page and "fewer than two outlets" in page


def test_overview_has_a_trust_line_with_each_columns_benchmark() -> None:
    results = {"coverage": {"basil_nested_f1": 0.4654}, "quotes": {"ggt_all_f1_0.3": 0.8741},
               "stance": {"newsmtsc_framing_sign_agreement": 0.625}}
    line = report.overview_trust_html(results)
    assert "How far to trust this" in line and "F1 0.47" in line and "0.62" in line and "F1 0.87" in line
    assert "no recorded benchmark" in report.overview_trust_html({})


def test_methods_list_accuracy_figures_in_words_without_counts_of_the_sample_corpus() -> None:
    # on another event, "seeds facts: 72" reads as a count about this corpus; a speed is not accuracy
    results = {"coverage": {"basil_nested_f1": 0.4654, "seeds_facts": 72, "seeds_f1": 0.4584,
                            "recheck_seeds_unique_after": 36},
               "stance": {"newsmtsc_sentences_per_second": 13.8, "newsmtsc_rw_f1m": 0.795}}
    html = report.methods_html({"coverage": {"method": "minilm"}, "stance": {"method": "lexical"}}, {},
                               descriptions={"coverage": "Facts.", "stance": "Stance."}, results=results)
    assert "0.465" in html and "0.795" in html and "0.458" in html
    assert "72" not in html and "36" not in html and "13.8" not in html
    assert "seeds f1" not in html and "the sample articles in seeds/ f1: 0.458" in html


def test_kinds_of_change_account_for_every_changed_version() -> None:
    # six kinds, four named: the sentence must say the other two versions exist (seeds: 33 of 35 named)
    changed = pd.DataFrame({"cluster_id": ["c1"] * 8, "mutation": ["reported"] * 3 + ["trimmed"] * 1 + [
        "reworded", "expanded", "translation-variant", "paraphrase-in-quotes"]})
    lines = report.quote_findings(_quotes(), changed)
    kinds = next(line for line in lines if line.startswith("Kinds of change"))
    assert kinds.startswith("Kinds of change (one per changed version, 8 in all): reported (3)")
    assert kinds.endswith("and 2 of 2 other kinds.")


def test_overview_greys_a_framing_the_stance_section_calls_too_few() -> None:
    # the stance section reads a score on 1 sentence as "too few"; the overview must not show it as solid
    framing = pd.DataFrame({"outlet": ["Harbour Post"], "target": "the mayor", "label": ["too few"]})
    from analysis.report.overview import overview_table_html

    solid = overview_table_html(report.outlet_overview(_overview_inputs()), ["the mayor"])
    table = report.outlet_overview(_overview_inputs(framing=framing))
    html = overview_table_html(table, ["the mayor"])
    row = html.split("Harbour Post")[1].split("</tr>")[0]
    assert 'class="nr-low"' not in solid.split("Harbour Post")[1].split("</tr>")[0]
    assert 'class="nr-low"' in row and "too few sentences" in row
    def hollow(t: pd.DataFrame) -> int:
        fig = report.overview_figure(t, ["the mayor"])
        return sum(c.get_facecolor().tolist() == [[1.0, 1.0, 1.0, 1.0]] for c in fig.axes[1].collections)

    assert hollow(table) == hollow(report.outlet_overview(_overview_inputs())) + 1


def test_least_faithful_rendering_is_a_rendering_long_enough_to_judge() -> None:
    # a one-word quoted fragment ("free") scores fidelity 0 against any longer rendering; naming it
    # the least faithful rendering says nothing about how an outlet changed a remark
    from analysis.viz import quotes as viz_quotes

    rows = [("q1", "a1", "A", "“We will free the town before the winter comes.”", 1.0),
            ("q2", "a2", "B", "“We shall free the town before winter.”", 0.62),
            ("q3", "a3", "C", "“free”", 0.0)]
    quotes = pd.DataFrame([{"quote_id": q, "article_id": a, "outlet": o, "speaker": "Jane Roe", "speaker_type": "person",
                            "contained_in": "", "kind": "direct", "mutation": "trimmed", "cluster_id": "u1",
                            "cluster_method": "lexical", "fidelity": f, "quote": t} for q, a, o, t, f in rows])
    clusters = pd.DataFrame({"cluster_id": ["u1"]})
    lines = [x for x in viz_quotes.quotes_summary(quotes, clusters, pd.DataFrame())["findings"]
             if x.startswith("Least faithful")]
    assert len(lines) == 1 and "B quoting Jane Roe (fidelity 0.62" in lines[0]
    lone = quotes[quotes["quote_id"] == "q3"]  # nothing long enough: no such finding at all
    assert not [x for x in viz_quotes.quotes_summary(lone, clusters, pd.DataFrame())["findings"]
                if x.startswith("Least faithful")]
