"""Stance wording: verb classes, hedges, negation, section weighting, aliases, seeds ranking, HTML."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis import artifacts, stance
from analysis.viz import stance as viz

ROOT = Path(__file__).resolve().parents[1]


def corpus(*articles: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles from lists of sentences: the first is the headline, the next two the lede."""
    arts, sents = [], []
    for n, lines in enumerate(articles):
        aid = f"a{n}"
        text = "\n\n".join(lines)
        pos = 0
        for k, line in enumerate(lines):
            start = text.index(line, pos)
            section = "headline" if k == 0 else "lede" if k <= 2 else "body"
            sents.append(dict(article_id=aid, sent_id=f"{aid}:s{k:03d}", start=start, end=start + len(line),
                              text=line, section=section))
            pos = start + len(line)
        arts.append(dict(article_id=aid, file=f"{aid}.txt", outlet=f"Outlet {n}", url="", date="", title=lines[0],
                         clean_text=text, lang="en"))
    return pd.DataFrame(arts), pd.DataFrame(sents)


def run(articles, sentences, **kw):
    docs = stance.parse_sentences(sentences)
    targets = stance.find_targets(articles, sentences, docs=docs, **kw)
    ev = stance.stance_evidence(articles, sentences, targets, docs=docs)
    return targets, stance.score_stance(ev, articles, targets)


FILLER = ["The talks were held in the capital on Monday.", "Officials met for three hours."]


@pytest.mark.parametrize("sentence, cue, cls", [
    ("Minister Ana Duarte backs the new budget plan.", "backs", "endorsing"),
    ("Minister Ana Duarte supported the new budget plan.", "supported", "endorsing"),
    ("Minister Ana Duarte welcomes the new budget plan.", "welcomes", "endorsing"),
    ("Minister Ana Duarte says the new budget plan is ready.", "says", "neutral"),
    ("Minister Ana Duarte claims the new budget plan is ready.", "claims", "distancing"),
    ("Minister Ana Duarte insisted the new budget plan was ready.", "insisted", "distancing"),
    ("Minister Ana Duarte has reservations about the new budget plan.", "has reservations", "distancing"),
    ("Minister Ana Duarte rejects the new budget plan.", "rejects", "opposing"),
    ("Minister Ana Duarte denied the new budget plan was ready.", "denied", "opposing"),
])
def test_verb_class_of_the_subjects_clause(sentence, cue, cls):
    arts, sents = corpus([sentence, *FILLER])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    ev = res.evidence
    assert ((ev["cue"] == cue) & (ev["cue_class"] == cls) & (ev["target"] == "Ana Duarte")).any(), ev[["cue", "cue_class"]]


@pytest.mark.parametrize("sentence", [
    "Ana Duarte's aide rejects the new budget plan.",  # the aide is the subject, not Duarte
    "Critics of Ana Duarte reject the new budget plan.",
])
def test_cues_of_other_subjects_are_not_the_targets(sentence):
    arts, sents = corpus([sentence, *FILLER])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    assert not (res.evidence["cue_class"] == "opposing").any()


@pytest.mark.parametrize("sentence, sign", [
    ("Ana Duarte supports the budget plan.", 1),
    ("Ana Duarte does not support the budget plan.", -1),  # negation flips
    ("Ana Duarte rejects the budget plan.", -1),
    ("Ana Duarte did not reject the budget plan.", 1),
])
def test_negation_flips_the_stance(sentence, sign):
    arts, sents = corpus([sentence, *FILLER])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    score = res.stance.loc[res.stance["target"] == "Ana Duarte", "support_score"].iloc[0]
    assert score * sign > 0


def test_hedge_lowers_support_and_raises_conditionality():
    arts, sents = corpus(["Ana Duarte agrees with the budget plan.", *FILLER],
                         ["Ana Duarte agrees in principle with the budget plan.", *FILLER],
                         ["Ana Duarte agrees with the budget plan if taxes stay low.", *FILLER])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    st = res.stance.set_index("article_id")
    assert st.at["a1", "support_score"] < st.at["a0", "support_score"]
    assert st.at["a1", "conditionality"] > st.at["a0", "conditionality"]
    assert st.at["a2", "conditionality"] > st.at["a0", "conditionality"]
    assert st.at["a0", "label"] == "supportive" and st.at["a1", "label"] == "conditional"


def test_headline_outweighs_body():
    back = "Ana Duarte backs the budget plan."
    rej = "Ana Duarte rejects the budget plan."
    arts, sents = corpus(["Budget talks end", *FILLER, back],  # endorsement in the body only
                         [back, *FILLER, rej],  # endorsed in the headline, rejected in the body
                         [rej, *FILLER, back])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    st = res.stance.set_index("article_id")["support_score"]
    assert st["a1"] > 0 > st["a2"]
    assert abs(st["a1"]) == pytest.approx(abs(st["a2"]))
    # the same cue counts more in the headline than in the lede, more in the lede than in the body
    weights = res.evidence.set_index(["article_id", "section"])
    head = weights.loc[("a1", "headline"), "weight"]
    body = weights.loc[("a1", "body"), "weight"]
    assert float(head) > abs(float(body))


