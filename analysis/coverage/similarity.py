"""Document similarity: how alike two articles are, on a score that tracks human judgement.

The score blends the cosine of the leads and of the headlines with weights fitted on SemEval-2022
Task 8 (:data:`~analysis.coverage.model.DOC_WEIGHTS`). Up to ``all_pairs_max`` articles every
pair is scored, so a reader can look any two articles up (2,000 articles are 2 million pairs: one
blocked matrix product of the normalised lead and headline vectors, memory flat); above it only each
article's nearest neighbours are, and :func:`outlet_similarity` gives every pair of outlets its mean
score over all their article pairs, exactly and in linear time (the score is a bilinear form, so the
mean over pairs is the product of the outlets' summed vectors). :func:`similarity_matrix` turns the
pairs into a clustered, size-capped matrix for the heatmap.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import nlp
from ..errors import CoverageError
from .model import DOC_WEIGHTS, _check_columns
from .vectors import Embed, _dense, _tfidf_vectors, _vectors, neighbour_pairs

_LEAD_CHARS = 2000  # MiniLM truncates at 256 word pieces (~1,100 chars); more text is only tokenised


def headline_of(articles: pd.DataFrame, sentences: pd.DataFrame | None = None) -> list[str]:
    """Each article's headline: its title, else its headline sentence, else its first sentence."""
    first: dict[str, str] = {}
    if sentences is not None and len(sentences):
        order = sentences.assign(_h=(sentences["section"] != "headline").astype(int)).sort_values(
            ["article_id", "_h", "start"])
        first = order.groupby("article_id")["text"].first().astype(str).to_dict()
    out = []
    for row in articles.itertuples(index=False):
        title = str(getattr(row, "title", "") or "").strip()
        out.append(title or first.get(str(row.article_id), str(row.clean_text)[:200]))
    return out


def pair_scores(leads_a: Sequence[str], leads_b: Sequence[str], heads_a: Sequence[str],
                heads_b: Sequence[str], *, method: str, embed: Embed | None = None,
                fit_on: Sequence[str] | None = None) -> pd.DataFrame:
    """Blended similarity of aligned document pairs (used by the benchmark and the stage).

    Returns a DataFrame with ``lead, headline, score`` per pair, using :data:`DOC_WEIGHTS`. ``embed``
    makes the MiniLM vectors (:meth:`analysis.annotate.Annotator.embed`; afresh here by default).
    """
    w = DOC_WEIGHTS[method]
    if method == "minilm":
        embed = embed or nlp.embed
        la, lb = embed([t[:_LEAD_CHARS] for t in leads_a]), embed([t[:_LEAD_CHARS] for t in leads_b])
        ha, hb = embed(list(heads_a)), embed(list(heads_b))
        lead = (la * lb).sum(1)
        head = (ha * hb).sum(1)
    else:
        corpus = list(fit_on) if fit_on is not None else list(leads_a) + list(leads_b)
        la, lb = _tfidf_vectors(leads_a, corpus), _tfidf_vectors(leads_b, corpus)
        ha, hb = _tfidf_vectors(heads_a, corpus), _tfidf_vectors(heads_b, corpus)
        lead = np.asarray(la.multiply(lb).sum(1)).ravel()
        head = np.asarray(ha.multiply(hb).sum(1)).ravel()
    score = w["lead"] * lead + w["headline"] * head
    return pd.DataFrame({"lead": lead, "headline": head, "score": score})


#: the default of ``all_pairs_max``: up to this many articles every pair is scored (2 million pairs)
ALL_PAIRS_MAX = 2000

#: rows of the pair-score matrix computed at once: block x n scores, a few MB at n = 2,000
_BLOCK = 256

_SIM_COLS = ["article_a", "article_b", "score", "method", "lead", "headline", "shingle_jaccard"]
_OUTLET_COLS = ["outlet_a", "outlet_b", "n_pairs", "score", "lead", "headline", "method"]


def _doc_vectors(arts: pd.DataFrame, sentences: pd.DataFrame | None, method: str,
                 embed: Embed | None) -> tuple[Any, Any]:
    """Unit-normalised lead and headline vectors, one row per article of ``arts`` (the vectors
    :func:`pair_scores` compares: MiniLM of the first characters, or TF-IDF fitted on the leads)."""
    leads = arts["clean_text"].astype(str).tolist()
    heads = headline_of(arts, sentences)
    if method == "minilm":
        embed = embed or nlp.embed
        return embed([t[:_LEAD_CHARS] for t in leads]), embed(heads)
    return _tfidf_vectors(leads, leads), _tfidf_vectors(heads, leads)


