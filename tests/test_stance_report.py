"""Both stance measures per outlet: framing intervals and drivers (stage data), and their report view."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import report, stance
from analysis.stance import outlet_framing


def corpus(articles: dict[str, tuple[str, list[str]]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``{article_id: (outlet, lines)}``: first line the headline, the next two the lede, then body."""
    arts, sents = [], []
    for aid, (outlet, lines) in articles.items():
        text, pos = "\n\n".join(lines), 0
        for k, line in enumerate(lines):
            start = text.index(line, pos)
            sents.append(dict(article_id=aid, sent_id=f"{aid}:s{k:03d}", start=start, end=start + len(line), text=line,
                              section="headline" if k == 0 else "lede" if k <= 2 else "body"))
            pos = start + len(line)
        arts.append(dict(article_id=aid, file=f"{aid}.txt", outlet=outlet, url="", date="", title=lines[0],
                         clean_text=text, lang="en"))
    return pd.DataFrame(arts), pd.DataFrame(sents)


# a harbour expansion, written for these tests: one outlet of two articles, one of one, one with a single cue
HARBOUR = {
    "h1": ("Coast Daily", ["Mayor Ines Carvalho backs harbour expansion",
                           "Mayor Ines Carvalho supports the harbour expansion, her office said on Monday.",
                           "The council will vote in May.",
                           "Mayor Ines Carvalho welcomed the plan at a press conference.",
                           "Fishermen gathered outside the hall."]),
    "h2": ("Coast Daily", ["Carvalho rejects harbour expansion costs",
                           "Mayor Ines Carvalho rejected the cost estimate for the harbour expansion.",
                           "Mayor Ines Carvalho said the expansion must wait unless the port pays half.",
                           "The port authority did not comment."]),
    "h3": ("Harbour Post", ["Carvalho backs expansion, with conditions",
                            "Mayor Ines Carvalho backs the harbour expansion as long as the beach stays open.",
                            "Mayor Ines Carvalho praised the engineers.",
                            "Mayor Ines Carvalho has reservations about the timetable."]),
    "h4": ("Bay Wire <b>", ["Harbour expansion debated",
                            "Mayor Ines Carvalho backs the plan.",
                            "Residents spoke for two hours.",
                            "The meeting ended late."]),
}


@pytest.fixture(scope="module")
def harbour():
    arts, sents = corpus(HARBOUR)
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=1)
    ev = stance.stance_evidence(arts, sents, targets, docs=docs)
    scored = stance.score_stance(ev, arts, targets)
    return arts, sents, docs, targets, scored


def test_framing_outlet_score_is_the_mean_of_its_articles_and_the_bootstrap_rebuilds_it(harbour):
    arts, _, _, targets, scored = harbour
    table = stance.framing_outlets(scored.stance, scored.evidence, arts)
    assert list(table.columns) == stance.FRAMING_OUTLET_COLUMNS
    actor = targets.iloc[0]["target"]
    assert actor == "Ines Carvalho"
    st = scored.stance[scored.stance["target"] == actor].set_index("article_id")["support_score"]
    row = table[(table["outlet"] == "Coast Daily") & (table["target"] == actor)].iloc[0]
    assert row["score"] == pytest.approx((st["h1"] + st["h2"]) / 2, abs=1e-6)
    assert row["n_articles"] == 2 and row["ci_unit"] == "article+sentence"
    # one supportive and one opposing article: the interval spans both ways
    assert row["ci_low"] < 0 < row["ci_high"]
    # the bootstrap's arithmetic is the scoring's: every sentence drawn once gives each article's score
    per = outlet_framing._per_sentence(scored.evidence, scored.stance.assign(outlet="o"), stance.SECTION_WEIGHTS)
    for aid, score in st.items():
        e = per[(per["article_id"] == aid) & (per["target"] == actor)]
        rebuilt = outlet_framing._scores(e["sec"].to_numpy(), e[["s", "a", "c"]].to_numpy(), np.ones((1, len(e))),
                                         per.attrs["sections"], stance.SECTION_WEIGHTS, 0.5,
                                         stance.CONDITION_DILUTION)[0]
        assert rebuilt == pytest.approx(score, abs=1e-6)


def test_a_score_on_one_sentence_has_no_interval_and_too_few_sentences(harbour):
    arts, _, _, targets, scored = harbour
    table = stance.framing_outlets(scored.stance, scored.evidence, arts)
    row = table[(table["outlet"] == "Bay Wire <b>") & (table["target"] == "Ines Carvalho")].iloc[0]
    assert row["n_sentences"] == 1 and row["label"] == "too few"
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"]) and row["ci_unit"] == "sentence"
    three = table[(table["outlet"] == "Harbour Post") & (table["target"] == "Ines Carvalho")].iloc[0]
    assert three["n_sentences"] == 3 and three["label"] != "too few"
    assert three["ci_low"] <= three["ci_high"]


