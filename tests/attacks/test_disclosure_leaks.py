"""An adversary reads the annual disclosure, all three forms of it, and looks for anything from
inside the data domain: the raw values of the resources (every ID number, mobile number, credit
code and person's name in the raw sample data, found with the attacker's own patterns), the
domain's paths, the storage locations of registrations, and key material. And a personal value
planted in an authorization makes `disclose` refuse, exit non-zero and write nothing."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import AUTHORIZATION, Workspace, make_workspace

ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-Z]{10}(?![0-9A-Z])")
NAME_COLUMNS = {"xm", "caller_name", "name", "法定代表人"}
"""Columns of the sample data that hold people's names."""
PLANTED = "13912345678"


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    ws = make_workspace(tmp_path_factory, 1000, "--product", "identity_verification")
    done = ws.sluice("disclose", "--year", "2026", "--out", "disclosure")
    assert done.returncode == 0, done.stdout + done.stderr
    return ws


def raw_cells(raw: Path) -> list[tuple[str, str]]:
    """(column, value) of every cell of every raw file, CSV in UTF-8 or GBK, and Parquet."""
    cells = []
    for path in sorted(raw.rglob("*")):
        if path.suffix == ".csv":
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
            for row in csv.DictReader(io.StringIO(text)):
                cells += [(k, v) for k, v in row.items() if k and v]
        elif path.suffix == ".parquet":
            frame = duckdb.sql(f"SELECT * FROM '{path}'")
            for row in frame.fetchall():
                cells += [(k, str(v)) for k, v in zip(frame.columns, row, strict=True)]
    return cells


def secrets(ws: Workspace) -> set[str]:
    """What must never leave: identifiers and names of the raw data, the domain's paths and
    the registrations' locations, and every key."""
    found = set()
    for column, value in raw_cells(ws.home / "raw"):
        found.update(ID_NUMBER.findall(value) + MOBILE.findall(value))
        found.update(CREDIT_CODE.findall(value))
        if column in NAME_COLUMNS and len(value) >= 2:
            found.add(value)
    found |= {str(ws.home), str(ws.home.resolve()), "domain/", "raw/", "keys/", ".key", ".yaml"}
    con = duckdb.connect(str(ws.home / "state.duckdb"), read_only=True)
    found |= {r[0] for r in con.execute("SELECT location FROM registrations").fetchall()}
    found |= {r[0] for r in con.execute("SELECT policy_path FROM registrations").fetchall()}
    con.close()
    for key in (ws.home / "keys").iterdir():
        text = key.read_bytes().decode("latin-1")
        found |= {line for line in text.splitlines() if len(line) >= 16 and "-----" not in line}
    return found


def readable(folder: Path) -> str:
    """Everything the disclosure says, as an adversary reads it: the JSON and the page as
    text (and the page unescaped), every cell of every table."""
    texts = []
    for path in sorted(folder.iterdir()):
        if path.suffix in (".json", ".html"):
            texts += [path.read_text("utf-8"), html.unescape(path.read_text("utf-8"))]
        elif path.suffix == ".parquet":
            frame = duckdb.sql(f"SELECT * FROM '{path}'")
            texts += [str(v) for row in frame.fetchall() for v in row]
    return "\n".join(texts)


def test_nothing_from_inside_the_domain_is_disclosed(ws):
    said = readable(ws.root / "disclosure")
    assert "身份与参保核验" in said  # the adversary does read the disclosure
    declared = {"11330000MB19574618", "91330106MA2H3K8Q02"}  # the parties' public codes
    leaked = sorted(s for s in secrets(ws) - declared if s in said)
    assert leaked == []


DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32,}(?![0-9A-Za-z])")
"""Hex digests and signatures: one in a few dozen holds eleven decimal digits in a row."""


def test_only_the_declared_public_values_look_like_identifiers(ws):
    said = DIGEST.sub(" ", readable(ws.root / "disclosure"))
    found = set(ID_NUMBER.findall(said) + MOBILE.findall(said) + CREDIT_CODE.findall(said))
    assert found <= {"11330000MB19574618", "91330106MA2H3K8Q02"}


SPACED = f"{PLANTED[:3]} {PLANTED[3:7]} {PLANTED[7:]}"
PLANTS = {
    "mobile-in-scenario-title": ("title: 区域发展评价", f"title: 区域发展评价（联系人{PLANTED}）"),
    "spaced-mobile-in-exit-note": ("note: 授权终止后", f"note: 联系{SPACED}，授权终止后"),
    "id-number-in-a-duty": (
        "  - 原始数据不出域",
        "  - 备案人110101199003077571\n  - 原始数据不出域",
    ),
}


@pytest.mark.parametrize("plant", PLANTS.values(), ids=PLANTS.keys())
def test_a_planted_personal_value_refuses_the_disclosure(ws, tmp_path, plant):
    original = (ws.root / AUTHORIZATION).read_text("utf-8")
    planted = tmp_path / "planted.yaml"
    planted.write_text(original.replace(*plant), "utf-8")
    assert planted.read_text("utf-8") != original
    try:
        added = ws.sluice("authorization", "add", "--replace", str(planted))
        assert added.returncode == 0, added.stdout + added.stderr
        out = tmp_path / "disclosure"
        done = ws.sluice("disclose", "--year", "2026", "--out", str(out))
        assert done.returncode == 2, done.stdout + done.stderr
        assert "personal-data scan" in done.stderr and "Traceback" not in done.stderr
        assert not out.exists()
        assert not any(p.name.startswith(".disclosure") for p in tmp_path.iterdir())
        assert PLANTED not in done.stderr  # the refusal masks what it found
    finally:
        restored = ws.sluice("authorization", "add", "--replace", str(ws.root / AUTHORIZATION))
        assert restored.returncode == 0, restored.stderr
