"""The Dask engine gives exactly the artifacts of the local engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import clean, corpus
from analysis.engine import Engine, chunks, map_chunks

from corpus_factory import write_corpus

pytest.importorskip("distributed")


def _square_all(xs: list[int]) -> list[int]:
    return [x * x for x in xs]


def test_chunks_keep_order_and_cover_everything() -> None:
    assert chunks(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert map_chunks(_square_all, list(range(7)), engine=Engine(chunk_size=3)) == [x * x for x in range(7)]


def test_unknown_engine_rejected() -> None:
    with pytest.raises(ValueError, match="engine 'spark' unknown"):
        Engine("spark")


@pytest.fixture(scope="module")
def dask_engine() -> Engine:
    return Engine("dask", chunk_size=25)


@pytest.mark.slow
@pytest.mark.parametrize("n_articles", [0, 200])
def test_dask_clean_matches_local(tmp_path: Path, seeds_dir: Path, dask_engine: Engine, n_articles: int) -> None:
    source = seeds_dir if n_articles == 0 else write_corpus(seeds_dir, tmp_path / "synth", n_articles)
    raw = corpus.read_corpus(source)
    local = clean.clean_corpus(raw, today="2026-01-01")
    remote = clean.clean_corpus(raw, today="2026-01-01", engine=dask_engine)
    for name in ("inputs", "articles", "sentences", "audit"):
        pd.testing.assert_frame_equal(getattr(local, name), getattr(remote, name), obj=name)
    if n_articles:
        assert len(local.articles) + (local.inputs["status"] == "duplicate").sum() == n_articles