def test_lede_outweighs_body():
    arts, sents = corpus(["Budget talks end", "Ana Duarte backs the budget plan.", FILLER[0],
                          "Ana Duarte rejects the budget plan."])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    assert res.stance["support_score"].iloc[0] > 0


def test_weights_sum_to_the_scores():
    arts, sents = corpus(["Ana Duarte backs budget plan, but questions remain",
                          "Ana Duarte said she supports the plan in principle.", FILLER[0],
                          "Ana Duarte insisted the plan must change if taxes rise."])
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    ev, st = res.evidence, res.stance.iloc[0]
    assert ev.loc[ev["axis"] == "support", "weight"].sum() == pytest.approx(st["support_score"], abs=1e-5)
    assert ev.loc[ev["axis"] == "conditionality", "weight"].sum() == pytest.approx(st["conditionality"], abs=1e-5)
    # every offset points at the cue in clean_text
    text = arts["clean_text"].iloc[0]
    assert all(text[r.start:r.end] == r.cue for r in ev.itertuples())


def test_aliases_titles_and_pronouns_merge_into_one_actor():
    arts, sents = corpus(
        ["Mr. Okafor backs port deal", "Nigerian President Samuel Okafor said on Friday he backs the port deal.",
         "Ghanaian President Kofi Mensah rejected it.", "Mr Okafor later met the unions.",
         "The Nigerian leader said he wants more talks.", "Okafor's office confirmed the meeting."],
        ["Samuel Okafor welcomes port deal", *FILLER, "Samuel Okafor met the unions."])
    targets, res = run(arts, sents, n_actors=2, proposition="")
    row = targets.set_index("target").loc["Samuel Okafor"]
    assert {"okafor", "samuel okafor", "nigerian president"} <= set(row["aliases"].split("|"))
    ev = res.evidence[res.evidence["target"] == "Samuel Okafor"]
    # "The Nigerian leader said" resolves by title; the rejection belongs to Mensah
    assert ((ev["sent_id"] == "a0:s004") & (ev["cue"] == "said")).any()
    assert not (ev["cue_class"] == "opposing").any()
    assert ((ev["sent_id"] == "a0:s001") & (ev["cue"] == "backs") & (ev["role"] == "subject")).any()


def test_ambiguous_title_is_not_resolved():
    arts, sents = corpus(["Leaders meet", "President Samuel Okafor met President Kofi Mensah.",
                          "The president rejected the port deal.", "Samuel Okafor and Kofi Mensah left."],
                         ["Samuel Okafor and Kofi Mensah meet", *FILLER])
    _, res = run(arts, sents, n_actors=2, proposition="")
    assert not (res.evidence["cue_class"] == "opposing").any()


def test_quote_continuation_is_attributed_to_the_previous_speaker():
    arts, sents = corpus(["Port deal signed", "“The deal is fair,” Samuel Okafor said.",
                          "“We support it fully.”", "Unions were not consulted."])
    _, res = run(arts, sents, actors=["Samuel Okafor"], proposition="")
    ev = res.evidence
    assert ((ev["sent_id"] == "a0:s002") & (ev["cue"] == "support") & (ev["role"] == "speaker")).any()


def test_explicit_proposition_and_automatic_proposition():
    lines = ["Okafor backs port deal", "Samuel Okafor said the port deal is good.", "The deal needs votes."]
    arts, sents = corpus(lines, ["Port deal faces vote", *FILLER, "Okafor supports the deal."])
    targets, _ = run(arts, sents, n_actors=1)
    assert targets.loc[targets["kind"] == "proposition", "target"].tolist() == ["deal"]
    targets, _ = run(arts, sents, n_actors=1, proposition="port")
    assert targets.loc[targets["kind"] == "proposition", "target"].tolist() == ["port"]


@pytest.fixture(scope="module")
def seeds_result():
    from analysis import clean
    from analysis import corpus as corpus_io

    cleaned = clean.clean_corpus(corpus_io.read_corpus(ROOT / "seeds"))
    docs = stance.parse_sentences(cleaned.sentences)
    targets = stance.find_targets(cleaned.articles, cleaned.sentences, docs=docs)
    ev = stance.stance_evidence(cleaned.articles, cleaned.sentences, targets, docs=docs)
    return cleaned, targets, stance.score_stance(ev, cleaned.articles, targets)


def test_seed_targets(seeds_result):
    _, targets, _ = seeds_result
    actor = targets.iloc[0]
    assert actor["kind"] == "actor" and "putin" in actor["aliases"].split("|")
    assert {"mr putin", "mr. putin"}.isdisjoint(actor["aliases"].split("|"))  # honorifics are stripped
    assert "ceasefire" in targets.loc[targets["kind"] == "proposition", "target"].tolist()


