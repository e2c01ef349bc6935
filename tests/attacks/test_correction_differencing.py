"""A reader who downloaded a table before an objection (异议) was upheld keeps it: after the
correction they hold v1 and the rebuilt v2, and, knowing that one person moved district, set
the two side by side. Hidden cells must keep their protection width across the versions, and a
cell v1 published cannot be hidden in v2 (the difference would give its count away): such a
correction is refused, saying why.

The resource is made by hand so every count is known: residents by district and sex, cells
below 5 hidden, no totals, so every hidden cell of v1 is below 5 (the attacker's bound in
tests/attacks/version_lp.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from subprocess import CompletedProcess

import polars as pl
import pytest

from tests.attacks.version_lp import Version, ranges
from tests.e2e.conftest import Workspace
from tests.residents import PRODUCT, policy, workspace

MIN_GROUP_SIZE = 5
WIDTH = (MIN_GROUP_SIZE - 1) // 2  # the default protection width
COUNTS = {
    ("330102", "男"): 7, ("330102", "女"): 12, ("330105", "男"): 4, ("330105", "女"): 9,
    ("330106", "男"): 5, ("330106", "女"): 8, ("330108", "男"): 20, ("330108", "女"): 3,
}  # fmt: skip


@dataclass
class Held:
    """What the reader downloaded, and what each upheld objection printed."""

    ws: Workspace
    versions: list[Version] = field(default_factory=list)
    upheld: list[CompletedProcess[str]] = field(default_factory=list)


def person_in(district: str, sex: str) -> str:
    """The first person of a cell, as tests.residents numbers them."""
    before = 0
    for cell, count in COUNTS.items():
        if cell == (district, sex):
            return f"R{before + 1:04d}"
        before += count
    raise KeyError(district)


def download(ws: Workspace, version: int) -> Version:
    data = pl.read_parquet(ws.published / PRODUCT / f"v{version}" / "data.parquet")
    return {(r["district"], r["sex"]): r["residents"] for r in data.iter_rows(named=True)}


def uphold(held: Held, person: str, district: str) -> None:
    """File an objection moving `person` to `district`, uphold it, and download the new
    version when there is one."""
    ws = held.ws
    filed = ws.sluice(
        "objection", "file", "--filer-kind", "data_subject", "--resource", "residents",
        "--key", f"person_id={person}", "--column", f"district={district}",
        "--claim", "I live in another district", "--no-suspend",
    )  # fmt: skip
    assert filed.returncode == 0, filed.stdout + filed.stderr
    objection = re.search(r"objection (OBJ-\d{8}-\d{3}) filed", filed.stdout).group(1)
    held.upheld.append(ws.sluice("objection", "resolve", objection, "--uphold"))
    latest = len(held.versions) + 1
    if (ws.published / PRODUCT / f"v{latest}" / "data.parquet").is_file():
        held.versions.append(download(ws, latest))


@pytest.fixture(scope="module")
def held(tmp_path_factory) -> Held:
    """v1 built; then one person moves from a cell of 7 to a hidden cell of 4 (which would
    show 5), and one from a published cell of 5 (which would hide 4) to a cell of 20."""
    ws = workspace(tmp_path_factory, COUNTS, "correction")
    (ws.policies / "residents.yaml").write_text(policy(MIN_GROUP_SIZE), "utf-8")
    for step in (("register", "policies"), ("build", "policies")):
        done = ws.sluice(*step)
        assert done.returncode == 0, done.stdout + done.stderr
    held = Held(ws, [download(ws, 1)])
    uphold(held, person_in("330102", "男"), "330105")
    uphold(held, person_in("330106", "男"), "330108")
    return held


def test_no_hidden_cell_is_narrowed_below_its_width_by_the_versions_a_reader_holds(held: Held):
    assert len(held.versions) >= 2, held.upheld[0].stdout + held.upheld[0].stderr
    found = ranges(held.versions, MIN_GROUP_SIZE)
    narrow = {
        f"v{i + 1} {cell}": (low, high)
        for (i, cell), (low, high) in found.items()
        if high - low < WIDTH
    }
    assert narrow == {}


def test_a_cell_published_before_is_not_hidden_after_a_correction(held: Held):
    found = ranges(held.versions, MIN_GROUP_SIZE)
    recovered = {
        f"v{i + 1} {cell}": low
        for (i, cell), (low, high) in found.items()
        if high - low < 1 and any(v.get(cell) is not None for v in held.versions[:i])
    }
    assert recovered == {}
    refused = held.upheld[1]
    assert refused.returncode == 3, refused.stdout
    said = " ".join(refused.stderr.split())
    assert "district=330106, sex=男" in said, refused.stderr
    assert f"{PRODUCT} v2 published it as 5" in said and "corrected value of 4" in said


def test_the_ledger_says_why_a_superseded_version_still_counts(held: Held):
    shown = held.ws.sluice("ledger", "show", "residents")
    assert shown.returncode == 0, shown.stderr
    assert re.search(r"v1 .* superseded by v2, still counted \(same delivery\)", shown.stdout)
