"""Identifiers with letters in them: organisation codes (USCC, checksum), e-mail addresses,
passports, Hong Kong/Macau travel permits and vehicle plates, judged by their detectors.

This pass runs before the digit passes, so the digits inside an e-mail address or a code are
never read as a number of their own.
"""

from __future__ import annotations

import polars as pl

from transforms.detectors.email import EmailDetector
from transforms.detectors.plate import PROVINCES, PlateDetector
from transforms.redact.tokens import first_valid, mark_tokens

SHAPE_ENTITIES = ("CN_USCC", "EMAIL", "CN_PASSPORT", "CN_HK_MACAU_PERMIT", "CN_PLATE")
_TOKEN = rf"{EmailDetector.SCAN_PATTERN}|{PlateDetector.SCAN_PATTERN}|[0-9A-Za-z]+"
_FILLER = rf"[^0-9A-Za-z{PROVINCES}\ue000]+"


def _judge(token: pl.Expr) -> pl.Expr:
    # each detector's own compact form: a plate's also drops the dot of 京A·12345
    return first_valid(SHAPE_ENTITIES, lambda det: det.scan_candidate(token))


def mark_shapes(text: pl.Expr) -> pl.Expr:
    """Mark every token of `text` that validates as one of SHAPE_ENTITIES.

    >>> from transforms.redact.entities import shown
    >>> s = pl.Series(["车牌浙A·12345，邮箱zhang.wei88@163.com", "ID123 京X12"])
    >>> for v in pl.select(mark_shapes(pl.lit(s))).to_series():
    ...     print(shown(v))
    车牌[CN_PLATE:浙A·12345]，邮箱[EMAIL:zhang.wei88@163.com]
    ID123 京X12
    """
    return mark_tokens(text, _TOKEN, _FILLER, _judge)
