"""Publishing a cleared release with its manifest: what every product states, and what each
kind adds (how microdata was anonymised, what a private release cost, what a verification
service answers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from flows.private_build import Private
from flows.publish import Published, publish
from flows.settings import Paths
from flows.verification_build import Verification
from governance.policy.load import LoadedPolicy
from governance.policy.products import ProductBase, VerificationProduct
from governance.policy.verification import STATUSES
from transforms.egress import Release
from transforms.products.microdata import Microdata

if TYPE_CHECKING:
    from flows.steps import Prepared


def release(
    loaded: LoadedPolicy,
    product: ProductBase,
    cleared: Release,
    prepared: Prepared,
    paths: Paths,
    print_: str,
    built: pl.DataFrame | Microdata | Private | Verification | None = None,
) -> Published:
    """Publish a cleared release with its manifest; a microdata manifest also says how the
    records were anonymised (from `built`) and what the gate measured."""
    resource = loaded.policy.resource
    meta = {
        "sluice_manifest": 1,
        "product": product.id,
        "title": product.title,
        "description": product.description,
        "kind": product.kind,
        "supply_mode": product.supply_mode,
        "purpose": product.purpose,
        "authorization": product.authorization,
        "resource": {"id": resource.id, "title": resource.title, "department": resource.department},
        "policy": {"file": loaded.path.name, "sha256": loaded.sha256},
        "inputs": prepared.inputs,
        "parameters": product.model_dump(
            mode="json",
            by_alias=True,
            exclude={
                "id",
                "kind",
                "title",
                "description",
                "supply_mode",
                "purpose",
                "authorization",
            },
        ),
        "fingerprint": print_,
    }
    if isinstance(built, Microdata):
        meta["anonymisation"] = microdata_manifest(built, cleared)
    if isinstance(built, Private):
        meta["differential_privacy"] = {**built.account, "budget": built.budget}
    if isinstance(built, Verification):
        assert isinstance(product, VerificationProduct)
        meta["verification"] = {
            "identifier": product.identifier.model_dump(),
            "claims": [c.model_dump() for c in product.claims],
            "answers": list(STATUSES),
            "reveal_failed_part": product.reveal_failed_part,
            "index_rows": built.index.height,
            "key_fingerprint": built.key_fingerprint,
            "note": "the index of keyed pseudonyms stays inside the data domain; "
            "`sluice verify` answers claims against it",
        }
    return publish(cleared, product=product.id, meta=meta, publish_dir=paths.publish)


def microdata_manifest(built: Microdata, cleared: Release) -> dict[str, Any]:
    """How the records were anonymised (the search's account) next to what the gate measured
    on the published rows (required and achieved per privacy model, risk before and after)."""
    found = built.result
    measured = [c for c in cleared.checks if "required" in c.figures]
    risk = next(c.figures for c in cleared.checks if c.name == "re_identification_risk")
    models = [{"model": c.name, **c.figures} for c in measured]
    if risk["environment"] is not None:
        models.append(
            {
                "model": "environment",
                "environment": risk["environment"],
                "required": risk["threshold"],
                "achieved": risk["after"]["prosecutor_max_risk"],
            }
        )
    manifest = {
        "quasi_identifiers": [
            {"column": c, "level": found.levels[c], "top_level": h.height}
            for c, h in built.hierarchies.items()
        ],
        "privacy_models": models,
        "rows_in": built.rows_in,
        "suppressed_rows": found.suppressed,
        "classes": found.classes,
        "min_class_size": found.min_class,
        "avg_class_size": round(found.mean_class, 4),
        "metric": {"name": found.metric, "value": found.value},
        "environment": risk["environment"],
        "risk_before": risk["before"],
        "risk_after": risk["after"],
        "search": {
            "nodes_checked": found.nodes_checked,
            "nodes_total": found.nodes_total,
            "runtime_ms": round(found.runtime_ms, 1),
        },
    }
    if built.local is not None:
        local = built.local
        manifest.update(
            suppressed_rows=local.suppressed,
            classes=local.classes,
            min_class_size=local.min_class,
            avg_class_size=round(local.mean_class, 4),
            local_recoding={
                "dm": local.dm,
                "levels_used": {c: {str(lv): n for lv, n in used.items()}
                                for c, used in local.levels_used.items()},
                "note": "quasi_identifiers[].level is the full-domain start; rows are refined "
                "from it class by class, so a column mixes the levels in levels_used",
            },
        )  # fmt: skip
    return manifest
