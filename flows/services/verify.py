"""`sluice verify`: one batch of claims answered against a verification product, inside the
domain. The operator's authorization, quotas and the batch itself are checked first; a refused
batch is answered not at all. Every batch is audited with its counts, never its contents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

from flows.clock import today
from flows.errors import BuildError, RequestRefused
from flows.files.atomic import write_atomically
from flows.files.ingest import file_sha256
from flows.files.keys import load_key
from flows.files.published import latest_manifest
from flows.kinds.verification import (
    VerificationKind,
    VerificationProduct,
    index_path,
    rules,
    validator,
)
from flows.services.audit_trail import record
from flows.services.authorizations import check, sweep
from flows.settings import Paths
from governance.authorization.store import AuthorizationStore
from governance.usage import UsageLedger
from transforms.verification import answer_claims, enumeration_signals
from transforms.verification.answer import CLAIM, FAILED, IDENTIFIER, REASON, ROW, STATUS

REQUEST_ID = "request_id"
SERVICE = VerificationKind()
"""The verification kind, whose services this answers for."""


def verify_batch(
    product_id: str, requests: Path, operator: str, out: Path, paths: Paths
) -> dict[str, Any]:
    """Answer the claims in `requests` into `out`; returns the counts. Raises BuildError for
    input to fix and RequestRefused for a batch the product may not answer."""
    sweep(paths)
    manifest, product = _product(paths, product_id)
    refusal = _refusal(paths, manifest, product, operator)
    if refusal is not None:
        _refuse(paths, manifest, operator, refusal, requests)
    claims = read_claims(requests, product)
    _quota(paths, manifest, operator, claims.height, requests)
    index = index_path(paths, product.id, manifest["fingerprint"])
    if not index.is_file():
        raise BuildError(
            f"the index of '{product.id}' v{manifest['version']} is missing inside the domain; "
            f"rebuild it with `sluice build --product {product.id}`"
        )
    key = load_key(paths.keys, product.key_id)
    answers = answer_claims(
        claims, pl.scan_parquet(index), rules=rules(product), key=key,
        valid=validator(product), reveal=product.reveal_failed_part,
    )  # fmt: skip
    limits = product.enumeration
    signals = enumeration_signals(
        claims, answers, rules=rules(product), max_values=limits.max_values_per_identifier,
        max_no_match_share=limits.max_no_match_share, min_claims=limits.min_claims_for_share,
    )  # fmt: skip
    if signals:
        _refuse(paths, manifest, operator, "enumeration: " + "; ".join(signals), requests,
                counts=_counts(answers))  # fmt: skip
    written = _write(answers, claims, out, product.reveal_failed_part)
    UsageLedger(paths.state).add(operator, product.id, today(), claims.height)
    counts = _counts(answers)
    record(
        paths, "verify", by=operator, subject=product.id,
        authorization_id=manifest.get("authorization"),
        inputs=[{"path": str(requests), "sha256": file_sha256(requests)}],
        outputs=[{"path": str(out), "sha256": written, "version": manifest["version"]}],
        counts=counts,
    )  # fmt: skip
    return counts


def read_claims(path: Path, product: VerificationProduct) -> pl.DataFrame:
    """The claims file (CSV in UTF-8, or Parquet) with every column as text; a file that is
    missing, unreadable or lacks the columns claims need is an error naming what to fix."""
    if not path.is_file():
        raise BuildError(f"{path}: claims file not found")
    try:
        if path.suffix.lower() == ".parquet":
            frame = pl.read_parquet(path)
            frame = frame.with_columns(pl.all().cast(pl.String))
        else:
            raw = path.read_bytes()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise BuildError(
                    f"{path}:{line}: claims files are UTF-8 CSV (or Parquet); this is not UTF-8"
                ) from None
            frame = pl.read_csv(raw, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        kind = "Parquet" if path.suffix.lower() == ".parquet" else "CSV (UTF-8)"
        first = str(exc).splitlines()[0][:200]
        raise BuildError(f"{path}: not a readable {kind} claims file ({first})") from None
    expected = ", ".join(
        f"{c.id} (identifier, {', '.join(c.fields())})" if c.fields() else f"{c.id} (identifier)"
        for c in product.claims
    )
    missing = [c for c in (CLAIM, IDENTIFIER) if c not in frame.columns]
    if missing:
        raise BuildError(
            f"{path}: column(s) {', '.join(missing)} missing; a claims file has a column "
            f"'claim' naming the claim type, 'identifier', and the fields of its type: {expected}"
        )
    if frame.height == 0:
        raise BuildError(f"{path}: no claims (only a header)")
    return frame


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
    return manifest, product


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
    refused = check(paths, authorization, SERVICE.request_use(product, resource, operator))
    return str(refused) if refused else None


def _quota(
    paths: Paths, manifest: dict[str, Any], operator: str, claims: int, requests: Path
) -> None:
    authorization = manifest.get("authorization")
    held = AuthorizationStore(paths.state).get(authorization) if authorization else None
    if held is None:
        return
    quotas = held.authorization.quotas
    used = dict(
        zip(("day", "month"), UsageLedger(paths.state).used(operator, today()), strict=True)
    )
    limits = {"day": quotas.claims_per_day, "month": quotas.claims_per_month}
    for period, limit in limits.items():
        if limit is not None and used[period] + claims > limit:
            reason = (
                f"authorization {held.id}, clause 'quotas': {claims} claims would bring this "
                f"{period}'s total to {used[period] + claims}, above {limit} per {period}"
            )
            _refuse(paths, manifest, operator, reason, requests)


def _refuse(
    paths: Paths,
    manifest: dict[str, Any],
    operator: str,
    reason: str,
    requests: Path,
    counts: dict[str, Any] | None = None,
) -> None:
    hashed = requests.is_file()
    inputs = [{"path": str(requests), "sha256": file_sha256(requests)}] if hashed else []
    record(
        paths, "refuse", by=operator, result="refused", subject=manifest["product"],
        authorization_id=manifest.get("authorization"), inputs=inputs,
        counts={"kind": manifest["kind"], **(counts or {})}, detail=reason,
    )  # fmt: skip
    raise RequestRefused(f"{manifest['product']}: batch refused, nothing answered: {reason}")


def _write(answers: pl.DataFrame, claims: pl.DataFrame, out: Path, reveal: bool) -> str:
    ids = (
        claims[REQUEST_ID]
        if REQUEST_ID in claims.columns
        else pl.Series(REQUEST_ID, [str(i + 1) for i in range(claims.height)])
    )
    table = answers.select(
        ids.gather(answers[ROW]).alias(REQUEST_ID),
        pl.col(CLAIM),
        pl.col(STATUS),
        *([pl.col(FAILED).list.join(",").alias(FAILED)] if reveal else []),
    )
    writer = table.write_parquet if out.suffix.lower() == ".parquet" else table.write_csv
    write_atomically(out, writer)
    return file_sha256(out)


def _counts(answers: pl.DataFrame) -> dict[str, Any]:
    statuses = Counter(answers[STATUS].to_list())
    reasons = Counter(r for r in answers[REASON].to_list() if r)
    return {
        "claims": answers.height,
        **{s: statuses.get(s, 0) for s in ("match", "no_match", "not_found", "invalid")},
        "invalid_reasons": dict(reasons),
    }
