"""Reading and writing run-folder tables in one deterministic format.

Every table in ``reports/<name>/data/`` is UTF-8 CSV with ``\\n`` line endings, written without
the index, so two runs on the same inputs give byte-identical files. The column contract lives in
``DESIGN.md``; :data:`REQUIRED_COLUMNS` repeats it so stages can check what they read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

REQUIRED_COLUMNS: dict[str, list[str]] = {
    "inputs": ["file", "status", "reason", "duplicate_of", "sha256", "bytes"],
    "articles": ["article_id", "file", "outlet", "url", "date", "title", "clean_text", "lang"],
    "cleaning_audit": ["article_id", "rule", "removed_text", "reason"],
    "sentences": ["article_id", "sent_id", "start", "end", "text", "section"],
    "similarity": ["article_a", "article_b", "score", "method"],
    "facts": ["fact_id", "article_id", "sent_id", "text"],
    "conflicts": ["fact_id", "article_id", "kind", "value", "text"],
    "stance": ["article_id", "target", "support_score", "conditionality", "label", "confidence"],
    "stance_evidence": ["article_id", "target", "sent_id", "start", "end", "cue", "cue_class", "weight"],
    "quotes": ["quote_id", "article_id", "start", "end", "quote", "speaker", "kind",
               "cluster_id", "fidelity", "mutation"],
}

# inputs.csv sits at the top of the run folder; every other table under data/
_TOP_LEVEL = {"inputs"}
# ids are strings by contract; reading them back as ints would break joins ("001" != 1)
_STRING_COLUMNS = ("article_id", "file", "fact_id", "quote_id", "cluster_id", "duplicate_of",
                   "article_a", "article_b", "sent_id", "target", "speaker")


def table_path(run_dir: str | Path, name: str) -> Path:
    run_dir = Path(run_dir)
    return run_dir / f"{name}.csv" if name in _TOP_LEVEL else run_dir / "data" / f"{name}.csv"


def write_table(df: pd.DataFrame, run_dir: str | Path, name: str) -> Path:
    """Write ``df`` as the run's ``name`` table, checking the contract's columns are present."""
    missing = [c for c in REQUIRED_COLUMNS.get(name, []) if c not in df.columns]
    if missing:
        raise ValueError(f"table {name!r} lacks contract columns {missing}; has {list(df.columns)}")
    path = table_path(run_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.6g")
    return path


def read_table(run_dir: str | Path, name: str) -> pd.DataFrame:
    """Read a run table back with ids as strings and empty cells as empty strings in text columns."""
    path = table_path(run_dir, name)
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing; run the stage that writes {name!r} first")
    header = pd.read_csv(path, nrows=0).columns
    dtypes = {c: "string" for c in _STRING_COLUMNS if c in header}
    df = pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_values=[""])
    for col in dtypes:
        df[col] = df[col].fillna("").astype(str)
    for col in df.columns:
        if df[col].dtype == object or str(df[col].dtype).startswith("str"):
            df[col] = df[col].fillna("")
    return df


def write_json(obj: Any, path: str | Path) -> Path:
    """Write JSON with sorted keys so provenance and summaries diff cleanly."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def figure_path(run_dir: str | Path, name: str) -> Path:
    """Where a stage saves a figure (PNG) so the report can embed it."""
    path = Path(run_dir) / "figures" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
