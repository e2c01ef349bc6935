"""An evaluation index declared in its own file is judged with the records of the resources it
draws on, both ways: records are judged with what the index's cells tell (its median of the
contribution base per city and year lets its readers tell records apart by the base), and an
index whose cells would tell live records apart is refused until they are rebuilt."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.kinds import KINDS
from flows.pipeline.plan import declarations
from flows.services.registration import submissions
from flows.settings import Paths
from governance.registry import RegistryStore, register
from tests.flows.test_index_build import write_domain

RECORDS = """
products:
  - id: insured_records
    kind: microdata
    title: 参保记录（微观数据）
    supply_mode: shared
    purpose: public_welfare
    recipients:
      - department: 统计局
        responsibilities: [仅用于统计分析]
    quasi_identifiers:
      - {column: district}
      - {column: year}
    include: [base]
    linkage: LINKAGE
    privacy: {k: 2}
    max_suppression: 0.5
"""


def _domain(root: Path, linkage: str) -> Path:
    policies = write_domain(root)
    insured = policies / "insured.yaml"
    insured.write_text(insured.read_text("utf-8") + RECORDS.replace("LINKAGE", linkage), "utf-8")
    return policies


@pytest.fixture
def paths(tmp_path, monkeypatch) -> Paths:
    monkeypatch.setenv("SLUICE_HOME", str(tmp_path / "domain"))
    monkeypatch.setenv("SLUICE_PUBLISH_DIR", str(tmp_path / "published"))
    return Paths.from_env()


def _register(folder: Path, paths: Paths) -> None:
    register(RegistryStore(paths.state), submissions(KINDS.load_policies(folder), paths))


def test_a_resource_s_products_know_the_indices_declared_beside_them(tmp_path):
    folder = _domain(tmp_path, "refuse")
    found = {spec.id: where for spec, _, where in declarations(folder)}
    assert [p.id for p in found["insured_records"].beside] == ["vitality"]
    assert found["vitality"].beside == ()


def test_records_are_refused_while_the_index_s_median_tells_them_apart(tmp_path, paths):
    from flows.pipeline.build import build_in_process as build

    folder = _domain(tmp_path, "refuse")
    _register(folder, paths)
    row = build(str(folder), ["insured_records"]).outcome("insured_records")
    assert row.status == "refused"
    assert "base (told apart within cells of district@city, year@year) from vitality" in (
        row.message
    )


def test_an_index_is_refused_until_the_records_it_would_expose_are_rebuilt(tmp_path, paths):
    from flows.pipeline.build import build_in_process as build

    folder = _domain(tmp_path, "generalise")
    index = folder / "indices" / "vitality.yaml"
    declared = index.read_text("utf-8")
    index.unlink()  # the records are published before the index is declared
    _register(folder, paths)
    first = build(str(folder), ["insured_records"]).outcome("insured_records")
    assert first.status == "published", first.message

    index.write_text(declared, "utf-8")
    refused = build(str(folder), ["vitality"]).outcome("vitality")
    assert refused.status == "refused"
    assert "insured_records v1" in refused.message
    assert "rebuild those releases first" in refused.message

    both = build(str(folder), ["vitality", "insured_records"])
    assert both.outcome("insured_records").status == "published"
    assert both.outcome("insured_records").version == 2
    assert both.outcome("vitality").status == "published", both.outcome("vitality").message


def test_a_record_set_publishes_as_they_are_its_columns_and_its_flat_levels():
    from flows.kinds.linkage import recorded_exactly
    from flows.services.releases import summary
    from transforms.footprint import QuasiIdentifierLevel, RecordSet

    levels = (
        QuasiIdentifierLevel("district", 0, 3),
        QuasiIdentifierLevel("year", 1, 2),
        QuasiIdentifierLevel("age", 0, 4, levels_used=(0, 4)),  # rows lifted by local recoding
    )
    records = RecordSet("insured", levels, ("base",), 10)
    assert set(records.published_exactly) == {"district", "base"}
    assert recorded_exactly(summary(records)) == {"district", "base"}
    assert recorded_exactly({"columns": ["base"], "quasi_identifiers": ["district@0/3"]}) == {
        "base"
    }  # recorded before: only the columns beside
