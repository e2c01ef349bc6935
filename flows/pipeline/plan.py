"""Planning a build, once: load the policies and index files, check that every selected source
exists with its declared columns and is registered, end authorizations whose term is over,
and decide for every selected product whether it is refused (by its registration, the release
matrix with the registry's grades, or its authorization), up to date (its latest version was
built from the same inputs), or to build.

The CLI plans without starting Prefect, renders a plan with nothing to build at once, and
otherwise hands the plan to the flow, which plans for itself only when started without one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from flows.errors import BuildError
from flows.files.ingest import file_sha256, stage_header_check
from flows.files.published import latest_manifest
from flows.kinds import KINDS, Declared, ProductKind
from flows.pipeline.results import ProductOutcome, Status
from flows.services.audit_trail import record_refusal
from flows.services.authorizations import check, sweep
from flows.services.key_use import product_keys, rekeyed
from flows.services.lineage_events import refused_run
from flows.services.registration_check import registration_problems
from flows.services.registration_refresh import register_changed
from flows.services.suspension import suspension_refusal
from flows.settings import Paths
from governance.authorization.scope import Refusal, price_refusal
from governance.authorization.store import AuthorizationStore
from governance.duck import kept_open
from governance.errors import PolicyError, PolicyErrors
from governance.key_rotations import KeyRotations
from governance.objections import ObjectionStore
from governance.objections.store import content_fingerprint
from governance.policy.load import LoadedPolicy
from governance.policy.product import ProductBase, ResourcePolicy
from governance.policy.resource import Column
from governance.registry import RegistryStore
from governance.registry.register import Outcome
from governance.release_matrix import RULES, Breach, Registered, Rule, cell, judge, outflow
from transforms.classify.profiles import DIRECT, PROFILES

WITHIN_SCOPE = next(r.id for r in RULES if r.test == "authorization")
"""The matrix's row for authorized products, which the authorization check enforces."""


@dataclass(frozen=True)
class PlannedProduct:
    """One selected product: its kind, where it is declared, and what the build will do."""

    spec: ProductBase
    kind: ProductKind[Any, Any]
    declared: Declared
    status: Status | None = None
    """None: to build; else settled without building."""
    fingerprint: str | None = None
    manifest: dict[str, Any] | None = field(default=None, repr=False)
    """The latest version's manifest, when it is up to date."""
    message: str = ""
    clause: str | None = None

    @property
    def to_build(self) -> bool:
        return self.status is None

    def outcome(self, paths: Paths) -> ProductOutcome:
        """The outcome of a product settled without building."""
        spec, resources = self.spec, self.declared.resources
        if self.manifest is not None:
            return ProductOutcome.from_manifest(
                self.manifest, Status.UP_TO_DATE, paths.publish, kind=spec.kind,
                resources=resources,
            )  # fmt: skip
        return ProductOutcome(
            spec.id, spec.kind, Status.REFUSED, resources, message=self.message,
            authorization=spec.authorization, clause=self.clause,
        )  # fmt: skip


@dataclass(frozen=True)
class BuildPlan:
    """What a build of `target` will do, product by product, in declaration order."""

    target: Path
    products: tuple[PlannedProduct, ...]
    problems: tuple[PolicyError, ...] = ()
    """Sources missing, unreadable or unregistered: their products are refused."""
    registration_changes: tuple[str, ...] = ()
    """Resources whose delivery changed since registration, registered anew (登记变更)."""

    @property
    def to_build(self) -> tuple[PlannedProduct, ...]:
        return tuple(p for p in self.products if p.to_build)

    @property
    def settled(self) -> tuple[PlannedProduct, ...]:
        return tuple(p for p in self.products if not p.to_build)

    def policies(self) -> dict[str, LoadedPolicy]:
        """The policy of every resource a selected product draws on."""
        return {r: lp for p in self.products for r, lp in p.declared.policies.items()}


def plan_build(
    target: Path, products: Sequence[str] | None, paths: Paths, *, strict: bool = True
) -> BuildPlan:
    """The plan of a build of the policies at `target` (a file or a folder), or of only the
    named `products`. With `strict`, problems with the sources raise PolicyErrors before
    anything is written; without, the products they affect are refused."""
    with kept_open(paths.state):  # a dozen short sessions in a row: one connection
        return _plan(target, products, paths, strict=strict)


