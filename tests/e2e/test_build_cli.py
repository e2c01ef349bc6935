"""End to end through the CLI: sample data in, products out, nothing personal published."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from tests.e2e.conftest import Workspace

PRODUCTS = {
    "insured_by_city_age",
    "insured_by_city_industry",
    "enterprises_by_district",
    "hotline_by_district_month",
    "hotline_tickets_open",
    "visits_by_city_quarter",
    "visits_microdata",
    "insured_microdata",
    "regional_vitality",
    "employment_model",
    "insured_dp_by_city",
    "identity_verification",
    "enterprise_verification",
}
EVERY = {"no_direct_identifiers", "pii_scan", "dimension_values"}
"""The checks every release gets, whatever its kind."""
RECORDS = {
    "quasi_identifiers",
    "k_anonymity",
    "l_diversity",
    "t_closeness",
    "re_identification_risk",
    "linkage",  # judged with what the verification service's operator learns
}
CHECKS = {
    "model": EVERY | {"min_group_size", "linked_tables"},
    "index": EVERY | {"index_min_group_size", "linked_tables"},
    "verification": EVERY | {"verification_index"},
    "microdata": EVERY | RECORDS,
}
SIZES = {"quasi_identifiers", "k_anonymity", "re_identification_risk"}
PRODUCT_CHECKS = {
    # redacted text, judged with what the shared model's cells tell of satisfaction
    "hotline_tickets_open": EVERY | SIZES | {"redacted_text", "linkage"},
    # months paid, judged with the verification service and the models that sum them
    "insured_microdata": EVERY | SIZES | {"linkage"},
    # diagnoses under l-diversity and t-closeness, which no other release aggregates
    "visits_microdata": EVERY | SIZES | {"l_diversity", "t_closeness"},
}
"""Products whose checks differ from their kind's."""
MANIFEST_KEYS = {
    "product",
    "kind",
    "version",
    "created_at",
    "policy",
    "inputs",
    "rows",
    "schema",
    "privacy_checks",
    "supply_mode",
    "purpose",
    "fingerprint",
    "data",
}


def manifests(ws: Workspace) -> dict[str, dict]:
    return {
        p.parent.parent.name: json.loads(p.read_text("utf-8"))
        for p in ws.published.glob("*/v*/manifest.json")
    }


def test_every_product_is_published_with_a_complete_manifest(workspace: Workspace):
    found = manifests(workspace)
    assert set(found) == PRODUCTS
    for product, manifest in found.items():
        assert set(manifest) >= MANIFEST_KEYS, product
        assert len(manifest["policy"]["sha256"]) == 64
        assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
        expected = set(PRODUCT_CHECKS.get(product, CHECKS[manifest["kind"]]))
        if manifest.get("parameters", {}).get("margins"):
            expected.add("no_differencing")  # totals are published: nothing follows from them
        if "differential_privacy" in manifest:  # noise instead of minimum cells
            expected = expected - {"min_group_size", "linked_tables"} | {"differential_privacy"}
        assert {c["name"] for c in manifest["privacy_checks"]} == expected
        assert ("anonymisation" in manifest) == (manifest["kind"] == "microdata")
        assert all(c["passed"] for c in manifest["privacy_checks"])
        data = pl.read_parquet(workspace.published / product / "v1" / "data.parquet")
        assert data.height == manifest["rows"] > 0
        assert [s["name"] for s in manifest["schema"]] == data.columns
    catalog = pl.read_parquet(workspace.published / "catalog.parquet")
    assert set(catalog["product"]) == PRODUCTS
    out = workspace.first_build.stdout
    assert all(p in out for p in PRODUCTS) and "min_group_size" in out


def _raw_identifiers(home: Path) -> set[str]:
    raw = home / "raw"
    si = pl.read_csv(
        raw / "social_insurance.csv", encoding="gbk", infer_schema=False, truncate_ragged_lines=True
    )
    defects = pl.read_csv(raw / "_truth" / "defects.csv")["line"] - 2  # malformed rows misalign
    si = si.with_row_index().filter(~pl.col("index").is_in(defects.to_list()))
    ent = pl.read_csv(raw / "enterprise_registry.csv", infer_schema=False)
    hot = pl.read_csv(raw / "hotline_tickets.csv", infer_schema=False)
    hos = pl.read_parquet(raw / "hospital_visits.parquet")
    values = [
        *si["sfzh"], *si["xm"], *si["lxdh"], *si["dwtyshxydm"],
        *ent["统一社会信用代码"], *ent["企业名称"], *ent["法定代表人"], *ent["法定代表人证件号码"],
        *hot["ticket_id"], *hot["caller_name"], *hot["caller_phone"],
        *hos["patient_id"],
    ]  # fmt: skip
    return {v for v in values if v}


