"""A second generator for classification, kept apart from sample_data: five tables of a city's
other departments (community health, a survey, a logistics ledger, an online shop, job
postings), each written three times with Chinese, pinyin-initial and opaque (col_01) headers,
as UTF-8 or GBK CSV or Parquet, with look-alike traps, and the truth of every column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import polars as pl

from classify_eval import lists as L
from classify_eval import values as V

D, Q, S, N = "direct_identifier", "quasi_identifier", "sensitive_attribute", "non_personal"
STYLES = ("chinese", "pinyin", "opaque")
Row = dict[str, Any]


@dataclass(frozen=True)
class Col:
    """One column: its headers in two styles, its truth, and whether it is a trap."""

    zh: str
    py: str
    category: str
    entity: str
    sensitive: bool = False
    trap: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    form: str  # "utf-8", "gbk" (CSV) or "parquet"
    columns: tuple[Col, ...]
    row: Callable[[Random, int], tuple[Any, ...]]


def _maybe(rng: Random, value: Any, blank: float = 0.03) -> Any:
    """Missing values as exports write them: empty, a dash, 无."""
    return rng.choice(("", "-", "无")) if rng.random() < blank else value


def _resident(rng: Random, i: int) -> tuple[Any, ...]:
    born = V.birth(rng)
    visit = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
    diagnosis = rng.choice(L.ICD_WITH_NAME) if rng.random() < 0.1 else rng.choice(L.DISEASES)
    return (
        V.resident_id(rng, born),
        V.person(rng),
        V.mobile(rng),
        rng.choice("男女"),
        V.date_text(rng, born),
        _maybe(rng, rng.choice(L.ETHNIC)),
        rng.choice(L.RELIGIONS),
        _maybe(rng, rng.choice(L.MARITAL)),
        _maybe(rng, rng.choice(L.EDUCATION)),
        rng.choice(L.POLITICAL),
        _maybe(rng, rng.choice(L.OCCUPATIONS)),
        rng.choice(L.RESIDENCE),
        rng.choice(L.HOMETOWN),
        diagnosis,
        rng.choice(L.FOLLOW_UP),
        _device(i),
        V.date_text(rng, visit),
    )


def _device(i: int) -> str:
    """One of 30 check-up devices: a 19-digit serial that starts like a UnionPay card."""
    return V.serial19(Random(i % 30))


def _survey(rng: Random, i: int) -> tuple[Any, ...]:
    chronic = rng.choice(L.DISEASES) if rng.random() < 0.45 else "无"
    return (
        rng.choice(("男", "女", "男性", "女性")),
        rng.choice(L.ETHNIC),
        rng.choice(L.MARITAL),
        rng.choice(L.EDUCATION),
        rng.choice(L.OCCUPATIONS),
        rng.choice(L.RESIDENCE),
        rng.choice(L.POLITICAL),
        rng.choice(L.RELIGIONS),
        chronic,
        rng.choice(L.HOMETOWN),
    )


def _logistics(rng: Random, i: int) -> tuple[Any, ...]:
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
    return (
        V.order_number(rng),
        V.serial19(rng),
        V.product_code(rng, i),
        V.credit_code_like(rng),
        V.phone_like(rng),
        rng.choice(L.WAREHOUSES),
        V.date_text(rng, day),
        str(rng.randrange(1, 500)),
    )


def _purchase(rng: Random, i: int) -> tuple[Any, ...]:
    when = dt.datetime(2025, 1, 1) + dt.timedelta(seconds=rng.randrange(300 * 86400))
    return (
        V.person(rng),
        V.mobile(rng),
        V.order_number(rng),
        V.bank_card(rng),
        rng.choice(L.RESIDENCE + L.HOMETOWN),
        when.strftime("%Y-%m-%d %H:%M:%S"),
        V.barcode(Random(i % 80)),
    )


def _posting(rng: Random, i: int) -> tuple[Any, ...]:
    low = rng.randrange(3, 20) * 1000
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
    return (
        rng.choice(L.JOB_TITLES),
        rng.choice(L.JOB_EDUCATION),
        rng.choice(L.RESIDENCE),
        str(rng.randrange(1, 30)),
        f"{low}-{low + rng.randrange(2, 10) * 1000}",
        V.date_text(rng, day),
    )


TABLES = (
    Table("community_health", "utf-8", (
        Col("公民身份号码", "gmsfhm", D, "CN_RESIDENT_ID", True),
        Col("姓名", "xm", D, "PERSON"),
        Col("手机号码", "sjhm", D, "CN_MOBILE"),
        Col("性别", "xb", Q, "GENDER"),
        Col("出生日期", "csrq", Q, "DATE_OF_BIRTH"),
        Col("民族", "mz", Q, "ETHNICITY"),
        Col("宗教信仰", "zjxy", S, "RELIGION", True),
        Col("婚姻状况", "hyzk", Q, "MARITAL_STATUS", True),
        Col("文化程度", "whcd", Q, "EDUCATION"),
        Col("政治面貌", "zzmm", Q, "POLITICAL_AFFILIATION"),
        Col("职业", "zy", Q, "OCCUPATION"),
        Col("现居住地", "jzd", Q, "CN_DISTRICT_NAME"),
        Col("籍贯", "jg", Q, "CN_DISTRICT_NAME"),
        Col("主要诊断", "zdmc", S, "DIAGNOSIS", True),
        Col("随访备注", "sfbz", S, "DIAGNOSIS", True),
        Col("检测设备编号", "jcsbbh", N, "SERIAL", trap=True),
        Col("就诊日期", "jzrq", Q, "DATE"),
    ), _resident),
    Table("household_survey", "parquet", (
        Col("性别", "xb", Q, "GENDER"),
        Col("民族", "mz", Q, "ETHNICITY"),
        Col("婚姻状况", "hyzk", Q, "MARITAL_STATUS", True),
        Col("受教育程度", "jycd", Q, "EDUCATION"),
        Col("职业", "zy", Q, "OCCUPATION"),
        Col("常住地", "czd", Q, "CN_DISTRICT_NAME"),
        Col("政治面貌", "zzmm", Q, "POLITICAL_AFFILIATION"),
        Col("宗教信仰", "zjxy", S, "RELIGION", True),
        Col("患慢性病情况", "mxbqk", S, "DIAGNOSIS", True),
        Col("籍贯", "jg", Q, "CN_DISTRICT_NAME"),
    ), _survey),
    Table("logistics_ledger", "gbk", (
        Col("运单号", "ydh", N, "ORDER_NUMBER", trap=True),
        Col("产品序列号", "cpxlh", N, "SERIAL", trap=True),
        Col("商品编码", "spbm", N, "PRODUCT_CODE", trap=True),
        Col("供应商信用代码", "gysxydm", N, "CODE", trap=True),
        Col("客服电话", "kfdh", N, "SERVICE_LINE", trap=True),
        Col("仓库区划", "ckqh", N, "CN_DISTRICT_CODE"),
        Col("发货日期", "fhrq", N, "DATE"),
        Col("数量", "sl", N, "COUNT"),
    ), _logistics),
    Table("online_orders", "gbk", (
        Col("买家姓名", "mjxm", D, "PERSON"),
        Col("买家手机", "mjsj", D, "CN_MOBILE"),
        Col("订单编号", "ddbh", N, "ORDER_NUMBER", trap=True),
        Col("支付卡号", "zfkh", D, "CN_BANK_CARD", True),
        Col("收货地区", "shdq", Q, "CN_DISTRICT_NAME"),
        Col("下单时间", "xdsj", Q, "DATETIME"),
        Col("商品条码", "sptm", N, "BARCODE", trap=True),
    ), _purchase),
    Table("job_postings", "utf-8", (
        Col("岗位名称", "gwmc", N, "OCCUPATION"),
        Col("学历要求", "xlyq", N, "EDUCATION"),
        Col("工作地点", "gzdd", N, "CN_DISTRICT_NAME"),
        Col("招聘人数", "zprs", N, "COUNT"),
        Col("薪资范围", "xzfw", N, "MONEY"),
        Col("发布日期", "fbrq", N, "DATE"),
    ), _posting),
)  # fmt: skip


def headers(table: Table, style: str) -> list[str]:
    if style == "chinese":
        return [c.zh for c in table.columns]
    if style == "pinyin":
        return [c.py for c in table.columns]
    return [f"col_{i:02d}" for i in range(1, len(table.columns) + 1)]


def _write(frame: pl.DataFrame, path: Path, form: str) -> Path:
    if form == "parquet":
        path = path.with_suffix(".parquet")
        frame.write_parquet(path)
    else:
        path = path.with_suffix(".csv")
        path.write_bytes(frame.write_csv().encode(form))
    return path


def generate(root: Path, *, rows: int = 2000, seed: int = 2718) -> pl.DataFrame:
    """Write every table in every header style under root/<style>/ and return the truth:
    one row per (style, table, column) with the file, header and expected classification."""
    truth = []
    for t, table in enumerate(TABLES):
        rng = Random(seed * 100 + t)
        data = [table.row(rng, i) for i in range(rows)]
        for style in STYLES:
            names = headers(table, style)
            frame = pl.DataFrame(data, schema=dict.fromkeys(names, pl.String), orient="row")
            (root / style).mkdir(parents=True, exist_ok=True)
            path = _write(frame, root / style / table.name, table.form)
            for name, col in zip(names, table.columns, strict=True):
                truth.append(
                    {"style": style, "table": table.name, "file": str(path), "form": table.form}
                    | {"header": name, "column": col.zh, "category": col.category}
                    | {"entity": col.entity, "sensitive": col.sensitive, "trap": col.trap}
                )
    return pl.DataFrame(truth)
