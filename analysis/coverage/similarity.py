"""Document similarity: how alike two articles are, on a score that tracks human judgement.

The score blends the cosine of the leads and of the headlines with weights fitted on SemEval-2022
Task 8 (:data:`~analysis.coverage.model.DOC_WEIGHTS`). Only each article's nearest neighbours
are scored; :func:`similarity_matrix` turns the pairs into a clustered, size-capped matrix for
the heatmap.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .. import nlp
from ..engine import Engine
from ..errors import CoverageError
from .model import DOC_WEIGHTS, _check_columns
from .vectors import _tfidf_vectors, _vectors, neighbour_pairs

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
                heads_b: Sequence[str], *, method: str, cache: dict | None = None,
                fit_on: Sequence[str] | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Blended similarity of aligned document pairs (used by the benchmark and the stage).

    Returns a DataFrame with ``lead, headline, score`` per pair, using :data:`DOC_WEIGHTS`.
    """
    w = DOC_WEIGHTS[method]
    if method == "minilm":
        la, lb = nlp.embed([t[:_LEAD_CHARS] for t in leads_a], cache=cache, engine=engine), nlp.embed(
            [t[:_LEAD_CHARS] for t in leads_b], cache=cache, engine=engine)
        ha, hb = (nlp.embed(list(heads_a), cache=cache, engine=engine),
                  nlp.embed(list(heads_b), cache=cache, engine=engine))
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


def document_similarity(articles: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                        method: str = "minilm", k_neighbors: int = 15, cache: dict | None = None,
                        syndicated: pd.DataFrame | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Pairwise document similarity for each article's ``k_neighbors`` nearest articles.

    Parameters
    ----------
    method : {"minilm", "tfidf"}
        MiniLM (needs the embeddings extra) or the TF-IDF fallback; the weights come from
        :data:`DOC_WEIGHTS`, fitted on SemEval-2022 Task 8.
    k_neighbors : int, default=15
        Candidates per article from nearest-neighbour search on the lead; with fewer than
        ``k_neighbors + 1`` articles every pair is scored.
    syndicated : DataFrame, optional
        The ``syndication`` table, to add each pair's shingle Jaccard.

    Returns
    -------
    DataFrame
        The ``similarity`` table of the package docstring, sorted by ``article_a, article_b``.
    """
    _check_columns(articles, ["article_id", "clean_text"], "articles")
    if method not in DOC_WEIGHTS:
        raise CoverageError(f"unknown similarity method {method!r}; use one of {sorted(DOC_WEIGHTS)}")
    arts = articles.sort_values("article_id").reset_index(drop=True)
    ids = arts["article_id"].astype(str).tolist()
    leads = arts["clean_text"].astype(str).tolist()
    heads = headline_of(arts, sentences)
    cols = ["article_a", "article_b", "score", "method", "lead", "headline", "shingle_jaccard"]
    if len(ids) < 2:
        return pd.DataFrame(columns=cols)
    X = _vectors([t[:_LEAD_CHARS] for t in leads], method, cache, engine=engine)
    pairs = neighbour_pairs(X, k=k_neighbors)
    ia = [i for i, _, _ in pairs]
    ib = [j for _, j, _ in pairs]
    sc = pair_scores([leads[i] for i in ia], [leads[j] for j in ib], [heads[i] for i in ia],
                     [heads[j] for j in ib], method=method, cache=cache, fit_on=leads, engine=engine)
    out = pd.DataFrame({"article_a": [ids[i] for i in ia], "article_b": [ids[j] for j in ib]})
    out = pd.concat([out, sc.round(6)], axis=1)
    out["method"] = method
    jac = {} if syndicated is None else {(r.article_a, r.article_b): r.jaccard for r in syndicated.itertuples()}
    out["shingle_jaccard"] = [float(jac.get((a, b), 0.0)) for a, b in zip(out["article_a"], out["article_b"])]
    return out[cols].sort_values(["article_a", "article_b"]).reset_index(drop=True)


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
