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
                    min_sentences: int = MIN_SENTENCES, top: int = 3, resamples: int = 2000, level: float = 0.95, seed: int = 0) -> pd.DataFrame:
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
    ev = evidence[evidence["axis"] != "modifier"].assign(article_id=lambda d: d["article_id"].astype(str))
    ev_of = {k: g for k, g in ev.groupby(["article_id", "target"], sort=False)}
    rows = []
    for (target, outlet), group in st.groupby(["target", "outlet"], sort=True):
        article_ids = sorted(group["article_id"])
        sentence_sets = [_sentence_sums(ev_of.get((a, target)), weights) for a in article_ids]
        rng = np.random.default_rng(seed)
        low, high = _interval(sentence_sets, weights, prior_mass, condition_dilution, rng=rng,
                              resamples=resamples, level=level)
        rows.append(_row(outlet, target, group, ev_of, article_ids, (low, high), min_sentences=min_sentences,
                         top=top, conditional_at=conditional_at))
    return pd.DataFrame(rows, columns=FRAMING_OUTLET_COLUMNS)


def _check(stance: pd.DataFrame, evidence: pd.DataFrame) -> None:
    need = {"stance": (stance, ("article_id", "target", "support_score", "conditionality")),
            "stance_evidence": (evidence, ("article_id", "target", "sent_id", "axis", "section", "clause_weight",
                                           "weight"))}
    for name, (table, cols) in need.items():
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise StanceError(f"{name}: columns {missing!r} missing; framing_outlets needs {list(cols)!r}")


class _Sentences:
    """One article's cue sentences as arrays: section index and the S, A, C sums of its clause weights."""

    def __init__(self, section: np.ndarray, s: np.ndarray, a: np.ndarray, c: np.ndarray, sections: list[str]):
        self.section, self.s, self.a, self.c, self.sections = section, s, a, c, sections

    def __len__(self) -> int:
        return len(self.section)


def _sentence_sums(ev: pd.DataFrame | None, weights: Mapping[str, float]) -> _Sentences:
    """Per cue sentence: S (signed support clause weights), A (their absolute sum), C (conditions)."""
    if ev is None or ev.empty:
        empty = np.zeros(0)
        return _Sentences(np.zeros(0, dtype=int), empty, empty, empty, [])
    sup = ev["axis"] == "support"
    w = ev["clause_weight"].astype(float)
    frame = pd.DataFrame({"sent_id": ev["sent_id"].astype(str), "section": ev["section"].astype(str),
                          "s": w.where(sup, 0.0), "a": w.abs().where(sup, 0.0), "c": w.where(~sup, 0.0)})
    per = frame.groupby(["sent_id", "section"], sort=True)[["s", "a", "c"]].sum().reset_index()
    sections = sorted(set(per["section"]), key=lambda x: (-weights.get(x, 1.0), x))
    index = {name: i for i, name in enumerate(sections)}
    return _Sentences(per["section"].map(index).to_numpy(), per["s"].to_numpy(), per["a"].to_numpy(),
                      per["c"].to_numpy(), sections)


def _scores(sents: _Sentences, counts: np.ndarray, weights: Mapping[str, float], prior_mass: float,
            condition_dilution: float) -> np.ndarray:
    """The article's support score for each row of ``counts`` (how often each sentence was drawn).

    The same arithmetic as :func:`.scoring._mix_sections`: a section is present when a drawn
    sentence lies in it, and present sections share the score by their weights.
    """
    draws = counts.shape[0]
    if len(sents) == 0:
        return np.zeros(draws)
    num = np.zeros(draws)
    total_w = np.zeros(draws)
    for j, name in enumerate(sents.sections):
        mask = sents.section == j
        k = counts[:, mask]
        s, a, c = k @ sents.s[mask], k @ sents.a[mask], k @ sents.c[mask]
        present = k.sum(axis=1) > 0
        w = weights.get(name, 1.0)
        total_w += np.where(present, w, 0.0)
        num += np.where(present, w * s / (a + condition_dilution * c + prior_mass), 0.0)
    return num / np.where(total_w > 0, total_w, 1.0)


