"""Whether a build may publish from what it read of a resource: no silent bad publication.

A delivery that parsed is not yet a delivery to publish from. A quote left open swallows the
rest of a file into one rejected row; a truncated export or a header alone still parses. So
after every row is validated and the rejected ones are in quarantine, the build refuses (and
publishes nothing from the resource) when:

- no row was read, or none passed;
- the rejected share is above the policy's `resource.max_rejected_share`;
- the rows that passed fell by more than `resource.max_row_drop` against the previous ingest;
- the file's lines outnumber what the parsed records account for by more than the rejected
  rows (a quote left open), naming the line where it opens.

Every problem found is reported at once, one line each, with the figure and the key to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flows.errors import IngestRefused
from flows.files.lines import LineAccount
from flows.settings import Paths
from governance.policy.resource import Resource
from governance.state import State


@dataclass(frozen=True)
class Intake:
    """What a build read of one resource."""

    source: Path
    read: int
    """Rows read: parsed or rejected by the parser (blank lines are not rows)."""
    rejected: int
    """Rows in quarantine, from parsing and validation."""
    passed: int
    quarantine: Path | None
    lines: LineAccount | None = None
    parse_rejected: int = 0


@dataclass(frozen=True)
class Problem:
    """One reason to refuse, and the policy key that sets its limit (if any)."""

    message: str
    clause: str | None = None


def previous_rows(paths: Paths, resource: str) -> int | None:
    """The rows that passed at the resource's previous ingest, from the state (read only)."""
    rows = State(paths.state).rows("resources")
    return next((r["rows_ingested"] for r in rows if r["resource_id"] == resource), None)


def admit(resource: Resource, intake: Intake, previous: int | None) -> None:
    """Raise IngestRefused with every problem found; return when the build may go on."""
    found = problems(resource, intake, previous)
    if found:
        lines = [f"{resource.id}: {p.message}" for p in found]
        lines.append(
            f"{resource.id}: nothing was published from it; the other resources still build "
            f"(`sluice quarantine {resource.id}` shows the rejected rows)"
        )
        clause = next((p.clause for p in found if p.clause), None)
        raise IngestRefused(resource.id, lines, clause)


def problems(resource: Resource, intake: Intake, previous: int | None) -> list[Problem]:
    """Every reason to refuse what was read, in the order a user should fix them."""
    found = [
        _unread_lines(intake),
        _no_rows(intake),
        _rejected_share(resource, intake),
        _row_drop(resource, intake, previous),
    ]
    return [p for p in found if p is not None]


def _unread_lines(intake: Intake) -> Problem | None:
    counted = intake.lines
    if counted is None or counted.unread <= intake.parse_rejected:
        return None
    source = _shown(intake.source)
    head = f"{source} has {counted.lines:,} data lines, but the rows read account for "
    if counted.widest is None:
        return Problem(f"{head}{counted.read:,}; check the file's quoting")
    line, span = counted.widest
    return Problem(
        f"{head}{counted.read:,}: the row on line {line:,} runs on over {span:,} more lines, "
        f"so a double quote is left open on line {line:,}; close it in the source"
    )


def _no_rows(intake: Intake) -> Problem | None:
    if intake.read == 0:
        return Problem(
            f"{_shown(intake.source)} holds no rows (a header alone); deliver the data, or "
            "leave the resource out of the build"
        )
    if intake.passed == 0:
        return Problem(
            f"none of the {intake.read:,} rows read passed (quarantine: "
            f"{_shown(intake.quarantine)}); fix the source or the policy's column checks"
        )
    return None


def _rejected_share(resource: Resource, intake: Intake) -> Problem | None:
    limit = resource.max_rejected_share
    if intake.passed == 0 or intake.rejected / intake.read <= limit:
        return None
    share = intake.rejected / intake.read
    return Problem(
        f"{percent(share)} of rows rejected ({intake.rejected:,} of {intake.read:,}; "
        f"quarantine: {_shown(intake.quarantine)}), above resource.max_rejected_share "
        f"{percent(limit)}; fix the source or raise the limit",
        "resource.max_rejected_share",
    )


def _row_drop(resource: Resource, intake: Intake, previous: int | None) -> Problem | None:
    limit = resource.max_row_drop
    if not previous or intake.passed == 0 or 1 - intake.passed / previous <= limit:
        return None
    drop = 1 - intake.passed / previous
    return Problem(
        f"{intake.passed:,} rows passed, {percent(drop)} fewer than the {previous:,} of its "
        f"previous ingest, above resource.max_row_drop {percent(limit)}; check that the "
        "delivery is complete, or raise the limit if the fall is real",
        "resource.max_row_drop",
    )


def percent(share: float) -> str:
    """A share as a percentage with up to three significant digits: 0.032 -> '3.2%' (and
    never a rounded '100%' for less than all)."""
    shown = f"{share * 100:.3g}%"
    return ">99.9%" if shown == "100%" and share < 1 else shown


def _shown(path: Path | None) -> str:
    """A path as the user would type it: relative to the working folder when under it."""
    if path is None:
        return "none"
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
