"""Differentially private model products in the build: the budget is spent first, then the
release is drawn with OpenDP (transforms/products/dp_model.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from flows import binding
from flows.clock import now
from flows.streaming import streaming
from governance.budget import BudgetLedger
from governance.policy.load import LoadedPolicy
from governance.policy.products import ModelProduct

if TYPE_CHECKING:
    from flows.steps import Prepared


@dataclass(frozen=True)
class Private:
    """A differentially private model release, its cost account and the budget after it."""

    table: pl.DataFrame
    account: dict[str, Any]
    budget: dict[str, Any]


def private_model(
    loaded: LoadedPolicy,
    product: ModelProduct,
    source: pl.LazyFrame,
    prepared: Prepared,
    ledger: BudgetLedger,
) -> Private:
    """Spend the release's budget, then draw it: a release the budget cannot pay for is
    refused before any noise is drawn."""
    from transforms.products.dp_model import cell_totals, dp_release  # loads OpenDP

    private = product.differential_privacy
    budget = loaded.policy.resource.privacy_budget
    assert private is not None and budget is not None  # the policy loader checked both
    dims, stats = binding.model_parts(product)
    keys = [d.output for d in dims]
    framed = source.select(
        *(pl.col(d.column).alias(d.output) for d in dims),
        *({s.column for s in stats if s.column}),
        *([pl.col(prepared.subject)] if prepared.subject else []),
    )
    with streaming():
        cells = cell_totals(framed, keys, stats, prepared.subject).collect(engine="streaming")
    balance = ledger.spend(
        loaded.policy.resource.id, product.id, (private.epsilon, private.delta),
        (budget.epsilon, budget.delta), now(), note=prepared.inputs[0]["sha256"],
    )  # fmt: skip
    release = dp_release(
        cells, keys=keys, stats=stats, params=binding.privacy_parameters(product),
        min_group_size=product.min_group_size,
    )  # fmt: skip
    return Private(release.table, release.account, balance.as_dict())
