"""Record a benchmark's measured figures in ``benchmarks/results_<stage>.json``.

The report's methods section quotes these files, so a reader sees today's measured accuracy, not
only the pinned floors. Commit them together with the README's figures.
"""

from __future__ import annotations

import json
from pathlib import Path


def record(stage: str, figures: dict[str, float]) -> Path:
    path = Path(__file__).with_name(f"results_{stage}.json")
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in sorted(figures.items())}
    path.write_text(json.dumps(rounded, indent=2) + "\n", encoding="utf-8")
    return path
