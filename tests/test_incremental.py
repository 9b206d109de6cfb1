"""Reruns that add articles: per-article results come from the run folder, and the outputs equal a cold run's.

A run over N articles followed by a run over N + 2 with the same cache folder must write the same
tables, byte for byte, as one cold run over the N + 2 (the determinism rule), while computing the
per-article steps (:mod:`analysis.derived`) only for the two new articles.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest

from analysis import clean, corpus, coverage, quotes
from analysis.annotate import Annotator
from analysis.derived import DerivedStore


@pytest.fixture(scope="module")
def seeds_clean(seeds_dir: Path):
    return clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01")


def _subset(cleaned, ids: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    arts = cleaned.articles[cleaned.articles["article_id"].isin(ids)].reset_index(drop=True)
    sents = cleaned.sentences[cleaned.sentences["article_id"].isin(ids)].reset_index(drop=True)
    return arts, sents


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


class CountingParse:
    """Annotator.parse_articles of a real annotator, counting the article texts it was asked for."""

    def __init__(self, annotator: Annotator) -> None:
        self.annotator, self.texts = annotator, []
        self._parse = annotator.parse_articles

    def __call__(self, texts):
        self.texts.extend(texts)
        return self._parse(texts)


def _coverage(arts, sents, cache: Path, embeddings: bool) -> tuple[coverage.CoverageResult, list[str]]:
    ann = Annotator(cache_dir=cache, use_embeddings=embeddings)
    counter = CountingParse(ann)
    ann.parse_articles = counter
    return coverage.run(arts, sents, use_embeddings=embeddings, subclauses=True, annotator=ann), counter.texts


@pytest.mark.parametrize("embeddings", [False, True], ids=["tfidf", "minilm"])
def test_coverage_rerun_adding_two_articles_equals_a_cold_run(seeds_clean, tmp_path: Path, embeddings: bool) -> None:
    ids = sorted(seeds_clean.articles["article_id"])
    assert len(ids) >= 5
    _coverage(*_subset(seeds_clean, ids[:3]), tmp_path / "inc", embeddings)
    incremental, parsed = _coverage(*_subset(seeds_clean, ids), tmp_path / "inc", embeddings)
    cold, parsed_cold = _coverage(*_subset(seeds_clean, ids), tmp_path / "cold", embeddings)
    new_texts = set(seeds_clean.articles.set_index("article_id").loc[ids[3:], "clean_text"])
    assert set(parsed) == new_texts  # only the two new articles were parsed again
    assert len(parsed_cold) == len(ids)
    for name in ("claims", "facts", "conflicts", "similarity", "unique_checks", "copies", "syndication"):
        assert _csv(getattr(incremental, name)) == _csv(getattr(cold, name)), name
    assert len(cold.facts) > 0


def test_quotes_rerun_adding_two_articles_equals_a_cold_run(seeds_clean, tmp_path: Path) -> None:
    ids = sorted(seeds_clean.articles["article_id"])
    arts_all, _ = _subset(seeds_clean, ids)
    arts_first, _ = _subset(seeds_clean, ids[:3])

    def run(arts: pd.DataFrame, cache: Path):
        ann = Annotator(cache_dir=cache)
        counter = CountingParse(ann)
        ann.parse_articles = counter
        return quotes.run(arts, use_embeddings=True, annotator=ann), counter.texts

    run(arts_first, tmp_path / "inc")
    incremental, parsed = run(arts_all, tmp_path / "inc")
    cold, _ = run(arts_all, tmp_path / "cold")
    assert set(parsed) == set(arts_all["clean_text"]) - set(arts_first["clean_text"])
    for a, b in zip(incremental, cold):
        assert _csv(a) == _csv(b)
    assert len(cold.quotes) > 0


def _count(calls: list[str]):
    def func(text: str, doc: object, extra: object) -> tuple[str, object, int]:
        calls.append(text)
        return text.upper(), extra, len(doc)
    return func


def _parse(texts):
    return [t.split() for t in texts]


def test_derived_store_computes_only_missing_items_and_prunes(tmp_path: Path) -> None:
    path = tmp_path / "derived-x.pkl"
    calls: list[str] = []
    first = DerivedStore(path, "salt").compute(_count(calls), ["a b", "c"], ["1", "2"], _parse)
    assert first == [("A B", "1", 2), ("C", "2", 1)] and calls == ["a b", "c"]
    calls.clear()
    again = DerivedStore(path, "salt").compute(_count(calls), ["c", "d e f"], ["2", "3"], _parse)
    assert again == [("C", "2", 1), ("D E F", "3", 3)] and calls == ["d e f"]
    assert len(DerivedStore(path, "salt")._load()) == 2  # "a b" is no longer in the corpus: dropped


@pytest.mark.parametrize("salt, extra", [("other salt", "2"), ("salt", "other id")])
def test_derived_store_recomputes_when_settings_or_extra_change(tmp_path: Path, salt: str, extra: str) -> None:
    path = tmp_path / "derived-x.pkl"
    DerivedStore(path, "salt").compute(_count([]), ["c"], ["2"], _parse)
    calls: list[str] = []
    DerivedStore(path, salt).compute(_count(calls), ["c"], [extra], _parse)
    assert calls == ["c"]


class _Planted:
    """A pickle that runs code when loaded: what a run folder from someone else could carry."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_store_this_machine_did_not_sign_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a run folder copied from elsewhere (or edited) must not make a rerun execute its cache
    monkeypatch.setenv("NEWSREPORT_MODEL_CACHE", str(tmp_path / "home-cache"))
    path, marker = tmp_path / "run" / ".cache" / "derived-x.pkl", tmp_path / "code-ran"
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps({"format": "1", "items": {"k": _Planted(marker)}}))
    calls: list[str] = []
    assert DerivedStore(path, "s").compute(_count(calls), ["q"], [""], _parse) == [("Q", "", 1)]
    assert calls == ["q"] and not marker.exists()
    calls.clear()  # the file this machine wrote is signed and read back
    assert DerivedStore(path, "s").compute(_count(calls), ["q"], [""], _parse) == [("Q", "", 1)] and calls == []
    tampered = bytearray(path.read_bytes())
    tampered[-2] ^= 1
    path.write_bytes(bytes(tampered))
    assert DerivedStore(path, "s").compute(_count(calls), ["q"], [""], _parse) == [("Q", "", 1)] and calls == ["q"]


