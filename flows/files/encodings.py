"""Which encoding a delivered CSV is in, and where a file that mixes two goes wrong.

Departments export in UTF-8 or GBK (read as GB18030, its superset). A file whose lines were
appended by two systems can hold both: the first line that does not fit is named, so the user
can re-export the file in one encoding.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from flows.errors import BuildError

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22
GBK = ("gbk", "gb18030")


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM) when the first megabyte decodes as UTF-8, else gb18030
    (a superset of GBK, which real department exports use)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    refuse_nul(path, sample)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    failed: dict[str, int] = {}
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError as exc:
            failed[encoding] = sample.count(b"\n", 0, exc.start) + 1
    utf8, gbk = failed["utf-8"], failed["gb18030"]
    raise BuildError(
        f"{path}: neither UTF-8 nor GBK/GB18030 throughout: line {utf8} is not valid UTF-8 and "
        f"line {gbk} is not valid GBK; if the file mixes the two, re-export it in one, else "
        "set resource.encoding in the policy"
    )


def refuse_nul(path: Path, head: bytes) -> None:
    """A NUL byte in the first bytes read: a binary or UTF-16 file, not a CSV."""
    at = head.find(b"\0")
    if at >= 0:
        utf16 = head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        raise nul_error(path, head.count(b"\n", 0, at) + 1, utf16=utf16)


def nul_error(path: Path, line: int, *, utf16: bool = False) -> BuildError:
    """A NUL byte means a binary or UTF-16 file, or a damaged export: never a CSV to read."""
    hint = (
        "the file is UTF-16; re-export it as UTF-8 or GBK"
        if utf16
        else "a CSV never holds one, so the file is binary or damaged: re-export it, or remove "
        "the NUL bytes (tr -d '\\000')"
    )
    return BuildError(f"{path}: line {line} holds a NUL byte (\\0); {hint}")


def first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The first line that is not valid `encoding`, decoding in chunks (only called once a
    read has failed, so its cost does not matter)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    before = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError as exc:
                return before + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
            before += chunk.count(b"\n")
    return None


def first_utf8_line(path: Path) -> int | None:
    """In a GBK file, the first line with Chinese text that is valid UTF-8 as a whole: GB18030
    decodes UTF-8 bytes without an error, into the wrong characters, so a mixed file has to
    be looked for. A whole GBK line of Chinese is almost never valid UTF-8 by chance."""
    line, tail = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            parts = (tail + chunk).split(b"\n")
            tail = parts.pop()
            for part in parts:
                line += 1
                if _is_utf8_text(part):
                    return line
    return line + 1 if _is_utf8_text(tail) else None


def _is_utf8_text(raw: bytes) -> bool:
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def mixed_encoding_error(path: Path, line: int, found: str, expected: str) -> BuildError:
    """The error for a file whose lines from `line` on are `found` where `expected` were."""
    return BuildError(
        f"{path}: line {line} is {found} while the lines before it are {expected}: the file "
        "mixes two encodings; re-export it in one (UTF-8 or GBK), or convert the odd lines "
        "with iconv"
    )
