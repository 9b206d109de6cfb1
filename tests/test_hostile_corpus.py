"""Hostile input, round two (issue #16): corpus-level cases. Every input is accounted for in the
ledger, one bad file or row is rejected with a reason while the rest go on, and nothing outside the
corpus is read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from analysis import clean, corpus
from test_hostile_inputs import BRIDGE, COUNCIL, MUSEUM, WATER


def _ledger(path: Path) -> pd.DataFrame:
    return clean.clean_corpus(corpus.read_corpus(path), today="2026-01-01").inputs


def _cleaned(path: Path) -> clean.CleanedCorpus:
    return clean.clean_corpus(corpus.read_corpus(path), today="2026-01-01")


def test_symlink_to_a_file_outside_the_corpus_is_rejected_not_read(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(BRIDGE, encoding="utf-8")
    (root / "b.txt").write_text(WATER, encoding="utf-8")
    secret = tmp_path / "private-notes.txt"
    secret.write_text(MUSEUM, encoding="utf-8")
    (root / "c.txt").symlink_to(secret)
    result = _cleaned(root)
    row = result.inputs.set_index("file").loc["c.txt"]
    assert row["status"] == "rejected" and "outside the corpus" in row["reason"]
    assert not result.articles["clean_text"].str.contains("museum").any()


def test_symlinked_folder_gets_a_ledger_row(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(BRIDGE, encoding="utf-8")
    (root / "b.txt").write_text(WATER, encoding="utf-8")
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "d.txt").write_text(MUSEUM, encoding="utf-8")
    (root / "more").symlink_to(other, target_is_directory=True)
    inputs = _ledger(root).set_index("file")
    assert inputs.loc["more", "status"] == "rejected"
    assert "link" in inputs.loc["more", "reason"]


def test_symlink_inside_the_corpus_is_read(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(BRIDGE, encoding="utf-8")
    (root / "sub" / "b.txt").write_text(WATER, encoding="utf-8")
    (root / "c.txt").symlink_to(root / "sub" / "b.txt")
    inputs = _ledger(root).set_index("file")
    assert inputs.loc["c.txt", "status"] == "duplicate"  # the same text as sub/b.txt, accounted for


def test_duplicate_table_ids_keep_every_row_and_say_so(tmp_path: Path) -> None:
    table = tmp_path / "corpus.csv"
    pd.DataFrame({"id": ["same", "same", "same"], "outlet": ["A", "B", "C"],
                  "text": [BRIDGE, WATER, COUNCIL]}).to_csv(table, index=False)
    result = _cleaned(table)
    assert len(result.articles) == 3 and result.articles["article_id"].is_unique
    assert (result.inputs["status"] == "kept").sum() == 3
    assert result.inputs["reason"].str.contains("duplicate id 'same'").sum() == 2


def test_colliding_file_derived_ids_keep_every_file(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "y~").mkdir(parents=True)
    (root / "x.txt").write_text(BRIDGE, encoding="utf-8")
    (root / "y_x.txt.md").write_text(WATER, encoding="utf-8")
    (root / "y~" / "x.txt").write_text(COUNCIL, encoding="utf-8")
    result = _cleaned(root)
    assert len(result.inputs) == 3 and (result.inputs["status"] == "kept").all()
    assert result.articles["article_id"].is_unique and len(result.articles) == 3


def test_one_giant_paragraph_rejects_that_file_only(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text(BRIDGE, encoding="utf-8")
    (root / "b.txt").write_text(WATER, encoding="utf-8")
    sentence = "The council said the new bridge would open next spring after a long delay. "
    (root / "huge.txt").write_text(sentence * 14_000, encoding="utf-8")  # 1.06 M characters, one paragraph
    result = _cleaned(root)
    row = result.inputs.set_index("file").loc["huge.txt"]
    assert row["status"] == "rejected" and "paragraph" in row["reason"]
    assert len(result.articles) == 2


def test_csv_field_over_the_csv_module_limit_is_read(tmp_path: Path) -> None:
    table = tmp_path / "corpus.csv"
    long_text = "\n\n".join([BRIDGE] * 400)  # ~150,000 characters, over csv's 131,072 default
    assert len(long_text) > 131_072
    pd.DataFrame({"id": ["long", "w", "c"], "text": [long_text, WATER, COUNCIL]}).to_csv(table, index=False)
    raw = corpus.read_corpus(table)
    assert {d.doc_id for d in raw.documents} == {"long", "w", "c"}


def test_one_broken_jsonl_line_is_rejected_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": "a", "text": BRIDGE}), "{not json", json.dumps(["a", "list"]),
             json.dumps({"id": "b", "text": WATER})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus.check_corpus(path)  # one bad line is not a corpus error
    raw = corpus.read_corpus(path)
    assert [d.doc_id for d in raw.documents] == ["a", "b"]
    reasons = {r.file: r.reason for r in raw.rejections}
    assert "line 2 is not valid JSON" in reasons["corpus.jsonl#row=2"]
    assert "list" in reasons["corpus.jsonl#row=3"]


def test_nested_json_metadata_is_not_turned_into_python_text(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": "a", "outlet": {"name": "Daily"}, "text": BRIDGE},
            {"id": "b", "outlet": ["x", "y"], "text": WATER},
            {"id": "c", "outlet": "Herald", "text": {"nested": True}}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    raw = corpus.read_corpus(path)
    outlets = {d.doc_id: d.metadata.get("outlet", "") for d in raw.documents}
    assert outlets == {"a": "", "b": ""}
    assert all("{" not in v and "[" not in v for v in outlets.values())
    notes = {d.doc_id: d.note for d in raw.documents}
    assert "outlet" in notes["a"] and "not a plain value" in notes["a"]
    assert [r.file for r in raw.rejections] == ["corpus.jsonl#row=3"]
    assert "text" in raw.rejections[0].reason


def test_right_to_left_override_is_removed_from_titles_and_text(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a.txt").write_text("Bridge \u202eopens\u202c next spring\n\n" + BRIDGE, encoding="utf-8")
    (root / "b.txt").write_text(WATER, encoding="utf-8")
    articles = _cleaned(root).articles
    for column in ("title", "clean_text"):
        assert not articles[column].str.contains("[\u202a-\u202e\u2066-\u2069]").any(), column


def test_quotation_over_paragraphs_without_reopening_marks_stays_one_quote() -> None:
    from analysis import quotes

    text = ("The mayor, Anna Berg, spoke for ten minutes. “We will build the bridge, and we will build it on "
            "time. Nobody in this city should doubt that.\n\n"
            "Councillor Jane Smith said last year that it could not be done. She was wrong, and the engineers "
            "have proved it.\n\n"
            "This is the best day for the town in a decade,” Berg said.")
    found = quotes.run(pd.DataFrame([{"article_id": "a", "outlet": "X", "clean_text": text, "title": ""}])).quotes
    first = found.sort_values("start").iloc[0]
    assert first["quote"].endswith("in a decade,”") and first["speaker"] == "Anna Berg"
    assert "Jane Smith" not in set(found["speaker"])  # her name inside the quotation is not a speaker


def test_an_unclosed_quote_before_a_new_quotation_still_ends_at_its_paragraph() -> None:
    from analysis.quotes import find_quote_marks

    text = "He said “we will see.\n\nThen “a second quotation” came from another man."
    spans = find_quote_marks(text)
    assert [(s.start, s.unbalanced) for s in spans] == [(8, True), (28, False)]


def _overlap_by_loops(matrix: pd.DataFrame) -> pd.DataFrame:
    """The definition, pair by pair: the reference the fast version must equal."""
    rows = []
    for a in matrix.columns:
        for b in matrix.columns:
            if a != b:
                fa, fb = matrix[a].astype(bool), matrix[b].astype(bool)
                shared, union = int((fa & fb).sum()), int((fa | fb).sum())
                rows.append({"outlet_a": a, "outlet_b": b, "facts_a": int(fa.sum()), "shared": shared,
                             "jaccard": round(shared / union, 6) if union else 0.0,
                             "coverage_a_in_b": round(shared / int(fa.sum()), 6) if fa.sum() else 0.0})
    return pd.DataFrame(rows)


def test_outlet_overlap_equals_its_definition_and_stays_small_with_many_outlets() -> None:
    """A folder of 1,500 short articles without a manifest makes every article an outlet: the overlap
    table was built pair by pair over 2 million outlet pairs (issue #16 item 11)."""
    import numpy as np

    from analysis.coverage.tables import outlet_overlap

    rng = np.random.default_rng(5)
    small = pd.DataFrame(rng.random((40, 6)) < 0.3, columns=[f"outlet {i}" for i in range(6)]).astype(int)
    small["outlet 5"] = 0  # an outlet with no facts
    pd.testing.assert_frame_equal(outlet_overlap(small), _overlap_by_loops(small), check_dtype=False)
    many = pd.DataFrame(np.eye(300, dtype=int)[:, :300], columns=[f"a{i:03d}" for i in range(300)])
    many.iloc[0, :3] = 1  # one fact shared by three articles; every other fact is one article's own
    table = outlet_overlap(many, all_pairs_max=200)
    assert len(table) == 6 and set(table["outlet_a"]) == {"a000", "a001", "a002"}
