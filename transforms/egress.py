"""The egress gate (出域关口): the one function everything passes before it may leave the domain.

It refuses, and so nothing is published, when an output column still carries a direct
identifier, when a scan of the output finds a resident ID, mobile number, unified social credit
code or bank card number, when a published cell covers fewer people than its minimum, or when
a record-level release misses a privacy model it must meet. Its figures come from its own
recount of the de-identified data and the published rows, not from the product builder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import polars as pl

from transforms.detectors.scan import scan_frame
from transforms.egress_index import IndexRule, index_check
from transforms.egress_records import RecordRule, record_checks
from transforms.errors import TransformError
from transforms.gate_check import Check
from transforms.products.secondary import determined, equations

GATE_ENTITIES = ("CN_RESIDENT_ID", "CN_MOBILE", "CN_USCC", "CN_BANK_CARD")
BLOCKED_CATEGORIES = frozenset({"direct_identifier", "free_text"})


@dataclass(frozen=True)
class Origin:
    """Where an output column comes from: its source column and that column's category."""

    role: Literal["dimension", "measure", "flag", "quasi_identifier", "record"]
    source: str | None = None
    category: str | None = None
    secret: bool = False
    """The source column is marked secret: nothing derived from it may leave, not even a sum."""


@dataclass(frozen=True)
class CellRule:
    """Minimum group size of an aggregated release, recounted from the de-identified source."""

    source: pl.LazyFrame
    dims: Sequence[tuple[str, str]]
    """(source column, output column) pairs that identify a cell."""
    min_group_size: int
    subject: str | None = None
    """Column whose distinct values are the people; without one, each row is a person."""
    suppressed: str = "suppressed"
    margin: str | None = None
    """Column naming the dimensions a total row sums over (null for cells), when the release
    publishes totals: each level is recounted, and no suppressed row may follow from the rest."""


@dataclass(frozen=True)
class PrivateRule:
    """A differentially private release: its account must stay within the declared epsilon
    and delta, and every published cell must exist in the de-identified source (the noise
    adds values, never cells)."""

    source: pl.LazyFrame
    dims: Sequence[tuple[str, str]]
    epsilon: float
    delta: float
    account: Mapping[str, Any]


@dataclass(frozen=True)
class VerificationRule:
    """A verification product's index, which stays inside the domain but must hold no raw
    identifier: its `keyed` columns are 64-hex keyed pseudonyms, and a scan of every column
    finds no identifier value."""

    index: pl.DataFrame
    keyed: Sequence[str]


class EgressRefused(TransformError):
    """The gate refused a release; `checks` says which check failed and why."""

    def __init__(self, checks: Sequence[Check]):
        self.checks = tuple(checks)
        failed = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
        super().__init__("egress refused: " + "; ".join(failed))


@dataclass(frozen=True)
class Release:
    """A frame the gate cleared, with the checks it passed; publishing takes only this."""

    frame: pl.DataFrame
    checks: tuple[Check, ...]
    _token: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self._token is not _GATE_TOKEN:
            raise TypeError("a Release is created only by egress_gate()")


_GATE_TOKEN = object()


def egress_gate(
    frame: pl.DataFrame,
    *,
    lineage: Mapping[str, Origin],
    cells: CellRule | None = None,
    records: RecordRule | None = None,
    index: IndexRule | None = None,
    private: PrivateRule | None = None,
    verification: VerificationRule | None = None,
) -> Release:
    """Check a product before it leaves the domain; raise EgressRefused if any check fails.

    `cells` re-counts an aggregated release's cells; `records` re-measures a record-level
    release's privacy models (k, l, t, risk) on the rows themselves; `index` re-counts the
    cells behind every value of an evaluation index."""
    checks = [_no_direct_identifiers(frame, lineage), _pii_scan(frame)]
    if cells is not None:
        checks.append(_min_group_size(frame, lineage, cells))
        if cells.margin is not None:
            checks.append(_no_differencing(frame, cells))
    if records is not None:
        checks.extend(record_checks(frame, lineage, records))
    if index is not None:
        checks.append(index_check(frame, index))
    if private is not None:
        checks.append(_differential_privacy(frame, private))
    if verification is not None:
        checks.append(_verification_index(verification))
    if not all(c.passed for c in checks):
        raise EgressRefused(checks)
    return Release(frame, tuple(checks), _token=_GATE_TOKEN)


