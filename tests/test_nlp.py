"""The on-disk parse cache returns the same analyses as parsing afresh, and parses only new texts."""

from __future__ import annotations

from pathlib import Path

from analysis import nlp


class CountingPipe:
    """Wraps a spaCy pipeline to count the texts it actually parses."""

    def __init__(self, inner):  # type: ignore[no-untyped-def]
        self.inner, self.parsed = inner, 0
        self.vocab, self.meta, self.pipe_names = inner.vocab, inner.meta, inner.pipe_names

    def pipe(self, texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        self.parsed += len(texts)
        return self.inner.pipe(texts, **kwargs)


def _analysis(doc):  # type: ignore[no-untyped-def]
    return [(t.text, t.dep_, t.head.i, t.ent_type_, t.tag_, t.is_sent_start) for t in doc]


def test_cache_matches_fresh_parse_and_skips_known_texts(tmp_path: Path) -> None:
    model = CountingPipe(nlp.load_spacy(parser=True, ner=True))
    texts = ["Mayor Ann Lee said on Monday that the budget would pass.", "Critics disagreed.",
             "Mayor Ann Lee said on Monday that the budget would pass."]
    first = nlp.parse_cached(texts, nlp=model, cache_dir=tmp_path)
    assert model.parsed == 2  # the repeated text is parsed once
    second = nlp.parse_cached(texts + ["Council members will vote next week, officials said."],
                              nlp=model, cache_dir=tmp_path)
    assert model.parsed == 3  # only the new text
    fresh = list(model.inner.pipe(texts))
    assert [_analysis(d) for d in first] == [_analysis(d) for d in second[:3]] == [_analysis(d) for d in fresh]
    assert [e.text for e in second[0].ents] == [e.text for e in fresh[0].ents]


def test_embedding_cache_round_trip(tmp_path: Path) -> None:
    import numpy as np

    cache = {nlp.text_key("b"): np.ones(3, dtype=np.float32), nlp.text_key("a"): np.zeros(3, dtype=np.float32)}
    nlp.save_embedding_cache(cache, tmp_path / "emb.npz")
    loaded = nlp.load_embedding_cache(tmp_path / "emb.npz")
    assert set(loaded) == set(cache) and all(np.array_equal(loaded[k], cache[k]) for k in cache)
    assert nlp.load_embedding_cache(tmp_path / "missing.npz") == {}


def test_fresh_and_cached_docs_join(tmp_path: Path) -> None:
    from spacy.tokens import Doc

    model = nlp.load_spacy(parser=True, ner=True)
    nlp.parse_cached(["The mayor spoke."], nlp=model, cache_dir=tmp_path)
    docs = nlp.parse_cached(["The mayor spoke.", "\n\n", "Critics disagreed on Monday."], nlp=model,
                            cache_dir=tmp_path)
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    assert joined.text == "The mayor spoke.\n\nCritics disagreed on Monday."


def test_worker_processes_parse_as_this_process() -> None:
    """Spawned parse workers (used for much uncached text) give this process's parses, in order,
    blank texts included (they never travel through a DocBin)."""
    model = nlp.load_spacy(parser=True, ner=True)
    texts = ["Mayor Ann Lee said on Monday that the budget would pass.", "  \n", "Critics disagreed.",
             "The council, which met in Toronto, will vote next week, officials said."] * 3
    assert nlp._processes(texts, None) == 1  # a few hundred characters: no workers
    in_workers = nlp.parse_cached(texts, nlp=model, n_process=2, batch_size=2)
    here = list(model.pipe(texts, batch_size=2))
    assert [_analysis(d) for d in in_workers] == [_analysis(d) for d in here]
    assert [[e.text for e in d.ents] for d in in_workers] == [[e.text for e in d.ents] for d in here]


def test_spacy_loads_and_parses_without_importing_torch() -> None:
    """thinc imports torch whenever it can; the parse path must not pay for it (time and memory)."""
    import subprocess
    import sys

    code = ("import sys; from analysis import nlp; "
            "docs = nlp.parse_articles(['The mayor spoke.\\n\\nCritics disagreed on Monday.']); "
            "assert len(docs[0]) > 5, docs; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


def _onnx_or_skip():  # type: ignore[no-untyped-def]
    import pytest

    if not nlp.embedder_status().available or nlp.embedding_backend() != "onnx":
        pytest.skip("ONNX Runtime embeddings not available here (onnxruntime/onnx not installed)")
    return nlp._load_embedder()


SEED_SENTENCES = [
    "US President Donald Trump said on Sunday he was open to talks.",
    "Critics disagreed.",
    "The Kremlin said the proposals needed further discussion, adding that a meeting of officials "
    "could take place in Saudi Arabia next week if both sides agreed to the terms set out in the letter.",
]


def test_onnx_embeddings_match_sentence_transformers() -> None:
    """The ONNX export gives torch's vectors (to float noise) and tokenises exactly like it,
    truncation at the model's 256 tokens included."""
    import numpy as np

    model = _onnx_or_skip()
    reference = nlp._load_sentence_transformer()
    texts = SEED_SENTENCES + [" ".join(SEED_SENTENCES * 12)]  # > 256 tokens
    mine = model.encode(texts, batch_size=2)
    theirs = reference.encode(texts, batch_size=2, normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(mine - theirs).max() < 1e-5
    ids = [[i for i, m in zip(e.ids, e.attention_mask) if m] for e in model.tokenizer.encode_batch(texts)]
    assert ids == reference.tokenizer(texts, truncation=True, max_length=256)["input_ids"]
    assert len(ids[-1]) == 256


def test_onnx_vectors_do_not_depend_on_the_batch() -> None:
    """Each text's vector is bit for bit the same alone or batched with longer and shorter texts:
    the annotator reuses cached vectors for callers that asked for fresh ones on this ground."""
    import numpy as np
    import pandas as pd

    model = _onnx_or_skip()
    texts = SEED_SENTENCES + [" ".join(SEED_SENTENCES * 12), "Talks resumed."]
    together = model.encode(texts, batch_size=8)
    alone = np.vstack([model.encode([t]) for t in texts])
    assert np.array_equal(together, alone)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-6)
    # and with the annotator: cached=False gives what a fresh embedding of the texts gives
    from analysis.annotate import Annotator

    annotator = Annotator()
    annotator.embed(texts[:2])
    assert np.array_equal(annotator.embed(texts, cached=False), model.encode(texts))
    assert pd.Series(texts).map(nlp.text_key).isin(annotator._embeddings().keys()).all()


def test_embedding_with_onnx_never_imports_torch() -> None:
    """A stage that only embeds pays neither torch's import nor its memory."""
    import subprocess
    import sys

    _onnx_or_skip()  # the export exists now (made here on first use)
    code = ("import sys; from analysis import nlp; v = nlp.embed(['The mayor spoke.']); "
            "assert v.shape == (1, 384); print('torch' in sys.modules, nlp.embedding_cache_name())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "embeddings-onnx.npz"], out.stderr[-2000:]


def test_torch_runtime_on_request(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from analysis import nlp_onnx

    monkeypatch.setenv("NEWSREPORT_EMBEDDER", "torch")
    assert not nlp_onnx.wanted()
    assert nlp_onnx.load.__wrapped__("/nonexistent") is None  # nothing is even looked at
