"""Microdata products in policies: the example validates against the schema, and every mistake
is reported with the product and the field it is about."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from flows.kinds import KINDS
from flows.kinds.microdata import MicrodataProduct
from governance.errors import PolicyError, PolicyErrors
from tests.conftest import POLICIES

POLICY = """
sluice: 1
resource:
  id: insured
  title: 参保记录
  department: 人力资源和社会保障局
  source: raw/insured.csv
  format: csv
  update_frequency: monthly
  subject: person_id
columns:
  person_id:
    category: direct_identifier
    treatment: {operator: pseudonymize}
  age:
    type: integer
    category: quasi_identifier
  sex:
    category: quasi_identifier
  district:
    category: quasi_identifier
  occupation:
    category: sensitive_attribute
  salary:
    type: integer
    category: sensitive_attribute
    secret: true
  contribution_base:
    type: float
    category: sensitive_attribute
  insured_months:
    type: integer
    category: non_personal
products:
  - id: insured_microdata
    kind: microdata
    title: 参保微观数据
    supply_mode: shared
    purpose: public_welfare
    recipients:
      - {department: 浙江省统计局, responsibilities: [仅用于统计分析]}
    quasi_identifiers:
      - column: age
        hierarchy: {intervals: [5, 10, 20]}
      - column: district
        hierarchy: {district: true}
      - column: sex
    include: [insured_months]
    privacy:
      k: 5
      environment: controlled
      l_diversity: [{column: occupation, l: 3, kind: distinct}]
      t_closeness: [{column: contribution_base, t: 0.2, distance: ordered}]
    max_suppression: 0.05
    metric: loss