def test_seed_ranking_follows_the_headlines(seeds_result):
    cleaned, targets, res = seeds_result
    actor = targets.iloc[0]["target"]
    st = res.stance[res.stance["target"] == actor].merge(cleaned.articles[["article_id", "title"]])
    titles = st.set_index("title")["support_score"]
    reservations = next(t for t in titles.index if "reservations" in t)
    in_principle = next(t for t in titles.index if "in principle" in t)
    backs = [t for t in titles.index if re.search(r"\b(backs|supports)\b", t)]
    assert len(backs) == 3
    assert titles[reservations] == titles.min()
    assert all(titles[reservations] < titles[in_principle] < titles[b] for b in backs)
    ev = res.evidence[res.evidence["target"] == actor].merge(cleaned.articles[["article_id", "title"]])
    head = ev[ev["section"] == "headline"]
    assert "distancing" in set(head.loc[head["title"] == reservations, "cue_class"])
    assert "in principle" in set(head.loc[head["title"] == in_principle, "cue"])


def test_seed_artifacts_are_deterministic(seeds_result, tmp_path):
    cleaned, targets, res = seeds_result
    docs = stance.parse_sentences(cleaned.sentences)
    ev2 = stance.stance_evidence(cleaned.articles, cleaned.sentences, targets, docs=docs)
    res2 = stance.score_stance(ev2, cleaned.articles, targets)
    a = artifacts.write_table(res.evidence, tmp_path / "a", "stance_evidence").read_bytes()
    b = artifacts.write_table(res2.evidence, tmp_path / "b", "stance_evidence").read_bytes()
    assert a == b
    assert artifacts.write_table(res.stance, tmp_path / "a", "stance").read_bytes() == \
        artifacts.write_table(res2.stance, tmp_path / "b", "stance").read_bytes()


@pytest.mark.parametrize("text, spans, must, must_not", [
    ("<script>alert(1)</script> backs it", [(26, 31, "endorsing", "x")], ["&lt;script&gt;", "<mark"], ["<script>"]),
    ('He said "no" & left', [(3, 7, "neutral", 'a "quote"')], ["&quot;no&quot;", "&amp;", 'title="a &quot;quote&quot;"'],
     ['"no"']),
    ("overlap here", [(0, 7, "hedge", ""), (3, 10, "booster", "")], ["stance-hedge"], ["stance-booster"]),
    ("plain", [(2, 4, "bad class\"><x", "")], ['class="stance-cue stance-badclassx"'], ["<x"]),
])
def test_highlight_html_escapes_every_piece(text, spans, must, must_not):
    out = viz.highlight_html(text, spans)
    for m in must:
        assert m in out
    for m in must_not:
        assert m not in out
    assert re.sub(r"<[^>]+>", "", out).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .replace("&amp;", "&").replace("&#x27;", "'") == text


def test_evidence_view_escapes_outlet_and_text(seeds_result):
    cleaned, targets, res = seeds_result
    arts = cleaned.articles.copy()
    arts.loc[0, "outlet"] = "<b>Evil</b>"
    view = viz.evidence_html(arts, cleaned.sentences, res.stance, res.evidence, target=targets.iloc[0]["target"])
    assert "<b>Evil</b>" not in view and "&lt;b&gt;Evil&lt;/b&gt;" in view
    assert "stance-distancing" in view and "stance-endorsing" in view


def test_lexicon_inflections_and_bad_lines():
    lex = stance.parse_lexicon("back\tendorsing\t1\tverb\tNEW\ndeny|denies|denied\topposing\t-1\tverb\tR13\n"
                               "reservation\tdistancing\t-0.8\tnoun\tNEW\n")
    for form in [("backs",), ("backed",), ("backing",), ("denied",), ("reservations",)]:
        assert form in lex.forms
    assert ("denys",) not in lex.forms
    with pytest.raises(stance.StanceError, match="line 1"):
        stance.parse_lexicon("back\tendorsing\t1\n")
    with pytest.raises(stance.StanceError, match="unknown class"):
        stance.parse_lexicon("back\tlovely\t1\tverb\tNEW\n")


def test_word_lists_and_code_know_nothing_of_the_seed_story():
    banned = re.compile(r"putin|ukrain|ceasefire|kremlin|russia|trump|witkoff|kursk", re.I)
    files = [*sorted((ROOT / "analysis" / "stance").glob("*.py")), ROOT / "analysis" / "viz" / "stance.py",
             *sorted((ROOT / "analysis" / "resources").glob("stance_*"))]
    for path in files:
        assert not banned.search(path.read_text(encoding="utf-8")), path


