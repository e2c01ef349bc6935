"""Filing an objection (异议): against a record of a resource (a data subject's or a
department's claim that a value is wrong) or a cell of a published product version. The
objection is checked against what the domain holds (resource, columns, the record itself,
the product and its cell), its affected products are found (flows/services/lineage.py), and,
when it is filed with --suspend or the resource's policy says so, they are suspended until it
is resolved. A refused filing records nothing and publishes nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from flows.clock import now, today
from flows.errors import BuildError
from flows.files.published import DATA
from flows.services.audit_trail import record
from flows.services.feedback import check_published
from flows.services.lineage import (
    cell_affects,
    lineage,
    live_versions,
    manifest_of,
    record_affects,
)
from flows.services.record_lookup import delivery_sha256, record_lines
from flows.services.suspension import suspend, suspended_data
from flows.settings import Paths
from governance.objections import Objection, ObjectionStore, working_days_after
from governance.policy.load import LoadedPolicy


@dataclass(frozen=True)
class Filing:
    """Who objects, what they claim, and whether to suspend (None: the resource's policy)."""

    filer_kind: str
    filer: str | None
    claim: str
    suspend: bool | None = None


def file_record(
    paths: Paths,
    filing: Filing,
    resource_id: str,
    key: tuple[str, str],
    claimed: dict[str, str | None],
) -> Objection:
    """An objection to a record: `key` (column, value) names it in the delivery now held,
    `claimed` the disputed columns and their claimed correct values."""
    found = lineage(paths, resource_id)
    lp = found.policy(resource_id)
    key_column, key_value = key
    _known_columns(lp, [key_column, *claimed])
    if not claimed:
        raise BuildError(
            "name the disputed column(s) and the claimed correct value(s): --column COL=VALUE"
        )
    if key_column in claimed:
        raise BuildError(
            f"the key column '{key_column}' names the record and cannot be disputed with it; "
            "name the record by another key column"
        )
    lines = record_lines(lp, paths, key_column, key_value)
    if not lines:
        raise BuildError(
            f"no record of resource '{resource_id}' has the {key_column} given; check the value "
            "as the department delivered it (nothing was recorded)"
        )
    held = (delivery_sha256(lp, paths), lines)
    affected = record_affects(paths, found, resource_id, list(claimed), held)
    objection = _objection(
        paths, filing, lp, None, "record", None, key, list(claimed), claimed, {}
    )  # fmt: skip
    return _file(paths, filing, lp, objection, affected)


def file_cell(
    paths: Paths, filing: Filing, product: str, version: int, cell: dict[str, str], measure: str
) -> Objection:
    """An objection to the cell of `product` v`version` at dimension values `cell`, about
    its `measure`."""
    manifest = _published(paths, product, version)
    resources = [r["id"] for r in manifest.get("resources") or [manifest["resource"]]]
    found = lineage(paths, resources[0])
    if product not in found.products:
        raise BuildError(
            f"product '{product}' is no longer declared in {found.folder}; "
            "an objection needs its policy"
        )
    dimensions = _dimensions(manifest)
    _known_cell(product, dimensions, manifest, cell, measure)
    _cell_exists(paths, manifest, cell)
    columns = [dimensions[d] for d in cell]
    affected = cell_affects(paths, found, product, version, columns)
    lp = found.policy(resources[0])
    objection = _objection(
        paths, filing, lp, product, "cell", version, None, [measure], {},
        {"dimensions": cell, "measure": measure},
    )  # fmt: skip
    return _file(paths, filing, lp, objection, affected)


def _objection(
    paths: Paths,
    filing: Filing,
    lp: LoadedPolicy,
    product: str | None,
    target: str,
    version: int | None,
    key: tuple[str, str] | None,
    columns: list[str],
    claimed: dict[str, str | None],
    cell: dict,
) -> Objection:
    rules = lp.policy.resource.objections
    return Objection(
        objection_id=ObjectionStore(paths.state).next_id(today()),
        filed_at=now(), filer_kind=filing.filer_kind, resource_id=lp.policy.resource.id,
        product_id=product, status="open",
        due=working_days_after(today(), rules.deadline_working_days), resolved_at=None,
        filer=filing.filer, target=target, version=version,  # type: ignore[arg-type]
        key_column=key[0] if key else None, key_value=key[1] if key else None,
        columns=columns, claimed=claimed, cell=cell, claim=filing.claim,
    )  # fmt: skip


def _file(
    paths: Paths,
    filing: Filing,
    lp: LoadedPolicy,
    objection: Objection,
    affected: list[tuple[str, int]],
) -> Objection:
    """Record the objection with its products, audit it, and suspend them when asked."""
    held = filing.suspend if filing.suspend is not None else lp.policy.resource.objections.suspend
    products = [{"product_id": p, "version": v, "suspended": held} for p, v in affected]
    objection = replace(objection, products=products)
    ObjectionStore(paths.state).file(objection)
    versions = [{"product": p, "version": v} for p, v in affected]
    record(
        paths, "objection_file", subject=objection.objection_id, outputs=versions,
        counts={"target": objection.target, "resource": objection.resource_id,
                "columns": objection.columns, "products": len(affected)},
    )  # fmt: skip
    if held and affected:
        suspend(paths, affected, objection.objection_id, f"objection: {filing.filer_kind}")
        record(
            paths, "objection_suspend", subject=objection.objection_id, outputs=versions,
            counts={"products": len(affected)},
        )  # fmt: skip
    return objection


def _known_columns(lp: LoadedPolicy, named: list[str]) -> None:
    unknown = [c for c in named if c not in lp.policy.columns]
    if unknown:
        raise BuildError(
            f"resource '{lp.policy.resource.id}' has no column {', '.join(unknown)} "
            f"(columns: {', '.join(lp.policy.columns)}); name columns as in {lp.path}"
        )


def _published(paths: Paths, product: str, version: int) -> dict:
    check_published(paths, product, version)
    manifest = manifest_of(paths, product, version)
    resources = [r["id"] for r in manifest.get("resources") or [manifest["resource"]]]
    live = {v for r in resources for p, v in live_versions(paths, r) if p == product}
    if version not in live or manifest.get("withdrawn"):
        raise BuildError(
            f"{product} v{version} is no longer live (live: "
            f"{', '.join(f'v{v}' for v in sorted(live)) or 'none'}); object to the live version"
        )
    return manifest


def _dimensions(manifest: dict) -> dict[str, str]:
    """Published dimension name -> the resource column it comes from."""
    found = {}
    for d in manifest.get("parameters", {}).get("dimensions") or []:
        column, name = (d, d) if isinstance(d, str) else (d["column"], d.get("as") or d["column"])
        found[name] = column
    return found


def _known_cell(
    product: str, dimensions: dict[str, str], manifest: dict, cell: dict, measure: str
) -> None:
    if not dimensions:
        raise BuildError(f"{product} publishes no table of cells; object to a record instead")
    unknown = [d for d in cell if d not in dimensions]
    if unknown or not cell:
        raise BuildError(
            f"{product} has no dimension {', '.join(unknown) or '(none given)'} "
            f"(dimensions: {', '.join(dimensions)}); give --cell DIMENSION=VALUE for each"
        )
    measures = [c["name"] for c in manifest["schema"] if c["name"] not in dimensions]
    if measure not in measures:
        raise BuildError(f"{product} has no measure '{measure}' (measures: {', '.join(measures)})")


def _cell_exists(paths: Paths, manifest: dict, cell: dict[str, str]) -> None:
    product, version = manifest["product"], manifest["version"]
    data = paths.publish / product / f"v{version}" / DATA
    if not data.is_file():
        data = suspended_data(paths, product, version)
    match = pl.scan_parquet(data).filter(
        *[pl.col(d).cast(pl.String) == str(v) for d, v in cell.items()]
    )
    if match.select(pl.len()).collect().item() == 0:
        raise BuildError(f"{product} v{version} has no cell at {_shown(cell)}")


def _shown(cell: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in cell.items())
