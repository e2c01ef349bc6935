"""Linked-table protection (tau-ARGUS linked tables, sdcTable `protectLinkedTables`), against
everything already published from the resource: a release hides more of its own cells until
the interval audit over it and every live table finds no cell it newly exposes.

1. Consistency: a cell a live table hides is hidden here too, or the difference gives it away;
   a complement this release hid that a live table publishes is shown (hiding it helps nothing),
   and so is one the audit finds exposed exactly whose value the live tables alone give away
   (their sums pin it): refusing the release for it, or hiding more around it, would protect
   nothing.
2. A cell this release must hide (below its minimum group size) that a live table publishes
   cannot be hidden any more: the release is refused, naming the product to rebuild first.
   An earlier version of the release's own product counts as live (its readers keep it) but
   cannot be rebuilt: where it published the same value, hiding the cell now reveals
   nothing new; where a correction changed the value since, the difference gives the new
   value away, and the release is refused, saying so.
3. While the audit finds exposed cells, hide for each the cheapest cell of this release (fewest
   people, cells before totals) in an equation that exposes it; when no equation holds one,
   the exposure comes from live tables alone and the release is refused, naming them.
4. Then undo hidings, most costly first, that the audit does not need: secondary suppression
   of least cost that this greedy order finds (not a proven optimum).

Exposures the live tables already had before this release are not its doing; they are
reported, not charged to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from transforms.linked.audit import (
    Audit,
    Exposure,
    Spread,
    audit_systems,
    exposed,
    incidence,
    interval_audit,
    newly_exposed,
    peeled,
)
from transforms.linked.system import NULL, Equation, System, systems, uncollected, with_keys

_ROUNDS = 200
_PRUNE = 20


@dataclass
class Protection:
    """Rows of the release to hide besides its own suppression, or why it cannot be."""

    hide: set[tuple[int, int]] = field(default_factory=set)
    """(part, row) pairs of the release's tables."""
    show: set[tuple[int, int]] = field(default_factory=set)
    """Rows the release hid as complements that a live table publishes (see _moot)."""
    refusals: list[str] = field(default_factory=list)
    audit: Audit | None = None
    inherited: list[Exposure] = field(default_factory=list)
    """Cells the live tables exposed before this release."""
    programmes: int = 0
    """Linear programmes the protection rounds solved."""


def protect_jointly(live: pl.DataFrame, release: pl.DataFrame) -> Protection:
    """Hide cells of `release` (linked cells with `candidate` set) until, beside `live`, the
    audit finds no cell the release exposes."""
    with uncollected():
        return _protect(live, release, set())


def _protect(
    live: pl.DataFrame, release: pl.DataFrame, given: set[tuple[int, int]], strict: bool = False
) -> Protection:
    """The protection, with `given`: rows found to be hidden complements whose exact values
    the live tables give away, shown. `strict` (taken when the live tables expose cells
    already) audits every family of sums on its own (see newly_exposed)."""
    found = Protection()
    keyed = live, release = _cell(live), _cell(release)  # dimensions and keys as text, once
    found.refusals = _already_published(*keyed)
    if found.refusals:
        return found
    found.show = _moot(*keyed) | given
    hide = _consistent(*keyed) - found.show
    board = _Board(live, release, found.show, strict)
    added: list[tuple[int, int]] = []
    probed = set(given)  # rows asked of _given_away already
    for round_ in range(_ROUNDS):
        audit = board.audit(hide)
        if audit.exposures and round_ == 0 and live.height:  # what was exposed before it
            before = interval_audit(live, strict=strict)
            if before.exposures and not strict:
                again = _protect(live, release, given, strict=True)
                again.programmes += board.programmes + before.programmes
                return again
            found.inherited = before.exposures
            board.programmes += before.programmes
        fresh = newly_exposed(audit.exposures, found.inherited)
        if not fresh:
            break
        picks, stuck = board.partners(fresh, hide)
        if round_ == 0 or stuck:  # are complements exposed exactly the live tables' doing?
            rows = _complements(board, stuck or fresh, hide) - probed
            probed |= rows
            more = _given_away(live, release, rows) - found.show
            if more:  # shown, they reveal nothing the live tables do not: start again
                again = _protect(live, release, found.show | more, strict)
                again.programmes += board.programmes
                return again
        if stuck:
            found.refusals = [_stuck(e, _own(release)) for e in stuck]
            found.audit, found.programmes = audit, board.programmes
            return found
        for pick in picks:
            if pick not in hide:
                hide.add(pick)
                added.append(pick)
        added += board.closure(hide)
    else:
        found.refusals = ["the linked-table protection did not settle; narrow the release"]
        return found
    hide = _pruned(board, hide, added, found.inherited)
    found.audit = board.audit(hide)
    found.programmes = board.programmes
    found.hide = hide - _own_hidden(release)
    return found


