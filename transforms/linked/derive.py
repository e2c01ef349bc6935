"""Which exact counts of a noisy release a reader can already work out from the exact tables
live for its resource: where they can, the noise protects nothing (the exact number is out)."""

from __future__ import annotations

import polars as pl

from transforms.linked.audit import audit_systems
from transforms.linked.system import systems, with_keys


def derivable(live: pl.DataFrame, release: pl.DataFrame) -> tuple[set[int], set[str]]:
    """Rows of `release` (linked cells of the noisy table's exact counts, every row hidden and
    with no threshold) whose exact value a live table publishes or the live tables' equations
    pin, and the live products that give them away."""
    if not live.height:
        return set(), set()
    built = systems(pl.concat([with_keys(live), with_keys(release)]))
    found: set[int] = set()
    products: set[str] = set()
    own = set(release["product"].unique().to_list())
    for system in built:
        for node in system.nodes:
            if node.candidate_rows and node.shown_elsewhere:
                found.update(row for _, row in node.candidate_rows)
                products.update(p for p in node.products if p not in own)
    for exposure in audit_systems(built, only_release=True).exposures:
        node = next(s for s in built if s.family == exposure.family).nodes[exposure.node]
        if node.candidate_rows:
            found.update(row for _, row in node.candidate_rows)
            products.update(p for p in exposure.products if p not in own)
    return found, products
