"""The release ledger (发布台账): what every live product version reveals about each resource,
kept in domain/state.duckdb so that a new release is judged together with everything already
published from its resource (汇聚关联风险), not alone.

A version's footprint is recorded when it is published, as parts (a table of cells, a record
set, a claim service, a budget spend) and, for tables, every cell with its exact value beside
what was published. Publishing a newer version of the product retires the older one's
footprint (superseded), and so does withdrawal; retired parts stay in the ledger for the
record and are left out of every audit, with one exception: a superseded table stays counted
in the interval audit while its product has a live table on the same basis (the same delivery
of the resource, read the same way). Its readers keep what they downloaded, and it describes
the same population as the live version (after a correction, the same people but one), so
the next version is judged beside it. A table of an earlier delivery describes other data and
stops counting once its product is rebuilt from a new one; a withdrawn product counts no more.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from governance.duck import on_commit, reading, select, transaction
from governance.lock import holding

SCHEMA = """
CREATE TABLE IF NOT EXISTS release_parts (
    resource_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    part INTEGER NOT NULL,
    form TEXT NOT NULL,
    basis TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP,
    retired_why TEXT,
    PRIMARY KEY (product_id, version, part)
);
CREATE TABLE IF NOT EXISTS release_cells (
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    part INTEGER NOT NULL,
    "row" BIGINT NOT NULL,
    family TEXT NOT NULL,
    additive BOOLEAN NOT NULL,
    dims TEXT[] NOT NULL,
    "key" TEXT[] NOT NULL,
    published DOUBLE,
    truth DOUBLE,
    suppressed BOOLEAN NOT NULL,
    threshold BIGINT,
    width DOUBLE
);
"""
TABLES = ("release_parts", "release_cells")
CELL_COLUMNS = (
    "row", "family", "additive", "dims", "key", "published", "truth", "suppressed",
    "threshold", "width",
)  # fmt: skip
SUPERSEDED = "superseded by v"
COUNTED = (
    "p.retired_at IS NULL OR (p.form = 'cells' AND starts_with(p.retired_why, ?) AND EXISTS "
    "(SELECT 1 FROM release_parts q WHERE q.product_id = p.product_id AND q.retired_at IS NULL "
    "AND q.resource_id = p.resource_id AND q.basis = p.basis))"
)
"""Parts the audit counts: live ones, and superseded tables whose product has a live table
on their basis (the parameter is SUPERSEDED)."""


_STATE = (
    "SELECT (SELECT (count(*), sum(hash(product_id, version, part, form, basis, recorded_at, "
    "retired_at, retired_why))) FROM release_parts WHERE resource_id = ?), "
    '(SELECT (count(*), sum(hash(c.product_id, c.version, c.part, c."row", c.family, '
    'c.additive, c.dims, c."key", c.published, c.truth, c.suppressed, c.threshold, c.width))) '
    "FROM release_cells c "
    "WHERE c.product_id IN (SELECT product_id FROM release_parts WHERE resource_id = ?))"
)
"""A resource's parts and cells in the ledger, as a digest: equal digests, equal live cells."""
_CELLS = (
    "SELECT p.product_id || ' v' || p.version AS product, c.part, "
    + ", ".join(f'c."{c}"' for c in CELL_COLUMNS)
    + " FROM release_cells c JOIN release_parts p USING (product_id, version, part) "
    f"WHERE p.resource_id = ? AND p.basis = ? AND ({COUNTED})"
)
"""The counted cells of a resource on a basis (parameters: resource, basis, SUPERSEDED)."""
_ORDER = ' ORDER BY p.product_id, p.version, c.part, c."row", c.family'


@dataclass(frozen=True)
class _Read:
    """Live cells read (or worked out) once, and what says they still hold."""

    state: Any
    """The resource's parts and cells as a digest (_STATE) when they were read; None when
    they were worked out from a recording instead."""
    cells: pa.Table
    sole: tuple[int, int] | None
    """(holding of the domain's writer lock, recordings so far) while this process was the
    domain's only writer; None when it was not."""


_READ: dict[tuple[str, str, str], _Read] = {}
"""The last live cells per (ledger file, resource, basis)."""
_KEEP_READ = 4
_RECORDED: dict[str, int] = {}
"""Recordings and retirements this process made, per ledger file."""
_GUARD = threading.Lock()


def forget() -> None:
    """Drop every live-cells read kept (the next read opens the state)."""
    with _GUARD:
        _READ.clear()


