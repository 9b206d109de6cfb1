"""The Dask engine gives exactly the artifacts of the local engine.

One ``LocalCluster`` serves the whole module; stages reach it by its scheduler address, the way
a real cluster is used (``--scheduler tcp://host:8786``). Parse caches live in separate folders
per engine, so the Dask side never reuses a parse the local side made.
"""

from __future__ import annotations

import filecmp
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from corpus_factory import write_corpus

from analysis import clean, corpus, coverage, nlp, pipeline, quotes, stance
from analysis.annotate import Annotator
from analysis.engine import Engine, chunks, map_chunks

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
def dask_engine() -> Iterator[Engine]:
    """A two-worker cluster shared by the module, addressed like an existing cluster."""
    from distributed import LocalCluster

    from analysis import engine as engine_mod

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield Engine("dask", scheduler=cluster.scheduler_address, chunk_size=25)
        client = engine_mod._CLIENTS.pop(cluster.scheduler_address, None)
        if client is not None:
            client.close()


@pytest.fixture(scope="module")
def synth_200(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Raw table of a 200-article synthetic corpus built from the seeds."""
    return corpus.read_corpus(write_corpus(seeds_dir, tmp_path_factory.mktemp("synth"), 200))


@pytest.mark.slow
@pytest.mark.parametrize("n_articles", [0, 200])
def test_dask_clean_matches_local(seeds_dir: Path, synth_200: pd.DataFrame, dask_engine: Engine,
                                  n_articles: int) -> None:
    raw = corpus.read_corpus(seeds_dir) if n_articles == 0 else synth_200
    local = clean.clean_corpus(raw, today="2026-01-01")
    remote = clean.clean_corpus(raw, today="2026-01-01", annotator=Annotator(dask_engine))
    for name in ("inputs", "articles", "sentences", "audit"):
        pd.testing.assert_frame_equal(getattr(local, name), getattr(remote, name), obj=name)
    if n_articles:
        assert len(local.articles) + (local.inputs["status"] == "duplicate").sum() == n_articles


def _analysis(doc):  # type: ignore[no-untyped-def]
    return [(t.text, t.idx, t.tag_, t.pos_, str(t.morph), t.dep_, t.head.i, t.ent_iob_, t.ent_type_,
             t.is_sent_start) for t in doc]


@pytest.mark.slow
@pytest.mark.parametrize("cached", [False, True], ids=["no-cache", "cache"])
def test_dask_parses_match_local(tmp_path: Path, seeds_dir: Path, dask_engine: Engine, cached: bool) -> None:
    texts = clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01").articles["clean_text"].tolist()
    texts.append("")  # a token-less text is parsed in the driver, never shipped
    model = nlp.load_spacy(parser=True, ner=True)
    local_dir, remote_dir = (tmp_path / "local", tmp_path / "dask") if cached else (None, None)
    local = nlp.parse_articles(texts, nlp=model, cache_dir=local_dir)
    remote = nlp.parse_articles(texts, nlp=model, cache_dir=remote_dir, engine=replace(dask_engine, chunk_size=10))
    assert [d.text for d in remote] == texts
    assert [_analysis(d) for d in local] == [_analysis(d) for d in remote]
    assert sum(len(d.ents) for d in remote) > 20  # NER really ran on the workers
    if cached:
        (local_file,), (remote_file,) = list(local_dir.iterdir()), list(remote_dir.iterdir())
        assert local_file.name == remote_file.name  # same pipeline key
        assert local_file.read_bytes() == remote_file.read_bytes()


@pytest.mark.slow
def test_dask_embeddings_bit_identical_across_chunks(seeds_dir: Path, dask_engine: Engine,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers run torch with one thread (the nanny sets OMP_NUM_THREADS=1), the driver with all
    cores; with the same chunks the vectors are still bit-identical."""
    if not nlp.embedder_status().available:
        pytest.skip("embeddings extra not installed")
    sents = clean.clean_corpus(corpus.read_corpus(seeds_dir), today="2026-01-01").sentences["text"].tolist()[:40]
    monkeypatch.setattr(nlp, "EMBED_CHUNK", 8)  # several chunks, spread over both workers
    local = nlp.embed(sents)
    remote = nlp.embed(sents, engine=dask_engine)
    assert local.dtype == remote.dtype == np.float32
    assert np.array_equal(local, remote)
    # chunking is part of the result: one 40-text call differs in the last bits, hence EMBED_CHUNK
    monkeypatch.setattr(nlp, "EMBED_CHUNK", 512)
    assert np.allclose(nlp.embed(sents), local, atol=1e-5)


def _parse_consumers(arts: pd.DataFrame, sents: pd.DataFrame, cache_dir: Path, engine: Engine | None
                     ) -> dict[str, pd.DataFrame]:
    """The stage calls with per-article work (coverage claims and wire copy, quotes, stance targets),
    sharing one parse cache.

    The cross-article steps after them run in the driver on these tables whichever the engine;
    the seeds pipeline test covers them end to end.
    """
    annotator = Annotator(engine, cache_dir)
    tables = {"claims": coverage.claims(arts, sents, parse=annotator.parse_articles).drop(columns=["_sig"]),
              "quotes": quotes.extract_corpus(arts, parse=annotator.parse_articles)}
    docs = annotator.sentence_docs(arts, sents)
    tables["stance_targets"] = stance.find_targets(arts, sents, docs=docs, n_actors=3)
    # MinHash signatures of every sentence and article (wire copy) are per-item work too
    tables["copies"], tables["syndication"] = coverage.syndication(arts, sents, mapper=annotator.map)
    return tables


@pytest.mark.slow
def test_dask_nlp_stages_match_local_on_200_articles(tmp_path: Path, synth_200: pd.DataFrame,
                                                     dask_engine: Engine) -> None:
    cleaned = clean.clean_corpus(synth_200, today="2026-01-01")
    arts, sents = cleaned.articles, cleaned.sentences
    local = _parse_consumers(arts, sents, tmp_path / "local", None)
    remote = _parse_consumers(arts, sents, tmp_path / "dask", dask_engine)
    assert len(local["claims"]) > 1000 and len(local["quotes"]) > 100 and len(local["stance_targets"]) > 0
    assert len(local["copies"]) > 0
    for name, table in local.items():
        pd.testing.assert_frame_equal(table, remote[name], obj=name)
    (local_file,), (remote_file,) = list((tmp_path / "local").iterdir()), list((tmp_path / "dask").iterdir())
    assert local_file.read_bytes() == remote_file.read_bytes()  # every paragraph parse, bit for bit


@pytest.mark.slow
def test_dask_pipeline_matches_local_on_seeds(seed_run: Path, tmp_path: Path, dask_engine: Engine) -> None:
    """Every stage, notebooks and all, with embeddings: every table and summary is byte-identical."""
    corpus_dir = Path(json.loads((seed_run / "provenance.json").read_text())["corpus"])
    run_dir = tmp_path / "dask"
    pipeline.run(corpus_dir, run_dir, engine="dask", scheduler=dask_engine.scheduler, log=None)
    record = json.loads((run_dir / "provenance.json").read_text())
    assert {record["parameters"][s]["engine"] for s in ("clean", "coverage", "stance", "quotes")} == {"dask"}
    names = sorted(p.relative_to(seed_run) for p in (seed_run / "data").glob("*") if p.suffix in (".csv", ".json"))
    assert len(names) >= 20
    for rel in [*names, Path("inputs.csv"), Path(".cache") / nlp.embedding_cache_name()]:
        assert filecmp.cmp(seed_run / rel, run_dir / rel, shallow=False), f"{rel} differs between engines"
    parses = sorted(p.name for p in (seed_run / ".cache").glob("parses-*.spacy"))
    assert parses and parses == sorted(p.name for p in (run_dir / ".cache").glob("parses-*.spacy"))
    for name in parses:
        assert filecmp.cmp(seed_run / ".cache" / name, run_dir / ".cache" / name, shallow=False), name
