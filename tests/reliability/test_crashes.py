"""kill -9 during a build and during a verification batch, at every step of a publication and
of a batch's commit, and at random moments: after each, the next command (or `sluice doctor`)
leaves published/ and the state in step, and the audit log intact. The consistency check here
reads the files and the DuckDB state itself, not through the code under test."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import AUTHORIZATION, SLUICE, TODAY, Workspace
from tests.reliability.trials import FULL, trials

pytestmark = [pytest.mark.reliability, pytest.mark.slow]
POLICY = "policies/enterprise_registry.yaml"
PUBLISH_POINTS = ["publish:staged", "publish:intent", "publish:recorded", "publish:committed",
                  "publish:placed"]  # fmt: skip
VERIFY_POINTS = ["verify:answered", "verify:committed"]


class Domain(Workspace):
    """A throwaway domain with the sample data, registrations and the sample authorization."""

    def __init__(self, root: Path):
        super().__init__(root, {
            **os.environ, "SLUICE_HOME": str(root / "domain"),
            "SLUICE_PUBLISH_DIR": str(root / "published"), "PREFECT_API_URL": "",
            "PREFECT_HOME": str(root / "prefect"), "SLUICE_TODAY": TODAY, "SLUICE_ACTOR": "ops",
        })  # fmt: skip

    def run(self, *args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run `sluice args` to its end. Output goes to files, not pipes: a process killed
        mid-build leaves Prefect's server process behind, which would hold pipes open."""
        env = {**self.env, **({"SLUICE_CRASH_AT": crash} if crash else {})}
        running = self.start(*args, env=env)
        return self.finish(running, args)

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        self.logs = getattr(self, "logs", 0) + 1
        out, err = (self.root / f".out{self.logs}", self.root / f".err{self.logs}")
        with out.open("w") as o, err.open("w") as e:
            running = subprocess.Popen(
                [str(SLUICE), *args], cwd=self.root, env=env or self.env, text=True,
                stdout=o, stderr=e, start_new_session=True,
            )  # fmt: skip
        running.files = (out, err)  # type: ignore[attr-defined]
        return running

    def finish(
        self, running: subprocess.Popen[str], args: tuple
    ) -> subprocess.CompletedProcess[str]:
        """Wait for the command, then stop whatever it left running; its output."""
        code = running.wait(timeout=600)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(running.pid, signal.SIGKILL)
        out, err = (f.read_text() for f in running.files)  # type: ignore[attr-defined]
        return subprocess.CompletedProcess(args, code, out, err)

    def copy(self, to: Path) -> Domain:
        shutil.copytree(self.root, to, symlinks=True)
        return Domain(to)

    def verify_batch(self, crash: str | None = None) -> subprocess.CompletedProcess[str]:
        return self.run(
            "verify", "--product", "enterprise_verification", "--operator", "zj_data_ops",
            "--requests", str(self.home / "raw" / "claims" / "enterprise_verification.csv"),
            "--out", str(self.root / "answers.csv"), crash=crash,
        )  # fmt: skip


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Domain:
    root = tmp_path_factory.mktemp("crash-base")
    shutil.copytree(Path("policies"), root / "policies")
    domain = Domain(root)
    steps = [("sample", "--out", str(domain.home / "raw"), "--rows", "1500"),
             ("register", "policies"), ("authorization", "add", str(AUTHORIZATION))]  # fmt: skip
    for args in steps:
        done = domain.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
    return domain


@pytest.fixture(scope="module")
def built(base: Domain, tmp_path_factory) -> Domain:
    domain = base.copy(tmp_path_factory.mktemp("crash-built") / "d")
    done = domain.run("build", POLICY)
    assert done.returncode == 0, done.stdout + done.stderr
    return domain


