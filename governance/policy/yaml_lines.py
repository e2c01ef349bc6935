"""YAML reading that remembers where every key was written, so errors can point at the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from governance.errors import PolicyError

KeyPath = tuple[str | int, ...]


class YamlShapeError(ValueError):
    """The text is YAML but not a policy-shaped YAML (duplicate keys, non-string keys)."""

    def __init__(self, message: str, line: int):
        self.line = line
        super().__init__(message)


def load_with_lines(text: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML safely and return the data plus a map from key path to 1-based line number.

    >>> data, lines = load_with_lines("a:\\n  b: 1\\n  c: [x, y]\\n")
    >>> lines[("a", "c", 1)]
    3
    """
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return yaml.safe_load(text), lines


def _walk(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlShapeError("keys must be plain names", key_node.start_mark.line + 1)
            key = key_node.value
            if key in seen:
                raise YamlShapeError(
                    f"duplicate key '{key}' (a later value would silently replace the first)",
                    key_node.start_mark.line + 1,
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            _walk(item, (*path, i), lines)


def line_of(lines: dict[KeyPath, int], loc: tuple[Any, ...]) -> tuple[int | None, KeyPath]:
    """Deepest known line along a validation location; skips parts that are not YAML keys.

    Pydantic locations include union tags (e.g. the operator name) that are not keys in the
    file; those are skipped so the error still lands on the nearest written key.
    """
    best: int | None = lines.get(())
    found: KeyPath = ()
    path: KeyPath = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in lines:
            path = candidate
            best = lines[candidate]
            found = path
    return best, found


def read_utf8(path: Path, what: str) -> tuple[bytes, str]:
    """A YAML file's bytes and text, or a PolicyError: not found, a folder, or not UTF-8
    (with the line of the first byte that is not)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(path, "file not found") from None
    except IsADirectoryError:
        raise PolicyError(path, f"is a folder; give one {what} file") from None
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError(path, f"{what} files must be UTF-8", line=line) from None
