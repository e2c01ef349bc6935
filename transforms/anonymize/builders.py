"""Built-in hierarchy builders, for quasi-identifiers that need no hand-written CSV: numeric
intervals, dates to month/quarter/year, district codes to city/province, masking from the
right, and plain suppression. Each builds the levels for the values a column actually has;
every builder ends in "*", so the lattice's top node always exists."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence

from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy

TOP = "*"
DATE_LEVELS = ("month", "quarter", "year")


def _distinct(values: Iterable[object]) -> list[str]:
    return sorted({str(v) for v in values if v is not None})


def suppression_hierarchy(column: str, values: Iterable[object]) -> Hierarchy:
    """Value, then "*".

    >>> suppression_hierarchy("sex", ["M", "F"]).levels[1]
    {'F': '*', 'M': '*'}
    """
    found = _distinct(values)
    return Hierarchy(column, [{v: v for v in found}, {v: TOP for v in found}])


def interval_hierarchy(column: str, values: Iterable[object], widths: Sequence[float]) -> Hierarchy:
    """Bands of growing width, each a multiple of the one before so bands nest:
    widths (5, 10) give 37 -> [35, 40) -> [30, 40) -> *.

    >>> h = interval_hierarchy("age", [37, 41], [5, 10])
    >>> [h.generalize("37", i) for i in range(h.height + 1)]
    ['37', '[35, 40)', '[30, 40)', '*']
    """
    if not widths or any(w <= 0 for w in widths):
        raise AnonymizationError(f"intervals for '{column}' need positive widths, got {widths}")
    for small, big in itertools.pairwise(widths):
        if big <= small or not math.isclose(big / small, round(big / small)):
            raise AnonymizationError(
                f"intervals for '{column}': width {big} is not a larger multiple of {small}; "
                "bands must nest"
            )
    found = _distinct(values)
    numbers = {}
    for v in found:
        try:
            numbers[v] = float(v)
        except ValueError:
            raise AnonymizationError(
                f"intervals for '{column}': value '{v}' is not a number"
            ) from None
    levels = [{v: v for v in found}]
    for width in widths:
        levels.append({v: _band(x, width) for v, x in numbers.items()})
    levels.append({v: TOP for v in found})
    return Hierarchy(column, levels)


def _band(x: float, width: float) -> str:
    low = math.floor(x / width) * width
    show = (lambda n: str(int(n))) if float(width).is_integer() else (lambda n: f"{n:g}")
    return f"[{show(low)}, {show(low + width)})"


def date_hierarchy(
    column: str, values: Iterable[object], levels: Sequence[str] = DATE_LEVELS
) -> Hierarchy:
    """ISO dates (or datetimes) to month, quarter, year (any increasing subset), then "*".

    >>> h = date_hierarchy("visit", ["2025-03-14"])
    >>> [h.generalize("2025-03-14", i) for i in range(h.height + 1)]
    ['2025-03-14', '2025-03', '2025-Q1', '2025', '*']
    """
    unknown = [lv for lv in levels if lv not in DATE_LEVELS]
    ordered = [lv for lv in DATE_LEVELS if lv in levels]
    if unknown or not levels or list(levels) != ordered:
        raise AnonymizationError(
            f"date levels for '{column}' must be an increasing subset of {DATE_LEVELS}, "
            f"got {list(levels)}"
        )
    found = _distinct(values)
    parsed = {}
    for v in found:
        try:
            parsed[v] = dt.date.fromisoformat(v[:10])
        except ValueError:
            raise AnonymizationError(
                f"dates for '{column}': value '{v}' is not an ISO date (YYYY-MM-DD)"
            ) from None
    shown = {
        "month": lambda d: f"{d.year}-{d.month:02d}",
        "quarter": lambda d: f"{d.year}-Q{(d.month - 1) // 3 + 1}",
        "year": lambda d: str(d.year),
    }
    out = [{v: v for v in found}]
    out += [{v: shown[lv](d) for v, d in parsed.items()} for lv in levels]
    out.append({v: TOP for v in found})
    return Hierarchy(column, out)


def district_hierarchy(column: str, values: Iterable[object]) -> Hierarchy:
    """6-digit administrative codes (GB/T 2260): district -> city -> province -> "*".

    >>> h = district_hierarchy("xzqh", ["330106"])
    >>> [h.generalize("330106", i) for i in range(h.height + 1)]
    ['330106', '330100', '330000', '*']
    """
    found = _distinct(values)
    bad = [v for v in found if not (len(v) == 6 and v.isdigit())]
    if bad:
        raise AnonymizationError(f"district codes for '{column}': {bad[:3]} are not 6-digit codes")
    return Hierarchy(
        column,
        [
            {v: v for v in found},
            {v: v[:4] + "00" for v in found},
            {v: v[:2] + "0000" for v in found},
            {v: TOP for v in found},
        ],
    )


def masking_hierarchy(column: str, values: Iterable[object], char: str = "*") -> Hierarchy:
    """Mask one more character from the right at each level (postcodes, codes): 310012 ->
    31001* -> 3100** ... ; shorter values are fully masked sooner.

    >>> h = masking_hierarchy("postcode", ["310012", "31"])
    >>> [h.generalize("31", i) for i in range(h.height + 1)]
    ['31', '3*', '**', '**', '**', '**', '**', '*']
    """
    found = _distinct(values)
    if not found:
        raise AnonymizationError(f"masking for '{column}': the column has no values")
    longest = max(len(v) for v in found)
    levels = [{v: v[: max(0, len(v) - i)] + char * min(i, len(v)) for v in found}
              for i in range(longest + 1)]  # fmt: skip
    levels.append({v: TOP for v in found})
    return Hierarchy(column, levels)
