"""The seeds run produces the golden data tables and summaries (see tests/golden/README.md).

A refactor must leave every artifact as it was; a method change regenerates the golden files on
purpose (``NEWSREPORT_UPDATE_GOLDEN=1``) and says why.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "seeds"
UPDATE = os.environ.get("NEWSREPORT_UPDATE_GOLDEN") == "1"
FILES = sorted(p.name for p in GOLDEN.iterdir() if p.suffix in {".csv", ".json"})


def _fresh(seed_run: Path, name: str) -> Path:
    return seed_run / name if name == "inputs.csv" else seed_run / "data" / name


def _close(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            fa, fb = float(a), float(b)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return a == b
        return (math.isnan(fa) and math.isnan(fb)) or math.isclose(fa, fb, rel_tol=1e-4, abs_tol=1e-6)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b



@pytest.mark.parametrize("name", FILES)
def test_seeds_artifact_equals_golden(seed_run: Path, name: str) -> None:
    fresh = _fresh(seed_run, name)
    assert fresh.exists(), f"the seeds run no longer writes {name}"
    if UPDATE:
        shutil.copyfile(fresh, GOLDEN / name)
        pytest.skip(f"golden {name} updated")
    if name.endswith(".json"):
        got, want = json.loads(fresh.read_text()), json.loads((GOLDEN / name).read_text())
        diff = sorted(k for k in set(got) | set(want) if not _close(got.get(k), want.get(k)))
        assert not diff, f"{name}: keys differ from golden: {diff}"
        return
    got = pd.read_csv(fresh, keep_default_na=False, dtype=str)
    want = pd.read_csv(GOLDEN / name, keep_default_na=False, dtype=str)
    assert list(got.columns) == list(want.columns), f"{name}: columns differ"
    assert len(got) == len(want), f"{name}: {len(got)} rows, golden has {len(want)}"
    for col in want.columns:
        bad = [i for i, (g, w) in enumerate(zip(got[col], want[col])) if g != w and not _num_close(g, w)]
        assert not bad, f"{name}.{col}: rows {bad[:5]} differ, e.g. {got[col][bad[0]]!r} != {want[col][bad[0]]!r}"


def _num_close(a: str, b: str) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-4, abs_tol=1e-6)
    except ValueError:
        return False


def test_every_golden_file_is_still_written(seed_run: Path) -> None:
    written = {p.name for p in (seed_run / "data").iterdir() if p.suffix in {".csv", ".json"}} | {"inputs.csv"}
    assert set(FILES) <= written
