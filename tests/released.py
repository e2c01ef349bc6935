"""Every product of the shipped policies built from sample data and cleared by the egress gate,
outside Prefect: what the footprint tests and the attacks on tampered builds start from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.kinds import BuildContext, Job, ProductKind
from flows.pipeline import prepare
from flows.pipeline.plan import declarations
from flows.settings import Paths
from governance.budget import BudgetLedger
from governance.state import State
from sample_data.generate import generate
from tests.conftest import POLICIES
from transforms.egress import Release, egress_gate
from transforms.footprint import Footprint


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
    load_key = prepare.key_loader(paths, State(paths.state))
    context = BuildContext(paths, BudgetLedger(paths.state), load_key)
    found = declarations(POLICIES)
    prepared = {}
    for _, _, declared in found:
        for rid, loaded in declared.policies.items():
            if rid not in prepared:
                staged = prepare.ingest(loaded, paths)
                checked = prepare.validate(loaded, staged)
                prepared[rid] = prepare.deidentify(loaded, staged, checked, paths, load_key)
    out = {}
    for spec, kind, declared in found:
        job = Job(spec, declared, {r: prepared[r] for r in declared.resources}, context)
        built = kind.build(job)
        request = kind.gate(job, built)
        cleared = egress_gate(request.frame, lineage=request.lineage, rules=request.rules)
        out[spec.id] = Released(kind, job, built, cleared, kind.footprint(job, built, cleared))
    return out
