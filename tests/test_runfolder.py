"""Which folders a run may write into, and that it only ever removes files it wrote (issue #16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import runfolder
from analysis.runfolder import RunFolderError


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text("An article.", encoding="utf-8")
    return corpus


def test_new_and_empty_folders_are_fine(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    assert runfolder.check_out_dir(tmp_path / "new", corpus) == (tmp_path / "new").resolve()
    (tmp_path / "empty").mkdir()
    runfolder.check_out_dir(tmp_path / "empty", corpus)


def test_a_users_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    mine = tmp_path / "my-documents"
    mine.mkdir()
    (mine / "report.pdf").write_bytes(b"%PDF-1.4 the user's own file")
    with pytest.raises(RunFolderError, match="not a newsreport run folder") as err:
        runfolder.check_out_dir(mine, corpus)
    assert "--force" in str(err.value) and isinstance(err.value, ValueError)
    runfolder.check_out_dir(mine, corpus, force=True)


def test_an_earlier_run_folder_is_accepted(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    run = tmp_path / "run"
    runfolder.record_written(run, [run / "report.html"])
    assert runfolder.is_run_folder(run)
    runfolder.check_out_dir(run, corpus)


@pytest.mark.parametrize("where", [".", "sub", "sub/deeper"])
def test_the_corpus_or_a_folder_inside_it_is_refused_even_with_force(tmp_path: Path, where: str) -> None:
    corpus = _corpus(tmp_path)
    with pytest.raises(RunFolderError, match="inside it"):
        runfolder.check_out_dir(corpus / where, corpus, force=True)


def test_a_file_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    target = tmp_path / "notes.txt"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(RunFolderError, match="is a file"):
        runfolder.check_out_dir(target, corpus)


def test_only_files_newsreport_wrote_are_removed(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    users = run / "report.pdf"
    users.write_bytes(b"%PDF the user's")
    assert not runfolder.remove_if_written(run, users)
    assert users.exists()
    runfolder.record_written(run, ["report.pdf"])
    assert runfolder.remove_if_written(run, users)
    assert not users.exists() and "report.pdf" not in runfolder.written_files(run)


def test_a_failed_notebook_is_renamed_so_it_is_never_reused(tmp_path: Path) -> None:
    nb = tmp_path / "02_coverage.ipynb"
    nb.write_text("{}", encoding="utf-8")
    failed = runfolder.mark_failed(nb)
    assert failed is not None and failed.name == "02_coverage.failed.ipynb"
    assert not nb.exists() and failed.exists()
    assert runfolder.mark_failed(nb) is None