class _Board:
    """The live tables and the release as systems built once; hiding a row of the release
    changes only which of its nodes are hidden, and blocks that did not change are not
    solved again."""

    def __init__(
        self,
        live: pl.DataFrame,
        release: pl.DataFrame,
        show: set[tuple[int, int]],
        strict: bool = False,
    ):
        cells = pl.concat([live, release]) if live.height else release
        self.built = systems(cells, alike=not strict)
        self.strict = strict
        shown = release.filter(~pl.col("suppressed")).select("part", "row").unique().rows()
        self.shown = {(int(p), int(r)) for p, r in shown} | show
        self.fixed = show
        """Rows the release shows whatever the rounds find (hiding them protects nothing)."""
        self.owned = [  # with the rows of the release that may show them
            (system, n, [r for r in node.candidate_rows if r in self.shown])
            for system in self.built
            for n, node in enumerate(system.nodes)
            if node.candidate_rows and not node.shown_elsewhere
        ]
        self.rows_of: dict[tuple[int, int], list[int]] = {}
        for i, (_, _, rows) in enumerate(self.owned):
            for r in rows:
                self.rows_of.setdefault(r, []).append(i)
        self.at = {(system.family, n): i for i, (system, n, _) in enumerate(self.owned)}
        self.before: set[tuple[int, int]] | None = None
        self.masks = {
            system.family: np.fromiter((n.published is None for n in system.nodes), bool,
                                       len(system.nodes))
            for system in self.built
        }  # fmt: skip
        self.hidden: set[tuple[str, int]] = set()
        self.touching = {system.family: _Touching(system) for system in self.built}
        self.programmes = 0
        self.reason: dict[tuple[int, int], tuple[System, int]] = {}
        """Per row hidden for an exposure, the exposed node."""
        self.tried: dict[tuple[str, int], set[int]] = {}
        """Per exposed node, the equations rows were taken from for it."""
        self.spread: Spread = {}
        self.recorded: set[tuple[str, int]] = set()
        """Owned nodes hidden in any audit the spread holds tables of."""
        people = release.group_by("part", "row").agg(pl.col("truth").max())
        self.cost = {(int(p), int(r)): float(t or 0.0) for p, r, t in people.rows()}

    def costs(self) -> dict[tuple[int, int], float]:
        """People behind each row of the release: what hiding it costs."""
        return self.cost

    def audit(self, hide: set[tuple[int, int]]) -> Audit:
        """The audit with `hide` hidden (and everything else of the release as shown). Only
        the nodes of rows hidden or shown since the last audit are looked at again."""
        hidden = self._sync(hide)
        if not hidden >= self.recorded:  # a node shown again: tables found before may not hold
            self.spread.clear()
            self.recorded = set()
        self.recorded |= hidden
        found = audit_systems(
            self.built, only_release=True, spread=self.spread, hidden=self.masks,
            strict=self.strict,
        )  # fmt: skip
        self.programmes += found.programmes
        return found

    def _sync(self, hide: set[tuple[int, int]]) -> set[tuple[str, int]]:
        """Nodes published or hidden as `hide` has it; the hidden nodes of the release."""
        if self.before is None:
            changed: Iterable[int] = range(len(self.owned))
        else:
            changed = {i for r in hide ^ self.before for i in self.rows_of.get(r, ())}
        hidden = self.hidden
        for i in changed:
            system, n, rows = self.owned[i]
            node = system.nodes[n]
            visible = any(r not in hide for r in rows)
            node.published = node.truth if visible else None
            self.masks[system.family][n] = not visible
            if visible:
                hidden.discard((system.family, n))
            else:
                hidden.add((system.family, n))
        self.before = set(hide)
        return hidden

    def closure(self, hide: set[tuple[int, int]]) -> list[tuple[int, int]]:
        """Rows to hide besides `hide` (added to it) for the release's hidden cells the
        equations pin one by one (secondary suppression's first step, over every live table):
        the partner the next round would pick for each, found without a programme."""
        added: list[tuple[int, int]] = []
        for _ in range(_ROUNDS):
            self._sync(hide)
            best: dict[tuple[str, int], tuple | None] = {}
            picks = {
                pick
                for system, n in self._peeled()
                if (pick := self._nearest(system, n, hide, best)) is not None
            }
            if not picks:
                break
            for pick in sorted(picks):
                hide.add(pick)
                added.append(pick)
        return added

    def _peeled(self) -> list[tuple[System, int]]:
        """The release's hidden cells that equations with one hidden cell left pin, one by
        one (see transforms.linked.audit.peeled)."""
        from scipy.sparse import csr_array

        found = []
        for system in self.built:
            mask = self.masks[system.family]
            members, owner = incidence(system)
            inside = mask[members]
            cells = np.flatnonzero(mask)
            column = np.full(len(mask), -1, dtype=np.int64)
            column[cells] = np.arange(len(cells))
            matrix = csr_array(
                (np.ones(int(inside.sum())), (owner[inside], column[members[inside]])),
                shape=(len(system.equations), len(cells)),
            )
            for n in cells[peeled(matrix)].tolist():
                if (system.family, n) in self.at:
                    found.append((system, n))
        return found

    def pins(self, hide: set[tuple[int, int]], shown: tuple[int, int]) -> bool:
        """Whether publishing row `shown` (hidden in `hide`) leaves an equation beside it with
        one hidden cell, a listed one, that it then pins: the audit would find that cell
        exposed exactly, so no programme is needed to say so."""
        trial = hide - {shown}
        for i in self.rows_of.get(shown, ()):
            system, n, rows = self.owned[i]
            if all(r in trial for r in rows):
                continue  # still hidden by another row of the release
            nodes = system.nodes
            for e in self.touching[system.family][n]:
                left = [m for m in _members(system.equations[e]) if m != n and self._hidden(
                    system, m, trial)]  # fmt: skip
                if len(left) == 1 and nodes[left[0]].explicit:
                    return True
        return False

    def _hidden(self, system: System, n: int, hide: set[tuple[int, int]]) -> bool:
        i = self.at.get((system.family, n))
        if i is None:
            return system.nodes[n].published is None  # the release cannot change it
        return all(r in hide for r in self.owned[i][2])

    def partners(
        self, exposures: list[Exposure], hide: set[tuple[int, int]]
    ) -> tuple[set[tuple[int, int]], list[Exposure]]:
        """For each exposure the cheapest shown row of the release in an equation with it,
        searching outwards through hidden cells; exposures no row of the release can cover."""
        by_family = {s.family: s for s in self.built}
        picks: set[tuple[int, int]] = set()
        stuck = []
        best: dict[tuple[str, int], tuple | None] = {}  # per equation, while `hide` holds
        for exposure in exposures:
            system = by_family[exposure.family]
            pick = self._nearest(system, exposure.node, hide, best)
            if pick is None:
                stuck.append(exposure)
            else:
                picks.add(pick)
                self.reason.setdefault(pick, (system, exposure.node))
        return picks, stuck

    def exposes_again(self, hide: set[tuple[int, int]], shown: tuple[int, int]) -> bool:
        """Whether publishing row `shown` (hidden in `hide`) exposes again the count it was
        hidden for: two programmes on that cell, where the audit would solve its block."""
        why = self.reason.get(shown)
        if why is None or why[0].family.startswith("sum:"):
            return False
        system, n = why
        self._sync(hide - {shown})
        mask = self.masks[system.family]
        return bool(mask[n]) and exposed(system, n, mask)

    def _nearest(
        self,
        system: System,
        start: int,
        hide: set[tuple[int, int]],
        best: dict[tuple[str, int], tuple | None],
    ) -> tuple[int, int] | None:
        """Breadth first from `start` through hidden cells: the cheapest shown row of the
        release in the nearest equations that hold one. An equation a row was taken from for
        `start` before, which left it exposed, gives way to the others of its layer: what
        narrows a cell is often another of its equations, which hiding more in the first
        does not loosen."""
        touching, nodes = self.touching[system.family], system.nodes
        tried = self.tried.setdefault((system.family, start), set())
        seen, frontier, passed = {start}, [start], set()
        while frontier:
            linked = {i for n in frontier for i in touching[n]} - passed
            passed |= linked
            options = [
                (found, i)
                for i in sorted(linked)
                if (found := self._cheapest(system, i, hide, best)) is not None
            ]
            if options:
                fresh = [option for option in options if option[1] not in tried]
                (_, _, part, row), i = min(fresh or options)
                tried.add(i)
                return part, row
            members = {n for i in linked for n in _members(system.equations[i])}
            frontier = [n for n in members if n not in seen and nodes[n].hidden]
            seen.update(frontier)
        return None

    def _cheapest(
        self,
        system: System,
        i: int,
        hide: set[tuple[int, int]],
        best: dict[tuple[str, int], tuple | None],
    ) -> tuple | None:
        """The cheapest shown row of the release in equation `i`: fewest people, then cells
        before totals."""
        if (system.family, i) not in best:
            nodes = system.nodes
            options = [
                (nodes[n].truth or 0.0, -len(nodes[n].key), part, row)
                for n in _members(system.equations[i])
                if not nodes[n].hidden and not nodes[n].shown_elsewhere
                for part, row in nodes[n].candidate_rows
                if (part, row) not in hide and (part, row) not in self.fixed
            ]
            best[(system.family, i)] = min(options) if options else None
        return best[(system.family, i)]


