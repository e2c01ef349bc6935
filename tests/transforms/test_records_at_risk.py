"""Records at risk are counted against the threshold of the environment a release is for (0.05
public, 0.2 controlled, 1/3 enclave), wherever they are reported: the gate's figures (which the
manifest copies), the `sluice anonymize` report, and a release whose k alone says its
environment. A fixed 0.2 would call a class of 10 records safe in a public release."""

from __future__ import annotations

import polars as pl
import pytest

from flows.kinds.microdata import MicrodataProduct
from transforms.anonymize import KAnonymity, ReleaseEnvironment
from transforms.anonymize.report import environment_figures, risk_figures
from transforms.anonymize.risk import environment_met, threshold_for
from transforms.egress import RecordRule
from transforms.egress.records import record_checks
from transforms.gate_check import Origin

LINEAGE = {"g": Origin("quasi_identifier", "g", "quasi_identifier")}
SOURCE = pl.DataFrame({"g": ["a"] * 10 + ["b"] * 30})
"""Before anonymisation: a class of 10 (risk 0.1, above the public 0.05, below 0.2) and one of
30."""
RELEASE = pl.DataFrame({"g": ["*"] * 40})


def risk_check(models) -> dict:
    rule = RecordRule(SOURCE.lazy(), ["g"], models)
    (risk,) = [
        c for c in record_checks(RELEASE, LINEAGE, rule) if c.name == "re_identification_risk"
    ]
    return risk.figures


@pytest.mark.parametrize(
    ("models", "threshold", "at_risk"),
    [
        ([ReleaseEnvironment("public")], 0.05, 0.25),
        ([KAnonymity(20)], 0.05, 0.25),  # k = 20 is the public environment's k
        ([ReleaseEnvironment("controlled")], 0.2, 0.0),
        ([ReleaseEnvironment("enclave")], 1 / 3, 0.0),
        ([KAnonymity(2)], 0.2, 0.0),  # below every environment: ARX's 0.2
    ],
)
def test_the_gate_counts_records_at_risk_at_the_environment_s_threshold(models, threshold, at_risk):
    figures = risk_check(models)
    assert figures["threshold"] == pytest.approx(threshold)
    assert figures["before"]["records_at_risk"] == pytest.approx(at_risk)
    assert figures["after"]["records_at_risk"] == 0.0


def test_the_anonymize_report_counts_at_the_environment_s_threshold():
    public = risk_figures(SOURCE, ["g"], environment="public")
    assert public is not None
    assert public["threshold"] == 0.05 and public["records_at_risk"] == 0.25
    assert risk_figures(SOURCE, ["g"], k=20)["records_at_risk"] == 0.25
    assert risk_figures(SOURCE, ["g"])["records_at_risk"] == 0.0  # no environment: ARX's 0.2
    section = environment_figures(SOURCE, ["g"], "public")
    assert section is not None
    assert section["records_at_risk"] == 0.25 and section["holds"] is False


def test_a_microdata_product_s_environment_comes_from_its_settings():
    def shape(privacy: dict):
        spec = MicrodataProduct.model_validate(
            {
                "id": "m", "kind": "microdata", "title": "t", "supply_mode": "open",
                "purpose": "public_welfare", "quasi_identifiers": [{"column": "g"}],
                "privacy": privacy,
            }
        )  # fmt: skip
        return spec.shape()

    assert (shape({"k": 20}).environment, shape({"k": 20}).strength) == ("public", "public")
    assert (shape({"k": 20, "environment": "enclave"}).environment) == "enclave"
    assert shape({"k": 20, "environment": "enclave"}).strength == "public"
    assert shape({"environment": "controlled"}).strength == "controlled"
    assert shape({"l_diversity": [{"column": "x", "l": 2}]}).strength is None


def test_thresholds_follow_the_environment_a_k_meets():
    assert [environment_met(k) for k in (2, 3, 4, 5, 19, 20, 100)] == [
        None, "enclave", "enclave", "controlled", "controlled", "public", "public",
    ]  # fmt: skip
    assert threshold_for("enclave", 20) == pytest.approx(1 / 3)  # a named environment wins
