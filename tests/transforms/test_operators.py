"""De-identification operators: what each does to values, including nulls and edge cases."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import polars as pl
import pytest

from transforms.operators import OPERATORS, get_operator
from transforms.operators.generalize import generalize
from transforms.operators.mask import mask
from transforms.operators.pseudonymize import pseudonymize

KEY = bytes(range(32))


def apply(values, expr_fn, dtype=None) -> list:
    frame = pl.DataFrame({"v": values}, schema={"v": dtype} if dtype else None)
    return frame.select(expr_fn(pl.col("v")).alias("v"))["v"].to_list()


def test_mask_keeps_ends_and_hides_short_values_whole():
    out = apply(
        ["13812345678", "abc", "", None],
        lambda c: mask(c, source_type="string", keep_first=3, keep_last=4),
    )
    assert out == ["138****5678", "***", "", None]


def test_pseudonyms_are_deterministic_keyed_and_normalised():
    ids = [
        "11010119900307757X",
        "11010119900307757x",
        " １１０１０１１９９００３０７７５７X ",
        None,
    ]
    first = apply(ids, lambda c: pseudonymize(c, source_type="string", key=KEY))
    again = apply(ids, lambda c: pseudonymize(c, source_type="string", key=KEY))
    other = apply(ids, lambda c: pseudonymize(c, source_type="string", key=bytes(32)))
    assert first == again
    assert first[0] == first[1] == first[2] and first[3] is None
    assert other[0] != first[0]
    assert len(first[0]) == 32 and all(ch in "0123456789abcdef" for ch in first[0])
    assert "110101" not in first[0]


def test_hmac_is_standard_hmac_sha256_keyed_with_the_hex_key():
    out = apply(
        ["11010119900307757X"], lambda c: pseudonymize(c, source_type="string", key=KEY, length=64)
    )
    expected = hmac.new(KEY.hex().encode(), b"11010119900307757X", hashlib.sha256).hexdigest()
    assert out == [expected]


def test_hmac_and_blake2b_differ_and_respect_length():
    blake = apply(
        ["a"],
        lambda c: pseudonymize(c, source_type="string", key=KEY, algorithm="blake2b", length=16),
    )
    mac = apply(["a"], lambda c: pseudonymize(c, source_type="string", key=KEY))
    assert len(blake[0]) == 16 and len(mac[0]) == 32 and blake[0] != mac[0][:16]


def test_pseudonymize_refuses_short_keys():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymize(pl.col("v"), source_type="string", key=b"short")


def test_generalize_dates():
    day = [dt.date(2025, 3, 12), None]
    assert apply(day, lambda c: generalize(c, source_type="date", to="month")) == ["2025-03", None]
    assert apply(day, lambda c: generalize(c, source_type="date", to="quarter")) == [
        "2025-Q1",
        None,
    ]
    assert apply(day, lambda c: generalize(c, source_type="date", to="year")) == [2025, None]


def test_generalize_regions():
    codes = ["330106", "110105", "bad", None]
    city = apply(codes, lambda c: generalize(c, source_type="string", to="city"))
    province = apply(codes, lambda c: generalize(c, source_type="string", to="province"))
    assert city == ["330100", "110100", None, None]
    assert province == ["330000", "110000", None, None]


def test_age_band_from_birth_date_uses_the_reference_date():
    ref = dt.date(2026, 6, 30)
    births = [dt.date(1996, 6, 30), dt.date(1996, 7, 1), dt.date(1950, 1, 1), None]
    out = apply(
        births,
        lambda c: generalize(
            c, source_type="date", to="age_band", width=10, top=70, reference_date=ref
        ),
    )
    assert out == ["30-39", "20-29", "70+", None]


def test_numeric_bands_for_floats():
    out = apply(
        [4462.0, 9999.5], lambda c: generalize(c, source_type="float", to="band", width=5000)
    )
    assert out == ["[0,5000)", "[5000,10000)"]


def test_top_bottom_code_clamps():
    op = get_operator("top_bottom_code")
    assert apply([1, 50, 99, None], lambda c: op(c, source_type="integer", top=90, bottom=10)) == [
        10,
        50,
        90,
        None,
    ]


def test_unknown_operator_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown operator 'hash'; known: date_shift, drop"):
        get_operator("hash")


def test_drop_removes_the_column():
    assert OPERATORS["drop"](pl.col("v"), source_type="string") is None


def per_person(operator: str, values: list, people: list[str], **params) -> list:
    df = pl.DataFrame({"who": people, "v": values})
    expr = OPERATORS[operator](pl.col("v"), by="who", key=b"k" * 32, purpose="v", **params)
    return df.select(expr)["v"].to_list()


def test_date_shift_keeps_intervals_within_a_person_and_moves_every_date():
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(0, 400, 4)]
    people = [f"p{i // 4}" for i in range(100)]
    shifted = per_person("date_shift", days, people, source_type="date", max_days=15)
    offsets = [(s - d).days for s, d in zip(shifted, days, strict=True)]
    assert all(1 <= abs(o) <= 15 for o in offsets)
    by_person: dict[str, set[int]] = {}
    for who, off in zip(people, offsets, strict=True):
        by_person.setdefault(who, set()).add(off)
    assert all(len(o) == 1 for o in by_person.values())  # one offset per person
    assert len({next(iter(o)) for o in by_person.values()}) > 5  # different between people


def test_noise_is_per_person_unbiased_and_keyed():
    people = [f"p{i}" for i in range(20000)]
    noisy = per_person("noise", [1000.0] * 20000, people, source_type="float", scale=10.0)
    mean = sum(noisy) / len(noisy)
    spread = (sum((x - mean) ** 2 for x in noisy) / len(noisy)) ** 0.5
    assert abs(mean - 1000.0) < 0.5 and 13.0 < spread < 15.3  # Laplace: sd = b * sqrt(2)
    again = per_person("noise", [1000.0, 1000.0], ["p0", "p0"], source_type="float", scale=10.0)
    assert again == [noisy[0], noisy[0]]
    as_int = per_person("noise", [7, 7], ["a", "b"], source_type="integer", scale=3.0)
    assert all(isinstance(x, int) for x in as_int)


def test_round_to_base():
    df = pl.DataFrame({"v": [3149.0, 3150.0, None]})
    out = df.select(OPERATORS["round"](pl.col("v"), source_type="float", base=100))["v"]
    assert out.to_list() == [3100.0, 3200.0, None]