def _members(equation: Equation) -> tuple[int, ...]:
    return (equation.parent, *equation.children)


class _Touching:
    """The equations each node of a system is in (numbers, ascending), listed once."""

    def __init__(self, system: System):
        members, owner = incidence(system)  # the audit's, kept with the system
        order = np.argsort(members, kind="stable")
        self.equations = owner[order].tolist()
        self.starts = np.searchsorted(members[order], np.arange(len(system.nodes) + 1)).tolist()

    def __getitem__(self, node: int) -> list[int]:
        return self.equations[self.starts[node] : self.starts[node + 1]]


def _own(release: pl.DataFrame) -> set[str]:
    return set(release["product"].unique().to_list())


def _earlier(live: str, own: set[str]) -> bool:
    """Whether a live table ("product vN") is an earlier version of the release's product."""
    return live.rsplit(" v", 1)[0] in own


def _stuck(exposure: Exposure, own: set[str]) -> str:
    """Why an exposure no cell of the release can hide refuses it: the other products to
    rebuild first, or, when only earlier versions of its own product combine, what to do."""
    said = f"{exposure.describe()}; no cell of this release can hide it"
    others = [p for p in exposure.products if p not in own and not _earlier(p, own)]
    if others:
        return f"{said}: rebuild {', '.join(others)} first"
    kept = ", ".join(p for p in exposure.products if p not in own and _earlier(p, own))
    if not kept:  # the release alone: small cells that pin each other whatever is hidden
        return f"{said}: {_ALONE}"
    return f"{said} beside {kept}, which readers keep: {_KEPT}"


