"""Declared parameters and their checks: a field's type, allowed range or choices, and meaning.

A stage's parameters are the fields of a frozen dataclass (see :mod:`analysis.config.stages`);
each field is declared with :func:`param`, which keeps its meaning and its allowed values in the
field's metadata. :func:`check_value` is the only gate between a value someone typed (a YAML
file, ``--set``, a Python call) and a stage: it refuses anything that is not a plain ``str``,
``int``, ``float`` or ``bool`` of the declared type and inside the declared range, so no value
can become code in papermill's injected parameter cell and no value is silently replaced.
"""

from __future__ import annotations

import dataclasses
import math
import reprlib
from typing import Any, NamedTuple

from .. import NewsreportError

#: bounds of every count parameter: a cap keeps numpy/sklearn away from int64 overflow
MAX_COUNT = 1_000_000
#: longest accepted text value (a path, a list of actor names, a scheduler address)
MAX_TEXT = 4_000

_TYPE_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


class ParameterError(NewsreportError, ValueError):
    """A parameter is unknown, of the wrong type or out of its allowed range; the message names
    the stage, the key, the value and what is allowed."""


class Spec(NamedTuple):
    """What a parameter accepts, kept in the dataclass field's metadata."""

    help: str  # one line: what the parameter does
    low: float | None = None  # lowest allowed value (numbers)
    high: float | None = None  # highest allowed value (numbers)
    low_open: bool = False  # the lowest value itself is excluded
    high_open: bool = False
    choices: tuple[str, ...] = ()  # the only allowed texts (empty: any printable text)


def param(default: Any, help: str, *, low: float | None = None, high: float | None = None,
          low_open: bool = False, high_open: bool = False, choices: tuple[str, ...] = ()) -> Any:
    """A dataclass field with its default, meaning and allowed values.

    Numbers without an explicit ``high`` are capped at :data:`MAX_COUNT` (ints) so an absurd
    value fails here with its name rather than deep inside numpy.
    """
    spec = Spec(help, low, high, low_open, high_open, tuple(choices))
    return dataclasses.field(default=default, metadata={"spec": spec})


def spec_of(field: dataclasses.Field) -> Spec:
    return field.metadata["spec"]


def allowed(kind: type, spec: Spec) -> str:
    """The allowed values in words, e.g. ``a number, 0 < value ≤ 1`` (used in errors and docs)."""
    if spec.choices:
        return "one of " + ", ".join(repr(c) for c in spec.choices)
    if kind is str:
        return f"printable text (up to {MAX_TEXT:,} characters)"
    if kind is bool:
        return "true or false"
    lo, hi = spec.low, spec.high
    if kind is int and hi is None:
        hi = MAX_COUNT
    parts = [_TYPE_NAMES[kind]]
    if lo is not None and hi is not None:
        lo_op, hi_op = ("<" if spec.low_open else "≤"), ("<" if spec.high_open else "≤")
        parts.append(f"{number_text(lo)} {lo_op} value {hi_op} {number_text(hi)}")
    elif lo is not None:
        parts.append(f"value {'>' if spec.low_open else '≥'} {number_text(lo)}")
    elif hi is not None:
        parts.append(f"value {'<' if spec.high_open else '≤'} {number_text(hi)}")
    return ", ".join(parts)


def number_text(x: float) -> str:
    """``1,000,000`` for whole numbers, ``0.45`` otherwise (ranges in errors and comments)."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 200, 200


def show(value: Any, limit: int = 80) -> str:
    """A bad value as quoted in an error: its repr, cut to ``limit`` characters.

    Containers are abbreviated while they are written (:mod:`reprlib`), so a YAML alias bomb
    (a list nesting itself thirty levels deep) is named in microseconds, not expanded.
    """
    try:
        text = repr(value) if isinstance(value, str) else _REPR.repr(value)
    except Exception:  # noqa: BLE001 - a value whose repr fails is still named by its type
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        return f"a {type(value).__name__} (only single plain values are accepted)"
    return f"a {type(value).__name__} value (only text, numbers and true/false are accepted)"


def check_value(stage: str, name: str, kind: type, spec: Spec, value: Any) -> Any:
    """``value`` as the declared plain type, or :class:`ParameterError` naming stage, key, value, range.

    A bool is not a number and a number is not text (YAML reads ``no`` as false and ``2024`` as a
    number: quote such texts). An int is accepted where a float belongs and becomes a float.
    """
    where = f"{stage}.{name} = {show(value)}"
    rule = allowed(kind, spec)
    ok_type = (type(value) is kind or (kind is float and type(value) is int))
    if not ok_type:
        hint = (" (YAML reads unquoted yes/no/on/off as true/false and digits as numbers: "
                "put the text in quotes)") if kind is str and isinstance(value, (bool, int, float)) else ""
        raise ParameterError(f"{where}: expected {_TYPE_NAMES[kind]}, got {_type_name(value)}{hint}; "
                             f"allowed: {rule}")
    if kind is float:
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"{where}: not a finite number; allowed: {rule}")
    if kind in (int, float):
        _check_range(where, value, kind, spec, rule)
    if kind is str:
        _check_text(where, value, spec, rule)
    return value


def _check_range(where: str, value: float, kind: type, spec: Spec, rule: str) -> None:
    hi = spec.high if spec.high is not None or kind is not int else MAX_COUNT
    too_low = spec.low is not None and (value <= spec.low if spec.low_open else value < spec.low)
    too_high = hi is not None and (value >= hi if spec.high_open else value > hi)
    if too_low or too_high:
        raise ParameterError(f"{where}: out of range; allowed: {rule}")


def _check_text(where: str, value: str, spec: Spec, rule: str) -> None:
    if len(value) > MAX_TEXT:
        raise ParameterError(f"{where}: {len(value):,} characters; allowed: {rule}")
    if not value.isprintable():
        bad = next(c for c in value if not c.isprintable())
        raise ParameterError(f"{where}: contains the control or invisible character U+{ord(bad):04X}; "
                             f"allowed: {rule}")
    if spec.choices and value not in spec.choices:
        raise ParameterError(f"{where}: not allowed; allowed: {rule}")
