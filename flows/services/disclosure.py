"""The annual disclosure (年度披露): read the domain, compose the year's document, scan every
string of it for personal data, write it outside the domain (all files or none), and audit it.
The audit head it discloses is the one before its own record."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from flows.clock import now, today
from flows.errors import BuildError
from flows.files.disclosure import FORMATS, document_text, write_disclosure
from flows.files.outputs import check_output
from flows.files.published import latest_manifest
from flows.kinds.registry import KINDS
from flows.services.audit_trail import record
from flows.services.checkpoints import published
from flows.services.disclosure_scan import exemptions, refuse_personal_data
from flows.settings import Paths
from governance.disclosure.compose import Facts, compose
from governance.disclosure.models import Checkpoint, Disclosure
from governance.duck import connect

NOTES = (
    "登记确认号 of a product: its resource's registration code (several joined by '+'), the "
    "product id and its newest version published by the end of the period: <code>/<product>/v<n>.",
    "Usage is counted per calendar month from the audit log and the verification usage ledger.",
    "Objections and feedback are counted from the domain's objection and feedback records; a "
    "domain that keeps none shows 0.",
    "Free (免费) products are public-welfare ones, or industry ones that set no price.",
    "Organisation details the authorization does not state are shown as 未提供.",
)


@dataclass(frozen=True)
class Disclosed:
    """What `disclose` wrote."""

    document: Disclosure
    out: Path
    files: list[str]
    sha256: str


def parse_year(text: str) -> int:
    """A four-digit year, not in the future."""
    if not re.fullmatch(r"[0-9]{4}", text.strip()):
        raise BuildError(f"--year '{text}' is not a year; give four digits, e.g. --year 2025")
    year = int(text)
    if year > today().year:
        raise BuildError(
            f"--year {year} is in the future (today is {today()}); the disclosure of a year is "
            "made during or after it, by the end of March of the next"
        )
    return year


def parse_formats(text: str) -> list[str]:
    """Comma-separated forms out of json, parquet, html."""
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise BuildError(
            f"--format '{text}': unknown form(s) {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(FORMATS)}, comma-separated"
        )
    return list(dict.fromkeys(chosen))


def disclose(paths: Paths, year: int, out: Path, formats: Sequence[str]) -> Disclosed:
    """Write the disclosure of `year` into `out` and audit it."""
    check_output(paths, "--out", out)
    if not paths.state.is_file():
        raise BuildError(f"{paths.state} does not exist: the domain holds nothing to disclose yet")
    until = min(dt.date(year, 12, 31), today())
    stamp = now().isoformat(timespec="seconds")
    con = connect(paths.state, read_only=True)
    try:
        facts = _facts(con, paths)
        document = compose(
            con, year, until, facts=facts, checkpoint=_checkpoint(paths), generated_at=stamp
        )
    finally:
        con.close()
    document = document.model_copy(
        update={"exemptions": exemptions(document), "notes": list(NOTES)}
    )
    refuse_personal_data(document)
    text = document_text(document)
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    files = write_disclosure(document, out, formats)
    record(paths, "disclose", subject=str(year), counts={"year": year, "sha256": sha256,
           "products": len(document.products), "files": len(files)})  # fmt: skip
    return Disclosed(document, out, files, sha256)


def _facts(con: object, paths: Paths) -> dict[str, Facts]:
    """What each authorized product's kind and newest manifest say about its delivery,
    scenario and price."""
    kinds = {k.name: k.delivery for k in KINDS}
    rows = con.execute(  # type: ignore[attr-defined]
        "SELECT product_id, kind FROM products WHERE authorization_id IS NOT NULL"
    ).fetchall()
    facts = {}
    for product, kind in rows:
        manifest = latest_manifest(paths.publish, product) or {}
        parameters = manifest.get("parameters", {})
        price = parameters.get("price") or {}
        facts[product] = Facts(
            delivery=kinds.get(kind, "data_file"),
            scenario=parameters.get("scenario"),
            price=price.get("amount"),
            unit=price.get("unit"),
        )
    return facts


def _checkpoint(paths: Paths) -> Checkpoint | None:
    """The newest signed checkpoint published beside the products."""
    points = published(paths.publish)
    return Checkpoint(**points[-1].to_json()) if points else None
