"""One error class per stage, so a caller can tell where a run failed."""

from . import NewsreportError


class CorpusError(NewsreportError):
    """The input corpus cannot be read (missing path, bad CSV, too few articles)."""


class CleanError(NewsreportError):
    """Cleaning left too little to analyse."""


class CoverageError(NewsreportError):
    """The coverage stage got inputs it cannot compare."""


class StanceError(NewsreportError):
    """The stance stage got inputs it cannot score."""


class QuotesError(NewsreportError):
    """The quotes stage got inputs it cannot process."""


class ReportError(NewsreportError):
    """Rendering the report failed."""


class PipelineError(NewsreportError):
    """A stage notebook failed; the message names the stage and the cell."""
