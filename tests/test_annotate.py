"""The annotation step: stages get parses, vectors and per-item work from an annotator, never an
engine or a cache folder; the annotator keeps the run folder's caches so a rerun reuses them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import clean, corpus, coverage, nlp, quotes, stance
from analysis.annotate import Annotator
from analysis.engine import map_chunks
from corpus_factory import line_corpus

TEXTS = {  # small hand-written reports of one council vote, two outlets
    "a": "Council approves the bridge plan\nThe city council approved the bridge plan on Monday, "
         "the mayor said.\n\"This is a good day for the city,\" Mayor Ana Ruiz said after the vote.",
    "b": "Bridge plan passes council vote\nCouncillors approved the bridge plan on Monday by nine votes to four.\n"
         "\"We will start work in the autumn,\" Ruiz told reporters.",
}


def _corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    return line_corpus(TEXTS)


class FakeAnnotator:
    """Records what a stage asks for; parses with the real pipeline, embeds with hashed word counts."""

    def __init__(self, *, minilm: bool = True) -> None:
        self.minilm = minilm
        self.parsed: list[str] = []
        self.embedded: list[str] = []
        self.mapped: list[str] = []

    def parse_articles(self, texts: Sequence[str]) -> list[Any]:
        self.parsed.extend(texts)
        return nlp.parse_articles(list(texts))

    def embed(self, texts: Sequence[str], *, cached: bool = True) -> np.ndarray:
        self.embedded.extend(texts)
        rows = np.zeros((len(texts), 64), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                rows[i, sum(map(ord, w)) % 64] += 1.0
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)

    def embedder_status(self, *, use_embeddings: bool = True) -> nlp.EmbedderStatus:
        on = use_embeddings and self.minilm
        return nlp.EmbedderStatus(on, "minilm" if on else "tfidf", "fake vectors" if on else "fake: TF-IDF")

    def map(self, func: Callable[[list[Any]], list[Any]], items: Sequence[Any], *, scale: int = 1) -> list[Any]:
        self.mapped.append(getattr(func, "func", func).__name__)
        return map_chunks(func, items)


STAGE_FUNCTIONS = [clean.clean_corpus, clean.find_duplicates, clean.split_sentences, coverage.run, coverage.claims,
                   coverage.syndication, coverage.document_similarity, coverage.outlet_similarity, coverage.pair_scores,
                   quotes.run, quotes.extract_corpus, stance.parse_sentences]


@pytest.mark.parametrize("func", STAGE_FUNCTIONS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_no_stage_function_takes_an_engine_or_a_cache_folder(func: Callable[..., Any]) -> None:
    assert not {"engine", "cache_dir", "cache"} & set(inspect.signature(func).parameters)


def test_clean_runs_its_per_article_work_through_the_annotator(seeds_dir: Path) -> None:
    fake = FakeAnnotator()
    cleaned = clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01", annotator=fake)
    assert fake.mapped == ["_clean_many", "_signatures", "_split_articles"]
    plain = clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01")
    pd.testing.assert_frame_equal(cleaned.sentences, plain.sentences)


def test_coverage_takes_parses_and_vectors_from_the_annotator() -> None:
    arts, sents = _corpus()
    fake = FakeAnnotator()
    result = coverage.run(arts, sents, annotator=fake)
    assert result.method == "minilm" and "fake vectors" in result.notes
    assert sorted(fake.parsed) == sorted(TEXTS.values())  # each article parsed once
    assert set(result.claims["text"]) <= set(fake.embedded)  # claims embedded by the fake
    assert fake.mapped  # wire-copy signatures ran through it too
    off = FakeAnnotator(minilm=False)
    assert coverage.run(arts, sents, annotator=off).method == "tfidf" and off.embedded == []


def test_quotes_parse_through_the_annotator_and_embed_uncached() -> None:
    arts, _ = _corpus()
    fake = FakeAnnotator()
    result = quotes.run(arts, use_embeddings=True, annotator=fake)
    assert sorted(fake.parsed) == sorted(TEXTS.values())
    assert {"Ana Ruiz"} <= set(result.quotes["speaker"])
    assert fake.embedded  # renderings compared by meaning with the fake's vectors


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = nlp._pipe

    def counting(texts: list[str], **kwargs: Any) -> list[Any]:
        calls.append(len(texts))
        return real(texts, **kwargs)

    monkeypatch.setattr(nlp, "_pipe", counting)
    return calls


def test_a_rerun_reuses_the_run_folders_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arts, sents = _corpus()
    calls = _count_parses(monkeypatch)
    first = Annotator.for_run(tmp_path).parse_articles(arts["clean_text"])
    assert sum(calls) > 0 and list((tmp_path / ".cache").glob("parses-*.spacy"))
    calls.clear()
    again = Annotator.for_run(tmp_path)
    second = again.parse_articles(arts["clean_text"])
    docs = again.sentence_docs(arts, sents)
    assert calls == []  # nothing parsed a second time, not even for the sentence docs
    assert [[t.dep_ for t in d] for d in first] == [[t.dep_ for t in d] for d in second]
    assert docs["a:s001"].text == sents.set_index("sent_id").loc["a:s001", "text"]
    Annotator.for_run(tmp_path, use_cache=False).parse_articles(arts["clean_text"])
    assert sum(calls) > 0  # without the cache, parsed afresh


def test_a_rerun_reuses_the_run_folders_embeddings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not nlp.embedder_status().available:
        pytest.skip("embeddings extra not installed")
    texts = [line for t in TEXTS.values() for line in t.split("\n")]
    first = Annotator.for_run(tmp_path)
    vectors = first.embed(texts)
    first.save()
    assert (tmp_path / ".cache" / nlp.embedding_cache_name()).exists()

    def refuse(*args: Any, **kwargs: Any) -> list[np.ndarray]:
        raise AssertionError("a cached text was embedded again")

    monkeypatch.setattr(nlp, "_embed_chunks", refuse)
    assert np.array_equal(Annotator.for_run(tmp_path).embed(texts[::-1]), vectors[::-1])
    if nlp.embedding_backend() == "onnx":  # a text's vector does not depend on its batch: reused
        assert np.array_equal(Annotator.for_run(tmp_path).embed(texts, cached=False), vectors)
    else:  # torch: the caller asked for vectors independent of other stages' batches
        with pytest.raises(AssertionError, match="embedded again"):
            Annotator.for_run(tmp_path).embed(texts, cached=False)


def test_use_embeddings_false_reports_tfidf() -> None:
    status = Annotator(use_embeddings=False).embedder_status()
    assert (status.available, status.method) == (False, "tfidf")
