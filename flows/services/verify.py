"""`sluice verify`: one batch of claims answered against a verification product, inside the
domain. The operator's authorization, suspension, quotas and the batch itself are checked first,
the batch against everything the operator tried within the enumeration window; a refused batch
is answered not at all. One process at a time does this (a lock in the domain), and an answered
batch is charged, remembered and audited in one transaction before its answers are delivered.
Every batch is audited with its counts, never its contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from flows.clock import today
from flows.errors import BuildError, RequestRefused
from flows.files.faults import crash_point
from flows.files.ingest import file_sha256
from flows.files.keys import load_key
from flows.files.published import latest_manifest
from flows.kinds.verification import (
    VerificationKind,
    VerificationProduct,
    answered,
    index_path,
    rules,
    validator,
)
from flows.services.authorizations import check, sweep
from flows.services.claims_file import read_claims
from flows.services.delivery import deliver, discard_parts, write_part
from flows.services.enumeration import control, reason, suspended, while_answering
from flows.services.lineage_events import verification_run
from flows.services.verify_records import commit, counts, over_quota, refuse, suspend
from flows.services.writer import exclusive
from flows.settings import Paths
from governance.audit import Entry
from governance.authorization.store import AuthorizationStore, Held
from governance.pricing.metering import Delivery, Tariff, version_tariff
from governance.usage import UsageLedger
from transforms.verification.answer import CLAIM, FAILED, ROW, STATUS, answer_keyed, keyed_claims

REQUEST_ID = "request_id"
SERVICE = VerificationKind()
"""The verification kind, whose services this answers for."""


def verify_batch(
    product_id: str, requests: Path, operator: str, out: Path, paths: Paths
) -> dict[str, Any]:
    """Answer the claims in `requests` into `out`; returns the counts the operator may see.
    Raises BuildError for input to fix and RequestRefused for a batch the product may not
    answer."""
    if out.is_dir():
        raise BuildError(f"{out}: is a folder; --out names the answers file (CSV or Parquet)")
    with exclusive(paths, "sluice verify"), verification_run(paths, product_id, operator) as run:
        answered = _verify(product_id, requests, operator, out, paths)
        run.answered(answered)
        return answered


def _verify(
    product_id: str, requests: Path, operator: str, out: Path, paths: Paths
) -> dict[str, Any]:
    sweep(paths)
    discard_parts(paths)
    manifest, product = _product(paths, product_id)
    day = today()
    refusal = _refusal(paths, manifest, product, operator) or suspended(
        paths, product.id, operator, day
    )
    if refusal is not None:
        refuse(paths, manifest, operator, refusal, requests)
    claims = read_claims(requests, product)
    held_by = _held(paths, manifest)
    over = over_quota(held_by, UsageLedger(paths.state).used(operator, day), claims.height)
    if over is not None:
        refuse(paths, manifest, operator, over, requests)
    index = index_path(paths, product.id, manifest["fingerprint"])
    if not index.is_file():
        raise BuildError(
            f"the index of '{product.id}' v{manifest['version']} is missing inside the domain; "
            f"rebuild it with `sluice build --product {product.id}`"
        )
    built_with = manifest.get("verification", {}).get("key_fingerprint")
    key = load_key(paths.keys, product.key_id, built_with=built_with)  # not a rotated one
    records = pl.scan_parquet(index)
    keyed = keyed_claims(claims, records, rules=rules(product), key=key, valid=validator(product))
    checked, answers = while_answering(
        lambda: control(paths, product, operator, claims, key, day, keyed),
        lambda: answer_keyed(
            keyed, records, rules=rules(product), reveal=product.reveal_failed_part
        ),
    )
    if checked.breaches:
        tally = {"claims": claims.height, "rules": [b.rule for b in checked.breaches]}
        refuse(paths, manifest, operator, reason(checked.breaches), requests, counts=tally)
    batch, breaches = checked.after(answers)
    if any(b.suspends for b in breaches):
        suspend(paths, manifest, operator, breaches, requests, answers, checked)
    if breaches:
        tally = {"rules": [b.rule for b in breaches], **counts(answers)}
        refuse(paths, manifest, operator, reason(breaches), requests, counts=tally)
    shown = _shown(answers, product)
    part, digest = write_part(paths, _table(shown, claims, product.reveal_failed_part), out)
    entry = Entry(
        actor=operator, action="verify", subject=product.id,
        authorization_id=manifest.get("authorization"),
        inputs=[{"path": str(requests), "sha256": file_sha256(requests)}],
        outputs=[{"path": str(out), "sha256": digest, "version": manifest["version"]}],
        counts=counts(answers),
    )  # fmt: skip
    crash_point("verify:answered")
    delivery = _delivery(held_by, manifest, product, operator, answers.height)
    commit(paths, manifest, held_by, entry, checked, batch, requests, day, delivery)
    crash_point("verify:committed")
    deliver(part, out)
    return counts(shown, answered(product))


def _product(paths: Paths, product_id: str) -> tuple[dict[str, Any], VerificationProduct]:
    manifest = latest_manifest(paths.publish, product_id)
    product = SERVICE.published(manifest) if manifest is not None else None
    if manifest is None or product is None:
        offered = _offered(paths)
        listed = ", ".join(offered) or "none"
        raise BuildError(
            f"no verification product '{product_id}' is published (published: {listed})"
        )
    if manifest.get("withdrawn"):
        raise RequestRefused(
            f"{product_id} was withdrawn on {manifest['withdrawn']['at'][:10]} "
            f"({manifest['withdrawn']['reason']})"
        )
    if manifest.get("suspended"):
        held = manifest["suspended"]
        raise RequestRefused(
            f"{product_id} v{manifest['version']} is suspended since {held['at'][:10]} under "
            f"objection {held['objection']} until it is resolved; no claims are answered"
        )
    return manifest, _priced(paths, manifest, product)


def _priced(
    paths: Paths, manifest: dict[str, Any], product: VerificationProduct
) -> VerificationProduct:
    """The service at the price in force: the one metered when its version was published,
    inside the domain (the manifest outside it is a copy anyone holding published/ could
    edit)."""
    tariff = version_tariff(paths.state, product.id, int(manifest["version"]))
    return product if tariff is None else product.model_copy(update={"price": tariff.price})


def _delivery(
    held_by: Held | None,
    manifest: dict[str, Any],
    product: VerificationProduct,
    operator: str,
    claims: int,
) -> Delivery | None:
    """The batch as metered: its claims answered, at the price in force and its cap."""
    if held_by is None:
        return None
    tariff = Tariff.of(held_by.authorization, product.id, product.price)
    return Delivery(
        operator, held_by.id, product.id, int(manifest["version"]), product.purpose, "claims",
        claims, tariff,
    )  # fmt: skip


def _offered(paths: Paths) -> list[str]:
    if not paths.publish.is_dir():
        return []
    found = []
    for folder in sorted(p for p in paths.publish.iterdir() if p.is_dir()):
        manifest = latest_manifest(paths.publish, folder.name)
        if manifest and not manifest.get("withdrawn") and SERVICE.published(manifest):
            found.append(folder.name)
    return found


def _refusal(
    paths: Paths, manifest: dict[str, Any], product: VerificationProduct, operator: str
) -> str | None:
    authorization = manifest.get("authorization")
    if authorization is None:
        return None
    known = {h.authorization.operator.id for h in AuthorizationStore(paths.state).all()}
    if operator not in known:
        return f"operator '{operator}' is not known to this domain (no authorization names it)"
    resource = manifest["resource"]["id"]
    policy = manifest.get("policy", {}).get("file")
    refused = check(paths, authorization, SERVICE.request_use(product, resource, operator, policy))
    return str(refused) if refused else None


def _held(paths: Paths, manifest: dict[str, Any]) -> Held | None:
    authorization = manifest.get("authorization")
    return AuthorizationStore(paths.state).get(authorization) if authorization else None


def _shown(answers: pl.DataFrame, product: VerificationProduct) -> pl.DataFrame:
    """The answers as the operator gets them: not_found as no_match when membership is hidden."""
    if "not_found" in answered(product):
        return answers
    return answers.with_columns(pl.col(STATUS).replace("not_found", "no_match"))


def _table(answers: pl.DataFrame, claims: pl.DataFrame, reveal: bool) -> pl.DataFrame:
    ids = (
        claims[REQUEST_ID]
        if REQUEST_ID in claims.columns
        else pl.Series(REQUEST_ID, [str(i + 1) for i in range(claims.height)])
    )
    return answers.select(
        ids.gather(answers[ROW]).alias(REQUEST_ID),
        pl.col(CLAIM),
        pl.col(STATUS),
        *([pl.col(FAILED).list.join(",").alias(FAILED)] if reveal else []),
    )
