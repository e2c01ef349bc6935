"""Identifier detectors (resident ID, mobile, USCC, bank card; opt-in: landline, passport,
travel permits, plate, e-mail, IP address, postcode) and a vectorised frame scan.

Each detector keeps its data in class constants (ENTITY, PATTERN, CONTEXT, SCORE) and has a
pure-Python `validate` and an equivalent polars `valid_expr`, so the same rules serve the
egress gate now and Presidio recognizers or a column classifier later.
"""

from transforms.detectors.bank_card import BankCardDetector
from transforms.detectors.base import Detector
from transforms.detectors.email import EmailDetector
from transforms.detectors.hk_macau_permit import HkMacauPermitDetector
from transforms.detectors.home_return_permit import HomeReturnPermitDetector
from transforms.detectors.ip_address import IpAddressDetector
from transforms.detectors.landline import LandlineDetector
from transforms.detectors.mobile import MobileDetector
from transforms.detectors.normalize import (
    compact_expr,
    compact_text,
    normalize_expr,
    normalize_text,
)
from transforms.detectors.passport import PassportDetector
from transforms.detectors.plate import PlateDetector
from transforms.detectors.postcode import PostcodeDetector
from transforms.detectors.registry import (
    ALL_DETECTORS,
    DETECTORS,
    EXTRA_DETECTORS,
    UnknownDetectorError,
    get_detector,
)
from transforms.detectors.resident_id import ResidentIdDetector
from transforms.detectors.scan import contains_any, count_findings, mask_expr, scan_frame
from transforms.detectors.taiwan_permit import TaiwanPermitDetector
from transforms.detectors.uscc import UsccDetector

__all__ = [
    "ALL_DETECTORS",
    "DETECTORS",
    "EXTRA_DETECTORS",
    "BankCardDetector",
    "Detector",
    "EmailDetector",
    "HkMacauPermitDetector",
    "HomeReturnPermitDetector",
    "IpAddressDetector",
    "LandlineDetector",
    "MobileDetector",
    "PassportDetector",
    "PlateDetector",
    "PostcodeDetector",
    "ResidentIdDetector",
    "TaiwanPermitDetector",
    "UnknownDetectorError",
    "UsccDetector",
    "compact_expr",
    "compact_text",
    "contains_any",
    "count_findings",
    "get_detector",
    "mask_expr",
    "normalize_expr",
    "normalize_text",
    "scan_frame",
]
