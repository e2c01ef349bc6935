"""Building a verification product: the index of keyed pseudonyms stays inside the domain
(domain/verification/<product>/<fingerprint>.parquet); what is published is the service: its
claim types, their fields and the answers it gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from flows.atomic import write_atomically
from flows.keys import key_fingerprint
from flows.settings import Paths
from governance.policy.verification import STATUSES, VerificationProduct
from transforms.detectors.registry import UnknownDetectorError, get_detector
from transforms.egress import Origin
from transforms.verification import ClaimRule, verification_index

CATALOG_COLUMNS = ("claim", "title", "fields", "answers")


@dataclass(frozen=True)
class Verification:
    """A verification product ready for the gate: the service table and the index."""

    service: pl.DataFrame
    index: pl.DataFrame
    key_fingerprint: str


def rules(product: VerificationProduct) -> list[ClaimRule]:
    """The product's claim types in the core's terms."""
    return [
        ClaimRule(c.id, dict(c.match), dict(c.where), dict(c.at_least), dict(c.require))
        for c in product.claims
    ]


def validator(product: VerificationProduct) -> Callable[[pl.Expr], pl.Expr] | None:
    """The identifier's checksum test, from its detector (None when no entity is declared)."""
    entity = product.identifier.entity
    if entity is None:
        return None
    try:
        return get_detector(entity, extra=True).valid_expr
    except UnknownDetectorError as exc:
        from flows.errors import BuildError

        raise BuildError(f"verification product '{product.id}': {exc}") from None


def build_verification(
    product: VerificationProduct, rows: pl.LazyFrame, key: bytes
) -> Verification:
    """The index of the validated rows (before de-identification) and the service table."""
    index = verification_index(
        rows, identifier=product.identifier.column, rules=rules(product), key=key
    ).collect(engine="streaming")
    answers = list(STATUSES)
    service = pl.DataFrame(
        {
            "claim": [c.id for c in product.claims],
            "title": [c.title for c in product.claims],
            "fields": [["identifier", *c.fields()] for c in product.claims],
            "answers": [answers for _ in product.claims],
        },
        schema={
            "claim": pl.String,
            "title": pl.String,
            "fields": pl.List(pl.String),
            "answers": pl.List(pl.String),
        },
    )
    return Verification(service, index, key_fingerprint(key))


def service_lineage() -> dict[str, Origin]:
    """The service table describes claim types; none of it comes from the data."""
    return {name: Origin("flag") for name in CATALOG_COLUMNS}


def index_path(paths: Paths, product: str, fingerprint: str) -> Path:
    return paths.home / "verification" / product / f"{fingerprint[:32]}.parquet"


def write_index(paths: Paths, product: str, fingerprint: str, index: pl.DataFrame) -> Path:
    """Store the index inside the domain, atomically, under the build's fingerprint."""
    target = index_path(paths, product, fingerprint)
    write_atomically(target, index.write_parquet)
    return target
