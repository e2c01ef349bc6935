"""Row validation: parse each raw value into its declared type and apply the declared checks.

Nothing is dropped here: every row gets `__ok`, and the shell routes rows that failed to
quarantine, where `describe_rejected` words every reason. One lazy plan, no loop over rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

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
OK = "__ok"


def validate_rows(frame: pl.LazyFrame, rules: Sequence[ColumnRule]) -> pl.LazyFrame:
    """The raw columns, each parsed value as `__typed__<name>`, and `__ok` (the row parsed and
    passed every check). Keeping the raw values lets rejected rows be quarantined exactly as
    delivered; the reasons are worded only for rejected rows (see `reason_expr`), so good
    rows pay for cheap boolean checks alone.
    """
    schema = frame.collect_schema()
    typed = frame.with_columns(
        _parse(pl.col(r.name), schema[r.name], r).alias(TYPED + r.name) for r in rules
    )
    failed = [cond for rule in rules for cond, _ in _failures(rule)]
    failed.append(_empty_row(rules))
    return typed.with_columns((~pl.any_horizontal(failed)).alias(OK))


def reason_expr(rules: Sequence[ColumnRule]) -> pl.Expr:
    """Every failed parse or check of a row, joined by '; ' (for rows where `__ok` is false)."""
    parts = [pl.when(_empty_row(rules)).then(pl.lit("row is empty (no values)"))]
    for rule in rules:
        shown = pl.col(rule.name).cast(pl.String).str.slice(0, 60)
        for cond, message in _failures(rule):
            text = pl.concat_str([pl.lit(f"{rule.name}: '"), shown, pl.lit(f"' {message}")])
            if message == "value is missing":
                text = pl.lit(f"{rule.name}: value is missing")
            parts.append(pl.when(cond).then(text))
    return pl.concat_str(parts, separator="; ", ignore_nulls=True)


def describe_rejected(raw: pl.LazyFrame, rules: Sequence[ColumnRule]) -> pl.LazyFrame:
    """Quarantine rows (line, stage, reason, raw values as JSON) for raw rows that failed;
    reasons are worded here, for the few rejected rows only.

    >>> raw = pl.LazyFrame({"__line": [7], "n": ["x"]})
    >>> describe_rejected(raw, [ColumnRule("n", "integer")]).collect().row(0)
    (7, 'validate', "n: 'x' is not an integer", '{"n":"x"}')
    """
    names = [r.name for r in rules]
    return validate_rows(raw, rules).select(
        pl.col(LINE).cast(pl.Int64).alias("line"),
        pl.lit("validate").alias("stage"),
        reason_expr(rules).alias("reason"),
        pl.struct(pl.col(names).cast(pl.String)).struct.json_encode().alias("raw"),
    )


def typed_columns(rules: Sequence[ColumnRule]) -> list[pl.Expr]:
    """Select the parsed values back under their own names."""
    return [pl.col(TYPED + rule.name).alias(rule.name) for rule in rules]


def _empty_row(rules: Sequence[ColumnRule]) -> pl.Expr:
    names = [rule.name for rule in rules]
    return pl.all_horizontal(pl.col(names).is_null()) if names else pl.lit(False)


def _failures(rule: ColumnRule) -> list[tuple[pl.Expr, str]]:
    """(condition, message) for each way a value of this column can fail."""
    raw, value = pl.col(rule.name), pl.col(TYPED + rule.name)
    out = [(raw.is_not_null() & value.is_null(), _expected(rule))]
    if rule.required:
        out.append((raw.is_null(), "value is missing"))
    present = value.is_not_null()
    if rule.min is not None:
        out.append((present & (value < rule.min), f"is below the minimum {rule.min:g}"))
    if rule.max is not None:
        out.append((present & (value > rule.max), f"is above the maximum {rule.max:g}"))
    if rule.allowed is not None:
        allowed = [str(a) for a in rule.allowed]
        listed = ", ".join(allowed[:8]) + (", ..." if len(allowed) > 8 else "")
        outside = ~value.cast(pl.String).is_in(allowed)
        out.append((present & outside, f"is not one of {listed}"))
    if rule.pattern is not None:
        mismatch = ~value.cast(pl.String).str.contains(rule.pattern)
        out.append((present & mismatch, f"does not match {rule.pattern}"))
    return out


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
