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


# ---------------------------------------------------------------------------------------------
# the pipeline's use of the run folder, with the stage notebooks replaced by a fast fake
# ---------------------------------------------------------------------------------------------

def _fake_stages(monkeypatch: pytest.MonkeyPatch, executed: list[str]) -> None:
    import json as _json

    from analysis import pipeline, report
    from analysis.errors import PipelineError

    def fake_execute(notebook: Path, output: Path, parameters: dict, stage: str, *, progress: bool = False) -> None:
        executed.append(stage)
        output.write_text(_json.dumps({"stage": stage, "n_actors": parameters.get("n_actors")}), encoding="utf-8")
        if stage == "stance" and parameters.get("n_actors") == 4:  # leaves its partial output, as papermill does
            raise PipelineError("stage 'stance' failed (fake)")

    monkeypatch.setattr(pipeline, "_execute", fake_execute)
    monkeypatch.setattr(report, "render_run", lambda run_dir, formats=("html",): {})
    monkeypatch.setattr(pipeline, "write_provenance", lambda *a, **k: Path(a[0]) / "provenance.json")


def _two_articles(tmp_path: Path) -> Path:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in ("a.txt", "b.txt"):
        (corpus / name).write_text("An article about a bridge.", encoding="utf-8")
    return corpus


def test_a_failed_stage_is_never_reused_by_a_later_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import pipeline
    from analysis.errors import PipelineError

    executed: list[str] = []
    _fake_stages(monkeypatch, executed)
    corpus, run = _two_articles(tmp_path), tmp_path / "run"
    pipeline.run(corpus, run, log=None)  # parameters P1 succeed
    with pytest.raises(PipelineError):
        pipeline.run(corpus, run, overrides={"stance": {"n_actors": 4}}, log=None)  # P2 fails in stance
    executed.clear()
    pipeline.run(corpus, run, log=None)  # back to P1: stance must run again, not reuse P2's partial notebook
    assert "stance" in executed and "clean" not in executed


def test_pipeline_refuses_a_users_folder_and_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import pipeline

    executed: list[str] = []
    _fake_stages(monkeypatch, executed)
    corpus = _two_articles(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.pdf").write_bytes(b"%PDF the user's own")
    (mine / "params.yaml").write_text("my: settings\n", encoding="utf-8")
    with pytest.raises(RunFolderError):
        pipeline.run(corpus, mine, log=None)
    with pytest.raises(RunFolderError):
        pipeline.run(corpus, corpus / "report", log=None)
    assert executed == []
    assert (mine / "params.yaml").read_text(encoding="utf-8") == "my: settings\n"
    assert not (corpus / "report").exists()



def test_cli_ctrl_c_prints_a_message_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from analysis import cli, pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "run", interrupted)
    code = cli.main(["run", str(_two_articles(tmp_path)), "--out", str(tmp_path / "run"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 130 and "interrupted" in err and "Traceback" not in err


def test_cli_out_pointing_at_a_file_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from analysis import cli

    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    code = cli.main(["run", str(_two_articles(tmp_path)), "--out", str(target), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "is a file" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "mine"


def test_editing_the_reference_transcript_reruns_quotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import pipeline

    executed: list[str] = []
    _fake_stages(monkeypatch, executed)
    corpus, run = _two_articles(tmp_path), tmp_path / "run"
    transcript = tmp_path / "transcript.txt"
    transcript.write_text("What was said, first version.", encoding="utf-8")
    overrides = {"quotes": {"reference_transcript": str(transcript)}}
    pipeline.run(corpus, run, overrides=overrides, log=None)
    executed.clear()
    pipeline.run(corpus, run, overrides=overrides, log=None)
    assert "quotes" not in executed  # nothing changed: reused
    transcript.write_text("What was said, corrected.", encoding="utf-8")
    pipeline.run(corpus, run, overrides=overrides, log=None)
    assert "quotes" in executed and "coverage" not in executed
