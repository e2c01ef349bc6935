"""Turn numpy byte matrices into polars string columns without a Python loop per row.

Identifiers are built as (n, width) uint8 matrices of ASCII codes; arrow wraps the raw bytes plus
an offsets array as a string column directly, which makes a million IDs cost milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl
import pyarrow as pa

ZERO = ord("0")


# digits of 0..9999 as 4 bytes, viewed as one uint32 per number so a gather moves 4 digits at once
_TABLE4 = ((np.arange(10_000)[:, None] // 10 ** np.arange(3, -1, -1)) % 10).astype(np.uint8)
_TABLE4_U32 = np.ascontiguousarray(_TABLE4).view(np.uint32).ravel()


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) matrix of the decimal digits of non-negative integers, most significant first.

    Works in base 10,000 with a lookup table: far fewer int64 divisions than one per digit.
    """
    v = np.asarray(values, dtype=np.int64)
    chunks = -(-width // 4)
    out = np.empty((len(v), chunks), dtype=np.uint32)
    for i in range(chunks):
        out[:, i] = _TABLE4_U32[(v // 10_000 ** (chunks - 1 - i)) % 10_000]
    return out.view(np.uint8).reshape(len(v), 4 * chunks)[:, 4 * chunks - width :]


def ascii_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Like digits() but as ASCII codes, ready for fixed_str()."""
    return digits(values, width) + np.uint8(ZERO)


def fixed_str(mat: np.ndarray, name: str = "") -> pl.Series:
    """String column from an (n, width) uint8 matrix of ASCII codes, one row per value."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    n, width = mat.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    arr = pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(mat.tobytes())]
    )
    return pl.Series(name, arr, dtype=pl.String)


def ragged_str(mat: np.ndarray, lengths: np.ndarray, name: str = "") -> pl.Series:
    """String column from left-aligned rows of an ASCII matrix, row i keeping lengths[i] bytes."""
    mat = np.ascontiguousarray(mat, dtype=np.uint8)
    n, width = mat.shape
    keep = np.arange(width)[None, :] < np.asarray(lengths)[:, None]
    data = mat[keep]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    arr = pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())]
    )
    return pl.Series(name, arr, dtype=pl.String)


def int_str(values: np.ndarray, width: int, name: str = "") -> pl.Series:
    """Zero-padded decimal strings of fixed width."""
    return fixed_str(ascii_digits(values, width), name)


def lookup(table: str, idx: np.ndarray) -> np.ndarray:
    """ASCII codes of table[idx] for an integer index array (any shape)."""
    codes = np.frombuffer(table.encode("ascii"), dtype=np.uint8)
    return codes[idx]


def pick(values: Sequence[str], idx: np.ndarray, name: str = "") -> pl.Series:
    """values[idx] as a string column (numpy unicode arrays convert to polars slowly)."""
    return pl.Series(name, list(values), dtype=pl.String).gather(np.asarray(idx))


def distinct_sample(
    rng: np.random.Generator, draw: Callable[[int], np.ndarray], n: int
) -> np.ndarray:
    """n distinct int64 keys from repeated calls draw(m) -> m keys, in random order.

    Sort-based (np.unique is slow on this numpy); deterministic for a given generator.
    """
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < n:
        keys = np.sort(np.concatenate([keys, draw((n - len(keys)) * 11 // 10 + 8)]))
        keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]
    return rng.permutation(keys)[:n]
