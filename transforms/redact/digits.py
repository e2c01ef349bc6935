"""Numbers written in free text: resident IDs, bank cards, mobiles and landlines, judged by
the detectors' own validators (ID and Luhn checksums, shapes), in two passes.

The first pass reads a number with its separators (138 1234 5678, 6222-0212-..., 1101 0119
9003 0775 7x, 138.1234.5678) or read out in Chinese numerals (幺三八...); the second the bare
digit runs of what the first left, so that two numbers written side by side with one space
(an ID, then a mobile) are still found one by one.
"""

from __future__ import annotations

import polars as pl

from transforms.detectors.normalize import compact_expr
from transforms.redact.tokens import first_valid, mark_tokens

NUMBER_ENTITIES = ("CN_RESIDENT_ID", "CN_BANK_CARD", "CN_MOBILE", "CN_LANDLINE")
"""In precedence order: the stronger check first (an 18-digit number passing the ID checksum
is an ID even when it also passes Luhn)."""
SPOKEN = {"〇": "0", "零": "0", "幺": "1", "一": "1", "二": "2", "两": "2", "三": "3"}
SPOKEN |= {"四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
"""Digits as a caller reads them out and a transcript writes them (幺三八...)."""
_SPOKEN_RUN = f"[{''.join(SPOKEN)}]{{7,19}}[xX]?"
_SPACED = r"\+?[0-9](?:[0-9]|[ \-.·]{1,2}[0-9])*[xX]?"
_AREA = r"[(（]0[0-9]{2,3}[)）] ?[0-9]{7,8}"
_BARE = r"[0-9]+[xX]?"
_FILLER = f"[^0-9+(（\ue000{''.join(SPOKEN)}]+"


def spoken_digits(text: pl.Expr) -> pl.Expr:
    """Numbers read out in Chinese numerals as digits (一三八 -> 138); other text unchanged.

    >>> pl.select(spoken_digits(pl.lit("幺三八一二三四五六七八"))).item()
    '13812345678'
    """
    return text.str.replace_many(SPOKEN)


def _judge(token: pl.Expr) -> pl.Expr:
    number = compact_expr(spoken_digits(token)).str.replace_all(r"[()（）+.·]", "")
    return first_valid(NUMBER_ENTITIES, lambda _: number)


def mark_numbers(text: pl.Expr) -> pl.Expr:
    """Mark every number in `text` that validates as one of NUMBER_ENTITIES.

    >>> from transforms.redact.entities import shown
    >>> s = pl.Series(["手机138 1234 5678，身份证110101199003077571 13912345678", "2025-03-12"])
    >>> for v in pl.select(mark_numbers(pl.lit(s))).to_series():
    ...     print(shown(v))
    手机[CN_MOBILE:138 1234 5678]，身份证[CN_RESIDENT_ID:110101199003077571] [CN_MOBILE:13912345678]
    2025-03-12
    """
    spaced = mark_tokens(text, f"{_AREA}|{_SPACED}|{_SPOKEN_RUN}", _FILLER, _judge)
    return mark_tokens(spaced, _BARE, _FILLER, _judge)
