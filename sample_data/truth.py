"""Ground truth written beside the sample data in `_truth/`.

The detection and grading stages are scored against these tables: which column is what kind of
identifier, where identifiers sit inside free text, and which raw lines are malformed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

DIRECT, QUASI, SENSITIVE, NON_PERSONAL, FREE_TEXT = (
    "direct_identifier",
    "quasi_identifier",
    "sensitive_attribute",
    "non_personal",
    "free_text",
)

# resource -> [(column, category, entity)], in file column order
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "social_insurance": [
        ("sfzh", DIRECT, "CN_RESIDENT_ID"),
        ("xm", DIRECT, "PERSON"),
        ("xb", QUASI, "GENDER"),
        ("csrq", QUASI, "DATE_OF_BIRTH"),
        ("lxdh", DIRECT, "CN_MOBILE"),
        ("xzqh", QUASI, "CN_DISTRICT_CODE"),
        ("dwtyshxydm", QUASI, "CN_USCC"),
        ("hy", QUASI, "INDUSTRY"),
        ("jfjs", SENSITIVE, "MONEY"),
        ("jfys", SENSITIVE, "COUNT"),
        ("xzlx", NON_PERSONAL, "INSURANCE_TYPE"),
        ("jfnd", NON_PERSONAL, "YEAR"),
    ],
    "enterprise_registry": [
        ("统一社会信用代码", DIRECT, "CN_USCC"),
        ("企业名称", DIRECT, "ORGANIZATION"),
        ("法定代表人", DIRECT, "PERSON"),
        ("法定代表人证件号码", DIRECT, "CN_RESIDENT_ID"),
        ("注册资本万元", NON_PERSONAL, "MONEY"),
        ("所属区划", QUASI, "CN_DISTRICT_CODE"),
        ("行业门类", QUASI, "INDUSTRY"),
        ("成立日期", NON_PERSONAL, "DATE"),
        ("登记状态", NON_PERSONAL, "STATUS"),
    ],
    "hotline_tickets": [
        ("ticket_id", DIRECT, "RECORD_ID"),
        ("caller_name", DIRECT, "PERSON"),
        ("caller_phone", DIRECT, "CN_MOBILE"),
        ("district", QUASI, "CN_DISTRICT_CODE"),
        ("category", NON_PERSONAL, "CATEGORY"),
        ("content", FREE_TEXT, "FREE_TEXT"),
        ("created_at", QUASI, "DATETIME"),
        ("closed_at", QUASI, "DATETIME"),
        ("satisfaction", NON_PERSONAL, "SCORE"),
    ],
    "hospital_visits": [
        ("patient_id", DIRECT, "CN_RESIDENT_ID"),
        ("age", QUASI, "AGE"),
        ("sex", QUASI, "GENDER"),
        ("district", QUASI, "CN_DISTRICT_CODE"),
        ("diagnosis", SENSITIVE, "DIAGNOSIS"),
        ("cost", SENSITIVE, "MONEY"),
        ("hospital_level", NON_PERSONAL, "HOSPITAL_LEVEL"),
        ("visit_date", QUASI, "DATE"),
    ],
}


def columns_frame() -> pl.DataFrame:
    """The column ground truth as one table: resource, column, category, entity."""
    rows = [(res, col, cat, ent) for res, cols in COLUMNS.items() for col, cat, ent in cols]
    return pl.DataFrame(rows, schema=["resource", "column", "category", "entity"], orient="row")


def write(truth_dir: Path, spans: pl.DataFrame, defects: pl.DataFrame) -> dict[str, str]:
    """Write columns.csv, spans.parquet and defects.csv; returns their paths by name."""
    truth_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "columns": truth_dir / "columns.csv",
        "spans": truth_dir / "spans.parquet",
        "defects": truth_dir / "defects.csv",
    }
    columns_frame().write_csv(paths["columns"])
    spans.write_parquet(paths["spans"], compression="zstd")
    defects.write_csv(paths["defects"])
    return {name: str(path) for name, path in paths.items()}
