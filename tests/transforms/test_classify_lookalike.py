"""Checksums decide at column level: codes in an identifier's shape that mostly fail its check
are look-alikes (order numbers, serials, supplier codes, service lines), never that
identifier; a few typos in a real identifier column never flip it, and real identifiers mixed
among look-alikes keep the column an identifier."""

from __future__ import annotations

import random
import re

import polars as pl

from tests.transforms.test_classify_values import blind, by_column, people

ROWS = 300


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def order_numbers(n: int, seed: int = 1) -> list[str]:
    """Region + yyyymmdd + four digits: 18 digits in the resident ID's shape, no check."""
    rng = random.Random(seed)
    return [f"330106202{rng.randint(0, 5)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}{_digits(rng, 4)}"
            for _ in range(n)]  # fmt: skip


def _only(frame: pl.DataFrame) -> dict:
    return by_column(frame)[0]


def _fail_share(col: dict, entity: str) -> float:
    line = next(e for e in col["evidence"] if e.startswith(f"look-alike of {entity}"))
    return int(re.search(r"(\d+)% of values", line).group(1)) / 100  # type: ignore[union-attr]


def test_order_numbers_are_lookalikes_not_resident_ids() -> None:
    col = _only(pl.DataFrame({"订单编号": order_numbers(ROWS)}))
    assert col["entity"] != "CN_RESIDENT_ID" and col["category"] != "direct_identifier"
    assert _fail_share(col, "CN_RESIDENT_ID") >= 0.8


def test_header_saying_id_does_not_override_failing_checks() -> None:
    col = _only(pl.DataFrame({"zjhm": order_numbers(ROWS)}))
    assert col["entity"] is None and col["category"] == "non_personal"
    assert any("header hint CN_RESIDENT_ID set aside" in e for e in col["evidence"])


def test_a_few_typos_do_not_flip_a_real_id_column() -> None:
    ids, _ = people(ROWS)
    ids[3] = (
        ids[3][:-1] + str((int(ids[3][-1]) + 1) % 10) if ids[3][-1] != "X" else ids[3][:-1] + "0"
    )
    ids[7] = ids[7][:10] + "13" + ids[7][12:]  # month 13
    col = _only(blind(ids=ids))
    assert col["entity"] == "CN_RESIDENT_ID" and col["category"] == "direct_identifier"
    assert not any(e.startswith("look-alike") for e in col["evidence"])


def test_serials_failing_luhn_are_not_bank_cards() -> None:
    rng = random.Random(2)
    serials = ["62" + _digits(rng, 17) for _ in range(ROWS)]
    col = _only(pl.DataFrame({"银行卡号": serials}))
    assert col["entity"] != "CN_BANK_CARD" and col["category"] != "direct_identifier"
    assert _fail_share(col, "CN_BANK_CARD") >= 0.8


def test_credit_code_shaped_supplier_codes_are_not_credit_codes() -> None:
    rng = random.Random(3)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = ["91330106" + "".join(rng.choice(alphabet) for _ in range(10)) for _ in range(ROWS)]
    col = _only(pl.DataFrame({"信用代码": codes}))
    assert col["entity"] != "CN_USCC" and col["category"] != "direct_identifier"
    assert _fail_share(col, "CN_USCC") >= 0.8


def test_phone_like_numbers_that_are_no_mobiles() -> None:
    rng = random.Random(4)
    lines = [f"1{rng.choice('012')}{_digits(rng, 9)}" for _ in range(ROWS)]
    col = _only(pl.DataFrame({"联系电话": lines}))
    assert col["entity"] != "CN_MOBILE" and col["category"] != "direct_identifier"
    assert _fail_share(col, "CN_MOBILE") == 1.0


def test_lookalikes_in_a_table_about_people_are_no_record_ids() -> None:
    ids, _ = people(ROWS)
    cols = by_column(blind(ids=ids, orders=order_numbers(ROWS)))
    assert cols[0]["category"] == "direct_identifier"
    assert cols[1]["entity"] is None and cols[1]["category"] == "non_personal"


def test_real_ids_hidden_among_lookalikes_keep_the_column_an_identifier() -> None:
    ids, _ = people(ROWS)
    fakes = order_numbers(ROWS)
    mixed = [ids[i] if i % 5 < 2 else fakes[i] for i in range(ROWS)]  # 40% real
    col = _only(blind(mixed=mixed))
    assert col["entity"] == "CN_RESIDENT_ID" and col["category"] == "direct_identifier"
    assert col["sensitive_pi"]
