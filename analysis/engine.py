"""Where per-article work runs: in this process, or as Dask tasks on a ``distributed`` cluster.

Stages never see an engine: an :class:`analysis.annotate.Annotator` holds it and hands the stages
its ``map``, ``parse_articles`` and ``embed``. What runs where with ``engine="dask"``:

- **Workers** (one task per chunk, via :func:`map_chunks`): cleaning each article and its MinHash
  signature and sentence split (:mod:`analysis.clean`); spaCy parses of article paragraphs not
  yet in the run folder's parse cache (:func:`analysis.nlp.parse_cached`, used by the coverage,
  stance and quotes stages: each task is whole ``nlp.pipe`` batches and returns ``DocBin``
  bytes); MiniLM embeddings of texts not yet in the embedding cache (:func:`analysis.nlp.embed`,
  one fixed chunk of ``EMBED_CHUNK`` texts per task).
- **Driver** (the stage's notebook kernel): reading and writing the run folder and the caches,
  and every cross-article step: duplicate and syndication candidates (LSH), nearest-neighbour
  search, fact alignment, quote clustering, stance scoring, the report. These are
  candidate-based, so they scale with the corpus too.

Both engines run the same functions on the same chunks and return results in input order, so
the artifacts are byte-identical whichever engine ran them (``tests/test_engine.py`` checks the
whole seeds pipeline and the parsing stages on 200 articles). Workers load the same spaCy
pipeline and MiniLM model as the driver; torch's thread count (one on a worker) does not change
the vectors, but which texts share an ``encode`` call does, which is why both engines cut
embedding chunks alike.

``engine="dask"`` with an empty ``scheduler`` starts a ``LocalCluster`` (one process per core)
in each stage's kernel; ``scheduler="tcp://host:8786"`` uses an existing cluster, whose workers
need this package installed (``pip install -e '.[dask,embeddings]'`` with the same
``constraints.txt``) and the spaCy model package, and stay warm across stages.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class Engine:
    kind: str = "local"
    scheduler: str = ""  # dask scheduler address; empty = start a LocalCluster
    chunk_size: int = 50  # items per task: big enough to amortise task overhead and model loads

    def __post_init__(self) -> None:
        if self.kind not in ENGINES:
            raise ValueError(f"engine {self.kind!r} unknown; choose one of {ENGINES}")


_CLIENTS: dict[str, Any] = {}


def _client(scheduler: str) -> Any:
    """One Dask client per scheduler address for the life of the process."""
    if scheduler not in _CLIENTS:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # the dask extra is optional
            raise RuntimeError("engine 'dask' needs the 'dask' extra: pip install -e '.[dask]'") from exc
        if scheduler:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster)
            atexit.register(cluster.close)
        atexit.register(client.close)
        _CLIENTS[scheduler] = client
    return _CLIENTS[scheduler]


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i:i + size]) for i in range(0, len(items), max(1, size))]


def map_chunks(func: Callable[[list[T]], list[R]], items: Sequence[T], *, engine: Engine | None = None
               ) -> list[R]:
    """Apply ``func`` to consecutive chunks of ``items`` and concatenate the results in order.

    ``func`` takes a list and returns a list of the same length; it must be a module-level
    function so Dask can ship it to workers.
    """
    engine = engine or Engine()
    parts = chunks(items, engine.chunk_size)
    if engine.kind == "local" or len(parts) == 0:
        results = [func(part) for part in parts]
    else:
        client = _client(engine.scheduler)
        futures = client.map(func, parts, pure=False)
        results = client.gather(futures)
    return [r for part in results for r in part]