def test_framing_intervals_are_deterministic_and_do_not_depend_on_other_outlets(harbour):
    arts, _, _, _, scored = harbour
    full = stance.framing_outlets(scored.stance, scored.evidence, arts)
    again = stance.framing_outlets(scored.stance, scored.evidence, arts)
    pd.testing.assert_frame_equal(full, again)
    keep = ["h1", "h2"]
    alone = stance.framing_outlets(scored.stance[scored.stance["article_id"].isin(keep)],
                                   scored.evidence[scored.evidence["article_id"].isin(keep)],
                                   arts[arts["article_id"].isin(keep)])
    a = alone.set_index(["outlet", "target"]).loc[("Coast Daily", "Ines Carvalho")]
    f = full.set_index(["outlet", "target"]).loc[("Coast Daily", "Ines Carvalho")]
    assert (a["ci_low"], a["ci_high"]) == (f["ci_low"], f["ci_high"])
    other_seed = stance.framing_outlets(scored.stance, scored.evidence, arts, seed=1)
    assert not other_seed[["ci_low", "ci_high"]].fillna(9).equals(full[["ci_low", "ci_high"]].fillna(9))


def test_framing_drivers_are_the_strongest_cue_sentences_and_their_shifts_add_up(harbour):
    arts, _, _, _, scored = harbour
    table = stance.framing_outlets(scored.stance, scored.evidence, arts, top=10)
    row = table[(table["outlet"] == "Harbour Post") & (table["target"] == "Ines Carvalho")].iloc[0]
    shifts = [float(x) for x in row["driver_shifts"].split(";")]
    assert sum(shifts) == pytest.approx(row["score"], abs=1e-3)  # scores are additive in the cues
    assert [abs(s) for s in shifts] == sorted((abs(s) for s in shifts), reverse=True)
    # "praised" weighs most; "backs ... as long as the beach stays open" is halved by its condition
    assert row["drivers"].split(";") == ["h3:s002", "h3:s003", "h3:s001"]
    top3 = stance.framing_outlets(scored.stance, scored.evidence, arts)
    assert len(top3.iloc[0]["drivers"].split(";")) <= 3


def test_framing_outlets_names_a_missing_column(harbour):
    arts, _, _, _, scored = harbour
    with pytest.raises(stance.StanceError, match="clause_weight"):
        stance.framing_outlets(scored.stance, scored.evidence.drop(columns=["clause_weight"]), arts)


def _stub_classify(texts, spans):
    """Stand-in for the trained classifier: negative when the sentence says 'rejected', else positive."""
    from analysis.portrayal import Polarity

    return [Polarity(-1, (0.8, 0.1, 0.1)) if "reject" in t else Polarity(1, (0.1, 0.2, 0.7)) for t in texts]


@pytest.fixture(scope="module")
def both(harbour):
    arts, sents, docs, targets, scored = harbour
    mentions = stance.portrayal_mentions(arts, sents, targets, docs=docs)
    portrayed = stance.score_portrayal(mentions, classify=_stub_classify)
    framing = stance.framing_outlets(scored.stance, scored.evidence, arts)
    drivers = stance.driver_sentences(framing, portrayed.outlets, portrayed.sentences, sents, scored.evidence)
    return arts, sents, scored, portrayed, framing, drivers


def test_driver_sentences_mark_the_mention_and_the_cue_words(both):
    arts, _, _, _, _, drivers = both
    assert list(drivers.columns) == stance.DRIVER_COLUMNS
    assert set(drivers["measure"]) == {"framing", "portrayal"}
    text_of = dict(zip(arts["article_id"], arts["clean_text"]))
    row = drivers[(drivers["outlet"] == "Coast Daily") & (drivers["measure"] == "portrayal")
                  & (drivers["rank"] == 1)].iloc[0]
    assert row["text"] == text_of[row["article_id"]][row["sentence_start"]:row["sentence_start"] + len(row["text"])]
    marks = json.loads(row["marks"])
    clean = text_of[row["article_id"]]
    assert any(kind == "target" and clean[a:b] in ("Ines Carvalho", "Mayor Ines Carvalho", "Carvalho")
               for a, b, kind, _ in marks)
    framing = drivers[(drivers["outlet"] == "Coast Daily") & (drivers["measure"] == "framing")]
    cue_words = {clean_text[a:b] for clean_text, m in zip(framing["article_id"].map(text_of), framing["marks"])
                 for a, b, kind, _ in json.loads(m) if kind in ("support+", "support-")}
    assert {"rejected", "backs"} & cue_words
    # the opposing article's "rejected" is a negative mark, the portrayal P(neg) of that sentence is high
    rej = drivers[drivers["text"].str.contains("rejected the cost") & (drivers["measure"] == "portrayal")]
    assert (rej["p_neg"] > 0.5).all() and len(rej)


