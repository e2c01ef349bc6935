"""Registration codes: one shape, a check character that catches a mistyped character."""

from __future__ import annotations

from governance.registry.codes import ALPHABET, department_tag, is_valid_code, registration_code


def test_code_shape_and_stability():
    code = registration_code("浙江省卫生健康委员会", "hospital_visits")
    assert code == registration_code("浙江省卫生健康委员会", "hospital_visits")
    prefix, tag, rest = code.split("-", 2)
    assert prefix == "SLR" and tag == department_tag("浙江省卫生健康委员会") and len(tag) == 4
    assert rest.rsplit("-", 1)[0] == "hospital_visits"
    assert is_valid_code(code)


def test_department_and_resource_both_change_the_code():
    a = registration_code("浙江省卫生健康委员会", "visits")
    assert a != registration_code("杭州市卫生健康委员会", "visits")
    assert a != registration_code("浙江省卫生健康委员会", "visits2")


def test_every_single_mistyped_character_is_caught():
    code = registration_code("浙江省市场监督管理局", "enterprise_registry")
    for i, ch in enumerate(code):
        if ch.upper() not in ALPHABET:
            continue
        for other in ALPHABET:
            if other != ch.upper():
                assert not is_valid_code(code[:i] + other + code[i + 1 :]), (i, other)


def test_malformed_codes_are_invalid():
    assert not is_valid_code("")
    assert not is_valid_code("XYZ-0000-a-1")
    assert not is_valid_code("SLR-0000-a-??")
