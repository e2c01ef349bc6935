"""The differentially private model kind (差分隐私数据模型): a model whose cells and measures are
released through OpenDP's mechanisms, calibrated to each person's bounded contribution, and
paid for from the resource's registered privacy budget before any noise is drawn.

Contributions are bounded within cells: with a subject, a person keeps at most
`max_rows_per_subject` rows in each cell and counts in at most `max_partitions_per_subject`
cells, both required, since nothing declared says a person's rows stay in one cell (a year, an
insurance type) and a default too small would drop people and bias every count low. Without a
subject each row is its own person, in one cell, and neither bound is needed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl
from pydantic import Field, model_validator

from flows.clock import now
from flows.files.streaming import streaming
from flows.kinds.base import (
    BuildRefused,
    Declared,
    GateRequest,
    Job,
    ProductKind,
    written,
)
from flows.kinds.linked import exactly_known
from flows.kinds.model.binding import (
    aggregate_use,
    describe_cells,
    model_cells,
    model_lineage,
    model_parts,
)
from flows.kinds.model.spec import AggregateSpec, Contribution
from governance.authorization.scope import Use
from governance.budget import BudgetRefused
from governance.policy.base import Problem, StrictModel
from governance.policy.product import ResourcePolicy
from governance.registry import Budget
from transforms.egress import PrivateRule, Release
from transforms.footprint import BudgetSpend, Footprint
from transforms.products.contribution import bound_contributions


class DifferentialPrivacy(StrictModel):
    """Publish the model with differential privacy (OpenDP mechanisms); the release spends
    epsilon and delta from the resource's registered privacy budget."""

    mechanism: Literal["laplace", "gaussian"] = "laplace"
    epsilon: float = Field(gt=0, le=10)
    delta: float = Field(
        gt=0, lt=0.01, description="Failure probability of releasing which cells exist."
    )
    if_derivable: Literal["refuse", "disclose"] = Field(
        "refuse",
        description="When exact counts of the release's cells can be worked out from other "
        "live products of the resource, noise protects nothing: refuse the release, or "
        "publish it and say so in plain words in the manifest.",
    )


class PrivateModelProduct(AggregateSpec):
    """A data model released with differential privacy instead of suppression."""

    differential_privacy: DifferentialPrivacy

    @model_validator(mode="after")
    def _releasable(self) -> PrivateModelProduct:
        if self.margins:
            raise ValueError(
                "margins are not published with differential privacy: each total would "
                "spend budget of its own; publish the cells and add them up"
            )
        for m in self.measures:
            if m.agg == "median":
                raise ValueError(f"measure '{m.name}': no median under differential privacy")
            if m.agg in ("sum", "mean") and (
                self.contribution is None or m.column not in self.contribution.bounds
            ):
                raise ValueError(
                    f"measure '{m.name}': a {m.agg} under differential privacy needs "
                    f"contribution.bounds for '{m.column}'"
                )
        return self

    def problems(self, policy: ResourcePolicy, base: Path | None) -> Iterator[Problem]:
        """Besides a model's: the resource has a budget this release fits in, and one
        person's rows are bounded."""
        yield from super().problems(policy, base)
        private, budget = self.differential_privacy, policy.resource.privacy_budget
        where = ("differential_privacy",)
        if budget is None:
            message = "differential privacy spends the resource's budget: declare "
            yield where, message + "resource.privacy_budget"
        elif private.epsilon > budget.epsilon or private.delta > budget.delta:
            cost = f"epsilon {private.epsilon:g}, delta {private.delta:g}"
            whole = f"epsilon {budget.epsilon:g}, delta {budget.delta:g}"
            yield where, f"one release costs more ({cost}) than the whole budget ({whole})"
        if policy.resource.subject is not None:
            yield from self._bounded(policy.resource.subject)

    def _bounded(self, subject: str) -> Iterator[Problem]:
        """With a subject, one person's rows per cell and cells per person are declared."""
        given = self.contribution or Contribution()
        where = ("differential_privacy",)
        if given.max_rows_per_subject is None:
            message = "differential privacy needs contribution.max_rows_per_subject: how many "
            yield where, message + "rows one person may add to one cell"
        if given.max_partitions_per_subject is None:
            cells = ", ".join(d.output for d in self.dimension_specs())
            message = (
                "differential privacy needs contribution.max_partitions_per_subject: in how "
                f"many cells ({cells}) one person ('{subject}') may count; write the most "
                "cells one person's rows fall in, e.g. `contribution: {max_rows_per_subject: "
                "1, max_partitions_per_subject: 10}` (fewer drops people's rows and counts "
                "come out low; more adds noise)"
            )
            yield where, message


@dataclass(frozen=True)
class PrivateTable:
    """A differentially private release, its cost account and the budget after it."""

    table: pl.DataFrame
    account: dict[str, Any]
    budget: dict[str, Any]


