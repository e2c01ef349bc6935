"""The verification index: one row per record of the resource, the identifier and every
matched column replaced by a keyed pseudonym, the columns claims select or compare on kept as
values. It holds no raw identifier, and without the key no claimed value can be tested.

A keyed value is stored as the first 128 bits of its HMAC-SHA256, in two unsigned 64-bit
columns (`__id` and `__low__id`), the index sorted by `__id`: numbers read, merge and compare
much faster than 64-hex text, and two different values share 128 bits with probability
2**-128 per pair, so even 10**12 lookups against 10**8 values collide with probability below
10**-18.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from transforms.detectors.normalize import compact_expr
from transforms.operators.pseudonymize import pseudonymize

ID = "__id"
MATCH_PREFIX = "__match_"
LOW_PREFIX = "__low"
"""The second 64 bits of a keyed column `c` are in `LOW_PREFIX + c`."""
_HEX = "__hex_"


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


def keyed_compact(compact: pl.Expr, key: bytes) -> pl.Expr:
    """`keyed` of a value already compacted (an identifier compacted for its checksum test).
    Compacting has mapped every full-width character, so of the pseudonym's normalisation
    only the trimming and upper-casing are left to do."""
    text = compact.str.strip_chars().str.to_uppercase()
    return pseudonymize(text, source_type="string", key=key, length=64, normalize=False)


def halves(pseudonym: pl.Expr, name: str) -> list[pl.Expr]:
    """A `keyed` pseudonym (64 hex) as the index stores it: its first 128 bits as two UInt64
    columns, `name` and `LOW_PREFIX + name`.

    >>> pl.select(halves(pl.lit("00" * 7 + "ff" + "00" * 7 + "01" + "ab" * 16), "k")).row(0)
    (255, 1)
    """
    return [
        pseudonym.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64).alias(name),
        pseudonym.str.slice(16, 16)
        .str.to_integer(base=16, dtype=pl.UInt64)
        .alias(LOW_PREFIX + name),
    ]


def verification_index(
    frame: pl.LazyFrame, *, identifier: str, rules: Sequence[ClaimRule], key: bytes
) -> pl.LazyFrame:
    """The index of `frame` (the resource's validated rows, before de-identification), sorted
    by keyed identifier so that answering merges a batch into it instead of hashing it."""
    matched = sorted({c for r in rules for c in r.match})
    kept = sorted({c for r in rules for c in (*r.where, *r.at_least, *r.require)} - set(matched))
    names = {ID: identifier, **{MATCH_PREFIX + c: c for c in matched}}
    hexed = frame.filter(pl.col(identifier).is_not_null()).select(
        *(keyed(pl.col(source), key).alias(_HEX + name) for name, source in names.items()),
        *(pl.col(c) for c in kept),
    )
    split = [e for name in names for e in halves(pl.col(_HEX + name), name)]
    return hexed.select(*split, *kept).sort(ID, LOW_PREFIX + ID)


def index_records(index: pl.LazyFrame, columns: Sequence[str]) -> pl.LazyFrame:
    """The index's `ID`, its low half and `columns` (keyed ones with their low halves), `ID`
    flagged sorted as `verification_index` writes it, so a join on it can merge instead of
    hashing. An index written before keyed values were stored as numbers (64-hex text, in
    no order) is read the same way, converted as it is scanned."""
    keyed_ = [c for c in dict.fromkeys([ID, *columns]) if c == ID or c.startswith(MATCH_PREFIX)]
    plain = [c for c in dict.fromkeys(columns) if c not in keyed_]
    if index.collect_schema()[ID] == pl.String:
        split = [e for c in keyed_ for e in halves(pl.col(c), c)]
        return index.select(*split, *plain)
    kept = index.select(*(e for c in keyed_ for e in (c, LOW_PREFIX + c)), *plain)
    return kept.with_columns(pl.col(ID).set_sorted())
