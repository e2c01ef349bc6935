"""The differentially private model kind (差分隐私数据模型): a model whose cells and measures are
released through OpenDP's mechanisms, calibrated to each person's bounded contribution, and
paid for from the resource's privacy budget before any noise is drawn."""

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
from flows.kinds.model.binding import (
    aggregate_use,
    bounded,
    describe_cells,
    model_cells,
    model_lineage,
    model_parts,
)
from flows.kinds.model.spec import AggregateSpec
from governance.authorization.scope import Use
from governance.budget import BudgetExceeded
from governance.policy.base import Problem, StrictModel
from governance.policy.product import ResourcePolicy
from transforms.egress import PrivateRule, Release
from transforms.footprint import BudgetSpend, Footprint


class DifferentialPrivacy(StrictModel):
    """Publish the model with differential privacy (OpenDP mechanisms); the release spends
    epsilon and delta from the resource's privacy_budget."""

    mechanism: Literal["laplace", "gaussian"] = "laplace"
    epsilon: float = Field(gt=0, le=10)
    delta: float = Field(
        gt=0, lt=0.01, description="Failure probability of releasing which cells exist."
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
        bounded = self.contribution is not None and self.contribution.max_rows_per_subject
        if policy.resource.subject is not None and not bounded:
            message = "differential privacy needs contribution.max_rows_per_subject: how many "
            yield where, message + "rows one person may add"


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
        """Spend the release's budget, then draw it: a release the budget cannot pay for is
        refused before any noise is drawn."""
        from transforms.products.dp_model import cell_totals, dp_release  # loads OpenDP

        spec, prepared = job.spec, job.prepared
        private, budget = spec.differential_privacy, job.policy.resource.privacy_budget
        assert budget is not None  # the policy's cross-checks ask for it
        dims, stats = model_parts(spec)
        keys = [d.output for d in dims]
        framed = bounded(spec, prepared.frame(), prepared.subject).select(
            *(pl.col(d.column).alias(d.output) for d in dims),
            *({s.column for s in stats if s.column}),
            *([pl.col(prepared.subject)] if prepared.subject else []),
        )
        with streaming():
            cells = cell_totals(framed, keys, stats, prepared.subject).collect(engine="streaming")
        try:
            balance = job.context.ledger.spend(
                prepared.resource, spec.id, (private.epsilon, private.delta),
                (budget.epsilon, budget.delta), now(), note=prepared.inputs[0]["sha256"],
            )  # fmt: skip
        except BudgetExceeded as exceeded:
            raise BuildRefused(str(exceeded), clause="privacy_budget") from None
        release = dp_release(
            cells, keys=keys, stats=stats, params=_parameters(spec),
            min_group_size=spec.min_group_size,
        )  # fmt: skip
        return PrivateTable(release.table, release.account, balance.as_dict())

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


def _parameters(spec: PrivateModelProduct) -> Any:
    """The DP settings of the product, with its contribution bounds, in the core's terms."""
    from transforms.products.dp_model import PrivacyParameters  # loads OpenDP

    bounds = spec.contribution
    return PrivacyParameters(
        mechanism=spec.differential_privacy.mechanism,
        epsilon=spec.differential_privacy.epsilon,
        delta=spec.differential_privacy.delta,
        max_rows=(bounds.max_rows_per_subject if bounds else None) or 1,
        bounds=dict(bounds.bounds) if bounds else {},
    )