"""


def messages(write_policy, text: str) -> list[str]:
    with pytest.raises((PolicyErrors, PolicyError)) as info:
        KINDS.load_policy(write_policy(text))
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, PolicyErrors) else [str(exc)]


def test_example_loads_and_matches_the_schema(write_policy):
    product = KINDS.load_policy(write_policy(POLICY)).policy.products[0]
    assert isinstance(product, MicrodataProduct)
    assert product.output_columns() == [
        "age", "district", "sex", "insured_months", "occupation", "contribution_base",
    ]  # fmt: skip
    schema = json.loads((POLICIES / "policy.schema.json").read_text("utf-8"))
    jsonschema.validate(yaml.safe_load(POLICY), schema)
    shipped = yaml.safe_load((POLICIES / "social_insurance.yaml").read_text("utf-8"))
    shipped["reference_date"] = str(shipped["reference_date"])  # YAML reads it as a date
    jsonschema.validate(shipped, schema)
    assert any(p["kind"] == "microdata" for p in shipped["products"])


def test_schema_refuses_an_out_of_range_setting():
    schema = json.loads((POLICIES / "policy.schema.json").read_text("utf-8"))
    data = yaml.safe_load(POLICY.replace("t: 0.2", "t: 1.5"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_file_hierarchy_relative_to_the_policy(write_policy, tmp_path):
    (tmp_path / "hierarchies").mkdir()
    (tmp_path / "hierarchies" / "sex.csv").write_text("M;*\nF;*\n", "utf-8")
    with_file = "      - column: sex\n        hierarchy: {file: hierarchies/sex.csv}\n"
    text = POLICY.replace("      - column: sex\n", with_file)
    product = KINDS.load_policy(write_policy(text)).policy.products[0]
    assert product.quasi_identifiers[2].hierarchy.file == "hierarchies/sex.csv"


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        (
            "      k: 5\n      environment: controlled\n      l_diversity: [{column: occupation, "
            "l: 3, kind: distinct}]\n      t_closeness: [{column: contribution_base, t: 0.2, "
            "distance: ordered}]\n",
            "      {}\n",
            "products[0].privacy",
            "set at least one of k, environment, l_diversity, t_closeness",
        ),
        ("l: 3, kind: distinct", "l: 1, kind: distinct", "products[0].privacy.l_diversity[0].l",
         "l must be at least 2"),
        ("t: 0.2", "t: 1.5", "products[0].privacy.t_closeness[0].t", "between 0 and 1"),
        ("l: 3, kind: distinct", "l: 3, kind: recursive", "products[0].privacy.l_diversity[0]",
         "recursive l-diversity needs 'c'"),
        ("environment: controlled", "environment: internet", "products[0].privacy.environment",
         "'internet'"),
        ("{district: true}", "{district: true, intervals: [5]}",
         "products[0].quasi_identifiers[1].hierarchy", "exactly one hierarchy form"),
    ],
)  # fmt: skip
def test_setting_errors_name_the_field(write_policy, old, new, key, expected):
    assert old in POLICY
    (message,) = messages(write_policy, POLICY.replace(old, new))
    assert f"{key}:" in message and expected in message


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ("      - column: sex\n", "      - column: gender\n",
         "products[0].quasi_identifiers[2].column", "quasi-identifier 'gender' is not a declared"),
        ("include: [insured_months]", "include: [insured_months, person_id]",
         "products[0].include[1]", "included column 'person_id' is a direct identifier"),
        ("{column: occupation, l: 3", "{column: sex, l: 3",
         "products[0].privacy.l_diversity[0].column",
         "sensitive column 'sex' is also a quasi-identifier"),
        ("{column: contribution_base, t: 0.2", "{column: person_id, t: 0.2",
         "products[0].privacy.t_closeness[0].column",
         "sensitive column 'person_id' is a direct identifier"),
        ("include: [insured_months]", "include: [insured_months, district]",
         "products[0].include[1]", "already a quasi-identifier"),
        ("{district: true}", "{file: hierarchies/district.csv}",
         "products[0].quasi_identifiers[1].hierarchy.file", "hierarchies/district.csv"),
        ("{intervals: [5, 10, 20]}", "{dates: [month, year]}",
         "products[0].quasi_identifiers[0].hierarchy.dates", "dates need a date column"),
    ],
)  # fmt: skip
def test_column_errors_name_product_and_field(write_policy, old, new, key, expected):
    assert old in POLICY
    (message,) = messages(write_policy, POLICY.replace(old, new))
    assert f"{key}: microdata 'insured_microdata':" in message
    assert expected in message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("include: [insured_months]", "include: [salary]"),
        ("      - column: sex\n", "      - column: salary\n"),
    ],
)
def test_a_secret_column_is_refused_by_the_release_matrix(write_policy, old, new):
    (message,) = messages(write_policy, POLICY.replace(old, new))
    assert "products[0]: release matrix rule 'any.no-secret': 'salary' is secret" in message


def test_unlisted_quasi_identifier_cannot_be_included(write_policy):
    text = POLICY.replace("      - column: sex\n", "").replace(
        "include: [insured_months]", "include: [insured_months, sex]"
    )
    (message,) = messages(write_policy, text)
    assert "included column 'sex' is a quasi-identifier; list it under quasi_identifiers" in message


def test_missing_hierarchy_file_names_its_path(write_policy, tmp_path):
    text = POLICY.replace("{district: true}", "{file: hierarchies/district.csv}")
    (message,) = messages(write_policy, text)
    assert str(tmp_path / "hierarchies" / "district.csv") in message
    assert "not found" in message


def test_local_recoding_refuses_l_and_t(write_policy):
    """Local recoding splits classes, which can break l or t: the policy says so up front."""
    (message,) = messages(
        write_policy, POLICY.replace("metric: loss", "metric: dm\n    local: true")
    )
    assert "products[0]:" in message and "local: true supports k and environment only" in message
    text = POLICY.replace("metric: loss", "metric: dm\n    local: true")
    text = text.replace(
        "      l_diversity: [{column: occupation, l: 3, kind: distinct}]\n", ""
    ).replace("      t_closeness: [{column: contribution_base, t: 0.2, distance: ordered}]\n", "")
    assert KINDS.load_policy(write_policy(text)).policy.products[0].local
