"""Which live products an objection (异议) touches: the release ledger says which product
versions are live per resource, the policies say which columns of the resource each product
draws on, and the manifests say which delivery each version was built from.

The rule, for an objection against a record (key column = value) of resource R disputing
columns C: every live version (release ledger, not retired) of a product that draws on at
least one column of C from R (`ProductBase.columns_drawn`, so an index drawing on several
resources counts for each), and whose input included the record: built from the delivery now
held (same sha256) with the record not in quarantine, or from an earlier delivery no longer
held (counted in: it cannot be ruled out). For an objection against a cell of a product
version: that version, and every other live version of a product of the same resource that
draws on every column the cell is defined by (its dimensions), so it holds the same cell or
one finer or coarser."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.errors import BuildError
from flows.files.published import MANIFEST
from flows.kinds import KINDS
from flows.settings import Paths
from governance.ledger import ReleaseLedger
from governance.policy.load import LoadedPolicy
from governance.policy.product import ProductBase
from governance.registry import RegistryStore


@dataclass(frozen=True)
class Lineage:
    """The policies of the folder a resource was registered from, and every product declared
    there with the columns it draws on per resource."""

    folder: Path
    policies: dict[str, LoadedPolicy]
    products: dict[str, ProductBase]
    drawn: dict[str, dict[str, list[str]]]

    def policy(self, resource_id: str) -> LoadedPolicy:
        return self.policies[resource_id]


def lineage(paths: Paths, resource_id: str) -> Lineage:
    """The lineage of the policies a registered resource came from; an unknown resource is
    an error listing the registered ones."""
    held = {r.resource_id: r for r in RegistryStore(paths.state).registrations()}
    if resource_id not in held or held[resource_id].status == "cancelled":
        known = ", ".join(r for r, h in held.items() if h.status != "cancelled") or "none"
        raise BuildError(
            f"unknown resource '{resource_id}' (registered resources: {known}); "
            "name one of them, or register it first with `sluice register POLICY`"
        )
    folder = Path(held[resource_id].submission.policy_path).parent
    loaded = KINDS.load_policies(folder)
    policies = {lp.policy.resource.id: lp for lp in loaded}
    products: dict[str, ProductBase] = {}
    drawn: dict[str, dict[str, list[str]]] = {}
    for lp in loaded:
        for spec in lp.policy.products:
            products[spec.id] = spec
            drawn[spec.id] = spec.columns_drawn(lp.policy.resource.id)
    for li in KINDS.load_indices(folder, loaded):
        products[li.index.id] = li.index
        drawn[li.index.id] = li.index.columns_drawn("")
    return Lineage(folder, policies, products, drawn)


def live_versions(paths: Paths, resource_id: str) -> list[tuple[str, int]]:
    """(product, version) of every live part of the resource in the release ledger."""
    parts = ReleaseLedger(paths.state).parts(resource_id)
    return sorted({(p["product_id"], int(p["version"])) for p in parts})


def manifest_of(paths: Paths, product: str, version: int) -> dict:
    """A published version's manifest."""
    path = paths.publish / product / f"v{version}" / MANIFEST
    return json.loads(path.read_text("utf-8"))


def record_affects(
    paths: Paths,
    line: Lineage,
    resource_id: str,
    columns: list[str],
    held: tuple[str, list[int]],
) -> list[tuple[str, int]]:
    """The live versions a record objection touches (the rule above); `held` is the sha256 of
    the delivery now held and the record's lines in it."""
    sha, lines = held
    source = line.policy(resource_id).policy.resource.source
    found = []
    for product, version in live_versions(paths, resource_id):
        drawn = set(line.drawn.get(product, {}).get(resource_id, columns))
        if not drawn & set(columns):
            continue
        inputs = manifest_of(paths, product, version).get("inputs", [])
        built_from = next((i["sha256"] for i in inputs if i["path"] == source), None)
        if built_from == sha and all(_quarantined(paths, resource_id, sha, n) for n in lines):
            continue
        found.append((product, version))
    return found


def cell_affects(
    paths: Paths, line: Lineage, product: str, version: int, dimensions: list[str]
) -> list[tuple[str, int]]:
    """The live versions a cell objection touches (the rule above): the version named, and
    those of the same resource drawing on every column of the cell's dimensions."""
    found = {(product, version)}
    for resource_id, drawn in line.drawn.get(product, {}).items():
        needed = set(dimensions) & set(drawn)
        if not needed:
            continue
        for other, v in live_versions(paths, resource_id):
            if needed <= set(line.drawn.get(other, {}).get(resource_id, [])):
                found.add((other, v))
    return sorted(found)


def _quarantined(paths: Paths, resource_id: str, sha: str, line_number: int) -> bool:
    """Whether the row at `line_number` of the delivery went to quarantine (not built from)."""
    path = paths.quarantine / resource_id / f"{sha[:16]}.parquet"
    if not path.is_file():
        return False
    lines = pl.read_parquet(path, columns=["line"])["line"]
    return bool((lines == line_number).any())
