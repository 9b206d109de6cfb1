"""Frame evidence: an outlet that reports a shared fact's act inside a sentence about something else.

Embeddings score a sentence by its main topic, so "the deal already endorsed by Santiago" in a
sentence about a port protest does not look like "Chile agreed to the moratorium". When two or
more outlets' core claims of a fact report one act (:class:`~analysis.coverage.frames.Frame`:
same actor, same kind of act, same object), other outlets' claims reporting that act are added
to the fact as ``frame`` evidence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from .fact_table import FactGroup
from .frames import Frame
from .signatures import _WORD, Signature, _singular, disagreements, signature

_STOPWORDS = frozenset("a an the of for to on in with by and or its their his her this that these those".split())


def _theme_similarity(a: str, b: str, vectors: dict[str, np.ndarray] | None) -> float:
    if vectors is not None and a in vectors and b in vectors:
        return float(vectors[a] @ vectors[b])
    wa = {_singular(w) for w in _WORD.findall(a) if w.lower() not in _STOPWORDS}
    wb = {_singular(w) for w in _WORD.findall(b) if w.lower() not in _STOPWORDS}
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _frame_matches(x: Frame, y: Frame, vectors: dict[str, np.ndarray] | None, threshold: float) -> bool:
    """Same actor, same kind of act, and objects that name the same thing without disagreeing
    on a number or date ("a 30-day truce" is not "a 60-day truce")."""
    return (x.agent == y.agent and x.action == y.action and not x.anaphoric and not y.anaphoric
            and _theme_similarity(x.theme, y.theme, vectors) >= threshold
            and not disagreements(_theme_signature(x.theme), _theme_signature(y.theme)))


@lru_cache(maxsize=65536)
def _theme_signature(theme: str) -> Signature:
    """Signatures of frame objects, memoised: a frequent (actor, act) pair meets the same objects often."""
    return signature(theme)


def attach_by_frames(facts: dict[int, FactGroup], frames: Sequence[Sequence[Frame]], arts: Sequence[str],
                     mean_sim: Any, *, theme_vectors: dict[str, np.ndarray] | None,
                     theme_threshold: float) -> None:
    """Add evidence that reports a fact's act inside a sentence about something else.

    A fact whose core claims from two or more outlets share one act (same actor, same kind of act, same
    object: :class:`Frame`) draws in the claims of other outlets that report that act too.
    Candidates come from an index by (actor, act), so the step is linear in the number of frames.
    """
    index: dict[tuple[str, str], list[tuple[int, Frame]]] = {}
    for i, fs in enumerate(frames):
        for fr in fs:
            index.setdefault((fr.agent, fr.action), []).append((i, fr))
    for root in sorted(facts):
        fact = facts[root]
        # the fact's own act: one that at least two of its outlets report in their core claims
        core_frames = [(c, fr) for c in fact.core for fr in frames[c] if not fr.anaphoric]
        shared = [fr for c, fr in core_frames
                  if any(arts[d] != arts[c] and _frame_matches(fr, g, theme_vectors, theme_threshold)
                         for d, g in core_frames)]
        if not shared:
            continue
        present = {arts[c] for c in fact.core} | {arts[a] for a in fact.attached}
        best: dict[str, tuple[float, int, str]] = {}
        for fr in shared:
            for y, g in index.get((fr.agent, fr.action), ()):
                # the act itself must agree (checked on the objects); the rest of the sentence is
                # about something else, so its dates and names are not compared with the fact's
                if arts[y] in present or not _frame_matches(fr, g, theme_vectors, theme_threshold):
                    continue
                score = mean_sim([y], fact.core)
                if arts[y] not in best or (score, -y) > (best[arts[y]][0], -best[arts[y]][1]):
                    best[arts[y]] = (score, y, g.describe())
        for score, y, described in best.values():
            fact.framed[y] = (score, described)
