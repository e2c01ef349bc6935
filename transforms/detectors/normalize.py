"""Normalisation shared by the detectors: real data writes identifiers with full-width
characters, spaces, hyphens and a lower-case x; the validators only ever see the compact form.

The pure-Python and polars versions use the same tables, so `validate` and `valid_expr` agree.
"""

from __future__ import annotations

import polars as pl

FULLWIDTH: dict[str, str] = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(ord("a") + i) for i in range(26)},
    "\u3000": " ",  # ideographic space
    "\uff0d": "-",  # full-width hyphen-minus
    "\uff0b": "+",  # full-width plus
}
"""Full-width digits, letters, space, hyphen and plus mapped to their ASCII forms."""

SEPARATORS = " -"
"""Characters written inside identifiers (138-1234-5678, 6222 0212 ...) and dropped by compact."""

_ASCII_UPPER = {chr(c): chr(c).upper() for c in range(ord("a"), ord("z") + 1)}
_TO_ASCII = str.maketrans(FULLWIDTH)
_TO_COMPACT = str.maketrans({**_ASCII_UPPER, **dict.fromkeys(SEPARATORS)})


def normalize_text(text: str) -> str:
    """Map full-width characters to ASCII, leaving everything else alone.

    >>> normalize_text("电话１３８ １２３４")
    '电话138 1234'
    """
    return text.translate(_TO_ASCII)


def normalize_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised `normalize_text` (one Aho-Corasick pass with `str.replace_many`).

    >>> pl.select(normalize_expr(pl.Series(["ＩＤ１１０", None]))).to_series().to_list()
    ['ID110', None]
    """
    return expr.str.replace_many(FULLWIDTH)


def compact_text(text: str) -> str:
    """The form validators check: ASCII, no separators, ASCII letters upper-cased.

    Only ASCII letters are upper-cased so that Python and polars can never disagree on
    exotic Unicode case mappings.

    >>> compact_text("１１０１０１ 19900307 757x")
    '11010119900307757X'
    """
    return normalize_text(text).translate(_TO_COMPACT)


_COMPACTED = {c: compact_text(c) for c in (*FULLWIDTH, *SEPARATORS, *_ASCII_UPPER)}
"""`compact_text` character by character: it maps each character on its own, so one
`replace_many` pass over this table is the same as its steps one after another."""


def compact_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised `compact_text`, in one pass.

    >>> pl.select(compact_expr(pl.Series(["138-1234 5678", None]))).to_series().to_list()
    ['13812345678', None]
    """
    return expr.str.replace_many(_COMPACTED)