def in_step(domain: Domain) -> None:
    """Every recorded version is in published/ and every published version is recorded, once
    audited, with the products' latest versions and the catalog agreeing; nothing hidden or
    half-done is left; the audit log verifies."""
    con = duckdb.connect(str(domain.home / "state.duckdb"), read_only=True)
    recorded = set(con.execute("SELECT product_id, version FROM product_versions").fetchall())
    latest = dict(con.execute("SELECT product_id, latest_version FROM products").fetchall())
    audited = [
        (r[0], json.loads(r[1])[0]["version"])
        for r in con.execute(
            "SELECT subject, outputs FROM audit_log WHERE action = 'publish'"
        ).fetchall()
    ]
    con.close()
    on_disk = {(p.parent.parent.name, int(p.parent.name[1:]))
               for p in domain.published.glob("*/v*/manifest.json")}  # fmt: skip
    assert recorded == on_disk
    assert sorted(audited) == sorted(recorded)  # each version audited exactly once
    for product in {p for p, _ in recorded}:
        assert latest[product] == max(v for p, v in recorded if p == product)
    assert not list(domain.published.glob("*/.tmp-*"))
    assert not list((domain.home / "intents").glob("*.json"))
    if recorded:
        import polars as pl

        catalog = pl.read_parquet(domain.published / "catalog.parquet")
        assert dict(zip(catalog["product"], catalog["version"], strict=True)) == latest
    checked = domain.run("audit", "verify")
    assert checked.returncode == 0, checked.stderr


def recovered(domain: Domain) -> None:
    """The next command finishes or undoes what the crash left; then all is in step."""
    doctor = domain.run("doctor")
    assert doctor.returncode in (0, 1), doctor.stdout + doctor.stderr
    assert "Traceback" not in doctor.stderr
    in_step(domain)
    again = domain.run("doctor")
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.parametrize("point", PUBLISH_POINTS if FULL else ["publish:committed"])
def test_a_build_killed_at_each_step_of_a_publication(base: Domain, tmp_path, point) -> None:
    domain = base.copy(tmp_path / "d")
    killed = domain.run("build", POLICY, crash=point)
    assert killed.returncode == -signal.SIGKILL
    recovered(domain)
    if FULL:
        rebuilt = domain.run("build", POLICY)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        in_step(domain)


@pytest.mark.skipif(not FULL, reason="random kills run in make test-reliability")
def test_builds_killed_at_random_moments(base: Domain, tmp_path) -> None:
    rng = random.Random(16)
    for trial in range(trials(0, 20)):
        domain = base.copy(tmp_path / f"d{trial}")
        running = domain.start("build", POLICY)
        time.sleep(rng.uniform(1.0, 12.0))
        running.send_signal(signal.SIGKILL)
        domain.finish(running, ())
        recovered(domain)
        rebuilt = domain.run("build", POLICY)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        in_step(domain)


def charged_audited_remembered(domain: Domain) -> tuple[int, int, int]:
    """Claims charged to the quota (-1 when the claims metered for billing are not those
    charged), claims audited as answered, batches remembered (-1 when the batches remembered
    are not the batches audited)."""
    con = duckdb.connect(str(domain.home / "state.duckdb"), read_only=True)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    charged = batches = 0
    if "verification_usage" in tables:
        charged = con.execute("SELECT sum(claims) FROM verification_usage").fetchone()[0] or 0
    if "verification_batches" in tables:
        batches = con.execute("SELECT count(*) FROM verification_batches").fetchone()[0]
    metered = 0
    if "deliveries" in tables:
        metered = con.execute(
            "SELECT sum(quantity) FROM deliveries WHERE what = 'claims'"
        ).fetchone()[0]
    charged = charged if (metered or 0) == charged else -1
    audited = [json.loads(r[0])["claims"] for r in con.execute(
        "SELECT counts FROM audit_log WHERE action = 'verify'").fetchall()]  # fmt: skip
    con.close()
    return int(charged), sum(audited), int(batches) if len(audited) == batches else -1


