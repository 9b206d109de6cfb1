"""The portrayal classifier on ONNX Runtime: same probabilities as torch, no torch import once
exported, a new export for a retrained weights file, a logged fall-back to torch."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analysis.portrayal import PortrayalError
from analysis.portrayal import _model as pm
from analysis.portrayal import _onnx

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "seeds").glob("*")
#: hand-written pairs of different lengths (one batch: padding and masks matter)
PAIRS = [
    ("Residents cheered Mayor Elena Ruiz, whose tireless and generous work rebuilt the flooded town.", "Elena Ruiz"),
    ("Prosecutors say Senator Tom Hale lied to voters and pocketed bribes in a shameful corruption scheme.", "Tom Hale"),
    ("Tom Hale will speak at the conference in Denver on Tuesday, his office said.", "Tom Hale"),
    ("The union said it would strike.", "The union"),
    ("After weeks of talks that both sides described as difficult, the ministry announced that the deal "
     "its negotiators had reached with the carriers would be signed next month, ending the dispute.", "the ministry"),
]


def _encoded() -> list[pm.Encoded]:
    return [pm.encode(s, s.index(t), s.index(t) + len(t)) for s, t in PAIRS]


def _onnx_or_skip() -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    if pm.runtime_in_use() != "onnx":
        pytest.skip("the portrayal network could not be exported to ONNX here (see the logged reason)")


def _seed_sentences() -> list[str]:
    text = next(p for p in sorted(SEED) if p.suffix in {".txt", ".md"}).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if len(line.split()) > 6][:12]


def test_onnx_probabilities_match_torch() -> None:
    _onnx_or_skip()
    encoded = _encoded()
    onnx, torch_ = pm.predict_proba(encoded), pm._predict_torch(encoded, batch_size=32)
    assert np.abs(onnx - torch_).max() <= 1e-4
    assert (onnx.argmax(1) == torch_.argmax(1)).all()


def test_word_pieces_equal_the_transformers_tokenizer_on_seed_text() -> None:
    slow = pm._tokenizer()
    for sentence in _seed_sentences() + [s for s, _ in PAIRS] + ["Café “naïve” — ﬁnance\u00a0U.S. 12,5 %"]:
        ref = slow(sentence, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        got = pm._fast_tokenizer().encode(sentence, add_special_tokens=False)
        assert got.ids == list(ref["input_ids"])
        assert [tuple(o) for o in got.offsets] == [tuple(o) for o in ref["offset_mapping"]]


def test_classifying_with_the_cached_export_never_imports_torch() -> None:
    _onnx_or_skip()  # the export exists now
    code = ("import sys; from analysis.portrayal import classify; s = 'Critics mocked Senator Tom Hale.'; "
            "r = classify([s], [(s.index('Tom'), s.index('Tom') + 8)]); "
            "print(r[0].polarity, 'torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.stdout.split() == ["-1", "False", "False"], out.stderr[-2000:]


def test_architecture_is_read_from_the_weights_file(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    assert pm.architecture().trained_layers >= 1
    h = 8
    layer = {"attention.self.query.weight": np.zeros((h, h), np.float16)}
    tensors = {f"layers.{i}.{k}": v for i in range(3) for k, v in layer.items()}
    tensors |= {"head.0.weight": np.zeros((h, 3 * h), np.float16), "head.3.weight": np.zeros((3, h), np.float16)}
    save_file(tensors, str(tmp_path / "w.safetensors"))
    assert pm.architecture(tmp_path / "w.safetensors") == pm.Architecture(3, h, 3)
    del tensors["layers.1.attention.self.query.weight"]
    save_file(tensors, str(tmp_path / "gap.safetensors"))
    with pytest.raises(PortrayalError, match=r"layers \[0, 2\]"):
        pm.architecture(tmp_path / "gap.safetensors")


def _retrained(path: Path, layers: int) -> Path:
    """A weights file as a retrain with ``layers`` trained layers would write: the packaged MiniLM's
    top layers and a small random head (deterministic), float16."""
    import torch
    from safetensors.torch import save_file

    net = pm.build_network(trained_layers=layers)
    torch.manual_seed(3)
    for p in net.head.parameters():
        torch.nn.init.normal_(p, std=0.5)
    save_file({k: v.to(torch.float16).contiguous() for k, v in net.shipped_state().items()}, str(path),
              metadata={"format": "pt"})
    return path


def test_a_retrained_file_with_other_layers_is_exported_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _onnx_or_skip()
    shipped = _onnx.model_file(pm.WEIGHTS)
    monkeypatch.setenv("NEWSREPORT_MODEL_CACHE", str(tmp_path / "cache"))
    layers = 2 if pm.architecture().trained_layers != 2 else 3
    weights = _retrained(tmp_path / pm.WEIGHTS.name, layers)
    monkeypatch.setattr(pm, "WEIGHTS", weights)
    pm.load_network.cache_clear()
    try:
        assert pm.architecture().trained_layers == layers
        encoded = _encoded()
        onnx = pm.predict_proba(encoded)
        assert pm.runtime_in_use() == "onnx"
        new = _onnx.model_file(weights)
        assert new.exists() and new.name != shipped.name
        torch_ = pm._predict_torch(encoded, batch_size=32)
        assert np.abs(onnx - torch_).max() <= 1e-4
    finally:
        pm.load_network.cache_clear()


def test_failed_export_falls_back_to_torch_and_says_why(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                        caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("NEWSREPORT_MODEL_CACHE", str(tmp_path / "empty"))
    monkeypatch.setattr(_onnx, "_export", lambda path: "exporter broke (test)")
    _onnx._load.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="analysis.portrayal"):
            probs = pm.predict_proba(_encoded()[:2])
        assert "runs in torch" in caplog.text and "exporter broke (test)" in caplog.text
        assert pm.runtime_in_use() == "torch"
        assert np.allclose(probs, pm._predict_torch(_encoded()[:2], batch_size=32), atol=0)
    finally:
        _onnx._load.cache_clear()


def test_torch_on_request(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NEWSREPORT_PORTRAYAL_RUNTIME", "torch")
    assert _onnx.load_runtime(pm.WEIGHTS) is None
    assert pm.runtime_in_use() == "torch"


def test_cache_name_follows_the_weights_content(tmp_path: Path) -> None:
    a, b = tmp_path / "a.safetensors", tmp_path / "b.safetensors"
    a.write_bytes(b"one"), b.write_bytes(b"two")
    assert _onnx.model_file(a) != _onnx.model_file(b)
    assert "ort" in _onnx.model_file(a).name
    b.write_bytes(b"one")
    assert _onnx.model_file(a) == _onnx.model_file(b)


def test_unwritable_cache_falls_back_to_torch_and_says_why(tmp_path: Path, monkeypatch,  # type: ignore[no-untyped-def]
                                                           caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("onnxruntime")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("NEWSREPORT_MODEL_CACHE", str(blocker / "cache"))
    _onnx._load.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="analysis.portrayal"):
            assert pm.runtime_in_use() == "torch"
        assert "cannot write to the model cache" in caplog.text
    finally:
        _onnx._load.cache_clear()