def _row_dots(X: Any, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    if hasattr(X, "multiply"):
        return np.asarray(X[ia].multiply(X[ib]).sum(1)).ravel()
    return (X[ia] * X[ib]).sum(1)


def _all_pairs(L: Any, H: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(i, j, lead, headline)`` for every pair ``i < j``, row-major, computed ``_BLOCK`` rows at a
    time so only a block x n slice of the score matrix is ever held."""
    n = L.shape[0]
    parts: list[tuple[np.ndarray, ...]] = []
    for s in range(0, n - 1, _BLOCK):
        e = min(n, s + _BLOCK)
        r, c = np.triu_indices(e - s, k=s + 1, m=n)  # columns j > s + r
        lead, head = _dense(L[s:e] @ L.T), _dense(H[s:e] @ H.T)
        parts.append(((r + s).astype(np.int64), c.astype(np.int64), lead[r, c].astype(np.float64),
                      head[r, c].astype(np.float64)))
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(4))  # type: ignore[return-value]


def document_similarity(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                        method: str = "minilm", k_neighbors: int = 15, embed: Embed | None = None,
                        syndicated: pd.DataFrame | None = None,
                        all_pairs_max: int = ALL_PAIRS_MAX) -> pd.DataFrame:
    """Pairwise document similarity: every pair up to ``all_pairs_max`` articles, else neighbours.

    Parameters
    ----------
    method : {"minilm", "tfidf"}
        MiniLM (needs the embeddings extra) or the TF-IDF fallback; the weights come from
        :data:`DOC_WEIGHTS`, fitted on SemEval-2022 Task 8.
    k_neighbors : int, default=15
        Above ``all_pairs_max`` articles, candidates per article from nearest-neighbour search on
        the lead.
    embed : callable, optional
        Texts -> unit-normalised MiniLM rows (:meth:`analysis.annotate.Annotator.embed`, with the
        run folder's cache and engine); :func:`analysis.nlp.embed` afresh by default.
    syndicated : DataFrame, optional
        The ``syndication`` table, to add each pair's shingle Jaccard.
    all_pairs_max : int, default=2000
        Up to this many articles every pair is scored (n(n-1)/2 rows), so any two articles can be
        looked up; beyond it the table would grow quadratically and only neighbours are kept
        (:func:`outlet_similarity` still compares every pair of outlets).

    Returns
    -------
    DataFrame
        The ``similarity`` table of the package docstring, sorted by ``article_a, article_b``.
    """
    _check_columns(articles, ["article_id", "clean_text"], "articles")
    if method not in DOC_WEIGHTS:
        raise CoverageError(f"unknown similarity method {method!r}; use one of {sorted(DOC_WEIGHTS)}")
    arts = articles.sort_values("article_id").reset_index(drop=True)
    ids = np.array(arts["article_id"].astype(str).tolist(), dtype=object)
    if len(ids) < 2:
        return pd.DataFrame(columns=_SIM_COLS)
    L, H = _doc_vectors(arts, sentences, method, embed)
    every = len(ids) <= all_pairs_max
    if every:
        ia, ib, lead, head = _all_pairs(L, H)
    else:
        leads = arts["clean_text"].astype(str).tolist()
        X = _vectors([t[:_LEAD_CHARS] for t in leads], method, embed)
        pairs = neighbour_pairs(X, k=k_neighbors)
        ia = np.array([i for i, _, _ in pairs], dtype=np.int64)
        ib = np.array([j for _, j, _ in pairs], dtype=np.int64)
        lead, head = _row_dots(L, ia, ib), _row_dots(H, ia, ib)
    w = DOC_WEIGHTS[method]
    out = pd.DataFrame({"article_a": ids[ia], "article_b": ids[ib],
                        "score": np.round(w["lead"] * lead + w["headline"] * head, 6), "method": method,
                        "lead": np.round(lead, 6), "headline": np.round(head, 6)})
    out["shingle_jaccard"] = _shingle_jaccard(out, syndicated)
    if every:  # ids are sorted and pairs row-major: already in order
        return out[_SIM_COLS]
    return out[_SIM_COLS].sort_values(["article_a", "article_b"]).reset_index(drop=True)


def _shingle_jaccard(pairs: pd.DataFrame, syndicated: pd.DataFrame | None) -> np.ndarray:
    """Each pair's shingle Jaccard from the ``syndication`` table (0 when not wire copy)."""
    values = np.zeros(len(pairs))
    if syndicated is None or syndicated.empty:
        return values
    jac = pd.Series(syndicated["jaccard"].astype(float).to_numpy(),
                    index=pd.MultiIndex.from_arrays([syndicated["article_a"], syndicated["article_b"]]))
    key = pd.MultiIndex.from_arrays([pairs["article_a"], pairs["article_b"]])
    hit = key.isin(jac.index)
    if hit.any():
        values[hit] = jac.reindex(key[hit]).to_numpy()
    return values


def outlet_similarity(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                      method: str = "minilm", embed: Embed | None = None) -> pd.DataFrame:
    """Mean similarity over every pair of articles of two outlets (and within an outlet), exactly.

    The score is ``w_lead * lead_a . lead_b + w_headline * head_a . head_b``, so its sum over all
    pairs of outlets A and B is the same form of the outlets' summed vectors: linear in the articles
    (within an outlet, self-pairs are taken out). This is what a corpus too big for all pairs
    (``all_pairs_max``) still offers for every pair of outlets.

    Returns
    -------
    DataFrame
        ``outlet_a, outlet_b, n_pairs, score, lead, headline, method`` with ``outlet_a <= outlet_b``
        (a row with both equal compares an outlet's own articles; only when it has two or more).
    """
    _check_columns(articles, ["article_id", "outlet", "clean_text"], "articles")
    arts = articles.sort_values("article_id").reset_index(drop=True)
    if len(arts) < 2:
        return pd.DataFrame(columns=_OUTLET_COLS)
    L, H = _doc_vectors(arts, sentences, method, embed)
    outlets = arts["outlet"].astype(str).to_numpy()
    names = sorted(set(outlets))
    pos = {o: k for k, o in enumerate(names)}
    from scipy.sparse import csr_matrix

    # outlet x article indicator: its product with the vectors sums each outlet's rows
    member = csr_matrix((np.ones(len(arts)), ([pos[o] for o in outlets], np.arange(len(arts)))),
                        shape=(len(names), len(arts)))
    count = np.asarray(member.sum(1)).ravel().astype(np.int64)
    w = DOC_WEIGHTS[method]
    parts = []
    for X in (L, H):
        S = _dense(member @ X).astype(np.float64)
        cross = S @ S.T  # summed dot products over all article pairs of two outlets (self-pairs included)
        self_dots = member @ _row_dots(X, np.arange(len(arts)), np.arange(len(arts))).astype(np.float64)
        cross[np.diag_indices(len(names))] = (np.diag(cross) - self_dots) / 2
        parts.append(cross)
    n_pairs = np.outer(count, count)
    n_pairs[np.diag_indices(len(names))] = count * (count - 1) // 2
    rows = []
    for a in range(len(names)):
        for b in range(a, len(names)):
            if n_pairs[a, b]:
                lead, head = parts[0][a, b] / n_pairs[a, b], parts[1][a, b] / n_pairs[a, b]
                rows.append({"outlet_a": names[a], "outlet_b": names[b], "n_pairs": int(n_pairs[a, b]),
                             "score": round(w["lead"] * lead + w["headline"] * head, 6),
                             "lead": round(lead, 6), "headline": round(head, 6), "method": method})
    return pd.DataFrame(rows, columns=_OUTLET_COLS)


def similarity_matrix(similarity: pd.DataFrame, labels: dict[str, str] | None = None,
                      *, max_items: int = 40) -> pd.DataFrame:
    """Square matrix for the heatmap, ordered by average-linkage clustering.

    Articles are aggregated to outlets (mean score of their pairs) when there are more than
    ``max_items`` articles, and only the ``max_items`` best-connected outlets are kept then, so the
    figure stays readable for thousands of articles. Pairs never scored (not neighbours) count as 0.
    """
    if similarity.empty:
        return pd.DataFrame()
    sim = similarity.copy()
    ids = sorted(set(sim["article_a"]) | set(sim["article_b"]))
    if labels is not None and len(ids) > max_items:
        sim["article_a"] = sim["article_a"].map(lambda x: labels.get(x, x))
        sim["article_b"] = sim["article_b"].map(lambda x: labels.get(x, x))
        sim = sim[sim["article_a"] != sim["article_b"]]
        sim = sim.groupby(["article_a", "article_b"], as_index=False)["score"].mean()
        ids = sorted(set(sim["article_a"]) | set(sim["article_b"]))
    if len(ids) > max_items:
        strength = pd.concat([sim.groupby("article_a")["score"].sum(), sim.groupby("article_b")["score"].sum()])
        keep = set(strength.groupby(level=0).sum().sort_values(ascending=False, kind="stable").index[:max_items])
        sim = sim[sim["article_a"].isin(keep) & sim["article_b"].isin(keep)]
        ids = sorted(keep)
    pos = {x: i for i, x in enumerate(ids)}
    values = np.zeros((len(ids), len(ids)))
    for r in sim.itertuples(index=False):
        i, j = pos[r.article_a], pos[r.article_b]
        values[i, j] = values[j, i] = max(float(r.score), values[i, j])
    np.fill_diagonal(values, 1.0)
    m = pd.DataFrame(values, index=ids, columns=ids)
    if len(ids) > 2:
        from scipy.cluster.hierarchy import leaves_list, linkage
        from scipy.spatial.distance import squareform

        dist = np.clip(1.0 - values, 0.0, None)
        np.fill_diagonal(dist, 0.0)
        order = leaves_list(linkage(squareform((dist + dist.T) / 2, checks=False), "average", optimal_ordering=True))
        m = m.iloc[order, order]
    if labels is not None and len(m) <= max_items:
        m = m.rename(index=lambda x: labels.get(x, x), columns=lambda x: labels.get(x, x))
    return m
