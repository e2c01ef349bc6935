"""The explicit list of detectors, keyed by entity. Insertion order is precedence: when one
span validates as several entities the scanner reports the first (resident ID > USCC >
bank card > mobile), since the earlier ones carry stronger checks."""

from __future__ import annotations

from transforms.detectors.bank_card import BankCardDetector
from transforms.detectors.base import Detector
from transforms.detectors.mobile import MobileDetector
from transforms.detectors.resident_id import ResidentIdDetector
from transforms.detectors.uscc import UsccDetector

DETECTORS: dict[str, Detector] = {
    "CN_RESIDENT_ID": ResidentIdDetector(),
    "CN_USCC": UsccDetector(),
    "CN_BANK_CARD": BankCardDetector(),
    "CN_MOBILE": MobileDetector(),
}


class UnknownDetectorError(ValueError):
    """A configured entity name that no detector handles."""


def get_detector(name: str) -> Detector:
    """The detector for an entity name, so configuration can be checked when it loads.

    >>> get_detector("CN_MOBILE").ENTITY
    'CN_MOBILE'
    >>> get_detector("CN_PASSPORT")
    Traceback (most recent call last):
    ...
    transforms.detectors.registry.UnknownDetectorError: unknown detector 'CN_PASSPORT'; known: CN_RESIDENT_ID, CN_USCC, CN_BANK_CARD, CN_MOBILE
    """  # noqa: E501
    try:
        return DETECTORS[name]
    except KeyError:
        known = ", ".join(DETECTORS)
        raise UnknownDetectorError(f"unknown detector {name!r}; known: {known}") from None