_ALONE = (
    "the cells below the minimum group size around it leave it too little room, whatever else "
    "is hidden; publish the product with coarser dimensions or merge its smallest categories"
)
_KEPT = (
    "the correction stays held and reaches the table with the resource's next delivery, or "
    "publish the product with coarser dimensions now"
)


def _own_hidden(release: pl.DataFrame) -> set[tuple[int, int]]:
    rows = release.filter(pl.col("suppressed")).select("part", "row").unique().rows()
    return {(int(p), int(r)) for p, r in rows}


def _cell(frame: pl.DataFrame) -> pl.DataFrame:
    return with_keys(frame) if frame.height else frame  # no live table: nothing to key


def _consistent(live: pl.DataFrame, release: pl.DataFrame) -> set[tuple[int, int]]:
    """Rows of the release whose cell a live table hides and none publishes."""
    if not live.height:
        return _own_hidden(release)
    on = ["family", "__d", "__k"]
    cells = (
        _cell(live)
        .join(_cell(release).select(on), on=on, how="semi")  # only the release's cells
        .group_by(on)
        .agg(pl.col("suppressed").all().alias("__hidden"))
    )
    rows = (
        _cell(release)
        .join(cells.filter("__hidden"), on=on, how="semi")
        .select("part", "row")
        .unique()
        .rows()
    )
    return _own_hidden(release) | {(int(p), int(r)) for p, r in rows}


