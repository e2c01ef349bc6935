"""hotline_tickets: 12345 citizen-hotline tickets with free-text transcripts (UTF-8 CSV).

The `content` column is built from templates whose slots hold planted identifiers. Because every
segment's length is known, span offsets are cumulative sums of segment lengths (no searching), and
the spans are the ground truth for the free-text detectors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import polars as pl

from sample_data import regions, text_forms
from sample_data.dates import weighted_days
from sample_data.identifiers import bank_cards, mobiles, plates
from sample_data.pools import Pools
from sample_data.strings import lookup, pick

# (category, relative weight, template); {SLOT}s are filled per row, everything else is literal
TEMPLATES: tuple[tuple[str, float, str], ...] = (
    ("投诉", 10, "市民{CALLER}来电反映{ADDRESS}附近工地夜间施工噪音扰民，联系电话{PHONE}。"),
    ("咨询", 10, "来电人{CALLER}（身份证号{ID}）咨询社保转移接续办理流程，回访电话{PHONE}。"),
    ("投诉", 7, "{CALLER}投诉车牌号为{PLATE}的车辆长期占用小区消防通道，地址：{ADDRESS}。"),
    ("咨询", 9, "咨询公积金提取政策，来电人未留联系方式。"),
    ("求助", 5, "反映{ADDRESS}路灯损坏多日，夜间出行不便，请尽快维修。"),
    ("求助", 3, "市民称其银行卡{BANK}被他人冒用，已向派出所报案，身份证号码{ID}，手机{PHONE}。"),
    ("建议", 6, "建议在{ADDRESS}增设公交站点，方便周边居民出行。"),
    ("举报", 5, "举报{ADDRESS}一商户无证经营，举报人{CALLER}，联系电话{LANDLINE}。"),
    ("表扬", 4, "来电人{CALLER}表扬工作人员{NAME}服务热情、办事高效，电话{PHONE}。"),
    ("求助", 4, "家属{CALLER}求助：老人{NAME}今日上午走失，联系电话{PHONE}，备用电话{MOBILE}。"),
    ("咨询", 8, "咨询医保异地就医备案需要准备哪些材料。"),
    ("咨询", 6, "{CALLER}反映子女入学报名问题，孩子身份证{CHILD_ID}，住{ADDRESS}，电话{PHONE}。"),
    ("投诉", 6, "投诉出租车{PLATE}拒载，乘客{CALLER}，联系方式{PHONE}。"),
    ("求助", 4, "企业联系人{CALLER}来电，单位座机{LANDLINE}，反映稳岗补贴尚未到账。"),
    ("建议", 5, "关于垃圾分类投放点设置的建议，来电人不愿透露姓名。"),
    ("投诉", 5, "{CALLER}称邻居{NAME}楼道堆物，住址{ADDRESS}，电话{PHONE}，对方电话{MOBILE}。"),
    ("举报", 3, "举报车辆{PLATE}在{ADDRESS}违规排放黑烟，举报人要求匿名。"),
)  # fmt: skip

SLOT_ENTITY = {
    "CALLER": "PERSON",
    "NAME": "PERSON",
    "PHONE": "CN_MOBILE",
    "MOBILE": "CN_MOBILE",
    "LANDLINE": "CN_LANDLINE",
    "ID": "CN_RESIDENT_ID",
    "CHILD_ID": "CN_RESIDENT_ID",
    "PLATE": "CN_PLATE",
    "ADDRESS": "ADDRESS",
    "BANK": "CN_BANK_CARD",
}
_SLOT = re.compile(r"\{([A-Z_]+)\}")
SPAN_SCHEMA = {
    "resource": pl.String,
    "column": pl.String,
    "row_key": pl.String,
    "start": pl.Int64,
    "end": pl.Int64,
    "entity": pl.String,
    "text": pl.String,
}
HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 10, 22, 30, 30, 26, 18, 20, 26, 26, 24, 20, 14, 12, 10, 7, 4, 2], float
)
SATISFACTION_WEIGHTS = np.array([0.05, 0.05, 0.12, 0.28, 0.50])


def _segments(template: str) -> list[tuple[bool, str]]:
    """(is_slot, text) pieces: literal text and slot names alternate."""
    parts = _SLOT.split(template)
    return [(i % 2 == 1, p) for i, p in enumerate(parts) if p]


def _slot_values(
    rng: np.random.Generator, pools: Pools, sub: pl.DataFrame, ref: dt.date
) -> dict[str, Callable[[], pl.Series]]:
    """Renderers for each slot kind, for the rows of one template."""
    n = sub.height
    district = sub["district"].cast(pl.Int64).to_numpy()
    city_letter = lookup(regions.CITY_LETTERS, regions.city_index(district))
    any_letter = lookup("ABCDEFGHJKL", rng.integers(0, 11, size=n))
    return {
        "CALLER": lambda: sub["caller_name"],
        "NAME": lambda: pools.any_names(rng, n),
        "PHONE": lambda: text_forms.mobile_forms(rng, sub["caller_phone"]),
        "MOBILE": lambda: text_forms.mobile_forms(rng, mobiles(rng, n)),
        "LANDLINE": lambda: text_forms.landline_forms(rng, district),
        "ID": lambda: text_forms.id_forms(rng, text_forms.random_ids(rng, district, ref, 18)),
        "CHILD_ID": lambda: text_forms.id_forms(
            rng, text_forms.random_ids(rng, district, ref, 6, 15)
        ),
        "PLATE": lambda: plates(rng, np.where(rng.random(n) < 0.8, city_letter, any_letter)),
        "ADDRESS": lambda: text_forms.addresses(rng, pools, district),
        "BANK": lambda: bank_cards(rng, n),
    }


def _fill(
    rng: np.random.Generator,
    pools: Pools,
    frame: pl.DataFrame,
    rows: np.ndarray,
    template: str,
    ref: dt.date,
) -> tuple[pl.Series, pl.DataFrame]:
    """Content strings for the given rows of one template, and the spans of the planted values."""
    sub = frame[rows]
    render = _slot_values(rng, pools, sub, ref)
    pieces: list[pl.Series | pl.Expr] = []
    spans = []
    pos = pl.Series(np.zeros(sub.height, dtype=np.int64))
    for is_slot, text in _segments(template):
        if not is_slot:
            pieces.append(pl.lit(text))
            pos = pos + len(text)
            continue
        value = render[text]()
        end = pos + value.str.len_chars().cast(pl.Int64)
        spans.append(
            pl.DataFrame(
                {
                    "_row": rows,
                    "row_key": sub["ticket_id"],
                    "start": pos,
                    "end": end,
                    "entity": pl.repeat(SLOT_ENTITY[text], sub.height, eager=True),
                    "text": value,
                }
            )
        )
        pieces.append(value)
        pos = end
    if not spans:  # no personal data at all: the template text itself
        return pl.repeat(template, sub.height, eager=True), pl.DataFrame()
    content = sub.select(pl.concat_str(pieces)).to_series()
    return content, pl.concat(spans)


def _times(rng: np.random.Generator, n: int, year: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted creation times within `year` (office-hour heavy) and closing times (NaT if open)."""
    day = weighted_days(rng, year, n, weekend=0.55).astype("datetime64[us]")
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    created = np.sort(
        day
        + (hour * 3600 + rng.integers(0, 3600, size=n))
        .astype("timedelta64[s]")
        .astype("timedelta64[us]")
    )
    duration = np.maximum(np.exp(rng.normal(np.log(30 * 3600), 1.2, size=n)), 600)
    closed = created + duration.astype(np.int64).astype("timedelta64[s]").astype("timedelta64[us]")
    closed[rng.random(n) < 0.05] = np.datetime64("NaT")
    return created, closed


