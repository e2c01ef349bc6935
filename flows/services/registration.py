"""The facts a registration records, read from a policy and its source file as delivered, with
the privacy budget the policy declares (which the registry fixes at the first registration that
records one, and keeps)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from flows.errors import BuildError
from flows.files.ingest import detect_encoding, file_sha256, read_header, stage_header_check
from flows.services.classify import classify_resource
from flows.settings import Paths
from governance.errors import PolicyError, PolicyErrors
from governance.objections import ObjectionStore
from governance.objections.store import content_fingerprint
from governance.policy.load import LoadedPolicy
from governance.policy.resource import Resource
from governance.registry import Budget, Submission

SAMPLE_HINT = "run `sluice sample --out domain/raw` for sample data, or fix the path"


def submissions(
    loaded: list[LoadedPolicy], paths: Paths, registered: dict[str, Submission] | None = None
) -> list[Submission]:
    """One submission per policy; every unreadable source is reported at its policy line.
    A resource whose file and policy are byte for byte those of its `registered` submission
    is not read again: the registration would come out the same."""
    found: list[Submission] = []
    errors: list[PolicyError] = []
    for lp in loaded:
        try:
            previous = (registered or {}).get(lp.policy.resource.id)
            found.append(submission(lp, paths, previous))
        except PolicyError as exc:
            errors.append(exc)
    if errors:
        raise PolicyErrors(errors)
    return found


def submission(lp: LoadedPolicy, paths: Paths, previous: Submission | None = None) -> Submission:
    """What a department registers for the resource of `lp`: owner, shape, scale, content
    hash and grade, read from the file as delivered; the content hash covers the corrections
    upheld objections made to it."""
    policy = lp.policy
    resource = policy.resource
    try:
        source = paths.source(resource.source)
    except BuildError as exc:
        raise lp.error(str(exc), "resource", "source") from None
    if not source.is_file():
        raise lp.error(f"file {source} not found; {SAMPLE_HINT}", "resource", "source")
    sha = content_fingerprint(
        file_sha256(source), ObjectionStore(paths.state).corrections(resource.id)
    )
    declared = resource.privacy_budget
    budget = Budget(declared.epsilon, declared.delta) if declared else None
    if previous and previous.content_sha256 == sha and previous.policy_sha256 == lp.sha256:
        return replace(
            previous, location=str(source), policy_path=str(lp.path), privacy_budget=budget
        )
    try:
        stage_header_check(resource, source, list(policy.columns))
    except BuildError as exc:
        raise lp.error(str(exc), "columns") from None
    try:
        classification = classify_resource(policy, source)
        rows = count_rows(resource, source)
    except BuildError as exc:
        raise lp.error(str(exc), "resource", "source") from None
    declared = [{"name": name, "type": column.type} for name, column in policy.columns.items()]
    return Submission(
        resource_id=resource.id,
        title=resource.title,
        department=resource.department,
        format=resource.format,
        location=str(source),
        row_count=rows,
        content_sha256=sha,
        schema={"declared": declared, "physical": physical_header(resource, source)},
        classification=classification,
        table_grade=classification["table_grade"],
        update_frequency=resource.update_frequency,
        supply_modes=sorted({p.supply_mode for p in policy.products}),
        policy_path=str(lp.path),
        policy_sha256=lp.sha256,
        privacy_budget=budget,
    )


def physical_header(resource: Resource, source: Path) -> list[str]:
    """Column names as the file has them, in its order."""
    if resource.format == "parquet":
        return pq.read_schema(source).names
    encoding = detect_encoding(source) if resource.encoding == "auto" else resource.encoding
    return read_header(source, encoding, resource.delimiter)


def count_rows(resource: Resource, source: Path) -> int:
    """Records in the file (the registration's scale), malformed ones included, streamed so a
    large file is never held in memory."""
    if resource.format == "parquet":
        return pq.read_metadata(source).num_rows
    encoding = detect_encoding(source) if resource.encoding == "auto" else resource.encoding
    malformed = 0

    def on_invalid(row: pacsv.InvalidRow) -> str:
        nonlocal malformed
        malformed += bool(row.text.strip())
        return "skip"

    header = read_header(source, encoding, resource.delimiter)
    try:
        reader = pacsv.open_csv(
            source,
            pacsv.ReadOptions(encoding="utf8" if encoding == "utf-8" else encoding),
            pacsv.ParseOptions(
                delimiter=resource.delimiter,
                newlines_in_values=True,
                invalid_row_handler=on_invalid,
            ),
            pacsv.ConvertOptions(column_types={name: pa.string() for name in header}),
        )
        rows = sum(batch.num_rows for batch in reader)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise BuildError(f"{source}: cannot read as {encoding} CSV ({exc})") from None
    return rows + malformed
