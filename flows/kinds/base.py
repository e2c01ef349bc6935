"""The product-kind contract (数据产品形态): everything that differs between a model, a private
model, microdata, a verification service and an index lives in one kind, behind these methods,
so the planner, the build, the gate and the manifest writer look a kind up instead of asking
which kind a product is.

A kind owns its policy spec (a pydantic model, with its own cross-checks), how the spec binds to
prepared data, how it builds, what the egress gate re-checks, its manifest section, its line in
`sluice plan`, what an authorization must allow, and its disclosure footprint.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, get_args

import polars as pl

from flows.kinds.job import BuildContext, Declared, Job, Prepared, SpecT
from flows.kinds.scenario import scenario_section
from governance.authorization.scope import Use
from governance.policy.product import ProductBase
from transforms.egress import GateRule, Origin, Release
from transforms.footprint import Footprint

BuiltT = TypeVar("BuiltT")

__all__ = [
    "BuildContext",
    "BuildRefused",
    "Declared",
    "GateRequest",
    "Job",
    "PlanTable",
    "Prepared",
    "ProductKind",
    "digest",
    "product_use",
    "with_subject",
    "written",
]

BASE_FIELDS = frozenset(
    {"id", "kind", "title", "description", "supply_mode", "purpose", "authorization", "recipients"}
)
"""What every manifest states in its head; the rest of a spec is the product's parameters."""


@dataclass(frozen=True)
class GateRequest:
    """What the egress gate is to judge: the table that would leave, where each of its
    columns comes from, and the rules the kind wants re-checked."""

    frame: pl.DataFrame
    lineage: Mapping[str, Origin]
    rules: Sequence[GateRule] = ()


