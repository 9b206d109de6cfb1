"""The batch API: :func:`classify` sentences with a target span each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from . import _model as pm


class Polarity(NamedTuple):
    """The portrayal of one target in one sentence.

    Attributes
    ----------
    polarity : -1 negative, 0 neutral, 1 positive (the most probable class)
    probabilities : (P(negative), P(neutral), P(positive)), summing to 1
    """

    polarity: int
    probabilities: tuple[float, float, float]

    @property
    def score(self) -> float:
        """P(positive) - P(negative), in [-1, 1]: the signed strength the aggregation averages."""
        return self.probabilities[2] - self.probabilities[0]


def classify(sentences: Sequence[str], spans: Sequence[tuple[int, int]], *,
             batch_size: int = 32) -> list[Polarity]:
    """Portrayal of ``sentence[start:end]`` in each sentence, in input order.

    Parameters
    ----------
    sentences : the sentences
    spans : one ``(start, end)`` character span (end-exclusive) of the target per sentence
    batch_size : inputs per forward pass (results do not depend on it beyond rounding)

    Raises
    ------
    PortrayalError
        If the two lists differ in length, or a span is not a non-blank part of its sentence
        (the message names the index of the first bad pair).
    """
    if len(sentences) != len(spans):
        raise pm.PortrayalError(f"{len(sentences)} sentences but {len(spans)} spans")
    encoded = []
    for i, (sentence, span) in enumerate(zip(sentences, spans)):
        try:
            encoded.append(pm.encode(sentence, *span))
        except (pm.PortrayalError, TypeError, ValueError) as exc:
            raise pm.PortrayalError(f"pair {i}: {exc}") from None
    if not encoded:
        return []
    probs = pm.predict_proba(encoded, batch_size=batch_size)
    out = []
    for row in probs.round(6):
        p = (float(row[0]), float(row[1]), float(row[2]))
        out.append(Polarity(pm.LABELS[int(row.argmax())], p))
    return out
