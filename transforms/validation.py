"""Row validation: parse each raw value into its declared type and apply the declared checks.

Nothing is dropped here: every row gets a `__reason` (null when the row is good), and the shell
routes rows with a reason to quarantine. One lazy plan, no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

REASON = "__reason"
LINE = "__line"

DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "float": pl.Float64(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
    "boolean": pl.Boolean(),
}
DEFAULT_FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M:%S"}
TRUE_WORDS = ["true", "1", "yes", "y", "是", "t"]
FALSE_WORDS = ["false", "0", "no", "n", "否", "f"]


@dataclass(frozen=True)
class ColumnRule:
    """What a column must look like: its type and the checks each value must pass."""

    name: str
    type: str = "string"
    format: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    allowed: Sequence[object] | None = None
    pattern: str | None = None


TYPED = "__typed__"


def validate_rows(frame: pl.LazyFrame, rules: Sequence[ColumnRule]) -> pl.LazyFrame:
    """The raw columns, each parsed value as `__typed__<name>`, and `__reason`: every failed
    parse or check of the row joined by '; ' (null for a good row). Keeping the raw values
    lets rejected rows be quarantined exactly as delivered.
    """
    schema = frame.collect_schema()
    parsed = {rule.name: _parse(pl.col(rule.name), schema[rule.name], rule) for rule in rules}
    failures: list[pl.Expr] = []
    for rule in rules:
        raw, value = pl.col(rule.name), parsed[rule.name]
        shown = raw.cast(pl.String).str.slice(0, 60)
        unparsed = raw.is_not_null() & value.is_null()
        failures.append(
            pl.when(unparsed).then(
                pl.concat_str([pl.lit(f"{rule.name}: '"), shown, pl.lit(f"' {_expected(rule)}")])
            )
        )
        if rule.required:
            failures.append(pl.when(raw.is_null()).then(pl.lit(f"{rule.name}: value is missing")))
        failures.extend(_checks(rule, value, shown))
    names = [rule.name for rule in rules]
    empty_row = pl.all_horizontal(pl.col(names).is_null()) if names else pl.lit(False)
    failures.insert(0, pl.when(empty_row).then(pl.lit("row is empty (no values)")))
    reason = pl.concat_str(failures, separator="; ", ignore_nulls=True)
    reason = pl.when(reason == "").then(None).otherwise(reason)
    return frame.with_columns(
        *(e.alias(TYPED + n) for n, e in parsed.items()), reason.alias(REASON)
    )


def typed_columns(rules: Sequence[ColumnRule]) -> list[pl.Expr]:
    """Select the parsed values back under their own names."""
    return [pl.col(TYPED + rule.name).alias(rule.name) for rule in rules]


def parse_and_check(frame: pl.LazyFrame, rules: Sequence[ColumnRule]) -> pl.LazyFrame:
    """Typed columns plus `__reason`, for callers that do not need the raw values.

    >>> raw = pl.LazyFrame({"n": ["1", "x", None], "s": ["a", "b", "c"]})
    >>> rules = [ColumnRule("n", "integer", required=True), ColumnRule("s")]
    >>> out = parse_and_check(raw, rules).collect()
    >>> out["n"].to_list(), out["__reason"].to_list()
    ([1, None, None], [None, "n: 'x' is not an integer", 'n: value is missing'])
    """
    checked = validate_rows(frame, rules)
    return checked.select(*typed_columns(rules), pl.col(REASON))


def _parse(raw: pl.Expr, dtype: pl.DataType, rule: ColumnRule) -> pl.Expr:
    target = DTYPES[rule.type]
    if dtype == target:
        return raw
    if dtype != pl.String:
        return raw.cast(target, strict=False)
    text = raw.str.strip_chars()
    text = pl.when(text == "").then(None).otherwise(text)
    if rule.type == "string":
        return raw
    if rule.type in ("integer", "float"):
        return text.cast(target, strict=False)
    if rule.type == "boolean":
        lower = text.str.to_lowercase()
        return (
            pl.when(lower.is_in(TRUE_WORDS))
            .then(True)
            .when(lower.is_in(FALSE_WORDS))
            .then(False)
            .otherwise(None)
        )
    fmt = rule.format or DEFAULT_FORMATS[rule.type]
    return text.str.strptime(target, fmt, strict=False)


def _expected(rule: ColumnRule) -> str:
    if rule.type in ("date", "datetime"):
        return f"is not a {rule.type} in format {rule.format or DEFAULT_FORMATS[rule.type]}"
    article = "an" if rule.type[0] in "aeiou" else "a"
    return f"is not {article} {rule.type}"


def _checks(rule: ColumnRule, value: pl.Expr, shown: pl.Expr) -> list[pl.Expr]:
    def fail(condition: pl.Expr, message: str) -> pl.Expr:
        text = pl.concat_str([pl.lit(f"{rule.name}: '"), shown, pl.lit(f"' {message}")])
        return pl.when(value.is_not_null() & condition).then(text)

    out: list[pl.Expr] = []
    if rule.min is not None:
        out.append(fail(value < rule.min, f"is below the minimum {rule.min:g}"))
    if rule.max is not None:
        out.append(fail(value > rule.max, f"is above the maximum {rule.max:g}"))
    if rule.allowed is not None:
        allowed = list(rule.allowed)
        listed = ", ".join(map(str, allowed[:8])) + (", ..." if len(allowed) > 8 else "")
        out.append(
            fail(~value.cast(pl.String).is_in([str(a) for a in allowed]), f"is not one of {listed}")
        )
    if rule.pattern is not None:
        out.append(
            fail(
                ~value.cast(pl.String).str.contains(rule.pattern), f"does not match {rule.pattern}"
            )
        )
    return out
