"""Annotation as its own step: one object owns the engine and the run folder's parse and embedding caches.

Stage functions do no file I/O and never see where work runs. What they need from the models
comes from an :class:`Annotator` (or anything with the same methods, :class:`Annotation`):

- The stage entry points (:func:`analysis.clean.clean_corpus`, :func:`analysis.coverage.run`,
  :func:`analysis.quotes.run`) take ``annotator=``; ``None`` means a fresh :class:`Annotator`: this
  process, no caches on disk.
- The functions below them take only the callable they use: ``parse`` (article texts -> one spaCy
  ``Doc`` per text, :meth:`Annotator.parse_articles`), ``embed`` (texts -> unit-normalised rows,
  :meth:`Annotator.embed`) or ``mapper`` (per-item work in chunks, :meth:`Annotator.map`); the
  stance stage takes the parsed sentence docs themselves (:meth:`Annotator.sentence_docs`).

So a test runs a stage with a small fake that counts calls or returns hand-made vectors, and a
notebook builds one annotator from its parameters::

    annotator = Annotator.for_run(run_dir, engine=engine, scheduler=scheduler,
                                  use_cache=parse_cache, use_embeddings=use_embeddings)
    result = coverage.run(articles, sentences, annotator=annotator)
    annotator.save()  # the embedding cache; parses are stored as they are made

The caches keep :mod:`analysis.nlp`'s formats under ``<run_dir>/.cache/``: one ``DocBin`` of
paragraph parses per spaCy pipeline (``parses-<key>.spacy``, shared by coverage, stance and
quotes) and ``embeddings-onnx.npz`` (text key -> MiniLM vector; ``embeddings.npz`` when MiniLM runs
in torch, see :func:`analysis.nlp.embedding_cache_name`). A rerun with nothing changed reuses
every parse and vector; the local and Dask engines give bit-identical ones (:mod:`analysis.engine`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from . import nlp
from .engine import Engine, map_chunks

#: the parse and embedding caches' folder inside a run folder
CACHE_FOLDER = ".cache"


class Annotation(Protocol):
    """What stage entry points use of an :class:`Annotator`; a test fake needs only these four."""

    def parse_articles(self, texts: Sequence[str]) -> list[Any]: ...

    def embed(self, texts: Sequence[str], *, cached: bool = True) -> np.ndarray: ...

    def embedder_status(self, *, use_embeddings: bool = True) -> nlp.EmbedderStatus: ...

    def map(self, func: Callable[[list[Any]], list[Any]], items: Sequence[Any], *, scale: int = 1) -> list[Any]: ...


class Annotator:
    """spaCy parses, MiniLM vectors and per-item work for the stages, on one engine, with caches.

    Parameters
    ----------
    engine : Engine, optional
        Where uncached parses, embeddings and per-item work run; this process by default.
    cache_dir : path, optional
        Folder of the on-disk parse and embedding caches; ``None`` keeps nothing on disk (vectors
        are still reused within this object's life).
    use_embeddings : bool, default=True
        ``False`` makes :meth:`embedder_status` report TF-IDF whatever is installed.
    vectors : dict, optional
        Embeddings already made (text key -> vector, :func:`analysis.nlp.text_key`), shared with the
        caller and filled by :meth:`embed` (a benchmark reuses one across many runs); by default the
        run folder's embedding cache, read on first use.
    """

    def __init__(self, engine: Engine | None = None, cache_dir: str | Path | None = None, *,
                 use_embeddings: bool = True, vectors: dict[str, np.ndarray] | None = None) -> None:
        self.engine = engine or Engine()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.use_embeddings = use_embeddings
        self._vectors = vectors

    @classmethod
    def for_run(cls, run_dir: str | Path, *, engine: str = "local", scheduler: str = "", use_cache: bool = True,
                use_embeddings: bool = True) -> Annotator:
        """The annotator a stage notebook builds from its parameters (caches in ``run_dir/.cache``)."""
        return cls(Engine(engine, scheduler), Path(run_dir) / CACHE_FOLDER if use_cache else None,
                   use_embeddings=use_embeddings)

    def __repr__(self) -> str:
        return f"Annotator(engine={self.engine!r}, cache_dir={self.cache_dir!r}, use_embeddings={self.use_embeddings})"

    # -- parses ---------------------------------------------------------------------------------
    def parse(self, texts: Sequence[str], *, model: Any = None) -> list[Any]:
        """One Doc per text, parsed whole (tagger, parser, NER unless ``model`` says otherwise)."""
        model = model if model is not None else nlp.load_spacy(parser=True, ner=True)
        return nlp.parse_cached(list(texts), nlp=model, cache_dir=self.cache_dir, engine=self.engine)

    def parse_articles(self, texts: Sequence[str]) -> list[Any]:
        """One Doc per article text, parsed paragraph by paragraph (:func:`analysis.nlp.parse_articles`).

        Coverage and quotes read the same paragraph parses, so with a cache the second stage parses nothing.
        """
        return nlp.parse_articles(list(texts), cache_dir=self.cache_dir, engine=self.engine)

    def sentence_docs(self, articles: pd.DataFrame, sentences: pd.DataFrame) -> dict[str, Any]:
        """``sent_id -> Doc`` of each sentence, cut from the cached article parses (the stance stage's input)."""
        texts = dict(zip(articles["article_id"], articles["clean_text"]))
        rows = list(sentences[["article_id", "sent_id", "start", "end"]].itertuples(index=False, name=None))
        return nlp.sentence_docs(texts, rows, cache_dir=self.cache_dir, engine=self.engine)

    # -- embeddings -----------------------------------------------------------------------------
    def embedder_status(self, *, use_embeddings: bool = True) -> nlp.EmbedderStatus:
        """Whether MiniLM is used (installed, and asked for here and by the caller), and why not."""
        return nlp.embedder_status(use_embeddings=use_embeddings and self.use_embeddings)

    def embed(self, texts: Sequence[str], *, cached: bool = True) -> np.ndarray:
        """Unit-normalised MiniLM rows of ``texts`` (:func:`analysis.nlp.embed`).

        ``cached`` reuses and fills this object's vectors (read from the run folder's cache on first
        use); ``False`` embeds every text afresh, the way a caller that must not depend on what
        other stages embedded before wants it: in torch, which texts share a batch moves the last
        bits. On ONNX Runtime a text's vector is the same in any batch (``tests/test_nlp.py``), so
        the cache is used either way: a rerun adding ten articles embeds only their texts.
        """
        reuse = cached or nlp.embedding_backend() == "onnx"
        return nlp.embed(list(texts), cache=self._embeddings() if reuse else None, engine=self.engine)

    def _embeddings(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = (nlp.load_embedding_cache(self.cache_dir / nlp.embedding_cache_name())
                             if self.cache_dir is not None else {})
        return self._vectors

    def save(self) -> None:
        """Write the embedding cache to the run folder (nothing without a cache folder or vectors)."""
        if self.cache_dir is not None and self._vectors:
            nlp.save_embedding_cache(self._vectors, self.cache_dir / nlp.embedding_cache_name())

    # -- per-article results -------------------------------------------------------------------
    def derive(self, name: str, func: Any, texts: Sequence[str], *, extras: Sequence[Any] | None = None,
               params: str = "", code: Sequence[str] = ()) -> list[Any]:
        """``func(text, doc, extra)`` per article text, kept in the run folder's cache between runs.

        Only articles whose text, ``extra``, ``params``, spaCy pipeline or code (``code``: the
        subpackages of ``analysis`` the result depends on) changed are parsed and computed
        (:class:`analysis.derived.DerivedStore`); without a cache folder every article is.
        ``func`` must be pure: the result is reused as if computed afresh.
        """
        from .derived import DerivedStore, code_digest, spacy_version

        salt = "\0".join([name, params, spacy_version(), code_digest(tuple(code))])
        path = self.cache_dir / f"derived-{name}.pkl" if self.cache_dir is not None else None
        extras = list(extras) if extras is not None else [""] * len(texts)
        return DerivedStore(path, salt).compute(func, list(texts), extras, self.parse_articles)

    # -- per-item work --------------------------------------------------------------------------
    def map(self, func: Callable[[list[Any]], list[Any]], items: Sequence[Any], *, scale: int = 1) -> list[Any]:
        """``func`` over consecutive chunks of ``items``, results in order (:func:`analysis.engine.map_chunks`).

        ``scale`` multiplies the engine's items per task, for items much smaller than an article.
        ``func`` must be a module-level function so Dask can ship it.
        """
        engine = self.engine
        if scale != 1:
            from dataclasses import replace

            engine = replace(engine, chunk_size=engine.chunk_size * scale)
        return map_chunks(func, items, engine=engine)


#: the callable the per-item helpers take: ``mapper(func, items, scale=1) -> list``
Mapper = Callable[..., list]


def local_map(func: Callable[[list[Any]], list[Any]], items: Sequence[Any], *, scale: int = 1) -> list[Any]:
    """:meth:`Annotator.map` in this process: the default ``mapper`` of the stage helpers."""
    return Annotator().map(func, items, scale=scale)