def build(
    rng: np.random.Generator, pools: Pools, n: int, reference_date: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The tickets frame and the spans of identifiers planted in `content`."""
    year = reference_date.year - 1
    created, closed = _times(rng, n, year)
    created_s = pl.Series("created_at", created, dtype=pl.Datetime("us"))
    day = pl.col("created_at").dt.date()
    seq = pl.int_range(1, pl.len() + 1).over(day).cast(pl.String).str.zfill(6)
    ticket_id = (
        created_s.to_frame()
        .select(pl.concat_str([pl.lit("12345-"), day.dt.strftime("%Y%m%d"), pl.lit("-"), seq]))
        .to_series()
    )
    male = rng.random(n) < 0.5
    district = regions.sample_districts(rng, n)
    is_closed = ~np.isnat(closed)
    score = rng.choice(5, size=n, p=SATISFACTION_WEIGHTS) + 1
    rated = is_closed & (rng.random(n) < 0.75)
    weights = np.array([t[1] for t in TEMPLATES], dtype=float)
    template = rng.choice(len(TEMPLATES), size=n, p=weights / weights.sum())
    frame = pl.DataFrame(
        {
            "ticket_id": ticket_id,
            "caller_name": pools.names(rng, male),
            "caller_phone": mobiles(rng, n),
            "district": pl.Series(district).cast(pl.String),
            "category": pick([t[0] for t in TEMPLATES], template),
            "created_at": created_s,
            "closed_at": pl.Series(closed, dtype=pl.Datetime("us")),
            "satisfaction": pl.Series(np.where(rated, score, 0)).cast(pl.Int64),
        }
    ).with_columns(
        pl.when(pl.Series(rated)).then(pl.col("satisfaction")).alias("satisfaction"),
    )
    contents, spans, placed = [], [], []
    for t, (_, _, text) in enumerate(TEMPLATES):
        rows = np.flatnonzero(template == t)
        if len(rows) == 0:
            continue
        content, span = _fill(rng, pools, frame, rows, text, reference_date)
        contents.append(content)
        placed.append(rows)
        if span.height:
            spans.append(span)
    back = np.empty(n, dtype=np.int64)  # position of each row in the concatenated contents
    back[np.concatenate(placed)] = np.arange(n)
    frame = frame.insert_column(5, pl.concat(contents).gather(back).alias("content"))
    # rows are in ticket_id order, so sorting by row position orders spans by ticket
    span_frame = (
        pl.concat(spans)
        .sort("_row", "start")
        .select(
            resource=pl.lit("hotline_tickets"),
            column=pl.lit("content"),
            row_key="row_key",
            start="start",
            end="end",
            entity="entity",
            text="text",
        )
    )
    return frame, span_frame.cast(SPAN_SCHEMA)  # type: ignore[arg-type]


def write(frame: pl.DataFrame, path: str) -> None:
    """UTF-8 CSV; open tickets and unrated ones have empty cells."""
    frame.write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")
