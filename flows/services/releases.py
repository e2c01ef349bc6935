"""Recording what a published version reveals in the release ledger (governance/ledger.py):
each footprint part with a summary a reader of `sluice ledger show` understands, and every
table cell with its exact value, so later releases are audited against it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import polars as pl
import pyarrow as pa

from governance.audience import EVERYONE
from governance.ledger import CELL_COLUMNS, ReleaseLedger
from transforms.footprint import BudgetSpend, CellTable, ClaimService, Footprint, Part, RecordSet
from transforms.linked.cells import linked_cells


def record_footprint(
    ledger: ReleaseLedger,
    footprint: Footprint,
    version: int,
    at: dt.datetime,
    audience: frozenset[str] = frozenset({EVERYONE}),
) -> None:
    """Record one published version's footprint, and who reads it; older versions of the
    product retire."""
    parts, table = footprint_rows(footprint, audience)
    ledger.record(footprint.product, version, parts, table, at)


def footprint_rows(
    footprint: Footprint, audience: frozenset[str] = frozenset({EVERYONE})
) -> tuple[list[dict[str, Any]], pa.Table | None]:
    """A footprint as the ledger records it: its parts, each with a summary and its readers,
    and its table cells with their exact values."""
    parts, cells = [], []
    for number, part in enumerate(footprint.parts):
        basis = part.basis if isinstance(part, CellTable) else ""
        about = {**summary(part), "audience": sorted(audience)}
        parts.append({"part": number, "resource": part.resource, "form": _form(part),
                      "basis": basis, "summary": about})  # fmt: skip
        if isinstance(part, CellTable):
            cells.append(linked_cells(part, footprint.product, number))
    table = None
    if cells:
        table = pl.concat(cells).select("part", *CELL_COLUMNS).to_arrow()
    return parts, table


def summary(part: Part) -> dict[str, Any]:
    """What a part reveals, in plain terms (no cell values)."""
    if isinstance(part, CellTable):
        hidden = int(part.cells[part.suppressed].sum()) if part.suppressed else None
        return {
            "dimensions": [f"{out} ({src})" for src, out in part.dimensions],
            "statistics": [f"{s.name}={s.aggregate}({s.column or ''})" for s in part.statistics],
            "rows": part.cells.height,
            "margins": part.margin is not None,
            "suppressed": hidden,
            "exact": part.exact,
            "min_group_size": part.min_group_size,
            "protection_width": part.width,
            "reveals": [k.to_json() for k in part.reveals],
        }
    if isinstance(part, RecordSet):
        return {
            "quasi_identifiers": [
                f"{q.column}@{q.level}/{q.top_level}"
                + (f" (rows at {sorted(q.levels_used)})" if q.levels_used else "")
                for q in part.quasi_identifiers
            ],
            "columns": list(part.columns),
            "rows": part.rows,
            "reveals": [k.to_json() for k in part.reveals],
            "qi_columns": [q.column for q in part.quasi_identifiers],
            "published_exactly": list(part.published_exactly),
            "threshold": part.threshold,
        }
    if isinstance(part, ClaimService):
        return {
            "identifier": part.identifier,
            "claims": {name: list(cols) for name, cols in part.claims},
            "answers": list(part.answers),
            "reveals": [k.to_json() for k in part.reveals],
        }
    assert isinstance(part, BudgetSpend)
    return dataclasses.asdict(part)


def _form(part: Part) -> str:
    return {CellTable: "cells", RecordSet: "records", ClaimService: "claims",
            BudgetSpend: "budget"}[type(part)]  # fmt: skip
