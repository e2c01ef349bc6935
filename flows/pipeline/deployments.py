"""The deployments a served domain offers: one per resource (named by the resource's id, building
its policy file's products) and one per index (named by the index's id, building it from the
policy folder), each running the build flow `sluice-build` on its own schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.errors import BuildError
from flows.kinds import KINDS
from flows.pipeline.plan import registered_grades
from flows.services.schedules import Timing, most_frequent, timing
from flows.settings import Paths
from governance.policy.load import LoadedPolicy


@dataclass(frozen=True)
class Offered:
    """One deployment: what it builds, when, and the tags operators filter runs by."""

    name: str
    target: Path
    products: tuple[str, ...] | None
    timing: Timing
    tags: tuple[str, ...]
    description: str

    @property
    def parameters(self) -> dict[str, Any]:
        """The build flow's parameters: the policy file (or folder) and the products."""
        return {"target": str(self.target), "products": list(self.products or []) or None}


def offered(policies: Path, paths: Paths) -> list[Offered]:
    """The deployments of the policies in the folder `policies`, resources first, then indices."""
    folder = policies.resolve()
    loaded = KINDS.load_policies(folder)
    if not loaded:
        raise BuildError(f"no resource policy in {policies}; give the folder of policy files")
    grades = _grades(paths)
    found = [_resource(lp, grades.get(lp.policy.resource.id)) for lp in loaded]
    by_id = {lp.policy.resource.id: lp for lp in loaded}
    for li in KINDS.load_indices(folder, loaded):
        drawn = [by_id[r] for r in KINDS.of(li.index).draws_on(li.index) or () if r in by_id]
        found.append(_index(li.index.id, li.index.title, folder, drawn, grades))
    _unique(found)
    return found


def _grades(paths: Paths) -> dict[str, str]:
    """The table grade the registry holds per resource (none before the first registration)."""
    if not paths.state.exists():
        return {}
    return {r: g.table_grade for r, g in registered_grades(paths).items() if g.table_grade}


def _resource(lp: LoadedPolicy, grade: str | None) -> Offered:
    resource = lp.policy.resource
    tags = _tags([lp], [grade] if grade else [])
    return Offered(
        resource.id, lp.path.resolve(), None, timing(lp.policy), ("resource", *tags),
        f"{resource.title}: builds the products of {lp.path.name}",
    )  # fmt: skip


def _index(
    index: str, title: str, folder: Path, drawn: Sequence[LoadedPolicy], grades: dict[str, str]
) -> Offered:
    graded = [grades[lp.policy.resource.id] for lp in drawn if lp.policy.resource.id in grades]
    resources = ", ".join(lp.policy.resource.id for lp in drawn)
    return Offered(
        index, folder, (index,), most_frequent(lp.policy for lp in drawn),
        ("index", *_tags(drawn, graded)), f"{title}: draws on {resources}",
    )  # fmt: skip


def _tags(policies: Sequence[LoadedPolicy], grades: Sequence[str]) -> tuple[str, ...]:
    """department:, domain: and grade: tags, each value once."""
    found = [f"department:{lp.policy.resource.department}" for lp in policies]
    found += [f"domain:{lp.policy.resource.domain}" for lp in policies if lp.policy.resource.domain]
    found += [f"grade:{g}" for g in grades]
    return tuple(dict.fromkeys(found))


def _unique(found: Sequence[Offered]) -> None:
    names = [o.name for o in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BuildError(
            f"deployment name(s) {', '.join(twice)} are both a resource and an index id; "
            "rename the index so each deployment has its own name"
        )
