"""Building an evaluation index from two departments' resources: published through the gate
with its method, small cells hidden, unchanged inputs not rebuilt."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import polars as pl

from flows.kinds import KINDS
from flows.services.registration import submissions
from flows.settings import Paths
from governance.registry import RegistryStore, register

FIRMS = """
sluice: 1
resource:
  id: firms
  title: 企业登记
  department: 市场监督管理局
  source: raw/firms.csv
  format: csv
  update_frequency: daily
  subject: rep_id
columns:
  rep_id: {category: direct_identifier, treatment: {operator: pseudonymize}}
  district: {category: quasi_identifier}
  founded: {type: date, category: quasi_identifier, treatment: {operator: generalize, to: year}}
"""

INSURED = """
sluice: 1
resource:
  id: insured
  title: 参保记录
  department: 人力资源和社会保障局
  source: raw/insured.csv
  format: csv
  update_frequency: monthly
  subject: person
columns:
  person: {category: direct_identifier, treatment: {operator: pseudonymize}}
  district: {category: quasi_identifier, treatment: {operator: generalize, to: city}}
  year: {type: integer, category: non_personal}
  base: {type: integer, category: sensitive_attribute}
"""

INDEX = """
sluice: 1
indices:
  - id: vitality
    title: 活力指数
    supply_mode: open
    purpose: public_welfare
    region: {name: city, level: city}
    period: {name: year, grain: year}
    min_group_size: 5
    indicators:
      - {id: new_firms, title: 新设企业, resource: firms, region: district, period: founded,
         aggregate: count, weight: 1}
      - {id: insured, title: 参保人数, resource: insured, region: district, period: year,
         aggregate: count_subjects, weight: 1}
      - {id: median_base, title: 缴费基数中位数, resource: insured, region: district,
         period: year, aggregate: median, column: base, weight: 1}
"""


def write_domain(root: Path) -> Path:
    policies = root / "policies"
    (policies / "indices").mkdir(parents=True)
    for name, text in {"firms": FIRMS, "insured": INSURED}.items():
        (policies / f"{name}.yaml").write_text(textwrap.dedent(text), "utf-8")
    (policies / "indices" / "vitality.yaml").write_text(textwrap.dedent(INDEX), "utf-8")
    raw = root / "domain" / "raw"
    raw.mkdir(parents=True)
    # Hangzhou (3301): 8 firms by 8 people; Ningbo (3302): 3 firms by 3 people -> hidden
    firms = [f"R{i},33010{i % 3 + 1},2025-0{i % 9 + 1}-01" for i in range(8)]
    firms += [f"N{i},330203,2025-05-0{i + 1}" for i in range(3)]
    (raw / "firms.csv").write_text("rep_id,district,founded\n" + "\n".join(firms) + "\n", "utf-8")
    insured = [f"P{i},33010{i % 3 + 1},2025,{4000 + 100 * i}" for i in range(9)]
    insured += [f"Q{i},330203,2025,{5000 + i}" for i in range(7)]
    (raw / "insured.csv").write_text(
        "person,district,year,base\n" + "\n".join(insured) + "\n", "utf-8"
    )
    return policies


def test_index_is_published_with_its_method_and_small_cells_hidden(tmp_path, monkeypatch):
    from flows.pipeline.build import build_in_process as build

    folder = write_domain(tmp_path)
    monkeypatch.setenv("SLUICE_HOME", str(tmp_path / "domain"))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(tmp_path / "published"))
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(folder), paths))

    row = build(str(folder), ["vitality"]).outcome("vitality")

    assert row.status == "published", row.message
    assert row.resources == ("firms", "insured")
    table = pl.read_parquet(row.path).sort("city")
    assert table["city"].to_list() == ["330100", "330200"]
    assert table["new_firms"].to_list() == [8.0, None]  # 3 founders in Ningbo: hidden
    assert table["insured"].to_list() == [9.0, 7.0]
    assert table["median_base"].to_list() == [4400.0, 5003.0]
    # Hangzhou: new_firms alone among published values scores 0.5, insured 1, median 0
    assert table["index"].to_list() == [50.0, None]
    assert table["inputs_suppressed"].to_list() == [0, 1]
    manifest = json.loads((row.path.parent / "manifest.json").read_text("utf-8"))
    method = manifest["method"]
    assert method["formula"].startswith("index = 100 * (0.3333 * minmax(new_firms)")
    assert [i["department"] for i in method["indicators"]][:2] == [
        "市场监督管理局",
        "人力资源和社会保障局",
    ]
    assert {r["id"] for r in manifest["resources"]} == {"firms", "insured"}
    gate = {c["name"]: c for c in manifest["privacy_checks"]}
    assert gate["index_min_group_size"]["passed"]
    assert not (paths.work / "firms").exists()  # nothing of the build left behind

    again = build(str(folder), ["vitality"]).outcome("vitality")
    assert again.status == "up to date" and again.version == 1
