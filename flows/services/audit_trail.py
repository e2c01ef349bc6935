"""Writing to the audit log from the shell: who acts, and when."""

from __future__ import annotations

import getpass
import os
from typing import Any

from flows.clock import now
from flows.files.published import Published
from flows.settings import Paths
from governance.audit import Action, AuditLog, Entry, Record


def actor() -> str:
    """Who runs this command: SLUICE_ACTOR, else the login name."""
    named = os.environ.get("SLUICE_ACTOR")
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return f"uid:{os.getuid()}"


def record(paths: Paths, action: Action, *, by: str | None = None, **fields: Any) -> Record:
    """Append one entry to the domain's audit log, by ``by`` (default: who runs this)."""
    entry = Entry(actor=by or actor(), action=action, **fields)
    return AuditLog(paths.state).append(entry, now())


def record_refusal(
    paths: Paths,
    product: str,
    kind: str,
    message: str,
    *,
    clause: str | None = None,
    authorization: str | None = None,
    policy_sha256: str | None = None,
) -> None:
    """Audit a product the build refused, with the clause it broke."""
    record(
        paths, "refuse", result="refused", subject=product, authorization_id=authorization,
        policy_sha256=policy_sha256, counts={"kind": kind, "clause": clause}, detail=message,
    )  # fmt: skip


def record_publication(
    paths: Paths, published: Published, policy_sha256: str, inputs: list[dict[str, Any]]
) -> None:
    """Audit one published version: its inputs' hashes, its data's hash, its rows."""
    m = published.manifest
    entry = publication_entry(published.product, published.version, m, policy_sha256, inputs)
    AuditLog(paths.state).append(entry, now())


def publication_entry(
    product: str,
    version: int,
    manifest: dict[str, Any],
    policy_sha256: str,
    inputs: list[dict[str, Any]],
) -> Entry:
    """The audit record of one published version: its inputs' hashes, its data's hash, its
    rows."""
    return Entry(
        actor=actor(), action="publish", subject=product,
        authorization_id=manifest.get("authorization"), policy_sha256=policy_sha256,
        inputs=[{"path": i["path"], "sha256": i["sha256"]} for i in inputs],
        outputs=[{"version": version, "data_sha256": manifest["data"]["sha256"]}],
        counts={"rows": manifest["rows"], "kind": manifest["kind"]},
    )  # fmt: skip
