"""The ``newsreport`` command.

``newsreport run CORPUS [--out reports/NAME] [--params FILE] [--set stage.name=value ...]
[--format html|pdf|both] [--engine local|dask] [--scheduler ADDRESS] [--force] [--quiet]`` runs the pipeline; ``newsreport params`` prints a
commented parameter file with every stage's defaults; ``newsreport portrayal IN.jsonl [--out OUT.jsonl]``
classifies how each row's sentence portrays its marked target.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
from pathlib import Path
from typing import Any, Sequence

import yaml

from . import NewsreportError, __version__
from .config import ParameterError

_FORMATS = {"html": ("html",), "pdf": ("html", "pdf"), "both": ("html", "pdf")}


def _parameter_help() -> str:
    try:
        from .pipeline import example_parameters_yaml

        return "stage parameters (set in --params YAML or with --set stage.name=value):\n\n" + \
            example_parameters_yaml()
    except Exception as exc:  # --help must work even if a notebook is broken  # noqa: BLE001
        return f"(could not list stage parameters: {exc})"


# PyYAML (YAML 1.1) reads 5e-1 as text; a user typing a number in exponent form means the number
_EXPONENT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+")


def _parse_value(item: str, raw: str) -> Any:
    """One ``--set`` value read as a YAML scalar (``60``, ``0.5``, ``false``, ``'quoted text'``).

    Only parsed here; :func:`analysis.config.validate` checks its type and range against the
    parameter it is for, before anything runs.
    """
    if not raw.strip():
        return ""  # --set stance.actors= means empty text, not YAML's null
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ParameterError(
            f"--set {item!r}: the value is not valid YAML ({problem}); put text containing quotes, "
            f"colons or # in single quotes, e.g. --set \"stance.actors='Ana Duarte, Bo Li'\"") from None
    if value is None and raw.strip() not in ("~", "null", "Null", "NULL"):
        raise ParameterError(f"--set {item!r}: YAML reads the value as nothing (a # starts a comment); "
                             f"put text in single quotes, e.g. --set \"stance.actors='#1 Party'\"")
    if isinstance(value, str) and _EXPONENT.fullmatch(raw.strip()):
        return float(raw)
    return value


def _parse_set(values: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``--set stage.name=value`` options as ``{stage: {name: value}}`` (values parsed, not yet validated)."""
    out: dict[str, dict[str, Any]] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        stage, dot, name = key.strip().partition(".")
        if not sep or not dot or not stage or not name:
            raise ParameterError(f"--set {item!r}: expected stage.name=value, e.g. --set coverage.use_embeddings=false")
        out.setdefault(stage, {})[name] = _parse_value(item, raw)
    return out


def build_parser(*, with_parameter_help: bool = False) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreport", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"newsreport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="analyse a corpus and write a report folder",
        description="Clean CORPUS, compare coverage, stance wording and quotes across outlets, and "
                    "write the run folder with report.html (and report.pdf).",
        epilog=_parameter_help() if with_parameter_help else "Run `newsreport params` for every stage parameter.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("corpus", help="folder of .txt/.html/.md articles (optional manifest.csv), or a .csv/.jsonl table")
    run.add_argument("--out", help="run folder (default: reports/<corpus name>)")
    run.add_argument("--params", help="YAML file of {stage: {parameter: value}}; see `newsreport params`")
    run.add_argument("--set", action="append", default=[], metavar="STAGE.NAME=VALUE",
                     help="override one parameter, e.g. --set clean.min_words=60 (repeatable)")
    run.add_argument("--format", choices=sorted(_FORMATS), default="html",
                     help="html: report.html + report-reviewer.html; pdf/both: also report.pdf")
    run.add_argument("--engine", choices=("local", "dask"),
                     help="where per-article work runs (default: local; dask needs the 'dask' extra)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler of an existing cluster, e.g. tcp://10.0.0.5:8786 (default: start a local one)")
    run.add_argument("--force", action="store_true",
                     help="recompute every stage, ignoring cached outputs; also allows --out to name an existing "
                          "folder that is not a newsreport run folder (its other files are kept)")
    run.add_argument("--quiet", action="store_true", help="print only errors")
    sub.add_parser("params", help="print a commented parameter file with every default")
    por = sub.add_parser(
        "portrayal", help="classify how each sentence portrays a marked person or organisation",
        description="Read IN.jsonl rows with sentence, target_from, target_to (character offsets, end-exclusive) "
                    "and write each row back with polarity (-1/0/1) and probabilities (negative, neutral, "
                    "positive). Bad rows are reported by line number on stderr and skipped; the exit "
                    "status is then 1.")
    por.add_argument("input", metavar="IN.jsonl", help="one JSON object per line")
    por.add_argument("--out", metavar="OUT.jsonl", help="output file (default: stdout)")
    return parser


def _read_portrayal_rows(path: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """Rows of a portrayal input file with their line numbers, and one message per bad line."""
    from .portrayal import problem_of

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NewsreportError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    rows, bad = [], []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            bad.append(f"line {number}: not a JSON object ({exc}); skipped")
            continue
        if not isinstance(row, dict):
            bad.append(f"line {number}: not a JSON object ({type(row).__name__}); skipped")
            continue
        problem = problem_of(row.get("sentence"), row.get("target_from"), row.get("target_to"))
        if problem:
            bad.append(f"line {number}: {problem}; skipped")
            continue
        rows.append((number, row))
    return rows, bad


def _portrayal(args: argparse.Namespace) -> int:
    """``newsreport portrayal``: classify every good row, report every bad one, exit 1 if any was bad."""
    from .portrayal import classify

    rows, bad = _read_portrayal_rows(Path(args.input))
    for message in bad:
        print(f"newsreport portrayal: {message}", file=sys.stderr)
    results = classify([r["sentence"] for _, r in rows], [(r["target_from"], r["target_to"]) for _, r in rows])
    lines = [json.dumps({**row, "polarity": res.polarity, "probabilities": list(res.probabilities)},
                        ensure_ascii=False) + "\n" for (_, row), res in zip(rows, results)]
    if args.out:
        Path(args.out).write_text("".join(lines), encoding="utf-8")
    else:
        sys.stdout.writelines(lines)
    print(f"newsreport portrayal: {len(rows)} rows classified, {len(bad)} skipped", file=sys.stderr)
    return 1 if bad else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    wants_help = "run" in argv and any(a in ("-h", "--help") for a in argv)
    args = build_parser(with_parameter_help=wants_help).parse_args(argv)
    try:
        if args.command == "params":
            from .pipeline import example_parameters_yaml

            print(example_parameters_yaml())
            return 0
        if args.command == "portrayal":
            return _portrayal(args)
        from .kernel import GC_THRESHOLD
        from .pipeline import run

        corpus = Path(args.corpus)
        out = Path(args.out) if args.out else Path("reports") / (corpus.stem or "corpus")
        previous = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)  # rarer full collections while the run imports and renders (kernel.py)
        try:
            result = run(corpus, out, params_file=args.params, overrides=_parse_set(args.set),
                         formats=_FORMATS[args.format], force=args.force, engine=args.engine,
                         scheduler=args.scheduler,
                         log=None if args.quiet else print)
        finally:
            gc.set_threshold(*previous)
        if not args.quiet:
            print(f"report: {result.outputs['report.html']}")
    except NewsreportError as exc:
        print(f"newsreport: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsreport: interrupted; stages that finished are kept in the run folder and reused by "
              "the next run (an interrupted stage is run again)", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
