"""Enumeration control for `sluice verify`: a batch judged with what its operator tried on the
product within the window (the history in state.duckdb), before answering and after. The
decisions are the core's (transforms/verification/limits.py); this reads the memory, and
verify_records.py adds to it in the transaction that charges and audits the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from flows.kinds.verification import VerificationProduct, limits, rules, thresholds
from flows.settings import Paths
from governance.probes import ProbeHistory
from transforms.verification.answer import KeyedClaims
from transforms.verification.answered import Answered, answered, outcomes
from transforms.verification.limits import (
    Breach,
    Limits,
    Verdict,
    Window,
    after_answering,
    before_answering,
)
from transforms.verification.tried import Tried, tried_claims

POLICY_KEYS = {"thresholds": "claims[].thresholds"}
"""Where a rule is set in the policy, when not in its `enumeration` block."""


@dataclass(frozen=True)
class Control:
    """One batch under enumeration control: what it tries, and what was found before
    answering."""

    limits: Limits
    tried: Tried
    verdict: Verdict
    since: dt.date

    @property
    def breaches(self) -> list[Breach]:
        """Limits crossed that need no answer to tell."""
        return self.verdict.breaches

    def after(self, answers: pl.DataFrame) -> tuple[Answered, list[Breach]]:
        """The batch as the history would keep it, and the limits its answers cross (a probe
        share breach suspends)."""
        told, verdict = outcomes(answers), self.verdict
        batch = answered(self.tried, told, novel=verdict.novel, unseen=verdict.unseen)
        return batch, after_answering(verdict, told, self.limits)


def while_answering(
    judging: Callable[[], Control], answering: Callable[[], pl.DataFrame]
) -> tuple[Control, pl.DataFrame]:
    """Judge the batch before answering (`judging`, usually `control`), while `answering`
    works out its answers beside it: answering keeps about one core busy, judging uses
    another. The answers are used only when nothing is crossed: a batch refused here is
    answered not at all."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(answering)
        checked = judging()
        answers = pending.result()
    return checked, answers


def control(
    paths: Paths,
    product: VerificationProduct,
    operator: str,
    claims: pl.DataFrame,
    key: bytes,
    day: dt.date,
    batch: KeyedClaims | None = None,
) -> Control:
    """Key what the batch tries (with the keys answering made, when `batch` holds them), read
    the window it is judged in, and judge it."""
    bounds = limits(product)
    tried = tried_claims(
        claims, rules=rules(product), thresholds=thresholds(product), key=key, batch=batch
    )
    since = day - dt.timedelta(days=bounds.window_days - 1)
    seen = ProbeHistory(paths.state).window(operator, product.id, since)
    empty = Window()
    window = Window(
        seen.batches, _frame(seen.claims, empty.claims), _frame(seen.values, empty.values)
    )
    verdict = before_answering(tried, window, bounds, thresholds(product))
    return Control(bounds, tried, verdict, since)


def reason(breaches: list[Breach]) -> str:
    """The refusal's words: every rule crossed, each with where the policy sets it."""
    return "enumeration: " + "; ".join(f"{b.message} ({rule_key(b.rule)})" for b in breaches)


def rule_key(rule: str) -> str:
    """The policy key of a rule."""
    return POLICY_KEYS.get(rule, f"enumeration.{rule}")


def suspended(paths: Paths, product: str, operator: str, day: dt.date) -> str | None:
    """Why the operator is refused on the product today, when a suspension is in force."""
    found = ProbeHistory(paths.state).suspension(operator, product, day)
    if found is None:
        return None
    return (
        f"enumeration: operator '{operator}' is suspended on this product until "
        f"{found.until.isoformat()} ({rule_key(found.rule)} crossed on {found.since.isoformat()}, "
        f"audit record {found.audit_seq}); batches are answered again from that day"
    )


def _frame(table: object, empty: pl.DataFrame) -> pl.DataFrame:
    """An Arrow table from the store as a frame with the core's schema."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.cast(empty.schema) if frame.height else empty  # type: ignore[arg-type]