def _interval(sentence_sets: list[_Sentences], weights: Mapping[str, float], prior_mass: float,
              condition_dilution: float, *, rng: np.random.Generator, resamples: int,
              level: float) -> tuple[float, float]:
    """Percentile interval of the outlet's mean score: articles resampled (two or more), then each
    drawn article's cue sentences; NaN when fewer than two sentences stand behind the score."""
    n_sentences = sum(len(s) for s in sentence_sets)
    m = len(sentence_sets)
    if n_sentences == 0 or (m < 2 and n_sentences < 2):
        return float("nan"), float("nan")
    picks = rng.integers(0, m, size=(resamples, m)) if m >= 2 else np.zeros((resamples, 1), dtype=int)
    table = np.zeros((resamples, m))
    for i, sents in enumerate(sentence_sets):
        n = len(sents)
        if n == 0:
            continue
        draw = rng.integers(0, n, size=(resamples, n))
        counts = np.zeros((resamples, n))
        np.add.at(counts, (np.repeat(np.arange(resamples), n), draw.ravel()), 1.0)
        table[:, i] = _scores(sents, counts, weights, prior_mass, condition_dilution)
    means = np.take_along_axis(table, picks, axis=1).mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return round(float(low), 4), round(float(high), 4)


def _drivers(ev: pd.DataFrame, n_articles: int, top: int) -> tuple[str, str]:
    """The ``top`` cue sentences that move the outlet's score most, and each one's contribution."""
    if ev.empty:
        return "", ""
    per = ev.assign(sent_id=ev["sent_id"].astype(str),
                    sup=np.where(ev["axis"] == "support", ev["weight"].astype(float), 0.0),
                    cond=np.where(ev["axis"] != "support", ev["weight"].astype(float), 0.0))
    per = per.groupby("sent_id", sort=True)[["sup", "cond"]].sum() / max(1, n_articles)
    per = per[(per["sup"].abs() > 0) | (per["cond"] > 0)]
    order = sorted(per.index, key=lambda s: (-round(abs(per.loc[s, "sup"]), 9), -per.loc[s, "cond"], s))[:top]
    return ";".join(order), ";".join(f"{per.loc[s, 'sup']:+.4f}" for s in order)


def _row(outlet: str, target: str, group: pd.DataFrame, ev_of: Mapping[Any, pd.DataFrame], article_ids: list[str],
         interval: tuple[float, float], *, min_sentences: int, top: int,
         conditional_at: float) -> dict[str, Any]:
    parts = [ev_of[(a, target)] for a in article_ids if (a, target) in ev_of]
    ev = pd.concat(parts) if parts else pd.DataFrame(columns=["sent_id", "axis", "weight", "clause_weight"])
    n_sent = int(ev["sent_id"].nunique())
    score = float(group["support_score"].mean())
    cond = float(group["conditionality"].mean())
    mass = float(ev.loc[ev["axis"] == "support", "clause_weight"].astype(float).abs().sum()) if n_sent else 0.0
    if n_sent == 0:
        label = "unclear"
    elif n_sent < min_sentences:
        label = "too few"
    else:
        label = stance_label(score, cond, mass=mass, conditional_at=conditional_at)
    drivers, shifts = _drivers(ev, len(article_ids), top)
    return dict(outlet=outlet, target=target, score=round(score, 6), ci_low=interval[0], ci_high=interval[1],
                ci_unit="article+sentence" if len(article_ids) >= 2 else "sentence",
                conditionality=round(cond, 6), n_sentences=n_sent, n_cues=int(len(ev)),
                n_articles=len(article_ids), label=label, drivers=drivers, driver_shifts=shifts)
