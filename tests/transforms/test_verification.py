"""Verification answers against a brute force over the raw records: the index of keyed
pseudonyms must answer every claim exactly as the plain records would."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.detectors.normalize import compact_expr
from transforms.detectors.registry import get_detector
from transforms.verification import ClaimRule, answer_claims
from transforms.verification import verification_index as build_index
from transforms.verification.index import keyed, keyed_compact

KEY = b"verification-test-key-0123456789"
RULES = [
    ClaimRule("identity", match={"name": "name"}),
    ClaimRule("months", where={"year": "year"}, at_least={"months": "months"}),
    ClaimRule("active", match={"name": "name"}, require={"status": ["active"]}),
]
IDS = ["110101199003077571", "11010119900307757X", "440304198003312061", "330102197807287054"]

records = st.lists(
    st.tuples(
        st.sampled_from(IDS[:3]),
        st.sampled_from(["张三", "李四", "王五"]),
        st.sampled_from([2024, 2025]),
        st.sampled_from([0, 5, 6, 12]),
        st.sampled_from(["active", "closed"]),
    ),
    min_size=1,
    max_size=30,
)
claims = st.lists(
    st.tuples(
        st.sampled_from(["identity", "months", "active", "unknown"]),
        st.sampled_from(
            [*IDS, "110101199003077572", None, "11010119900307757x", "1101 0119 9003 0775 71"]
        ),
        st.sampled_from(["张三", "李 四", "王五", "赵六", None]),
        st.sampled_from(["2024", "2025", "2023", None]),
        st.sampled_from(["0", "6", "12", "x", None]),
    ),
    min_size=1,
    max_size=25,
)


def expected(claim: tuple, rows: list[tuple]) -> str:
    """The answer from the raw records with plain Python."""
    kind, ident, name, year, months = claim
    if kind not in ("identity", "months", "active") or ident is None:
        return "invalid"
    compact = ident.replace(" ", "").upper()
    if not get_detector("CN_RESIDENT_ID").validate(compact):
        return "invalid"
    needed = {"identity": [name], "active": [name], "months": [year, months]}[kind]
    if any(v is None for v in needed):
        return "invalid"
    if kind == "months":
        try:
            wanted = float(months)
        except ValueError:
            return "invalid"
    mine = [r for r in rows if r[0] == compact]
    if not mine:
        return "not_found"
    clean = None if name is None else name.replace(" ", "")
    for _, rname, ryear, rmonths, rstatus in mine:
        if kind == "identity" and rname == clean:
            return "match"
        if kind == "active" and rname == clean and rstatus == "active":
            return "match"
        if kind == "months" and str(ryear) == year and rmonths >= wanted:
            return "match"
    return "no_match"


@settings(max_examples=150, deadline=None)
@given(rows=records, batch=claims)
def test_answers_equal_a_brute_force_over_the_raw_records(rows, batch) -> None:
    raw = pl.LazyFrame(rows, schema=["id", "name", "year", "months", "status"], orient="row")
    index = build_index(raw, identifier="id", rules=RULES, key=KEY).collect()
    assert not set(index.columns) & {"id", "name"}  # nothing raw in the index
    assert all(index[c].dtype == pl.UInt64 for c in index.columns if c.startswith("__"))
    frame = pl.DataFrame(
        batch, schema=["claim", "identifier", "name", "year", "months"], orient="row"
    )
    answers = answer_claims(
        frame, index.lazy(), rules=RULES, key=KEY,
        valid=get_detector("CN_RESIDENT_ID").valid_expr,
    )  # fmt: skip
    assert answers["row"].to_list() == list(range(len(batch)))
    assert answers["status"].to_list() == [expected(c, rows) for c in batch]


def test_reveal_names_the_failed_part_only_when_declared() -> None:
    raw = pl.LazyFrame({"id": [IDS[0]], "name": ["张三"], "status": ["closed"]})
    index = build_index(raw, identifier="id", rules=RULES[2:], key=KEY)
    frame = pl.DataFrame({"claim": ["active"], "identifier": [IDS[0]], "name": ["张三"]})
    hidden = answer_claims(frame, index, rules=RULES[2:], key=KEY)
    assert hidden.columns == ["row", "claim", "status", "reason"]
    shown = answer_claims(frame, index, rules=RULES[2:], key=KEY, reveal=True)
    assert shown["status"][0] == "no_match" and shown["failed"][0].to_list() == ["status"]


def test_a_different_key_matches_nothing() -> None:
    raw = pl.LazyFrame({"id": [IDS[0]], "name": ["张三"]})
    index = build_index(raw, identifier="id", rules=RULES[:1], key=KEY)
    frame = pl.DataFrame({"claim": ["identity"], "identifier": [IDS[0]], "name": ["张三"]})
    other = answer_claims(frame, index, rules=RULES[:1], key=b"another-key-of-thirty-two-bytes!")
    assert other["status"].to_list() == ["not_found"]


OTHER = "44030419800331206X"  # valid, unlike IDS[2]
RECORDS = pl.LazyFrame(
    {
        "id": [IDS[0], IDS[0], OTHER],
        "name": ["张三", "张三", "王五"],
        "year": [2024, 2025, 2024],
        "months": [12, 3, 6],
        "status": ["closed", "active", "active"],
    }
)
BAD_ID = "identifier missing or failing its check"
BAD_FIELD = "a field is missing or not a number"
TRICKY = [  # claim, identifier, name, year, months, status, failed part(s) or invalid reason
    ("months", IDS[0], None, "2025", "12", "no_match", []),  # each part on another record
    ("months", IDS[0], None, "2024", "12", "match", None),
    ("months", IDS[0], None, "02024", "1", "no_match", ["year"]),  # a year, not its text
    ("months", "110101199003077572", None, "2024", "1", "invalid", BAD_ID),
    ("months", IDS[3], None, "2024", "1", "not_found", None),
    ("identity", "１１０１０１ 19900307 7571", "张 三", None, None, "match", None),
    ("identity", IDS[0], "李四", None, None, "no_match", ["name"]),
    ("active", IDS[0], "张三", None, None, "match", None),  # one record holds both parts
    ("active", OTHER, "张三", None, None, "no_match", ["name"]),
    ("unknown", IDS[0], "张三", "2024", "1", "invalid", "unknown claim type"),
    (None, IDS[0], "张三", "2024", "1", "invalid", "unknown claim type"),
    ("months", IDS[0], None, "2024", "x", "invalid", BAD_FIELD),
    ("months", IDS[0], None, None, "1", "invalid", BAD_FIELD),
    ("identity", None, "张三", None, None, "invalid", BAD_ID),
]  # fmt: skip


def test_tricky_claims_get_the_answers_their_records_give() -> None:
    index = build_index(RECORDS, identifier="id", rules=RULES, key=KEY)
    frame = pl.DataFrame(
        [row[:5] for row in TRICKY],
        schema=["claim", "identifier", "name", "year", "months"],
        orient="row",
    )
    out = answer_claims(
        frame, index, rules=RULES, key=KEY, valid=get_detector("CN_RESIDENT_ID").valid_expr,
        reveal=True,
    )  # fmt: skip
    assert out.columns == ["row", "claim", "status", "reason", "failed"]
    assert out["claim"].to_list() == [row[0] for row in TRICKY]
    assert out["status"].to_list() == [row[5] for row in TRICKY]
    invalid = [row[6] if row[5] == "invalid" else None for row in TRICKY]
    assert out["reason"].to_list() == invalid
    failed = [row[6] if row[5] == "no_match" else None for row in TRICKY]
    assert out["failed"].to_list() == failed


def test_a_missing_field_column_makes_only_its_claim_types_invalid() -> None:
    index = build_index(RECORDS, identifier="id", rules=RULES, key=KEY)
    frame = pl.DataFrame(
        {"claim": ["months", "identity"], "identifier": [IDS[0]] * 2, "name": ["张三"] * 2}
    )
    out = answer_claims(frame, index, rules=RULES, key=KEY)
    assert out["status"].to_list() == ["invalid", "match"]
    assert out["reason"].to_list() == ["field(s) year, months missing", None]


def test_values_claimed_many_times_are_answered_as_when_claimed_once() -> None:
    """A sweep: few identifiers and names, many claims; each distinct value is keyed once."""
    rows = [(i, n, y, m, "active") for i in IDS[:3] for n in ["张三", "王五"] for y in (2024, 2025)
            for m in (0, 6)]  # fmt: skip
    index = build_index(
        pl.LazyFrame(rows, schema=["id", "name", "year", "months", "status"], orient="row"),
        identifier="id", rules=RULES, key=KEY,
    )  # fmt: skip
    batch = [
        (kind, ident, name, "2024", str(m))
        for kind in ("identity", "months", "active")
        for ident in (IDS[0], IDS[3], "11010119900307757x")
        for name in ("张三", "李四")
        for m in range(13)
    ]
    frame = pl.DataFrame(
        batch, schema=["claim", "identifier", "name", "year", "months"], orient="row"
    )
    out = answer_claims(
        frame, index, rules=RULES, key=KEY, valid=get_detector("CN_RESIDENT_ID").valid_expr
    )
    assert out["status"].to_list() == [expected(c, rows) for c in batch]


def test_an_index_of_64_hex_pseudonyms_is_answered_the_same() -> None:
    """Indexes written before keyed values were stored as numbers still answer."""
    index = build_index(RECORDS, identifier="id", rules=RULES, key=KEY)
    old = RECORDS.select(
        keyed(pl.col("id"), KEY).alias("__id"),
        keyed(pl.col("name"), KEY).alias("__match_name"),
        "months", "status", "year",
    )  # fmt: skip
    frame = pl.DataFrame(
        [row[:5] for row in TRICKY],
        schema=["claim", "identifier", "name", "year", "months"],
        orient="row",
    )
    valid = get_detector("CN_RESIDENT_ID").valid_expr
    new = answer_claims(frame, index, rules=RULES, key=KEY, valid=valid, reveal=True)
    assert answer_claims(frame, old, rules=RULES, key=KEY, valid=valid, reveal=True).equals(new)


def test_the_index_is_sorted_by_identifier() -> None:
    """Answering merges the batch into the index on it."""
    ids = [f"11010119900307{i:03d}" for i in range(200)]
    raw = pl.LazyFrame({"id": ids, "name": ["张三"] * 200})
    index = build_index(raw, identifier="id", rules=RULES[:1], key=KEY).collect()
    assert index["__id"].is_sorted() and index.height == 200


@given(st.lists(st.text("１２Ｘｘa b-\u3000\tÉé张三 "), min_size=1, max_size=20))
def test_keying_a_compacted_value_is_keying_the_value(texts: list[str]) -> None:
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    direct = frame.select(keyed(pl.col("t"), KEY)).to_series()
    compacted = frame.select(keyed_compact(compact_expr(pl.col("t")), KEY)).to_series()
    assert direct.to_list() == compacted.to_list()
