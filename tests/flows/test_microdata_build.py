"""Microdata products built in-process: the published records
pass pyCANON's k-anonymity and l-diversity, impossible settings publish nothing, and the gate
refuses a table changed after the search, naming the model it fails."""

from __future__ import annotations

import json
import random
import textwrap

import polars as pl
import pytest

from flows.kinds import KINDS
from flows.kinds.microdata.kind import microdata_lineage
from flows.services.registration import submissions
from flows.settings import Paths
from governance.registry import RegistryStore, register
from transforms.egress import EgressRefused, RecordRule, egress_gate

QIS = ["age", "sex", "district"]

POLICY = """
sluice: 1
resource:
  id: clinic
  title: 门诊记录
  department: 卫生健康委员会
  source: raw/clinic.csv
  format: csv
  update_frequency: weekly
  subject: patient_id
columns:
  patient_id:
    category: direct_identifier
    required: true
    treatment: {operator: pseudonymize}
  age:
    type: integer
    category: quasi_identifier
  sex:
    category: quasi_identifier
  district:
    category: quasi_identifier
  diagnosis:
    category: sensitive_attribute
  cost:
    type: float
    category: sensitive_attribute
products:
  - id: clinic_microdata
    kind: microdata
    title: 门诊微观数据
    supply_mode: shared
    purpose: public_welfare
    recipients: [{department: 医疗保障局, responsibilities: [仅用于医保统计]}]
    quasi_identifiers:
      - column: age
        hierarchy: {intervals: [10, 20]}
      - column: sex
      - column: district
        hierarchy: {district: true}
    include: [cost]
    privacy:
      k: 4
      l_diversity: [{column: diagnosis, l: 2}]
      t_closeness: [{column: cost, t: 0.4, distance: ordered}]
    max_suppression: 0.1
  - id: clinic_local
    kind: microdata
    title: 门诊微观数据（局部重编码）
    supply_mode: shared
    purpose: public_welfare
    recipients: [{department: 医疗保障局, responsibilities: [仅用于医保统计]}]
    quasi_identifiers:
      - column: age
        hierarchy: {intervals: [10, 20]}
      - column: sex
      - column: district
        hierarchy: {district: true}
    privacy: {k: 4}
    max_suppression: 0.1
    metric: dm
    local: true
  - id: clinic_impossible
    kind: microdata
    title: 门诊微观数据（过严）
    supply_mode: open
    purpose: public_welfare
    quasi_identifiers: [{column: sex}]
    privacy: {k: 500}
"""


@pytest.fixture
def domain(tmp_path, monkeypatch):
    home, publish = tmp_path / "domain", tmp_path / "published"
    (home / "raw").mkdir(parents=True)
    draw = random.Random(7)
    rows = ["patient_id,age,sex,district,diagnosis,cost"]
    for i in range(240):
        district = draw.choice(["330106", "330102", "330110", "330205", "330212"])
        rows.append(
            f"P{i:04d},{draw.randint(20, 69)},{draw.choice('MF')},{district},"
            f"{draw.choice(['J00', 'I10', 'E11', 'K29'])},{draw.randint(50, 900)}.5"
        )
    (home / "raw" / "clinic.csv").write_text("\n".join(rows) + "\n", "utf-8")
    policy = tmp_path / "clinic.yaml"
    policy.write_text(textwrap.dedent(POLICY), "utf-8")
    monkeypatch.setenv("SLUICE_HOME", str(home))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(publish))
    return home, publish, policy


