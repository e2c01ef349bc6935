"""The bad input corpus's files, made at test time (a 9 MB value is not a fixture to commit):
the good delivery of the corpus's resource, and the ways a delivery goes wrong."""

from __future__ import annotations

import random
import textwrap

from tests.conftest import MINIMAL

POLICY = textwrap.dedent(MINIMAL).lstrip()
"""The corpus's resource: `visits` from raw/visits.csv, with one open product."""
HEADER = "patient_id,age,cost"
ROWS = 300


def rows(n: int = ROWS, *, seed: int = 1, prefix: str = "P") -> list[str]:
    """`n` good data lines: a patient, an age, a cost."""
    rng = random.Random(seed)
    return [f"{prefix}{i:05d},{rng.randint(20, 79)},{rng.randint(10, 900) / 10}" for i in range(n)]


def csv(lines: list[str], *, header: str = HEADER, end: str = "\n") -> bytes:
    """A UTF-8 CSV of `lines` under `header`."""
    return (end.join([header, *lines]) + end).encode()


GOOD = csv(rows())


def with_line(number: int, text: str, n: int = ROWS) -> bytes:
    """The good file with physical line `number` (the header is line 1) replaced by `text`."""
    lines = rows(n)
    lines[number - 2] = text
    return csv(lines)


def unbalanced_quote(line: int = 8, end: str = "\n") -> bytes:
    """A double quote opened on `line` and never closed."""
    lines = rows()
    lines[line - 2] = lines[line - 2].replace(",", ',"', 1)
    return csv(lines, end=end)


def quoted_newlines() -> bytes:
    """A valid file whose patient ids hold line breaks inside quotes."""
    lines = rows()
    for i in range(0, ROWS, 10):
        pid, rest = lines[i].split(",", 1)
        lines[i] = f'"{pid}\nward {i}",{rest}'
    return csv(lines)


def bad_ages(share: float) -> bytes:
    """The good file with `share` of its ages unreadable."""
    lines = rows()
    for i in range(int(ROWS * share)):
        pid, _, cost = lines[i].split(",")
        lines[i] = f"{pid},unknown,{cost}"
    return csv(lines)


def chinese(n: int = ROWS) -> list[str]:
    """Good lines whose patients have Chinese identifiers."""
    return [line.replace("P", "患者", 1) for line in rows(n)]


def gbk() -> bytes:
    """A valid GBK file."""
    return ("\n".join([HEADER, *chinese()]) + "\n").encode("gbk")


def gbk_then_utf8(at: int = 150, name: str = "患者") -> bytes:
    """GBK lines, with one line (physical line `at`) appended by a UTF-8 system. Some names
    in UTF-8 (张伟) are also valid GBK bytes, which decode without an error, wrongly."""
    lines = [line.encode("gbk") for line in [HEADER, *chinese()]]
    lines[at - 1] = f"{name}{at:05d},40,12.5".encode()
    return b"\n".join(lines) + b"\n"


def utf8_then_gbk() -> tuple[bytes, int]:
    """More than the megabyte encoding detection reads in UTF-8, then a GBK line; and the
    line number of the GBK line."""
    lines = chinese(60_000)
    body = ("\n".join([HEADER, *lines]) + "\n").encode()
    return body + "患者99999,40,12.5\n".encode("gbk"), len(lines) + 2


def huge_value(size: int = 2 << 20, line: int = 5) -> bytes:
    """A `size`-byte value on one line."""
    return with_line(line, f"P{'x' * size},40,12.5")


def huge_multiline_value(size: int = 9 << 20) -> bytes:
    """A quoted value larger than a read block, in short lines."""
    chunk = "x" * 1023 + "\n"
    value = chunk * (size // len(chunk))
    lines = rows(20)
    lines[3] = f'"{value}",40,12.5'
    return csv(lines)


def binary() -> bytes:
    """A PNG's first bytes, as a mislabelled export would hold."""
    return bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 4


def utf16() -> bytes:
    """The good file in UTF-16, with its byte-order mark."""
    return GOOD.decode().encode("utf-16")


def policy_with(old: str, new: str) -> str:
    """The corpus policy with one text replaced (it must be there)."""
    assert old in POLICY, old
    return POLICY.replace(old, new)


def resource_key(line: str) -> str:
    """The corpus policy with one more line under `resource:`."""
    return policy_with("  update_frequency: weekly\n", f"  update_frequency: weekly\n  {line}\n")
