"""Rendering marked text: each marked span becomes its entity's tag (<手机号>), a keyed
pseudonym (<手机号_kgmhpoab>) or itself, as the policy says, in one vectorised pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import polars as pl
import polars_hash  # noqa: F401  (registers the vectorised `chash` namespace)

from transforms.detectors.normalize import compact_expr
from transforms.redact.entities import CODES, MARK_OPEN, MARKED, TAGS

Action = Literal["tag", "pseudonym", "keep"]
PSEUDONYM_LENGTH = 8
"""Letters of a pseudonym: 16**8 values, so two people of one text rarely share one."""
_HEX_DIGITS = [str(d) for d in range(10)]
_LETTERS = list("ghijklmnop")
"""Hex digits written as letters, so a pseudonym never adds a digit run to scan."""


def pseudonym_expr(value: pl.Expr, key: bytes) -> pl.Expr:
    """The keyed pseudonym of a span: HMAC-SHA256 of its compact form (full-width, spaces,
    hyphens and letter case unified, so 138 1234 5678 and 13812345678 agree) in letters.

    >>> s = pl.Series(["138 1234 5678", "13812345678"])
    >>> out = pl.select(pseudonym_expr(pl.lit(s), b"k" * 32)).to_series()
    >>> out[0] == out[1], len(out[0]), out[0].isalpha()
    (True, 8, True)
    """
    digest = compact_expr(value).chash.hmac_sha256(key=key.hex())
    return digest.str.slice(0, PSEUDONYM_LENGTH).str.replace_many(_HEX_DIGITS, _LETTERS)


def _replacement(entity: str, action: Action, value: pl.Expr, key: bytes | None) -> pl.Expr:
    if action == "keep":
        return value
    if action == "tag":
        return pl.lit(f"<{TAGS[entity]}>")
    if key is None:
        raise ValueError(f"pseudonyms of {entity} need a key")
    return pl.concat_str(pl.lit(f"<{TAGS[entity]}_"), pseudonym_expr(value, key), pl.lit(">"))


def render(marked: pl.Expr, actions: Mapping[str, Action], key: bytes | None) -> pl.Expr:
    """Replace every marked span; entities missing from `actions` are tagged.

    >>> from transforms.redact.entities import marked as m
    >>> s = pl.Series(["市民" + m("PERSON", "王芳") + "电话" + m("CN_MOBILE", "13812345678"), None])
    >>> pl.select(render(pl.lit(s), {}, None)).to_series().to_list()
    ['市民<姓名>电话<手机号>', None]
    """
    element = pl.element()
    code, value = element.str.slice(1, 1), element.str.slice(2, element.str.len_chars() - 3)
    chain = pl.when(~element.str.starts_with(MARK_OPEN)).then(element)
    for entity, c in CODES.items():
        action = actions.get(entity, "tag")
        chain = chain.when(code == c).then(_replacement(entity, action, value, key))
    pieces = marked.str.extract_all(f"{MARKED}|[^{MARK_OPEN}]+")
    return pieces.list.eval(chain.otherwise(element)).list.join("")