def test_notebook_is_stored_without_outputs_and_has_parameters():
    nb = nbformat.read(ROOT / "notebooks" / "03_stance.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    from papermill.translators import PythonTranslator

    declared = {p.name for p in PythonTranslator.inspect(code[0])}
    assigned = {line.split(":")[0] for line in code[0].source.splitlines() if line.strip()}
    assert declared == assigned  # papermill can parse every parameter line (an "=" in a comment breaks it)


@pytest.mark.parametrize("support, conditionality, mass, label", [
    (0.6, 0.1, 2.0, "supportive"),
    (0.6, 0.5, 2.0, "conditional"),
    (0.05, 0.5, 2.0, "skeptical"),
    (-0.5, 0.0, 2.0, "opposed"),
    (0.0, 0.5, 0.0, "unclear"),  # only conditions, no stance word
])
def test_label_order(support, conditionality, mass, label):
    assert stance.stance_label(support, conditionality, mass=mass) == label


def test_no_targets_gives_empty_tables_with_contract_columns(tmp_path):
    arts, sents = corpus(["Rain expected", "It will rain on Monday.", "Bring an umbrella."],
                         ["Storm warning", "A storm is coming.", "Stay inside."])
    targets, res = run(arts, sents, n_actors=3, proposition="")
    assert targets.empty and res.stance.empty and res.evidence.empty
    artifacts.write_table(res.stance, tmp_path, "stance")  # raises if a contract column is missing
    artifacts.write_table(res.evidence, tmp_path, "stance_evidence")
    main = stance.main_target(targets)
    assert main == ""
    assert stance.framing_table(arts, sents, res.stance, res.evidence, target=main).empty
    assert "<mark" not in viz.evidence_html(arts, sents, res.stance, res.evidence, target=main)
    fig = viz.stance_figure(res.stance, arts, target=main)
    assert fig.axes[0].get_legend() is None
    framing = stance.framing_outlets(res.stance, res.evidence, arts)
    assert framing.empty and list(framing.columns) == stance.FRAMING_OUTLET_COLUMNS
    none = stance.Portrayal(
        pd.DataFrame(columns=stance.PORTRAYAL_COLUMNS), pd.DataFrame(columns=stance.OUTLET_COLUMNS), "off")
    drivers = stance.driver_sentences(framing, none.outlets, none.sentences, sents, res.evidence)
    assert drivers.empty and list(drivers.columns) == stance.DRIVER_COLUMNS
    assert stance.outlet_measures(framing, none.outlets).empty


@pytest.mark.parametrize("outlets", [["", ""], ["Outlet 0", ""]])
def test_articles_without_an_outlet_are_shown_under_their_id(outlets, tmp_path):
    """Issue #16 item 6: with no outlet names (a manifest naming only some files) the run folder's
    articles table reads back with NaN outlets; the views must show the article id, not crash."""
    arts, sents = corpus(["Ana Duarte backs the budget plan.", *FILLER],
                         ["Ana Duarte rejects the budget plan.", *FILLER])
    arts["outlet"] = outlets
    artifacts.write_table(arts, tmp_path, "articles")
    arts = artifacts.read_table(tmp_path, "articles")  # as the stage notebook reads it
    _, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    want = {o or f"a{n}" for n, o in enumerate(outlets)}
    for table in (arts, arts.assign(outlet=[outlets[0] or np.nan, np.nan])):  # NaN in an object column too
        fig = viz.stance_figure(res.stance, table, target="Ana Duarte")
        assert {t.get_text() for t in fig.axes[0].texts} == want
        view = viz.evidence_html(table, sents, res.stance, res.evidence, target="Ana Duarte")
        assert "nan" not in re.sub(r"<[^>]+>", " ", view).split() and "a1 — " in view
        summary = stance.stance_summary(res.stance, pd.DataFrame(dict(target=["Ana Duarte"], kind=["actor"])),
                                        table, res.evidence)
        assert "nan" not in " ".join(summary["findings"]).split() and "a1" in " ".join(summary["findings"])
        assert "nan" not in {r["outlet"] for r in summary["ranking"]}


def test_views_keep_their_old_names():
    """The notebook's ``stance.stance_figure`` etc. still work after the views moved to analysis.viz."""
    assert stance.stance_figure is viz.stance_figure and stance.evidence_html is viz.evidence_html
    assert stance.highlight_html is viz.highlight_html and stance.STANCE_CSS == viz.STANCE_CSS
    with pytest.raises(AttributeError, match="no_such_view"):
        stance.no_such_view  # noqa: B018


# ---- sides: a country's seat, capital, state and executive bodies join the actor who leads it ----

SIDE_ARTICLES = (
    ["Paris rejects the budget plan", "French President Claire Morel met ministers on Monday.",
     "The Elysee said it opposes the plan."],
    ["Morel backs budget plan", "French President Claire Morel backs the plan.",
     "France's foreign ministry welcomed the plan."],
    ["Morel weighs budget plan", "Claire Morel, the French president, met officials.",
     "The Elysee leader has reservations about the plan.", "Lyon rejects the plan.", "Madrid rejects the plan."],
)


def test_seat_capital_state_and_ministry_join_the_leaders_side():
    arts, sents = corpus(*SIDE_ARTICLES)
    targets, res = run(arts, sents, n_actors=2)
    actor = targets.iloc[0]
    assert actor["target"] == "Claire Morel"
    assert set(actor["grouped"].split("|")) == {"Paris", "Elysee", "France's foreign ministry"}
    ev = res.evidence[res.evidence["target"] == "Claire Morel"]
    side = ev[ev["role"] == "side"]
    # "Paris rejects", "the Elysee ... opposes", "France's foreign ministry welcomed" count for Morel, at half weight
    assert {"rejects", "opposes", "welcomed"} <= set(side["cue"])
    assert (side["clause_weight"].abs() == side["base_weight"].abs() * stance.SIDE_WEIGHT).all()
    # "the Elysee leader" is Morel herself (a leader title through her seat), with full weight
    assert ((ev["cue"] == "has reservations") & (ev["role"] == "subject")).any()
    # a city that is no capital, and another country's capital, are nobody's side
    assert not ev["sent_id"].isin(["a2:s003", "a2:s004"]).any()


def test_side_weight_zero_switches_the_grouping_off():
    arts, sents = corpus(*SIDE_ARTICLES)
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=2, group_sides=False)
    assert targets["grouped"].eq("").all()
    ev = stance.stance_evidence(arts, sents, targets, docs=docs, side_weight=0.0)
    assert not (ev["role"] == "side").any() and "opposes" not in set(ev.loc[ev["target"] == "Claire Morel", "cue"])