class PrivateModelKind(ProductKind[PrivateModelProduct, PrivateTable]):
    name = "private_model"
    spec = PrivateModelProduct

    def selects(self, raw: Mapping[str, Any] | PrivateModelProduct) -> bool:
        return written(raw, "differential_privacy") is not None

    def use(self, spec: PrivateModelProduct, declared: Declared) -> Use:
        return aggregate_use(spec, declared)

    def describe(self, spec: PrivateModelProduct) -> str:
        private = spec.differential_privacy
        return (
            f"{describe_cells(spec)}; differential privacy ({private.mechanism}, epsilon "
            f"{private.epsilon:g}, delta {private.delta:g}) from the resource's budget"
        )

    def build(self, job: Job[PrivateModelProduct]) -> PrivateTable:
        """Spend the release's budget, then draw it: a release the registered budget cannot
        pay for, or whose policy states another budget, is refused before any noise is drawn."""
        from transforms.products.dp_model import cell_totals, dp_release  # loads OpenDP

        spec, prepared = job.spec, job.prepared
        private, declared = spec.differential_privacy, job.policy.resource.privacy_budget
        assert declared is not None  # the policy's cross-checks ask for it
        params = _parameters(spec, prepared.subject)
        dims, stats = model_parts(spec)
        keys = [d.output for d in dims]
        measured = {s.column for s in stats if s.column}
        framed = bound_contributions(
            prepared.frame().select(
                *(pl.col(d.column).alias(d.output) for d in dims),
                *measured,
                *([pl.col(prepared.subject)] if prepared.subject else []),
            ),
            subject=prepared.subject,
            max_rows=params.max_rows,
            bounds={c: b for c, b in params.bounds.items() if c in measured},
            partition=keys,
            max_partitions=params.max_partitions,
        )
        with streaming():
            cells = cell_totals(framed, keys, stats, prepared.subject).collect(engine="streaming")
        moot = exactly_known(job, cells.select(keys))
        if moot is not None and private.if_derivable == "refuse":
            raise BuildRefused(f"{spec.id}: {moot['note']}", clause="derivable")
        try:
            balance = job.context.ledger.spend(
                prepared.resource, spec.id, (private.epsilon, private.delta), now(),
                declared=Budget(declared.epsilon, declared.delta),
                note=prepared.inputs[0]["sha256"],
            )  # fmt: skip
        except BudgetRefused as refused:
            raise BuildRefused(str(refused), clause="privacy_budget") from None
        release = dp_release(
            cells, keys=keys, stats=stats, params=params, min_group_size=spec.min_group_size
        )
        account = release.account if moot is None else {**release.account, "derivable": moot}
        return PrivateTable(release.table, account, balance.as_dict())

    def gate(self, job: Job[PrivateModelProduct], built: PrivateTable) -> GateRequest:
        spec = job.spec
        dims, _ = model_parts(spec)
        rule = PrivateRule(
            source=job.prepared.frame(),
            dims=[(d.column, d.output) for d in dims],
            epsilon=spec.differential_privacy.epsilon,
            delta=spec.differential_privacy.delta,
            account=built.account,
        )
        return GateRequest(built.table, model_lineage(job.policy, spec), [rule])

    def account(
        self, job: Job[PrivateModelProduct], built: PrivateTable, cleared: Release
    ) -> dict[str, Any]:
        return {"differential_privacy": {**built.account, "budget": built.budget}}

    def footprint(
        self, job: Job[PrivateModelProduct], built: PrivateTable, cleared: Release
    ) -> Footprint:
        resource = job.prepared.resource
        spend = BudgetSpend(
            resource,
            float(built.account["epsilon"]),
            float(built.account["delta"]),
            str(built.account["mechanism"]),
        )
        cells = model_cells(job.spec, resource, cleared.frame, exact=False)
        return Footprint(job.spec.id, (cells, spend))


def _parameters(spec: PrivateModelProduct, subject: str | None) -> Any:
    """The DP settings of the product, with its contribution bounds, in the core's terms;
    without a subject each row is one person in one cell."""
    from transforms.products.dp_model import PrivacyParameters  # loads OpenDP

    given = spec.contribution or Contribution()
    rows, cells = given.max_rows_per_subject, given.max_partitions_per_subject
    if subject is not None:
        assert rows is not None and cells is not None  # the policy's cross-checks ask for them
    return PrivacyParameters(
        mechanism=spec.differential_privacy.mechanism,
        epsilon=spec.differential_privacy.epsilon,
        delta=spec.differential_privacy.delta,
        max_rows=rows if subject is not None and rows else 1,
        bounds=dict(given.bounds),
        max_partitions=cells if subject is not None and cells else 1,
    )
