"""The rules that refuse to publish from a delivery that looks broken, one by one, with the
figure and the policy key in the message; and what passes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.errors import IngestRefused
from flows.files.lines import LineAccount
from flows.pipeline.admission import Intake, admit, percent, problems
from governance.policy.resource import Resource

SOURCE = Path("raw/visits.csv")
QUARANTINE = Path("quarantine/visits/abc.parquet")


def resource(**kw) -> Resource:
    base = dict(
        id="visits", title="t", department="d", source="raw/visits.csv", format="csv",
        update_frequency="once",
    )  # fmt: skip
    return Resource(**{**base, **kw})


def intake(read=1000, rejected=0, lines=None, parse_rejected=0) -> Intake:
    return Intake(SOURCE, read, rejected, read - rejected, QUARANTINE, lines, parse_rejected)


def messages(found) -> list[str]:
    return [p.message for p in found]


def test_a_sound_delivery_passes():
    assert problems(resource(), intake(1000, 10, LineAccount(1000, 1000)), previous=900) == []
    admit(resource(), intake(1000, 10), previous=1000)  # does not raise


def test_the_defaults_are_one_percent_and_half():
    assert (resource().max_rejected_share, resource().max_row_drop) == (0.01, 0.5)


def test_rejected_share_above_the_limit_names_figure_quarantine_and_key():
    (found,) = problems(resource(), intake(50_000, 1_600), previous=None)
    assert found.message == (
        f"3.2% of rows rejected (1,600 of 50,000; quarantine: {QUARANTINE}), above "
        "resource.max_rejected_share 1%; fix the source or raise the limit"
    )
    assert found.clause == "resource.max_rejected_share"
    assert problems(resource(max_rejected_share=0.05), intake(50_000, 1_600), None) == []


def test_no_rows_and_no_row_passing_are_refused_whatever_the_limits():
    lax = resource(max_rejected_share=1, max_row_drop=1)
    assert messages(problems(lax, intake(0), None)) == [
        f"{SOURCE} holds no rows (a header alone); deliver the data, or leave the resource out "
        "of the build"
    ]
    (found,) = problems(lax, intake(40, 40), None)
    assert found.message.startswith("none of the 40 rows read passed")


def test_a_fall_against_the_previous_ingest_beyond_the_limit():
    (found,) = problems(resource(), intake(400), previous=1000)
    assert found.message.startswith("400 rows passed, 60% fewer than the 1,000 of its previous")
    assert "above resource.max_row_drop 50%" in found.message
    assert found.clause == "resource.max_row_drop"
    assert problems(resource(), intake(500), previous=1000) == []
    assert problems(resource(max_row_drop=0.7), intake(400), previous=1000) == []


def test_lines_swallowed_by_a_quote_left_open_name_its_line():
    lines = LineAccount(50_000, 8, widest=(8, 49_992))
    found = messages(problems(resource(), intake(8, 1, lines, parse_rejected=1), None))
    assert found[0] == (
        f"{SOURCE} has 50,000 data lines, but the rows read account for 8: the row on line 8 "
        "runs on over 49,992 more lines, so a double quote is left open on line 8; close it in "
        "the source"
    )
    assert "12.5% of rows rejected" in found[1]


def test_a_rejected_row_may_hold_a_line_break_of_its_own():
    one_each = LineAccount(1000, 998, widest=(17, 1))
    assert problems(resource(), intake(999, 2, one_each, parse_rejected=2), None) == []


def test_the_refusal_carries_every_problem_and_the_first_key():
    with pytest.raises(IngestRefused) as info:
        admit(resource(), intake(400, 100), previous=1000)
    refused = info.value
    lines = str(refused).splitlines()
    assert [line.split(":")[0] for line in lines] == ["visits"] * 3
    assert "25% of rows rejected" in lines[0] and "fewer than the 1,000" in lines[1]
    assert refused.resource == "visits" and refused.clause == "resource.max_rejected_share"


@pytest.mark.parametrize(
    ("share", "shown"), [(0.032, "3.2%"), (1, "100%"), (0.99999, ">99.9%"), (0.00002, "0.002%")]
)
def test_percentages_keep_three_digits(share, shown):
    assert percent(share) == shown