def _published_strings(root: Path) -> set[str]:
    found: set[str] = set()
    for path in root.rglob("*.parquet"):
        frame = pl.read_parquet(path)
        for column in frame.columns:
            found.update(str(v) for v in frame[column].drop_nulls().to_list())
    for path in root.rglob("*.json"):
        stack = [json.loads(path.read_text("utf-8"))]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif item is not None:
                found.add(str(item))
    return found


def test_no_raw_identifier_value_appears_anywhere_in_published(workspace: Workspace):
    identifiers = _raw_identifiers(workspace.home)
    published = _published_strings(workspace.published)
    assert len(identifiers) > 10_000 and len(published) > 300
    assert not identifiers & published
    text = "\n".join(published)
    long_ids = {v for v in identifiers if len(v) >= 11}
    assert not [v for v in long_ids if v in text]


def test_published_cells_cover_ten_people_recounted_from_raw(workspace: Workspace):
    """Independent of the pipeline: recount people per cell from the raw Parquet with SQL-like
    polars of our own and compare with every unsuppressed cell."""
    raw = pl.read_parquet(workspace.home / "raw" / "hospital_visits.parquet")
    age = raw["age"]
    recount = (
        raw.with_columns(
            (pl.col("district").str.slice(0, 4) + "00").alias("city"),
            pl.format(
                "{}-Q{}", pl.col("visit_date").dt.year(), pl.col("visit_date").dt.quarter()
            ).alias("quarter"),
            pl.when(age >= 80).then(pl.lit("80+")).otherwise(
                ((age // 20) * 20).cast(pl.String) + "-" + ((age // 20) * 20 + 19).cast(pl.String)
            ).alias("age_band"),
        )
        .group_by("city", "quarter", "hospital_level", "age_band", "sex")
        .agg(pl.col("patient_id").n_unique().alias("people"), pl.len().alias("rows"))
    )  # fmt: skip
    product = pl.read_parquet(
        workspace.published / "visits_by_city_quarter" / "v1" / "data.parquet"
    )
    keys = ["city", "quarter", "hospital_level", "age_band", "sex"]
    joined = product.join(recount, on=keys, how="left")
    assert joined["people"].null_count() == 0
    shown = joined.filter(~pl.col("suppressed"))
    assert shown.height > 0 and shown["people"].min() >= 10
    assert (shown["patients"] == shown["people"]).all() and (shown["visits"] == shown["rows"]).all()
    hidden = joined.filter(pl.col("suppressed"))
    assert hidden.height > 0 and hidden["people"].max() < 10
    assert (
        hidden.select(pl.col("visits", "patients", "mean_cost").is_null().all()).row(0)
        == (True,) * 3
    )


def test_defective_rows_are_quarantined_with_their_lines(workspace: Workspace):
    truth = pl.read_csv(workspace.home / "raw" / "_truth" / "defects.csv")
    (qfile,) = (workspace.home / "quarantine" / "social_insurance").glob("*.parquet")
    quarantine = pl.read_parquet(qfile)
    assert sorted(quarantine["line"]) == sorted(truth["line"])
    manifest = manifests(workspace)["insured_by_city_industry"]
    assert manifest["inputs"][0]["rows_quarantined"] == truth.height
    shown = workspace.sluice("quarantine", "social_insurance")
    assert shown.returncode == 0, shown.stderr
    assert f"{truth.height} row(s)" in shown.stdout and "expected 12 fields" in shown.stdout
    raw_ids = {m for raw in quarantine["raw"] for m in re.findall(r"\d{17}[\dXx]", raw)}
    assert raw_ids and not any(i in shown.stdout for i in raw_ids)
    assert manifest["inputs"][0]["encoding"] == "gb18030"


def test_the_domain_state_records_resources_products_and_versions(workspace: Workspace):
    from governance.state import State

    state = State(workspace.home / "state.duckdb")
    resources = {r["resource_id"]: r for r in state.rows("resources")}
    assert set(resources) == {
        "social_insurance",
        "enterprise_registry",
        "hotline_tickets",
        "hospital_visits",
    }
    defects = pl.read_csv(workspace.home / "raw" / "_truth" / "defects.csv").height
    assert resources["social_insurance"]["rows_quarantined"] == defects
    assert resources["social_insurance"]["rows_ingested"] == 3000 - defects
    products = {p["product_id"]: p for p in state.rows("products")}
    assert set(products) == PRODUCTS
    assert {v["product_id"] for v in state.rows("product_versions")} == PRODUCTS
    keys = {k["key_id"]: k for k in state.rows("keys")}
    # the pseudonym key, and one per verification index (so its pseudonyms link to nothing)
    assert set(keys) == {
        "default", "verification-identity_verification", "verification-enterprise_verification",
    }  # fmt: skip
    for key_id, key in keys.items():
        key_text = (workspace.home / "keys" / f"{key_id}.key").read_text()
        assert key["fingerprint"] not in key_text
