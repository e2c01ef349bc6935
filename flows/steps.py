"""The build's steps as plain functions; flows/build.py runs them as Prefect tasks.

ingest -> validate -> de-identify (one lazy plan, sunk once) -> build product -> egress gate ->
publish. Everything written before the gate stays inside the domain (work/, quarantine/).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from flows import binding
from flows.atomic import write_atomically
from flows.audit_trail import record
from flows.ingest import LINE, QUARANTINE_SCHEMA, Staged, stage
from flows.keys import key_fingerprint, load_or_create_key
from flows.private_build import Private, private_model
from flows.publish import latest_manifest
from flows.settings import Paths
from flows.streaming import streaming
from flows.verification_build import Verification, build_verification, service_lineage
from governance.budget import BudgetLedger
from governance.policy.load import LoadedPolicy
from governance.policy.products import (
    MicrodataProduct,
    ModelProduct,
    ProductBase,
    VerificationProduct,
)
from governance.state import State
from transforms.deidentify import deidentify as apply_treatments
from transforms.egress import CellRule, PrivateRule, Release, VerificationRule, egress_gate
from transforms.products.microdata import Microdata, build_microdata
from transforms.products.model import MARGIN, build_model, protect_margins
from transforms.validation import (
    OK,
    ColumnRule,
    describe_rejected,
    typed_columns,
    validate_rows,
)
from transforms.verification.index import ID, MATCH_PREFIX


@dataclass(frozen=True)
class Prepared:
    """The de-identified resource inside the domain, and what went to quarantine."""

    resource: str
    inputs: list[dict[str, Any]]
    path: Path
    subject: str | None
    internal: list[str]
    rows: int
    quarantined: int
    quarantine_file: Path | None

    def frame(self) -> pl.LazyFrame:
        """The de-identified rows that passed validation, without the build's own columns."""
        return pl.scan_parquet(self.path).filter(pl.col(OK)).drop(self.internal)


def fingerprint(loaded: LoadedPolicy, product: ProductBase, input_sha256: str) -> str:
    """Identity of a build's inputs: the same fingerprint means the same product, so no new
    version is made. Comments and formatting in the policy file do not count."""
    policy = loaded.policy
    payload = {
        "format": 1,
        "resource": policy.resource.model_dump(mode="json"),
        "columns": {k: v.model_dump(mode="json") for k, v in policy.columns.items()},
        "reference_date": str(policy.reference_date),
        "product": product.model_dump(mode="json"),
        "input": input_sha256,
    }
    if isinstance(product, MicrodataProduct):
        payload["hierarchy_files"] = _hierarchy_hashes(loaded, product)
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def _hierarchy_hashes(loaded: LoadedPolicy, product: MicrodataProduct) -> dict[str, str]:
    """A changed hierarchy file changes the release, so its content is part of the identity."""
    hashes = {}
    for qi in binding.microdata_qis(product, loaded.path.parent):
        if qi.path is not None and qi.path.is_file():
            hashes[qi.column] = hashlib.sha256(qi.path.read_bytes()).hexdigest()
    return hashes


def up_to_date(paths: Paths, product: ProductBase, print_: str) -> dict[str, Any] | None:
    """The latest manifest when it was built from exactly these inputs (and not withdrawn)."""
    manifest = latest_manifest(paths.publish, product.id)
    if manifest is None or manifest.get("withdrawn"):
        return None
    if manifest.get("fingerprint") == print_:
        return manifest
    return None


def ingest(loaded: LoadedPolicy, paths: Paths) -> Staged:
    """Stage the resource's source file inside the domain."""
    resource = loaded.policy.resource
    work = paths.work / resource.id
    return stage(resource, paths.source(resource.source), list(loaded.policy.columns), work)


def key_loader(paths: Paths, state: State):
    """Load keys by name, creating (and recording the fingerprint of) missing ones."""

    def load(key_id: str) -> bytes:
        key, created = load_or_create_key(paths.keys, key_id)
        if created:
            fingerprint = key_fingerprint(key)
            state.record_key(key_id, fingerprint)
            record(paths, "key_create", subject=key_id, counts={"fingerprint": fingerprint})
        return key

    return load


@dataclass(frozen=True)
class Checked:
    """The validation plan (not yet run): every row with its line, typed values and whether it
    passed (`__ok`); `raw` is the staged rows, to quote the few that failed."""

    frame: pl.LazyFrame
    raw: pl.LazyFrame
    rules: list[ColumnRule]

    passthrough = (LINE, OK)


def validate(loaded: LoadedPolicy, staged: Staged) -> Checked:
    """Parse every value into its declared type and apply the column checks (lazily)."""
    raw = staged.scan()
    if LINE not in raw.collect_schema().names():
        raw = raw.with_row_index(LINE, offset=1)
    rules = binding.column_rules(loaded.policy)
    checked = validate_rows(raw, rules).select(
        *typed_columns(rules), pl.col(LINE).cast(pl.Int64), pl.col(OK)
    )
    return Checked(checked, raw, rules)