class ReleaseLedger:
    """Footprints per resource in domain/state.duckdb; each recording is one transaction."""

    def __init__(self, path: Path, writer: Path | None = None):
        self.path = path
        self.writer = writer
        """The domain's writer lock: while this process holds it, no one else records."""

    def _file(self) -> str:
        return str(self.path.resolve())

    def _sole(self) -> tuple[int, int] | None:
        """While this process holds the writer lock: which holding, and how many recordings
        it has made; None otherwise."""
        taken = holding(self.writer) if self.writer is not None else None
        if taken is None:
            return None
        return taken, _RECORDED.get(self._file(), 0)

    def record(
        self,
        product: str,
        version: int,
        parts: list[dict[str, Any]],
        cells: pa.Table | None,
        at: dt.datetime,
    ) -> None:
        """Record a published version's parts ({part, resource, form, basis, summary}) and
        table cells (columns `part` and CELL_COLUMNS), and retire the product's older
        versions."""
        with transaction(self.path, SCHEMA) as con:
            self.record_on(con, product, version, parts, cells, at)

    def record_on(
        self,
        con: duckdb.DuckDBPyConnection,
        product: str,
        version: int,
        parts: list[dict[str, Any]],
        cells: pa.Table | None,
        at: dt.datetime,
    ) -> None:
        """`record` on the caller's connection, inside the transaction that publishes the
        version."""
        con.execute(SCHEMA)
        before = self._sole()
        self._recorded()
        _retire(con, product, at, f"{SUPERSEDED}{version}", before=version)
        for p in parts:
            con.execute(
                "INSERT OR REPLACE INTO release_parts "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [p["resource"], product, version, p["part"], p["form"], p.get("basis", ""),
                 json.dumps(p["summary"], ensure_ascii=False, default=str), at],
            )  # fmt: skip
        con.execute("DELETE FROM release_cells WHERE product_id = ? AND version = ?",
                    [product, version])  # fmt: skip
        if cells is not None and cells.num_rows:
            con.register("incoming", cells)
            columns = ", ".join(f'"{c}"' for c in ("part", *CELL_COLUMNS))
            con.execute(
                f"INSERT INTO release_cells (product_id, version, {columns}) "
                f"SELECT ?, ?, {columns} FROM incoming",
                [product, version],
            )
            con.unregister("incoming")
        if before is not None:
            self._carry(product, version, parts, cells, before)

    def _recorded(self) -> None:
        with _GUARD:
            _RECORDED[self._file()] = _RECORDED.get(self._file(), 0) + 1

    def _carry(
        self,
        product: str,
        version: int,
        parts: list[dict[str, Any]],
        cells: pa.Table | None,
        before: tuple[int, int],
    ) -> None:
        """While this process alone writes, the live cells it holds of the resources a
        recording touches, worked out rather than read again: the others' rows as they were,
        the product's as the recording leaves them (see _counted), in the ledger's order.
        They take effect when the transaction commits, unless anything was recorded since."""
        file, resources = self._file(), {p["resource"] for p in parts}
        with _GUARD:
            held = [(k, r) for k, r in _READ.items()
                    if k[0] == file and k[1] in resources and r.sole == before]  # fmt: skip
        carried = []
        for key, read in held if " " not in product else ():
            mine = _counted(read.cells, product, version, parts, cells, key[1], key[2])
            if mine is not None:
                carried.append((key, _carried(read.cells, product, mine)))
        after = (before[0], before[1] + 1)

        def install() -> None:
            with _GUARD:
                if _RECORDED.get(file, 0) != after[1]:
                    return  # recorded again meanwhile: read afresh
                for key, cells in carried:
                    _READ[key] = _Read(None, cells, after)

        on_commit(install)

    def retire(self, product: str, why: str, at: dt.datetime) -> int:
        """Retire every live part of a product (withdrawal); returns how many."""
        with transaction(self.path, SCHEMA) as con:
            self._recorded()
            return _retire(con, product, at, why)

    def live_cells(self, resource: str, basis: str) -> pa.Table:
        """Cells of every counted table part of `resource` on `basis` (live, or superseded
        and still counted), with `product` naming the product and version.

        A build reads them twice per table (its protection, then the gate, which must see
        anything another build published meanwhile); the second read finds the resource's
        parts and cells as they were (their digest) and takes the cells read the first time.
        The digest is read before the cells: a recording between the two makes the next read
        differ, and never serves cells older than the digest they were checked against."""
        key = (self._file(), resource, basis)
        sole = self._sole()
        with _GUARD:
            kept = _READ.get(key)
        if sole is not None and kept is not None and kept.sole == sole:
            return kept.cells  # nobody else has written since: the writer lock was ours
        with reading(self.path, SCHEMA, TABLES) as con, warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # one copy of the cells is fine
            state = con.execute(_STATE, [resource, resource]).fetchone()
            if kept is not None and kept.state == state:
                cells = kept.cells
            else:
                cells = con.execute(_CELLS + _ORDER, [resource, basis, SUPERSEDED]).to_arrow_table()
        with _GUARD:
            _READ.pop(key, None)
            _READ[key] = _Read(state, cells, sole)
            while len(_READ) > _KEEP_READ:
                _READ.pop(next(iter(_READ)))
        return cells

    def parts(
        self, resource: str, *, retired: bool = False, counted: bool = False
    ) -> list[dict[str, Any]]:
        """The resource's parts, oldest first, with their cell counts and whether the audit
        counts them: live ones; with `counted`, superseded tables still counted too; with
        `retired`, all."""
        where = "" if retired else f"AND ({COUNTED})" if counted else "AND p.retired_at IS NULL"
        with reading(self.path, SCHEMA, TABLES) as con:
            rows = select(
                con,
                f"SELECT p.*, ({COUNTED}) AS counted, "
                '(SELECT count(DISTINCT c."row") FROM release_cells c WHERE '
                "c.product_id = p.product_id AND c.version = p.version AND c.part = p.part) "
                'AS cells, (SELECT count(DISTINCT c."row") FROM release_cells c WHERE '
                "c.product_id = p.product_id AND c.version = p.version AND c.part = p.part "
                "AND c.suppressed) AS hidden FROM release_parts p "
                f"WHERE p.resource_id = ? {where} ORDER BY p.recorded_at, p.product_id, p.part",
                [SUPERSEDED, resource, *([SUPERSEDED] if counted and not retired else [])],
            )
        for row in rows:
            row["summary"] = json.loads(row["summary"])
        return rows

    def resources(self) -> list[str]:
        """Resources the ledger holds anything for."""
        with reading(self.path, SCHEMA, TABLES) as con:
            found = con.execute(
                "SELECT DISTINCT resource_id FROM release_parts ORDER BY 1"
            ).fetchall()
        return [r[0] for r in found]


