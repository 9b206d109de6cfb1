"""The whole pipeline: artifacts, determinism, caching, and errors that name the stage and cell."""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from pathlib import Path

import pytest

from analysis import artifacts, cli, pipeline
from analysis.config import ParameterError
from analysis.errors import PipelineError

pytestmark = pytest.mark.slow


def test_run_writes_the_contract(seed_run: Path) -> None:
    for name, columns in artifacts.REQUIRED_COLUMNS.items():
        table = artifacts.read_table(seed_run, name)
        assert set(columns) <= set(table.columns), name
    for nb in ("01_clean", "02_coverage", "03_stance", "04_quotes", "05_report"):
        assert (seed_run / "notebooks" / f"{nb}.ipynb").exists()
    assert (seed_run / "report.html").stat().st_size > 10_000
    assert (seed_run / "report-reviewer.html").exists()
    inputs = artifacts.read_table(seed_run, "inputs")
    assert len(inputs) == 5 and set(inputs["status"]) == {"kept"}


def test_provenance_records_inputs_params_versions(seed_run: Path, seeds_dir: Path) -> None:
    record = json.loads((seed_run / "provenance.json").read_text())
    assert set(record["input_files_sha256"]) == {p.name for p in seeds_dir.iterdir()}
    assert record["parameters"]["clean"]["min_words"] == 40
    assert record["packages"]["papermill"] != "not installed"
    assert len(record["git"]["commit"]) in (40, 7) or record["git"]["commit"] == "unknown"


def test_reader_html_is_self_contained_and_code_free(seed_run: Path) -> None:
    from analysis import report

    html = (seed_run / "report.html").read_text(encoding="utf-8")
    assert report.external_urls(html) == []
    assert "<script src" not in html
    text = re.sub(r"<[^>]+>", "", html)  # code is syntax-highlighted token by token
    assert "artifacts.read_table(" not in text and "from analysis import" not in text
    reviewer = re.sub(r"<[^>]+>", "", (seed_run / "report-reviewer.html").read_text(encoding="utf-8"))
    assert "artifacts.read_table(" in reviewer and "from analysis import" in reviewer  # reviewers see the code


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed (make system-deps)")
def test_pdf_is_written(seed_run: Path) -> None:
    assert (seed_run / "report.pdf").read_bytes().startswith(b"%PDF")


def test_same_inputs_same_artifacts(seed_run: Path, tmp_path: Path) -> None:
    second = tmp_path / "again"
    corpus = Path(json.loads((seed_run / "provenance.json").read_text())["corpus"])
    pipeline.run(corpus, second, log=None)
    names = sorted(p.relative_to(seed_run) for p in (seed_run / "data").glob("*") if p.suffix in (".csv", ".json"))
    assert names, "no data artifacts"
    for rel in names + [Path("inputs.csv")]:
        assert filecmp.cmp(seed_run / rel, second / rel, shallow=False), f"{rel} differs between runs"


def test_rerun_adding_articles_equals_a_cold_run(seed_run: Path, tmp_path: Path) -> None:
    """Three seed articles, then the other two added to the same run folder: every data table equals
    the cold run over all five byte for byte, and the per-article caches hold exactly the five."""
    from analysis.derived import DerivedStore

    cold_corpus = Path(json.loads((seed_run / "provenance.json").read_text())["corpus"])
    corpus = tmp_path / "seeds"
    corpus.mkdir()
    lines = (cold_corpus / "manifest.csv").read_text(encoding="utf-8").splitlines()
    (corpus / "manifest.csv").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    for line in lines[1:4]:
        shutil.copy(cold_corpus / line.split(",")[0], corpus)
    run_dir = tmp_path / "run"
    pipeline.run(corpus, run_dir, log=None)
    shutil.copy(cold_corpus / "manifest.csv", corpus)
    for line in lines[4:]:
        shutil.copy(cold_corpus / line.split(",")[0], corpus)
    result = pipeline.run(corpus, run_dir, log=None)
    assert not any(stage.cached for stage in result.stages)  # the corpus changed: every stage reran
    names = sorted(p.relative_to(seed_run) for p in (seed_run / "data").glob("*") if p.suffix in (".csv", ".json"))
    for rel in names + [Path("inputs.csv")]:
        assert filecmp.cmp(seed_run / rel, run_dir / rel, shallow=False), f"{rel} differs from the cold run"
    for name in ("coverage-claims", "quotes-extract"):
        stored = DerivedStore(run_dir / ".cache" / f"derived-{name}.pkl", "")._load()
        assert len(stored) == len(lines) - 1, name


def test_rerun_reuses_cache_and_force_recomputes(seed_run: Path) -> None:
    corpus = Path(json.loads((seed_run / "provenance.json").read_text())["corpus"])
    messages: list[str] = []
    result = pipeline.run(corpus, seed_run, log=messages.append)
    assert all(stage.cached for stage in result.stages)
    assert sum("reusing cached outputs" in m for m in messages) == 5
    changed: list[str] = []
    pipeline.run(corpus, seed_run, overrides={"report": {"max_table_rows": 39}}, log=changed.append)
    assert sum("reusing cached outputs" in m for m in changed) == 4  # only the report stage reruns


