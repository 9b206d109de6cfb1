"""Portrayal classifier, its aggregation and ``newsreport portrayal`` on hand-written sentences."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import NewsreportError, cli
from analysis.portrayal import Polarity, PortrayalError, aggregate, classify, problem_of
from analysis.portrayal import _model as pm

POSITIVE = "Residents cheered Mayor Elena Ruiz, whose tireless and generous work rebuilt the flooded town."
NEGATIVE = "Prosecutors say Senator Tom Hale lied to voters and pocketed bribes in a shameful corruption scheme."
NEUTRAL = "Tom Hale will speak at the conference in Denver on Tuesday, his office said."
BOTH = "The jury convicted the fraudster Victor Lang, and the judge thanked the brave accountant Mia Sorel who exposed him."


def span(sentence: str, name: str) -> tuple[int, int]:
    start = sentence.index(name)
    return start, start + len(name)


@pytest.fixture(scope="module")
def results() -> list[Polarity]:
    pairs = [(POSITIVE, "Elena Ruiz"), (NEGATIVE, "Tom Hale"), (NEUTRAL, "Tom Hale"),
             (BOTH, "Victor Lang"), (BOTH, "Mia Sorel")]
    return classify([s for s, _ in pairs], [span(s, n) for s, n in pairs])


def test_clear_portrayals_are_classified(results: list[Polarity]) -> None:
    assert [r.polarity for r in results[:3]] == [1, -1, 0]


@pytest.mark.xfail(strict=True, reason="known limitation: with opposite portrayals of two people in one "
                   "sentence the praise of one spills onto the other (NewsMTSC mt dev F1m 0.74)")
def test_two_people_in_one_sentence_get_their_own_polarity(results: list[Polarity]) -> None:
    assert results[3].polarity == -1
    assert results[4].polarity == 1


def test_probabilities_sum_to_one_and_polarity_is_the_most_probable(results: list[Polarity]) -> None:
    for r in results:
        assert math.isclose(sum(r.probabilities), 1.0, abs_tol=1e-5)
        assert r.polarity == pm.LABELS[int(np.argmax(r.probabilities))]
        assert math.isclose(r.score, r.probabilities[2] - r.probabilities[0])


def test_result_does_not_depend_on_the_rest_of_the_batch(results: list[Polarity]) -> None:
    alone = classify([NEGATIVE], [span(NEGATIVE, "Tom Hale")])[0]
    assert alone.polarity == results[1].polarity
    assert np.allclose(alone.probabilities, results[1].probabilities, atol=1e-4)


def test_long_sentence_keeps_the_target_in_the_window() -> None:
    filler = "The committee reviewed the budget line by line and adjourned. " * 40
    sentence = filler + "Critics called Governor Ada Marsh a corrupt liar who betrayed her voters. " + filler
    enc = pm.encode(sentence, *span(sentence, "Ada Marsh"))
    assert len(enc.input_ids) == pm.MAX_TOKENS
    pieces = pm._tokenizer().convert_ids_to_tokens([i for i, t in zip(enc.input_ids, enc.target) if t])
    assert pieces == ["ada", "marsh"]
    assert "corrupt liar" in pm._tokenizer().decode(enc.input_ids)
    assert classify([sentence], [span(sentence, "Ada Marsh")])[0].polarity == -1


def test_target_is_marked_by_brackets_and_token_type() -> None:
    enc = pm.encode(NEUTRAL, 0, 8)
    first = enc.target.index(1)
    tok = pm._tokenizer()
    assert tok.convert_ids_to_tokens([enc.input_ids[first - 1]]) == [pm.OPEN_MARK]
    assert enc.token_types[first - 1] == 1 and enc.token_types[0] == 0


@pytest.mark.parametrize(("sentence", "start", "end", "words"), [
    ("", 0, 1, "empty"), ("Tom Hale spoke.", 3, 99, "outside"), ("Tom Hale spoke.", 5, 5, "outside"),
    ("Tom Hale spoke.", -1, 3, "outside"), ("Tom Hale spoke.", 3, 4, "blank"), ("Tom Hale spoke.", "0", 3, "integers"),
])
def test_bad_spans_are_named(sentence: str, start: object, end: object, words: str) -> None:
    assert words in problem_of(sentence, start, end)
    with pytest.raises(PortrayalError, match="pair 1"):
        classify([NEUTRAL, sentence], [(0, 8), (start, end)])


def test_error_is_a_newsreport_error_and_lengths_must_match() -> None:
    with pytest.raises(NewsreportError, match="2 sentences but 1 spans"):
        classify([NEUTRAL, NEUTRAL], [(0, 8)])
    assert classify([], []) == []


def _rows(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_cli_classifies_good_rows_and_reports_bad_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = [{"sentence": POSITIVE, "target_from": span(POSITIVE, "Elena Ruiz")[0],
             "target_to": span(POSITIVE, "Elena Ruiz")[1], "doc": "a1", "note": {"k": [1, 2]}},
            {"sentence": NEGATIVE, "target_from": 16, "target_to": 24, "doc": "a2"}]
    src = _rows(tmp_path / "in.jsonl", [
        json.dumps(good[0]),
        json.dumps({"sentence": NEUTRAL, "target_from": 0, "target_to": 500}),
        "{not json",
        json.dumps({"sentence": "", "target_from": 0, "target_to": 1}),
        json.dumps(["a", "list"]),
        "",
        json.dumps(good[1]),
    ])
    out = tmp_path / "out.jsonl"
    assert cli.main(["portrayal", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    for line in (2, 3, 4, 5):
        assert f"line {line}:" in err
    assert "line 6" not in err and "line 7" not in err
    assert "2 rows classified, 4 skipped" in err
    written = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [w["doc"] for w in written] == ["a1", "a2"]
    assert written[0]["note"] == {"k": [1, 2]}
    assert [w["polarity"] for w in written] == [1, -1]
    assert all(len(w["probabilities"]) == 3 for w in written)


def test_cli_writes_stdout_without_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _rows(tmp_path / "in.jsonl", [json.dumps({"sentence": NEUTRAL, "target_from": 0, "target_to": 8})])
    assert cli.main(["portrayal", str(src)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["polarity"] == 0 and row["target_to"] == 8


def test_cli_missing_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["portrayal", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl" in capsys.readouterr().err


def _table() -> pd.DataFrame:
    p = {"neg": (0.9, 0.08, 0.02), "neu": (0.1, 0.8, 0.1), "pos": (0.05, 0.15, 0.8), "lean": (0.3, 0.6, 0.1)}
    rows = [("Daily", "Hale", "a1", "Hale lied again.", p["neg"], False),
            ("Daily", "Hale", "a1", "Hale met the council.", p["lean"], False),
            ("Daily", "Hale", "a2", "Hale's plan failed badly.", p["neg"], False),
            ("Daily", "Hale", "a3", "Hale spoke on Monday.", p["neu"], False),
            ("Daily", "Hale", "a3", "\"Hale is a hero,\" his aide said.", p["pos"], True),
            ("Courier", "Hale", "b1", "Hale won praise.", p["pos"], False)]
    return pd.DataFrame(rows, columns=["outlet", "actor", "article_id", "sentence", "probabilities", "in_quote"])


def test_aggregate_keeps_quotes_apart_and_scores_the_mean() -> None:
    agg = aggregate(_table())
    assert list(agg[["outlet", "voice"]].itertuples(index=False, name=None)) == [
        ("Courier", "narration"), ("Daily", "narration"), ("Daily", "quote")]
    daily = agg.iloc[1]
    assert daily["n_sentences"] == 4 and daily["n_articles"] == 3
    assert math.isclose(daily["score"], round((-0.88 * 2 - 0.2 + 0.0) / 4, 4))
    assert daily["ci_low"] <= daily["score"] <= daily["ci_high"]
    assert daily["share_negative"] == 0.5 and daily["share_positive"] == 0.0
    # the neutral sentence lifts the mean most, then the two negative ones (ties: earlier row first)
    assert daily["drivers"] == ("Hale spoke on Monday.", "Hale lied again.", "Hale's plan failed badly.")
    assert daily["driver_shifts"][0] > 0 > daily["driver_shifts"][1]
    assert math.isnan(agg.iloc[0]["ci_low"])  # one article cannot give an interval


def test_aggregate_is_deterministic_and_checks_columns() -> None:
    a, b = aggregate(_table()), aggregate(_table())
    pd.testing.assert_frame_equal(a, b)
    # a group's interval does not depend on the other groups in the table
    daily_only = aggregate(_table()[_table()["outlet"] == "Daily"])
    pd.testing.assert_frame_equal(daily_only.reset_index(drop=True), a.iloc[1:].reset_index(drop=True))
    with pytest.raises(PortrayalError, match="in_quote"):
        aggregate(_table().drop(columns="in_quote"))


def test_shipped_weights_are_small_and_carry_their_dev_figures() -> None:
    size = sum(f.stat().st_size for f in pm.RESOURCES.iterdir())
    assert size <= 25_000_000
    card = json.loads(pm.TRAINING_CARD.read_text(encoding="utf-8"))
    assert set(card["dev_shipped"]) == {"rw", "mt"}
    assert card["trained_layers"] == pm.architecture().trained_layers  # the card describes the shipped file


def _training_script():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "train_portrayal.py"
    spec = importlib.util.spec_from_file_location("train_portrayal", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_holds_out_whole_sentences_for_model_selection() -> None:
    script = _training_script()
    # two targets in one sentence must land on the same side, or selection would see half-trained sentences
    rows = [{"sentence": s, "target": t} for s in (POSITIVE, NEGATIVE, NEUTRAL, BOTH) for t in ("a", "b")]
    rows += [{"sentence": f"Mayor number {i} opened the bridge.", "target": "Mayor"} for i in range(36)]
    fit, held = script.holdout_split(rows, 0.25)
    assert len(fit) + len(held) == len(rows)
    assert not {r["sentence"] for r in fit} & {r["sentence"] for r in held}
    assert len({r["sentence"] for r in held}) == 10  # a quarter of the 40 distinct sentences
    assert script.holdout_split(rows, 0.25) == (fit, held)  # seeded
    assert script.holdout_split(rows, 0.0) == (rows, [])


def test_tied_drivers_keep_row_order_despite_float_noise() -> None:
    # two sentences move a mean of two by the same amount; in floats |0.1 - 0.4| and |0.7 - 0.4|
    # differ in the last bit, which must not decide the order (ties go to the earlier row)
    rows = pd.DataFrame({"outlet": "Daily", "actor": "Hale", "article_id": ["a1", "a2"],
                         "sentence": ["Hale spoke.", "Hale won praise."],
                         "probabilities": [(0.3, 0.3, 0.4), (0.1, 0.1, 0.8)], "in_quote": False})
    row = aggregate(rows).iloc[0]
    assert row["drivers"] == ("Hale spoke.", "Hale won praise.")
    assert row["driver_shifts"] == (-0.3, 0.3)