def test_outlet_measures_puts_both_measures_side_by_side(both):
    _, _, _, portrayed, framing, _ = both
    m = stance.outlet_measures(framing, portrayed.outlets)
    assert list(m.columns) == stance.MEASURE_COLUMNS
    carvalho = m[m["target"] == "Ines Carvalho"]
    assert carvalho["framing"].is_monotonic_decreasing
    assert carvalho["portrayal"].notna().all()
    prop = m[m["target"] != "Ines Carvalho"]
    assert prop["portrayal"].isna().all()  # portrayal reads actors only
    # without portrayal (switched off) the table still has both sets of columns
    off = stance.outlet_measures(framing, pd.DataFrame(columns=stance.OUTLET_COLUMNS))
    assert list(off.columns) == stance.MEASURE_COLUMNS and off["portrayal"].isna().all()


BENCH = {"stance": {"newsmtsc_rw_f1m": 0.6612, "newsmtsc_mt_f1m": 0.5523, "newsmtsc_framing_sign_agreement": 0.611}}


def test_trust_sentence_reads_the_benchmark_and_names_thin_scores(both):
    _, _, _, portrayed, framing, _ = both
    m = report.stance_measures(framing, portrayed.outlets)
    text = report.measures_trust_sentence(m, "Ines Carvalho", BENCH, min_sentences={"framing": 3, "portrayal": 4})
    assert "0.66 (rw) and 0.55 (mt)" in text and "0.61" in text
    assert "fewer than 3" in text  # Bay Wire's framing rests on one sentence
    thin = int((m.loc[m["target"] == "Ines Carvalho", "portrayal_label"] == "too few").sum())
    assert ("fewer than 4" in text) == (thin > 0)
    none = report.measures_trust_sentence(m, "Ines Carvalho", {})
    assert "no recorded benchmark" in none and "0.66" not in none


def test_stance_section_shows_both_measures_escaped_and_highlighted(both):
    arts, sents, scored, portrayed, framing, drivers = both
    m = report.stance_measures(framing, portrayed.outlets)
    fig = report.stance_figure(report.stance_ranking(scored.stance, arts), "Ines Carvalho", measures=m)
    assert len(fig.axes) == 2  # portrayal | framing
    import io

    png = io.BytesIO()
    fig.savefig(png, format="png")
    page = report.stance_section(scored.stance, scored.evidence, sents, arts, summary={"min_sentences": {"framing": 3}},
                                 figures={"Ines Carvalho": png.getvalue()}, measures=m, drivers=drivers,
                                 benchmarks=BENCH, preferred=["Ines Carvalho"])
    assert "How far to trust this chart" in page and 'id="stance-measures-0"' in page
    assert "Bay Wire &lt;b&gt;" in page and "Bay Wire <b>" not in page
    assert '<mark class="nr-target"' in page and '<mark class="nr-neg"' in page
    assert "Portrayal and position framing per outlet" in page
    # an older run folder without the per-outlet tables keeps the previous view
    old = report.stance_section(scored.stance, scored.evidence, sents, arts, summary=None)
    assert "How far to trust this chart" not in old and "stance-table-0" in old


def test_driver_block_escapes_article_text():
    drivers = pd.DataFrame([dict(target="X", outlet="O", measure="framing", rank=1, article_id="a", sent_id="a:s1",
                                 section="body", sentence_start=10, text="<script>alert(1)</script> X backs it",
                                 shift=0.2, in_quote=False, p_neg=np.nan, p_neu=np.nan, p_pos=np.nan,
                                 marks=json.dumps([[38, 43, "support+", "endorsing (+0.20)"],
                                                   [36, 37, "target", "<img src=x>"]]))])
    measures = pd.DataFrame([dict(target="X", outlet="O", framing=0.2, framing_low=np.nan, framing_high=np.nan,
                                  framing_sentences=1, framing_label="too few", portrayal=np.nan, portrayal_low=np.nan,
                                  portrayal_high=np.nan, portrayal_sentences=np.nan, portrayal_label="")])
    out = report.drivers_html(drivers, measures, "X", {})
    assert "<script>" not in out and "&lt;script&gt;" in out and "<img" not in out
    assert '<mark class="nr-pos" title="endorsing (+0.20)">backs</mark>' in out
    assert '<mark class="nr-target" title="&lt;img src=x&gt;">X</mark>' in out


