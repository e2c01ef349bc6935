"""The microdata kind: the resource's records, quasi-identifiers generalised along their
hierarchies and rare combinations suppressed by the optimal search, until every privacy model
holds; the gate measures the models again on the published rows."""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from flows.files.streaming import streaming
from flows.kinds.base import BuildRefused, Declared, GateRequest, Job, ProductKind, product_use
from flows.kinds.linkage import declared_reveals, linkage
from flows.kinds.microdata.spec import MicrodataProduct
from governance.authorization.scope import Use
from governance.policy.models import Policy
from governance.policy.treatments import Redact
from transforms.anonymize import AnonymizationError
from transforms.anonymize.encode import merge_class_counts
from transforms.egress import Origin, RecordRule, Release
from transforms.footprint import Footprint, QuasiIdentifierLevel, RecordSet
from transforms.linkage import linkage_threshold, linked_risk
from transforms.products.microdata import (
    ClassCounter,
    Microdata,
    QuasiIdentifier,
    anonymisation_account,
    build_microdata,
    partition_classes,
)


class MicrodataKind(ProductKind[MicrodataProduct, Microdata]):
    name = "microdata"
    spec = MicrodataProduct

    def identity(self, spec: MicrodataProduct, declared: Declared) -> dict[str, Any]:
        """A changed hierarchy file changes the release, so its content is part of the
        identity."""
        hashes = {}
        for qi in quasi_identifiers(spec, declared.policy.path.parent):
            if qi.path is not None and qi.path.is_file():
                hashes[qi.column] = hashlib.sha256(qi.path.read_bytes()).hexdigest()
        linked = declared_reveals(spec.id, _beside(spec), declared)
        return {"hierarchy_files": hashes, **({"linked": linked} if linked else {})}

    def use(self, spec: MicrodataProduct, declared: Declared) -> Use:
        return product_use(spec, declared, {declared.resources[0]: spec.source_columns()})

    def describe(self, spec: MicrodataProduct) -> str:
        return (
            f"records of {', '.join(spec.output_columns())}; generalising "
            f"{', '.join(spec.qi_columns())} for {spec.privacy.render()}; at most "
            f"{spec.max_suppression:.0%} of rows suppressed"
        )

    def build(self, job: Job[MicrodataProduct]) -> Microdata:
        """The optimum for the declared quasi-identifiers; when the readers' knowledge from
        the resource's other releases singles records out, the optimum with the known columns
        generalised too (`linkage: generalise`), or a refusal naming them."""
        spec = job.spec
        with streaming():
            records = job.prepared.frame().select(spec.output_columns()).collect()
        qis = quasi_identifiers(spec, job.declared.policy.path.parent)
        counted = class_counter(job)
        built = _anonymise(spec, records, qis, counted)
        found = linkage(job, _beside(spec), published_exactly(job, built))
        models = spec.privacy.models()
        limit = linkage_threshold(models)
        risk = linked_risk(built.frame, spec.qi_columns(), found.known, threshold=limit)
        if not found.known or risk.prosecutor_max_risk <= limit + 1e-12:
            return built
        named = "; ".join(
            f"{k.describe()} from {', '.join(found.sources[c])}" for c, k in found.known.items()
        )
        sensitive = sorted(set(found.known) & set(spec.privacy.sensitive_columns()))
        if spec.linkage == "refuse" or sensitive:
            why = (
                f" ({', '.join(sensitive)} is protected by l-diversity or t-closeness and "
                "cannot be generalised)"
                if sensitive and spec.linkage == "generalise"
                else "; set `linkage: generalise` to generalise them as quasi-identifiers"
            )
            raise BuildRefused(
                f"its readers also learn {named}: linked on those, a record's risk is "
                f"{risk.prosecutor_max_risk:.4f}, above {limit:.4f}{why}",
                clause="linkage",
            )
        extra = [QuasiIdentifier(c, form="known", knowledge=k) for c, k in found.known.items()]
        return _anonymise(spec, records, [*qis, *extra], counted)

    def gate(self, job: Job[MicrodataProduct], built: Microdata) -> GateRequest:
        """The models come from the policy, not from the builder, and what the readers know
        from elsewhere from the policy and the ledger; known columns the build generalised
        are quasi-identifiers of the release."""
        spec = job.spec
        found = linkage(job, _beside(spec), published_exactly(job, built))
        generalised = [c for c in built.hierarchies if c in found.known]
        qis = [*spec.qi_columns(), *generalised]
        rule = RecordRule(
            job.prepared.frame(), qis, spec.privacy.models(), found.known, found.sources
        )
        lineage = microdata_lineage(job.policy, spec, generalised)
        return GateRequest(built.frame, lineage, [rule])

    def account(
        self, job: Job[MicrodataProduct], built: Microdata, cleared: Release
    ) -> dict[str, Any]:
        return {"anonymisation": anonymisation_account(built, cleared.checks)}

    def footprint(
        self, job: Job[MicrodataProduct], built: Microdata, cleared: Release
    ) -> Footprint:
        return Footprint(job.spec.id, (record_set(job, built, cleared.frame.height),))


