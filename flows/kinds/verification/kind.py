"""The verification kind (数据核验): an index of keyed pseudonyms of the validated rows stays
inside the domain (domain/verification/<product>/<fingerprint>.parquet), and what is published
is the service: its claim types, their fields and the answers it gives. `sluice verify`
answers claims against the index."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flows.errors import BuildError
from flows.files.atomic import write_atomically
from flows.files.keys import key_fingerprint
from flows.kinds.base import Declared, GateRequest, Job, ProductKind, product_use
from flows.kinds.linkage import refuse_if_exposing
from flows.kinds.verification.spec import STATUSES, VerificationProduct
from flows.kinds.verification.terms import (
    answered,
    bits,
    disclosure,
    membership_note,
    rules,
)
from flows.settings import Paths
from governance.authorization.scope import Use
from transforms.detectors.registry import UnknownDetectorError, get_detector
from transforms.egress import Origin, Release, VerificationRule
from transforms.footprint import ClaimService, Footprint
from transforms.linkage import Knowledge
from transforms.verification import verification_index
from transforms.verification.index import ID, MATCH_PREFIX

SERVICE_COLUMNS = ("claim", "title", "fields", "answers")


@dataclass(frozen=True)
class Verification:
    """A verification product ready for the gate: the service table and the index."""

    service: pl.DataFrame
    index: pl.DataFrame
    key_fingerprint: str


class VerificationKind(ProductKind[VerificationProduct, Verification]):
    name = "verification"
    delivery = "verification_service"
    spec = VerificationProduct

    def keys(self, spec: VerificationProduct) -> tuple[str, ...]:
        return (spec.key_id,)

    def use(self, spec: VerificationProduct, declared: Declared) -> Use:
        return product_use(spec, declared, {declared.resources[0]: spec.source_columns()})

    def describe(self, spec: VerificationProduct) -> str:
        claims = "; ".join(f"{c.id} ({', '.join(c.columns())})" for c in spec.claims)
        return (
            f"claims about '{spec.identifier.column}' answered {'/'.join(answered(spec))}: "
            f"{claims}; {bits(spec).render()}; {membership_note(spec)}; "
            "the index of keyed pseudonyms stays inside the domain"
        )

    def build(self, job: Job[VerificationProduct]) -> Verification:
        """The index of the validated rows (before de-identification) and the service table."""
        spec = job.spec
        refuse_if_exposing(job, "answers", "service")
        key = job.context.load_key(spec.key_id)
        index = verification_index(
            job.prepared.validated, identifier=spec.identifier.column, rules=rules(spec), key=key
        ).collect(engine="streaming")
        answers = list(answered(spec))
        service = pl.DataFrame(
            {
                "claim": [c.id for c in spec.claims],
                "title": [c.title for c in spec.claims],
                "fields": [["identifier", *c.fields()] for c in spec.claims],
                "answers": [answers for _ in spec.claims],
            },
            schema={
                "claim": pl.String,
                "title": pl.String,
                "fields": pl.List(pl.String),
                "answers": pl.List(pl.String),
            },
        )
        return Verification(service, index, key_fingerprint(key))

    def gate(self, job: Job[VerificationProduct], built: Verification) -> GateRequest:
        """The service describes claim types, none of it comes from the data; the index that
        stays inside holds keyed pseudonyms only."""
        keyed = [c for c in built.index.columns if c == ID or c.startswith(MATCH_PREFIX)]
        lineage = {name: Origin("flag") for name in SERVICE_COLUMNS}
        return GateRequest(built.service, lineage, [VerificationRule(built.index, keyed)])

    def keep_inside(
        self, job: Job[VerificationProduct], built: Verification, fingerprint: str
    ) -> None:
        """The index first: a published service always has one to answer from."""
        target = index_path(job.context.paths, job.spec.id, fingerprint)
        write_atomically(target, built.index.write_parquet)

    def account(
        self, job: Job[VerificationProduct], built: Verification, cleared: Release
    ) -> dict[str, Any]:
        spec = job.spec
        return {
            "verification": {
                "identifier": spec.identifier.model_dump(),
                "claims": [c.model_dump() for c in spec.claims],
                "answers": list(answered(spec)),
                "reveal_failed_part": spec.reveal_failed_part,
                "index_rows": built.index.height,
                "key_fingerprint": built.key_fingerprint,
                "disclosure": disclosure(spec),
                "note": "the index of keyed pseudonyms stays inside the data domain; "
                "`sluice verify` answers claims against it",
            }
        }

    def footprint(
        self, job: Job[VerificationProduct], built: Verification, cleared: Release
    ) -> Footprint:
        spec = job.spec
        claims = tuple((c.id, tuple(c.columns())) for c in spec.claims)
        reveals = tuple(Knowledge.from_json(r) for r in spec.reveals())
        service = ClaimService(
            job.prepared.resource, spec.identifier.column, claims, STATUSES, reveals
        )
        return Footprint(spec.id, (service,))

    # the service, answering claims (flows/services/verify.py)

    def published(self, manifest: Mapping[str, Any]) -> VerificationProduct | None:
        """The service a published manifest describes, or None when it is another kind's."""
        if manifest.get("kind") != self.policy_kind:
            return None
        spec = {
            **manifest["parameters"],
            "id": manifest["product"],
            "kind": manifest["kind"],
            "title": manifest["title"],
            "supply_mode": manifest["supply_mode"],
            "purpose": manifest["purpose"],
            "authorization": manifest.get("authorization"),
        }
        return VerificationProduct.model_validate(spec)

    def request_use(
        self, spec: VerificationProduct, resource: str, operator: str, policy: str | None = None
    ) -> Use:
        """What answering an operator's batch draws on, for its authorization, at the price in
        force (`spec.price`)."""
        price = spec.price
        return Use(
            product=spec.id, kind=spec.kind, purpose=spec.purpose,
            columns={resource: spec.source_columns()}, scenario=spec.scenario,
            price=price.amount if price else None, unit=price.unit if price else None,
            policy=policy, operator=operator,
        )  # fmt: skip


def validator(spec: VerificationProduct) -> Callable[[pl.Expr], pl.Expr] | None:
    """The identifier's checksum test, from its detector (None when no entity is declared)."""
    entity = spec.identifier.entity
    if entity is None:
        return None
    try:
        return get_detector(entity, extra=True).valid_expr
    except UnknownDetectorError as exc:
        raise BuildError(f"verification product '{spec.id}': {exc}") from None


def index_path(paths: Paths, product: str, fingerprint: str) -> Path:
    """Where a version's index is kept inside the domain."""
    return paths.home / "verification" / product / f"{fingerprint[:32]}.parquet"
