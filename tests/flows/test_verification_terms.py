"""What a verification product states about itself: the bound in bits per window that the
manifest and `sluice plan` give (the demo product's, worked by hand), which claim types still
reveal membership when it is hidden, and the policy combinations that are refused."""

from __future__ import annotations

import math

import polars as pl
import pytest
from pydantic import ValidationError

from flows.kinds import KINDS
from flows.kinds.verification import VerificationKind, VerificationProduct, answered
from flows.kinds.verification.terms import disclosure
from sample_data.claims import THRESHOLDS
from sample_data.generate import generate
from tests.conftest import POLICIES


def demo(product: str = "identity_verification") -> VerificationProduct:
    for loaded in KINDS.load_policies(POLICIES):
        for spec in loaded.policy.products:
            if spec.id == product:
                assert isinstance(spec, VerificationProduct)
                return spec
    raise AssertionError(product)


def test_the_demo_service_states_its_bound_worked_by_hand() -> None:
    spec = demo()
    # identity: 3 names tried, 4 outcomes (which one, or none): 2 bits; insured_months: 3 years,
    # each with 2 of the thresholds 3, 6, 12, 3 bands: 3 x log2 3; membership: 1
    expected = 2 + 3 * math.log2(3) + 1
    stated = disclosure(spec)
    assert stated["bits_per_window"] == round(expected, 2) == 7.75
    assert [c["bits"] for c in stated["claims"]] == [2.0, 4.75] and stated["membership_bits"] == 1
    line = VerificationKind().describe(spec)
    assert "at most 7.75 bits about one person per window" in line
    assert "insured_months 3 x log2 3 = 4.75" in line and "membership 1" in line
    assert "membership revealed" in line


def test_hidden_membership_says_which_claims_still_reveal_it() -> None:
    spec = demo().model_copy(update={"membership": "hide"})
    assert answered(spec) == ("match", "no_match", "invalid")
    line = VerificationKind().describe(spec)
    assert "answered match/no_match/invalid" in line
    assert "except through insured_months, which has no match part" in line
    assert disclosure(spec)["bits_per_window"] == 6.75
    enterprise = demo("enterprise_verification").model_copy(update={"membership": "hide"})
    assert "except" not in VerificationKind().describe(enterprise)


def test_hidden_membership_cannot_name_the_failed_part() -> None:
    raw = demo().model_dump(mode="json")
    with pytest.raises(ValidationError, match="membership: hide cannot be combined"):
        VerificationProduct.model_validate(raw | {"membership": "hide", "reveal_failed_part": True})


def test_the_sample_claims_name_only_the_declared_thresholds(tmp_path) -> None:
    declared = {c.id: c.thresholds for c in demo().claims}
    assert declared["insured_months"] == {"months": [float(t) for t in THRESHOLDS]}
    generate(tmp_path, rows=400)
    claims = pl.read_csv(tmp_path / "claims" / "identity_verification.csv", infer_schema=False)
    asked = claims.filter(pl.col("claim") == "insured_months")["months"].cast(pl.Float64)
    assert asked.len() > 0 and set(asked) <= set(declared["insured_months"]["months"])
