"""Lineage of verification batches (数据核验): one run per batch, named
`verification.<product>`. Its inputs are the resource the service answers from (by
registration code) and the published version that describes it; its output, once answered,
is the operator's answers with their count. Claims, answers and file names never appear; a
refused batch fails with a fixed reason (the audit log holds the real one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from openlineage.client.event_v2 import InputDataset, OutputDataset
from openlineage.client.facet_v2 import output_statistics_output_dataset

from flows.errors import RequestRefused
from flows.files.published import latest_manifest
from flows.services.lineage_events import datasets
from flows.services.lineage_events.run import LineageRun, failed, quietly
from flows.settings import Paths

JOB_TYPE = "VERIFICATION_BATCH"
REFUSED = "the batch was refused and not answered (the domain's audit log holds the reason)"


class Batch:
    """What a batch answered."""

    def __init__(self) -> None:
        self.claims: int | None = None

    def answered(self, counts: dict[str, Any]) -> None:
        self.claims = int(counts.get("claims", 0))


@contextmanager
def verification_run(paths: Paths, product_id: str, operator: str) -> Iterator[Batch]:
    """START on entry; COMPLETE with the answers, or FAIL if the block raises. A product that
    is not published sends nothing: there is no service to name."""
    run, product = _start(paths, product_id) or (None, None)
    batch = Batch()
    try:
        yield batch
    except BaseException as exc:
        failed(run, REFUSED if isinstance(exc, RequestRefused) else type(exc).__name__)
        raise
    _complete(run, product, operator, batch)


@quietly
def _start(paths: Paths, product_id: str) -> tuple[LineageRun, OutputDataset] | None:
    manifest = latest_manifest(paths.publish, product_id)
    if manifest is None:
        return None
    number = int(manifest["version"])
    service = datasets.version(paths, product_id, number, {})
    described = InputDataset(service.namespace, service.name, facets=service.facets)
    sources = datasets.registered(paths, str(manifest.get("resource", {}).get("id", "")))
    inputs = [*(s.dataset() for s in sources), described]
    return LineageRun(paths, f"verification.{product_id}", JOB_TYPE, inputs), service


@quietly
def _complete(
    run: LineageRun | None, service: OutputDataset | None, operator: str, batch: Batch
) -> None:
    if run is None or service is None:
        return
    rows = output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
        rowCount=batch.claims
    )
    namespace = f"sluice://operator/{operator}"
    statistics = {"outputStatistics": rows}
    answers = OutputDataset(namespace, f"{service.name}/answers", outputFacets=statistics)
    run.complete([answers])
