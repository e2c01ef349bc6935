"""Judging a product against the release matrix: what it lets out (its supply mode, its form,
the grades of what it draws on, the columns it releases) read from its policy, and, at plan
time, from the registry; then every rule of rules.py that applies to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import get_args

from governance.policy.base import Grade, SupplyMode
from governance.policy.product import ProductBase, ResourcePolicy
from governance.policy.release import Shape, at_least
from governance.policy.resource import Column
from governance.policy.treatments import Pseudonymize, Redact
from governance.release_matrix.rules import RULES, Band, Rule

GRADES: tuple[str, ...] = get_args(Grade)


def band(grade: str | None) -> Band:
    """The level of a GB/T 43697 grade: core, important, or general (any general-n, or none)."""
    return "core" if grade == "core" else "important" if grade == "important" else "general"


def higher(*grades: str | None) -> str | None:
    """The highest of some grades (就高从严), None when none is known."""
    known = [g for g in grades if g in GRADES]
    return max(known, key=GRADES.index) if known else None


def declared_identifier(column: Column) -> bool:
    """A direct identifier, by the category its policy declares."""
    return column.category == "direct_identifier"


def pseudonymised_text(column: Column) -> bool:
    """Free text whose redaction writes keyed pseudonyms: it links a person's records, as a
    pseudonymised identifier does, so it leaves only where a keyed pseudonym may."""
    treatment = column.treatment
    return isinstance(treatment, Redact) and "pseudonym" in treatment.entities.values()


@dataclass(frozen=True)
class Registered:
    """What the registry holds of a resource's grade: the table grade and each column's, from
    the classifier with the policy's overrides and the floors applied."""

    table_grade: str | None
    column_grades: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drawn:
    """One column a product draws on, with what the matrix asks of it."""

    resource: str
    name: str
    released: bool
    """Its values leave, in the product's form (a column its treatment drops never does)."""
    secret: bool
    identifying: bool
    pseudonym: bool
    grade: str | None


@dataclass(frozen=True)
class Outflow:
    """What a product lets out, as the matrix judges it."""

    product: str
    supply_mode: SupplyMode
    shape: Shape
    columns: tuple[Drawn, ...]
    table_grades: Mapping[str, str | None]
    """Per resource drawn on: its table grade (the highest of its columns' and the registry's)."""
    recipients: bool

    @property
    def grade(self) -> str | None:
        return higher(*self.table_grades.values(), *(c.grade for c in self.columns))

    @property
    def band(self) -> Band:
        return band(self.grade)

    def graded_by(self) -> str:
        """Why the product draws on data of its band, for a refusal."""
        level = self.band
        for c in self.columns:
            if band(c.grade) == level:
                return f"column '{c.name}' of '{c.resource}' is graded {c.grade}"
        found = [(r, g) for r, g in self.table_grades.items() if band(g) == level]
        return "; ".join(
            f"resource '{r}' is graded {g} (its highest grade, 就高从严)" for r, g in found
        )


@dataclass(frozen=True)
class Breach:
    """A rule a product breaks: the rule, the message naming it, and the key of the product it
    belongs to."""

    rule: Rule
    message: str
    key: tuple[str | int, ...] = ()


def outflow(
    product: ProductBase,
    policies: Mapping[str, ResourcePolicy],
    home: str,
    registered: Mapping[str, Registered] | None = None,
    identifying: Callable[[Column], bool] = declared_identifier,
) -> Outflow:
    """The outflow of `product`, declared in the policy of `home` (or beside the `policies` of
    the resources it draws on); `registered` adds the registry's grades, `identifying` says
    which columns are direct identifiers."""
    shape = product.shape()
    registered = registered or {}
    columns: list[Drawn] = []
    grades: dict[str, str | None] = {}
    for resource, names in product.columns_drawn(home).items():
        held = registered.get(resource, Registered(None))
        policy = policies.get(resource)
        if policy is None:  # its columns are the product's own checks' business
            grades[resource] = higher(held.table_grade)
            continue
        declared = [c.grade for c in policy.columns.values()]
        grades[resource] = higher(held.table_grade, *declared)
        for name in names:
            column = policy.columns.get(name)
            if column is None:
                continue
            columns.append(
                Drawn(
                    resource, name,
                    released=(shape.released is None or name in shape.released)
                    and column.treatment.output_type(column.type) is not None,
                    secret=column.secret,
                    identifying=identifying(column) or pseudonymised_text(column),
                    pseudonym=isinstance(column.treatment, Pseudonymize)
                    or pseudonymised_text(column),
                    grade=higher(column.grade, held.column_grades.get(name)),
                )
            )  # fmt: skip
    return Outflow(
        product.id, product.supply_mode, shape, tuple(columns), grades, bool(product.recipients)
    )


