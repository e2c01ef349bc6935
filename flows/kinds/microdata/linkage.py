"""What the readers of a microdata release already learn about a person from the resource's
other releases (a verification service's answers, another release's columns), so the release
is judged as they would link it: the products declared beside it in its policy, which will be
published with it, and every live release in the ledger, where some reader holds both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flows.kinds.audience import audience
from flows.kinds.base import Job
from flows.kinds.microdata.spec import MicrodataProduct
from governance.audience import EVERYONE, overlaps
from transforms.linkage import Knowledge, merge

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


def declared_reveals(spec: MicrodataProduct, products: Iterable[Any]) -> list[dict[str, Any]]:
    """What the other products of the policy reveal of the columns `spec` publishes beside
    its quasi-identifiers: part of the release's identity, so adding a verification service
    rebuilds the microdata."""
    published = _published(spec)
    return [
        {"product": p.id, **r}
        for p in products
        if p.id != spec.id
        for r in p.reveals()
        if r["column"] in published
    ]


def linkage(job: Job[MicrodataProduct]) -> Linkage:
    """Everything the release's readers know from elsewhere, column by column."""
    spec = job.spec
    mine = audience(spec, job.context.paths)
    found = [s for s in _sources(job) if overlaps(mine, s.audience)]
    published = _published(spec)
    relevant = [(s, k) for s in found for k in s.knowledge if k.column in published]
    sources: dict[str, list[str]] = {}
    for source, item in relevant:
        named = sources.setdefault(item.column, [])
        if source.release not in named:
            named.append(source.release)
    return Linkage(merge(k for _, k in relevant), sources)


def _published(spec: MicrodataProduct) -> set[str]:
    return set(spec.output_columns()) - set(spec.qi_columns())


def _sources(job: Job[MicrodataProduct]) -> list[Source]:
    paths = job.context.paths
    found = []
    for other in job.declared.policy.policy.products:
        knowledge = tuple(Knowledge.from_json(r) for r in other.reveals())
        if other.id != job.spec.id and knowledge:
            found.append(Source(other.id, knowledge, audience(other, paths)))
    for part in job.context.releases.parts(job.declared.resources[0]):
        if part["product_id"] == job.spec.id or part["form"] not in RECORD_LEVEL:
            continue
        about = part["summary"]
        knowledge = tuple(recorded_reveals(about))
        readers = frozenset(about.get("audience", [EVERYONE]))
        found.append(Source(f"{part['product_id']} v{part['version']}", knowledge, readers))
    return found


def recorded_reveals(about: Mapping[str, Any]) -> Iterable[Knowledge]:
    """A ledger part's reveals; parts recorded without them count every column they name as
    known exactly."""
    if "reveals" in about:
        return (Knowledge.from_json(r) for r in about["reveals"])
    named = about.get("columns") or [c for cols in about.get("claims", {}).values() for c in cols]
    return (Knowledge(c, "exact") for c in named)
