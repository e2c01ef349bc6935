"""The build flow: ingest -> validate -> de-identify -> build product -> egress gate -> publish.

Runs in a plain process (Prefect's ephemeral mode) or against a Prefect server, where operators
watch runs and their summary artifact in the UI.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import steps
from flows.audit_trail import record, record_publication, record_refusals
from flows.authorized import sweep
from flows.index_build import build_index, indices_for
from flows.ingest import Staged
from flows.registration_check import registration_problems
from flows.release import release
from flows.settings import Paths
from flows.status import chosen_products, result_row, sort_products
from flows.verification_build import Verification, write_index
from governance.budget import BudgetExceeded, BudgetLedger
from governance.policy.load import LoadedPolicy, load_policies
from governance.policy.products import ProductBase
from governance.state import State
from transforms.anonymize.errors import AnonymizationError
from transforms.egress import EgressRefused, Release


@task(name="ingest", cache_policy=NO_CACHE)
def ingest(loaded: LoadedPolicy, paths: Paths) -> Staged:
    return steps.ingest(loaded, paths)


@task(name="validate", cache_policy=NO_CACHE)
def validate(loaded: LoadedPolicy, staged: Staged) -> steps.Checked:
    return steps.validate(loaded, staged)


@task(name="de-identify", cache_policy=NO_CACHE)
def deidentify(
    loaded: LoadedPolicy, staged: Staged, checked: steps.Checked, paths: Paths, state: State
) -> steps.Prepared:
    return steps.deidentify(loaded, staged, checked, paths, state)


@task(name="build-product", cache_policy=NO_CACHE)
def build_product(
    loaded: LoadedPolicy, product: ProductBase, prepared: steps.Prepared, context: steps.Context
):
    return steps.build_product(loaded, product, prepared, context)


@task(name="egress-gate", cache_policy=NO_CACHE)
def egress_gate(
    loaded: LoadedPolicy, product: ProductBase, table, prepared: steps.Prepared
) -> Release:
    return steps.gate(loaded, product, table, prepared)


@task(name="publish", cache_policy=NO_CACHE)
def publish(
    loaded: LoadedPolicy,
    product: ProductBase,
    cleared: Release,
    prepared: steps.Prepared,
    paths: Paths,
    print_: str,
    built=None,
):
    return release(loaded, product, cleared, prepared, paths, print_, built)


@flow(name="sluice-build", log_prints=False)
def build(target: str, products: list[str] | None = None) -> list[dict[str, Any]]:
    """Build every product of the policies at `target` (a file or a folder), or only `products`."""
    paths = Paths.from_env()
    state = State(paths.state)
    sweep(paths)  # authorizations whose term ended withdraw their products first
    results: list[dict[str, Any]] = []
    loaded_all = load_policies(Path(target))
    for loaded in loaded_all:
        chosen = chosen_products(loaded, products)
        if not chosen:
            continue
        refusal = registration_problems([loaded], paths)
        if refusal:  # a run started from a deployment has had no preflight
            get_run_logger().error("%s", refusal[0])
            rows = [result_row(p, "refused", message=str(refusal[0])) for p in chosen]
            record_refusals(paths, rows, loaded.sha256)
            results.extend(rows)
            continue
        results.extend(build_resource(loaded, chosen, paths, state))
    policies = {lp.policy.resource.id: lp for lp in loaded_all}
    for li in indices_for(Path(target), loaded_all, products):
        results.append(build_index(li, policies, paths, state))
    create_table_artifact(key="sluice-build", table=results, description="Products of this build")
    return results


def build_resource(
    loaded: LoadedPolicy, chosen: list[ProductBase], paths: Paths, state: State
) -> list[dict[str, Any]]:
    """Build the chosen products of one resource; ingest only when something changed."""
    resource = loaded.policy.resource
    results, todo, prints = sort_products(loaded, chosen, paths)
    record_refusals(paths, results, loaded.sha256)
    if not todo:
        return results
    try:
        results.extend(_build_changed(loaded, todo, prints, paths, state))
    finally:
        shutil.rmtree(paths.work / resource.id, ignore_errors=True)
    return results


def _build_changed(
    loaded: LoadedPolicy,
    todo: list[ProductBase],
    prints: dict[str, str],
    paths: Paths,
    state: State,
) -> list[dict[str, Any]]:
    logger = get_run_logger()
    resource = loaded.policy.resource
    results: list[dict[str, Any]] = []
    staged = ingest(loaded, paths)
    checked = validate(loaded, staged)
    prepared = deidentify(loaded, staged, checked, paths, state)
    if prepared.quarantined:
        logger.info(
            "%s: %d row(s) quarantined in %s",
            resource.id,
            prepared.quarantined,
            prepared.quarantine_file,
        )
    context = steps.Context(BudgetLedger(paths.state), checked, steps.key_loader(paths, state))
    _record_resource(loaded, prepared, state)
    record(
        paths, "build", subject=resource.id, policy_sha256=loaded.sha256, inputs=prepared.inputs,
        counts={"rows": prepared.rows, "quarantined": prepared.quarantined,
                "products": [p.id for p in todo]},
    )  # fmt: skip
    for product in todo:
        try:
            table = build_product(loaded, product, prepared, context)
        except (AnonymizationError, BudgetExceeded) as impossible:
            logger.error("%s refused: %s", product.id, impossible)
            if isinstance(impossible, BudgetExceeded):
                message, clause = str(impossible), "privacy_budget"
            else:
                message, clause = f"cannot be anonymised as declared: {impossible}", None
            row = result_row(product, "refused", message=message, prepared=prepared, clause=clause)
            record_refusals(paths, [row], loaded.sha256)
            results.append(row)
            continue
        try:
            cleared = egress_gate(loaded, product, table, prepared)
        except EgressRefused as refusal:
            logger.error("%s refused at the egress gate: %s", product.id, refusal)
            row = result_row(product, "refused", message=str(refusal), prepared=prepared)
            record_refusals(paths, [row], loaded.sha256)
            results.append(row)
            continue
        if isinstance(table, Verification):  # the index first: a published service has one
            write_index(paths, product.id, prints[product.id], table.index)
        published = publish(
            loaded, product, cleared, prepared, paths, prints[product.id], built=table
        )
        record_publication(paths, published, loaded.sha256, prepared.inputs)
        state.record_version(
            {
                "product_id": product.id,
                "version": published.version,
                "fingerprint": prints[product.id],
                "rows": published.manifest["rows"],
                "path": str(published.path),
                "created_at": published.manifest["created_at"],
            }
        )
        _record_product(loaded, product, published.version, state)
        results.append(
            result_row(
                product, "published", manifest=published.manifest, paths=paths, prepared=prepared
            )
        )
    return results


def _record_resource(loaded: LoadedPolicy, prepared: steps.Prepared, state: State) -> None:
    resource = loaded.policy.resource
    state.record_resource(
        {
            "resource_id": resource.id,
            "title": resource.title,
            "department": resource.department,
            "source": resource.source,
            "format": resource.format,
            "update_frequency": resource.update_frequency,
            "policy_path": str(loaded.path),
            "policy_sha256": loaded.sha256,
            "content_sha256": prepared.inputs[0]["sha256"],
            "rows_ingested": prepared.rows,
            "rows_quarantined": prepared.quarantined,
        }
    )


def _record_product(loaded: LoadedPolicy, product: ProductBase, version: int, state: State) -> None:
    state.record_product(
        {
            "product_id": product.id,
            "resource_id": loaded.policy.resource.id,
            "kind": product.kind,
            "title": product.title,
            "supply_mode": product.supply_mode,
            "purpose": product.purpose,
            "authorization_id": product.authorization,
            "latest_version": version,
        }
    )