def _already_published(live: pl.DataFrame, release: pl.DataFrame) -> list[str]:
    """Cells the release must hide (below its own minimum) that a live table publishes."""
    if not live.height:
        return []
    below = _cell(release).filter(
        pl.col("threshold").is_not_null() & (pl.col("truth") < pl.col("threshold"))
    )
    shown = _cell(live).filter(~pl.col("suppressed"))
    clash = below.join(shown, on=["family", "__d", "__k"], how="inner", suffix="_live")
    own = _own(release)
    earlier = pl.col("product_live").str.replace(r" v\d+$", "").is_in(sorted(own))
    found = []
    others = clash.filter(~earlier).unique(["__d", "__k", "product_live"], maintain_order=True)
    for r in others.head(5).iter_rows(named=True):
        found.append(
            f"{_below(r)}{r['product_live']} publishes it; rebuild {r['product_live']} first "
            "(with a minimum group size at least as high) or withdraw it"
        )
    changed = (
        clash.filter(earlier & (pl.col("truth") != pl.col("truth_live")))
        .group_by("family", "__d", "__k", maintain_order=True)
        .agg(
            pl.all().exclude("product_live", "truth_live").first(),
            pl.col("product_live", "truth_live").unique(maintain_order=True),
        )
    )
    for r in changed.head(5).iter_rows(named=True):
        was = " or ".join(f"{v:g}" for v in r["truth_live"])
        found.append(
            f"{_below(r)}{', '.join(r['product_live'])} published it as {was}, and readers "
            "keep what they downloaded: hidden now, the difference gives away its corrected "
            f"value of {r['truth']:g}; {_KEPT}"
        )
    return found


def _below(r: dict) -> str:
    where = ", ".join(
        f"{d}={'null' if v == NULL else v}" for d, v in zip(r["dims"], r["key"], strict=True)
    )
    return f"{r['family']} at {where} covers fewer than {r['threshold']} but "


def _pruned(
    board: _Board,
    hide: set[tuple[int, int]],
    added: list[tuple[int, int]],
    inherited: list[Exposure],
) -> set[tuple[int, int]]:
    """Undo added hidings the audit does not need, most costly first (each try re-solves
    only the blocks it changes)."""
    cost = board.costs()
    kept = set(hide)
    for pick in sorted(added, key=lambda p: -cost.get(p, 0.0))[:_PRUNE]:
        if not inherited and (board.pins(kept, pick) or board.exposes_again(kept, pick)):
            continue
        trial = kept - {pick}
        if not newly_exposed(board.audit(trial).exposures, inherited):
            kept = trial
    return kept


def _complements(
    board: _Board, exposed: list[Exposure], hide: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Hidden rows of the release, at or above their minimum group size, that are cells
    exposed exactly."""
    by_family = {s.family: s for s in board.built}
    rows = set()
    for exposure in exposed:
        node = by_family[exposure.family].nodes[exposure.node]
        if exposure.exact and node.threshold is not None and (node.truth or 0) >= node.threshold:
            rows |= {r for r in node.candidate_rows if r in hide}
    return rows


def _given_away(
    live: pl.DataFrame, release: pl.DataFrame, rows: set[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Those of `rows` whose exact value the live tables alone give away: a live table
    publishes their cell, or the live tables' equations pin it with every row of the release
    hidden. Hiding them protects nothing; refusing the release for them would be wrong."""
    if not rows or not live.height:
        return set()
    probe = release.with_columns(
        pl.lit(True).alias("suppressed"), pl.lit(None, pl.Float64).alias("published"),
        pl.lit(None, pl.Int64).alias("threshold"),
    )  # fmt: skip
    built = systems(pl.concat([live, probe]))
    found = {r for s in built for node in s.nodes if node.shown_elsewhere
             for r in node.candidate_rows}  # fmt: skip
    by_family = {s.family: s for s in built}
    for exposure in audit_systems(built, only_release=True).exposures:
        found |= set(by_family[exposure.family].nodes[exposure.node].candidate_rows)
    return found & rows


def _moot(live: pl.DataFrame, release: pl.DataFrame) -> set[tuple[int, int]]:
    """Rows the release hides only as a complement (not below its minimum) whose people a
    live table publishes: hiding them protects nothing and makes the patterns differ, so
    they are shown, and the audit finds other complements where they are needed."""
    if not live.height:
        return set()
    shown = _cell(live).filter(~pl.col("suppressed"))
    counted = _cell(release).filter(pl.col("threshold").is_not_null())
    rows = (
        counted.filter(pl.col("suppressed") & (pl.col("truth") >= pl.col("threshold")))
        .join(shown, on=["family", "__d", "__k"], how="semi")
        .select("part", "row")
        .unique()
        .rows()
    )
    return {(int(p), int(r)) for p, r in rows}
