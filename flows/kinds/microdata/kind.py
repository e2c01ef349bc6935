"""The microdata kind: the resource's records, quasi-identifiers generalised along their
hierarchies and rare combinations suppressed by the optimal search, until every privacy model
holds; the gate measures the models again on the published rows."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flows.files.streaming import streaming
from flows.kinds.base import BuildRefused, Declared, GateRequest, Job, ProductKind, product_use
from flows.kinds.microdata.spec import MicrodataProduct
from governance.authorization.scope import Use
from governance.policy.models import Policy
from transforms.anonymize import AnonymizationError
from transforms.egress import Origin, RecordRule, Release
from transforms.footprint import Footprint, QuasiIdentifierLevel, RecordSet
from transforms.products.microdata import (
    Microdata,
    QuasiIdentifier,
    anonymisation_account,
    build_microdata,
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
        return {"hierarchy_files": hashes}

    def use(self, spec: MicrodataProduct, declared: Declared) -> Use:
        return product_use(spec, declared, {declared.resources[0]: spec.source_columns()})

    def describe(self, spec: MicrodataProduct) -> str:
        return (
            f"records of {', '.join(spec.output_columns())}; generalising "
            f"{', '.join(spec.qi_columns())} for {spec.privacy.render()}; at most "
            f"{spec.max_suppression:.0%} of rows suppressed"
        )

    def build(self, job: Job[MicrodataProduct]) -> Microdata:
        spec = job.spec
        with streaming():
            records = job.prepared.frame().select(spec.output_columns()).collect()
        try:
            return build_microdata(
                records,
                qis=quasi_identifiers(spec, job.declared.policy.path.parent),
                columns=spec.output_columns(),
                models=spec.privacy.models(),
                max_suppression=spec.max_suppression,
                metric=spec.metric,
                local=spec.local,
            )
        except AnonymizationError as impossible:
            raise BuildRefused(f"cannot be anonymised as declared: {impossible}") from None

    def gate(self, job: Job[MicrodataProduct], built: Microdata) -> GateRequest:
        """The models come from the policy, not from the builder."""
        spec = job.spec
        rule = RecordRule(job.prepared.frame(), spec.qi_columns(), spec.privacy.models())
        return GateRequest(built.frame, microdata_lineage(job.policy, spec), [rule])

    def account(
        self, job: Job[MicrodataProduct], built: Microdata, cleared: Release
    ) -> dict[str, Any]:
        return {"anonymisation": anonymisation_account(built, cleared.checks)}

    def footprint(
        self, job: Job[MicrodataProduct], built: Microdata, cleared: Release
    ) -> Footprint:
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
        released = tuple(c for c in spec.output_columns() if c not in spec.qi_columns())
        records = RecordSet(job.prepared.resource, levels, released, cleared.frame.height)
        return Footprint(spec.id, (records,))


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


def microdata_lineage(policy: Policy, spec: MicrodataProduct) -> dict[str, Origin]:
    """Where each published column of a microdata product comes from, for the egress gate."""
    qis = set(spec.qi_columns())
    lineage: dict[str, Origin] = {}
    for name in spec.output_columns():
        col = policy.columns[name]
        role = "quasi_identifier" if name in qis else "record"
        lineage[name] = Origin(role, name, col.category, col.secret)
    return lineage
