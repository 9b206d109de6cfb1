"""Where per-article work runs: in this process, or as Dask tasks on a ``distributed`` cluster.

Stages call :func:`map_chunks` for work that is independent per article (cleaning, sentence
splitting, NLP parses, embeddings, MinHash signatures). Cross-article steps stay in the calling
process and are candidate-based (LSH, nearest neighbours), so they scale with the corpus too.

Both engines run the same functions on the same chunks and return results in input order, so the
artifacts are identical whichever engine ran them (tests check this).

``engine="dask"`` with an empty ``scheduler`` starts a ``LocalCluster`` (one process per core);
``scheduler="tcp://host:8786"`` uses an existing cluster, whose workers need this package
installed (``pip install -e .`` with the same ``constraints.txt``).
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

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
