"""What the readers of a record-level release already learn about a person from the resource's
other releases (a verification service's answers, another release's columns), so the release
is judged as they would link it: the products declared beside it in its policy, which will be
published with it, and every live release in the ledger, where some reader holds both. And the
other way round: a new service whose answers would single out records of a live release is
refused until that release is rebuilt with it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flows.errors import BuildError
from flows.kinds.audience import audience
from flows.kinds.base import BuildRefused, Declared, Job
from governance.audience import EVERYONE, overlaps
from transforms.anonymize.risk import DEFAULT_THRESHOLD
from transforms.linkage import Knowledge, linked_risk, merge
from transforms.linkage.cells import nested

RECORD_LEVEL = ("records", "claims")


@dataclass(frozen=True)
class Source:
    """One other release and what it tells its readers about a person."""

    release: str
    knowledge: tuple[Knowledge, ...]
    audience: frozenset[str]


@dataclass(frozen=True)
class Linkage:
    """What the release's readers know of the columns it publishes beside its
    quasi-identifiers, and from which releases."""

    known: dict[str, Knowledge]
    sources: dict[str, list[str]]


def declared_reveals(product: str, published: set[str], declared: Declared) -> list[dict[str, Any]]:
    """What the other products declared on the resource (its policy's, and indices drawing on
    it) reveal of the `published` columns of `product` (those beside its quasi-identifiers):
    part of the release's identity, so adding a verification service or a table rebuilds
    the microdata."""
    resource = declared.resources[0]
    return [
        {"product": p.id, **r}
        for p in (*declared.policy.policy.products, *declared.beside)
        if p.id != product
        for r in p.reveals_about(resource)
        if r["column"] in published
    ]


def linkage(job: Job[Any], published: set[str], exactly: Collection[str] = ()) -> Linkage:
    """Everything the release's readers know from elsewhere of its `published` columns (those
    beside its quasi-identifiers), column by column. What tables tell within cells that each
    class of the release lies in is left out: `exactly` are the columns the release publishes
    as they are (transforms/linkage/cells.py)."""
    mine = audience(job.spec, job.context.paths)
    found = [s for s in _sources(job) if overlaps(mine, s.audience)]
    relevant = [
        (s, k)
        for s in found
        for k in s.knowledge
        if k.column in published and not nested(k, exactly)
    ]
    sources: dict[str, list[str]] = {}
    for source, item in relevant:
        named = sources.setdefault(item.column, [])
        if source.release not in named:
            named.append(source.release)
    return Linkage(merge(k for _, k in relevant), sources)


def exposed(job: Job[Any], reveals: Sequence[Knowledge], resource: str) -> list[str]:
    """Live record-level releases of `resource`, other than the job's product, held by some
    reader of it, whose published records `reveals` would single out beyond what they
    promise: one line each, naming the release and the columns."""
    mine = audience(job.spec, job.context.paths)
    found = []
    for part in job.context.releases.parts(resource):
        about = part["summary"]
        if part["form"] != "records" or part["product_id"] == job.spec.id:
            continue
        if not overlaps(mine, frozenset(about.get("audience", [EVERYONE]))):
            continue
        exactly = recorded_exactly(about)
        known = merge(
            k for k in reveals if k.column in about.get("columns", []) and not nested(k, exactly)
        )
        if not known:
            continue
        frame = published_records(job.context.paths.publish, part["product_id"], part["version"])
        qis, limit = recorded_promise(about)
        risk = linked_risk(frame, qis, known, threshold=limit).prosecutor_max_risk
        if risk > limit + 1e-12:
            told = ", ".join(k.describe() for k in known.values())
            found.append(
                f"{part['product_id']} v{part['version']} publishes {told}: linked on the "
                f"answers, a record's risk is {risk:.4f}, above its {limit:.4f}"
            )
    return found


def refuse_if_exposing(job: Job[Any], what: str, product: str) -> None:
    """Refuse a build whose reveals (`what` tells them: "answers", "cells") would single out
    records of a live release its readers hold, until that release is rebuilt beside it."""
    singled = [
        line
        for resource in job.declared.resources
        for line in exposed(
            job, [Knowledge.from_json(r) for r in job.spec.reveals_about(resource)], resource
        )
    ]
    if singled:
        raise BuildRefused(
            f"its {what} would single out published records: {'; '.join(singled)}; rebuild "
            f"those releases first (they are judged with this {product} declared beside them)",
            clause="linkage",
        )


def recorded_exactly(about: Mapping[str, Any]) -> set[str]:
    """Columns a ledger record set publishes as they are (`RecordSet.published_exactly`); a
    set recorded before they were kept counts only those beside its quasi-identifiers."""
    return set(about.get("published_exactly", about.get("columns", [])))


def recorded_promise(about: Mapping[str, Any]) -> tuple[list[str], float]:
    """A ledger record set's quasi-identifiers and the highest risk it promises a record."""
    named = about.get("qi_columns") or [q.split("@")[0] for q in about["quasi_identifiers"]]
    return list(named), float(about.get("threshold") or DEFAULT_THRESHOLD)


def published_records(publish: Path, product: str, version: int) -> pl.DataFrame:
    """The records a live release published; an error when they are gone."""
    path = publish / product / f"v{version}" / "data.parquet"
    if not path.is_file():
        raise BuildError(
            f"{product} v{version} is live in the release ledger but {path} is missing; "
            "rebuild or withdraw it"
        )
    return pl.read_parquet(path)


def _sources(job: Job[Any]) -> list[Source]:
    paths, resource = job.context.paths, job.declared.resources[0]
    found = []
    for other in (*job.declared.policy.policy.products, *job.declared.beside):
        knowledge = tuple(Knowledge.from_json(r) for r in other.reveals_about(resource))
        if other.id != job.spec.id and knowledge:
            found.append(Source(other.id, knowledge, audience(other, paths)))
    for part in job.context.releases.parts(resource):
        if part["product_id"] == job.spec.id or part["form"] not in (*RECORD_LEVEL, "cells"):
            continue
        about = part["summary"]
        knowledge = tuple(recorded_reveals(about, part["form"]))
        readers = frozenset(about.get("audience", [EVERYONE]))
        found.append(Source(f"{part['product_id']} v{part['version']}", knowledge, readers))
    return found


def recorded_reveals(about: Mapping[str, Any], form: str = "records") -> Iterable[Knowledge]:
    """A ledger part's reveals; record-level parts recorded without them count every column
    they name as known exactly, tables recorded without them tell nothing recorded."""
    if "reveals" in about:
        return (Knowledge.from_json(r) for r in about["reveals"])
    if form == "cells":
        return ()
    named = about.get("columns") or [c for cols in about.get("claims", {}).values() for c in cols]
    return (Knowledge(c, "exact") for c in named)
