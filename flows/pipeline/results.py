"""What a build did, typed: one outcome per product and one per resource prepared, for the CLI
to render and a Prefect artifact to show (as dlt's LoadInfo is for a load)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from flows.files.catalog import suppressed_share


class Status(StrEnum):
    PUBLISHED = "published"
    UP_TO_DATE = "up to date"
    REFUSED = "refused"


@dataclass(frozen=True)
class ProductOutcome:
    """One product of a build: published (a new version), up to date (its latest version was
    built from the same inputs), or refused with the reason and the clause it broke."""

    product: str
    kind: str
    status: Status
    resources: tuple[str, ...] = ()
    version: int | None = None
    rows: int | None = None
    checks: tuple[str, ...] = ()
    """The privacy checks the published version passed."""
    suppressed: float | None = None
    """The share of cells or records the version suppressed; None when it counts none."""
    path: Path | None = None
    message: str = ""
    authorization: str | None = None
    clause: str | None = None

    @classmethod
    def from_manifest(
        cls, manifest: dict[str, Any], status: Status, publish_dir: Path, **fields: Any
    ) -> ProductOutcome:
        """An outcome with what a published version's manifest says."""
        version = manifest["version"]
        product = manifest["product"]
        return cls(
            product=product,
            status=status,
            version=version,
            rows=manifest["rows"],
            checks=tuple(c["name"] for c in manifest["privacy_checks"] if c["passed"]),
            suppressed=suppressed_share(manifest["privacy_checks"]),
            path=publish_dir / product / f"v{version}" / "data.parquet",
            authorization=manifest.get("authorization"),
            **fields,
        )


@dataclass(frozen=True)
class ResourceOutcome:
    """A resource read by the build: its rows and the rows that went to quarantine."""

    resource: str
    rows: int
    quarantined: int
    quarantine_file: Path | None


@dataclass(frozen=True)
class BuildResult:
    """Every selected product's outcome, in the order the policies declare them, and the
    resources the build read."""

    products: tuple[ProductOutcome, ...]
    resources: tuple[ResourceOutcome, ...] = ()

    @property
    def refused(self) -> tuple[ProductOutcome, ...]:
        return tuple(p for p in self.products if p.status is Status.REFUSED)

    @property
    def published(self) -> tuple[ProductOutcome, ...]:
        return tuple(p for p in self.products if p.status is Status.PUBLISHED)

    def outcome(self, product: str) -> ProductOutcome:
        """The outcome of one product by its id."""
        return next(p for p in self.products if p.product == product)

    def rows(self) -> list[dict[str, Any]]:
        """One plain row per product (the Prefect table artifact)."""
        return [
            {
                "product": p.product,
                "kind": p.kind,
                "status": str(p.status),
                "version": p.version,
                "rows": p.rows,
                "checks": ", ".join(p.checks),
                "message": p.message,
            }
            for p in self.products
        ]