def _broken_notebook_dir(tmp_path: Path) -> Path:
    from nbformat import v4, write

    nb_dir = tmp_path / "notebooks"
    shutil.copytree(pipeline.PROJECT_DIR / "notebooks", nb_dir)
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = v4.new_code_cell('run_dir: str = "reports/seeds"  # run folder')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, v4.new_code_cell("x = 1"), v4.new_code_cell("raise ValueError('facts table is empty')")]
    write(nb, nb_dir / "03_stance.ipynb")
    return nb_dir


def test_failed_stage_names_stage_and_cell(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "NOTEBOOK_DIR", _broken_notebook_dir(tmp_path))
    run_dir = tmp_path / "run"
    with pytest.raises(PipelineError) as info:
        pipeline.run(seeds_dir, run_dir, overrides={}, log=None)
    message = str(info.value)
    assert "stage 'stance'" in message and "03_stance.ipynb" in message
    assert "facts table is empty" in message
    # the partial output is kept for reading, under a name no later run takes for a result
    assert (run_dir / "notebooks" / "03_stance.failed.ipynb").exists()
    assert not (run_dir / "notebooks" / "03_stance.ipynb").exists()
    assert "03_stance.failed.ipynb" in message
    assert (run_dir / "data" / "articles.csv").exists()  # earlier stages' artifacts kept


@pytest.mark.parametrize("yaml_text, fragment", [
    ("clean:\n  min_wordz: 3\n", "unknown parameter clean.min_wordz (did you mean min_words?)"),
    ("cleaning:\n  min_words: 3\n", "unknown stage 'cleaning'"),
    ("- just a list\n", "expected a mapping"),
    ("clean: [1, 2]\n", "'clean' must map parameter names to values"),
    ("clean:\n  min_words: [3\n", "not valid YAML"),
    ("clean:\n  min_words: 0\n", "clean.min_words = 0: out of range"),
])
def test_bad_parameter_files_are_named(tmp_path: Path, yaml_text: str, fragment: str) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ParameterError) as info:
        pipeline.load_parameters(path)
    assert str(info.value).startswith(f"{path}: ") and fragment in str(info.value)


