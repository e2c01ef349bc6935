"""The redact treatment in a policy: free text may be redacted instead of dropped, and every
mistake in its settings names the file, the line and the key."""

from __future__ import annotations

import pytest

from flows.kinds import KINDS
from governance.errors import PolicyError, PolicyErrors
from tests.conftest import MINIMAL

NOTE = """  note:
    category: free_text
    treatment: {TREATMENT}
"""


def with_note(treatment: str, product: str = "") -> str:
    columns = MINIMAL.replace("products:\n", NOTE.replace("{TREATMENT}", treatment) + "products:\n")
    return columns + product


def errors_of(path) -> list[str]:
    with pytest.raises((PolicyErrors, PolicyError)) as info:
        KINDS.load_policies(path)
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, PolicyErrors) else [str(exc)]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_free_text_may_be_redacted_with_tags_and_pseudonyms(write_policy):
    path = write_policy(
        with_note("{operator: redact, entities: {PERSON: pseudonym, CN_PLATE: keep}}")
    )
    (loaded,) = KINDS.load_policies(path)
    treatment = loaded.policy.columns["note"].treatment
    assert treatment.key == "default" and treatment.entities["CN_PLATE"] == "keep"


def test_free_text_kept_as_it_is_is_refused(write_policy):
    path = write_policy(with_note("{operator: keep}"))
    (message,) = errors_of(path)
    assert "columns.note.treatment" in message and "drop, or with redact" in message


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [
        ("{operator: redact, entities: {CN_MOBILE: keep}}", "'keep' is not allowed for CN_MOBILE"),
        ("{operator: redact, entities: {PHONE: tag}}", "PHONE"),
        ("{operator: redact, entities: {PERSON: hide}}", "hide"),
        ("{operator: redact, key: other}", "'key' is used only when"),
    ],
)
def test_bad_settings_point_at_the_treatment_line(write_policy, treatment, expected):
    text = with_note(treatment)
    path = write_policy(text)
    (message,) = errors_of(path)
    assert expected in message and "columns.note.treatment" in message
    assert f"{path}:{line_of(path.read_text('utf-8'), 'operator: redact')}" in message


def test_redact_needs_a_string_column(write_policy):
    text = MINIMAL.replace(
        "treatment: {operator: generalize, to: band, width: 10}", "treatment: {operator: redact}"
    )
    (message,) = errors_of(write_policy(text))
    assert "columns.age.treatment" in message and "type string" in message


OPEN_RECORDS = """
  - id: notes_open
    kind: microdata
    title: 记录
    supply_mode: open
    purpose: public_welfare
    quasi_identifiers: [{column: age}]
    include: [note]
    privacy: {environment: public}
"""


def test_an_open_product_may_not_carry_pseudonyms_in_text(write_policy):
    text = with_note("{operator: redact, entities: {PERSON: pseudonym}}", OPEN_RECORDS)
    messages = errors_of(write_policy(text))
    assert any("open.no-identifiers" in m and "'note'" in m for m in messages)
    tags = with_note("{operator: redact}", OPEN_RECORDS)
    (loaded,) = KINDS.load_policies(write_policy(tags, "tags.yaml"))
    assert loaded.policy.products[1].id == "notes_open"
