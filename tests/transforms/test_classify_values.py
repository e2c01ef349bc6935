"""Value- and table-level classification rules on small hand-made frames, without headers
(col_1..col_n), so that only the values and the rest of the table can decide."""

from __future__ import annotations

import random

import polars as pl
import pytest

from transforms.classify import classify_frame, whole_value_shares
from transforms.detectors.ip_address import IpAddressDetector

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]


def resident_id(region: str, birth: str, seq: int) -> str:
    """A valid 18-character resident ID (GB 11643 MOD 11-2 check)."""
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def people(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """n resident IDs (one per row, all different people) and their birth dates."""
    rng = random.Random(seed)
    births = [f"{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
              for _ in range(n)]  # fmt: skip
    ids = [resident_id("330106", b, i % 1000) for i, b in enumerate(births)]
    return ids, births


def blind(**cols: list) -> pl.DataFrame:
    """A frame whose headers say nothing: col_1, col_2, ..."""
    return pl.DataFrame({f"col_{i}": v for i, v in enumerate(cols.values(), start=1)})


def by_column(frame: pl.DataFrame) -> list[dict]:
    return classify_frame(frame, resource="t")["columns"]


def test_repeated_names_are_still_persons() -> None:
    names = [SURNAMES[i] + GIVEN[i % len(GIVEN)] for i in range(20)]
    column = [names[i % 20] for i in range(200)]  # 10% distinct: one row per person per month
    (out,) = by_column(blind(name=column))
    assert (out["entity"], out["category"]) == ("PERSON", "direct_identifier")


def test_a_few_names_on_duty_are_not_a_name_column() -> None:
    column = [["王伟", "李娜", "张敏"][i % 3] for i in range(300)]
    (out,) = by_column(blind(name=column))
    assert out["entity"] != "PERSON"


def test_district_codes_in_a_table_about_people() -> None:
    ids, _ = people(300)
    codes = [["330106", "330102", "110101"][i % 3] for i in range(300)]
    _, district = by_column(blind(ids=ids, code=codes))
    assert (district["entity"], district["category"]) == ("CN_DISTRICT_CODE", "quasi_identifier")
    (alone,) = by_column(blind(code=codes))
    assert alone["category"] == "non_personal"


def test_company_names_are_organisations_not_free_text() -> None:
    forms = ["科技有限公司", "建材厂", "农业专业合作社", "贸易股份有限公司", "餐饮店"]
    rng = random.Random(1)
    column = [
        f"{['杭州', '宁波', '温州'][i % 3]}{SURNAMES[rng.randrange(20)]}"
        f"{GIVEN[rng.randrange(15)]}{forms[i % 5]}"
        for i in range(200)
    ]
    (out,) = by_column(blind(company=column))
    assert (out["entity"], out["category"]) == ("ORGANIZATION", "direct_identifier")
    assert not any("embedded" in e for e in out["evidence"])


def test_record_ids_in_a_table_about_people() -> None:
    ids, _ = people(300)
    tickets = [f"33010-20250101-{i:06d}" for i in range(300)]
    _, ticket = by_column(blind(ids=ids, ticket=tickets))
    assert ticket["entity"] == "RECORD_ID"
    (alone,) = by_column(blind(ticket=tickets))
    assert alone["category"] == "non_personal"


@pytest.mark.parametrize(
    "values",
    [
        [f"{1735689600 + i * 37}" for i in range(300)],  # unix seconds
        [f"{1000 + i * 3.17:.2f}" for i in range(300)],  # amounts
        [f"2025-01-01 {i // 60 % 24:02d}:{i % 60:02d}:{i % 59:02d}.000" for i in range(300)],
        [f"20250101{i // 60 % 24:02d}{i % 60:02d}{i % 59:02d}" for i in range(300)],
    ],
)
def test_times_and_amounts_are_not_record_ids(values: list[str]) -> None:
    ids, _ = people(300)
    _, col = by_column(blind(ids=ids, values=values))
    assert col["entity"] != "RECORD_ID"
    assert col["category"] != "direct_identifier"


def _usccs(n: int) -> list[str]:
    import numpy as np

    from sample_data.identifiers import usccs

    return usccs(np.random.default_rng(0), np.full(n, 330106)).to_list()


def test_employer_credit_code_in_a_person_table_is_quasi() -> None:
    ids, _ = people(300)
    employers = _usccs(20)
    _, uscc = by_column(blind(ids=ids, employer=[employers[i % 20] for i in range(300)]))
    assert (uscc["entity"], uscc["category"]) == ("CN_USCC", "quasi_identifier")


def test_credit_code_of_an_enterprise_table_is_direct() -> None:
    reps, _ = people(150)
    codes = _usccs(300)
    frame = blind(code=codes, rep_id=[reps[i // 2] for i in range(300)])
    uscc, _ = by_column(frame)
    assert (uscc["entity"], uscc["category"]) == ("CN_USCC", "direct_identifier")
    (alone,) = by_column(blind(code=codes))
    assert alone["category"] == "direct_identifier"


@pytest.mark.parametrize("fmt", ["{}-{}-{}", "{}/{}/{}", "{}年{}月{}日", "{}{}{}"])
def test_birth_dates_matching_the_resident_id(fmt: str) -> None:
    ids, births = people(300)
    dates = [fmt.format(b[:4], b[4:6], b[6:]) for b in births]
    _, dob = by_column(blind(ids=ids, dates=dates))
    assert (dob["entity"], dob["category"]) == ("DATE_OF_BIRTH", "quasi_identifier")


def test_other_dates_stay_dates() -> None:
    ids, births = people(300)
    shifted = [f"2024-{b[4:6]}-{b[6:]}" for b in births]
    _, col = by_column(blind(ids=ids, dates=shifted))
    assert col["entity"] == "DATE"


@pytest.mark.parametrize(
    "value",
    ["2025-01-01 03:12:44.000", "2025-01-01 03:12:44", "01.02.03.04", "2025.01.01", "1.0.0"],
)
def test_timestamps_versions_and_dotted_dates_are_not_ips(value: str) -> None:
    assert IpAddressDetector().validate(value) is False
    assert "IP_ADDRESS" not in whole_value_shares(pl.Series([value]))


def test_real_ip_addresses_still_are() -> None:
    shares = whole_value_shares(pl.Series(["192.168.1.10", "fe80::1", "::ffff:10.0.0.1"]))
    assert shares["IP_ADDRESS"] == 1.0