def deidentify(
    loaded: LoadedPolicy, staged: Staged, checked: Checked, paths: Paths, state: State
) -> Prepared:
    """De-identify every row in one streaming pass over the staged file and sink it once; then
    move the rows that failed (both stages) to quarantine."""
    resource = loaded.policy.resource
    load_key = key_loader(paths, state)
    subject_key = load_key("default") if resource.subject else None
    deidentified = apply_treatments(
        checked.frame,
        binding.treatments(loaded.policy, load_key),
        subject=resource.subject,
        subject_key=subject_key,
        keep=checked.passthrough,
    )
    work = paths.work / resource.id
    work.mkdir(parents=True, exist_ok=True)
    out = work / "deidentified.parquet"
    with streaming():
        deidentified.frame.sink_parquet(out, engine="streaming", compression="lz4")
    failed = pl.scan_parquet(out).filter(~pl.col(OK)).select(LINE).collect()[LINE]
    bad_rows = checked.raw.filter(pl.col(LINE).is_in(failed.implode()))
    rejected = describe_rejected(bad_rows, checked.rules).collect()
    quarantine = pl.concat([staged.rejected, rejected]).sort("line")
    qfile = _write_quarantine(paths, resource.id, staged.sha256, quarantine)
    inputs = [
        {
            "path": str(Path(resource.source)),
            "sha256": staged.sha256,
            "encoding": staged.encoding,
            "rows_read": staged.rows + staged.rejected.height,
            "rows_quarantined": quarantine.height,
        }
    ]
    rows = pq.read_metadata(out).num_rows - rejected.height
    return Prepared(
        resource.id, inputs, out, deidentified.subject, list(checked.passthrough), rows,
        quarantine.height, qfile,
    )  # fmt: skip


def _write_quarantine(paths: Paths, resource: str, sha: str, rows: pl.DataFrame) -> Path | None:
    """Rejected rows with line and reason, one file per input content (re-runs overwrite it)."""
    folder = paths.quarantine / resource
    target = folder / f"{sha[:16]}.parquet"
    if rows.is_empty():
        target.unlink(missing_ok=True)
        return None
    write_atomically(target, rows.select(QUARANTINE_SCHEMA.keys()).write_parquet)
    return target


@dataclass(frozen=True)
class Context:
    """What some product kinds need beyond the de-identified rows: the budget ledger
    (differential privacy), the validated rows before de-identification and the keys
    (verification indices)."""

    ledger: BudgetLedger
    checked: Checked
    load_key: Callable[[str], bytes]


def build_product(
    loaded: LoadedPolicy,
    product: ProductBase,
    prepared: Prepared,
    context: Context | None = None,
) -> pl.DataFrame | Microdata | Private | Verification:
    """The product's table, computed from the de-identified resource (raises
    AnonymizationError when no microdata release meets the product's privacy settings, and
    BudgetExceeded when a differentially private release would overspend its resource)."""
    if isinstance(product, VerificationProduct):
        if context is None:
            raise TypeError("a verification product needs the validated rows and the keys")
        rows = context.checked.frame.filter(pl.col(OK))
        return build_verification(product, rows, context.load_key(product.key_id))
    if isinstance(product, ModelProduct):
        dims, stats = binding.model_parts(product)
        source = binding.bounded(product, prepared.frame(), prepared.subject)
        if product.differential_privacy is not None:
            if context is None:
                raise TypeError("a differentially private product needs the budget ledger")
            return private_model(loaded, product, source, prepared, context.ledger)
        plan = build_model(
            source,
            dims=dims,
            stats=stats,
            min_group_size=product.min_group_size,
            subject=prepared.subject,
            margins=product.margins,
        )
        with streaming():
            table = plan.collect(engine="streaming")
        if product.margins:
            table = protect_margins(table, dims=[d.output for d in dims], stats=stats)
        return table
    if isinstance(product, MicrodataProduct):
        with streaming():
            records = prepared.frame().select(product.output_columns()).collect()
        return build_microdata(
            records,
            qis=binding.microdata_qis(product, loaded.path.parent),
            columns=product.output_columns(),
            models=binding.microdata_models(product),
            max_suppression=product.max_suppression,
            metric=product.metric,
            local=product.local,
        )
    raise NotImplementedError(f"product kind '{product.kind}' has no builder")


def gate(
    loaded: LoadedPolicy,
    product: ProductBase,
    table: pl.DataFrame | Microdata | Private | Verification,
    prepared: Prepared,
) -> Release:
    """Pass the table through the egress gate (raises EgressRefused)."""
    if isinstance(table, Verification):
        keyed = [c for c in table.index.columns if c == ID or c.startswith(MATCH_PREFIX)]
        rule = VerificationRule(table.index, keyed)
        return egress_gate(table.service, lineage=service_lineage(), rules=[rule])
    if isinstance(table, Private):
        assert isinstance(product, ModelProduct) and product.differential_privacy is not None
        dims, _ = binding.model_parts(product)
        rule = PrivateRule(
            source=prepared.frame(),
            dims=[(d.column, d.output) for d in dims],
            epsilon=product.differential_privacy.epsilon,
            delta=product.differential_privacy.delta,
            account=table.account,
        )
        lineage = binding.model_lineage(loaded.policy, product)
        with streaming():
            return egress_gate(table.table, lineage=lineage, rules=[rule])
    frame = table.frame if isinstance(table, Microdata) else table
    if isinstance(product, MicrodataProduct):
        lineage = binding.microdata_lineage(loaded.policy, product)
        rule = binding.microdata_rule(product, prepared.frame())
        with streaming():
            return egress_gate(frame, lineage=lineage, rules=[rule])
    if isinstance(product, ModelProduct):
        dims, _ = binding.model_parts(product)
        cells = CellRule(
            source=prepared.frame(),
            dims=[(d.column, d.output) for d in dims],
            min_group_size=product.min_group_size,
            subject=prepared.subject,
            margin=MARGIN if product.margins else None,
        )
        lineage = binding.model_lineage(loaded.policy, product)
        with streaming():
            return egress_gate(frame, lineage=lineage, rules=[cells])
    raise NotImplementedError(f"product kind '{product.kind}' has no gate rule")
