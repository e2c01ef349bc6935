"""The gate's rule for verification services: what is published describes claim types, and the
index answers are looked up in (which stays inside the domain) holds no raw identifier: each
keyed column and its low half are unsigned 64-bit numbers (the first 128 bits of an HMAC; no
text fits), and a scan of every other column finds nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.detectors.scan import scan_frame
from transforms.gate_check import GATE_ENTITIES, Check, Origin
from transforms.verification.index import LOW_PREFIX


@dataclass(frozen=True)
class VerificationRule:
    """A verification product's index and the columns of it that must be keyed pseudonyms."""

    index: pl.DataFrame
    keyed: Sequence[str]

    def checks(self, frame: pl.DataFrame, lineage: Mapping[str, Origin]) -> list[Check]:
        return [_verification_index(self)]


def _verification_index(rule: VerificationRule) -> Check:
    index = rule.index
    keyed = [c for name in rule.keyed for c in (name, LOW_PREFIX + name)]
    raw = [c for c in keyed if c not in index.columns or index[c].dtype != pl.UInt64]
    findings = scan_frame(index.drop(keyed, strict=False), entities=GATE_ENTITIES)
    figures = {
        "index_rows": index.height,
        "keyed_columns": len(rule.keyed),
        "findings": findings.height,
    }
    detail = [f"index column '{c}' holds values that are not keyed pseudonyms" for c in raw]
    detail += [
        f"{r['entity']} in index column '{r['column']}' ({r['masked']})"
        for r in findings.head(3).iter_rows(named=True)
    ]
    return Check("verification_index", not raw and findings.is_empty(), figures, "; ".join(detail))
