"""Authorization documents: what a valid one holds, and which clause each out-of-scope use
breaks."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.kinds import KINDS
from governance.authorization.scope import Use, refusal
from governance.authorization.store import AuthorizationStore, Held
from governance.errors import PolicyErrors
from tests.conftest import POLICIES

SAMPLE = POLICIES / "authorizations" / "AUTH-2026-001.yaml"
TODAY = dt.date(2026, 7, 1)


@pytest.fixture(scope="module")
def held() -> Held:
    loaded = KINDS.load_authorization(SAMPLE)
    return Held(loaded.authorization, "active", loaded.sha256, str(SAMPLE), dt.datetime(2026, 1, 1))


def use(**changes) -> Use:
    base = {
        "product": "employment_model",
        "kind": "model",
        "purpose": "industry",
        "scenario": "labour_market",
        "columns": {"social_insurance": ["jfnd", "xzqh", "hy", "sfzh"]},
    }
    return Use(**{**base, **changes})


def test_the_sample_covers_its_own_products(held: Held) -> None:
    assert refusal(held, held.id, use(), TODAY) is None
    assert refusal(held, held.id, use(price=15000.0), TODAY) is None


@pytest.mark.parametrize(
    ("changes", "on", "clause", "words"),
    [
        ({}, dt.date(2025, 12, 31), "term", "not valid before 2026-01-01"),
        ({}, dt.date(2028, 1, 1), "term", "expired after 2027-12-31"),
        ({"kind": "microdata"}, TODAY, "products", "microdata products are not allowed"),
        ({"scenario": None}, TODAY, "scenarios", "must name one of"),
        ({"scenario": "scoring"}, TODAY, "scenarios", "'scoring' is not granted"),
        ({"purpose": "public_welfare"}, TODAY, "scenarios", "is for industry use"),
        ({"columns": {"hospital_visits": ["age"]}}, TODAY, "resources", "not covered"),
        (
            {"columns": {"social_insurance": ["xzqh", "lxdh"]}},
            TODAY,
            "resources[0].columns",
            "lxdh of 'social_insurance'",
        ),
        ({"price": 20001.0}, TODAY, "price_caps", "above the cap 20000"),
        ({"product": "other", "price": 1.0}, TODAY, "price_caps", "no price cap is set"),
        ({"operator": "someone"}, TODAY, "operator", "not 'someone'"),
    ],
)
def test_each_out_of_scope_use_names_its_clause(held, changes, on, clause, words) -> None:
    found = refusal(held, held.id, use(**changes), on)
    assert found is not None and found.clause == clause
    assert words in str(found) and str(found).startswith("authorization AUTH-2026-001")


def test_public_welfare_products_are_free(held: Held) -> None:
    found = refusal(
        held,
        held.id,
        use(purpose="public_welfare", scenario="regional_assessment", price=1.0),
        TODAY,
    )
    assert found is not None and found.clause == "price_caps" and "free" in found.message


def test_ended_and_unknown_authorizations_refuse(held: Held) -> None:
    revoked = Held(held.authorization, "revoked", held.sha256, held.source, held.added_at,
                   dt.datetime(2026, 5, 1), "breach of duty")  # fmt: skip
    found = refusal(revoked, held.id, use(), TODAY)
    assert found.clause == "status" and "revoked on 2026-05-01 (breach of duty)" in found.message
    missing = refusal(None, "AUTH-X", use(), TODAY)
    assert missing.clause == "id" and "sluice authorization add" in missing.message


def test_domain_mode_checks_the_resource_domain(held: Held) -> None:
    by_domain = held.authorization.model_copy(
        update={"mode": "domain", "scenarios": [], "domains": ["社会保障"],
                "purposes": ["industry"]}
    )  # fmt: skip
    domain_held = Held(by_domain, "active", held.sha256, held.source, held.added_at)
    ok = use(domains={"social_insurance": "社会保障"})
    assert refusal(domain_held, held.id, ok, TODAY) is None
    other = refusal(domain_held, held.id, use(domains={"social_insurance": "医疗"}), TODAY)
    assert other.clause == "domains"


BROKEN = {
    "mode: scenario": ("mode: whole", "mode 'whole' needs 'purposes'"),
    "valid_until: 2027-12-31": ("valid_until: 2025-12-31", "valid_until is before valid_from"),
    "uscc: 11330000MB19574618": ("uscc: 11330000MB19574619", "not a valid unified social credit"),
    "products: [model, verification, index]": ("products: [model, report]", "'report'"),
    "  claims_per_day: 200000": ("  claims_per_dya: 200000", "unknown key 'claims_per_dya'"),
}


@pytest.mark.parametrize("original", sorted(BROKEN))
def test_broken_files_name_the_line(tmp_path, original: str) -> None:
    replacement, words = BROKEN[original]
    text = SAMPLE.read_text("utf-8")
    assert original in text
    path = tmp_path / "auth.yaml"
    path.write_text(text.replace(original, replacement), "utf-8")
    with pytest.raises(PolicyErrors) as caught:
        KINDS.load_authorization(path)
    message = str(caught.value)
    assert words in message and f"{path}:" in message


def test_the_store_keeps_the_document_and_its_end(tmp_path, held: Held) -> None:
    store = AuthorizationStore(tmp_path / "state.duckdb")
    assert store.all() == [] and not (tmp_path / "state.duckdb").exists()
    store.add(held.authorization, held.sha256, held.source, dt.datetime(2026, 1, 2, 8))
    again = store.get(held.id)
    assert again.authorization == held.authorization and again.status == "active"
    store.end(held.id, "revoked", dt.datetime(2026, 3, 1), "breach")
    ended = store.get(held.id)
    assert (ended.status, ended.reason) == ("revoked", "breach")


def test_committed_authorization_schema_is_current():
    committed = (POLICIES / "authorization.schema.json").read_text("utf-8")
    assert committed == KINDS.schema_text("authorization"), (
        "run `make schema` and commit the result"
    )
