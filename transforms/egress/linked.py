"""The gate's rule for tables of a resource that already has live releases: the interval audit
over the release and every live table of its resource (transforms.linked) finds no cell that
the release newly exposes. Exposures the live tables had before it are reported, not charged
to it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.footprint import CellTable
from transforms.gate_check import Check, Origin
from transforms.linked.audit import interval_audit, newly_exposed
from transforms.linked.cells import linked_cells
from transforms.linked.system import with_keys


@dataclass(frozen=True)
class LinkedRule:
    """Re-audit a table release beside the live tables of its resource."""

    product: str
    tables: Callable[[pl.DataFrame], Sequence[CellTable]]
    """The release's table parts, exact values recounted from the source, from the frame
    that would leave."""
    live: Callable[[CellTable], pl.DataFrame]
    """Linked cells of the live tables a part is judged with (its resource, its basis)."""

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        tables = self.tables(frame)
        groups: dict[tuple[str, str], list[pl.DataFrame]] = {}
        lives: dict[tuple[str, str], pl.DataFrame] = {}
        for part, table in enumerate(tables):
            if not table.exact:
                continue
            group = (table.resource, table.basis)
            if group not in lives:
                lives[group] = self.live(table)
            cells = linked_cells(table, self.product, part, candidate=True)
            groups.setdefault(group, []).append(with_keys(cells))
        fresh, before, figures = [], 0, {"live_cells": 0, "hidden_cells": 0,
                                         "linear_programmes": 0}  # fmt: skip
        for group, parts in groups.items():
            live = lives[group]
            cells = pl.concat([with_keys(live), *parts])
            audit, old = interval_audit(cells), []
            if audit.exposures and live.height:  # what the live tables exposed before it
                old = interval_audit(live).exposures
                if old:  # every family of sums on its own (see newly_exposed)
                    audit, old = (
                        interval_audit(cells, strict=True),
                        interval_audit(live, strict=True).exposures,
                    )
            before += len(old)
            fresh += newly_exposed(audit.exposures, old)
            figures["live_cells"] += live.height
            figures["hidden_cells"] += audit.hidden
            figures["linear_programmes"] += audit.programmes
        figures |= {"exposed_cells": len(fresh), "exposed_before": before}
        detail = "; ".join(e.describe() for e in fresh[:5])
        if len(fresh) > 5:
            detail += f"; and {len(fresh) - 5} more"
        return [Check("linked_tables", not fresh, figures, detail)]
