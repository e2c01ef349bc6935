"""social_insurance: contribution records as a legacy department system exports them.

GBK-encoded, pinyin-abbreviation headers, one row per person x insurance type x year. The employer
column carries the enterprise registry's credit codes so the two resources can be linked (the
aggregation risk the pipeline has to detect).
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import polars as pl

from sample_data import regions
from sample_data.dates import birth_dates
from sample_data.defects import CUT_COLUMN
from sample_data.identifiers import mobiles, resident_ids
from sample_data.pools import Pools
from sample_data.strings import pick

COLUMNS = ["sfzh", "xm", "xb", "csrq", "lxdh", "xzqh", "dwtyshxydm", "hy", "jfjs", "jfys", "xzlx",
           "jfnd"]  # fmt: skip
INSURANCE_TYPES = ["企业职工基本养老保险", "职工基本医疗保险", "失业保险", "工伤保险", "生育保险"]
TYPE_COUNT_WEIGHTS = np.array([0.12, 0.18, 0.10, 0.10, 0.50])  # 1..5 types per person
TEXT_COLUMNS = ("xm", "xb", "hy", "xzlx")  # the columns holding Chinese text
TEXT_COLUMNS = ("xm", "xb", "hy", "xzlx")  # the columns holding Chinese text
BASE_MIN, BASE_MAX = 4462, 24930


def _persons_needed(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Types and years per person for just enough people to fill `rows` rows (last one cut)."""
    m = rows // 3 + 16
    while True:
        types = rng.choice(5, size=m, p=TYPE_COUNT_WEIGHTS) + 1
        years = np.where(rng.random(m) < 0.7, 2, 1)
        total = np.cumsum(types * years)
        if total[-1] >= rows:
            p = int(np.searchsorted(total, rows)) + 1
            return types[:p], years[:p]
        m *= 2


def build(
    rng: np.random.Generator,
    pools: Pools,
    rows: int,
    reference_date: dt.date,
    enterprises: pl.DataFrame,
) -> pl.DataFrame:
    """All twelve columns as strings, exactly `rows` rows, grouped by person."""
    types, years = _persons_needed(rng, rows)
    p = len(types)

    male = rng.random(p) < 0.53
    ages = np.arange(16, 66)
    age_w = np.exp(-(((ages - 38) / 14.0) ** 2))
    birth = birth_dates(rng, reference_date, ages, age_w, p)
    residence = regions.sample_districts(rng, p)
    sfzh = resident_ids(rng, regions.sample_birthplaces(rng, residence), birth, male)
    name = pools.names(rng, male)
    phone = mobiles(rng, p)

    # employers: active firms, a few large ones employ many (lognormal firm sizes)
    active = enterprises.filter(pl.col("登记状态").is_in(["存续", "在业"]))
    size = np.exp(rng.normal(0.0, 1.6, size=active.height))
    employer = rng.choice(active.height, size=p, p=size / size.sum())
    uscc = active["统一社会信用代码"].gather(employer)
    industry = active["行业门类"].gather(employer)

    base = np.exp(rng.normal(np.log(7200.0), 0.45, size=p))
    first_year = np.where(
        years == 2,
        reference_date.year - 2,
        reference_date.year - 2 + rng.integers(0, 2, size=p),
    )

    # expand people to rows; j = position of the row within its person
    per_person = types * years
    person = np.repeat(np.arange(p), per_person)[:rows]
    start = np.concatenate([[0], np.cumsum(per_person)[:-1]])
    j = np.arange(rows) - start[person]
    year_step = j // types[person]
    type_idx = j % types[person]
    base_row = base[person] * np.where(year_step == 1, 1.05, 1.0)
    jfjs = np.clip(np.round(base_row), BASE_MIN, BASE_MAX).astype(np.int64)
    months = np.where(rng.random(rows) < 0.86, 12, rng.integers(1, 12, size=rows))

    frame = pl.DataFrame(
        {
            "sfzh": sfzh.gather(person),
            "xm": name.gather(person),
            "xb": pick(["女", "男"], male[person].astype(np.int64)),
            "csrq": pl.Series(birth[person], dtype=pl.Date).cast(pl.String),
            "lxdh": phone.gather(person),
            "xzqh": pl.Series(residence[person]).cast(pl.String),
            "dwtyshxydm": uscc.gather(person),
            "hy": industry.gather(person),
            "jfjs": pl.Series(jfjs).cast(pl.String),
            "jfys": pl.Series(months).cast(pl.String),
            "xzlx": pick(INSURANCE_TYPES, type_idx),
            "jfnd": pl.Series(first_year[person] + year_step).cast(pl.String),
        }
    )
    # legacy systems are inconsistent about the check character: ~10% of X written as x
    lower = pl.Series(rng.random(rows) < 0.1)
    return frame.with_columns(
        pl.when(lower & pl.col("sfzh").str.ends_with("X"))
        .then(pl.col("sfzh").str.to_lowercase())
        .otherwise(pl.col("sfzh"))
        .alias("sfzh")
    )


def _as_gbk_bytes(frame: pl.DataFrame) -> pl.DataFrame:
    """Replace every non-ASCII value by its GBK bytes spelled as latin-1 characters.

    Encoding 100 MB of text with Python's GBK codec takes seconds; the non-ASCII columns have only
    a few thousand distinct values, so we encode those once and the final write is a latin-1
    encode, which is a plain byte copy.
    """
    out = []
    for name in COLUMNS:
        col = frame[name]
        if name in TEXT_COLUMNS or (col.str.len_bytes() != col.str.len_chars()).any():
            mapping = {v: v.encode("gbk").decode("latin-1") for v in col.unique().to_list()}
            col = col.replace_strict(mapping, return_dtype=pl.String)
        out.append(col)
    return pl.DataFrame(out)


def to_lines(frame: pl.DataFrame) -> pl.Series:
    """One comma-joined line per row in GBK-as-latin-1 form.

    Rows flagged by defects.CUT_COLUMN lose their last field. No generated value contains a quote
    or newline, so no quoting is needed.
    """
    if CUT_COLUMN in frame.columns:
        cut = frame[CUT_COLUMN]
    else:
        cut = pl.Series(np.zeros(frame.height, dtype=bool))
    enc = _as_gbk_bytes(frame).with_columns(pl.Series("_cut", cut))
    return enc.select(
        pl.when(pl.col("_cut"))
        .then(pl.concat_str(COLUMNS[:-1], separator=","))
        .otherwise(pl.concat_str(COLUMNS, separator=","))
    ).to_series()


def write(lines: pl.Series, path: str) -> None:
    """Header + lines as GBK bytes (lines come from to_lines, already GBK-as-latin-1)."""
    buf = io.BytesIO()
    pl.DataFrame({"line": lines}).write_csv(buf, include_header=False, quote_style="never")
    with open(path, "wb") as fh:
        fh.write((",".join(COLUMNS) + "\n").encode("gbk"))
        fh.write(buf.getvalue().decode("utf-8").encode("latin-1"))