def _plan(target: Path, products: Sequence[str] | None, paths: Paths, *, strict: bool) -> BuildPlan:
    declared = declarations(target)
    _check_selection(target, declared, products)
    chosen = [(s, k, d) for s, k, d in declared if not products or s.id in products]
    policies = {r: lp for _, _, d in chosen for r, lp in d.policies.items()}
    problems = _source_problems(policies, paths)
    if strict and problems:
        raise PolicyErrors([e for found in problems.values() for e in found])
    sweep(paths)  # authorizations whose term ended withdraw their products first
    hashed = _Hashes(policies, paths)
    readable = sorted(r for r in policies if r not in problems)
    changed = register_changed(policies, hashed.of(readable), paths)
    grades = registered_grades(paths)
    rotated = KeyRotations(paths.state).current()
    planned = [
        _settle(spec, kind, where, problems, hashed, paths, grades, rotated)
        for spec, kind, where in chosen
    ]
    flat = tuple(e for found in problems.values() for e in found)
    return BuildPlan(Path(target), tuple(planned), flat, tuple(map(change_note, changed)))


def change_note(outcome: Outcome) -> str:
    """A registration change the build recorded, as the build reports it."""
    r = outcome.registration
    return (
        f"{r.resource_id}: its delivery changed since registration; registered anew (登记变更) "
        f"as version {r.version} of {r.code}: {'; '.join(outcome.changes)}"
    )


def settle(plan: BuildPlan, paths: Paths) -> dict[str, ProductOutcome]:
    """Outcomes of the products settled without building, their refusals audited."""
    outcomes = {}
    for planned in plan.settled:
        outcome = planned.outcome(paths)
        if outcome.status is Status.REFUSED:
            record_refusal(
                paths, outcome.product, outcome.kind, outcome.message, clause=outcome.clause,
                authorization=outcome.authorization, policy_sha256=planned.declared.sha256,
            )  # fmt: skip
            refused_run(paths, planned, outcome.message)
        outcomes[outcome.product] = outcome
    return outcomes


def declarations(target: Path) -> list[tuple[ProductBase, ProductKind[Any, Any], Declared]]:
    """Every product of the policies at `target`, then of the index files beside them, with
    its kind and where it is declared."""
    loaded = KINDS.load_policies(target)
    by_resource = {lp.policy.resource.id: lp for lp in loaded}
    indices = []
    for li in KINDS.load_indices(Path(target), loaded):
        kind = KINDS.of(li.index)
        drawn = {r: by_resource[r] for r in kind.draws_on(li.index) or ()}
        indices.append((li.index, kind, Declared(li.path, li.sha256, drawn)))
    found = []
    for lp in loaded:
        resource = lp.policy.resource.id
        beside = tuple(spec for spec, _, d in indices if resource in d.policies)
        for spec in lp.policy.products:
            where = Declared(lp.path, lp.sha256, {resource: lp}, beside)
            found.append((spec, KINDS.of(spec), where))
    return found + indices


