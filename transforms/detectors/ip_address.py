"""IP addresses: IPv4 dotted quads (octets 0-255, no leading zeros) and IPv6."""

from __future__ import annotations

import ipaddress
import re

import polars as pl

from transforms.detectors.base import UNSURE, Detector, null_in_null_out

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_V4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_V4_RE = re.compile(_V4)
_V6_CHARS = re.compile(r"[0-9A-F:.]+")
_H = "[0-9A-Fa-f]"


class IpAddressDetector(Detector):
    """Shape only (None when valid: an address is no secret by itself, and 1.2.3.4 may be a
    version number). `validate` checks IPv6 with the stdlib `ipaddress`; `valid_expr` checks
    pure-hex IPv6 forms exactly (groups, colons, one '::') and returns null ("cannot tell")
    for IPv6 with an embedded dotted quad (::ffff:1.2.3.4), where `validate` may say False.

    >>> IpAddressDetector().validate("192.168.1.1") is None
    True
    >>> IpAddressDetector().validate("256.1.1.1"), IpAddressDetector().validate("2001:db8:::1")
    (False, False)
    """

    ENTITY = "IP_ADDRESS"
    PATTERN = (
        rf"(?<![0-9.]){_V4}(?![0-9]|\.[0-9])"
        rf"|(?<![0-9A-Fa-f:])(?:{_H}{{0,4}}:){{2,7}}(?:{_V4}|{_H}{{1,4}})?(?![0-9A-Fa-f:])"
    )
    SCAN_PATTERN = rf"[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}}|{_H}{{0,4}}(?::{_H}{{0,4}}){{2,8}}"
    CONTEXT = ("IP地址", "IP", "服务器地址", "登录地址", "网络地址")
    CONTEXT += ("ip", "ip address", "ipv4", "ipv6", "host")
    SCORE = 0.4
    LENGTHS = frozenset(range(2, 46))

    def _check(self, candidate: str) -> bool | None:
        if _V4_RE.fullmatch(candidate):
            return None
        if ":" not in candidate or not _V6_CHARS.fullmatch(candidate):
            return False
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            return False
        return None

    def valid_expr(self, candidate: pl.Expr) -> pl.Expr:
        """Vectorised `_check` (null for valid addresses and dotted IPv6).

        >>> s = pl.Series(["10.0.0.1", "10.0.0.256", "FE80::1", "12:30:45", "::FFFF:1.2.3.4"])
        >>> pl.select(IpAddressDetector().valid_expr(s)).to_series().to_list()
        [None, False, None, False, None]
        >>> s = pl.Series(["2025010103:12:44.000", "01.02.03.04", "2025.01.01"])
        >>> pl.select(IpAddressDetector().valid_expr(s)).to_series().to_list()
        [False, False, False]
        """
        c = candidate
        double = c.str.count_matches("::", literal=True)
        groups = c.str.count_matches("[0-9A-F]+")
        hexv6 = (  # ipaddress's rules: 8 groups, or one '::' standing for 1+ zero groups
            c.str.contains(r"^[0-9A-F]{0,4}(?::[0-9A-F]{0,4}){2,8}$")
            & ~c.str.contains(r":::|^:[^:]|[^:]:$")
            & pl.when(double == 0).then(groups == 8).otherwise((double == 1) & (groups <= 7))
        )
        dotted = c.str.contains(rf"^[0-9A-F:]*:{_V4}$")  # ::FFFF:1.2.3.4, never 03:12:44.000
        verdict = (
            pl.when(c.str.contains(f"^{_V4}$") | dotted)
            .then(UNSURE)
            .when(hexv6.fill_null(False))
            .then(UNSURE)
            .otherwise(False)
        )
        return null_in_null_out(c, verdict)
