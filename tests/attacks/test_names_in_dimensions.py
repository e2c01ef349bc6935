"""A tester's attack: people's names and ID numbers in what describes a cell. The policy
declares a column of holders' names, and one of their ID numbers, `non_personal` and groups
tables by them; most cells cover one or two people and are suppressed, but a suppressed cell
keeps its row and its dimension values, and the totals by name carry the names too. A record-
level release includes the names as an ordinary column.

Each product is built by its real kind and judged by the real gate, as publication does; the
test then reads everything under published/ with its own list of what it planted, reusing
nothing of the gate's detectors."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import polars as pl
import pytest

from flows.settings import Paths
from tests.released import release_policies
from transforms.egress import EgressRefused

NAMES = (
    "王芳", "李秀英", "张伟", "刘洋", "陈静", "周海燕", "欧阳娜娜", "上官婉儿", "訾宏", "乜晓燕",
    "厍明", "逯倩", "钭晨", "覃海", "佘诗曼", "冼星海", "黄晓明", "杨桂兰", "赵建国", "司马懿",
)  # fmt: skip
"""Two to four characters, common, rare and compound surnames."""

POLICY = """
sluice: 1
resource:
  id: permits
  title: 许可记录
  department: 市场监督管理局
  source: raw/permits.csv
  format: csv
  update_frequency: daily
  subject: holder_id
columns:
  holder_id:
    category: direct_identifier
    required: true
    treatment: {operator: pseudonymize}
  district:
    category: quasi_identifier
  holder:
    category: non_personal   # wrongly declared: the holder's name
  certificate:
    category: non_personal   # wrongly declared: the holder's resident ID
  fee:
    type: float
    category: sensitive_attribute
    checks: {min: 0}
products:
  - id: permits_by_district
    kind: model
    title: 按区县
    supply_mode: open
    purpose: public_welfare
    dimensions: [district]
    measures: [{name: holders, agg: count_subjects}]
    min_group_size: 3
  - id: permits_by_holder
    kind: model
    title: 按持证人
    supply_mode: open
    purpose: public_welfare
    dimensions: [district, holder]
    measures: [{name: holders, agg: count_subjects}, {name: mean_fee, agg: mean, column: fee}]
    min_group_size: 3
    margins: [district]
  - id: permits_by_certificate
    kind: model
    title: 按证件
    supply_mode: open
    purpose: public_welfare
    dimensions: [certificate]
    measures: [{name: holders, agg: count_subjects}]
    min_group_size: 2
  - id: permit_records
    kind: microdata
    title: 许可记录（微观数据）
    supply_mode: open
    purpose: public_welfare
    quasi_identifiers: [{column: district}]
    include: [holder, fee]
    privacy: {environment: public}
"""


def resident_id(i: int) -> str:
    """A valid 18-character resident ID (GB 11643 check character), written out here."""
    body = f"330106{1960 + i % 40:04d}{1 + i % 12:02d}{1 + i % 28:02d}{(7 * i) % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


IDS = tuple(resident_id(i) for i in range(30))


REFUSED = ("permits_by_holder", "permits_by_certificate", "permit_records")


@pytest.fixture(scope="module")
def attempts(tmp_path_factory) -> tuple[Path, dict[str, EgressRefused]]:
    """Each attacking product built and gated, then a harmless one published beside them:
    the published folder and each refusal."""
    root = tmp_path_factory.mktemp("names")
    paths = Paths(root / "domain", root / "published")
    paths.raw.mkdir(parents=True)
    pick = random.Random(0)
    rows = ["holder_id,district,holder,certificate,fee"]
    for i in range(160):
        name = NAMES[i % len(NAMES)] if i < 100 else NAMES[0]  # one holder with many permits
        district = pick.choice(["330106", "330102", "330105"])
        rows.append(f"H{i},{district},{name},{IDS[i % len(IDS)]},{10 + i}")
    (paths.raw / "permits.csv").write_text("\n".join(rows) + "\n", "utf-8")
    policies = root / "policies"
    policies.mkdir()
    (policies / "permits.yaml").write_text(textwrap.dedent(POLICY), "utf-8")
    refused = {}
    for product in REFUSED:
        with pytest.raises(EgressRefused) as caught:
            release_policies(paths, policies, only={product})
        refused[product] = caught.value
    release_policies(paths, policies, only={"permits_by_district"})
    return paths.publish, refused


def failed(refused: EgressRefused) -> dict[str, str]:
    return {c.name: c.detail for c in refused.checks if not c.passed}


def published_text(publish: Path) -> str:
    """Every file under published/ as text, Parquet files read cell by cell (a compressed
    page would hide its strings from a byte search)."""
    parts = []
    for path in sorted(p for p in publish.rglob("*") if p.is_file()):
        parts.append(path.read_bytes().decode("utf-8", "replace"))
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            parts.extend(str(v) for c in frame.columns for v in frame[c].to_list())
    return "\n".join(parts)


def test_names_in_a_table_with_suppressed_cells_and_totals_are_refused(attempts):
    refused = attempts[1]["permits_by_holder"]
    detail = failed(refused)["dimension_values"]
    assert "column 'holder' (dimension) holds PERSON" in detail
    assert "distinct values" in detail and "drop the column" in detail
    assert not [name for name in NAMES if name in str(refused)]
    cells = next(c for c in refused.checks if c.name == "min_group_size")
    assert cells.passed and cells.figures["suppressed_cells"] > 0  # names only in hidden rows too


def test_id_numbers_in_a_dimension_are_refused(attempts):
    refused = attempts[1]["permits_by_certificate"]
    detail = failed(refused)["dimension_values"]
    assert "column 'certificate' (dimension) holds CN_RESIDENT_ID in 30 of the 30" in detail
    assert not [number for number in IDS if number in str(refused)]


def test_names_in_a_record_level_column_are_refused(attempts):
    detail = failed(attempts[1]["permit_records"])["dimension_values"]
    assert "column 'holder' (record) holds PERSON" in detail


def test_nothing_planted_reaches_published(attempts):
    """Beside a product that did publish, no planted name or ID number is anywhere under
    published/, and no refused product has a folder there."""
    publish = attempts[0]
    assert (publish / "permits_by_district" / "v1" / "data.parquet").exists()
    assert not [p for p in REFUSED if (publish / p).exists()]
    text = published_text(publish)
    assert not [name for name in NAMES if name in text]
    assert not [number for number in IDS if number in text]
