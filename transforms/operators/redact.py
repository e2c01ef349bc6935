"""redact: free text kept, with the identifiers in it replaced (文本脱敏)."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from transforms.redact.redact import redact as redact_text
from transforms.redact.render import Action


def redact(
    column: pl.Expr,
    *,
    source_type: str,
    entities: Mapping[str, Action] | None = None,
    key: bytes | None = None,
) -> pl.Expr:
    """Each identifier in the text becomes its tag (<手机号>), a keyed pseudonym consistent
    across rows and resources (<姓名_kgmhpoab>), or stays, as `entities` says per entity.

    >>> df = pl.DataFrame({"t": ["王女士来电，手机13812345678", None]})
    >>> df.select(redact(pl.col("t"), source_type="string"))["t"].to_list()
    ['<姓名>女士来电，手机<手机号>', None]
    """
    return redact_text(column, actions=entities, key=key)
