"""The run folder as newsreport's own: which folder may be written, and which files it wrote.

A run folder (``reports/<name>/``) belongs to newsreport once it holds the marker file
``.newsreport-run.json``, which lists every file a run wrote (relative paths). The rules follow
from "a run never deletes or overwrites a file it did not write":

* ``--out`` may name a new folder, an empty folder, or a folder with the marker (an earlier run);
  an existing folder without the marker is refused unless ``force`` is given, and even then only
  files listed in the marker are ever removed.
* ``--out`` may not be the corpus folder or inside it: the next run would read its own report as
  articles. ``force`` does not lift this.
* ``--out`` may not be an existing file.

Run folders written before the marker existed are recognised by ``.cache/stages.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from .errors import PipelineError

MARKER = ".newsreport-run.json"
_LEGACY_MARKER = Path(".cache") / "stages.json"


class RunFolderError(PipelineError, ValueError):
    """``--out`` names a folder newsreport must not write into; the message says why and what to do."""


def is_run_folder(path: Path) -> bool:
    """True when ``path`` holds a newsreport run (the marker, or an older run's stage cache)."""
    return (path / MARKER).is_file() or (path / _LEGACY_MARKER).is_file()


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or child.is_relative_to(parent)


def check_out_dir(out: str | Path, corpus: str | Path, *, force: bool = False) -> Path:
    """Resolve ``out`` and refuse it when writing there could lose or misread the user's files.

    Parameters
    ----------
    out : path
        The requested run folder.
    corpus : path
        The corpus folder or table being analysed.
    force : bool, default=False
        Allow an existing folder that is not a run folder (files in it are kept, never deleted).

    Returns
    -------
    Path
        The resolved run folder.

    Raises
    ------
    RunFolderError
        For a file, the corpus folder or a folder inside it, or (without ``force``) a non-empty
        folder that is not a newsreport run folder.
    """
    out_path, corpus_path = Path(out).resolve(), Path(corpus).resolve()
    if out_path.exists() and not out_path.is_dir():
        raise RunFolderError(f"--out {out}: is a file, not a folder; give a folder for the run")
    if corpus_path.is_dir() and _inside(out_path, corpus_path):
        raise RunFolderError(f"--out {out}: is the corpus folder {corpus} or inside it; the next run would "
                             "read the report as articles. Choose a folder outside the corpus")
    if out_path.is_dir() and any(out_path.iterdir()) and not is_run_folder(out_path) and not force:
        raise RunFolderError(f"--out {out}: exists and is not a newsreport run folder (no {MARKER}); "
                             "choose a new folder, or pass --force to write into it (newsreport never "
                             "deletes a file it did not write)")
    return out_path


def written_files(run_dir: Path) -> set[str]:
    """The relative paths the marker lists as written by newsreport."""
    marker = run_dir / MARKER
    if not marker.is_file():
        return set()
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(p) for p in data.get("written", []) if isinstance(p, str)}


def _relative(run_dir: Path, path: Path | str) -> str:
    """A path inside the run folder as the marker lists it (absolute paths made relative)."""
    path = Path(path)
    return (path.relative_to(run_dir) if path.is_absolute() else path).as_posix()


def _write_marker(run_dir: Path, files: set[str]) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / MARKER).write_text(json.dumps({"tool": "newsreport", "written": sorted(files)}, indent=1),
                                  encoding="utf-8")


def record_written(run_dir: Path, paths: Iterable[Path | str]) -> None:
    """Add files to the marker's list (paths absolute or relative to ``run_dir``)."""
    run_dir = Path(run_dir)
    _write_marker(run_dir, written_files(run_dir) | {_relative(run_dir, p) for p in paths})


def remove_if_written(run_dir: Path, path: Path | str) -> bool:
    """Delete ``path`` only if newsreport wrote it (listed in the marker); return whether it did."""
    run_dir = Path(run_dir)
    rel = _relative(run_dir, path)
    files = written_files(run_dir)
    target = run_dir / rel
    if rel not in files or not target.exists():
        return False
    target.unlink()
    _write_marker(run_dir, files - {rel})
    return True


def mark_failed(notebook: Path) -> Path | None:
    """Rename a stage's partly executed notebook to ``*.failed.ipynb`` so no later run reuses it."""
    if not notebook.exists():
        return None
    failed = notebook.with_suffix(".failed.ipynb")
    notebook.replace(failed)
    return failed
