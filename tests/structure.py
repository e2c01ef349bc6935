"""Reading the house's structure from its source: the import graph of the first-party modules
(every import counts, at module level, inside functions and under TYPE_CHECKING alike), the
rooms of flows/ and their order, and the places that ask which kind a product is."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

FLOWS_ROOMS = {"cli": 5, "pipeline": 4, "services": 3, "kinds": 2, "files": 1}
"""flows/ rooms, high to low: a room imports only its own and lower rooms; modules directly in
flows/ (errors, clock, settings) are the lowest."""


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module


def modules(root: Path, packages: Iterable[str]) -> dict[str, Module]:
    """Every module of the packages under `root`, by dotted name (a package by its own name)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            tree = ast.parse(path.read_text("utf-8"), str(path))
            found[".".join(parts)] = Module(".".join(parts), path, tree)
    return found


def imports(module: Module, known: Mapping[str, Module]) -> set[str]:
    """First-party modules `module` imports anywhere in its file."""
    found: set[str] = set()
    is_package = module.path.name == "__init__.py"
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module.name, is_package, node)
            if base is None:
                continue
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in known:
                    found.add(target)
                elif base in known:
                    found.add(base)
    found.discard(module.name)
    return found


def _absolute(name: str, is_package: bool, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    parts = name.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    if keep <= 0:
        return None
    return ".".join([*parts[:keep], *([node.module] if node.module else [])])


def graph(known: Mapping[str, Module]) -> dict[str, set[str]]:
    return {name: imports(module, known) for name, module in known.items()}


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return found


def room(name: str, rooms: Mapping[str, int] = FLOWS_ROOMS) -> int | None:
    """The rank of a flows module's room (0 directly in flows/); None outside flows."""
    parts = name.split(".")
    if parts[0] != "flows":
        return None
    return rooms.get(parts[1], 0) if len(parts) > 1 else 0


def upward(edges: Mapping[str, set[str]], rooms: Mapping[str, int] = FLOWS_ROOMS) -> list[str]:
    """Imports from a lower room of flows/ into a higher one."""
    found = []
    for source, targets in sorted(edges.items()):
        rank = room(source, rooms)
        for target in sorted(targets):
            other = room(target, rooms)
            if rank is not None and other is not None and other > rank:
                found.append(f"{source} -> {target}")
    return found


def asks_the_kind(module: Module, specs: set[str]) -> list[str]:
    """Places in `module` that ask which kind a product is: an isinstance over a product spec
    class, or a comparison of a `kind` (attribute or key) with a string."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
            named = _names(node.args[1]) if len(node.args) == 2 else set()
            if named & specs:
                found.append(f"{module.path}:{node.lineno}: isinstance over {sorted(named)}")
        elif isinstance(node, ast.Compare) and _is_kind(node):
            found.append(f"{module.path}:{node.lineno}: compares a product's kind")
    return found


def _names(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Tuple):
        return {n for element in node.elts for n in _names(element)}
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return set()


def _is_kind(node: ast.Compare) -> bool:
    sides = [node.left, *node.comparators]
    kind = any(_names_kind(side) for side in sides)
    text = any(
        (isinstance(c, ast.Constant) and isinstance(c.value, str))
        or isinstance(c, ast.Tuple | ast.List | ast.Set)
        for c in sides
    )
    return kind and text


def _names_kind(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "kind"
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and key.value == "kind"
    if isinstance(node, ast.Call):  # manifest.get("kind")
        func = node.func
        first = node.args[0] if node.args else None
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and isinstance(first, ast.Constant)
            and first.value == "kind"
        )
    return False
