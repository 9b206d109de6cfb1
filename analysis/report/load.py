"""Reading a run folder for the report (the notebook's one read) and the recorded benchmark figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ReportError

#: run tables the report reads; each is optional except ``articles``
REPORT_TABLES = ("inputs", "articles", "sentences", "similarity", "facts", "conflicts", "coverage_matrix",
                 "stance", "stance_evidence", "quotes", "copies", "stance_portrayal_outlets", "unique_checks",
                 "stance_framing_outlets", "stance_drivers")

STAGE_SUMMARIES = ("clean", "coverage", "stance", "quotes")


def load_run(run_dir: str | Path) -> tuple[dict[str, pd.DataFrame | None], dict[str, dict[str, Any]], dict[str, Any]]:
    """Read what the report needs: ``(tables, summaries, params)``; a missing file becomes ``None``/absent.

    Only ``data/articles`` is required: without articles there is nothing to report on.
    """
    import yaml

    from .. import artifacts

    run = Path(run_dir)
    tables: dict[str, pd.DataFrame | None] = {}
    for name in REPORT_TABLES:
        path = artifacts.table_path(run, name)
        tables[name] = artifacts.read_table(run, name) if path.exists() else None
    if tables["articles"] is None:
        raise ReportError(f"{artifacts.table_path(run, 'articles')}: missing; the clean stage must run first")
    summaries = {}
    for stage in STAGE_SUMMARIES:
        path = run / "data" / f"{stage}_summary.json"
        if path.exists():
            summaries[stage] = artifacts.read_json(path)
    params_path = run / "params.yaml"
    params = yaml.safe_load(params_path.read_text(encoding="utf-8")) if params_path.exists() else {}
    return tables, summaries, params or {}


#: the recorded benchmark figures shipped with the package (written by ``benchmarks/_record.py``)
BENCHMARKS_RESOURCE = Path(__file__).resolve().parents[1] / "resources" / "benchmarks.json"


def load_benchmark_floors(directory: str | Path | None = None, *, kind: str = "floors") -> dict[str, dict[str, Any]]:
    """``stage -> {figure: value}``: the pinned floors (``kind="floors"``) or last measured figures
    (``kind="results"``) of the benchmarks.

    Without ``directory`` they come from the package data ``analysis/resources/benchmarks.json``
    (``{kind: {stage: figures}}``, refreshed by every benchmark run), so an installed package
    needs no source tree. With ``directory`` they are read from its ``<kind>_<stage>.json`` files
    (empty when the folder is absent).
    """
    from .. import artifacts

    if directory is None:
        recorded = artifacts.read_json(BENCHMARKS_RESOURCE) if BENCHMARKS_RESOURCE.exists() else {}
        return {str(k): dict(v) for k, v in (recorded.get(kind) or {}).items() if isinstance(v, dict)}
    folder = Path(directory)
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob(f"{kind}_*.json")) if folder.exists() else []:
        data = artifacts.read_json(path)
        if isinstance(data, dict):
            out[path.stem.removeprefix(f"{kind}_")] = data
    return out