def _counted(
    held: pa.Table,
    product: str,
    version: int,
    parts: list[dict[str, Any]],
    cells: pa.Table | None,
    resource: str,
    basis: str,
) -> pa.Table | None:
    """The product's counted cells on `resource` and `basis` once `version` is recorded (as
    COUNTED has it): its earlier versions' while the version has a part there, then the
    version's own tables there. None when `held` has rows of the version or a later one."""
    own = held.filter(_rows_of(held, product))
    if any(int(p.rsplit(" v", 1)[1]) >= version for p in set(own["product"].to_pylist())):
        return None
    here = [p for p in parts if p["resource"] == resource and p.get("basis", "") == basis]
    if not here:
        own = own.slice(0, 0)
    tables = [p["part"] for p in here if p["form"] == "cells"]
    if cells is None or not tables or not cells.num_rows:
        return own
    part, row = (np.asarray(cells[c].to_pylist(), dtype=np.int64) for c in ("part", "row"))
    rows = np.flatnonzero(np.isin(part, tables))
    family = np.asarray(cells["family"].to_pylist(), dtype=str)[rows]
    order = rows[np.lexsort((family, row[rows], part[rows]))]  # the ledger's order
    named = pa.table(
        {"product": _repeated(f"{product} v{version}", cells.num_rows),
         **{c: cells[c] for c in ("part", *CELL_COLUMNS)}}
    ).cast(held.schema)  # fmt: skip
    if len(order) < named.num_rows or (np.diff(order) < 0).any():
        named = named.take(_indices(order))
    return pa.concat_tables([own, named])


def _repeated(text: str, n: int) -> pa.StringArray:
    """`text` n times, from buffers: Arrow's converters from Python and numpy look for
    pandas first, and load it (a second or so)."""
    data = text.encode()
    offsets = (np.arange(n + 1, dtype=np.int32) * len(data)).tobytes()
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data * n))


def _indices(order: np.ndarray) -> pa.Array:
    """Row numbers as an Arrow array, from their buffer (see _repeated)."""
    data = pa.py_buffer(np.ascontiguousarray(order, dtype=np.int64).tobytes())
    return pa.Array.from_buffers(pa.int64(), len(order), [None, data])


def _rows_of(cells: pa.Table, product: str) -> pa.ChunkedArray:
    """Which rows are the product's ("id vN": ids hold no space)."""
    return pc.starts_with(cells["product"], pattern=f"{product} v")


def _carried(cells: pa.Table, product: str, mine: pa.Table) -> pa.Table:
    """`cells` (in the ledger's order: product, version, part, row, family) with the rows of
    `product` replaced by `mine`, in the same order."""
    rest = cells.filter(pc.invert(_rows_of(cells, product)))
    # ids hold letters, digits and "_", all after " ": "id vN" sorts as the id does
    before = int(pc.sum(pc.less(rest["product"], _repeated(f"{product} v", 1)[0])).as_py() or 0)
    return pa.concat_tables([rest.slice(0, before), mine, rest.slice(before)])


def _retire(
    con: duckdb.DuckDBPyConnection,
    product: str,
    at: dt.datetime,
    why: str,
    before: int | None = None,
) -> int:
    older = "AND version < ?" if before is not None else ""
    params: list[Any] = [at, why, product, *([before] if before is not None else [])]
    found = con.execute(
        "UPDATE release_parts SET retired_at = ?, retired_why = ? "
        f"WHERE product_id = ? AND retired_at IS NULL {older} RETURNING part",
        params,
    ).fetchall()
    return len(found)
