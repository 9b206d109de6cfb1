"""Record a benchmark's measured figures in ``benchmarks/results_<stage>.json``.

The report's methods section quotes these figures, so a reader sees today's measured accuracy, not
only the pinned floors. The report reads them from the package data
``analysis/resources/benchmarks.json`` (an installed package has no ``benchmarks/`` folder), which
:func:`record` refreshes from every ``floors_*.json`` and ``results_*.json`` here after each
benchmark. Commit them together with the README's figures.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_FIGURES = HERE.parent / "analysis" / "resources" / "benchmarks.json"


def record(stage: str, figures: dict[str, float]) -> Path:
    path = HERE / f"results_{stage}.json"
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in sorted(figures.items())}
    path.write_text(json.dumps(rounded, indent=2) + "\n", encoding="utf-8")
    write_package_figures()
    return path


def package_figures(folder: Path = HERE) -> dict[str, dict[str, dict]]:
    """``{"floors": {stage: figures}, "results": {stage: figures}}`` from the files in ``folder``."""
    out: dict[str, dict[str, dict]] = {}
    for kind in ("floors", "results"):
        out[kind] = {}
        for path in sorted(folder.glob(f"{kind}_*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                out[kind][path.stem.removeprefix(f"{kind}_")] = data
    return out


def write_package_figures(target: Path = PACKAGE_FIGURES) -> Path:
    """Copy the pinned floors and recorded figures into the package data the report reads."""
    target.write_text(json.dumps(package_figures(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    print(f"benchmark figures copied to {write_package_figures()}")
