"""Verification answers against a brute force over the raw records: the index of keyed
pseudonyms must answer every claim exactly as the plain records would."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.detectors.registry import get_detector
from transforms.verification import ClaimRule, answer_claims, enumeration_signals
from transforms.verification import verification_index as build_index

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
    assert index["__id"].str.contains(r"^[0-9a-f]{64}$").all()
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


def test_enumeration_is_seen_in_names_and_in_failures() -> None:
    guesses = pl.DataFrame(
        {"claim": ["identity"] * 5, "identifier": [IDS[0]] * 5, "name": list("abcde")}
    )
    no_matches = pl.DataFrame({"status": ["no_match"] * 5})
    signals = enumeration_signals(
        guesses, no_matches, rules=RULES, max_values=3, max_no_match_share=0.5, min_claims=20
    )
    assert signals == ["1 identifier(s) claimed with more than 3 different values of 'name'"]
    many = pl.DataFrame({"status": ["no_match"] * 30 + ["match"] * 10})
    spread = pl.DataFrame({"claim": ["identity"] * 40, "identifier": [str(i) for i in range(40)],
                           "name": ["a"] * 40})  # fmt: skip
    found = enumeration_signals(
        spread, many, rules=RULES, max_values=3, max_no_match_share=0.5, min_claims=20
    )
    assert found == ["75% of 40 matchable claims are no_match (limit 50%)"]