def _no_direct_identifiers(frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> Check:
    problems: list[str] = []
    for name in frame.columns:
        origin = lineage.get(name)
        if origin is None or name.startswith("__"):
            problems.append(f"column '{name}' has no declared origin")
        elif origin.secret:
            problems.append(f"column '{name}' comes from secret column '{origin.source}'")
        elif origin.role != "measure" and origin.category in BLOCKED_CATEGORIES:
            problems.append(f"column '{name}' comes from {origin.category} '{origin.source}'")
    return Check(
        "no_direct_identifiers",
        not problems,
        {"columns_checked": len(frame.columns)},
        "; ".join(problems),
    )


def _pii_scan(frame: pl.DataFrame) -> Check:
    findings = scan_frame(frame, entities=GATE_ENTITIES)
    scanned = [n for n, t in frame.schema.items() if t == pl.String or t.is_integer()]
    figures = {
        "entities": list(GATE_ENTITIES),
        "cells_scanned": frame.height * len(scanned),
        "findings": findings.height,
    }
    examples = [
        f"{r['entity']} in column '{r['column']}' row {r['row']} ({r['masked']})"
        for r in findings.head(5).iter_rows(named=True)
    ]
    return Check("pii_scan", findings.is_empty(), figures, "; ".join(examples))


def _recount(frame: pl.DataFrame, rule: CellRule) -> pl.DataFrame:
    """The published rows with their people recounted from the source (`__people`), each
    total row at its own level."""
    # Hashed subjects: a collision can only merge two people, so the check can only get stricter.
    people = (pl.col(rule.subject).hash().n_unique() if rule.subject else pl.len()).cast(pl.Int64)
    levels = frame[rule.margin].unique().to_list() if rule.margin else [None]
    parts = []
    for level in levels:
        totalled = set(level.split(",")) if level else set()
        kept = [(src, out) for src, out in rule.dims if out not in totalled]
        rows = frame.filter(pl.col(rule.margin).eq_missing(level)) if rule.margin else frame
        source = rule.source.with_columns(pl.lit(0).alias("__all"))
        keys = [pl.col(src).alias(out) for src, out in kept] or [pl.col("__all")]
        recount = source.group_by(keys).agg(people.alias("__people")).collect(engine="streaming")
        on = [out for _, out in kept]
        if on:
            parts.append(rows.join(recount, on=on, how="left", nulls_equal=True))
        else:
            parts.append(rows.join(recount.drop("__all"), how="cross"))
    return pl.concat(parts, how="vertical_relaxed")


def _min_group_size(frame: pl.DataFrame, lineage: Mapping[str, Origin], rule: CellRule) -> Check:
    flag = pl.col(rule.suppressed) if rule.suppressed in frame.columns else pl.lit(False)
    published = _recount(frame.filter(~flag), rule)
    too_small = published.filter(
        pl.col("__people").is_null() | (pl.col("__people") < rule.min_group_size)
    )
    measures = [n for n, o in lineage.items() if o.role == "measure" and n in frame.columns]
    carries = pl.any_horizontal(pl.col(measures).is_not_null()) if measures else pl.lit(False)
    leaking = frame.filter(flag).filter(carries)
    smallest = published["__people"].min() if published.height else None
    figures = {
        "min_group_size": rule.min_group_size,
        "published_cells": published.height,
        "suppressed_cells": frame.height - published.height,
        "smallest_published_cell": smallest,
    }
    detail = []
    if too_small.height:
        detail.append(
            f"{too_small.height} published cell(s) cover fewer than {rule.min_group_size}"
        )
    if leaking.height:
        detail.append(f"{leaking.height} suppressed cell(s) still carry values")
    passed = not too_small.height and not leaking.height
    return Check("min_group_size", passed, figures, "; ".join(detail))


def _no_differencing(frame: pl.DataFrame, rule: CellRule) -> Check:
    """No suppressed row can be worked out from the published rows and totals (linear)."""
    dims = [out for _, out in rule.dims]
    system = equations(frame, dims, str(rule.margin))
    hidden = set(np.flatnonzero(frame[rule.suppressed].to_numpy()).tolist())
    pinned = determined(hidden, system)
    figures = {"equations": len(system), "suppressed_rows": len(hidden), "recoverable": len(pinned)}
    shown = [frame.row(r, named=True) for r in sorted(pinned)[:3]]
    detail = "; ".join(
        "row " + ", ".join(f"{d}={row[d]}" for d in dims) + " follows from the totals"
        for row in shown
    )
    return Check("no_differencing", not pinned, figures, detail)


def _differential_privacy(frame: pl.DataFrame, rule: PrivateRule) -> Check:
    outputs = [out for _, out in rule.dims]
    source = (
        rule.source.select(pl.col(src).alias(out) for src, out in rule.dims)
        .unique()
        .collect(engine="streaming")
    )
    fabricated = frame.select(outputs).join(source, on=outputs, how="anti", nulls_equal=True)
    spent_eps, spent_delta = float(rule.account["epsilon"]), float(rule.account["delta"])
    within = spent_eps <= rule.epsilon * (1 + 1e-9) and spent_delta <= rule.delta * (1 + 1e-9)
    figures = {
        "mechanism": rule.account["mechanism"],
        "epsilon": spent_eps,
        "delta": spent_delta,
        "declared_epsilon": rule.epsilon,
        "declared_delta": rule.delta,
        "cells_released": frame.height,
    }
    detail = []
    if not within:
        detail.append(f"the release spent epsilon {spent_eps:g}, delta {spent_delta:g}: over")
    if fabricated.height:
        detail.append(f"{fabricated.height} published cell(s) do not exist in the source")
    return Check(
        "differential_privacy", within and not fabricated.height, figures, "; ".join(detail)
    )


def _verification_index(rule: VerificationRule) -> Check:
    index = rule.index
    digest = r"^[0-9a-f]{64}$"
    raw = [c for c in rule.keyed if index[c].drop_nulls().str.contains(digest).not_().any()]
    findings = scan_frame(index.drop(rule.keyed), entities=GATE_ENTITIES)
    figures = {
        "index_rows": index.height,
        "keyed_columns": len(rule.keyed),
        "findings": findings.height,
    }
    detail = [f"index column '{c}' holds values that are not keyed pseudonyms" for c in raw]
    detail += [
        f"{r['entity']} in index column '{r['column']}' ({r['masked']})"
        for r in findings.head(3).iter_rows(named=True)
    ]
    return Check("verification_index", not raw and findings.is_empty(), figures, "; ".join(detail))
