"""Shared fixtures: the seed corpus, and one full pipeline run reused by every test that needs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the whole pipeline once on a copy of seeds/ and return the run folder."""
    from analysis import pipeline

    corpus = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, corpus)
    run_dir = tmp_path_factory.mktemp("runs") / "seeds"
    pipeline.run(corpus, run_dir, formats=("html", "pdf") if shutil.which("chromium") else ("html",),
                 log=None)
    return run_dir


# tests import small helpers (corpus_factory) from this folder
import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
