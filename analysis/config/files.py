"""Reading a parameter file: YAML, safely, with every key once.

``yaml.safe_load`` builds no Python objects beyond YAML's own types, but it keeps the last of two
equal keys without a word; a file that sets ``min_words`` twice is refused here instead, so what
runs is what the reader of the file sees. The values themselves are checked by
:func:`analysis.config.resolve`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .fields import ParameterError, show


class _UniqueKeyLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses a mapping with the same key twice."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            first = seen.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:  # an unhashable key (a list); SafeLoader reports it below
            continue
        if first != key_node.start_mark.line + 1:
            raise ParameterError(f"line {key_node.start_mark.line + 1}: key {show(key)} is set twice "
                                 f"(first on line {first}); keep one")
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def read_parameter_file(path: str | Path) -> dict[str, Any]:
    """The ``{stage: {name: value}}`` mapping in the YAML file at ``path`` (values not yet validated).

    Raises
    ------
    ParameterError
        When the file is missing, not UTF-8 YAML, sets a key twice or is not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"{path}: parameter file not found")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader) or {}  # noqa: S506 - safe loader
    except ParameterError as exc:
        raise ParameterError(f"{path}: {exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping of stage -> parameters, got {type(data).__name__}")
    return data
