"""Position framing per outlet and target, with an interval and the sentences that move it most.

An article's ``support_score`` (:func:`.scoring.score_stance`) rests on a handful of cue sentences;
an outlet's framing of a target is the mean over its articles. How far would that figure move had
the outlet used other sentences of the same kind? :func:`framing_outlets` answers with a 95 %
percentile bootstrap that recomputes the score from the evidence rows, exactly as the scoring
does (each section scored on its own, then mixed by section weight): it resamples the outlet's
articles (when it has two or more) and, within each drawn article, the sentences that carry its
cues. One sentence cannot say how much the figure would move, so an outlet whose score rests on
one cue sentence of one article gets no interval (NaN).

Each outlet x target draws from its own generator seeded with ``seed``, so the table is the same
for the same evidence whatever else is in the corpus (deterministic; no global random state).

Table ``stance_framing_outlets``
--------------------------------
``outlet, target``; ``score`` (mean ``support_score`` of the outlet's articles, -1…+1; an article
without a cue counts 0, as in the per-article table); ``ci_low, ci_high`` (95 % bootstrap, NaN with
fewer than two sentences to resample); ``ci_unit`` (``article+sentence`` when articles and their
sentences are resampled, ``sentence`` for an outlet of one article); ``conditionality`` (mean);
``n_sentences`` (sentences with a cue about the target: the sentences behind the score), ``n_cues``,
``n_articles``; ``label`` (:func:`.scoring.stance_label` of the outlet's means; ``too few`` when
fewer than ``min_sentences`` sentences stand behind the score, ``unclear`` with none);
``drivers`` (``;``-joined ``sent_id`` of up to three sentences whose cues move the outlet's score
most) and ``driver_shifts`` (each one's signed contribution to ``score``: the sum of its cues'
``weight`` divided by the outlet's number of articles, since the scores are additive in the cues).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..errors import StanceError
from .model import CONDITION_DILUTION, SECTION_WEIGHTS
from .scoring import stance_label
from .summary import outlet_names

FRAMING_OUTLET_COLUMNS = ["outlet", "target", "score", "ci_low", "ci_high", "ci_unit", "conditionality",
                          "n_sentences", "n_cues", "n_articles", "label", "drivers", "driver_shifts"]
#: fewer cue sentences than this behind an outlet's framing score: labelled ``too few``
MIN_SENTENCES = 3


def framing_outlets(stance: pd.DataFrame, evidence: pd.DataFrame, articles: pd.DataFrame, *,
                    section_weights: Mapping[str, float] | None = None, prior_mass: float = 0.5,
                    condition_dilution: float = CONDITION_DILUTION, conditional_at: float = 0.4,
                    min_sentences: int = MIN_SENTENCES, top: int = 3, resamples: int = 2000, level: float = 0.95,
                    seed: int = 0) -> pd.DataFrame:
    """Per outlet and target: mean support score, its bootstrap interval, the sentences behind it.

    Parameters
    ----------
    stance, evidence : the tables :func:`.scoring.score_stance` returns (``evidence`` with each
        cue's ``weight`` filled in)
    articles : the clean stage's articles (outlets; an article without one goes by its id)
    section_weights, prior_mass, condition_dilution, conditional_at : as given to
        :func:`.scoring.score_stance`; the bootstrap recomputes the scores with them
    min_sentences : fewer sentences behind a score are labelled ``too few``
    top : how many driving sentences to list
    resamples, level, seed : bootstrap draws, interval level and generator seed

    Returns
    -------
    DataFrame with :data:`FRAMING_OUTLET_COLUMNS` (see the module docstring), sorted by target,
    then outlet.

    Raises
    ------
    StanceError
        If ``stance`` or ``evidence`` lacks a column the scores are rebuilt from.
    """
    _check(stance, evidence)
    weights = dict(SECTION_WEIGHTS if section_weights is None else section_weights)
    names = outlet_names(articles)
    st = stance.assign(article_id=stance["article_id"].astype(str))
    st = st.assign(outlet=[names.get(a) or a for a in st["article_id"]])
    per = _per_sentence(evidence, st, weights)
    # one pass: row positions of each (target, outlet) and (target, article) in the per-sentence table
    by_group = per.groupby(["target", "outlet"], sort=False).indices if len(per) else {}
    cues = evidence.loc[evidence["axis"] != "modifier", ["article_id", "target"]].astype({"article_id": str}) \
        .groupby(["article_id", "target"]).size() if len(evidence) else pd.Series(dtype=int)
    arrays = {c: per[c].to_numpy() for c in ("article_id", "sent_id", "sec", "s", "a", "c", "w_sup", "w_cond")}
    section_names = list(per.attrs.get("sections", []))
    rows = []
    for (target, outlet), group in st.groupby(["target", "outlet"], sort=True):
        article_ids = sorted(group["article_id"])
        idx = by_group.get((target, outlet), np.zeros(0, dtype=int))
        part = {c: v[idx] for c, v in arrays.items()}
        low, high = _interval(part, article_ids, section_names, weights, prior_mass, condition_dilution,
                              rng=np.random.default_rng(seed), resamples=resamples, level=level)
        n_cues = int(sum(cues.get((a, target), 0) for a in article_ids))
        rows.append(_row(outlet, target, group, part, n_cues, (low, high), min_sentences=min_sentences, top=top,
                         conditional_at=conditional_at))
    return pd.DataFrame(rows, columns=FRAMING_OUTLET_COLUMNS)


def _check(stance: pd.DataFrame, evidence: pd.DataFrame) -> None:
    need = {"stance": (stance, ("article_id", "target", "support_score", "conditionality")),
            "stance_evidence": (evidence, ("article_id", "target", "sent_id", "axis", "section", "clause_weight",
                                           "weight"))}
    for name, (table, cols) in need.items():
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise StanceError(f"{name}: columns {missing!r} missing; framing_outlets needs {list(cols)!r}")


def _per_sentence(evidence: pd.DataFrame, st: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """One row per (target, outlet, article, cue sentence): S (signed support clause weights), A (their
    absolute sum), C (condition clause weights) as the scoring sums them, the sentence's section
    (``sec``: index into ``attrs["sections"]``) and its contributions ``w_sup``/``w_cond`` to the score."""
    ev = evidence[evidence["axis"] != "modifier"]
    if ev.empty:
        return pd.DataFrame(columns=["target", "outlet", "article_id", "sent_id", "sec", "s", "a", "c", "w_sup",
                                     "w_cond"])
    sup = (ev["axis"] == "support").to_numpy()
    w = ev["clause_weight"].astype(float).to_numpy()
    contrib = ev["weight"].astype(float).to_numpy()
    outlet_of = dict(zip(st["article_id"], st["outlet"]))
    frame = pd.DataFrame({"target": ev["target"].to_numpy(), "article_id": ev["article_id"].astype(str).to_numpy(),
                          "sent_id": ev["sent_id"].astype(str).to_numpy(), "section": ev["section"].astype(str).to_numpy(),
                          "s": np.where(sup, w, 0.0), "a": np.where(sup, np.abs(w), 0.0), "c": np.where(sup, 0.0, w),
                          "w_sup": np.where(sup, contrib, 0.0), "w_cond": np.where(sup, 0.0, contrib)})
    frame = frame[frame["article_id"].isin(outlet_of)]
    per = frame.groupby(["target", "article_id", "sent_id", "section"], sort=True).sum().reset_index()
    sections = sorted(set(per["section"]), key=lambda x: (-weights.get(x, 1.0), x))
    per["sec"] = per["section"].map({name: i for i, name in enumerate(sections)}).astype(int)
    per["outlet"] = per["article_id"].map(outlet_of)
    per.attrs["sections"] = sections
    return per


def _scores(section: np.ndarray, sums: np.ndarray, counts: np.ndarray, sections: list[str],
            weights: Mapping[str, float], prior_mass: float, condition_dilution: float) -> np.ndarray:
    """One article's support score for each row of ``counts`` (how often each cue sentence was drawn).

    ``sums`` holds each sentence's S, A, C (columns). The same arithmetic as
    :func:`.scoring._mix_sections`: a section is present when a drawn sentence lies in it, and
    present sections share the score by their weights.
    """
    draws = counts.shape[0]
    num, total_w = np.zeros(draws), np.zeros(draws)
    for j in np.unique(section):
        mask = section == j
        k = counts[:, mask]
        s, a, c = (k @ sums[mask]).T
        present = k.sum(axis=1) > 0
        w = weights.get(sections[j], 1.0)
        total_w += np.where(present, w, 0.0)
        num += np.where(present, w * s / (a + condition_dilution * c + prior_mass), 0.0)
    return num / np.where(total_w > 0, total_w, 1.0)


def _interval(part: Mapping[str, np.ndarray], article_ids: list[str], sections: list[str],
              weights: Mapping[str, float], prior_mass: float, condition_dilution: float, *,
              rng: np.random.Generator, resamples: int, level: float) -> tuple[float, float]:
    """Percentile interval of the outlet's mean score: articles resampled (two or more), then each
    drawn article's cue sentences; NaN when fewer than two sentences stand behind the score."""
    n_sentences, m = len(part["sent_id"]), len(article_ids)
    if n_sentences == 0 or (m < 2 and n_sentences < 2):
        return float("nan"), float("nan")
    picks = rng.integers(0, m, size=(resamples, m)) if m >= 2 else np.zeros((resamples, 1), dtype=int)
    table = np.zeros((resamples, m))
    sums = np.column_stack([part["s"], part["a"], part["c"]])
    for i, aid in enumerate(article_ids):
        rows = np.flatnonzero(part["article_id"] == aid)
        n = len(rows)
        if n == 0:
            continue  # no cue: the article's score is 0 in every draw
        draw = rng.integers(0, n, size=(resamples, n)) + (np.arange(resamples) * n)[:, None]
        counts = np.bincount(draw.ravel(), minlength=resamples * n).reshape(resamples, n).astype(float)
        table[:, i] = _scores(part["sec"][rows], sums[rows], counts, sections, weights, prior_mass,
                              condition_dilution)
    means = np.take_along_axis(table, picks, axis=1).mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return round(float(low), 4), round(float(high), 4)


def _drivers(part: Mapping[str, np.ndarray], n_articles: int, top: int) -> tuple[str, str]:
    """The ``top`` cue sentences that move the outlet's score most, and each one's contribution
    (``weight`` is additive: a sentence adds the sum of its cues' weights to its article's score)."""
    sup = part["w_sup"] / max(1, n_articles)
    cond = part["w_cond"] / max(1, n_articles)
    keep = [i for i in range(len(sup)) if abs(sup[i]) > 0 or cond[i] > 0]
    order = sorted(keep, key=lambda i: (-round(abs(float(sup[i])), 9), -float(cond[i]), part["sent_id"][i]))[:top]
    return ";".join(part["sent_id"][i] for i in order), ";".join(f"{sup[i]:+.4f}" for i in order)


def _row(outlet: str, target: str, group: pd.DataFrame, part: Mapping[str, np.ndarray], n_cues: int,
         interval: tuple[float, float], *, min_sentences: int, top: int, conditional_at: float) -> dict[str, Any]:
    n_sent = len(part["sent_id"])
    score = float(group["support_score"].mean())
    cond = float(group["conditionality"].mean())
    mass = float(part["a"].sum()) if n_sent else 0.0
    if n_sent == 0:
        label = "unclear"
    elif n_sent < min_sentences:
        label = "too few"
    else:
        label = stance_label(score, cond, mass=mass, conditional_at=conditional_at)
    drivers, shifts = _drivers(part, len(group), top)
    return dict(outlet=outlet, target=target, score=round(score, 6), ci_low=interval[0], ci_high=interval[1],
                ci_unit="article+sentence" if len(group) >= 2 else "sentence",
                conditionality=round(cond, 6), n_sentences=n_sent, n_cues=n_cues,
                n_articles=len(group), label=label, drivers=drivers, driver_shifts=shifts)
