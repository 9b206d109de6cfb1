"""Typed, validated stage parameters: the one source of every default, type and allowed range.

``CleanConfig``, ``CoverageConfig``, ``StanceConfig``, ``QuotesConfig`` and ``ReportConfig``
(:mod:`analysis.config.stages`) declare each stage's parameters. :func:`validate` turns a
mapping someone typed into a config, refusing unknown keys, wrong types, values out of range and
anything that is not a plain ``str``/``int``/``float``/``bool``; :func:`resolve` merges layers
(defaults, a parameter file, ``--set``) and validates each value where it came from, so an error
names its source. Only :func:`as_dict` of a validated config reaches papermill.

``python -m analysis.config`` rewrites the notebooks' parameter cells from the configs
(``--check`` only compares); :mod:`analysis.config.render` also writes ``params.example.yaml``.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import typing
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .fields import MAX_COUNT, MAX_TEXT, ParameterError, Spec, allowed, check_value, show, spec_of
from .stages import (PIPELINE_PARAMETERS, STAGE_CONFIGS, CleanConfig, CoverageConfig, QuotesConfig,
                     ReportConfig, StanceConfig)

__all__ = ["CleanConfig", "CoverageConfig", "StanceConfig", "QuotesConfig", "ReportConfig", "STAGE_CONFIGS",
           "PIPELINE_PARAMETERS", "ParameterError", "Parameter", "parameters", "validate", "resolve", "as_dict",
           "defaults", "MAX_COUNT", "MAX_TEXT"]


class Parameter(NamedTuple):
    """One declared parameter of a stage, as listed in docs and error messages."""

    name: str
    kind: type  # bool, int, float or str
    default: Any
    spec: Spec

    @property
    def help(self) -> str:
        return self.spec.help

    @property
    def allowed(self) -> str:
        """The allowed values in words, e.g. ``a number, 0 < value ≤ 1``."""
        return allowed(self.kind, self.spec)


def _config_class(stage: str, source: str = "") -> type:
    if not isinstance(stage, str) or stage not in STAGE_CONFIGS:
        raise ParameterError(f"{_prefix(source)}unknown stage {show(stage)}; stages are {list(STAGE_CONFIGS)}")
    return STAGE_CONFIGS[stage]


@functools.cache
def parameters(stage: str) -> tuple[Parameter, ...]:
    """The declared parameters of ``stage`` in declaration order."""
    cls = _config_class(stage)
    hints = typing.get_type_hints(cls)
    return tuple(Parameter(f.name, hints[f.name], f.default, spec_of(f)) for f in dataclasses.fields(cls))


def _prefix(source: str) -> str:
    return f"{source}: " if source else ""


def _check_layer(stage: str, values: Any, source: str) -> dict[str, Any]:
    """The values of one layer for one stage, each checked against its declaration."""
    declared = {p.name: p for p in parameters(stage)}
    if not isinstance(values, Mapping):
        raise ParameterError(f"{_prefix(source)}{stage!r} must map parameter names to values, "
                             f"got {show(values)}")
    out: dict[str, Any] = {}
    for name, value in values.items():
        if not isinstance(name, str) or name not in declared:
            plain = isinstance(name, str) and name.isprintable() and len(name) <= 80
            close = difflib.get_close_matches(name, list(declared), n=2) if plain else []
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ParameterError(f"{_prefix(source)}unknown parameter {stage}.{name if plain else show(name)}"
                                 f"{hint}; {stage} takes {sorted(declared)}")
        p = declared[name]
        try:
            out[name] = check_value(stage, name, p.kind, p.spec, value)
        except ParameterError as exc:
            raise ParameterError(f"{_prefix(source)}{exc}") from None
    return out


def _build(stage: str, values: Mapping[str, Any], source: str = "") -> Any:
    config = STAGE_CONFIGS[stage](**values)
    problems = config.check() if hasattr(config, "check") else []
    if problems:
        raise ParameterError(f"{_prefix(source)}{stage}: " + "; ".join(problems))
    return config


def validate(stage: str, mapping: Mapping[str, Any] | None = None, *, source: str = "") -> Any:
    """The config of ``stage`` with ``mapping`` over the defaults, every value checked.

    Raises
    ------
    ParameterError
        For an unknown stage or key, a value of the wrong type (a bool is not a number, a number
        is not text), out of range (NaN and infinity included), not plain (bytes, sets, dicts,
        lists, dates) or text with control characters; the message quotes stage, key, value and
        what is allowed, prefixed by ``source`` (a file name, ``--set``) when given.
    """
    _config_class(stage, source)
    return _build(stage, _check_layer(stage, mapping or {}, source), source)


def resolve(layers: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """Every stage's config from ``layers`` of ``(source, {stage: {name: value}})``, later layers winning.

    Each layer is checked on its own, so an error names the file or option that carried the bad
    value; stages no layer mentions keep their defaults.
    """
    merged: dict[str, dict[str, Any]] = {stage: {} for stage in STAGE_CONFIGS}
    for source, data in layers:
        if data is None:
            continue
        if not isinstance(data, Mapping):
            raise ParameterError(f"{_prefix(source)}expected a mapping of stage -> parameters, "
                                 f"got {type(data).__name__} {show(data)}")
        for stage, values in data.items():
            _config_class(stage, source)
            merged[stage].update(_check_layer(stage, values, source))
    sources = ", ".join(s for s, d in layers if d) or "defaults"
    return {stage: _build(stage, values, sources) for stage, values in merged.items()}


def as_dict(config: Any) -> dict[str, Any]:
    """The plain values of a validated config, in declaration order (what papermill receives)."""
    return {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}


def defaults() -> dict[str, dict[str, Any]]:
    """Every stage's default values: ``{stage: {name: value}}``."""
    return {stage: as_dict(cls()) for stage, cls in STAGE_CONFIGS.items()}
