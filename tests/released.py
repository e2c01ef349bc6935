"""Every product of the shipped policies built from sample data and cleared by the egress gate,
outside Prefect, each footprint recorded in the release ledger as publication does: what the
footprint tests and the attacks on tampered and linked releases start from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.kinds import KINDS, BuildContext, Job, ProductKind
from flows.kinds.audience import audience
from flows.pipeline import prepare
from flows.pipeline.plan import declarations
from flows.services.registration import submissions
from flows.services.releases import record_footprint
from flows.settings import Paths
from governance.budget import BudgetLedger
from governance.ledger import ReleaseLedger
from governance.registry import RegistryStore, register
from governance.state import State
from sample_data.generate import generate
from tests.conftest import POLICIES
from transforms.egress import Release, egress_gate
from transforms.footprint import Footprint

NOW = dt.datetime(2026, 6, 30, 12, 0)


@dataclass(frozen=True)
class Released:
    """One product: its kind, its job, what was built, what the gate cleared, its footprint."""

    kind: ProductKind[Any, Any]
    job: Job[Any]
    built: Any
    cleared: Release
    footprint: Footprint

    def gate(self, built: Any) -> Release:
        """Pass another build of the same product through the gate, as the flow does."""
        request = self.kind.gate(self.job, built)
        return egress_gate(request.frame, lineage=request.lineage, rules=request.rules)


def release_everything(root: Path, rows: int = 3000) -> dict[str, Released]:
    """Sample data of `rows` rows per resource under `root`, every product built and cleared."""
    paths = Paths(root / "domain", root / "published")
    generate(paths.raw, rows=rows)
    return release_policies(paths, POLICIES)


def release_policies(
    paths: Paths, policies: Path, only: set[str] | None = None, version: int = 1
) -> dict[str, Released]:
    """Every product of the policies in `policies` (their raw files already under
    `paths.raw`), or the `only` ones, built, cleared and its rows written where publication
    puts them, as `version`, in file order; a refused build raises BuildRefused."""
    # registered as `sluice register` does: a private model spends its resource's registered budget
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policies), paths))
    load_key = prepare.key_loader(paths, State(paths.state))
    context = BuildContext(paths, BudgetLedger(paths.state), load_key, ReleaseLedger(paths.state))
    found = declarations(policies)
    prepared = {}
    for _, _, declared in found:
        for rid, loaded in declared.policies.items():
            if rid not in prepared:
                staged = prepare.ingest(loaded, paths)
                checked = prepare.validate(loaded, staged)
                prepared[rid] = prepare.deidentify(loaded, staged, checked, paths, load_key)
    out = {}
    for spec, kind, declared in found:
        if only is not None and spec.id not in only:
            continue
        job = Job(spec, declared, {r: prepared[r] for r in declared.resources}, context)
        built = kind.build(job)
        request = kind.gate(job, built)
        cleared = egress_gate(request.frame, lineage=request.lineage, rules=request.rules)
        footprint = kind.footprint(job, built, cleared)
        folder = paths.publish / spec.id / f"v{version}"
        folder.mkdir(parents=True, exist_ok=True)
        cleared.frame.write_parquet(folder / "data.parquet")
        readers = audience(spec, paths)
        record_footprint(context.releases, footprint, version, NOW, readers)
        out[spec.id] = Released(kind, job, built, cleared, footprint)
    return out
