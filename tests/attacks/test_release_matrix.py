"""An adversarial data engineer tries to slip data past the release matrix: record-level data
opened at a weak environment, core or important data in an open product, a raw identifier in a
shared one, a secret column as a dimension or a filter, a grade lowered in the policy after
registration. Every attempt is written as a policy the way such an engineer would write it, and
the real plan must refuse it, naming the rule it breaks."""

from __future__ import annotations

import pytest

from tests.matrix_domain import (
    RECIPIENTS,
    Domain,
    index,
    make_domain,
    microdata,
    model,
    policy_text,
    verification,
)

AUTH = "authorization: AUTH-9"


@pytest.fixture(scope="module")
def domain(tmp_path_factory) -> Domain:
    return make_domain(tmp_path_factory.mktemp("attack"))


def refused(domain: Domain, rule: str, policy: str, index_file: str | None = None) -> None:
    reasons = domain.refusals(policy, index_file)
    assert any(f"release matrix rule '{rule}'" in r for r in reasons), reasons


def test_open_microdata_at_the_enclave_environment(domain):
    refused(domain, "open.public-records", policy_text(microdata(privacy="{environment: enclave}")))


def test_open_microdata_at_the_enclave_with_a_public_k(domain):
    """k = 20 meets the public threshold, but the records are declared for an enclave: whoever
    wrote that expects a controlled setting the public does not give."""
    policy = policy_text(microdata(privacy="{k: 20, environment: enclave}"))
    refused(domain, "open.public-records", policy)


def test_open_microdata_one_record_short_of_public(domain):
    refused(domain, "open.public-records", policy_text(microdata(privacy="{k: 19}")))


def test_open_microdata_protected_by_l_diversity_alone(domain):
    privacy = "{l_diversity: [{column: income, l: 2}]}"
    refused(domain, "open.public-records", policy_text(microdata(privacy=privacy)))


def test_a_core_graded_column_in_an_open_model(domain):
    policy = policy_text(model(dimension="sector"), sector_grade="core")
    refused(domain, "open.no-core-data", policy)


def test_core_data_kept_out_of_the_open_model_s_columns(domain):
    """The core column is not used, but the resource's table grade is core (就高从严)."""
    refused(domain, "open.no-core-data", policy_text(model(), sector_grade="core"))


def test_core_data_shared_with_a_department(domain):
    policy = policy_text(model("shared", "sector", RECIPIENTS), sector_grade="core")
    refused(domain, "shared.no-core-data", policy)


def test_core_data_aggregated_under_authorization(domain):
    policy = policy_text(model("authorized", "sector", AUTH), sector_grade="core")
    refused(domain, "core.enclave-under-authorization", policy)


def test_important_data_as_enclave_microdata_under_authorization(domain):
    policy = policy_text(
        microdata("authorized", "{environment: enclave}", AUTH), sector_grade="important"
    )
    refused(domain, "important.aggregated-or-controlled", policy)


def test_an_index_drawing_on_an_important_resource_published_open(domain):
    """The index uses no important column, but draws on a resource graded important."""
    refused(domain, "open.no-important-data", policy_text("", sector_grade="important"), index())


def test_a_raw_resident_id_declared_a_quasi_identifier_in_a_shared_model(domain):
    """The engineer declares the ID a quasi-identifier and keeps it, so the kind's own check
    (no direct identifier as a dimension) does not see it; its entity still says what it is."""
    policy = policy_text(model("shared", "phone", RECIPIENTS), phone=("quasi_identifier", "keep"))
    refused(domain, "shared.pseudonyms-only", policy)


def test_a_masked_phone_number_in_a_shared_model(domain):
    """A mask keeps digits of the number: it is not a keyed pseudonym."""
    policy = policy_text(model("shared", "phone", RECIPIENTS), phone=("quasi_identifier", "mask"))
    refused(domain, "shared.pseudonyms-only", policy)


def test_a_keyed_pseudonym_published_open(domain):
    policy = policy_text(model("open", "phone"), phone=("quasi_identifier", "pseudonymize"))
    refused(domain, "open.no-identifiers", policy)


def test_a_secret_column_as_a_dimension(domain):
    refused(domain, "any.no-secret", policy_text(model("shared", "salary", RECIPIENTS)))


def test_a_secret_column_as_an_index_filter(domain):
    refused(domain, "any.no-secret", policy_text(""), index(where="{salary: [5000.0]}"))


def test_a_secret_column_as_a_verification_claim(domain):
    refused(domain, "any.no-secret", policy_text(verification("authorized", AUTH, "salary")))


def test_a_verification_service_published_open(domain):
    refused(domain, "open.no-verification", policy_text(verification("open")))


def test_a_shared_product_without_recipients(domain):
    refused(domain, "shared.named-recipients", policy_text(model("shared")))


def test_a_grade_lowered_in_the_policy_after_registration(tmp_path):
    """Registered with the sector column graded core, then the grade line deleted: the
    registry still holds core, and the plan takes the higher grade."""
    domain = make_domain(tmp_path)
    domain.register(policy_text("", sector_grade="core"))
    refused(domain, "open.no-core-data", policy_text(model()))
    refused(domain, "open.no-core-data", policy_text(""), index())
