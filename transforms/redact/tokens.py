"""Marking spans over a whole column in one expression: each text is cut into marked spans,
candidate tokens and filler (`str.extract_all` over an alternation that covers every
character), a judge names the entity of each candidate or returns null, and the pieces are
joined again (`list.eval`, no Python per cell)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from transforms.detectors.base import Detector
from transforms.detectors.registry import ALL_DETECTORS
from transforms.redact.entities import CODES, MARK_CLOSE, MARK_OPEN, MARKED

Judge = Callable[[pl.Expr], pl.Expr]
"""From a candidate token to the code of its entity (CODES), or null when it is none."""


def mark_tokens(text: pl.Expr, token: str, filler: str, judge: Judge) -> pl.Expr:
    """Wrap every `token` match the judge names in its entity's mark; marked spans are left
    alone, `filler` (a run that cannot start a token) and single characters pass through.

    >>> from transforms.redact.entities import shown
    >>> digits = lambda t: pl.when(t.str.len_chars() == 3).then(pl.lit(CODES["PERSON"]))
    >>> s = pl.Series(["a123b45", None, ""])
    >>> out = pl.select(mark_tokens(pl.lit(s), "[0-9]+", "[^0-9]+", digits)).to_series()
    >>> [shown(v) for v in out]
    ['a[PERSON:123]b45', None, '']
    """
    pattern = f"{MARKED}|{token}|{filler}|(?s:.)"
    is_token = f"^(?:{token})$"

    def marked(texts: pl.Series) -> pl.Series:
        piece = pl.col("piece")
        code = judge(piece)
        wrapped = pl.concat_str(pl.lit(MARK_OPEN), code, piece, pl.lit(MARK_CLOSE))
        pieces = (
            texts.to_frame("text")
            .with_row_index("row")
            .select("row", piece=pl.col("text").str.extract_all(pattern))
            .explode("piece", empty_as_null=True)
            .with_row_index("at")
        )
        candidate = piece.str.contains(is_token)
        judged = pieces.filter(candidate).with_columns(
            pl.when(code.is_null()).then(piece).otherwise(wrapped).alias("piece")
        )
        joined = (
            pl.concat([pieces.filter(~candidate | piece.is_null()), judged])
            .sort("at")
            .group_by("row", maintain_order=True)
            .agg(pl.col("piece").str.join(""))
        )
        return joined.select(pl.when(texts.is_not_null()).then("piece")).to_series()

    return text.map_batches(marked, return_dtype=pl.String)


def first_valid(entities: Sequence[str], candidate: Callable[[Detector], pl.Expr]) -> pl.Expr:
    """The code of the first entity (in precedence order) whose detector accepts the token
    as `candidate` makes it for that detector, or null."""
    chain = None
    for entity in entities:
        det = ALL_DETECTORS[entity]
        text = candidate(det)
        fits = text.str.len_chars().is_in(sorted(det.LENGTHS)) & det.valid_expr(text).fill_null(
            True
        )
        code = pl.lit(CODES[entity])
        chain = pl.when(fits).then(code) if chain is None else chain.when(fits).then(code)
    assert chain is not None, "no entities to judge"
    return chain.otherwise(pl.lit(None, pl.String))