def test_an_institution_is_no_actor_of_its_own_when_its_leader_is_one(seeds_result):
    _, targets, res = seeds_result
    putin = targets.iloc[0]
    grouped = set(putin["grouped"].split("|"))
    assert {"Kremlin", "Moscow"} <= grouped
    assert "Kremlin" not in set(targets["target"])
    assert (res.evidence.loc[res.evidence["target"] == putin["target"], "role"] == "side").any()


@pytest.mark.parametrize("sentence, grouped", [
    ("France's foreign ministry opposes the plan.", True),
    ("The French foreign ministry said it opposes the plan.", True),
    ("The French government opposes the plan.", True),
    ("The French presidency opposes the plan.", True),
    ("The Elysee opposes the plan.", True),  # spaCy's small model tags this seat PERSON
    ("Paris opposes the plan.", True),
    ("France opposes the plan.", True),
    ("France's defence ministry opposes the plan.", True),  # spaCy tags "defence ministry" ORG
    ("The French defence ministry opposes the plan.", True),
    ("Germany's defence ministry opposes the plan.", False),
    ("Germany's foreign ministry opposes the plan.", False),  # another country's body
    ("Berlin opposes the plan.", False),  # another country's capital
    ("The French parliament opposes the plan.", False),  # parliaments often speak against the government
    ("Lyon opposes the plan.", False),  # a city that is no capital
])
def test_which_institutions_speak_for_the_leaders_side(sentence, grouped):
    arts, sents = corpus(["Morel backs budget plan", "French President Claire Morel backs the plan.", *FILLER, sentence],
                         ["Morel weighs budget plan", "Claire Morel, the French president, met officials.", *FILLER])
    _, res = run(arts, sents, n_actors=1, proposition="")
    ev = res.evidence
    side = ev[(ev["sent_id"] == "a0:s004") & (ev["target"] == "Claire Morel")]
    assert (side["cue"] == "opposes").any() == grouped, side[["cue", "role"]]
    if grouped:
        assert (side.loc[side["cue"] == "opposes", "role"] == "side").all()


def test_proposition_of_another_event_through_the_clean_stage(tmp_path):
    """The budget articles as files: the clean stage's own sentence split and sections, then the targets."""
    from analysis import clean
    from analysis import corpus as corpus_io

    for n, lines in enumerate(BUDGET):
        (tmp_path / f"budget_{n}.txt").write_text(lines[0] + "\n\n" + " ".join(lines[1:]) + "\n", encoding="utf-8")
    cleaned = clean.clean_corpus(corpus_io.read_corpus(tmp_path), min_words=20, today="2027-01-01")
    assert len(cleaned.articles) == len(BUDGET)
    docs = stance.parse_sentences(cleaned.sentences)
    targets = stance.find_targets(cleaned.articles, cleaned.sentences, docs=docs)
    assert targets.loc[targets["kind"] == "proposition", "target"].tolist() == ["budget"]
    assert targets.iloc[0]["target"] == "Dana Whitfield"
    ev = stance.stance_evidence(cleaned.articles, cleaned.sentences, targets, docs=docs)
    # "on condition that" qualifies the council's approval of "the spending plan", neither target: not counted
    budget = ev[(ev["target"] == "budget") & (ev["cue_class"] == "conditional")]
    assert {"provided that", "unless", "as long as", "only if"} <= set(budget["cue"])
    assert "on condition" not in " ".join(budget["cue"])


