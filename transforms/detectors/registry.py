"""The explicit list of detectors, keyed by entity. Insertion order is precedence: when one
span validates as several entities the scanner reports the first (resident ID > USCC >
bank card > mobile), since the earlier ones carry stronger checks.

DETECTORS holds the egress gate's four; EXTRA_DETECTORS the shape-only ones that follow them
in precedence. They are opt-in (`get_detector(name, extra=True)`, `scan_frame(extra=True)`)
so that the gate's registry, default scan and error messages stay exactly as they were."""

from __future__ import annotations

from transforms.detectors.address import AddressDetector
from transforms.detectors.bank_card import BankCardDetector
from transforms.detectors.base import Detector
from transforms.detectors.email import EmailDetector
from transforms.detectors.hk_macau_permit import HkMacauPermitDetector
from transforms.detectors.home_return_permit import HomeReturnPermitDetector
from transforms.detectors.ip_address import IpAddressDetector
from transforms.detectors.landline import LandlineDetector
from transforms.detectors.mobile import MobileDetector
from transforms.detectors.passport import PassportDetector
from transforms.detectors.plate import PlateDetector
from transforms.detectors.postcode import PostcodeDetector
from transforms.detectors.resident_id import ResidentIdDetector
from transforms.detectors.taiwan_permit import TaiwanPermitDetector
from transforms.detectors.uscc import UsccDetector

DETECTORS: dict[str, Detector] = {
    "CN_RESIDENT_ID": ResidentIdDetector(),
    "CN_USCC": UsccDetector(),
    "CN_BANK_CARD": BankCardDetector(),
    "CN_MOBILE": MobileDetector(),
}

EXTRA_DETECTORS: dict[str, Detector] = {
    "CN_LANDLINE": LandlineDetector(),
    "CN_PASSPORT": PassportDetector(),
    "CN_HK_MACAU_PERMIT": HkMacauPermitDetector(),
    "CN_HOME_RETURN_PERMIT": HomeReturnPermitDetector(),
    "CN_TAIWAN_PERMIT": TaiwanPermitDetector(),
    "CN_PLATE": PlateDetector(),
    "EMAIL": EmailDetector(),
    "IP_ADDRESS": IpAddressDetector(),
    "CN_POSTCODE": PostcodeDetector(),
    "ADDRESS": AddressDetector(),
}
"""Opt-in detectors, after the gate's four in precedence (passport before home-return
permit: H + 8 digits fits both). ADDRESS comes last: it holds Chinese text, not digits."""

ALL_DETECTORS: dict[str, Detector] = {**DETECTORS, **EXTRA_DETECTORS}


class UnknownDetectorError(ValueError):
    """A configured entity name that no detector handles."""


def get_detector(name: str, *, extra: bool = False) -> Detector:
    """The detector for an entity name, so configuration can be checked when it loads.
    Only the gate's DETECTORS are known unless `extra` is set.

    >>> get_detector("CN_MOBILE").ENTITY
    'CN_MOBILE'
    >>> get_detector("CN_PASSPORT")
    Traceback (most recent call last):
    ...
    transforms.detectors.registry.UnknownDetectorError: unknown detector 'CN_PASSPORT'; known: CN_RESIDENT_ID, CN_USCC, CN_BANK_CARD, CN_MOBILE
    >>> get_detector("CN_PASSPORT", extra=True).ENTITY
    'CN_PASSPORT'
    """  # noqa: E501
    pool = ALL_DETECTORS if extra else DETECTORS
    try:
        return pool[name]
    except KeyError:
        known = ", ".join(pool)
        raise UnknownDetectorError(f"unknown detector {name!r}; known: {known}") from None
