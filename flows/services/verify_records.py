"""What a verification batch leaves in the domain's state, each in one transaction: a refusal
(audited), a refusal that suspends the operator (audited with the suspension), or an answered
batch's quota charge, history and audit record together."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

import polars as pl

from flows.clock import now, today
from flows.errors import RequestRefused
from flows.files.ingest import file_sha256
from flows.kinds.verification import STATUSES
from flows.services.audit_trail import record
from flows.services.enumeration import Control, reason
from flows.settings import Paths
from governance import audit, probes, usage
from governance.audit import AuditLog, Entry
from governance.authorization.store import Held
from governance.duck import transaction
from governance.pricing import metering
from governance.pricing.metering import Delivery
from governance.probes import ProbeHistory, Suspension
from governance.usage import UsageLedger
from transforms.verification.answer import REASON, STATUS
from transforms.verification.answered import Answered
from transforms.verification.limits import Breach

SCHEMAS = usage.SCHEMA + audit.SCHEMA + probes.SCHEMA + metering.SCHEMA


def commit(
    paths: Paths,
    manifest: dict[str, Any],
    held_by: Held | None,
    entry: Entry,
    checked: Control,
    batch: Answered,
    requests: Path,
    day: dt.date,
    delivery: Delivery | None = None,
) -> None:
    """Charge the quota, meter the claims answered (`delivery`, when the product is under an
    authorization), remember what was tried and audit the batch, all or nothing."""
    operator, product, claims = entry.actor, manifest["product"], entry.counts["claims"]
    log, ledger, history = (
        AuditLog(paths.state),
        UsageLedger(paths.state),
        ProbeHistory(paths.state),
    )
    try:
        with transaction(paths.state, SCHEMAS) as con:
            over = over_quota(held_by, ledger.used_on(con, operator, day), claims)
            if over is not None:
                raise RequestRefused(over)
            ledger.add_on(con, operator, product, day, claims)
            at = now()
            stored = log.append_on(con, entry, at)
            if delivery is not None:
                metering.record_on(con, delivery, stored.seq, at)
            history.record_on(
                con, operator, product, day, stored.seq,
                batch.claims.to_arrow(), batch.values.to_arrow(),
            )  # fmt: skip
            history.forget_on(con, operator, product, checked.since)
    except RequestRefused as refused:
        refuse(paths, manifest, operator, str(refused), requests)
    log.write_head(stored)


def over_quota(held_by: Held | None, used: tuple[int, int], claims: int) -> str | None:
    """Why `claims` more would pass the authorization's quotas, given what was `used` today
    and this month."""
    if held_by is None:
        return None
    quotas = held_by.authorization.quotas
    limits = {"day": quotas.claims_per_day, "month": quotas.claims_per_month}
    for (period, limit), spent in zip(limits.items(), used, strict=True):
        if limit is not None and spent + claims > limit:
            return (
                f"authorization {held_by.id}, clause 'quotas': {claims} claims would bring this "
                f"{period}'s total to {spent + claims}, above {limit} per {period}"
            )
    return None


def refuse(
    paths: Paths,
    manifest: dict[str, Any],
    operator: str,
    reason: str,
    requests: Path,
    counts: dict[str, Any] | None = None,
) -> NoReturn:
    hashed = requests.is_file()
    inputs = [{"path": str(requests), "sha256": file_sha256(requests)}] if hashed else []
    record(
        paths, "refuse", by=operator, result="refused", subject=manifest["product"],
        authorization_id=manifest.get("authorization"), inputs=inputs,
        counts={"kind": manifest["kind"], **(counts or {})}, detail=reason,
    )  # fmt: skip
    raise RequestRefused(f"{manifest['product']}: batch refused, nothing answered: {reason}")


def suspend(
    paths: Paths,
    manifest: dict[str, Any],
    operator: str,
    breaches: list[Breach],
    requests: Path,
    answers: pl.DataFrame,
    checked: Control,
) -> NoReturn:
    """Refuse a batch for a limit that depends on its answers, and suspend the operator on the
    product for a window, in one transaction: the refusal tells one bit, once per window. The
    audit record keeps the true counts; the operator's message none."""
    day = today()
    until = day + dt.timedelta(days=checked.limits.window_days)
    why = (
        f"{reason(breaches)}; operator '{operator}' is suspended on this product until "
        f"{until.isoformat()}"
    )
    rules = [b.rule for b in breaches]
    entry = Entry(
        actor=operator, action="refuse", result="refused", subject=manifest["product"],
        authorization_id=manifest.get("authorization"),
        inputs=[{"path": str(requests), "sha256": file_sha256(requests)}],
        counts={"kind": manifest["kind"], "rules": rules, **counts(answers)}, detail=why,
    )  # fmt: skip
    log = AuditLog(paths.state)
    with transaction(paths.state, SCHEMAS) as con:
        stored = log.append_on(con, entry, now())
        suspending = next(b.rule for b in breaches if b.suspends)
        suspension = Suspension(day, until, suspending, stored.seq)
        ProbeHistory(paths.state).suspend_on(con, operator, manifest["product"], suspension)
    log.write_head(stored)
    raise RequestRefused(f"{manifest['product']}: batch refused, nothing answered: {why}")


def counts(answers: pl.DataFrame, named: tuple[str, ...] = STATUSES) -> dict[str, Any]:
    """Claims by answer (those `named`) and why claims were invalid."""
    statuses = Counter(answers[STATUS].to_list())
    reasons = Counter(r for r in answers[REASON].to_list() if r)
    return {
        "claims": answers.height,
        **{s: statuses.get(s, 0) for s in named},
        "invalid_reasons": dict(reasons),
    }
