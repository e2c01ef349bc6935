"""Linkage across product kinds. An operator authorized to verify "paid at least m months in
a year" learns, for every person whose ID number they hold, which band of the declared
thresholds their months fall in. The same resource publishes open microdata with the months
column. The attacker knows a target's age, sex and year (background knowledge), asks the
service, and keeps the published records consistent with everything they know.

Published verbatim, the months split the microdata's classes and single records out: the
attacker who knew each target's band found candidates well below the k the release promised.
Judged with everything live from the resource, the release generalises the months (or is
refused when the policy does not allow that), and every target stays among at least k
candidate records. The attacker below shares no code with the gate: it reads the published
Parquet and matches labels itself.
"""

from __future__ import annotations

import bisect
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from flows.kinds.base import BuildRefused
from flows.services.releases import record_footprint
from flows.settings import Paths
from governance.ledger import ReleaseLedger
from tests.released import NOW, release_policies
from transforms.footprint import ClaimService, Footprint
from transforms.linkage import Knowledge

SLUICE = Path(sys.executable).with_name("sluice")

K = 20  # an open release: the public environment's k
THRESHOLDS = (3, 6, 12)
PEOPLE = 1500

RESOURCE = """
sluice: 1
reference_date: 2026-06-30
resource:
  id: insured
  title: 参保记录
  department: 人社厅
  source: raw/insured.csv
  format: csv
  update_frequency: monthly
  subject: pid
columns:
  pid: {{category: direct_identifier, treatment: {{operator: pseudonymize}}}}
  age: {{type: integer, category: quasi_identifier}}
  sex: {{category: quasi_identifier}}
  year: {{type: integer, category: non_personal}}
  months: {{type: integer, category: sensitive_attribute, checks: {{min: 0, max: 12}}}}
products:
  - id: records
    kind: microdata
    title: 参保微观数据
    supply_mode: open
    purpose: public_welfare
    quasi_identifiers:
      - {{column: year}}
      - {{column: sex}}
      - {{column: age, hierarchy: {{intervals: [10, 20]}}}}
    include: [months]
    {linkage}
    privacy: {{environment: public}}
    max_suppression: 0.05
{verification}
"""

VERIFICATION = """
  - id: months_check
    kind: verification
    title: 缴费月数核验
    supply_mode: authorized
    authorization: AUTH-X
    purpose: industry
    identifier: {column: pid}
    claims:
      - id: insured_months
        title: 该年度缴费月数不少于所报月数
        where: {year: year}
        at_least: {months: months}
        thresholds: {months: [3, 6, 12]}
"""


def people(seed: int = 5) -> pl.DataFrame:
    draw = random.Random(seed)
    rows = []
    for i in range(PEOPLE):
        age, sex = draw.randint(20, 69), draw.choice("MF")
        for year in (2024, 2025):
            rows.append((f"P{i:05d}", age, sex, year, draw.randint(0, 12)))
    return pl.DataFrame(rows, schema=["pid", "age", "sex", "year", "months"], orient="row")


def domain(root: Path, *, verification: bool, linkage: str = "") -> tuple[Paths, Path]:
    """A domain holding the people, and a policy folder with the microdata (and the service)."""
    paths = Paths(root / "domain", root / "published")
    paths.raw.mkdir(parents=True, exist_ok=True)
    people().write_csv(paths.raw / "insured.csv")
    policies = root / "policies"
    policies.mkdir(exist_ok=True)
    text = RESOURCE.format(linkage=linkage, verification=VERIFICATION if verification else "")
    (policies / "insured.yaml").write_text(text, "utf-8")
    return paths, policies


def release(root: Path, *, verification: bool, linkage: str = "") -> pl.DataFrame:
    """The microdata release of the domain, as published."""
    paths, policies = domain(root, verification=verification, linkage=linkage)
    return release_policies(paths, policies)["records"].cleared.frame


# the attacker: published labels matched against what they know, by their own reading


def band(months: int) -> str:
    """The band of thresholds a person's months fall in: what the service tells."""
    at = bisect.bisect_right(THRESHOLDS, months)
    return f"band{at}"


def consistent(label: object, value: int, *, banded: bool = False) -> bool:
    """Whether a published label can stand for a known value (or, `banded`, for any value of
    the band the attacker knows)."""
    text = str(label)
    if text == "*":
        return True
    if banded:
        lows = [t for t in (0, *THRESHOLDS) if band(t) == band(value)]
        low = lows[0]
        high = next((t for t in THRESHOLDS if t > low), 13)
        if text.startswith(("[", "<", ">")):
            span = range(low, high)
            return any(consistent(text, v) for v in span)
        try:
            return band(int(float(text))) == band(value)
        except ValueError:
            return False
    if text.startswith("["):
        low, high = (float(x) for x in text.strip("[)").split(","))
        return low <= value < high
    if text.startswith("< "):
        return value < float(text[2:])
    if text.startswith(">= "):
        return value >= float(text[3:])
    try:
        return float(text) == value
    except ValueError:
        return text == str(value)


