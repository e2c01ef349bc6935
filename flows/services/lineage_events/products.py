"""Lineage of product builds. One run per product per build, named `product.<id>`: START before
it builds, with the resources it draws on as inputs; COMPLETE when its version is published,
with that version as output (so the publication is the run's COMPLETE event, not a run of its
own); FAIL when the build, the gate or the plan refused it. A product that is up to date is
not built and sends nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from flows.files.published import Published
from flows.kinds import BuildRefused, Declared, Job, ProductKind
from flows.services.lineage_events import datasets
from flows.services.lineage_events.run import LineageRun, quietly, scrub
from flows.settings import Paths
from governance.policy.product import ProductBase
from transforms.egress import EgressRefused
from transforms.gate_check import Origin

JOB_TYPE = "PRODUCT_BUILD"
AUDITED = " (the domain's audit log holds the details)"


class Planned(Protocol):
    """A product planned for a build, as the plan holds it."""

    @property
    def spec(self) -> ProductBase: ...
    @property
    def kind(self) -> ProductKind[Any, Any]: ...
    @property
    def declared(self) -> Declared: ...


class ProductRun:
    """The run of one product's build; `complete` or `fail` ends it."""

    def __init__(self, paths: Paths, planned: Planned):
        self.paths, self.planned = paths, planned
        self.sources: list[datasets.Source] = []
        self.run = self._start()

    @quietly
    def _start(self) -> LineageRun:
        self.sources = datasets.sources(self.paths, self.planned.spec, self.planned.declared)
        inputs = [s.dataset() for s in self.sources]
        return LineageRun(self.paths, f"product.{self.planned.spec.id}", JOB_TYPE, inputs)

    @quietly
    def complete(self, published: Published, job: Job[Any], built: Any) -> None:
        """The product's version is published: it is the run's output."""
        if self.run is not None:
            origins = _origins(self.planned.kind, job, built)
            output = datasets.published(self.paths, published.manifest, self.sources, origins)
            self.run.complete([output])

    @quietly
    def fail(self, refused: BaseException | str) -> None:
        """The product was refused; the event says why without a value or a path."""
        if self.run is not None:
            self.run.fail(reason(refused, self.planned.declared))


def product_run(paths: Paths, planned: Planned) -> ProductRun:
    """Start the run of `planned`'s build (its START event)."""
    return ProductRun(paths, planned)


@quietly
def refused_run(paths: Paths, planned: Planned, refused: BaseException | str) -> None:
    """A product refused before it built (by its registration, authorization or sources):
    a run that starts and fails at once."""
    ProductRun(paths, planned).fail(refused)


def reason(refused: BaseException | str, declared: Declared) -> str:
    """Why a product was refused, fit to leave the domain. The build's and the gate's own
    words quote the release (cells, bounds, values), so only the clause or the checks that
    failed are named; a refusal by the plan (registration, authorization, matrix) speaks of
    policies, and is given without paths or file names."""
    if isinstance(refused, EgressRefused):
        failed = ", ".join(c.name for c in refused.checks if not c.passed)
        return f"egress gate refused: {failed}{AUDITED}"
    if isinstance(refused, BaseException):
        clause = getattr(refused, "clause", None)
        what = "build refused" if isinstance(refused, BuildRefused) else "source not read"
        return f"{what}: {clause or 'refused'}{AUDITED}"
    sources = [lp.policy.resource.source for lp in declared.policies.values()]
    names = [*sources, *(s.rsplit("/", 1)[-1] for s in sources), str(declared.path)]
    return scrub(refused, names)


def _origins(kind: ProductKind[Any, Any], job: Job[Any], built: Any) -> Mapping[str, Origin]:
    """Where each published column comes from, as the kind declares it to the gate."""
    try:
        return kind.gate(job, built).lineage
    except Exception:  # a release the gate cleared has its lineage; none is not an error
        return {}
