"""Everything written from the configs: the notebooks' parameter cells and the example parameter file.

The configs are the source; these texts are generated, never edited by hand. ``python -m
analysis.config`` rewrites the parameter cells (``--check`` says which are stale), ``newsreport
params`` prints :func:`example_yaml`, and ``tests/test_config.py`` fails when a committed notebook
or ``params.example.yaml`` differs from what the configs generate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from . import Parameter, parameters
from .fields import MAX_COUNT, number_text
from .stages import PIPELINE_PARAMETERS, STAGE_CONFIGS

PARAMETERS_TAG = "parameters"


def compact_range(p: Parameter) -> str:
    """The allowed values in a few characters for a comment: ``[0 < x ≤ 1]``, ``[local | dask]``."""
    s = p.spec
    if s.choices:
        return "[" + " | ".join(s.choices) + "]"
    if p.kind not in (int, float):
        return ""
    hi = s.high if s.high is not None or p.kind is not int else MAX_COUNT
    lo_op, hi_op = ("<" if s.low_open else "≤"), ("<" if s.high_open else "≤")
    if s.low is not None and hi is not None:
        return f"[{number_text(s.low)} {lo_op} x {hi_op} {number_text(hi)}]"
    if s.low is not None:
        return f"[x {'>' if s.low_open else '≥'} {number_text(s.low)}]"
    return f"[x {hi_op} {number_text(hi)}]" if hi is not None else ""


def _comment(p: Parameter) -> str:
    rng = compact_range(p)
    return f"{p.help} {rng}" if rng else p.help


def python_literal(value: Any) -> str:
    """``value`` as Python source (text in double quotes, as the notebooks always wrote it)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def parameters_cell(stage: str) -> str:
    """The source of ``stage``'s papermill parameter cell: the pipeline's own inputs, then every
    declared parameter as ``name: type = default  # meaning [allowed]``."""
    lines = [f"{name}: str = {python_literal(default)}  # {meaning}"
             for name, (default, meaning) in PIPELINE_PARAMETERS[stage].items()]
    lines += [f"{p.name}: {p.kind.__name__} = {python_literal(p.default)}  # {_comment(p)}"
              for p in parameters(stage)]
    return "\n".join(lines)


def yaml_scalar(value: Any) -> str:
    """One plain value as a YAML flow scalar (``true``, ``0.45``, ``''``, ``local``)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1000, allow_unicode=True).strip()
    return text.removesuffix("...").strip()


def example_yaml(notebooks: Mapping[str, str]) -> str:
    """A commented parameter file listing every stage parameter with its default, range and meaning.

    ``notebooks`` maps stage -> notebook file name (for the comment after each stage).
    """
    lines = ["# newsreport parameters: copy, edit, and pass with `newsreport run DIR --params FILE`.",
             "# Every key is optional; omitted keys keep the defaults shown here. Values are plain",
             "# text, numbers or true/false; each is checked against the range in brackets before any",
             "# stage runs.", ""]
    for stage in STAGE_CONFIGS:
        lines.append(f"{stage}:  # notebooks/{notebooks[stage]}")
        lines += [f"  {p.name}: {yaml_scalar(p.default)}  # {_comment(p)}" for p in parameters(stage)]
        lines.append("")
    return "\n".join(lines)


def _parameters_cell_of(nb: Any, path: Path) -> Any:
    tagged = [c for c in nb.cells if c.cell_type == "code" and PARAMETERS_TAG in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise ValueError(f"{path}: expected one code cell tagged {PARAMETERS_TAG!r}, found {len(tagged)}")
    return tagged[0]


def sync_notebooks(notebook_dir: str | Path, notebooks: Mapping[str, str], *, check: bool = False) -> list[str]:
    """Rewrite each stage notebook's parameter cell from its config; return the notebooks that differed.

    Only the tagged cell's source changes (other cells, ids and metadata are kept as read), and a
    notebook already current is not rewritten. With ``check`` nothing is written.
    """
    import nbformat

    stale = []
    for stage, name in notebooks.items():
        path = Path(notebook_dir) / name
        nb = nbformat.read(path, as_version=4)  # read just before writing: others edit other cells
        cell = _parameters_cell_of(nb, path)
        wanted = parameters_cell(stage)
        if cell.source == wanted:
            continue
        stale.append(name)
        if not check:
            cell.source = wanted
            nbformat.write(nb, path)
    return stale


def notebook_parameters_cell(path: str | Path) -> str:
    """The source of the parameter cell of the notebook at ``path``."""
    import nbformat

    return _parameters_cell_of(nbformat.read(Path(path), as_version=4), Path(path)).source
