"""What a table says when no header does: bare numbers in a table about people are ages,
amounts or counts (the stricter reading), and nothing personal in a table about no one;
industries are known by the national classification's names; a date or an amount in a table
of organisations is theirs."""

from __future__ import annotations

import random

import pytest

from tests.transforms.test_classify_values import _usccs, blind, by_column, people

ROWS = 300
RNG = random.Random(7)
AGES = [str(RNG.randrange(0, 95)) for _ in range(ROWS)]
FEES = [f"{RNG.uniform(20, 5000):.2f}" for _ in range(ROWS)]
BASES = [str(RNG.randrange(3000, 30000)) for _ in range(ROWS)]
MONTHS = [str(RNG.randrange(1, 13)) for _ in range(ROWS)]
SCORES = [str(RNG.randrange(1, 6)) for _ in range(ROWS)]
YEARS = [str(RNG.randrange(1990, 2026)) for _ in range(ROWS)]
POSTCODES = [str(RNG.randrange(100000, 860000)) for _ in range(ROWS)]


def test_bare_numbers_in_a_table_about_people() -> None:
    ids, _ = people(ROWS)
    numbers = blind(ids=ids, a=AGES, f=FEES, b=BASES, m=MONTHS, s=SCORES, y=YEARS, p=POSTCODES)
    cols = by_column(numbers)
    got = [(c["entity"], c["category"]) for c in cols[1:]]
    assert got[:4] == [
        ("AGE", "quasi_identifier"),
        ("MONEY", "sensitive_attribute"),
        ("MONEY", "sensitive_attribute"),
        ("COUNT", "sensitive_attribute"),
    ]
    assert "the stricter reading" in " ".join(cols[2]["evidence"])
    assert [c["category"] for c in cols[5:]] == ["non_personal"] * 3  # scores, years, codes


def test_the_same_numbers_in_a_table_about_no_one_are_not_personal() -> None:
    cols = by_column(blind(a=AGES, f=FEES, b=BASES, m=MONTHS))
    assert {c["category"] for c in cols} == {"non_personal"}


@pytest.mark.parametrize(
    "industries",
    [["制造业", "批发和零售业", "教育", "建筑业", "农、林、牧、渔业", "金融业"],
     ["餐饮业", "软件和信息技术服务业", "道路运输业", "零售业"]],
)  # fmt: skip
def test_industries_are_known_by_their_names(industries: list[str]) -> None:
    ids, _ = people(ROWS)
    _, col = by_column(blind(ids=ids, industry=[RNG.choice(industries) for _ in range(ROWS)]))
    assert (col["entity"], col["category"]) == ("INDUSTRY", "quasi_identifier")


def test_a_date_and_an_amount_of_the_organisation_each_row_is_about() -> None:
    ids, _ = people(ROWS)
    codes = _usccs(ROWS)
    days = [f"20{RNG.randrange(10, 25)}-0{RNG.randrange(1, 10)}-1{RNG.randrange(0, 10)}"
            for _ in range(ROWS)]  # fmt: skip
    organisations = by_column(blind(code=codes, person=ids, day=days, capital=FEES))
    got = [(c["entity"], c["category"]) for c in organisations[2:]]
    assert got == [("DATE", "non_personal"), ("MONEY", "non_personal")]
    people_rows = by_column(blind(person=ids, day=days, fee=FEES))
    assert [c["category"] for c in people_rows[1:]] == ["quasi_identifier", "sensitive_attribute"]
