"""Value evidence: which detectors recognise a column's values, as a share of its non-null
sample values. Whole-value matches say what the column *is*; embedded matches (scan_frame)
say what free text *contains*. Both are vectorised; no Python per cell."""

from __future__ import annotations

import polars as pl

from transforms.classify.lookalike import CHECKS, lookalike_aggs
from transforms.classify.stats import as_text
from transforms.classify.vocabulary import answer_expr, vocabulary_exprs
from transforms.detectors.normalize import compact_expr
from transforms.detectors.person_name import find_names, name_value_share
from transforms.detectors.registry import ALL_DETECTORS
from transforms.detectors.scan import scan_frame

CONTEXT_ONLY = frozenset({"CN_TAIWAN_PERMIT", "CN_POSTCODE"})
"""Bare 8- or 6-digit numbers: without a context word these say nothing (district codes
would all be postcodes), so they never count as whole-value evidence."""

NAME_SAMPLE = 500
"""Free texts segmented for person names (jieba runs about 1,000 texts/s): a seeded
sub-sample of this many, so classifying stays fast on a sample of thousands."""

MAX_CHARS = 10_000
"""Text beyond this many characters per cell is not scanned, to bound the cost of junk."""

SHAPES: dict[str, str] = {
    "DIAGNOSIS": r"^[A-TV-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?$",  # ICD-10 code
    "GENDER": r"^(?:男|女|男性|女性|未知|未说明|M|F|m|f|male|female|Male|Female)$",
    "CN_DISTRICT_CODE": r"^(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[12])[0-9]{4}$",
    "ORGANIZATION": (  # a legal-form or institution suffix after a 3+ character name
        r"^[\p{Han}A-Za-z0-9（）()·]{3,40}(?:公司|集团|合作社|事务所|工作室|银行|厂|店|中心"
        r"|医院|卫生院|诊所|学校|小学|中学|大学|学院|幼儿园|委员会|局|法院|检察院|研究院|研究所"
        r"|派出所|服务站|协会|商会|基金会)$"
    ),
}
"""Value shapes of entities no detector covers. District codes share the postcode shape,
so they need a table about people to count (CONTEXTUAL). Organisation names are known by
their legal-form or institution suffix (有限公司, 合作社, 医院 ...)."""


def whole_value_shares(series: pl.Series) -> dict[str, float]:
    """Share of non-null values whose compact form validates as each entity (a checksum
    pass or a "cannot tell" shape fit both count), plus the SHAPES, whole person names
    (shape:PERSON), the vocabularies (vocab:, of the values that answer) and the look-alike
    failure shares (lookalike:); zero shares omitted.

    >>> whole_value_shares(pl.Series(["110101199003077571", "13812345678", None]))
    {'CN_RESIDENT_ID': 0.5, 'CN_MOBILE': 0.5}
    """
    return frame_value_shares(series.rename("v").to_frame())["v"]


def _hit_exprs() -> dict[str, pl.Expr]:
    """Per value: does it validate as / fit each entity. Elementwise, so they run once over
    the stacked columns; only the means are taken per column."""
    cand, length = pl.col("c"), pl.col("c").str.len_chars()
    exprs = {}
    for name, det in ALL_DETECTORS.items():
        if name in CONTEXT_ONLY:
            continue
        fits = length.is_in(list(det.LENGTHS))
        hit = pl.when(fits).then(det.valid_expr(cand).fill_null(True)).otherwise(False)
        exprs[name] = hit.fill_null(False)
    for name, pattern in SHAPES.items():
        exprs[f"shape:{name}"] = pl.col("t").str.strip_chars().str.contains(pattern)
    return exprs


def frame_value_shares(frame: pl.DataFrame) -> dict[str, dict[str, float]]:
    """`whole_value_shares` of every column at once: the columns are stacked and grouped,
    so the detectors' large expression plan is built and run once per table, not once per
    column (the plan, not the rows, is most of the cost on a sample).

    >>> frame_value_shares(pl.DataFrame({"a": ["13812345678"], "b": [None]}, schema_overrides={"b": pl.String}))
    {'a': {'CN_MOBILE': 1.0}, 'b': {}}
    """  # noqa: E501
    texts = {
        name: as_text(frame[name]).drop_nulls().str.slice(0, MAX_CHARS) for name in frame.columns
    }
    parts = [
        pl.DataFrame({"k": pl.Series([i] * len(t), dtype=pl.UInt32), "t": t})
        for i, t in enumerate(texts.values())
        if len(t)
    ]
    out: dict[str, dict[str, float]] = {name: {} for name in frame.columns}
    if not parts:
        return out
    stacked = pl.concat(parts).with_columns(c=compact_expr(pl.col("t")), a=answer_expr(pl.col("t")))
    hits, vocab = _hit_exprs(), vocabulary_exprs(pl.col("a"))
    answered = ~pl.col("vocab:NEUTRAL")
    rows = (
        stacked.select("k", "t", **hits, **vocab)
        .group_by("k")
        .agg(
            pl.col(list(hits)).mean(),
            *(pl.col(v).filter(answered).mean() for v in vocab if v != "vocab:NEUTRAL"),
            **lookalike_aggs(pl.col("t"), {e: pl.col(e) for e in CHECKS}),
        )
    )
    names = list(texts)
    for row in rows.iter_rows(named=True):
        name = names[row.pop("k")]
        row["shape:PERSON"] = name_value_share(texts[name])
        out[name] = {k: float(v) for k, v in row.items() if v}
    return out


def embedded_shares(series: pl.Series) -> dict[str, tuple[int, float]]:
    """For free text: per entity found inside the values (all detectors, extra included,
    and PERSON), (rows with a finding, share of non-null rows). PERSON is counted on a
    seeded sub-sample of NAME_SAMPLE texts and scaled up.

    >>> embedded_shares(pl.Series(["请联系13812345678", "无", "市民王芳来电"]))
    {'CN_MOBILE': (1, 0.3333333333333333), 'PERSON': (1, 0.3333333333333333)}
    """
    text = as_text(series).str.slice(0, MAX_CHARS)
    n = text.len() - text.null_count()
    if n == 0:
        return {}
    found = scan_frame(pl.DataFrame({"v": text}), extra=True)
    counts = found.group_by("entity").agg(rows=pl.col("row").n_unique()).sort("entity")
    out = {e: (int(r), r / n) for e, r in counts.iter_rows()}
    share = _name_share(text.drop_nulls())
    if share:
        out["PERSON"] = (max(1, round(share * n)), share)
    return out


def _name_share(text: pl.Series) -> float:
    """Share of texts with a person name in them, from a seeded sub-sample."""
    if len(text) > NAME_SAMPLE:
        text = text.sample(NAME_SAMPLE, seed=0)
    found = find_names(text.to_list())
    return sum(1 for spans in found if spans) / len(text) if len(text) else 0.0
