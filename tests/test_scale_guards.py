"""Corpus-size limits that only bite at thousands of articles, checked on tiny inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.coverage import space as space_mod
from analysis.coverage.signatures import signature


def test_dense_claim_vectors_stay_dense_above_the_sparse_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above ``_DENSE_CELLS`` claims x dimensions (65,000 MiniLM claims: about 2,000 articles) a
    TF-IDF matrix is kept as row dicts; MiniLM rows are a dense array already and must stay one (they
    have no ``tocsr``: the 5,000-article run failed here), so the pair model still applies."""
    texts = ["The council approved the budget on Monday.", "Rain is expected in the north tomorrow."]
    table = pd.DataFrame({"article_id": ["a", "b"], "kind": ["clause", "clause"],
                          "_sig": [signature(t) for t in texts]})
    vectors = np.eye(2, 4)
    monkeypatch.setattr(space_mod, "_DENSE_CELLS", 1)
    built = space_mod.ClaimSpace.build(table, vectors)
    assert built.dense is not None and built.sim(0, 1) == pytest.approx(0.0)
    from scipy.sparse import csr_matrix

    sparse = space_mod.ClaimSpace.build(table, csr_matrix(vectors))
    assert sparse.dense is None and sparse.sim(0, 0) == pytest.approx(1.0)
