"""newsreport's analysis package: one module per pipeline stage.

``corpus`` reads inputs, ``clean`` turns them into articles and sentences, ``coverage``,
``stance`` and ``quotes`` measure, ``report`` renders, ``pipeline`` chains the notebooks,
``cli`` is the ``newsreport`` command. Stage modules are pure functions over DataFrames;
``artifacts`` is the only place that knows how run-folder files are written.
"""

__version__ = "0.1.0"


class NewsreportError(Exception):
    """Base class of every error newsreport raises on purpose."""
