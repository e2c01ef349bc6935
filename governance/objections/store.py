"""Objections (异议) in domain/state.duckdb: `objections` (one row per objection, its target and
claim, status and due date), `objection_products` (the live product versions it affects and
whether they are suspended) and `corrections` (values an upheld objection corrected, applied at
every later ingest of the resource). The key value and the claimed values are personal data:
they stay in these tables, inside the domain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from governance.duck import reading, select, transaction
from governance.errors import GovernanceError

SCHEMA = """
CREATE TABLE IF NOT EXISTS objections (
    objection_id TEXT PRIMARY KEY,
    filed_at TIMESTAMP NOT NULL,
    filer_kind TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    product_id TEXT,
    status TEXT NOT NULL,
    due DATE NOT NULL,
    resolved_at TIMESTAMP,
    filer TEXT,
    target TEXT NOT NULL,
    version INTEGER,
    key_column TEXT,
    key_value TEXT,
    columns TEXT[] NOT NULL,
    claimed TEXT NOT NULL,
    cell TEXT NOT NULL,
    claim TEXT NOT NULL,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS objection_products (
    objection_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    suspended BOOLEAN NOT NULL,
    PRIMARY KEY (objection_id, product_id, version)
);
CREATE TABLE IF NOT EXISTS corrections (
    resource_id TEXT NOT NULL,
    key_column TEXT NOT NULL,
    key_value TEXT NOT NULL,
    column_name TEXT NOT NULL,
    corrected_value TEXT,
    objection_id TEXT NOT NULL,
    corrected_at TIMESTAMP NOT NULL
);
"""
TABLES = ("objections", "objection_products", "corrections")
Status = Literal["open", "upheld", "rejected"]
FilerKind = Literal["data_subject", "operator", "department"]
FILER_KINDS: tuple[str, ...] = FilerKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Objection:
    """One objection: against a record of a resource (`key_column` = `key_value`, the disputed
    `columns` and the `claimed` values) or a cell of a product version (`cell`)."""

    objection_id: str
    filed_at: dt.datetime
    filer_kind: str
    resource_id: str
    product_id: str | None
    status: Status
    due: dt.date
    resolved_at: dt.datetime | None
    filer: str | None
    target: Literal["record", "cell"]
    version: int | None
    key_column: str | None
    key_value: str | None
    columns: list[str]
    claimed: dict[str, str | None]
    cell: dict[str, Any]
    claim: str
    reason: str | None = None
    products: list[dict[str, Any]] = field(default_factory=list)
    """The affected versions: {product_id, version, suspended}."""

    def overdue(self, today: dt.date) -> bool:
        return self.status == "open" and today > self.due


@dataclass(frozen=True)
class Correction:
    """One corrected value: in `resource_id`, the rows whose `key_column` is `key_value` take
    `value` in `column`."""

    resource_id: str
    key_column: str
    key_value: str
    column: str
    value: str | None
    objection_id: str
    at: dt.datetime


class ObjectionStore:
    """Objections, their products and corrections; every write is one transaction."""

    def __init__(self, path: Path):
        self.path = path

    def next_id(self, day: dt.date) -> str:
        """OBJ-YYYYMMDD-NNN, numbered per day of filing."""
        prefix = f"OBJ-{day:%Y%m%d}-"
        rows = self._select(
            "SELECT count(*) AS n FROM objections WHERE objection_id LIKE ?", [prefix + "%"]
        )
        return f"{prefix}{rows[0]['n'] + 1:03d}"

    def file(self, objection: Objection) -> None:
        """Record a new objection with its affected products."""
        row = asdict(objection)
        products = row.pop("products")
        row["claimed"] = json.dumps(row["claimed"], ensure_ascii=False)
        row["cell"] = json.dumps(row["cell"], ensure_ascii=False)
        with transaction(self.path, SCHEMA) as con:
            names = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            con.execute(f"INSERT INTO objections ({names}) VALUES ({marks})", list(row.values()))
            for p in products:
                con.execute(
                    "INSERT INTO objection_products VALUES (?, ?, ?, ?)",
                    [objection.objection_id, p["product_id"], p["version"], p["suspended"]],
                )

    def get(self, objection_id: str) -> Objection:
        """One objection, or an error listing the known ones."""
        found = self.all(objection_id)
        if not found:
            known = ", ".join(o.objection_id for o in self.all()) or "none"
            raise GovernanceError(
                f"no objection '{objection_id}' (objections: {known}); see `sluice objection list`"
            )
        return found[0]

    def all(self, objection_id: str | None = None) -> list[Objection]:
        """Every objection (or one), oldest first, with its products."""
        where = "WHERE objection_id = ?" if objection_id else ""
        rows = self._select(
            f"SELECT * FROM objections {where} ORDER BY filed_at, objection_id",
            [objection_id] if objection_id else [],
        )
        products = self._select("SELECT * FROM objection_products ORDER BY product_id, version")
        found = []
        for row in rows:
            mine = [
                {k: p[k] for k in ("product_id", "version", "suspended")}
                for p in products
                if p["objection_id"] == row["objection_id"]
            ]
            row |= {"claimed": json.loads(row["claimed"]), "cell": json.loads(row["cell"])}
            found.append(Objection(**row, products=mine))
        return found

    def suspending(self, product_id: str) -> list[str]:
        """Open objections that hold a version of `product_id` suspended."""
        rows = self._select(
            "SELECT o.objection_id FROM objections o JOIN objection_products p "
            "USING (objection_id) WHERE p.product_id = ? AND p.suspended AND o.status = 'open' "
            "ORDER BY o.objection_id",
            [product_id],
        )
        return [r["objection_id"] for r in rows]

    def resolve(
        self,
        objection_id: str,
        status: Literal["upheld", "rejected"],
        reason: str | None,
        at: dt.datetime,
        corrections: list[Correction],
        lifted: bool,
    ) -> None:
        """Close an open objection; its corrections are held from now on, and a rejection
        (`lifted`) ends its suspensions."""
        with transaction(self.path, SCHEMA) as con:
            con.execute(
                "UPDATE objections SET status = ?, reason = ?, resolved_at = ? "
                "WHERE objection_id = ?",
                [status, reason, at, objection_id],
            )
            if lifted:
                con.execute(
                    "UPDATE objection_products SET suspended = false WHERE objection_id = ?",
                    [objection_id],
                )
            for c in corrections:
                con.execute(
                    "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [c.resource_id, c.key_column, c.key_value, c.column, c.value,
                     c.objection_id, c.at],
                )  # fmt: skip

    def corrections(self, resource_id: str) -> list[Correction]:
        """The corrections of a resource, in the order they were made (a later one wins)."""
        rows = self._select(
            "SELECT resource_id, key_column, key_value, column_name AS column, "
            "corrected_value AS value, objection_id, corrected_at AS at FROM corrections "
            "WHERE resource_id = ? ORDER BY corrected_at, objection_id",
            [resource_id],
        )
        return [Correction(**r) for r in rows]

    def _select(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        with reading(self.path, SCHEMA, TABLES) as con:
            return select(con, sql, params or [])


def corrections_digest(corrections: list[Correction]) -> str:
    """A hash of what the corrections change (not when or why), for content fingerprints."""
    body = [[c.key_column, c.key_value, c.column, c.value] for c in corrections]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def content_fingerprint(raw_sha256: str, corrections: list[Correction]) -> str:
    """The content of a resource as the build reads it: the file as delivered, and the
    corrections applied to it; the file's own hash when there are none."""
    if not corrections:
        return raw_sha256
    both = f"{raw_sha256}:{corrections_digest(corrections)}"
    return hashlib.sha256(both.encode()).hexdigest()
