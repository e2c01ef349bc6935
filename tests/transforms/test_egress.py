"""The egress gate refuses every way a product could carry personal data out of the domain."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.deidentify import SUBJECT
from transforms.egress import CellRule, EgressRefused, Origin, Release, egress_gate

SOURCE = pl.LazyFrame(
    {SUBJECT: [1, 2, 3, 4, 5, 6], "district": ["330106"] * 5 + ["330102"], "v": [1.0] * 6}
)
LINEAGE = {
    "district": Origin("dimension", "district", "quasi_identifier"),
    "n": Origin("measure", None, None),
    "suppressed": Origin("flag"),
}


def cells(k: int = 3) -> CellRule:
    return CellRule(
        source=SOURCE, dims=[("district", "district")], min_group_size=k, subject=SUBJECT
    )


def failed(exc: EgressRefused) -> dict[str, str]:
    return {c.name: c.detail for c in exc.checks if not c.passed}


def test_clean_product_passes_with_figures():
    table = pl.DataFrame(
        {"district": ["330102", "330106"], "n": [None, 5], "suppressed": [True, False]}
    )
    release = egress_gate(table, lineage=LINEAGE, rules=[cells()])
    figures = {c.name: dict(c.figures) for c in release.checks}
    assert figures["min_group_size"]["smallest_published_cell"] == 5
    assert figures["min_group_size"]["suppressed_cells"] == 1
    assert figures["pii_scan"]["findings"] == 0


def test_refuses_a_cell_below_the_minimum_even_if_the_builder_did_not_flag_it():
    table = pl.DataFrame(
        {"district": ["330102", "330106"], "n": [1, 5], "suppressed": [False, False]}
    )
    with pytest.raises(EgressRefused) as info:
        egress_gate(table, lineage=LINEAGE, rules=[cells()])
    assert "fewer than 3" in failed(info.value)["min_group_size"]


def test_refuses_suppressed_cells_that_still_carry_values():
    table = pl.DataFrame({"district": ["330102"], "n": [1], "suppressed": [True]})
    with pytest.raises(EgressRefused) as info:
        egress_gate(table, lineage=LINEAGE, rules=[cells()])
    assert "still carry values" in failed(info.value)["min_group_size"]


def test_refuses_a_direct_identifier_column():
    table = pl.DataFrame({"name": ["x"]})
    lineage = {"name": Origin("dimension", "xm", "direct_identifier")}
    with pytest.raises(EgressRefused) as info:
        egress_gate(table, lineage=lineage)
    assert "direct_identifier 'xm'" in failed(info.value)["no_direct_identifiers"]


def test_refuses_columns_of_unknown_origin():
    with pytest.raises(EgressRefused) as info:
        egress_gate(pl.DataFrame({"mystery": [1]}), lineage={})
    assert "no declared origin" in failed(info.value)["no_direct_identifiers"]


@pytest.mark.parametrize(
    "value",
    ["110101199003077571", "联系13812345678", "91350100M000100Y43", "6222021234567890128"],
)
def test_refuses_identifiers_found_by_the_scan_and_masks_them(value):
    table = pl.DataFrame({"note": [value]})
    lineage = {"note": Origin("dimension", "note", "non_personal")}
    with pytest.raises(EgressRefused) as info:
        egress_gate(table, lineage=lineage)
    detail = failed(info.value)["pii_scan"]
    assert "column 'note' row 0" in detail
    assert value not in str(info.value)


def test_a_release_cannot_be_forged():
    with pytest.raises(TypeError):
        Release(pl.DataFrame(), ())


def test_cells_are_counted_in_people_not_rows():
    one_person = pl.LazyFrame({SUBJECT: ["p"] * 5, "district": ["330106"] * 5})
    rule = CellRule(one_person, [("district", "district")], min_group_size=3, subject=SUBJECT)
    table = pl.DataFrame({"district": ["330106"], "n": [5], "suppressed": [False]})
    with pytest.raises(EgressRefused) as info:
        egress_gate(table, lineage=LINEAGE, rules=[rule])
    assert "fewer than 3" in failed(info.value)["min_group_size"]


def test_nothing_derived_from_a_secret_column_leaves():
    frame = pl.DataFrame({"district": ["330106"], "total": [5.0], "suppressed": [False]})
    lineage = {
        "district": Origin("dimension", "district", "quasi_identifier"),
        "total": Origin("measure", "salary", "sensitive_attribute", secret=True),
        "suppressed": Origin("flag"),
    }
    with pytest.raises(EgressRefused) as info:
        egress_gate(frame, lineage=lineage)
    assert "secret column 'salary'" in failed(info.value)["no_direct_identifiers"]