def cell(flow: Outflow) -> Rule:
    """The cell of the matrix that decides the product: its supply mode, band and form."""
    for rule in RULES:
        if (
            rule.test == "cell"
            and flow.supply_mode in rule.modes
            and flow.band in rule.grades
            and flow.shape.form in rule.forms
        ):
            return rule
    raise LookupError(f"no cell of the release matrix covers {flow.product}")  # rules.py is whole


def judge(flow: Outflow) -> list[Breach]:
    """Every rule the product breaks, in the matrix's order."""
    found: list[Breach] = []
    for rule in RULES:
        if flow.supply_mode not in rule.modes:
            continue
        check = _CHECKS.get(rule.test)
        if check is not None:
            found.extend(Breach(rule, _say(rule, what), key) for what, key in check(rule, flow))
    return found


Finding = Iterator[tuple[str, tuple[str | int, ...]]]


def _say(rule: Rule, what: str) -> str:
    return f"release matrix rule '{rule.id}': {what}; {rule.fix}"


def _secret(rule: Rule, flow: Outflow) -> Finding:
    for c in flow.columns:
        if c.secret:
            yield f"'{c.name}' is secret; no product may release it, in any form", ()


def _recipients(rule: Rule, flow: Outflow) -> Finding:
    if flow.supply_mode == "shared" and not flow.recipients:
        yield "this shared product names no recipient department", ("supply_mode",)
    elif flow.supply_mode != "shared" and flow.recipients:
        yield f"this {flow.supply_mode} product names recipients", ("recipients",)


def _identifiers(rule: Rule, flow: Outflow) -> Finding:
    for c in flow.columns:
        if not (c.released and c.identifying) or (rule.pseudonyms and c.pseudonym):
            continue
        form = "as a keyed pseudonym" if c.pseudonym else "raw or masked, not as a keyed pseudonym"
        yield f"'{c.name}' carries a direct identifier the product would release {form}", ()


def _cell(rule: Rule, flow: Outflow) -> Finding:
    if rule is not cell(flow):
        return
    shape, where = flow.shape, ("supply_mode",)
    data = f"{flow.supply_mode} {_FORMS[shape.form]} of {flow.band} data"
    if shape.form not in rule.allowed:
        graded = f"{flow.graded_by()}: " if flow.band != "general" else ""
        yield f"{graded}{data} may not leave", where
    elif shape.form != "records":
        return
    elif rule.environments is not None and shape.environment not in rule.environments:
        went = f"the {shape.environment}" if shape.environment else "no"
        yield (
            f"records released to {went} environment; {data} go only to the "
            + " or ".join(rule.environments)
            + " environment",
            where,
        )
    elif rule.strength is not None and not at_least(shape.strength, rule.strength):
        level = f"the {shape.strength} level" if shape.strength else "no environment's level"
        yield (
            f"records anonymised to {level}; {data} need the {rule.strength} level or stronger",
            where,
        )


_FORMS = {"aggregate": "aggregates", "records": "records", "verification": "answers"}


_CHECKS: dict[str, Callable[[Rule, Outflow], Finding]] = {
    "secret": _secret,
    "recipients": _recipients,
    "identifiers": _identifiers,
    "cell": _cell,
}
"""How each test of rules.py is checked; `authorization` rules are enforced where they say."""
