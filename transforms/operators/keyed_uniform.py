"""A keyed, per-person uniform number in [0, 1): the same person draws the same number in every
build, so a consistent date shift or noise value cannot be averaged away over releases, and
nobody without the key can recompute it."""

from __future__ import annotations

import polars as pl
import polars_hash  # noqa: F401  (registers the vectorised `chash` namespace)

from transforms.detectors.normalize import normalize_expr

_BITS = 52


def keyed_uniform(person: pl.Expr, *, key: bytes, purpose: str) -> pl.Expr:
    """HMAC-SHA256(key, purpose | person) -> 52 bits -> [0, 1). `purpose` separates the draws
    of different columns, so a shift and a noise value of one person are independent.

    >>> df = pl.DataFrame({"p": ["a", "a", "b", None]})
    >>> u = df.select(u=keyed_uniform(pl.col("p"), key=b"k" * 32, purpose="x"))["u"].to_list()
    >>> u[0] == u[1], 0 <= u[2] < 1, u[3]
    (True, True, None)
    """
    text = normalize_expr(person.cast(pl.String)).str.strip_chars().str.to_uppercase()
    digest = pl.concat_str(pl.lit(f"{purpose}|"), text).chash.hmac_sha256(key=key.hex())
    bits = digest.str.slice(0, _BITS // 4).str.to_integer(base=16, strict=True)
    return bits.cast(pl.Float64) / float(2**_BITS)
