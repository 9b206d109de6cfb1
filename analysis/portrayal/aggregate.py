"""Per outlet x actor portrayal scores with an interval and the sentences that drive them.

A sentence's signed strength is P(positive) - P(negative) from :func:`analysis.portrayal.classify`;
an outlet's portrayal of an actor is the mean over the sentences that mention the actor. Quotes are
scored apart from narration (``voice``), because a quote is the speaker's wording, not the outlet's.

The interval is a percentile bootstrap. Sentences of one article are not independent (one
reporter, one angle), so when an ``article_id`` column is given the bootstrap resamples whole
articles; otherwise it resamples sentences. Each group draws from its own generator seeded by
``seed``, so a group's interval does not depend on which other groups are in the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._model import PortrayalError

#: columns of :func:`aggregate`'s result, in order
COLUMNS = ("outlet", "actor", "voice", "n_sentences", "n_articles", "score", "ci_low", "ci_high",
           "share_negative", "share_positive", "drivers", "driver_shifts")
REQUIRED = ("outlet", "actor", "sentence", "probabilities", "in_quote")


def _strength(probabilities: pd.Series) -> np.ndarray:
    probs = np.array([tuple(p) for p in probabilities], dtype=np.float64).reshape(-1, 3)
    return probs[:, 2] - probs[:, 0]


def bootstrap_interval(values: np.ndarray, clusters: np.ndarray, *, resamples: int = 2000,
                       level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of the mean of ``values``, resampling whole clusters.

    Returns ``(nan, nan)`` with fewer than two clusters: one article (or one sentence) cannot
    say how much the figure would move with other coverage.
    """
    keys, inverse = np.unique(clusters, return_inverse=True)
    if len(keys) < 2:
        return float("nan"), float("nan")
    sums = np.bincount(inverse, weights=values, minlength=len(keys))
    counts = np.bincount(inverse, minlength=len(keys)).astype(np.float64)
    rng = np.random.default_rng(seed)
    draw = rng.integers(0, len(keys), size=(resamples, len(keys)))
    means = sums[draw].sum(1) / counts[draw].sum(1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return round(float(low), 4), round(float(high), 4)


def _drivers(sentences: Sequence[str], values: np.ndarray, top: int) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The ``top`` sentences whose removal would move the mean most (leave-one-out shift)."""
    n = len(values)
    if n == 1:
        return (sentences[0],), (round(float(values[0]), 4),)
    shifts = (values - values.mean()) / (n - 1)  # mean(all) - mean(without i)
    # equal shifts (always so for two sentences) can differ in the last bits of a float, and
    # probabilities from another runtime move those bits: compare at 1e-9 so ties go to the earlier row
    order = sorted(range(n), key=lambda i: (-round(abs(float(shifts[i])), 9), i))[:top]
    return tuple(sentences[i] for i in order), tuple(round(float(shifts[i]), 4) for i in order)


def aggregate(rows: pd.DataFrame, *, top: int = 3, resamples: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Portrayal per outlet x actor x voice.

    Parameters
    ----------
    rows : one row per (sentence, actor mention) with columns ``outlet``, ``actor``, ``sentence``,
        ``probabilities`` ((P(neg), P(neu), P(pos)), as :func:`classify` returns) and ``in_quote``
        (bool); ``article_id`` optional (then the interval resamples articles). Rows keep their
        order: ties among drivers go to the earlier row.
    top : how many driving sentences to list
    resamples, seed : bootstrap draws and generator seed

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`: ``voice`` is ``"narration"`` or ``"quote"``; ``score`` the mean of
        P(pos) - P(neg) in [-1, 1]; ``ci_low``/``ci_high`` its 95 % bootstrap interval (NaN with
        one article); ``n_articles`` is NaN without an ``article_id`` column; ``share_negative``/``share_positive`` the share of sentences whose most
        probable class is negative/positive; ``drivers`` up to ``top`` sentences that move the
        score most, ``driver_shifts`` how much each moves it (score minus score without it).
        Sorted by outlet, actor, voice.

    Raises
    ------
    PortrayalError
        If a required column is missing.
    """
    missing = [c for c in REQUIRED if c not in rows.columns]
    if missing:
        raise PortrayalError(f"portrayal rows lack columns {missing!r}")
    if rows.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = rows.reset_index(drop=True).assign(
        _strength=_strength(rows["probabilities"]),
        _label=[int(np.argmax(tuple(p))) for p in rows["probabilities"]],
        voice=np.where(rows["in_quote"].astype(bool).to_numpy(), "quote", "narration"))
    clusters = frame["article_id"].astype(str) if "article_id" in frame else frame.index.astype(str)
    frame = frame.assign(_cluster=np.asarray(clusters))
    out = []
    for (outlet, actor, voice), g in frame.groupby(["outlet", "actor", "voice"], sort=True):
        values = g["_strength"].to_numpy()
        low, high = bootstrap_interval(values, g["_cluster"].to_numpy(), resamples=resamples, seed=seed)
        drivers, shifts = _drivers(g["sentence"].tolist(), values, top)
        out.append({"outlet": outlet, "actor": actor, "voice": voice, "n_sentences": len(g),
                    "n_articles": int(g["_cluster"].nunique()) if "article_id" in frame else np.nan,
                    "score": round(float(values.mean()), 4), "ci_low": low, "ci_high": high,
                    "share_negative": round(float((g["_label"] == 0).mean()), 4),
                    "share_positive": round(float((g["_label"] == 2).mean()), 4),
                    "drivers": drivers, "driver_shifts": shifts})
    return pd.DataFrame(out, columns=list(COLUMNS))