# ---- another event: a city council budget (written for these tests), and conditions the seeds lack ----

BUDGET = (
    ["Council approves city budget with conditions",
     "The Riverton city council approved the 2027 budget on Tuesday, provided that the transit levy is reviewed in June.",
     "Mayor Dana Whitfield said she backs the budget as long as library hours are protected.",
     "The vote was 7 to 2."],
    ["Riverton budget passes after long debate",
     "Riverton's council passed the budget late on Tuesday after a six-hour session.",
     "Mayor Dana Whitfield welcomed the budget but warned that the transit levy must be reviewed.",
     "Two councillors voted against it."],
    ["Whitfield backs budget, only if the levy is reviewed",
     "Mayor Dana Whitfield will sign the budget only if the transit levy is reviewed, her office said.",
     "The council approved the spending plan on condition that a review is held by June.",
     "Residents packed the chamber."],
    ["Riverton council rejects cuts, adopts budget",
     "Councillor Omar Reyes said he would oppose the budget unless the transit levy was cut.",
     "Mayor Dana Whitfield said the budget was balanced.",
     "The budget takes effect in January."],
)


def test_proposition_and_actor_of_another_event():
    arts, sents = corpus(*BUDGET)
    targets, res = run(arts, sents)
    assert targets.loc[targets["kind"] == "proposition", "target"].tolist() == ["budget"]
    assert targets.iloc[0]["target"] == "Dana Whitfield"
    ev = res.evidence
    budget = ev[ev["target"] == "budget"]
    # conditions in a subordinate clause still qualify the clause that mentions the budget
    assert {"provided that", "only if", "unless", "as long as"} <= set(budget["cue"])
    st = res.stance.set_index(["article_id", "target"])
    assert st.loc[("a0", "Dana Whitfield"), "label"] == "conditional"
    assert st.loc[("a3", "budget"), "support_score"] < 0 < st.loc[("a1", "budget"), "support_score"]


@pytest.mark.parametrize("condition", ["unless the levy is cut", "provided that the levy is cut",
                                       "on condition that the levy is cut", "as long as the levy is cut",
                                       "only if the levy is cut", "so long as the levy is cut",
                                       "contingent on a cut to the levy", "subject to a cut to the levy"])
def test_conditions_the_seeds_do_not_contain(condition):
    arts, sents = corpus([f"Mayor Dana Whitfield backs the budget {condition}.", *FILLER])
    _, res = run(arts, sents, actors=["Dana Whitfield"], proposition="")
    ev = res.evidence
    first = condition.split()[0]
    assert ((ev["cue_class"] == "conditional") & ev["cue"].str.startswith(first)).any(), ev[["cue", "cue_class"]]
    row = res.stance.iloc[0]
    assert row["conditionality"] > 0.3 and row["label"] == "conditional"


def test_no_condition_no_conditionality():
    arts, sents = corpus(["Mayor Dana Whitfield backs the budget.", *FILLER])
    _, res = run(arts, sents, actors=["Dana Whitfield"], proposition="")
    assert res.stance.iloc[0]["conditionality"] == 0 and res.stance.iloc[0]["label"] == "supportive"


# ---- portrayal: every sentence mentioning a main actor, quotes apart from narration ----

PORTRAY = (
    ["Mayor Dana Whitfield backs city budget",
     "Mayor Dana Whitfield backed the budget on Tuesday after a heated debate.",
     "Critics said she had ignored the transit levy.",
     "\u201cDana Whitfield has betrayed this city,\u201d a councillor said.",
     "Whitfield thanked the council."],
    ["Council passes budget",
     "The council passed the budget after Mayor Dana Whitfield spoke in favour.",
     "Whitfield praised the vote.",
     "Reporters waited outside."],
)


def _stub_classify(texts, spans):
    """A stand-in for the trained classifier: negative when the sentence says 'betrayed' or 'ignored'."""
    from analysis.portrayal import Polarity

    out = []
    for text, (a, b) in zip(texts, spans):
        assert text[a:b].strip()  # the span names the mention inside the sentence
        neg = any(w in text for w in ("betrayed", "ignored"))
        p = (0.8, 0.1, 0.1) if neg else (0.1, 0.3, 0.6)
        out.append(Polarity(-1 if neg else 1, p))
    return out


def _portrayal(arts, sents, **kw):
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=1, proposition="")
    mentions = stance.portrayal_mentions(arts, sents, targets, docs=docs)
    return mentions, stance.score_portrayal(mentions, classify=_stub_classify, **kw)