@pytest.mark.skipif(not FULL, reason="verification crashes run in make test-reliability")
@pytest.mark.parametrize("point", VERIFY_POINTS)
def test_a_verification_batch_killed_before_and_after_its_commit(
    built: Domain, tmp_path, point
) -> None:
    domain = built.copy(tmp_path / "d")
    killed = domain.verify_batch(crash=point)
    assert killed.returncode == -signal.SIGKILL
    charged, audited, _ = charged_audited_remembered(domain)
    assert charged == audited  # charged if and only if audited
    assert not (domain.root / "answers.csv").exists()  # no answers without the commit
    answered = domain.verify_batch()
    assert answered.returncode == 0, answered.stdout + answered.stderr
    charged, audited, batches = charged_audited_remembered(domain)
    assert charged == audited and batches >= 1
    in_step(domain)


@pytest.mark.skipif(not FULL, reason="random kills run in make test-reliability")
def test_verification_batches_killed_at_random_moments(built: Domain, tmp_path) -> None:
    rng = random.Random(17)
    for trial in range(trials(0, 10)):
        domain = built.copy(tmp_path / f"d{trial}")
        running = domain.start(
            "verify", "--product", "enterprise_verification", "--operator", "zj_data_ops",
            "--requests", str(domain.home / "raw" / "claims" / "enterprise_verification.csv"),
            "--out", str(domain.root / "answers.csv"),
        )  # fmt: skip
        time.sleep(rng.uniform(0.5, 6.0))
        running.send_signal(signal.SIGKILL)
        domain.finish(running, ())
        charged, audited, batches = charged_audited_remembered(domain)
        assert charged == audited and batches >= 0
        if (domain.root / "answers.csv").exists():  # answers are delivered only once charged
            assert audited > 0
        in_step(domain)


@pytest.mark.skipif(not FULL, reason="make test runs the second writer that gives up")
def test_two_builds_at_once_one_waits_or_stops_naming_the_other(base: Domain, tmp_path) -> None:
    domain = base.copy(tmp_path / "d")
    first = domain.start("build", POLICY)
    time.sleep(1.0)
    second = domain.run("build", POLICY)
    done = domain.finish(first, ())
    assert done.returncode == 0, done.stdout + done.stderr
    assert second.returncode in (0, 2), second.stdout + second.stderr
    for name, err in (("first", done.stderr), ("second", second.stderr)):
        assert "Traceback" not in err and "Could not set lock" not in err, name + err
    if second.returncode == 2:
        assert f"sluice build {POLICY} (pid {first.pid}, since" in second.stderr
    in_step(domain)


def test_a_second_writer_gives_up_naming_the_holder(base: Domain, tmp_path) -> None:
    domain = base.copy(tmp_path / "d")
    first = domain.start("build", POLICY, "--product", "enterprises_by_district")
    time.sleep(0.5)
    waited = subprocess.run(
        [str(SLUICE), "authorization", "list"], cwd=domain.root, text=True,
        env={**domain.env, "SLUICE_LOCK_TIMEOUT": "0.2"}, capture_output=True, check=False,
    )  # fmt: skip
    domain.finish(first, ())
    if waited.returncode != 0:  # the build still held the domain
        assert f"sluice build {POLICY} (pid {first.pid}, since" in waited.stderr
        assert "SLUICE_LOCK_TIMEOUT" in waited.stderr
        assert "Traceback" not in waited.stderr
    in_step(domain)


@pytest.mark.skipif(not FULL, reason="runs in make test-reliability")
def test_clean_then_build_publishes_the_next_versions(built: Domain, tmp_path) -> None:
    """`make clean` removes published/, work and quarantine and keeps the state: the next
    build publishes again, numbered after every version the state records."""
    domain = built.copy(tmp_path / "d")
    before = {p.parent.name for p in domain.published.glob("*/v*/manifest.json")}
    for folder in ("published", "domain/work", "domain/quarantine"):
        shutil.rmtree(domain.root / folder, ignore_errors=True)
    again = domain.run("build", POLICY)
    assert again.returncode == 0, again.stdout + again.stderr
    after = {p.parent.name for p in domain.published.glob("*/v*/manifest.json")}
    assert before == {"v1"} and after == {"v2"}
    doctor = domain.run("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "v1: removed from" in doctor.stdout