def _check_selection(
    target: Path,
    declared: Sequence[tuple[ProductBase, Any, Declared]],
    products: Sequence[str] | None,
) -> None:
    known = {spec.id for spec, _, _ in declared}
    unknown = [p for p in products or [] if p not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise BuildError(
            f"unknown product(s): {', '.join(unknown)}; products in {target}: {listed}"
        )


def _source_problems(
    policies: dict[str, LoadedPolicy], paths: Paths
) -> dict[str, list[PolicyError]]:
    """Per resource: its source is missing, lacks its declared columns, or is not registered."""
    problems: dict[str, list[PolicyError]] = {}
    for rid, lp in policies.items():
        resource = lp.policy.resource
        try:
            source = paths.source(resource.source)
        except BuildError as exc:
            problems.setdefault(rid, []).append(lp.error(str(exc), "resource", "source"))
            continue
        if not source.is_file():
            hint = "run `sluice sample --out domain/raw` for sample data, or fix the path"
            error = lp.error(f"file {source} not found; {hint}", "resource", "source")
            problems.setdefault(rid, []).append(error)
            continue
        try:
            stage_header_check(resource, source, list(lp.policy.columns))
        except BuildError as exc:
            problems.setdefault(rid, []).append(lp.error(str(exc), "columns"))
    for error in registration_problems(list(policies.values()), paths):
        rid = next(r for r, lp in policies.items() if lp.path == error.path)
        problems.setdefault(rid, []).append(error)
    return problems


def registered_grades(paths: Paths) -> dict[str, Registered]:
    """The grades the registry holds, per registered resource: its table grade and each
    column's (the classifier's, with the policy's overrides and the floors)."""
    found = {}
    for held in RegistryStore(paths.state).registrations():
        if held.status == "cancelled":
            continue
        columns = held.submission.classification.get("columns", [])
        by_name = {c["name"]: c["grade"] for c in columns if c.get("grade")}
        found[held.resource_id] = Registered(held.submission.table_grade, by_name)
    return found


def identifying(column: Column) -> bool:
    """A direct identifier by its declared category, or a person's by its declared entity (a
    resident ID declared a quasi-identifier is still one; an enterprise's credit code is not a
    person's, and the authorization's columns and the grade govern it)."""
    profile = PROFILES.get(column.entity or "")
    personal = (
        profile is not None
        and profile.category == DIRECT
        and profile.pi_class not in (None, "organization")
    )
    return column.category == "direct_identifier" or personal


def release_rule(
    spec: ProductBase,
    policies: Mapping[str, ResourcePolicy],
    grades: Mapping[str, Registered],
) -> tuple[Rule, list[Breach]]:
    """The cell of the release matrix that decides a product, and the rules it breaks, judged
    with the registry's grades besides the policy's and with identifiers known by entity."""
    home = next(iter(policies), "")
    flow = outflow(spec, policies, home, grades, identifying)
    return cell(flow), judge(flow)


def within_scope(refused: Refusal) -> str:
    """A refusal by the authorization, as the build and the plan both say it."""
    return f"release matrix rule '{WITHIN_SCOPE}': {refused}"


def price_problem(
    spec: ProductBase, kind: ProductKind[Any, Any], declared: Declared, paths: Paths
) -> str | None:
    """The refusal a build would meet for the product's price alone (above its cap, without
    one, in another unit, or priced for public welfare), for `sluice plan`."""
    if spec.supply_mode != "authorized" or spec.price is None:
        return None
    held = AuthorizationStore(paths.state).get(str(spec.authorization))
    refused = price_refusal(held, kind.use(spec, declared)) if held is not None else None
    return within_scope(refused) if refused is not None else None


def _settle(
    spec: ProductBase,
    kind: ProductKind[Any, Any],
    declared: Declared,
    problems: dict[str, list[PolicyError]],
    hashed: _Hashes,
    paths: Paths,
    grades: Mapping[str, Registered],
    rotated: Mapping[str, str],
) -> PlannedProduct:
    """Refused by a problem of its resources, by the release matrix or by its authorization, up
    to date (same inputs, policy and keys), or to build."""
    planned = PlannedProduct(spec, kind, declared)
    blocked = [e for r in declared.resources for e in problems.get(r, [])]
    if blocked:
        return replace(planned, status=Status.REFUSED, message=str(blocked[0]))
    suspended = suspension_refusal(paths, spec.id)
    if suspended is not None:
        return replace(planned, status=Status.REFUSED, message=suspended)
    policies = {r: lp.policy for r, lp in declared.policies.items()}
    _, breaches = release_rule(spec, policies, grades)
    if breaches:
        breach = breaches[0]
        return replace(
            planned, status=Status.REFUSED, message=breach.message, clause=breach.rule.id
        )
    if spec.supply_mode == "authorized":
        refused = check(paths, str(spec.authorization), kind.use(spec, declared))
        if refused is not None:
            message = within_scope(refused)
            return replace(planned, status=Status.REFUSED, message=message, clause=refused.clause)
    fingerprint = kind.fingerprint(spec, declared, hashed.of(declared.resources))
    fingerprint = rekeyed(fingerprint, product_keys(spec, kind, declared), rotated)
    manifest = latest_manifest(paths.publish, spec.id)
    retired = manifest and (manifest.get("withdrawn") or manifest.get("suspended"))
    if manifest and not retired and manifest.get("fingerprint") == fingerprint:
        return replace(planned, status=Status.UP_TO_DATE, fingerprint=fingerprint,
                        manifest=manifest)  # fmt: skip
    return replace(planned, fingerprint=fingerprint)


class _Hashes:
    """Content hashes of the sources, each read once and only when a product needs it (a
    product its authorization refuses needs none), covering the corrections held for it."""

    def __init__(self, policies: dict[str, LoadedPolicy], paths: Paths):
        self._policies, self._paths = policies, paths
        self._known: dict[str, str] = {}

    def of(self, resources: Sequence[str]) -> dict[str, str]:
        for rid in resources:
            if rid not in self._known:
                source = self._policies[rid].policy.resource.source
                fixes = ObjectionStore(self._paths.state).corrections(rid)
                raw = file_sha256(self._paths.source(source))
                self._known[rid] = content_fingerprint(raw, fixes)
        return {rid: self._known[rid] for rid in resources}
