"""The verification index: one row per record of the resource, the identifier and every
matched column replaced by a keyed pseudonym, the columns claims select or compare on kept as
values. It holds no raw identifier, and without the key no claimed value can be tested."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from transforms.detectors.normalize import compact_expr
from transforms.operators.pseudonymize import pseudonymize

ID = "__id"
MATCH_PREFIX = "__match_"


@dataclass(frozen=True)
class ClaimRule:
    """One claim type, in the core's terms (see the policy's ClaimType)."""

    id: str
    match: Mapping[str, str] = field(default_factory=dict)
    where: Mapping[str, str] = field(default_factory=dict)
    at_least: Mapping[str, str] = field(default_factory=dict)
    require: Mapping[str, Sequence[object]] = field(default_factory=dict)

    def fields(self) -> list[str]:
        named = [*self.match.values(), *self.where.values(), *self.at_least.values()]
        return list(dict.fromkeys(named))


def keyed(expr: pl.Expr, key: bytes) -> pl.Expr:
    """The keyed pseudonym of a claimed or recorded value, after the forms real data takes
    (full-width digits, spaces or hyphens inside, lower-case x) are unified.

    >>> df = pl.DataFrame({"v": ["张 三", "张三", None]})
    >>> out = df.select(keyed(pl.col("v"), b"k" * 32))["v"].to_list()
    >>> out[0] == out[1], out[2]
    (True, None)
    """
    return pseudonymize(
        compact_expr(expr.cast(pl.String)), source_type="string", key=key, length=64
    )


def verification_index(
    frame: pl.LazyFrame, *, identifier: str, rules: Sequence[ClaimRule], key: bytes
) -> pl.LazyFrame:
    """The index of `frame` (the resource's validated rows, before de-identification)."""
    matched = sorted({c for r in rules for c in r.match})
    kept = sorted({c for r in rules for c in (*r.where, *r.at_least, *r.require)} - set(matched))
    return frame.filter(pl.col(identifier).is_not_null()).select(
        keyed(pl.col(identifier), key).alias(ID),
        *(keyed(pl.col(c), key).alias(MATCH_PREFIX + c) for c in matched),
        *(pl.col(c) for c in kept),
    )
