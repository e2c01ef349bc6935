"""What the audit found in blocks of hidden counts it has already solved, by their content.

A block's finding (which of its cells a reader pins or narrows, and to what range) is a
function of its content alone: its hidden cells (key, exact value, minimum group size,
protection width, whether a table lists it) and its equations (which cells add up to which,
the known values of the cells in them that are published, the people counted twice). The
next release of a resource leaves most blocks of the live tables as they were, and the
gate's audit of a release meets the blocks its protection solved last: with the same
content they are not solved again. Anything that differs, down to one published value,
is another block.
"""

from __future__ import annotations

from collections import OrderedDict

from transforms.linked.system import Equation, System

#: Findings: (dimensions, key, low, high, width) of each exposed cell.
Finding = list[tuple[tuple[str, ...], tuple[str, ...], float, float, float]]

_KEEP = 4096
_solved: OrderedDict[tuple, Finding] = OrderedDict()


def content(system: System, block: list[int], equations: list[Equation]) -> tuple:
    """Everything a block's finding depends on, as a key (independent of node numbers). The
    block's cells are exactly the hidden ones in its equations, so an equation enters by its
    cells' keys and exact values, worked out once per system and equation."""
    nodes = system.nodes
    cells = frozenset(
        (nodes[n].dims, nodes[n].key, nodes[n].truth, nodes[n].threshold, nodes[n].width,
         nodes[n].explicit)
        for n in block
    )  # fmt: skip
    sums = system.memo.setdefault("sums", {})
    for eq in equations:
        if id(eq) not in sums:
            sums[id(eq)] = _sum(system, eq)
    return system.family, cells, frozenset(sums[id(eq)] for eq in equations)


def _sum(system: System, eq: Equation) -> tuple:
    """One equation by its cells' keys and exact values (children as a frozenset, which
    keeps its hash)."""
    if "values" not in system.memo:
        system.memo["values"] = [(n.dims, n.key, n.truth) for n in system.nodes]
    cells = system.memo["values"]
    return cells[eq.parent], frozenset(map(cells.__getitem__, eq.children)), eq.offset


def recall(key: tuple) -> Finding | None:
    return _solved.get(key)


def remember(key: tuple, finding: Finding) -> None:
    _solved[key] = finding
    while len(_solved) > _KEEP:
        _solved.popitem(last=False)


def forget() -> None:
    """Drop every finding (what a fresh process starts from)."""
    _solved.clear()
