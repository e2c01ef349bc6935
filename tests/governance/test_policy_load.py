"""Policy files: the shipped ones load, and every kind of mistake names file, line and key."""

from __future__ import annotations

import json

import pytest

from flows.kinds import KINDS
from governance.errors import PolicyError, PolicyErrors
from tests.conftest import MINIMAL, POLICIES


def errors_of(path) -> list[str]:
    with pytest.raises((PolicyErrors, PolicyError)) as info:
        KINDS.load_policies(path)
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, PolicyErrors) else [str(exc)]


def test_shipped_policies_load_with_unique_products():
    loaded = KINDS.load_policies(POLICIES)
    assert len(loaded) == 4
    ids = [p.id for lp in loaded for p in lp.policy.products]
    assert len(ids) == len(set(ids)) >= 4


def test_minimal_policy_loads(write_policy):
    loaded = KINDS.load_policy(write_policy(MINIMAL))
    assert loaded.policy.resource.subject == "patient_id"
    assert len(loaded.sha256) == 64


def test_unknown_key_points_at_its_line_and_suggests(write_policy):
    path = write_policy(MINIMAL.replace("  format: csv", "  formt: csv"))
    messages = errors_of(path)
    assert any(f"{path}:7: resource: unknown key 'formt'" in m for m in messages)
    assert any("did you mean 'format'" in m for m in messages)


def test_wrong_type_names_key_and_value(write_policy):
    path = write_policy(MINIMAL.replace("min_group_size: 3", "min_group_size: many"))
    (message,) = errors_of(path)
    assert message.startswith(f"{path}:31: products[0].min_group_size:")
    assert "integer" in message and "'many'" in message


def test_unknown_operator_lists_known_ones(write_policy):
    path = write_policy(MINIMAL.replace("{operator: pseudonymize}", "{operator: hash}"))
    (message,) = errors_of(path)
    assert f"{path}:13: columns.patient_id.treatment: unknown operator 'hash'" in message
    assert "pseudonymize" in message and "mask" in message


def test_missing_required_key(write_policy):
    path = write_policy(MINIMAL.replace("  title: 门诊记录\n", ""))
    (message,) = errors_of(path)
    assert "resource: missing required key 'title'" in message
    assert message.startswith(f"{path}:2:")


def test_missing_policy_file(tmp_path):
    (message,) = errors_of(tmp_path / "nope.yaml")
    assert "nope.yaml: file not found" in message


def test_yaml_syntax_error_has_line(write_policy):
    path = write_policy(MINIMAL.replace("  format: csv", "  format: [csv"))
    (message,) = errors_of(path)
    assert message.startswith(f"{path}:") and "not valid YAML" in message


def test_duplicate_key_is_refused(write_policy):
    path = write_policy(MINIMAL.replace("  format: csv", "  format: csv\n  format: parquet"))
    (message,) = errors_of(path)
    assert f"{path}:8:" in message and "duplicate key 'format'" in message


def test_direct_identifier_must_be_treated(write_policy):
    path = write_policy(MINIMAL.replace("    treatment: {operator: pseudonymize}\n", ""))
    (message,) = errors_of(path)
    assert "columns.patient_id.treatment" in message and "direct identifier" in message


def test_product_references_are_checked(write_policy):
    text = MINIMAL.replace("dimensions: [age]", "dimensions: [age, patient_id, nope]")
    path = write_policy(text)
    messages = errors_of(path)
    assert any("dimensions[1]" in m and "direct identifier" in m for m in messages)
    assert any("dimensions[2]" in m and "'nope' is not a declared column" in m for m in messages)


def test_treatment_must_fit_column_type(write_policy):
    path = write_policy(MINIMAL.replace("to: band, width: 10", "to: year"))
    (message,) = errors_of(path)
    assert "columns.age.treatment" in message and "date or datetime" in message


def test_authorized_product_needs_authorization(write_policy):
    path = write_policy(MINIMAL.replace("supply_mode: open", "supply_mode: authorized"))
    (message,) = errors_of(path)
    assert "products[0]" in message and "needs 'authorization'" in message


def test_product_ids_unique_across_files(write_policy):
    write_policy(MINIMAL, "a.yaml")
    other = MINIMAL.replace("id: visits\n", "id: visits_b\n")
    path_b = write_policy(other, "b.yaml")
    messages = errors_of(path_b.parent)
    assert any("product id 'visits_by_age' is also used by" in m for m in messages)


def test_committed_schema_is_current():
    committed = (POLICIES / "policy.schema.json").read_text("utf-8")
    assert committed == KINDS.schema_text("policy"), "run `make schema` and commit the result"
    schema = json.loads(committed)
    assert "resource" in schema["properties"] and schema["additionalProperties"] is False


def test_secret_column_cannot_feed_a_product(write_policy):
    secret = MINIMAL.replace(
        "    type: float\n    category: sensitive_attribute\n",
        "    type: float\n    category: sensitive_attribute\n    secret: true\n",
    )
    messages = errors_of(write_policy(secret))
    assert any("'cost' is secret; no product may release it" in m for m in messages)


def test_classification_overrides_are_validated(write_policy):
    path = write_policy(
        MINIMAL.replace("    type: integer\n", "    type: integer\n    grade: top\n")
    )
    assert any("grade" in m and "general-4" in m for m in errors_of(path))


def test_per_person_treatments_need_a_subject(write_policy):
    text = MINIMAL.replace("  subject: patient_id\n", "").replace(
        "    type: float\n    category: sensitive_attribute\n",
        "    type: float\n    category: sensitive_attribute\n"
        "    treatment: {operator: noise, scale: 5}\n",
    )
    assert any("'noise' draws once per person" in m for m in errors_of(write_policy(text)))
