"""Built-in hierarchies: every level covers every value, bands nest, bad input is named."""

from __future__ import annotations

import pytest

from transforms.anonymize.builders import (
    date_hierarchy,
    district_hierarchy,
    interval_hierarchy,
    masking_hierarchy,
    suppression_hierarchy,
)
from transforms.anonymize.errors import AnonymizationError


def nests(h) -> bool:
    """Each level is a function of the level below it: the lattice stays monotone."""
    for low, high in zip(h.levels, h.levels[1:], strict=False):
        image: dict[str, str] = {}
        for value in h.values:
            if image.setdefault(low[value], high[value]) != high[value]:
                return False
    return True


@pytest.mark.parametrize(
    "hierarchy",
    [
        interval_hierarchy("age", range(0, 100, 3), [5, 10, 50]),
        date_hierarchy("d", ["2024-12-31", "2025-01-01", "2025-06-30 12:00:00"]),
        date_hierarchy("d", ["2024-12-31", "2025-01-01"], ["quarter", "year"]),
        district_hierarchy("x", ["330106", "330102", "110101"]),
        masking_hierarchy("p", ["310012", "310013", "2", "1000"]),
        suppression_hierarchy("s", ["M", "F"]),
    ],
    ids=["interval", "date", "date-subset", "district", "masking", "suppression"],
)
def test_builders_nest_and_end_in_star(hierarchy):
    assert nests(hierarchy)
    assert set(hierarchy.levels[-1].values()) == {"*"}
    assert all(hierarchy.generalize(v, 0) == v for v in hierarchy.values)


def test_interval_bands_hold_their_values():
    h = interval_hierarchy("fee", [12.5, 99.99], [10, 100])
    assert h.generalize("12.5", 1) == "[10, 20)" and h.generalize("99.99", 2) == "[0, 100)"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: interval_hierarchy("age", [1], [10, 15]), "not a larger multiple of 10"),
        (lambda: interval_hierarchy("age", ["x"], [10]), "value 'x' is not a number"),
        (lambda: date_hierarchy("d", ["2025-13-01"]), "not an ISO date"),
        (lambda: date_hierarchy("d", ["2025-01-01"], ["year", "month"]), "increasing subset"),
        (lambda: district_hierarchy("x", ["3301"]), "not 6-digit codes"),
        (lambda: masking_hierarchy("p", []), "has no values"),
    ],
)
def test_bad_input_is_named(build, message):
    with pytest.raises(AnonymizationError, match=message):
        build()
