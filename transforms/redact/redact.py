"""redact: the whole pipeline of a free-text column as one lazy expression. Identifiers with
letters first (e-mail, codes, plates), then numbers with and without separators (checksums
decide), then names and addresses (jieba, one text at a time, a large column on every core),
then the rendering."""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from transforms.detectors.normalize import normalize_expr
from transforms.redact.cores import mark_all
from transforms.redact.digits import mark_numbers
from transforms.redact.entities import MARKED, marked
from transforms.redact.people import find_people
from transforms.redact.render import Action, render
from transforms.redact.shapes import mark_shapes

_SEGMENTS = f"({MARKED})"


def _mark_person(text: str) -> str:
    """`text` with the names and addresses of its unmarked segments marked."""
    out = []
    for part in re.split(_SEGMENTS, text):
        if not part or part.startswith(MARKED[0]):
            out.append(part)
            continue
        at = 0
        for start, end, entity in find_people(part):
            out.append(part[at:start] + marked(entity, part[start:end]))
            at = end
        out.append(part[at:])
    return "".join(out)


def _people(batch: pl.Series) -> pl.Series:
    """Each distinct text once (tickets repeat their wording more often than not), on every
    core for a large column."""
    texts = batch.drop_nulls().unique().to_list()
    done = dict(zip(texts, mark_all(texts, _mark_person), strict=True))
    return batch.replace_strict(done, default=None, return_dtype=pl.String)


def mark_identifiers(text: pl.Expr, *, people: bool = True) -> pl.Expr:
    """`text` (full-width letters and digits made ASCII) with every identifier found marked."""
    found = mark_numbers(mark_shapes(normalize_expr(text.cast(pl.String))))
    return found.map_batches(_people, return_dtype=pl.String) if people else found


def redact(
    text: pl.Expr,
    *,
    actions: Mapping[str, Action] | None = None,
    key: bytes | None = None,
    people: bool = True,
) -> pl.Expr:
    """Free text with each identifier replaced by its tag, a keyed pseudonym, or kept, per
    entity (`actions`, default: tag); `people=False` skips names and addresses.

    >>> s = pl.Series(["来电人王芳反映，电话138 1234 5678，家住文三路478号", None])
    >>> pl.select(redact(pl.lit(s))).to_series().to_list()
    ['来电人<姓名>反映，电话<手机号>，家住<地址>', None]
    """
    return render(mark_identifiers(text, people=people), actions or {}, key)
