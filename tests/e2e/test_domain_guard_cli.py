"""Paths, permissions and keys through the CLI, as an attacker or a careless operator would
try them: a source outside the domain's raw folder, --out into published/ or over an input,
a world-readable domain, a key replaced without a word, a Prefect server that is down. Each
gets a clear message, a non-zero exit, no traceback, and nothing written."""

from __future__ import annotations

import hashlib
import os
import socket
import stat
from pathlib import Path

import pytest

from governance.audit import AuditLog
from tests.conftest import MINIMAL
from tests.e2e.conftest import Workspace

SECRET = "root:x:0:0:SECRET-FIRST-LINE"
"""The first line of a file outside the domain: it must never be echoed."""


def _policy(folder: Path, source: str, name: str = "visits.yaml") -> Path:
    path = folder / name
    text = MINIMAL.replace("source: raw/visits.csv", f"source: {source}")
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Workspace:
    """A domain with one small resource, registered and built once."""
    root = tmp_path_factory.mktemp("guard")
    (root / "domain" / "raw").mkdir(parents=True)
    rows = ["patient_id,age,cost"]
    rows += [f"P{i % 9},{30 + i % 3 * 10},{10 + i}" for i in range(36)]
    (root / "domain" / "raw" / "visits.csv").write_text("\n".join(rows) + "\n", "utf-8")
    (root / "policies").mkdir()
    _policy(root / "policies", "raw/visits.csv")
    env = {
        **os.environ,
        "SLUICE_HOME": str(root / "domain"),
        "SLUICE_PUBLISH_DIR": str(root / "published"),
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect")),
        "PREFECT_API_URL": "",
        "SLUICE_ACTOR": "e2e",
    }
    ws = Workspace(root, env)
    for args in (("register", "policies"), ("build", "policies")):
        done = ws.sluice(*args)
        assert done.returncode == 0, done.stderr
    return ws


def _tree(ws: Workspace) -> dict[str, str]:
    """Every file under published/ and the domain, with its content hash."""
    return {
        str(p.relative_to(ws.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for top in (ws.published, ws.home / "raw")
        for p in sorted(top.rglob("*"))
        if p.is_file()
    }


def _refused(done, *fragments: str) -> None:
    said = done.stdout + done.stderr
    assert done.returncode != 0, said
    for fragment in fragments:
        assert fragment in said, said
    assert "Traceback" not in said and SECRET not in said


@pytest.mark.parametrize("domain", ["tiny", "workspace"])
def test_domain_files_are_private_and_published_files_readable(request, domain):
    ws: Workspace = request.getfixturevalue(domain)  # workspace: sample data, with quarantine
    assert stat.S_IMODE(ws.home.stat().st_mode) == 0o700
    seen = set()
    for folder, dirs, files in os.walk(ws.home):
        for name in dirs:
            assert stat.S_IMODE((Path(folder) / name).stat().st_mode) == 0o700, (folder, name)
        for name in files:
            path = Path(folder) / name
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
            seen.add(path.relative_to(ws.home).parts[0])
    assert {"state.duckdb", "audit.head", "keys", "raw"} <= seen
    if domain == "workspace":
        assert {"quarantine", "verification"} <= seen
    published = list(ws.published.rglob("*"))
    assert any(p.name == "data.parquet" for p in published)
    assert stat.S_IMODE(ws.published.stat().st_mode) & 0o005 == 0o005
    for path in published:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_source_outside_raw_is_refused_before_it_is_read(tiny: Workspace, tmp_path, how):
    before = _tree(tiny)
    outside = tmp_path / "passwd"
    outside.write_text(SECRET + "\n", "utf-8")
    if how == "symlink":
        link = tiny.home / "raw" / f"link-{os.getpid()}.csv"
        link.symlink_to(outside)
        source = f"raw/{link.name}"
    else:
        source = "../" * 12 + str(outside).lstrip("/") if how == "dotdot" else str(outside)
    policy = _policy(tmp_path, source)
    commands = [("build", str(policy))]
    if how == "dotdot":
        commands += [("plan", str(policy)), ("register", str(policy))]
    try:
        for command in commands:
            done = tiny.sluice(*command)
            _refused(done, f"{policy}:", "resource.source", "outside the domain's raw folder")
    finally:
        if how == "symlink":
            link.unlink()
    assert _tree(tiny) == before


def test_an_absolute_source_inside_raw_is_allowed(tiny: Workspace, tmp_path):
    policy = _policy(tmp_path, str(tiny.home / "raw" / "visits.csv"))
    done = tiny.sluice("plan", str(policy))
    assert done.returncode == 0, done.stderr


def test_out_never_lands_in_published_in_the_domain_or_on_an_input(tiny: Workspace, tmp_path):
    data = next(tiny.published.rglob("data.parquet"))
    claims = tmp_path / "claims.csv"
    claims.write_text("request_id,identifier\n1,x\n", "utf-8")
    verify = ("verify", "--product", "visits_by_age", "--operator", "op")
    before = _tree(tiny)
    attempts = [
        ((*verify, "--requests", str(claims), "--out", str(data)), "inside the published area"),
        ((*verify, "--requests", str(claims), "--out", str(claims)), "same file as --requests"),
        ((*verify, "--requests", str(claims), "--out", "domain/answers.csv"), "the data domain"),
        (("schema", "--out", str(tiny.published / "schema.json")), "inside the published area"),
        (("sample", "--out", str(tiny.published / "raw"), "--rows", "10"), "published area"),
    ]
    for args, fragment in attempts:
        _refused(tiny.sluice(*args), "--out", fragment)
    assert _tree(tiny) == before
    assert claims.read_text("utf-8") == "request_id,identifier\n1,x\n"
    assert not (tiny.home / "answers.csv").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_key_rotation_is_audited_and_rebuilds_what_uses_the_key(tiny: Workspace):
    first = tiny.sluice("keys", "rotate", "default", "--reason", "copied to a laptop")
    assert first.returncode == 0, first.stderr
    assert "visits_by_age" in first.stderr and "must be rebuilt" in first.stderr
    retired = list((tiny.home / "keys").glob("default.retired-*.key"))
    assert len(retired) == 1 and stat.S_IMODE(retired[0].stat().st_mode) == 0o600

    url = f"http://127.0.0.1:{_closed_port()}/api"
    down = tiny.sluice("build", "policies", PREFECT_API_URL=url)
    _refused(down, f"the Prefect API at {url} cannot be reached", "prefect server start")
    assert "unset PREFECT_API_URL" in down.stderr and len(down.stderr.strip().splitlines()) == 1
    assert not list(tiny.published.glob("*/v2"))

    again = tiny.sluice(
        "keys", "rotate", "default", "--reason", "second thoughts", "--rebuild", "policies"
    )
    assert again.returncode == 0, again.stderr
    assert list(tiny.published.glob("visits_by_age/v2/data.parquet"))
    assert "up to date" in tiny.sluice("build", "policies").stdout
    rotations = AuditLog(tiny.home / "state.duckdb").records(action="key_create")
    reasons = [r.detail for r in rotations if r.counts.get("rotation")]
    assert reasons == ["rotated: copied to a laptop", "rotated: second thoughts"]
