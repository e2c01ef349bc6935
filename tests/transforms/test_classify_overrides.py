"""A policy's word over the classifier's: overrides, re-derived profiles, floors, secret."""

from __future__ import annotations

from transforms.classify import Override, apply_overrides


def found(**column) -> dict:
    base = {
        "name": "c",
        "category": "non_personal",
        "entity": None,
        "pi_class": None,
        "sensitive_pi": False,
        "grade": "general-1",
        "confidence": 0.4,
        "evidence": [],
    }
    return {"resource": "r", "table_grade": base["grade"], "columns": [{**base, **column}]}


def test_entity_override_brings_its_profile_and_raises_the_table_grade():
    out = apply_overrides(found(), {"c": Override(entity="DIAGNOSIS")})
    col = out["columns"][0]
    assert (col["category"], col["pi_class"], col["sensitive_pi"]) == (
        "sensitive_attribute",
        "health",
        True,
    )
    assert col["grade"] == out["table_grade"] == "general-4"
    assert col["confidence"] == 1.0
    assert "policy: entity DIAGNOSIS (classifier: None)" in col["evidence"]


def test_grade_override_cannot_go_below_the_floor():
    sensitive = found(category="sensitive_attribute", entity="DIAGNOSIS", pi_class="health",
                      sensitive_pi=True, grade="general-4")  # fmt: skip
    col = apply_overrides(sensitive, {"c": Override(grade="general-1")})["columns"][0]
    assert col["grade"] == "general-4"
    assert "grade raised to the floor general-4" in col["evidence"]


def test_non_personal_override_clears_personal_information():
    mobile = found(category="direct_identifier", entity="CN_MOBILE", pi_class="contact",
                   grade="general-3")  # fmt: skip
    col = apply_overrides(mobile, {"c": Override(category="non_personal")})["columns"][0]
    assert (col["pi_class"], col["sensitive_pi"], col["grade"]) == (None, False, "general-1")


def test_secret_is_marked_and_unnamed_columns_are_untouched():
    two = found()
    two["columns"].append({**two["columns"][0], "name": "d"})
    out = apply_overrides(two, {"c": Override(secret=True)})
    assert [c["secret"] for c in out["columns"]] == [True, False]
    assert out["columns"][1]["evidence"] == [] and out["columns"][1]["confidence"] == 0.4
