"""Vectorised generators for Chinese identifiers, each valid by its published check algorithm.

Validity matters: detectors downstream use the check characters to tell real identifiers from
look-alike numbers, so a sample with broken checks would test nothing.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sample_data.dates import ymd
from sample_data.strings import (
    ZERO,
    digits,
    distinct_sample,
    fixed_str,
    lookup,
    pick,
    ragged_str,
)

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)

MOBILE_PREFIXES = np.array(
    [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156,
     157, 158, 159, 166, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188,
     189, 191, 193, 195, 198, 199],
    dtype=np.int64,
)  # fmt: skip

UNIONPAY_BINS = np.array(
    [622202, 621226, 622848, 621700, 622588, 621483, 622260, 621661, 623058, 622908, 621799,
     622700, 621559, 622609, 621485],
    dtype=np.int64,
)  # fmt: skip

PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O
PROVINCE_CHARS = list("浙沪苏皖赣闽粤京鄂川豫鲁湘")  # home province first

# value tables indexed by ASCII code
_GB11714 = np.zeros(128, dtype=np.int64)
_GB11714[ZERO : ZERO + 10] = np.arange(10)
_GB11714[ord("A") : ord("Z") + 1] = np.arange(10, 36)
_USCC_VALUE = np.zeros(128, dtype=np.int64)
_USCC_VALUE[np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)] = np.arange(31)


def unique_ints(rng: np.random.Generator, high: int, n: int) -> np.ndarray:
    """n distinct integers in [0, high), in random order (deterministic for a given generator)."""
    return distinct_sample(rng, lambda m: rng.integers(0, high, size=m), n)


def resident_ids(
    rng: np.random.Generator, region: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> pl.Series:
    """18-char resident IDs (GB 11643): region + birth date + sequence (odd = male) + MOD 11-2."""
    n = len(region)
    y, m, d = ymd(birth)
    seq = rng.integers(0, 500, size=n) * 2 + np.asarray(male, dtype=np.int64)
    body = np.concatenate(
        [digits(region, 6), digits(y * 10000 + m * 100 + d, 8), digits(seq, 3)], axis=1
    )
    check = lookup(ID_CHECK, (body.astype(np.int64) @ ID_WEIGHTS) % 11)
    return fixed_str(np.concatenate([body + np.uint8(ZERO), check[:, None]], axis=1))


def mobiles(rng: np.random.Generator, n: int) -> pl.Series:
    """11-digit mainland mobile numbers with real carrier prefixes."""
    prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), size=n)]
    return fixed_str(digits(prefix * 10**8 + rng.integers(0, 10**8, size=n), 11) + np.uint8(ZERO))


def usccs(rng: np.random.Generator, region: np.ndarray) -> pl.Series:
    """Distinct unified social credit codes ('91' + region + GB 11714 org code + GB 32100 check).

    About 60% carry an old-style all-digit organisation code, the rest the post-2015 'MA' form.
    """
    n = len(region)
    old = rng.random(n) < 0.6
    body = np.empty((n, 8), dtype=np.uint8)
    body[old] = digits(unique_ints(rng, 10**8, int(old.sum())), 8) + np.uint8(ZERO)
    rest = unique_ints(rng, 31**6, n - int(old.sum()))
    new_digits = (rest[:, None] // (31 ** np.arange(5, -1, -1, dtype=np.int64))) % 31
    body[~old] = np.concatenate(
        [np.tile(np.frombuffer(b"MA", dtype=np.uint8), (len(rest), 1)),
         lookup(USCC_ALPHABET, new_digits)],
        axis=1,
    )  # fmt: skip
    c = 11 - (_GB11714[body] @ ORG_WEIGHTS) % 11
    org_check = np.where(c == 10, ord("X"), np.where(c == 11, ZERO, ZERO + c)).astype(np.uint8)
    head = np.tile(np.frombuffer(b"91", dtype=np.uint8), (n, 1))
    first17 = np.concatenate(
        [head, digits(region, 6) + np.uint8(ZERO), body, org_check[:, None]], axis=1
    )
    check = lookup(USCC_ALPHABET, (31 - (_USCC_VALUE[first17] @ USCC_WEIGHTS) % 31) % 31)
    return fixed_str(np.concatenate([first17, check[:, None]], axis=1))


def bank_cards(rng: np.random.Generator, n: int) -> pl.Series:
    """UnionPay debit card numbers (BIN 62xxxx), 16 or 19 digits, valid Luhn check digit."""
    length = np.where(rng.random(n) < 0.3, 16, 19)
    mat = rng.integers(0, 10, size=(n, 19)).astype(np.int64)
    mat[:, :6] = digits(UNIONPAY_BINS[rng.integers(0, len(UNIONPAY_BINS), size=n)], 6)
    col = np.arange(19)[None, :]
    payload = col < (length - 1)[:, None]
    doubled = payload & (((length - 2)[:, None] - col) % 2 == 0)
    vals = np.where(doubled, mat * 2, mat)
    vals = np.where(vals > 9, vals - 9, vals) * payload
    check = (10 - vals.sum(axis=1) % 10) % 10
    mat[np.arange(n), length - 1] = check
    return ragged_str((mat + ZERO).astype(np.uint8), length)


def plates(rng: np.random.Generator, city_letter: np.ndarray) -> pl.Series:
    """Vehicle plates: province char + city letter + 5 (new-energy: D/F + 5) alphanumerics.

    city_letter holds ASCII codes of the issuing city's letter (e.g. ord('A') for Hangzhou).
    """
    n = len(city_letter)
    tail = rng.integers(0, 10, size=(n, 7)).astype(np.uint8) + np.uint8(ZERO)
    tail[:, 0] = city_letter
    letter_pos = rng.integers(1, 6, size=n)
    has_letter = rng.random(n) < 0.45
    letters = lookup(PLATE_LETTERS, rng.integers(0, len(PLATE_LETTERS), size=n))
    rows = np.flatnonzero(has_letter)
    tail[rows, letter_pos[rows]] = letters[rows]
    green = rng.random(n) < 0.15
    n_green = int(green.sum())
    tail[green, 1] = np.where(rng.random(n_green) < 0.7, ord("D"), ord("F"))
    tail[green, 2] = np.where(has_letter[green], letters[green], tail[green, 2])
    tail[green, 3:] = rng.integers(0, 10, size=(n_green, 4)) + ZERO  # 4 trailing digits
    ascii_part = ragged_str(tail, np.where(green, 7, 6))
    other = rng.integers(1, len(PROVINCE_CHARS), size=n)
    province = pick(PROVINCE_CHARS, np.where(rng.random(n) < 0.9, 0, other))
    return pl.select(pl.concat_str([province, ascii_part])).to_series()


def landline_numbers(rng: np.random.Generator, n: int) -> pl.Series:
    """8-digit local landline numbers (the part after the area code)."""
    first = np.array([8, 8, 8, 8, 5, 6, 2], dtype=np.int64)[rng.integers(0, 7, size=n)]
    return fixed_str(digits(first * 10**7 + rng.integers(0, 10**7, size=n), 8) + np.uint8(ZERO))
