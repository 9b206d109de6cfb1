"""Portrayal: how a sentence's wording makes the reader feel about a named person or organisation.

A target-dependent sentiment classifier (negative / neutral / positive toward the marked mention),
trained on NewsMTSC (Hamborg & Donnay, EACL 2021) by ``benchmarks/train_portrayal.py``, and the
per outlet x actor aggregation the stance stage reports. The model is the packaged MiniLM with
its top layers and a head retrained; see :mod:`analysis.portrayal._model`.
"""

from ._model import LABELS, PortrayalError, check_span, problem_of
from ._api import Polarity, classify
from .aggregate import aggregate, bootstrap_interval

__all__ = ["LABELS", "Polarity", "PortrayalError", "aggregate", "bootstrap_interval", "check_span", "classify", "problem_of"]
