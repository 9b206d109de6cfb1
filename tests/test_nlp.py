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