def record_set(job: Job[MicrodataProduct], built: Microdata, rows: int) -> RecordSet:
    """The release as its footprint states it: each quasi-identifier's level (and the levels
    local recoding refined rows to), the columns published as they are."""
    spec = job.spec
    used = built.local.levels_used if built.local is not None else {}
    levels = tuple(
        QuasiIdentifierLevel(
            column,
            built.result.levels[column],
            hierarchy.height,
            tuple(sorted(int(lv) for lv in used.get(column, {}))),
        )
        for column, hierarchy in built.hierarchies.items()
    )
    released = tuple(c for c in spec.output_columns() if c not in built.hierarchies)
    limit = linkage_threshold(spec.privacy.models())
    return RecordSet(job.prepared.resource, levels, released, rows, limit)


def _beside(spec: MicrodataProduct) -> set[str]:
    """Columns published beside the quasi-identifiers: what readers may know from elsewhere."""
    return set(spec.output_columns()) - set(spec.qi_columns())


def published_exactly(job: Job[MicrodataProduct], built: Microdata) -> set[str]:
    """Columns every record of the build shows as they are (`RecordSet.published_exactly`)."""
    return set(record_set(job, built, built.frame.height).published_exactly)


def class_counter(job: Job[MicrodataProduct]) -> ClassCounter | None:
    """The search's class counts added up from partial counts on the resource's partitions,
    where they lie, when the engine prepared it in parts."""
    parts, name = job.prepared.parts, f"classes {job.spec.id}"
    if parts is None:
        return None
    on_parts = parts.map

    def counted(qis: list[str], sensitive: list[str]) -> pl.DataFrame:
        each = partial(partition_classes, qis=qis, sensitive=sensitive)
        return merge_class_counts(on_parts(each, [*qis, *sensitive], name))

    return counted


def _anonymise(
    spec: MicrodataProduct,
    records: pl.DataFrame,
    qis: list[QuasiIdentifier],
    counted: ClassCounter | None = None,
) -> Microdata:
    try:
        return build_microdata(
            records,
            qis=qis,
            columns=spec.output_columns(),
            models=spec.privacy.models(),
            max_suppression=spec.max_suppression,
            metric=spec.metric,
            local=spec.local,
            counted=counted,
        )
    except AnonymizationError as impossible:
        raise BuildRefused(f"cannot be anonymised as declared: {impossible}") from None


def quasi_identifiers(spec: MicrodataProduct, policy_dir: Path) -> list[QuasiIdentifier]:
    """Quasi-identifiers with their hierarchy form; hierarchy files resolved from the policy's
    folder."""
    out = []
    for qi in spec.quasi_identifiers:
        h = qi.hierarchy
        if h is None:
            out.append(QuasiIdentifier(qi.column))
            continue
        out.append(
            QuasiIdentifier(
                qi.column,
                form=h.form,  # type: ignore[arg-type]
                widths=tuple(h.intervals or ()),
                date_levels=tuple(h.dates or ()),
                path=policy_dir / h.file if h.file else None,
                separator=h.separator,
            )
        )
    return out


def microdata_lineage(
    policy: Policy, spec: MicrodataProduct, generalised: list[str] | None = None
) -> dict[str, Origin]:
    """Where each published column of a microdata product comes from, for the egress gate;
    `generalised` columns were made quasi-identifiers for what readers know of them."""
    qis = {*spec.qi_columns(), *(generalised or [])}
    lineage: dict[str, Origin] = {}
    for name in spec.output_columns():
        col = policy.columns[name]
        if isinstance(col.treatment, Redact):
            kept = tuple(e for e, action in col.treatment.entities.items() if action == "keep")
            lineage[name] = Origin("text", name, col.category, col.secret, kept)
            continue
        role = "quasi_identifier" if name in qis else "record"
        lineage[name] = Origin(role, name, col.category, col.secret)
    return lineage