def test_portrayal_reads_every_mention_and_keeps_quotes_apart():
    arts, sents = corpus(*PORTRAY)
    mentions, res = _portrayal(arts, sents)
    table = res.sentences
    assert list(table.columns) == stance.PORTRAYAL_COLUMNS and res.note == ""
    got = dict(zip(table["sent_id"], zip(table["how"], table["in_quote"])))
    assert got["a0:s002"] == ("pronoun", False)  # "she" resolves to the mayor
    assert got["a0:s003"][1] is True  # inside the councillor's quote
    assert "a1:s003" not in got  # no mention, no row
    text = dict(zip(arts["article_id"], arts["clean_text"]))
    assert all(text[r.article_id][r.start:r.end] == r.mention for r in table.itertuples())
    out = res.outlets.set_index(["outlet", "voice"])
    assert list(res.outlets.columns) == stance.OUTLET_COLUMNS
    # the quote's "betrayed" is the councillor's wording: it moves the quote voice, not the narration
    assert out.loc[("Outlet 0", "quote"), "score"] < 0 < out.loc[("Outlet 1", "narration"), "score"]
    assert out.loc[("Outlet 0", "narration"), "n_sentences"] == 4
    assert out.loc[("Outlet 0", "narration"), "drivers"].split(";")[0] == "a0:s002"  # the one negative sentence
    assert out.loc[("Outlet 0", "quote"), "label"] == "too few"


def test_portrayal_summary_names_the_sentences_that_move_each_score():
    arts, sents = corpus(*PORTRAY)
    _, res = _portrayal(arts, sents, min_sentences=1)
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=1, proposition="")
    ev = stance.stance_evidence(arts, sents, targets, docs=docs)
    summary = stance.portrayal_summary(res, sents, ev)
    assert summary["available"] and summary["n_in_quote"] == 1
    first = next(d for d in summary["drivers"] if d["outlet"] == "Outlet 0")
    assert len(first["sentences"]) == 3 and first["sentences"][0]["text"].startswith("Critics said")
    backed = next(s for d in summary["drivers"] for s in d["sentences"] if s["sent_id"] == "a0:s001")
    assert any(c["cue"] == "backed" for c in backed["cues"])


def test_portrayal_is_skipped_with_a_note_when_the_classifier_is_missing(monkeypatch):
    from analysis.stance import portrayal as module

    arts, sents = corpus(*PORTRAY)
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=1, proposition="")
    monkeypatch.setattr(module, "portrayal_unavailable", lambda: "package 'torch' is not installed")
    res = stance.run_portrayal(arts, sents, targets, docs=docs)
    assert res.sentences.empty and list(res.sentences.columns) == stance.PORTRAYAL_COLUMNS
    assert "torch" in res.note and not stance.portrayal_summary(res, sents, sents.iloc[:0])["available"]
    off = stance.run_portrayal(arts, sents, targets, docs=docs, enabled=False)
    assert off.outlets.empty and "switched off" in off.note


def test_a_capital_as_a_place_is_not_portrayed_as_the_actor():
    arts, sents = corpus(
        ["Paris rejects the budget plan", "French President Claire Morel met ministers in Paris.",
         "Paris said it opposes the plan."],
        ["Morel backs budget plan", "French President Claire Morel backs the plan.", "Talks continue."])
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=1, proposition="")
    m = stance.portrayal_mentions(arts, sents, targets, docs=docs)
    hows = dict(zip(m["sent_id"], m["how"]))
    assert hows["a0:s001"] != "side"  # "in Paris" is a place; the row is Morel's name
    assert hows["a0:s002"] == "side" and hows["a0:s000"] == "side"  # "Paris said", "Paris rejects"


@pytest.mark.parametrize("text, inside, outside", [
    ("He said \u201cwe back it\u201d today.", ["we back"], ["He said", "today"]),
    ('She said "no deal" and left.', ["no deal"], ["left"]),
    ("\u201cWe will continue the fight\nNext paragraph.", ["continue"], ["Next"]),  # open quote: to paragraph end
    ("It's the council's view.", [], ["council"]),  # apostrophes are no quotes
])
def test_quoted_spans(text, inside, outside):
    spans = stance.quoted_spans(text)
    for word in inside:
        assert any(a <= text.index(word) < b for a, b in spans)
    for word in outside:
        assert not any(a <= text.index(word) < b for a, b in spans)


def test_portrayal_summary_offsets_index_the_sentence_text():
    arts, sents = corpus(*PORTRAY)
    _, res = _portrayal(arts, sents)
    summary = stance.portrayal_summary(res, sents, sents.iloc[:0].assign(axis=[]))
    for block in summary["drivers"]:
        for s in block["sentences"]:
            assert s["text"][s["start"] - s["sentence_start"]:s["end"] - s["sentence_start"]] == s["mention"]


