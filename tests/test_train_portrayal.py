"""The portrayal training script's selection steps: logit offsets fitted on the held-out part, and
continued training that must beat the weights it started from (no model is trained here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")


def _script():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "train_portrayal.py"
    spec = importlib.util.spec_from_file_location("train_portrayal_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_offsets_recover_a_class_the_logits_undervalue() -> None:
    script = _script()
    # every positive item scores just below neutral: argmax never says positive (macro F1 0.667)
    gold = [-1] * 4 + [0] * 4 + [1] * 4
    logits = np.array([[2.0, 0.0, 0.0]] * 4 + [[0.0, 2.0, 0.0]] * 4 + [[0.0, 1.0, 0.7]] * 4)
    offsets, f1 = script.fit_offsets(logits, gold)
    assert f1 == 1.0
    assert offsets[0] == 0.0 and offsets[1] == 0.0
    assert offsets[2] == pytest.approx(0.4)  # the smallest grid shift that lifts positives over neutral (> 0.3)


def test_offsets_stay_zero_when_no_shift_helps() -> None:
    script = _script()
    gold = [-1, 0, 1]
    logits = np.eye(3) * 3.0
    offsets, f1 = script.fit_offsets(logits, gold)
    assert f1 == 1.0
    assert offsets == (0.0, 0.0, 0.0)  # a tie keeps the unshifted boundaries


class _Toy(torch.nn.Module):
    """Stands in for the portrayal network: one tensor, scored by a lookup."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))


def test_continued_training_keeps_the_starting_weights_on_a_tie() -> None:
    script = _script()
    net = _Toy()
    start = {"w": torch.tensor([1.0])}
    snaps = [{"w": torch.tensor([2.0])}, {"w": torch.tensor([3.0])}]
    by_w = {1.0: 0.70, 2.0: 0.70, 3.0: 0.65, 2.5: 0.60}

    def score() -> dict:
        return {"train": {"f1m": by_w[round(float(net.w.detach()), 1)]}}

    choice = script.choose(net, snaps, score, 2, start)
    assert choice["chosen"] == "epoch 0 (--init-from)"
    assert float(net.w.detach()) == 1.0
    by_w[3.0] = 0.71
    assert script.choose(net, snaps, score, 2, start)["chosen"] == "epoch 2"
    assert float(net.w.detach()) == 3.0


def test_cross_fitted_score_uses_offsets_fitted_on_the_other_half() -> None:
    script = _script()
    # the same undervalued positives in both halves: offsets fitted on either half fix the other
    gold = ([-1] * 4 + [0] * 4 + [1] * 4) * 2
    logits = np.array(([[2.0, 0.0, 0.0]] * 4 + [[0.0, 2.0, 0.0]] * 4 + [[0.0, 1.0, 0.7]] * 4) * 2)
    sentences = [f"sentence {i}" for i in range(24)]
    assert script.cross_fitted_f1m(logits, gold, sentences) == 1.0
    unshifted = script.scores(gold, [script.pm.LABELS[i] for i in logits.argmax(1)])["f1m"]
    assert unshifted < 0.7
