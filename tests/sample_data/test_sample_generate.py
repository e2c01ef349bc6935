"""Tests of the deterministic sample-data generator (sample_data.generate).

Check algorithms are re-implemented here from domain.md on purpose: the tests must not trust the
generator's own validators.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import polars as pl
import pytest

from sample_data.generate import generate

ROWS = 2000
REF = dt.date(2026, 6, 30)
SI_COLUMNS = ["sfzh", "xm", "xb", "csrq", "lxdh", "xzqh", "dwtyshxydm", "hy", "jfjs", "jfys",
              "xzlx", "jfnd"]  # fmt: skip

# --- independent validators -------------------------------------------------------------------

ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def resident_id_ok(value: str) -> bool:
    v = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return False
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(v[:17], ID_W, strict=True)) % 11] == v[17]


def id_birth(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_male(value: str) -> bool:
    return int(value[16]) % 2 == 1


def org_code_ok(code: str) -> bool:
    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    c = 11 - sum(val(ch) * w for ch, w in zip(code[:8], ORG_W, strict=True)) % 11
    return code[8] == {10: "X", 11: "0"}.get(c, str(c))


def uscc_ok(code: str) -> bool:
    if len(code) != 18 or any(ch not in USCC_CHARS for ch in code):
        return False
    total = sum(USCC_CHARS.index(ch) * w for ch, w in zip(code[:17], USCC_W, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17] and org_code_ok(code[8:17])


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    a = tmp_path_factory.mktemp("sample_a")
    b = tmp_path_factory.mktemp("sample_b")
    info = generate(a, rows=ROWS, reference_date=REF)
    generate(b, rows=ROWS, reference_date=REF)
    return a, b, info


@pytest.fixture(scope="module")
def out(runs: tuple[Path, Path, dict]) -> Path:
    return runs[0]


@pytest.fixture(scope="module")
def si_lines(out: Path) -> list[str]:
    return (out / "social_insurance.csv").read_bytes().decode("gbk").split("\n")


@pytest.fixture(scope="module")
def defects(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "_truth" / "defects.csv")


@pytest.fixture(scope="module")
def firms(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "enterprise_registry.csv", infer_schema=False)


@pytest.fixture(scope="module")
def tickets(out: Path) -> pl.DataFrame:
    return pl.read_csv(out / "hotline_tickets.csv", infer_schema=False)


@pytest.fixture(scope="module")
def spans(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "_truth" / "spans.parquet")


# --- tests ------------------------------------------------------------------------------------


def test_same_seed_gives_identical_files(runs: tuple[Path, Path, dict]) -> None:
    a, b, _ = runs

    def digests(root: Path) -> dict[str, str]:
        return {
            str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    da = digests(a)
    assert len(da) == 11  # 4 resources, 3 truth tables, 2 claims batches and their answers
    assert da == digests(b)


def test_return_value_and_row_counts(runs: tuple[Path, Path, dict], si_lines: list[str]) -> None:
    out, _, info = runs
    assert set(info) == {
        "social_insurance", "enterprise_registry", "hotline_tickets", "hospital_visits"
    }  # fmt: skip
    assert info["social_insurance"]["encoding"] == "gbk"
    assert info["hospital_visits"]["format"] == "parquet"
    assert all(v["rows"] == ROWS and Path(v["path"]).exists() for v in info.values())
    assert si_lines[-1] == ""  # file ends with a newline
    assert len(si_lines) - 2 == ROWS
    assert pl.read_csv(out / "enterprise_registry.csv").height == ROWS
    assert pl.read_csv(out / "hotline_tickets.csv").height == ROWS
    assert pl.read_parquet(out / "hospital_visits.parquet").height == ROWS


def test_social_insurance_is_gbk_not_utf8(out: Path) -> None:
    raw = (out / "social_insurance.csv").read_bytes()
    raw.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.split(b"\n")[0].decode("ascii") == ",".join(SI_COLUMNS)


def test_defects_point_at_malformed_lines(si_lines: list[str], defects: pl.DataFrame) -> None:
    assert defects.height == max(3, ROWS // 2000)
    assert set(defects["resource"]) == {"social_insurance"}
    bad = dict(zip(defects["line"], defects["kind"], strict=True))
    for number, line in enumerate(si_lines[1:-1], start=2):
        fields = line.split(",")
        kind = bad.get(number)
        if kind == "missing_field":
            assert len(fields) == 11, line
        elif kind == "extra_field":
            assert len(fields) == 13, line
        else:
            assert len(fields) == 12, line
            jfjs_ok = fields[8].isdigit() and 4462 <= int(fields[8]) <= 24930
            assert jfjs_ok == (kind != "bad_number"), line
            try:
                dt.date.fromisoformat(fields[3])
                date_ok = True
            except ValueError:
                date_ok = False
            assert date_ok == (kind != "bad_date"), line


def test_defects_can_be_switched_off(tmp_path: Path) -> None:
    generate(tmp_path, rows=300, defects=False)
    lines = (tmp_path / "social_insurance.csv").read_bytes().decode("gbk").splitlines()
    assert len(lines) == 301
    assert all(len(x.split(",")) == 12 for x in lines)
    assert pl.read_csv(tmp_path / "_truth" / "defects.csv").height == 0


def test_social_insurance_ids_consistent(si_lines: list[str], defects: pl.DataFrame) -> None:
    bad = set(defects["line"])
    x_total = x_lower = 0
    for number, line in enumerate(si_lines[1:-1], start=2):
        f = line.split(",")
        assert resident_id_ok(f[0]), f[0]
        x_total += f[0][-1] in "Xx"
        x_lower += f[0][-1] == "x"
        if number in bad:
            continue
        assert re.fullmatch(r"1[3-9]\d{9}", f[4])
        assert re.fullmatch(r"33\d{4}", f[5])
        assert f[2] == ("男" if id_male(f[0]) else "女")
        assert f[3] == id_birth(f[0]).isoformat()
        assert 16 <= age_on(id_birth(f[0]), REF) <= 65
        assert 1 <= int(f[9]) <= 12
        assert f[11] in {"2024", "2025"}
    assert x_total > 0 and 0 < x_lower < x_total


def test_employers_exist_in_registry(
    si_lines: list[str], firms: pl.DataFrame, defects: pl.DataFrame
) -> None:
    registry = dict(zip(firms["统一社会信用代码"], firms["行业门类"], strict=True))
    extra = set(defects.filter(pl.col("kind") == "extra_field")["line"])
    for number, line in enumerate(si_lines[1:-1], start=2):
        f = line.split(",")
        if number in extra:
            f = f[:1] + f[2:]
        assert f[6] in registry
        assert f[7] == registry[f[6]]


def test_enterprise_registry(firms: pl.DataFrame) -> None:
    assert firms["统一社会信用代码"].n_unique() == ROWS
    assert firms["企业名称"].n_unique() == ROWS
    assert all(uscc_ok(c) for c in firms["统一社会信用代码"])
    assert all(resident_id_ok(c) for c in firms["法定代表人证件号码"])
    assert (firms["统一社会信用代码"].str.slice(2, 6) == firms["所属区划"]).all()
    assert firms["注册资本万元"].str.contains(r"^\d+\.\d{2}$").all()
    dates = firms["成立日期"].str.to_date()
    assert dates.min() >= dt.date(1990, 1, 1) and dates.max() <= REF
    assert set(firms["登记状态"]) <= {"存续", "在业", "吊销", "注销", "迁出"}


def test_hospital_visits(out: Path) -> None:
    df = pl.read_parquet(out / "hospital_visits.parquet")
    assert df.columns == ["patient_id", "age", "sex", "district", "diagnosis", "cost",
                          "hospital_level", "visit_date"]  # fmt: skip
    assert df["patient_id"].n_unique() < ROWS  # some patients come back
    for pid, age, sex, visit in df.select("patient_id", "age", "sex", "visit_date").iter_rows():
        assert resident_id_ok(pid)
        assert sex == ("男" if id_male(pid) else "女")
        assert age == age_on(id_birth(pid), visit)
        assert visit.year == 2025
    assert (df.filter(pl.col("diagnosis") == "O80")["sex"] == "女").all()
    assert set(df["hospital_level"]) == {"一级", "二级", "三级"}
    assert (df["cost"] > 0).all()


def test_hotline_tickets(tickets: pl.DataFrame) -> None:
    assert tickets["ticket_id"].n_unique() == ROWS
    assert tickets["ticket_id"].str.contains(r"^12345-2025\d{4}-\d{6}$").all()
    created = tickets["created_at"].str.to_datetime("%Y-%m-%d %H:%M:%S")
    closed = tickets["closed_at"].str.to_datetime("%Y-%m-%d %H:%M:%S")
    assert (created.dt.year() == 2025).all()
    assert (closed.drop_nulls() > created.filter(closed.is_not_null())).all()
    assert 0.02 < closed.is_null().mean() < 0.09
    scores = tickets["satisfaction"].drop_nulls().cast(pl.Int64)
    assert scores.is_between(1, 5).all() and len(scores) < ROWS
    assert tickets["caller_phone"].str.contains(r"^1[3-9]\d{9}$").all()
    assert set(tickets["category"]) <= {"咨询", "投诉", "求助", "建议", "举报", "表扬"}
    ticket_ids = set(tickets["ticket_id"])
    assert len(ticket_ids) == ROWS


def _normalise_number(text: str) -> str:
    return re.sub(r"[\s\-()]", "", text.translate(FULL_WIDTH))


def test_spans_match_content_and_validate(tickets: pl.DataFrame, spans: pl.DataFrame) -> None:
    content = dict(zip(tickets["ticket_id"], tickets["content"], strict=True))
    callers = dict(zip(tickets["ticket_id"], tickets["caller_name"], strict=True))
    assert set(spans["resource"]) == {"hotline_tickets"} and set(spans["column"]) == {"content"}
    seen = set()
    for key, start, end, entity, text in spans.select(
        "row_key", "start", "end", "entity", "text"
    ).iter_rows():
        seen.add(entity)
        assert content[key][start:end] == text
        if entity == "CN_RESIDENT_ID":
            assert resident_id_ok(text.replace(" ", "")), text
        elif entity == "CN_MOBILE":
            number = _normalise_number(text)
            assert re.fullmatch(r"(\+86)?1[3-9]\d{9}", number), text
        elif entity == "CN_LANDLINE":
            assert re.fullmatch(r"0\d{2,3}\d{7,8}", _normalise_number(text)), text
        elif entity == "CN_BANK_CARD":
            assert text.startswith("62") and len(text) in (16, 19) and luhn_ok(text), text
        elif entity == "CN_PLATE":
            assert re.fullmatch(
                r"[浙沪苏皖赣闽粤京鄂川豫鲁湘][A-Z]([A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\d{4})",
                text,
            )
        elif entity == "PERSON":
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", text), text
        elif entity == "ADDRESS":
            assert re.fullmatch(r"\w+市\w+[区县市]\w+[路街]\d+号.*", text), text
        else:
            raise AssertionError(entity)
    assert seen == {"CN_RESIDENT_ID", "CN_MOBILE", "CN_LANDLINE", "CN_BANK_CARD", "CN_PLATE",
                    "PERSON", "ADDRESS"}  # fmt: skip
    # varied real-world forms are present
    texts = spans.filter(pl.col("entity") == "CN_MOBILE")["text"]
    assert texts.str.contains("-").any() and texts.str.contains(" ").any()
    assert texts.str.contains(r"^\+86").any() and texts.str.contains("[０-９]").any()
    ids = spans.filter(pl.col("entity") == "CN_RESIDENT_ID")["text"]
    assert ids.str.contains(" ").any()
    # callers' own names are planted, and some texts carry no personal data at all
    persons = spans.filter(pl.col("entity") == "PERSON")
    assert any(callers[k] == t for k, t in persons.select("row_key", "text").iter_rows())
    assert len(set(content) - set(spans["row_key"])) > 0


def test_columns_truth_covers_every_column(out: Path, firms: pl.DataFrame) -> None:
    truth = pl.read_csv(out / "_truth" / "columns.csv")
    assert truth.columns == ["resource", "column", "category", "entity"]
    categories = {"direct_identifier", "quasi_identifier", "sensitive_attribute", "non_personal",
                  "free_text"}  # fmt: skip
    assert set(truth["category"]) <= categories
    actual = {
        "social_insurance": SI_COLUMNS,
        "enterprise_registry": firms.columns,
        "hotline_tickets": pl.read_csv(out / "hotline_tickets.csv", n_rows=1).columns,
        "hospital_visits": pl.read_parquet(out / "hospital_visits.parquet").columns,
    }
    for resource, cols in actual.items():
        assert truth.filter(pl.col("resource") == resource)["column"].to_list() == cols
    row = truth.filter((pl.col("resource") == "social_insurance") & (pl.col("column") == "sfzh"))
    assert row.row(0)[2:] == ("direct_identifier", "CN_RESIDENT_ID")


def test_package_imports_only_allowed_libraries() -> None:
    root = Path(__file__).resolve().parents[2] / "sample_data"
    allowed = {"numpy", "polars", "pyarrow", "faker", "sample_data", "__future__"}
    for path in root.glob("*.py"):
        for match in re.finditer(r"^\s*(?:from|import)\s+([\w.]+)", path.read_text(), re.M):
            top = match.group(1).split(".")[0]
            assert top in allowed or top in _stdlib(), (path.name, top)


def _stdlib() -> set[str]:
    import sys

    return set(sys.stdlib_module_names)
