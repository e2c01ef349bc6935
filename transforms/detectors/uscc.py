"""Unified social credit codes of organisations (GB 32100-2015)."""

from __future__ import annotations

import re

import polars as pl

from transforms.detectors.base import Detector, ascii_code, null_in_null_out

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_VALUES = {ch: i for i, ch in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_VALUES = {ch: int(ch, 36) for ch in _ALPHABET}  # GB 11714: 0-9, A-Z = 10-35
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHECK = {**{i: str(i) for i in range(1, 10)}, 10: "X", 11: "0"}
_CHAR = f"[{_ALPHABET}]"
# positions 3-8 are an administrative region code: digits, first one 1-8 (100000 = national)
_SHAPE = f"{_CHAR}{{2}}[1-8][0-9]{{5}}{_CHAR}{{10}}"
_SHAPE_RE = re.compile(_SHAPE)


def _check_value(body: str) -> int:
    """GB 32100 check over the first 17 chars: (31 - sum(v_i * w_i) % 31) % 31, where v maps
    0-9 to 0-9 and the letters of the alphabet, in order, to 10-30; w_i = 3**i mod 31."""
    total = sum(_VALUES[ch] * w for ch, w in zip(body, _WEIGHTS, strict=True))
    return (31 - total % 31) % 31


def _org_check_char(body: str) -> str:
    """GB 11714 check of the organisation code (positions 9-16, checked by position 17):
    11 - sum(v_i * w_i) % 11 with w = 3,7,9,10,5,8,4,2 and 10 written X, 11 written 0."""
    total = sum(_ORG_VALUES[ch] * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    return _ORG_CHECK[11 - total % 11]


class UsccDetector(Detector):
    """Certain when the shape (alphabet, numeric region code), the GB 32100 check char and the
    organisation code's own GB 11714 check are right. The second check matters for all-digit
    strings (order and account numbers): one in 31 passes the first check alone.

    >>> UsccDetector().validate("91350100M000100Y43")
    True
    >>> UsccDetector().validate("91350100M000100Y44")
    False
    """

    ENTITY = "CN_USCC"
    PATTERN = rf"(?<![0-9A-Za-z]){_SHAPE}(?![0-9A-Za-z])"
    CONTEXT = (
        "统一社会信用代码",
        "信用代码",
        "社会信用代码",
        "统一代码",
        "营业执照",
        "纳税人识别号",
    )
    CONTEXT += ("uscc", "unified social credit code", "credit code")
    SCORE = 0.5
    LENGTHS = frozenset((18,))

    def _check(self, candidate: str) -> bool | None:
        if not _SHAPE_RE.fullmatch(candidate):
            return False
        c = candidate
        return c[16] == _org_check_char(c[8:16]) and _VALUES[c[17]] == _check_value(c[:17])

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `validate`: char values from ASCII codes (minus one for each of the
        skipped letters I, O, S, V below), weighted sums. Fast in lazy plans, where polars
        computes the repeated per-position sub-expressions once.

        >>> s = pl.Series(["91350100M000100Y43", "91350100M000100Y4", None])
        >>> pl.select(UsccDetector().valid_expr(s)).to_series().to_list()
        [True, False, None]
        """
        c = candidate
        codes = [ascii_code(c, i) for i in range(18)]
        org_v = [x - 48 - 7 * (x >= 65).cast(pl.Int32) for x in codes]  # GB 11714: A-Z = 10-35
        v = [
            o - sum((x > ord(g)).cast(pl.Int32) for g in "IOSV")
            for o, x in zip(org_v, codes, strict=True)
        ]
        total = pl.sum_horizontal(x * w for x, w in zip(v, _WEIGHTS, strict=False))
        org = (
            11
            - pl.sum_horizontal(x * w for x, w in zip(org_v[8:], _ORG_WEIGHTS, strict=False)) % 11
        )
        org_check = pl.when(org == 10).then(_VALUES["X"]).when(org == 11).then(0).otherwise(org)
        checks = (v[16] == org_check) & (v[17] == (31 - total % 31) % 31)
        ok = c.str.contains(f"^{_SHAPE}$") & checks
        return null_in_null_out(c, ok.fill_null(False))