@pytest.mark.parametrize("outlet", ["$5 News $", "A $\\frac{$ B", "<b>Bold</b> & Co"])
def test_measures_figure_renders_any_outlet_name_and_hollows_thin_scores(outlet):
    import io

    measures = pd.DataFrame([
        dict(target="X", outlet=outlet, framing=0.4, framing_low=0.1, framing_high=0.6, framing_sentences=5,
             framing_label="supportive", portrayal=-0.2, portrayal_low=-0.5, portrayal_high=0.1, portrayal_sentences=7,
             portrayal_label="uncertain"),
        dict(target="X", outlet="B", framing=-0.3, framing_low=np.nan, framing_high=np.nan, framing_sentences=1,
             framing_label="too few", portrayal=0.3, portrayal_low=0.1, portrayal_high=0.5, portrayal_sentences=4,
             portrayal_label="positive")])
    fig = report.measures_figure(measures, "X")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=50)  # mathtext errors surface at draw time
    left, right = fig.axes
    labels = [t.get_text().replace("\\$", "$") for t in left.get_yticklabels()]
    assert labels == ["B", outlet]  # most supportive framing on top
    faces = right.collections[0].get_facecolors(), right.collections[1].get_facecolors()
    assert tuple(faces[0][0][:3]) == (1.0, 1.0, 1.0)  # B rests on one sentence: hollow
    assert tuple(faces[1][0][:3]) != (1.0, 1.0, 1.0)
    assert report.measures_figure(measures, "Y") is None


def test_driver_sentences_without_portrayal_are_the_framing_ones(both):
    _, sents, scored, _, framing, _ = both
    off = stance.driver_sentences(framing, pd.DataFrame(columns=stance.OUTLET_COLUMNS),
                                  pd.DataFrame(columns=stance.PORTRAYAL_COLUMNS), sents, scored.evidence)
    assert set(off["measure"]) == {"framing"}
    n = sum(len([d for d in str(x).split(";") if d]) for x in framing["drivers"].fillna(""))
    assert len(off) == n
    # without the portrayal table no mention is known: only cue words are marked
    assert all(kind != "target" for m in off["marks"] for _, _, kind, _ in json.loads(m))


def test_measures_finding_says_which_intervals_exclude_zero():
    rows = [("A", 0.5, 0.2, 0.7, 6, "supportive", -0.3, -0.5, -0.1, 8, "negative"),
            ("B", 0.1, -0.2, 0.4, 5, "skeptical", 0.05, -0.2, 0.3, 7, "neutral"),
            ("C", 0.9, np.nan, np.nan, 1, "too few", 0.6, 0.1, 0.9, 2, "too few")]
    m = pd.DataFrame([("X", *r) for r in rows], columns=stance.MEASURE_COLUMNS)
    text = report.measures_finding(m, "X")
    # C rests on too few sentences: it is neither the extreme nor counted
    assert "runs from -0.30 (A) to +0.05 (B); 1 of 2 intervals lies wholly on one side of 0: A (-0.30)" in text
    assert "Position framing (X) runs from +0.10 (B) to +0.50 (A); 1 of 2 intervals lies" in text
    flat = m.assign(portrayal_low=-1.0, portrayal_high=1.0)
    assert "no compared outlet's interval lies wholly on one side of 0; C has too few sentences to compare" in \
        report.measures_finding(flat, "X")


def test_measures_finding_names_what_it_left_out():
    # three outlets, two with too few sentences whose intervals lie below 0: "no outlet's interval lies
    # wholly on one side of 0" would be false; the sentence says it compared one outlet
    rows = [("A", -0.8, -0.9, -0.8, 2, "too few", -0.05, -0.3, 0.2, 7, "neutral"),
            ("B", 0.0, np.nan, np.nan, 0, "unclear", -0.12, -0.13, -0.11, 2, "too few"),
            ("C", -0.7, np.nan, np.nan, 1, "too few", -0.05, -0.09, -0.01, 2, "too few")]
    m = pd.DataFrame([("X", *r) for r in rows], columns=stance.MEASURE_COLUMNS)
    text = report.measures_finding(m, "X")
    assert "no outlet's interval" not in text
    assert "Portrayal of X by the outlets' own sentences: only A has enough sentences (-0.05); its interval" in text
    assert "B and C have too few" in text
