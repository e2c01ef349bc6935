"""Vectorised scan of a whole frame for identifiers, used by the egress gate.

How candidates are made (all polars expressions, no Python per cell):
1. String and integer columns are stacked into (col, row, text); rows without a digit are
   dropped, full-width characters are mapped to ASCII.
2. Digit chunks are extracted: digit groups joined by 1-3 spaces or hyphens; a group after a
   separator needs 3+ digits, so dates (2025-03-12) split apart. An x/X is kept only where an
   ID's check char can stand (after 17 digits, or closing an 11- or 3-digit group).
3. Every window of 1-6 consecutive groups of a chunk, joined without separators, is a
   candidate if its length fits some detector: "138 1234 5678" yields 13812345678, and
   "110101199003077571 13812345678" yields both identifiers.
4. ASCII-alphanumeric tokens of exactly 18 chars (between ASCII word boundaries, so Chinese
   characters around them are fine) are USCC candidates.
5. Each detector's `valid_expr` judges the candidates of its lengths; True and None ("cannot
   tell": mobiles, legacy 15-digit IDs) are both findings, the gate errs on the safe side.
6. Overlapping findings in one chunk are resolved greedily: certain before uncertain, then
   registry precedence (resident ID > USCC > bank card > mobile), then the longer span.

With `extra=True` the opt-in EXTRA_DETECTORS can be asked for too (all of them when
`entities` is None). Those without SCAN_PATTERN (CN_LANDLINE) join the digit path; the others
go through `pattern_scan` (one `str.extract_all` each over all non-null texts, digits or not).
CN_TAIWAN_PERMIT and CN_POSTCODE patterns require a context word before the digits, so a bare
8- or 6-digit number is never reported as either. Without `extra` nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from transforms.detectors.base import Detector
from transforms.detectors.normalize import normalize_expr
from transforms.detectors.pattern_scan import dedupe_values, pattern_candidates
from transforms.detectors.registry import ALL_DETECTORS, DETECTORS, get_detector

MAX_GROUPS = 6
"""Most separator-delimited groups one identifier is written in (6222 0212 3456 7890 128)."""
_X_GROUP = r"[0-9]{17}[Xx]|[0-9]{11}[Xx]|[0-9]{3}[Xx]"  # where an ID's check X can close a group
_GROUP = rf"{_X_GROUP}|[0-9]+"
_CHUNK = rf"(?:{_GROUP})(?:[ \-]{{1,3}}(?:{_X_GROUP}|[0-9]{{3,}}))*"
_TOKEN = r"(?-u:\b)[0-9A-Za-z]{18}(?-u:\b)"
_KEYS = ["col", "row", "k"]
OUTPUT_SCHEMA = {"column": pl.String, "row": pl.Int64, "entity": pl.String, "masked": pl.String}


def mask_expr(expr: pl.Expr) -> pl.Expr:
    """Show only the first 3 and last 2 characters, so a report can point without leaking.

    >>> pl.select(mask_expr(pl.Series(["13812345678", "abc", None]))).to_series().to_list()
    ['138******78', '***', None]
    """
    n = expr.str.len_chars()
    stars = expr.str.slice(0, 0).str.pad_end(pl.when(n > 5).then(n - 5).otherwise(n), "*")
    shown = pl.concat_str(expr.str.slice(0, 3), stars, expr.str.slice(-2))
    return pl.when(n > 5).then(shown).otherwise(stars)


def _scannable(dtype: pl.DataType) -> bool:
    return dtype == pl.String or dtype.is_integer() or isinstance(dtype, pl.Categorical | pl.Enum)


def _select_columns(schema: pl.Schema, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return [name for name, dtype in schema.items() if _scannable(dtype)]
    missing = [c for c in columns if c not in schema]
    if missing:
        raise ValueError(f"columns not in frame: {missing}; frame has {list(schema)}")
    bad = [f"{c} ({schema[c]})" for c in columns if not _scannable(schema[c])]
    if bad:
        raise ValueError(f"cannot scan non-text, non-integer columns: {bad}")
    return list(columns)


def _select_detectors(entities: Sequence[str] | None, extra: bool) -> list[Detector]:
    pool = ALL_DETECTORS if extra else DETECTORS
    if entities is None:
        return list(pool.values())  # precedence order
    wanted = {get_detector(e, extra=extra).ENTITY for e in entities}
    return [d for name, d in pool.items() if name in wanted]


def _digit_windows(texts: pl.LazyFrame, lengths: list[int]) -> pl.LazyFrame:
    chunks = (
        texts.select("col", "row", chunk=pl.col("text").str.extract_all(_CHUNK))
        .with_columns(k=pl.int_ranges(0, pl.col("chunk").list.len(), dtype=pl.Int32))
        .explode("chunk", "k")
        .filter(pl.col("chunk").str.len_bytes() >= min(lengths))  # ASCII; a cheap prefilter
    )
    split = pl.col("chunk").str.contains("[ -]")
    single = chunks.filter(~split).select(
        *_KEYS, s=pl.lit(0, pl.Int32), w=pl.lit(1, pl.Int32), cand="chunk"
    )
    groups, s = pl.col("groups"), pl.col("s")
    multi = (
        chunks.filter(split)
        .with_columns(groups=pl.col("chunk").str.extract_all(_GROUP))
        .with_columns(s=pl.int_ranges(0, groups.list.len()))
        .explode("s")
        .with_columns(w=pl.int_ranges(1, pl.min_horizontal(MAX_GROUPS, groups.list.len() - s) + 1))
        .explode("w")
        .select(
            *_KEYS,
            pl.col("s", "w").cast(pl.Int32),
            cand=groups.list.slice(s, pl.col("w")).list.join(""),
        )
    )
    return (
        pl.concat([single, multi])
        .with_columns(pl.col("cand").str.replace("x", "X", literal=True))
        .filter(pl.col("cand").str.len_chars().is_in(lengths))
    )


def _uscc_tokens(texts: pl.LazyFrame) -> pl.LazyFrame:
    tokens = pl.col("cand")
    return (
        texts.select("col", "row", cand=pl.col("text").str.extract_all(_TOKEN))
        .with_columns(k=pl.int_ranges(-1, -1 - tokens.list.len(), -1, dtype=pl.Int32))
        .explode("cand", "k")
        .drop_nulls("cand")
        .with_columns(tokens.str.to_uppercase())
        .filter(~tokens.str.contains(r"^[0-9]{17}[0-9X]$"))  # already a digit candidate
        .select(*_KEYS, s=pl.lit(0, pl.Int32), w=pl.lit(1, pl.Int32), cand=tokens)
    )


def _judge(cands: pl.LazyFrame, detectors: list[Detector]) -> pl.LazyFrame:
    parts = []
    for det in detectors:
        precedence = list(ALL_DETECTORS).index(det.ENTITY)
        verdict = det.valid_expr(pl.col("cand"))
        parts.append(
            cands.filter(pl.col("cand").str.len_chars().is_in(list(det.LENGTHS)))
            .with_columns(v=verdict)
            .filter(pl.col("v").fill_null(True))
            .select(
                *_KEYS,
                "s",
                "w",
                "cand",
                entity=pl.lit(det.ENTITY),
                certain=pl.col("v").fill_null(False),
                precedence=pl.lit(precedence, pl.Int32),
            )
        )
    return pl.concat(parts)


def _overlaps(suffix: str) -> pl.Expr:
    s, w = pl.col("s"), pl.col("w")
    so, wo = pl.col(f"s{suffix}"), pl.col(f"w{suffix}")
    return (s < so + wo) & (so < s + w)


def _resolve(found: pl.DataFrame) -> pl.DataFrame:
    """Greedy: keep the best-ranked finding, drop what overlaps it, repeat."""
    alone = pl.len().over(_KEYS) == 1
    kept = [found.filter(alone)]
    rest = found.filter(~alone).sort(
        "certain",
        "precedence",
        pl.col("cand").str.len_chars(),
        "s",
        descending=[True, False, True, False],
    )
    rest = rest.with_row_index("rank")
    while rest.height:
        pairs = rest.join(rest, on=_KEYS, suffix="_o")
        beaten = pairs.filter(_overlaps("_o") & (pl.col("rank_o") < pl.col("rank")))
        best = rest.join(beaten.select("rank").unique(), on="rank", how="anti")
        kept.append(best)
        hit = rest.join(best, on=_KEYS, suffix="_o").filter(_overlaps("_o"))
        rest = rest.join(hit.select("rank").unique(), on="rank", how="anti")
    return pl.concat([k.drop("rank", strict=False) for k in kept])


def scan_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    entities: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    extra: bool = False,
) -> pl.DataFrame:
    """One row per identifier found: column, row (0-based), entity, masked value.
    `extra` admits the opt-in EXTRA_DETECTORS (module docstring).

    >>> df = pl.DataFrame({"note": ["身份证号110101199003077571联系", None, "2025-03-12"]})
    >>> scan_frame(df).rows()
    [('note', 0, 'CN_RESIDENT_ID', '110*************71')]
    """
    lf = frame.lazy()
    names = _select_columns(lf.collect_schema(), columns)
    detectors = _select_detectors(entities, extra)
    if not names or not detectors:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    stacked = pl.concat(
        lf.select(
            col=pl.lit(i, pl.Int32),
            row=pl.int_range(pl.len(), dtype=pl.Int64),
            text=pl.col(name).cast(pl.String),
        )
        for i, name in enumerate(names)
    )
    digit_dets = [d for d in detectors if d.SCAN_PATTERN is None]
    judged = []
    if digit_dets:
        texts = (
            stacked.filter(pl.col("text").str.contains("[0-9０-９]"))
            .with_columns(normalize_expr(pl.col("text")))
            .collect()
            .lazy()
        )
        lengths = sorted(set().union(*(d.LENGTHS for d in digit_dets)))
        windows = _digit_windows(texts, lengths).collect().lazy()  # once, not once per detector
        judged.append(_judge(windows, digit_dets))
        uscc = [d for d in digit_dets if d.ENTITY == "CN_USCC"]
        if uscc:
            judged.append(_judge(_uscc_tokens(texts), uscc))
    pattern_dets = [d for d in detectors if d.SCAN_PATTERN is not None]
    if pattern_dets:
        all_texts = stacked.drop_nulls("text").with_columns(normalize_expr(pl.col("text")))
        all_texts = all_texts.collect().lazy()
        parts = [
            _judge(pattern_candidates(all_texts, d, i), [d]) for i, d in enumerate(pattern_dets)
        ]
        judged.append(dedupe_values(pl.concat(parts).collect()).lazy())
    found = _resolve(pl.concat(judged).collect())
    return found.sort("col", "row", "k", "s").select(
        column=pl.col("col").replace_strict(dict(enumerate(names)), return_dtype=pl.String),
        row="row",
        entity="entity",
        masked=mask_expr(pl.col("cand")),
    )


def contains_any(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    entities: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    extra: bool = False,
) -> bool:
    """Whether any identifier is present: the egress gate's yes/no question."""
    return scan_frame(frame, entities=entities, columns=columns, extra=extra).height > 0


def count_findings(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    entities: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    extra: bool = False,
) -> pl.DataFrame:
    """Findings per column and entity, for a gate report that shows where, not what."""
    found = scan_frame(frame, entities=entities, columns=columns, extra=extra)
    return found.group_by("column", "entity", maintain_order=True).agg(n=pl.len())