def test_unreadable_store_is_a_cold_cache(tmp_path: Path) -> None:
    path = tmp_path / "derived-x.pkl"
    path.write_bytes(b"not a pickle")
    calls: list[str] = []
    assert DerivedStore(path, "s").compute(_count(calls), ["q"], [""], _parse) == [("Q", "", 1)]
    assert calls == ["q"]


def test_code_digest_ignores_the_benchmark_figures_but_not_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import derived

    pkg = tmp_path / "analysis"
    (pkg / "resources").mkdir(parents=True)
    (pkg / "coverage").mkdir()
    (pkg / "nlp.py").write_text("x = 1\n")
    (pkg / "coverage" / "frames.py").write_text("y = 1\n")
    (pkg / "resources" / "benchmarks.json").write_text("{}\n")
    monkeypatch.setattr(derived, "PACKAGE_DIR", pkg)
    derived.code_digest.cache_clear()
    first = derived.code_digest(("coverage",))
    (pkg / "resources" / "benchmarks.json").write_text('{"scale": 1}\n')  # a benchmark run rewrites it
    derived.code_digest.cache_clear()
    assert derived.code_digest(("coverage",)) == first
    (pkg / "coverage" / "frames.py").write_text("y = 2\n")
    derived.code_digest.cache_clear()
    assert derived.code_digest(("coverage",)) != first
    derived.code_digest.cache_clear()
