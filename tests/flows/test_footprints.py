"""Every kind states what its cleared release reveals about its resources (its disclosure
footprint), and the statement matches the release itself: the cells and their suppression,
the record-level columns and the levels they are published at, the claims a service answers,
the budget a private release spends."""

from __future__ import annotations

import polars as pl
import pytest

from tests.released import Released, release_everything
from transforms.footprint import BudgetSpend, CellTable, ClaimService, RecordSet


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> dict[str, Released]:
    return release_everything(tmp_path_factory.mktemp("footprints"))


def test_every_kind_states_a_footprint_of_its_own_resources(released):
    assert {r.kind.name for r in released.values()} == {
        "model", "private_model", "microdata", "verification", "index",
    }  # fmt: skip
    for product, r in released.items():
        assert r.footprint.product == product
        assert r.footprint.parts
        assert set(r.footprint.resources) <= set(r.job.declared.resources)


def test_a_model_states_its_cells_suppressed_ones_and_totals_included(released):
    r = released["employment_model"]
    (cells,) = r.footprint.parts
    assert isinstance(cells, CellTable) and cells.exact
    assert cells.resource == "social_insurance" and cells.margin == "margin"
    assert cells.dimensions == (("jfnd", "year"), ("xzqh", "city"), ("hy", "industry"))
    assert [s.name for s in cells.statistics] == ["insured_people", "contribution_months"]
    assert cells.cells.equals(r.cleared.frame)
    hidden = cells.cells.filter(pl.col(cells.suppressed))
    assert hidden.height > 0 and hidden["insured_people"].null_count() == hidden.height
    assert cells.min_group_size == r.job.spec.min_group_size


def test_a_private_model_states_noisy_cells_and_the_budget_it_spends(released):
    r = released["insured_dp_by_city"]
    cells, spend = r.footprint.parts
    assert isinstance(cells, CellTable) and not cells.exact
    assert isinstance(spend, BudgetSpend) and spend.resource == "social_insurance"
    declared = r.job.spec.differential_privacy
    assert 0 < spend.epsilon <= declared.epsilon and 0 < spend.delta <= declared.delta
    assert spend.epsilon == r.built.account["epsilon"]


def test_microdata_states_its_columns_and_the_level_of_each_quasi_identifier(released):
    r = released["insured_microdata"]
    (records,) = r.footprint.parts
    assert isinstance(records, RecordSet) and records.resource == "social_insurance"
    assert records.rows == r.cleared.frame.height
    # months paid are what the verification service's operator learns (in bands of its
    # thresholds), so the release generalises them like its declared quasi-identifiers
    assert [q.column for q in records.quasi_identifiers] == [*r.job.spec.qi_columns(), "jfys"]
    assert {q.column: q.level for q in records.quasi_identifiers} == r.built.result.levels
    assert set(records.columns) == set()  # the contribution base stays in the models
    assert all(q.top_level >= q.level for q in records.quasi_identifiers)


def test_a_verification_service_states_the_claims_it_answers(released):
    r = released["identity_verification"]
    (service,) = r.footprint.parts
    assert isinstance(service, ClaimService)
    assert service.identifier == r.job.spec.identifier.column
    assert [c for c, _ in service.claims] == [c.id for c in r.job.spec.claims]
    assert service.answers == ("match", "no_match", "not_found", "invalid")
    read = {column for _, columns in service.claims for column in columns}
    assert read <= set(r.job.policy.columns)
    told = {k.column: (k.form, k.cuts) for k in service.reveals}
    assert told == {"xm": ("exact", ()), "jfnd": ("exact", ()), "jfys": ("cuts", (3, 6, 12))}


def test_an_index_states_one_table_of_cells_per_indicator_on_its_own_resource(released):
    r = released["regional_vitality"]
    spec = r.job.spec
    assert [p.statistics[0].name for p in r.footprint.parts] == [i.id for i in spec.indicators]
    assert [p.resource for p in r.footprint.parts] == [i.resource for i in spec.indicators]
    assert len(set(r.footprint.resources)) >= 2
    for part, indicator in zip(r.footprint.parts, spec.indicators, strict=True):
        shown = r.cleared.frame[indicator.id]
        if indicator.per is None:
            assert part.cells[indicator.id].to_list() == shown.to_list()
        else:  # a ratio gives its count away where the ratio is shown, and only there
            assert part.cells[indicator.id].is_null().to_list() == shown.is_null().to_list()
        assert part.truth is not None and part.truth.height == shown.len()
