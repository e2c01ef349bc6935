"""`sluice risk RESOURCE`: the re-identification risk of everything live from a resource, per
reader (the public, each department a product is shared with, each authorized operator).

A reader holds every release they can read. For each record-level release among them, the
risk is measured on its published Parquet as that reader would link it: on its
quasi-identifiers and on everything the reader's other releases tell about a person
(transforms/linkage). The pairs of releases that raise a record's risk most are named, so a
data holder knows which product to generalise, narrow or withdraw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from flows.errors import BuildError
from flows.kinds.linkage import (
    published_records,
    recorded_exactly,
    recorded_promise,
    recorded_reveals,
)
from flows.settings import Paths
from governance.audience import EVERYONE, readers, sees
from governance.ledger import ReleaseLedger
from transforms.anonymize.risk import RiskProfile, risk_profile
from transforms.linkage import Knowledge, linked_risk, merge
from transforms.linkage.cells import nested

RECORD_LEVEL = ("records", "claims")


@dataclass(frozen=True)
class LivePart:
    """One live record-level part of the resource, as the ledger holds it."""

    name: str
    product: str
    version: int
    form: str
    audience: frozenset[str]
    reveals: tuple[Knowledge, ...]
    summary: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Pair:
    """A record-level release beside one other release its reader holds."""

    release: str
    beside: str
    columns: tuple[str, ...]
    risk: float


@dataclass(frozen=True)
class ReleaseRisk:
    """One record-level release as one reader can link it."""

    reader: str
    release: str
    threshold: float
    alone: float
    linked: float
    records_at_risk: float
    known: tuple[str, ...]
    pairs: tuple[Pair, ...]

    @property
    def within(self) -> bool:
        return self.linked <= self.threshold + 1e-12


@dataclass(frozen=True)
class ReaderRisk:
    """Everything one reader holds of the resource, and the risk it adds up to."""

    reader: str
    releases: tuple[ReleaseRisk, ...]
    services: tuple[str, ...]
    """Claim services the reader can ask, with what their answers tell."""

    @property
    def combined(self) -> float | None:
        """The highest risk of a record in any release, linked as this reader can."""
        return max((r.linked for r in self.releases), default=None)


def resource_risk(paths: Paths, resource: str) -> list[ReaderRisk]:
    """Every reader's risk over the resource's live record-level releases, the public first."""
    live = _releases(ReleaseLedger(paths.state), resource)
    if not any(r.form == "records" for r in live):
        raise BuildError(
            f"no live record-level releases of '{resource}' (see `sluice ledger show {resource}`)"
        )
    frames: dict[str, pl.DataFrame] = {}
    found = []
    for reader in readers(r.audience for r in live):
        held = [r for r in live if sees(reader, r.audience)]
        judged = []
        for release in (r for r in held if r.form == "records"):
            if release.name not in frames:
                read = published_records(paths.publish, release.product, release.version)
                frames[release.name] = read
            others = [r for r in held if r.name != release.name]
            judged.append(_judge(reader, release, frames[release.name], others))
        services = tuple(
            f"{r.name}: {', '.join(k.describe() for k in r.reveals)}"
            for r in held
            if r.form == "claims"
        )
        found.append(ReaderRisk(reader, tuple(judged), services))
    return found


def _judge(
    reader: str, release: LivePart, frame: pl.DataFrame, others: Sequence[LivePart]
) -> ReleaseRisk:
    qis, threshold = recorded_promise(release.summary)
    exactly = recorded_exactly(release.summary)
    alone = _measure(frame, qis, {}, threshold)
    known = merge(
        k for r in others for k in r.reveals if k.column in frame.columns and not nested(k, exactly)
    )
    linked = _measure(frame, qis, known, threshold)
    pairs = []
    for other in others:
        theirs = merge(
            k
            for k in other.reveals
            if k.column in frame.columns and k.column not in qis and not nested(k, exactly)
        )
        if theirs:
            risk = _measure(frame, qis, theirs, threshold).prosecutor_max_risk
            pairs.append(Pair(release.name, other.name, tuple(theirs), risk))
    pairs.sort(key=lambda p: (-p.risk, p.beside))
    return ReleaseRisk(
        reader, release.name, threshold, alone.prosecutor_max_risk, linked.prosecutor_max_risk,
        linked.records_at_risk, tuple(k.describe() for c, k in known.items() if c not in qis),
        tuple(pairs),
    )  # fmt: skip


def _measure(
    frame: pl.DataFrame, qis: list[str], known: Mapping[str, Knowledge], threshold: float
) -> RiskProfile:
    if not known:
        return risk_profile(frame, qis, threshold=threshold)
    return linked_risk(frame, qis, known, threshold=threshold)


def _releases(ledger: ReleaseLedger, resource: str) -> list[LivePart]:
    found = []
    for part in ledger.parts(resource):
        if part["form"] not in (*RECORD_LEVEL, "cells"):
            continue
        about = part["summary"]
        reveals = tuple(recorded_reveals(about, part["form"]))
        name = f"{part['product_id']} v{part['version']}"
        audience = frozenset(about.get("audience", [EVERYONE]))
        product, version = part["product_id"], part["version"]
        found.append(LivePart(name, product, version, part["form"], audience, reveals, about))
    return found
