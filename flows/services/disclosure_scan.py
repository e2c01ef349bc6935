"""The personal-data scan of a disclosure before anything is written: every string of the
document goes through the egress gate's own scan (`scan_frame` over GATE_ENTITIES). The values
an authorization declares public for an organisation (its credit code, its office's telephone
and e-mail) are exempt, exactly those values, and listed in the document; the audit chain's
hashes and signature are the log's own hex and base64 digests, not data, and are not scanned.
Anything else the scan finds refuses the disclosure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl

from flows.errors import BuildError
from governance.disclosure.models import NOT_PROVIDED, Disclosure, Exemption, Organisation
from transforms.detectors.scan import scan_frame
from transforms.egress import GATE_ENTITIES

CHAIN_FIELDS = frozenset({"audit.hash", "audit.digest", "audit.checkpoint.hash",
                          "audit.checkpoint.digest", "audit.checkpoint.signature"})  # fmt: skip
"""Where the audit log's own digests stand: hex and base64, checked by `audit verify`."""


def exemptions(document: Disclosure) -> list[Exemption]:
    """The public values the authorizations declare for their organisations."""
    found: dict[str, Exemption] = {}
    organisations: list[Organisation] = [*document.bodies, *document.operators]
    for o in organisations:
        for field in ("uscc", "phone", "email"):
            value = getattr(o, field)
            if value != NOT_PROVIDED:
                found.setdefault(value, Exemption(value=value, organisation=o.name, field=field))
    return list(found.values())


def refuse_personal_data(document: Disclosure) -> None:
    """Scan every string of the document but the exempt values; refuse on any finding."""
    exempt = sorted((e.value for e in document.exemptions), key=len, reverse=True)
    where, texts = [], []
    for path, text in _strings(document.model_dump(mode="json")):
        if path in CHAIN_FIELDS:
            continue
        for value in exempt:
            text = text.replace(value, " ")
        where.append(path)
        texts.append(text)
    findings = scan_frame(pl.DataFrame({"text": texts}, schema={"text": pl.String}),
                          entities=GATE_ENTITIES)  # fmt: skip
    if findings.is_empty():
        return
    shown = [
        f"{r['entity']} ({r['masked']}) in {where[r['row']]}"
        for r in findings.head(5).iter_rows(named=True)
    ]
    raise BuildError(
        f"the disclosure was refused and nothing was written: the personal-data scan found "
        f"{findings.height} value(s): {'; '.join(shown)}. Remove them from the authorization "
        "or product policy they come from (a title, a scenario, a note), or, for an "
        "organisation's public contact, declare it in the authorization's `contact`"
    )


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, with its path (`products[2].title`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")
