"""The resources of a build: each prepared once, when the first product that draws on it is
built, recorded and audited then, and its work files removed as soon as no product left to
build draws on it (or when the build ends, however it ends). A resource whose rows may not be
published from refuses, audited, every product left to build that draws on it. Free text that
no product of the build draws on is dropped, not redacted (flows/pipeline/published_text.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence

from flows.errors import IngestRefused
from flows.kinds import Prepared
from flows.pipeline.plan import BuildPlan, PlannedProduct
from flows.pipeline.published_text import drawn_columns, dropping, unread_text
from flows.pipeline.results import ResourceOutcome
from flows.services.audit_trail import record, record_refusal
from flows.settings import Paths
from governance.policy.load import LoadedPolicy
from governance.state import State


class Resources:
    """Prepared resources of one build (or of one group of its products), by resource id."""

    def __init__(
        self,
        plan: BuildPlan,
        paths: Paths,
        state: State,
        prepare: Callable[[LoadedPolicy], Prepared],
        products: Sequence[PlannedProduct] | None = None,
    ):
        self._paths, self._state, self._prepare = paths, state, prepare
        self._pending = list(plan.to_build if products is None else products)
        drawn = {r for p in self._pending for r in p.declared.resources}
        self._policies = {r: lp for r, lp in plan.policies().items() if r in drawn}
        self._ready: dict[str, Prepared] = {}
        self._read: list[Prepared] = []
        self._refused: dict[str, IngestRefused] = {}

    def order(self) -> list[PlannedProduct]:
        """The products to build: record-level ones first, since a table or a service is
        judged against the records live beside it and the records are judged with it declared;
        otherwise in declaration order (products of one resource before those drawing on
        several, since policies come before index files)."""
        return sorted(self._pending, key=lambda p: p.spec.shape().form != "records")

    def prepared(self, planned: PlannedProduct) -> dict[str, Prepared]:
        """The prepared resources a product draws on, preparing those not ready yet; raises
        IngestRefused for a product drawing on a resource that may not be published from."""
        for rid in planned.declared.resources:
            if rid in self._refused:  # refused once, audited once
                raise self._refused[rid]
            if rid not in self._ready:
                self._ready[rid] = self._start(rid)
        return {rid: self._ready[rid] for rid in planned.declared.resources}

    def done(self, planned: PlannedProduct) -> None:
        """A product is built (or refused): release what nothing left to build needs."""
        self._pending.remove(planned)
        needed = {r for p in self._pending for r in p.declared.resources}
        for rid in [r for r in self._ready if r not in needed]:
            self._release(rid)

    def close(self) -> None:
        """Remove every resource's work files."""
        self._ready.clear()
        for rid in self._policies:
            shutil.rmtree(self._paths.work / rid, ignore_errors=True)

    def outcomes(self) -> tuple[ResourceOutcome, ...]:
        """Every resource this build read."""
        return tuple(
            ResourceOutcome(p.resource, p.rows, p.quarantined, p.quarantine_file)
            for p in self._read
        )

    def _start(self, rid: str) -> Prepared:
        loaded = self._policies[rid]
        unread = unread_text(loaded, drawn_columns(rid, self._pending))
        try:
            prepared = self._prepare(dropping(loaded, unread))
        except IngestRefused as refused:
            self._refuse(loaded, refused)
            self._refused[rid] = refused
            raise
        self._read.append(prepared)
        resource = loaded.policy.resource
        self._state.record_resource(
            {
                "resource_id": resource.id,
                "title": resource.title,
                "department": resource.department,
                "source": resource.source,
                "format": resource.format,
                "update_frequency": resource.update_frequency,
                "policy_path": str(loaded.path),
                "policy_sha256": loaded.sha256,
                "content_sha256": prepared.inputs[0]["sha256"],
                "rows_ingested": prepared.rows,
                "rows_quarantined": prepared.quarantined,
            }
        )
        products = [p.spec.id for p in self._pending if rid in p.declared.resources]
        record(
            self._paths, "build", subject=rid, policy_sha256=loaded.sha256,
            inputs=prepared.inputs,
            counts={"rows": prepared.rows, "quarantined": prepared.quarantined,
                    "products": products, "free_text_dropped": unread},
        )  # fmt: skip
        return prepared

    def _refuse(self, loaded: LoadedPolicy, refused: IngestRefused) -> None:
        """Audit the refusal of every product left to build that draws on the resource."""
        rid = loaded.policy.resource.id
        for planned in [p for p in self._pending if rid in p.declared.resources]:
            spec = planned.spec
            record_refusal(
                self._paths, spec.id, spec.kind, str(refused), clause=refused.clause,
                authorization=spec.authorization, policy_sha256=planned.declared.sha256,
            )  # fmt: skip

    def _release(self, rid: str) -> None:
        del self._ready[rid]
        shutil.rmtree(self._paths.work / rid, ignore_errors=True)