def fewest_candidates(published: pl.DataFrame) -> int:
    """Over every target the release still holds, the fewest published records consistent
    with the target's age, sex, year and band of months."""
    labels = published.group_by("year", "sex", "age", "months").len().rows()
    targets = {
        (age, sex, year, band(months)): months for _, age, sex, year, months in people().rows()
    }
    fewest = None
    for (age, sex, year, _), months in targets.items():
        found = sum(
            n for y, s, a, m, n in labels
            if consistent(y, year) and consistent(s, sex) and consistent(a, age)
            and consistent(m, months, banded=True)
        )  # fmt: skip
        if found:
            fewest = found if fewest is None else min(fewest, found)
    assert fewest is not None
    return fewest


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> pl.DataFrame:
    return release(tmp_path_factory.mktemp("alone"), verification=False)


def test_alone_the_months_single_records_out_for_whoever_knows_their_band(alone):
    # the microdata meets k on its own quasi-identifiers ...
    assert alone.group_by("year", "sex", "age").len()["len"].min() >= K
    # ... but a reader who knows a target's band of months narrows them below k
    assert fewest_candidates(alone) < K


def test_beside_the_verification_service_every_target_stays_among_k(tmp_path):
    published = release(tmp_path, verification=True, linkage="linkage: generalise")
    assert published.schema["months"] == pl.String  # generalised, not verbatim
    assert fewest_candidates(published) >= K


def test_without_leave_to_generalise_the_release_is_refused_naming_what_links(tmp_path):
    with pytest.raises(BuildRefused) as refused:
        release(tmp_path, verification=True)
    message = str(refused.value)
    assert "months (at thresholds 3, 6, 12) from months_check" in message
    assert "linkage: generalise" in message


def risk(paths: Paths, resource: str = "insured") -> tuple[int, dict[str, dict]]:
    """`sluice risk --json`, per reader, as a data holder runs it."""
    env = {**os.environ, "SLUICE_HOME": str(paths.home), "SLUICE_PUBLISH_DIR": str(paths.publish)}
    done = subprocess.run(
        [str(SLUICE), "risk", resource, "--json"], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip
    assert "Traceback" not in done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    return done.returncode, {row["reader"]: row for row in rows}


def test_a_service_added_after_the_records_waits_until_they_are_rebuilt(tmp_path):
    paths, policies = domain(tmp_path, verification=False)
    release_policies(paths, policies)  # the months published as they are, alone: fine
    paths, policies = domain(tmp_path, verification=True, linkage="linkage: generalise")
    with pytest.raises(BuildRefused) as refused:
        release_policies(paths, policies, only={"months_check"})
    assert "records v1 publishes months (at thresholds 3, 6, 12)" in str(refused.value)

    release_policies(paths, policies, only={"records"}, version=2)
    release_policies(paths, policies, only={"months_check"})
    code, readers = risk(paths)
    assert code == 0
    assert set(readers) == {"open", "authorization:AUTH-X"}
    (public,) = readers["open"]["releases"]
    assert public["release"] == "records v2" and public["known"] == []
    (operator,) = readers["authorization:AUTH-X"]["releases"]
    assert operator["linked"] <= operator["threshold"] == pytest.approx(1 / K)
    assert readers["authorization:AUTH-X"]["services"] == [
        "months_check v1: year (exact), months (at thresholds 3, 6, 12)"
    ]


def test_risk_names_the_pair_that_singles_records_out(tmp_path):
    # a ledger from before services were judged against live records: the verbatim months
    # and the service both live
    paths, policies = domain(tmp_path, verification=False)
    release_policies(paths, policies)
    knows = Knowledge("months", "cuts", cuts=THRESHOLDS)
    service = ClaimService("insured", "pid", (("insured_months", ("year", "months")),),
                           ("match", "no_match"), (knows,))  # fmt: skip
    record_footprint(ReleaseLedger(paths.state), Footprint("months_check", (service,)), 1,
                     NOW, frozenset({"operator:ops"}))  # fmt: skip
    code, readers = risk(paths)
    assert code == 1
    (public,) = readers["open"]["releases"]
    assert public["linked"] <= public["threshold"]  # the public cannot ask the service
    (operator,) = readers["operator:ops"]["releases"]
    assert operator["linked"] > operator["threshold"]
    assert operator["pairs"][0]["beside"] == "months_check v1"
    assert operator["pairs"][0]["columns"] == ["months"]