def test_portrayal_classifies_a_repeated_sentence_once():
    copy = ["Wire copy of the budget", *PORTRAY[0][1:]]
    arts, sents = corpus(PORTRAY[0], copy)
    docs = stance.parse_sentences(sents)
    targets = stance.find_targets(arts, sents, docs=docs, n_actors=1, proposition="")
    mentions = stance.portrayal_mentions(arts, sents, targets, docs=docs)
    calls = []
    res = stance.score_portrayal(mentions, classify=lambda t, s: calls.append(len(t)) or _stub_classify(t, s))
    assert len(res.sentences) == len(mentions) and calls == [len(set(zip(mentions["text"], mentions["span_start"])))]
    assert calls[0] < len(mentions)


@pytest.mark.parametrize("score, n, low, high, label", [
    (-0.3, 10, -0.5, -0.1, "negative"),
    (-0.3, 10, -0.6, 0.2, "uncertain"),  # beyond the band, but the interval reaches across 0
    (0.05, 10, -0.2, 0.3, "neutral"),
    (0.4, 10, float("nan"), float("nan"), "positive"),  # one article, one sentence: no interval
    (0.9, 2, 0.5, 1.0, "too few"),
])
def test_portrayal_label(score, n, low, high, label):
    from analysis.stance.portrayal import portrayal_label

    assert portrayal_label(score, n, ci_low=low, ci_high=high) == label


@pytest.mark.parametrize("sentence, name", [
    ("France's Ministry of Defence opposes the plan.", "France's Ministry of Defence"),
    ("France's Ministry of Foreign Affairs opposes the plan.", "France's Ministry of Foreign Affairs"),
    ("France's ministry of defence opposes the plan.", "France's ministry of defence"),
    ("The French Department of Health opposes the plan.", "French Department of Health"),
    ("The French Ministry of Foreign Affairs said it opposes the plan.", "French Ministry of Foreign Affairs"),
    ("France's foreign ministry opposes the plan.", "France's foreign ministry"),  # no "of" phrase: unchanged
])
def test_a_grouped_body_keeps_its_of_phrase(sentence, name):
    """An executive body named with an "of" phrase is grouped under its whole name, not cut at "of"."""
    arts, sents = corpus(["Morel backs budget plan", "French President Claire Morel backs the plan.", *FILLER, sentence],
                         ["Morel weighs budget plan", "Claire Morel, the French president, met officials.", *FILLER])
    targets, res = run(arts, sents, n_actors=1, proposition="")
    assert targets.iloc[0]["grouped"].split("|") == [name]
    side = res.evidence[(res.evidence["sent_id"] == "a0:s004") & (res.evidence["role"] == "side")]
    assert (side["cue"] == "opposes").any()
    # the body acts as the clause's subject, so its sentence is portrayed, under its whole name
    mentions = stance.portrayal_mentions(arts, sents, targets, docs=stance.parse_sentences(sents))
    body = mentions[mentions["sent_id"] == "a0:s004"]
    assert list(body["how"]) == ["side"] and body["mention"].str.replace("The ", "").tolist() == [name]


@pytest.mark.parametrize("lines, lean", [
    ((["Ana Duarte rejects the budget plan.", *FILLER], ["Ana Duarte claims the budget plan is ready.", *FILLER]),
     "opposition"),
    ((["Ana Duarte strongly backs the budget plan.", *FILLER], ["Ana Duarte welcomes the budget plan.", *FILLER],
      ["Ana Duarte backs the budget plan if taxes fall.", *FILLER]), "support"),
    ((["Ana Duarte backs the budget plan.", *FILLER], ["Ana Duarte rejects the budget plan.", *FILLER]), None),
])
def test_stage_finding_respects_the_sign_of_the_scores(lines, lean):
    """Reviewer (BASIL event): with every score negative the stage's sentence called the least opposed
    outlet "the most supportive". Like the report's finding, it says "supportive"/"opposed" only
    when the scores have that sign, and otherwise which way all the compared ones lean."""
    arts, sents = corpus(*lines)
    arts["outlet"] = [f"Outlet {chr(65 + n)}" for n in range(len(lines))]
    targets, res = run(arts, sents, actors=["Ana Duarte"], proposition="")
    scores = res.stance.loc[(res.stance["target"] == "Ana Duarte") & (res.stance["label"] != "unclear"),
                            "support_score"]
    assert len(scores) == len(lines)
    finding = stance.stance_summary(res.stance, targets, arts, res.evidence)["findings"][0]
    if lean == "opposition":
        assert (scores < 0).all()
        assert "most supportive" not in finding and "lean towards opposition" in finding
        assert re.search(r"Outlet A the most opposed \(opposed, -[0-9.]+; “rejects”\), Outlet B the least \(", finding)
    elif lean == "support":
        assert (scores >= 0).all()
        assert "most opposed" not in finding and "lean towards support" in finding
        assert re.search(r"all 3 articles lean towards support: Outlet A the most supportive \([^)]*\), "
                         r"Outlet C the least \(conditional", finding)
    else:
        assert scores.min() < 0 < scores.max()
        assert re.search(r"run from support to opposition: Outlet A the most supportive \([^)]*\), "
                         r"Outlet B the most opposed \(", finding)
