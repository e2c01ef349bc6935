"""`sluice anonymize` as a user runs it: ARX's optimum on Adult, a guarantee re-measured by
pycanon, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import ADULT_DIR, ADULT_QIS

SLUICE = Path(sys.executable).parent / "sluice"
ADULT = ADULT_DIR
QIS = ADULT_QIS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SLUICE), "anonymize", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_adult_k5_matches_arx_and_pycanon_confirms_k(tmp_path):
    qis = [a for c in QIS for a in ("--qi", f"{c}={ADULT / f'adult_hierarchy_{c}.csv'}")]
    out, report = tmp_path / "adult.parquet", tmp_path / "report.json"
    done = run(str(ADULT / "adult.csv"), "--sep", ";", *qis, "--k", "5", "--max-suppression",
               "0.05", "--metric", "dm", "--sensitive", "salary-class", "--out", str(out),
               "--report", str(report))  # fmt: skip
    assert done.returncode == 0, done.stderr
    facts = json.loads(report.read_text())
    assert [facts["levels"][c] for c in QIS] == [0, 0, 1, 2, 3, 2, 2, 1]  # ARX 3.9.2
    assert (facts["suppressed_rows"], facts["equivalence_classes"]) == (105, 356)
    assert facts["metric"] == {"name": "dm", "value": 7220555}
    assert facts["risk_before"]["prosecutor_max_risk"] == 1.0
    measured = facts["sensitive_measures"]["salary-class"]  # reported though not required
    assert measured["distinct_l"] in (1, 2) and 0.0 <= measured["t_equal"] <= 1.0
    assert facts["risk_after"]["prosecutor_max_risk"] <= 0.2
    released = pl.read_parquet(out)
    assert released.height == 30162 - 105
    pycanon = pytest.importorskip("pycanon.anonymity")
    assert pycanon.k_anonymity(released.to_pandas(), QIS) >= 5


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("a,b\n1,2\n", ["--qi", "c", "--k", "2"], "--qi c: no column 'c'"),
        ("a,b\n1,2\n3,4\n", ["--qi", "a", "--k", "5"], "k=5 is larger than the 2 rows"),
        ("a,b\n1,2\n3,4\n", ["--qi", "a", "--metric", "x"], "--metric must be one of dm, loss"),
        ("a,b\n1,2\n9,4\n", ["--qi", "a=HIER", "--k", "2"], "has no entry for value '9'"),
        ("a,b\n1,2\n3,4\n", ["--qi", "a"], "no privacy model: give --k"),
        ("a,b\n1,2\n3,4\n", ["--qi", "a", "--l", "2"], "--l and --t need --sensitive"),
        (
            "a,b\n1,2\n3,4\n",
            ["--qi", "a", "--sensitive", "b", "--l", "3"],
            "'b' has 2 distinct values in the data, so no class can hold 3",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--qi", "a", "--sensitive", "a", "--l", "2"],
            "'a' cannot be both a quasi-identifier and a sensitive attribute",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--qi", "a", "--sensitive", "b", "--l", "2", "--l-kind", "recursive"],
            "--l-kind recursive needs --c",
        ),
        (
            "a,b\n1,2\n3,4\n",
            ["--qi", "a", "--environment", "moon"],
            "--environment must be one of public, controlled, enclave",
        ),
    ],
    ids=[
        "unknown-column",
        "k-too-large",
        "bad-metric",
        "hierarchy-gap",
        "no-model",
        "l-without-sensitive",
        "l-above-values",
        "qi-and-sensitive",
        "recursive-without-c",
        "unknown-environment",
    ],
)
def test_impossible_settings_are_clear_errors(tmp_path, content, args, message):
    source = tmp_path / "in.csv"
    source.write_text(content)
    (tmp_path / "h.csv").write_text("1,*\n3,*\n")
    args = [a.replace("HIER", str(tmp_path / "h.csv")) for a in args]
    done = run(str(source), *args, "--out", str(tmp_path / "o.parquet"),
               "--report", str(tmp_path / "r.json"))  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o.parquet").exists() and not (tmp_path / "r.json").exists()


def test_distinct_3_diversity_matches_arx_and_pycanon_confirms_l(tmp_path):
    """ARX 3.9.2, occupation sensitive, the other 7 as QIs, loss metric, 5% suppression."""
    qis = [c for c in QIS if c != "occupation"]
    args = [a for c in qis for a in ("--qi", f"{c}={ADULT / f'adult_hierarchy_{c}.csv'}")]
    out, report = tmp_path / "adult.parquet", tmp_path / "report.json"
    done = run(str(ADULT / "adult.csv"), "--sep", ";", *args, "--sensitive", "occupation",
               "--l", "3", "--max-suppression", "0.05", "--out", str(out),
               "--report", str(report))  # fmt: skip
    assert done.returncode == 0, done.stderr
    facts = json.loads(report.read_text())
    assert [facts["levels"][c] for c in qis] == [3, 0, 0, 0, 2, 1, 0]
    assert (facts["suppressed_rows"], facts["equivalence_classes"]) == (1473, 527)
    expected = {"model": "distinct-l-diversity:occupation", "required": {"l": 3}, "achieved": 3,
                "holds": True}  # fmt: skip
    assert facts["privacy_models"] == [expected]
    released = pl.read_parquet(out).to_pandas()
    assert pycanon_anonymity().l_diversity(released, qis, ["occupation"]) >= 3


def test_t_closeness_and_environment_are_enforced_and_reported(tmp_path):
    qis = ["age", "sex", "race", "education"]
    args = [a for c in qis for a in ("--qi", f"{c}={ADULT / f'adult_hierarchy_{c}.csv'}")]
    out, report = tmp_path / "adult.parquet", tmp_path / "report.json"
    done = run(str(ADULT / "adult.csv"), "--sep", ";", *args, "--sensitive", "salary-class",
               "--t", "0.1", "--environment", "public", "--metric", "entropy",
               "--out", str(out), "--report", str(report))  # fmt: skip
    assert done.returncode == 0, done.stderr
    facts = json.loads(report.read_text())
    models = {m["model"]: m for m in facts["privacy_models"]}
    assert models["k-anonymity"]["required"] == {"k": 20}
    assert models["k-anonymity"]["achieved"] >= 20
    assert models["t-closeness-equal:salary-class"]["achieved"] <= 0.1
    assert facts["environment"]["holds"] and facts["environment"]["achieved"] <= 0.05
    released = pl.read_parquet(out)
    assert released.height == 30162  # nothing suppressed: pyCANON's table is the input's
    assert pycanon_anonymity().t_closeness(released.to_pandas(), qis, ["salary-class"]) <= 0.1


def pycanon_anonymity():
    return pytest.importorskip("pycanon.anonymity")


def test_local_recoding_keeps_k_and_beats_the_full_domain_optimum(tmp_path):
    args = [a for c in QIS for a in ("--qi", f"{c}={ADULT / f'adult_hierarchy_{c}.csv'}")]
    out, report = tmp_path / "adult.parquet", tmp_path / "report.json"
    done = run(str(ADULT / "adult.csv"), "--sep", ";", *args, "--k", "5", "--max-suppression",
               "0.05", "--metric", "dm", "--local", "--out", str(out),
               "--report", str(report))  # fmt: skip
    assert done.returncode == 0, done.stderr
    facts = json.loads(report.read_text())
    local = facts["local_recoding"]
    assert local["full_domain"]["metric"]["value"] == 7220555  # ARX's full-domain optimum
    assert local["dm"] < 7220555 and facts["suppressed_rows"] <= 105
    released = pl.read_parquet(out)
    assert released.height == 30162 - facts["suppressed_rows"]
    assert pycanon_anonymity().k_anonymity(released.to_pandas(), QIS) >= 5
    sizes = released.group_by(QIS).len()["len"]
    assert int((sizes * sizes).sum()) + facts["suppressed_rows"] * 30162 == local["dm"]


def test_local_recoding_refuses_l_and_t(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("a,b\n1,2\n3,4\n")
    done = run(str(source), "--qi", "a", "--sensitive", "b", "--l", "2", "--local",
               "--out", str(tmp_path / "o.parquet"),
               "--report", str(tmp_path / "r.json"))  # fmt: skip
    assert done.returncode == 2 and "--local supports k-anonymity only" in done.stderr
    assert not (tmp_path / "o.parquet").exists()
