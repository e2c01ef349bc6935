"""Checks before a build starts, so user errors surface in a second and without Prefect."""

from __future__ import annotations

from pathlib import Path

from flows.errors import BuildError
from flows.index_build import indices_for
from flows.ingest import stage_header_check
from flows.registration_check import registration_problems
from flows.settings import Paths
from governance.errors import PolicyError, PolicyErrors
from governance.policy.load import LoadedPolicy, load_policies


def preflight(target: Path, products: list[str] | None, paths: Paths) -> list[LoadedPolicy]:
    """Load the policies, check every selected source exists, matches its declared columns and
    is registered."""
    loaded = load_policies(target)
    indices = indices_for(target, loaded)
    known = {p.id for lp in loaded for p in lp.policy.products} | {li.index.id for li in indices}
    unknown = [p for p in products or [] if p not in known]
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise BuildError(
            f"unknown product(s): {', '.join(unknown)}; products in {target}: {listed}"
        )
    errors: list[PolicyError] = []
    selected: list[LoadedPolicy] = []
    drawn = {i.resource for li in indices if not products or li.index.id in products
             for i in li.index.indicators}  # fmt: skip
    for lp in loaded:
        named = any(p.id in products for p in lp.policy.products) if products else True
        if not named and lp.policy.resource.id not in drawn:
            continue
        selected.append(lp)
        resource = lp.policy.resource
        source = paths.source(resource.source)
        if not source.is_file():
            hint = "run `sluice sample --out domain/raw` for sample data, or fix the path"
            errors.append(lp.error(f"file {source} not found; {hint}", "resource", "source"))
            continue
        try:
            stage_header_check(resource, source, list(lp.policy.columns))
        except BuildError as exc:
            errors.append(lp.error(str(exc), "columns"))
    errors.extend(registration_problems(selected, paths))
    if errors:
        raise PolicyErrors(errors)
    return loaded
