"""Index files: every indicator is checked against its resource's policy, with the line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from flows.kinds import KINDS
from governance.errors import PolicyErrors
from tests.conftest import POLICIES

INDEX = """
sluice: 1
indices:
  - id: vitality
    title: 活力指数
    supply_mode: open
    purpose: public_welfare
    region: {level: city}
    period: {grain: year}
    indicators:
      - id: insured
        title: 参保人数
        resource: social_insurance
        region: xzqh
        period: jfnd
        aggregate: count_subjects
        weight: 1
{extra}
"""


def load(tmp_path: Path, extra: str = "", **replace: str):
    folder = tmp_path / "policies"
    shutil.copytree(POLICIES, folder, ignore=shutil.ignore_patterns("indices"))
    (folder / "indices").mkdir()
    text = textwrap.dedent(INDEX).replace("{extra}", textwrap.indent(extra, "      "))
    for old, new in replace.items():
        text = text.replace(old, new)
    (folder / "indices" / "vitality.yaml").write_text(text.lstrip(), "utf-8")
    return KINDS.load_indices(folder, KINDS.load_policies(folder))


def errors_of(tmp_path: Path, extra: str = "", **replace: str) -> list[str]:
    with pytest.raises(PolicyErrors) as caught:
        load(tmp_path, extra, **replace)
    return [str(e) for e in caught.value.errors]


def test_the_shipped_index_loads():
    loaded = KINDS.load_indices(POLICIES, KINDS.load_policies(POLICIES))
    assert [li.index.id for li in loaded] == ["regional_vitality"]


def test_a_valid_index_loads(tmp_path):
    (li,) = load(tmp_path)
    assert li.index.region.name == "region"


def test_unknown_resource_names_the_line(tmp_path):
    (message,) = errors_of(tmp_path, **{"resource: social_insurance": "resource: payroll"})
    assert "vitality.yaml:12: indices[0].indicators[0].resource" in message
    assert "no policy declares resource 'payroll'" in message


def test_a_column_dropped_by_the_resource_policy_cannot_be_used(tmp_path):
    extra = """- id: names
  title: 姓名数
  resource: social_insurance
  region: xzqh
  period: jfnd
  aggregate: count
  where: {xm: [张三]}
  weight: 1
"""
    (message,) = errors_of(tmp_path, extra)
    assert "'xm' is dropped by the policy of 'social_insurance'" in message


def test_a_region_generalised_to_city_cannot_give_districts(tmp_path):
    (message,) = errors_of(tmp_path, **{"level: city": "level: district"})
    assert "generalised to city by its policy; the index needs district" in message


def test_years_cannot_give_months(tmp_path):
    (message,) = errors_of(tmp_path, **{"grain: year": "grain: month"})
    assert "'jfnd' holds years after de-identification, not months" in message


def test_a_ratio_must_name_a_known_indicator(tmp_path):
    (message,) = errors_of(tmp_path, **{"weight: 1\n": "weight: 1\n        per: people\n"})
    assert "'per' names unknown 'people'" in message


def test_index_id_must_not_clash_with_a_product(tmp_path):
    (message,) = errors_of(tmp_path, **{"id: vitality": "id: insured_by_city_age"})
    assert "product id 'insured_by_city_age' is already used" in message


def test_committed_index_schema_is_current():
    committed = (POLICIES / "index.schema.json").read_text("utf-8")
    assert committed == KINDS.schema_text("index"), "run `make schema` and commit the result"