def test_microdata_publishes_what_pycanon_confirms_and_refuses_the_impossible(domain):
    from flows.pipeline.build import build_in_process as build

    _, publish, policy = domain
    paths = Paths.from_env()
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(policy), paths))
    results = {r.product: r for r in build(str(policy)).products}

    assert results["clinic_microdata"].status == "published"
    table = pl.read_parquet(publish / "clinic_microdata" / "v1" / "data.parquet")
    assert table.columns == [*QIS, "cost", "diagnosis"]
    assert table.schema["cost"] == pl.Float64  # numbers stay numbers
    anonymity = pytest.importorskip("pycanon.anonymity")
    frame = table.to_pandas().reset_index(drop=True)
    assert anonymity.k_anonymity(frame, QIS) >= 4
    assert anonymity.l_diversity(frame, QIS, ["diagnosis"]) >= 2

    manifest = json.loads((publish / "clinic_microdata" / "v1" / "manifest.json").read_text())
    done = manifest["anonymisation"]
    assert [q["column"] for q in done["quasi_identifiers"]] == QIS
    assert {m["model"] for m in done["privacy_models"]} == {
        "k_anonymity", "l_diversity", "t_closeness",
    }  # fmt: skip
    assert all(m["achieved"] is not None for m in done["privacy_models"])
    assert done["suppressed_rows"] == 240 - table.height
    assert (
        done["risk_after"]["prosecutor_max_risk"]
        <= 0.25
        < done["risk_before"]["prosecutor_max_risk"]
    )
    assert done["metric"]["name"] == "Loss"

    local = pl.read_parquet(publish / "clinic_local" / "v1" / "data.parquet")
    assert anonymity.k_anonymity(local.to_pandas().reset_index(drop=True), QIS) >= 4
    recoded = json.loads((publish / "clinic_local" / "v1" / "manifest.json").read_text())
    recoded = recoded["anonymisation"]
    sizes = local.group_by(QIS).len()["len"]
    assert recoded["local_recoding"]["dm"] == int((sizes * sizes).sum()) + (
        recoded["suppressed_rows"] * 240
    )
    assert recoded["local_recoding"]["dm"] <= recoded["metric"]["value"]  # full-domain DM

    refused = results["clinic_impossible"]
    assert refused.status == "refused"
    assert "k=500" in refused.message and "240 rows" in refused.message
    assert not (publish / "clinic_impossible").exists()


def _gate_inputs(domain):
    _, _, policy = domain
    loaded = KINDS.load_policy(policy)
    product = loaded.policy.products[0]
    source = pl.read_csv(domain[0] / "raw" / "clinic.csv", schema_overrides={"district": pl.String})
    rule = RecordRule(source.lazy(), product.qi_columns(), product.privacy.models())
    return microdata_lineage(loaded.policy, product), rule, source


def _released(source: pl.DataFrame) -> pl.DataFrame:
    """A release by hand: age in 50-year bands, district to province, 240 rows in 4 classes."""
    band = pl.when(pl.col("age") < 50).then(pl.lit("[0, 50)")).otherwise(pl.lit("[50, 100)"))
    return source.select(
        band.alias("age"), "sex", pl.lit("330000").alias("district"), "cost", "diagnosis"
    )


def test_gate_refuses_a_table_changed_after_the_search(domain):
    lineage, rule, source = _gate_inputs(domain)
    good = _released(source)
    assert egress_gate(good, lineage=lineage, rules=[rule]).frame.height == 240

    tampered = pl.concat([good, good.head(1).with_columns(pl.lit("330106").alias("district"))])
    with pytest.raises(EgressRefused) as info:
        egress_gate(tampered, lineage=lineage, rules=[rule])
    assert "k_anonymity: smallest class has 1 row(s), k=4 required" in str(info.value)

    one_diagnosis = good.with_columns(pl.lit("J00").alias("diagnosis"))
    with pytest.raises(EgressRefused) as info:
        egress_gate(one_diagnosis, lineage=lineage, rules=[rule])
    assert "l_diversity: distinct l of 'diagnosis' is 1, 2 required" in str(info.value)


def test_gate_refuses_an_ungeneralised_quasi_identifier_column(domain):
    lineage, rule, source = _gate_inputs(domain)
    lineage = {**lineage, "raw_age": lineage["age"]}
    leaking = _released(source).with_columns(source["age"].alias("raw_age"))
    with pytest.raises(EgressRefused) as info:
        egress_gate(leaking, lineage=lineage, rules=[rule])
    assert "['raw_age'] are quasi-identifiers published without generalising" in str(info.value)
