"""Stance scores: section-by-section support and conditionality, mixed by section weight, and labels.

Every score is a sum of the evidence rows' ``weight`` column, which :func:`score_stance` fills in,
so a reader can trace each number back to the words behind it.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd

from .model import CONDITION_DILUTION, METHOD, SECTION_WEIGHTS, STANCE_COLUMNS, StanceScores


def stance_label(support: float, conditionality: float, *, mass: float,
                 conditional_at: float = 0.4, skeptical_below: float = 0.15,
                 opposed_below: float = -0.3) -> str:
    """Ordinal label from the two scores (supportive > conditional > skeptical > opposed).

    ``unclear`` when there is no stance cue (``mass``, the weighted mass of non-neutral
    support-axis cues, is 0): conditions alone ("must", "if") say nothing about which way.
    """
    if mass <= 0:
        return "unclear"
    if support <= opposed_below:
        return "opposed"
    if support < skeptical_below:
        return "skeptical"
    if conditionality >= conditional_at:
        return "conditional"
    return "supportive"



def score_stance(evidence: pd.DataFrame, articles: pd.DataFrame, targets: pd.DataFrame, *,
                 section_weights: Mapping[str, float] | None = None, prior_mass: float = 0.5,
                 condition_dilution: float = CONDITION_DILUTION, confidence_scale: float = 4.0,
                 conditional_at: float = 0.4) -> StanceScores:
    """Per article and target: support ↔ opposition, conditionality, a label and a confidence.

    Each section (headline, lede, body) is scored on its own, then the sections that carry
    evidence are mixed with ``section_weights`` (default 3 : 2 : 1), so a long body cannot drown
    the headline and the headline counts most. Within a section, with S the signed sum of
    support-axis clause weights, A their absolute sum and C the conditionality sum::

        support_sec        = S / (A + condition_dilution * C + prior_mass)
        conditionality_sec = C / (C + A + prior_mass)

    ``support_score`` is in [-1, 1] (+1: every cue endorses, no conditions), conditions and thin
    evidence pull it towards 0; ``conditionality`` in [0, 1) is the share of the framing spent on
    conditions. ``confidence = 1 - exp(-M / confidence_scale)`` with M the section-weighted cue
    mass: how much evidence there is, not whether the word list is right.

    Returns
    -------
    StanceScores
        ``stance`` (one row per article and target, sorted) and ``evidence`` whose ``weight``
        column now holds each cue's additive contribution: the support-axis weights of one
        article and target sum to its ``support_score``, the conditionality ones to its
        ``conditionality``.
    """
    weights = dict(SECTION_WEIGHTS if section_weights is None else section_weights)
    evidence = evidence.copy()
    evidence["weight"] = np.where(evidence["axis"] == "modifier", evidence["clause_weight"], 0.0)
    rows = []
    # one pass over the evidence, not one scan per (article, target): corpora grow to thousands
    groups = {key: idx for key, idx in evidence.groupby(["article_id", "target"], sort=False).groups.items()}
    empty = evidence.index[:0]
    for article_id in sorted(articles["article_id"].astype(str).unique()):
        for target in targets["target"]:
            idx = groups.get((article_id, target), empty)
            group = evidence.loc[idx]
            ev = group[group["axis"] != "modifier"]
            support, conditionality, mass, stance_mass = _mix_sections(ev, evidence, weights, prior_mass,
                                                                       condition_dilution)
            rows.append(dict(article_id=article_id, target=target, support_score=round(support, 6),
                             conditionality=round(conditionality, 6),
                             label=stance_label(support, conditionality, mass=stance_mass, conditional_at=conditional_at),
                             confidence=round(1 - math.exp(-mass / confidence_scale), 6),
                             n_cues=int(len(idx)), cue_mass=round(mass, 6), top_cues=_top_cues(evidence.loc[ev.index]),
                             method=METHOD))
    evidence["weight"] = evidence["weight"].round(6)
    return StanceScores(pd.DataFrame(rows, columns=STANCE_COLUMNS), evidence)


def _mix_sections(ev: pd.DataFrame, evidence: pd.DataFrame, weights: Mapping[str, float], prior_mass: float,
                  condition_dilution: float) -> tuple[float, float, float, float]:
    """Score each section of one (article, target) and mix them; see :func:`score_stance`.

    ``ev`` holds the pair's support- and conditionality-axis rows; each row's additive
    contribution is written into ``evidence["weight"]`` (in place, so the weights and the scores
    come from the same arithmetic). Returns (support, conditionality, cue mass, stance mass).
    """
    present = sorted(set(ev["section"]), key=lambda x: -weights.get(x, 1.0))
    total_w = sum(weights.get(x, 1.0) for x in present)
    support = conditionality = mass = stance_mass = 0.0
    for sec in present:
        e = ev[ev["section"] == sec]
        sup = e["axis"] == "support"
        s = float(e.loc[sup, "clause_weight"].sum())
        a = float(e.loc[sup, "clause_weight"].abs().sum())
        c = float(e.loc[~sup, "clause_weight"].sum())
        pi = weights.get(sec, 1.0) / total_w
        d_sup = a + condition_dilution * c + prior_mass
        d_cond = c + a + prior_mass
        support += pi * s / d_sup
        conditionality += pi * c / d_cond
        mass += weights.get(sec, 1.0) * (a + c)
        stance_mass += weights.get(sec, 1.0) * a
        evidence.loc[e.index[sup.to_numpy()], "weight"] = pi * e.loc[sup, "clause_weight"] / d_sup
        evidence.loc[e.index[~sup.to_numpy()], "weight"] = pi * e.loc[~sup, "clause_weight"] / d_cond
    return support, conditionality, mass, stance_mass


def _top_cues(moving: pd.DataFrame, n: int = 5) -> str:
    """The ``n`` cues with the largest contribution, ``;``-joined with class and section (``top_cues``)."""
    moving = moving.assign(mag=moving["weight"].abs())
    moving = moving[moving["mag"] > 0].sort_values(["mag", "start"], ascending=[False, True])
    return "; ".join(f"{r.cue} ({r.cue_class}, {r.section})" for r in moving.head(n).itertuples())