def test_cli_reports_missing_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["run", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert "nope: no such file or folder" in err


def test_engine_flags_reach_only_stages_that_declare_them() -> None:
    params = pipeline.load_parameters(None)
    overrides = pipeline.engine_overrides(params, "dask", "tcp://10.0.0.5:8786")
    assert overrides == {stage: {"engine": "dask", "scheduler": "tcp://10.0.0.5:8786"}
                         for stage, values in params.items() if "engine" in values}
    assert "clean" in overrides and "report" not in overrides
    assert pipeline.engine_overrides(params, None, None) == {}


def _fake_run(monkeypatch: pytest.MonkeyPatch, rendered: list[str], printed: list[str]) -> None:
    """Stages that write a notebook naming their parameters, and a renderer that records its calls."""
    from analysis import report

    def fake_execute(notebook: Path, output: Path, parameters: dict, stage: str, *, progress: bool = False) -> None:
        output.write_text(json.dumps({"stage": stage, **{k: str(v) for k, v in parameters.items()}}), encoding="utf-8")

    def fake_render(run_dir: Path, formats: tuple[str, ...] = ("html",)) -> dict[str, Path]:
        rendered.append(",".join(formats))
        body = (Path(run_dir) / "notebooks" / "05_report.ipynb").read_text(encoding="utf-8")
        for name in ("report.html", "report-reviewer.html"):
            (Path(run_dir) / name).write_text(f"<p>{len(body)}</p>", encoding="utf-8")
        return {name: Path(run_dir) / name for name in ("report.html", "report-reviewer.html")}

    def fake_print(html: Path, pdf: Path) -> Path:
        printed.append(html.read_text(encoding="utf-8"))
        pdf.write_bytes(b"%PDF fake")
        return pdf

    monkeypatch.setattr(pipeline, "_execute", fake_execute)
    monkeypatch.setattr(report, "render_run", fake_render)
    monkeypatch.setattr(report, "print_pdf", fake_print)
    monkeypatch.setattr(pipeline, "write_provenance", lambda *a, **k: Path(a[0]) / "provenance.json")


def test_no_change_rerun_renders_nothing(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    printed: list[str] = []
    _fake_run(monkeypatch, rendered, printed)
    run_dir = tmp_path / "run"
    pipeline.run(seeds_dir, run_dir, formats=("html", "pdf"), log=None)
    assert len(rendered) == 1 and len(printed) == 1
    messages: list[str] = []
    pipeline.run(seeds_dir, run_dir, formats=("html", "pdf"), log=messages.append)
    assert len(rendered) == 1 and len(printed) == 1  # neither nbconvert nor Chromium ran
    assert any("reusing report.html" in m for m in messages) and any("reusing report.pdf" in m for m in messages)
    # a changed report parameter reruns the report stage and renders again; the page differs, so it is printed
    pipeline.run(seeds_dir, run_dir, formats=("html", "pdf"), overrides={"report": {"max_table_rows": 1234}},
                 log=None)
    assert len(rendered) == 2 and len(printed) == 2
    assert (run_dir / "report.pdf").is_file()


def test_pdf_printed_only_when_asked(tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    printed: list[str] = []
    _fake_run(monkeypatch, rendered, printed)
    run_dir = tmp_path / "run"
    pipeline.run(seeds_dir, run_dir, formats=("html",), log=None)
    assert printed == [] and not (run_dir / "report.pdf").exists()
    pipeline.run(seeds_dir, run_dir, formats=("html", "pdf"), log=None)  # the HTML is reused, the PDF printed
    assert len(rendered) == 1 and len(printed) == 1 and (run_dir / "report.pdf").is_file()
    pipeline.run(seeds_dir, run_dir, formats=("html",), log=None)  # no longer asked: the run's own PDF goes
    assert not (run_dir / "report.pdf").exists() and len(printed) == 1


def _probe_notebooks(tmp_path: Path) -> Path:
    """Five tiny stage notebooks that record their kernel's process id and what they can see."""
    from nbformat import v4, write

    nb_dir = tmp_path / "probe_notebooks"
    nb_dir.mkdir()
    for i, (stage, name) in enumerate(pipeline.STAGES):
        nb = v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = v4.new_code_cell('run_dir: str = "reports/seeds"')
        params.metadata["tags"] = ["parameters"]
        probe = v4.new_code_cell(
            "import json, os\n"
            f"seen = sorted(k for k in ('left_by_earlier_stage',) if k in globals())\n"
            f"with open(os.path.join(run_dir, 'probe_{i}.json'), 'w') as f:\n"
            "    json.dump({'pid': os.getpid(), 'seen': seen, 'cwd': os.getcwd()}, f)\n"
            "left_by_earlier_stage = 1")
        nb.cells = [params, probe]
        write(nb, nb_dir / name)
    return nb_dir


def test_stages_share_one_kernel_with_a_clean_namespace(tmp_path: Path, seeds_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis import report

    monkeypatch.setattr(pipeline, "NOTEBOOK_DIR", _probe_notebooks(tmp_path))
    monkeypatch.setattr(report, "render_run", lambda run_dir, formats=("html",): {})
    monkeypatch.setattr(pipeline, "write_provenance", lambda *a, **k: Path(a[0]) / "provenance.json")
    monkeypatch.delenv("NEWSREPORT_FRESH_KERNELS", raising=False)
    run_dir = tmp_path / "run"
    pipeline.run(seeds_dir, run_dir, log=None)
    probes = [json.loads((run_dir / f"probe_{i}.json").read_text()) for i in range(len(pipeline.STAGES))]
    assert len({p["pid"] for p in probes}) == 1  # start-up paid once
    assert all(p["seen"] == [] for p in probes)  # no stage sees another's variables
    assert {p["cwd"] for p in probes} == {str(run_dir.resolve())}
    executed = json.loads((run_dir / "notebooks" / "04_quotes.ipynb").read_text())
    assert [c["execution_count"] for c in executed["cells"]] == [1, 2, 3]  # numbered as in a fresh kernel
    monkeypatch.setenv("NEWSREPORT_FRESH_KERNELS", "1")
    pipeline.run(seeds_dir, run_dir, force=True, log=None)
    pids = {json.loads((run_dir / f"probe_{i}.json").read_text())["pid"] for i in range(len(pipeline.STAGES))}
    assert len(pids) == len(pipeline.STAGES)


def test_a_reset_kernel_can_spawn_worker_processes() -> None:
    """Parsing with worker processes (2,000,000 uncached characters: any corpus of a few hundred
    articles) spawns them from the kernel; after the reset between stages ``__main__`` must still
    carry ``__spec__``, or every stage after the first fails (5,000 articles: coverage did)."""
    from jupyter_client import KernelManager

    from analysis.kernel import RESET_CODE

    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)

        def run(code: str) -> list[str]:
            kc.execute(code)
            out = []
            while True:
                msg = kc.get_iopub_msg(timeout=120)
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"].strip())
                elif msg["msg_type"] == "error":
                    out.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return out

        run(RESET_CODE)
        spawned = run("import multiprocessing as mp\nfrom concurrent.futures import ProcessPoolExecutor\n"
                      "with ProcessPoolExecutor(1, mp_context=mp.get_context('spawn')) as ex:\n"
                      "    print(list(ex.map(abs, [-3])))")
        assert spawned == ["[3]"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
