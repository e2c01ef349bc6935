"""A known attribute as a quasi-identifier the search may generalise: its values, then what
the attacker can tell of them (their band or sets), then "*"; an attribute known exactly can
only be published as it is or not at all."""

from __future__ import annotations

from collections.abc import Iterable

from transforms.anonymize.builders import TOP
from transforms.anonymize.hierarchy import Hierarchy
from transforms.linkage.known import Knowledge


def knowledge_hierarchy(knowledge: Knowledge, values: Iterable[object]) -> Hierarchy:
    """The levels of a known column over the values it has.

    >>> h = knowledge_hierarchy(Knowledge("m", "cuts", cuts=(3, 6)), [1, 4, 9])
    >>> [h.generalize("4", level) for level in range(h.height + 1)]
    ['4', '[3, 6)', '*']
    """
    found = sorted({str(v) for v in values if v is not None})
    levels = [{v: v for v in found}]
    if knowledge.form != "exact":
        levels.append({v: knowledge.label(v) or TOP for v in found})
    levels.append({v: TOP for v in found})
    return Hierarchy(knowledge.column, levels)
