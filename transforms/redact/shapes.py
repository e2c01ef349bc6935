"""Identifiers with letters in them: organisation codes (USCC, checksum), e-mail and IP
addresses, passports, travel and home-return permits and vehicle plates, judged by their
detectors; then postcodes and Taiwan permits, numbers only after their word (邮编, 台胞证).

This pass runs before the digit passes, so the digits inside an e-mail address or a code are
never read as a number of their own.
"""

from __future__ import annotations

import polars as pl

from transforms.detectors.email import EmailDetector
from transforms.detectors.ip_address import IpAddressDetector
from transforms.detectors.plate import PROVINCES, PlateDetector
from transforms.detectors.registry import ALL_DETECTORS
from transforms.redact.tokens import Judge, first_valid, mark_tokens

SHAPE_ENTITIES = ("CN_USCC", "EMAIL", "IP_ADDRESS", "CN_PASSPORT", "CN_HK_MACAU_PERMIT")
SHAPE_ENTITIES += ("CN_HOME_RETURN_PERMIT", "CN_PLATE")
CUED_ENTITIES = ("CN_TAIWAN_PERMIT", "CN_POSTCODE")
"""Numbers that are these only after their word (台胞证..., 邮编...): the word goes too."""
_TOKEN = "|".join(
    (EmailDetector.SCAN_PATTERN, PlateDetector.SCAN_PATTERN, IpAddressDetector.SCAN_PATTERN)
)
_TOKEN += "|[0-9A-Za-z]+"
_FILLER = rf"[^0-9A-Za-z{PROVINCES}\ue000]+"
_CUED = "|".join(ALL_DETECTORS[e].SCAN_PATTERN or "" for e in CUED_ENTITIES)
_CUED_FILLER = "[^台邮PpZz\ue000]+"


def _judge(entities: tuple[str, ...]) -> Judge:
    # each detector's own compact form: a plate's also drops the dot of 京A·12345
    return lambda token: first_valid(entities, lambda det: det.scan_candidate(token))


def mark_shapes(text: pl.Expr) -> pl.Expr:
    """Mark every token of `text` that validates as one of SHAPE_ENTITIES or CUED_ENTITIES.

    >>> from transforms.redact.entities import shown
    >>> s = pl.Series(["车牌浙A·12345，邮箱zhang.wei88@163.com", "ID123 京X12，邮编310012"])
    >>> for v in pl.select(mark_shapes(pl.lit(s))).to_series():
    ...     print(shown(v))
    车牌[CN_PLATE:浙A·12345]，邮箱[EMAIL:zhang.wei88@163.com]
    ID123 京X12，[CN_POSTCODE:邮编310012]
    """
    shaped = mark_tokens(text, _TOKEN, _FILLER, _judge(SHAPE_ENTITIES))
    return mark_tokens(shaped, _CUED, _CUED_FILLER, _judge(CUED_ENTITIES))
