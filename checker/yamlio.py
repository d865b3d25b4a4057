"""YAML data files of jxcheck's own (rule packs, form vocabularies): safe loading with line numbers.

Every mapping carries `__line__` (1-based) so a validation error can name the line of the entry it is
about; `strip_lines` removes the marks before the data is validated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from checker.errors import JxError
from checker.safefile import read_text


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when built with it
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    # a key written twice is an error, not the later value silently kept (two `expires:` in one waiver)
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value != "<<":
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key.value!r} (first on line {seen[key.value]})", key.start_mark)
            seen[key.value] = key.start_mark.line + 1
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_marked(path: Path, error: type[JxError], what: str) -> Any:
    """The file's YAML with `__line__` marks; `error` naming the file and line when it cannot be read."""
    source = str(path)
    text = read_text(path, what, error)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except RecursionError:
        raise error(source, "invalid YAML: nested too deeply") from None
    except ValueError as exc:  # a timestamp YAML cannot make (2027-13-45)
        raise error(source, f"invalid value: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise error(source, f"invalid YAML: {getattr(exc, 'problem', exc)}", where) from None


def without_key(data: Any, key: str) -> Any:
    """A copy of nested dicts and lists with `key` dropped from every mapping."""
    if isinstance(data, dict):
        return {k: without_key(v, key) for k, v in data.items() if k != key}
    if isinstance(data, list):
        return [without_key(x, key) for x in data]
    return data


def strip_lines(data: Any) -> Any:
    return without_key(data, "__line__")
