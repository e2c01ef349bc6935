"""What a table kind does about the resource's other live releases: it hides the cells the
joint protection asks for, hands the gate the joint audit, and names the rows it counted from
(its basis), so that only cells counted from the same rows are linked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from flows.kinds.base import BuildRefused, Job, digest
from governance import ledger
from transforms.egress.linked import LinkedRule
from transforms.footprint import CellTable, Statistic
from transforms.linked import solved
from transforms.linked import system as linked_system
from transforms.linked.cells import SCHEMA, linked_cells
from transforms.linked.derive import derivable
from transforms.linked.protect import Protection, protect_jointly
from transforms.linked.system import with_keys
from transforms.linked.truth import exact_values


def basis(job: Job[Any], resource: str, **extra: Any) -> str:
    """The rows a table of `resource` is counted from: the resource's content and how it is
    de-identified (plus, say, a product's contribution bounding)."""
    loaded = job.declared.policies[resource]
    return digest(
        {
            "inputs": [i["sha256"] for i in job.sources[resource].inputs],
            "columns": loaded.policy.model_dump(mode="json")["columns"],
            **{k: v for k, v in extra.items() if v is not None},
        }
    )


def live(job: Job[Any], table: CellTable) -> pl.DataFrame:
    """Linked cells of the tables `table` is judged with: every table of its resource and
    basis the release ledger counts, the product's own earlier versions included (their
    readers keep them)."""
    found = job.context.releases.live_cells(table.resource, table.basis)
    kept = _LAST[:]  # as it stands, whatever another thread does with it
    if kept and kept[0] is found:  # the ledger handed the same cells again
        return kept[1]
    frame = pl.from_arrow(found)
    assert isinstance(frame, pl.DataFrame)
    cells = with_keys(  # keyed once for the protection and the gate
        frame.with_columns(pl.lit(False).alias("candidate")).select(
            pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()
        )
    )
    _LAST[:] = [found, cells]
    return cells


_LAST: list = []
"""The last live cells the ledger handed over, and the frame made of them."""


def forget() -> None:
    """Drop what the protection and the audit keep between the products of a build (systems,
    their shapes, blocks solved, the last live cells): hundreds of thousands of objects that
    every later pass of the garbage collector, and the interpreter's exit, would go over."""
    _LAST.clear()
    solved.forget()
    linked_system.forget()
    ledger.forget()


@dataclass(frozen=True)
class Pattern:
    """Rows to hide, and complements to show, per table part of a release."""

    hide: dict[int, set[int]]
    show: dict[int, set[int]]


def protect(job: Job[Any], tables: Sequence[CellTable]) -> Pattern:
    """Rows to hide (and complements to show) per table part, so that beside the live tables
    nothing is newly exposed; a release that cannot be made safe by hiding its own cells is
    refused."""
    groups: dict[tuple[str, str], list[pl.DataFrame]] = {}
    samples: dict[tuple[str, str], CellTable] = {}
    for part, table in enumerate(tables):
        if table.exact:
            group = (table.resource, table.basis)
            samples.setdefault(group, table)
            groups.setdefault(group, []).append(
                linked_cells(table, job.spec.id, part, candidate=True)
            )
    hide: dict[int, set[int]] = {}
    show: dict[int, set[int]] = {}
    for group, parts in groups.items():
        found: Protection = protect_jointly(live(job, samples[group]), pl.concat(parts))
        if found.refusals:
            shown = "; ".join(found.refusals[:3])
            more = f" (and {len(found.refusals) - 3} more)" if len(found.refusals) > 3 else ""
            raise BuildRefused(
                f"{job.spec.id}: beside the live releases of {group[0]}, {shown}{more}",
                clause="linked_tables",
            )
        for part, row in found.hide:
            hide.setdefault(part, set()).add(row)
        for part, row in found.show:
            show.setdefault(part, set()).add(row)
    return Pattern(hide, show)


def exactly_known(job: Job[Any], keys: pl.DataFrame) -> dict[str, Any] | None:
    """How many cells of a noisy table (its keys, one column per dimension, named as
    published) have exact people counts that the live tables of the resource give away, and
    which products do; None when none do. The cells are counted from the unbounded rows, on
    the basis the exact tables are counted from."""
    spec, prepared = job.spec, job.prepared
    dims = tuple((d.column, d.output) for d in spec.dimension_specs())
    statistic = Statistic("__people", "count_subjects")
    truth = exact_values(keys, prepared.frame(), dims=dims, statistics=[statistic],
                         subject=prepared.subject)  # fmt: skip
    table = CellTable(
        prepared.resource, dims, (statistic,),
        keys.with_columns(pl.lit(None, dtype=pl.Int64).alias("__people"),
                          pl.lit(True).alias("__hidden")),
        suppressed="__hidden", truth=truth, basis=basis(job, prepared.resource),
        subject=prepared.subject is not None,
    )  # fmt: skip
    rows, products = derivable(live(job, table), linked_cells(table, spec.id, 0, candidate=True))
    if not rows:
        return None
    shown = ", ".join(sorted(p.rsplit(" v", 1)[0] for p in products))
    return {
        "cells": len(rows),
        "of": keys.height,
        "from": sorted(products),
        "note": f"the exact counts of {len(rows)} of its {keys.height} cells can be worked out "
        f"from {shown}, so differential privacy adds no protection to them; withdraw those "
        "products, change the dimensions, or set differential_privacy.if_derivable: disclose "
        "to publish anyway with this said in the manifest",
    }


def linked_rule(job: Job[Any], tables: Callable[[pl.DataFrame], Sequence[CellTable]]) -> LinkedRule:
    """The gate's joint audit of the release beside the live tables of its resources."""
    return LinkedRule(job.spec.id, tables, lambda table: live(job, table))