@dataclass(frozen=True)
class PlanTable:
    """Details of a product a plan shows as a table (e.g. an index's indicators)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class BuildRefused(Exception):
    """The product cannot be built as declared (no anonymisation meets it, the budget cannot
    pay for it); nothing is written, and the refusal is audited with its clause."""

    def __init__(self, message: str, clause: str | None = None):
        super().__init__(message)
        self.clause = clause


class ProductKind(ABC, Generic[SpecT, BuiltT]):
    """One kind of product. Subclasses set `name` (the registry key) and `spec` (the policy
    model, whose `kind` literal is what policies write), and implement the abstract methods."""

    name: ClassVar[str]
    spec: ClassVar[type[ProductBase]]
    delivery: ClassVar[str] = "data_file"
    """How the product reaches its users (交付方式), as the annual disclosure lists it: a data
    file, a verification service, or an index."""
    in_index_files: ClassVar[bool] = False
    """Declared in `indices/*.yaml` beside the policies, drawing on several resources, rather
    than in one resource's policy."""

    @property
    def policy_kind(self) -> str:
        """The `kind:` value a policy writes for this kind."""
        return get_args(self.spec.model_fields["kind"].annotation)[0]

    def selects(self, raw: Mapping[str, Any] | ProductBase) -> bool:
        """Whether a product written with this kind's `kind:` value is this kind (kinds that
        share a value, like models with and without differential privacy, tell them apart)."""
        return True

    def draws_on(self, spec: SpecT) -> list[str] | None:
        """The resources a product declared in an index file draws on (None: its policy's)."""
        return None

    def keys(self, spec: SpecT) -> tuple[str, ...]:
        """Keys the product itself is built with, beside its resources' (a verification
        index's keyed pseudonyms)."""
        return ()

    # identity and authorization

    def identity(self, spec: SpecT, declared: Declared) -> dict[str, Any]:
        """What besides the spec and the input contents makes a build different (files the
        spec names, such as hierarchies)."""
        return {}

    def fingerprint(self, spec: SpecT, declared: Declared, inputs: Mapping[str, str]) -> str:
        """Identity of a build: the same fingerprint means the same product, so no new version
        is made. Comments and formatting in the policy file do not count."""
        policy = declared.policy.policy
        payload = {
            "format": 1,
            "resource": policy.resource.model_dump(mode="json"),
            "columns": {k: v.model_dump(mode="json") for k, v in policy.columns.items()},
            "reference_date": str(policy.reference_date),
            "product": spec.model_dump(mode="json"),
            "input": inputs[policy.resource.id],
            **self.identity(spec, declared),
        }
        return digest(payload)

    @abstractmethod
    def use(self, spec: SpecT, declared: Declared) -> Use:
        """What the product draws on, for the authorization it is built under."""

    # the plan

    @abstractmethod
    def describe(self, spec: SpecT) -> str:
        """One line for `sluice plan`: what is published."""

    def details(self, spec: SpecT) -> PlanTable | None:
        """A table `sluice plan` shows under the line, when one line is not enough."""
        return None

    # the build

    @abstractmethod
    def build(self, job: Job[SpecT]) -> BuiltT:
        """The release, computed from the prepared resources (raises BuildRefused when the
        declared settings cannot be met)."""

    @abstractmethod
    def gate(self, job: Job[SpecT], built: BuiltT) -> GateRequest:
        """What the egress gate judges, with rules taken from the spec and the data, never
        from the builder."""

    def keep_inside(self, job: Job[SpecT], built: BuiltT, fingerprint: str) -> None:
        """Store what the release needs inside the domain, after the gate and before it is
        published (a verification index)."""

    # the manifest

    def manifest(
        self, job: Job[SpecT], built: BuiltT, cleared: Release, fingerprint: str
    ) -> dict[str, Any]:
        """The manifest's content before publication adds version, time, rows, schema,
        checks and the data file's hash."""
        spec, declared = job.spec, job.declared
        return {
            "sluice_manifest": 1,
            "product": spec.id,
            "title": spec.title,
            "description": spec.description,
            "kind": spec.kind,
            "supply_mode": spec.supply_mode,
            "purpose": spec.purpose,
            "authorization": spec.authorization,
            **(
                {"recipients": [r.model_dump(mode="json") for r in spec.recipients]}
                if getattr(spec, "recipients", None)
                else {}
            ),
            **self.resource_section(declared),
            "policy": {"file": declared.path.name, "sha256": declared.sha256},
            "inputs": job.inputs,
            **scenario_section(spec, job.context.paths),
            **self.method(spec, declared),
            "fingerprint": fingerprint,
            **self.account(job, built, cleared),
        }

    def resource_section(self, declared: Declared) -> dict[str, Any]:
        """Which resource the product comes from."""
        resource = declared.policy.policy.resource
        return {
            "resource": {
                "id": resource.id,
                "title": resource.title,
                "department": resource.department,
            }
        }

    def method(self, spec: SpecT, declared: Declared) -> dict[str, Any]:
        """How the product is made, as declared."""
        return {"parameters": spec.model_dump(mode="json", by_alias=True, exclude=BASE_FIELDS)}

    def account(self, job: Job[SpecT], built: BuiltT, cleared: Release) -> dict[str, Any]:
        """What the build did and measured, beyond the gate's checks."""
        return {}

    # what the release reveals

    @abstractmethod
    def footprint(self, job: Job[SpecT], built: BuiltT, cleared: Release) -> Footprint:
        """What the cleared release reveals about its resources."""


def written(raw: Mapping[str, Any] | ProductBase, key: str) -> Any:
    """A key of a product as the policy writes it, or the field of one already validated
    (what `selects` reads)."""
    return raw.get(key) if isinstance(raw, Mapping) else getattr(raw, key, None)


def digest(payload: Mapping[str, Any]) -> str:
    """The SHA-256 of a JSON payload with sorted keys."""
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def product_use(spec: ProductBase, declared: Declared, columns: Mapping[str, list[str]]) -> Use:
    """A build's use of its resources' columns under an authorization."""
    return Use(
        product=spec.id,
        kind=spec.kind,
        purpose=spec.purpose,
        columns=dict(columns),
        scenario=spec.scenario,
        domains={r: declared.policies[r].policy.resource.domain for r in columns},
        price=spec.price.amount if spec.price else None,
        unit=spec.price.unit if spec.price else None,
        policy=declared.path.name,
    )


def with_subject(columns: list[str], declared: Declared, resource: str) -> list[str]:
    """Columns of an aggregate, which counts people through the resource's subject."""
    subject = declared.policies[resource].policy.resource.subject
    return columns if not subject or subject in columns else [*columns, subject]
