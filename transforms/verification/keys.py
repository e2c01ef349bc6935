"""Claimed values in the index's terms: keyed pseudonyms as the index stores them (two UInt64
halves), and compared values in the type of the index column they must equal."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.verification.index import LOW_PREFIX, halves, keyed, keyed_compact

_HEX = "__hex_"


@dataclass(frozen=True)
class Keyed:
    """A claimed value to key: its column in the batch, the rows whose value counts (the
    others get no key) and, when the frame holds it, the column of its compacted form."""

    column: str
    only: pl.Expr | None = None
    compacted: str | None = None


def with_keys(
    frame: pl.LazyFrame,
    claims: pl.DataFrame,
    values: Mapping[str, Keyed],
    key: bytes,
    *,
    also: Collection[pl.Expr] = (),
    keep: Sequence[str] | None = None,
) -> pl.DataFrame:
    """`frame` (the batch `claims` and what it adds) with the keyed pseudonym of each of
    `values` as the index stores it (columns `name` and `LOW_PREFIX + name`) and the
    expressions `also`, in one streaming pass so the HMACs run beside the batch's other work
    on every core; of the rest only the columns `keep` (all when None). A column whose values
    repeat (names, or one identifier claimed many times) is keyed once per distinct value and
    looked up, which saves most of its HMACs.

    >>> claims = pl.DataFrame({"v": ["a", "a", None]})
    >>> out = with_keys(claims.lazy(), claims, {"k": Keyed("v")}, b"k" * 32)
    >>> out.columns, out["k"][0] == out["k"][1], out["k"][2]
    (['v', 'k', '__lowk'], True, None)
    """
    hexed, split = frame, []
    for name, value in values.items():
        if repeats(claims[value.column]):
            table = _looked_up(claims, value.column, key, name)
            hexed = hexed.join(
                table, on=value.column, how="left", nulls_equal=False, maintain_order="left"
            )
            found = [pl.col(name), pl.col(LOW_PREFIX + name)]
            split += [e if value.only is None else pl.when(value.only).then(e) for e in found]
            continue
        text = pl.col(value.column if value.compacted is None else value.compacted)
        text = text if value.only is None else pl.when(value.only).then(text)
        pseudonym = keyed(text, key) if value.compacted is None else keyed_compact(text, key)
        hexed = hexed.with_columns(pseudonym.alias(_HEX + name))
        split += halves(pl.col(_HEX + name), name)
    kept = frame.collect_schema().names() if keep is None else list(keep)
    kept += [a.meta.output_name() for a in also]
    return hexed.with_columns(*also).select(*kept, *split).collect(engine="streaming")


def _looked_up(claims: pl.DataFrame, column: str, key: bytes, name: str) -> pl.LazyFrame:
    """Each distinct value of a column with its keyed pseudonym in the index's form."""
    distinct = claims.lazy().select(pl.col(column).unique().drop_nulls())
    hexed = distinct.with_columns(keyed(pl.col(column), key).alias(_HEX))
    return hexed.select(column, *halves(pl.col(_HEX), name))


def repeats(values: pl.Series) -> bool:
    """Whether values repeat enough (eight times each on average, judged on the first 65,536)
    that keying each distinct value once and looking it up beats keying every one."""
    sample = values.head(1 << 16)
    return sample.approx_n_unique() * 8 < sample.len()


def as_column_type(text: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A claimed text in the type of the index column whose text it must equal: an integer
    only when written the way an integer is written back ('2024', not '02024' or '+2024'), so
    comparing values is comparing texts without writing every record of the index as text.

    >>> s = pl.Series(["2024", "02024", "+2024", "-0", None])
    >>> pl.select(as_column_type(s, pl.Int64)).to_series().to_list()
    [2024, None, None, None, None]
    """
    if dtype.is_integer():
        written = text.str.contains(r"^(0|-?[1-9][0-9]*)$")
        return pl.when(written).then(text.cast(dtype, strict=False))
    return text
