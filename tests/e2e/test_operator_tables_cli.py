"""The tables of `sluice plan` and `sluice build` in a narrow terminal: every product id whole,
and each product's suppressed share as the published data counts it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl

from tests.e2e.conftest import Workspace
from tests.e2e.test_build_cli import PRODUCTS

NARROW = {"COLUMNS": "80"}
NOTHING_COUNTED = {
    "insured_dp_by_city",
    "identity_verification",
    "enterprise_verification",
    "regional_vitality",
}
"""Releases that suppress no cell or record: noise, answers to claims, an index."""


def _rows(text: str) -> dict[str, list[str]]:
    """Each row of the printed tables by its first cell, a cell's folded lines joined with
    no whitespace (a folded word is split across lines, not cut short)."""
    rows: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if not (line.startswith("│") and line.rstrip().endswith("│")):
            continue
        cells = ["".join(c.split()) for c in line.rstrip()[1:-1].split("│")]
        if cells[0]:
            current = rows.setdefault(cells[0], cells)
        else:
            current[:] = [a + b for a, b in zip(current, cells, strict=True)]
    return rows


def _share_in_data(published: Path, product: str) -> float | None:
    """Suppressed rows over all rows of the latest version's data, when it flags them."""
    latest = max((published / product).glob("v*"), key=lambda v: int(v.name[1:]))
    data = pl.read_parquet(latest / "data.parquet")
    if "suppressed" not in data.columns:
        return None
    return data["suppressed"].sum() / data.height


def test_plan_in_80_columns_shows_each_product_whole_with_its_latest_suppressed_share(
    workspace: Workspace,
):
    shown = workspace.sluice("plan", "policies", **NARROW)
    assert shown.returncode == 0, shown.stderr
    assert "…" not in shown.stdout
    rows = _rows(shown.stdout)
    assert rows.keys() >= PRODUCTS  # each id whole on its row's first line
    counted = 0
    for product in PRODUCTS:
        last = rows[product][-1]
        share = _share_in_data(workspace.published, product)
        if share is not None:
            assert last == f"{share:.1%}", product
            counted += 1
        elif product in NOTHING_COUNTED:
            assert last == "—", product
        else:  # microdata: records removed, which its data no longer holds
            assert re.fullmatch(r"\d+\.\d%", last), (product, last)
    assert counted >= 5  # the model products


def test_build_in_80_columns_shows_each_product_whole_with_rows_and_suppressed_share(
    workspace: Workspace, tmp_path: Path
):
    copy = Workspace(tmp_path / "copy", dict(workspace.env))
    shutil.copytree(workspace.root, copy.root, symlinks=True)
    copy.env |= {"SLUICE_HOME": str(copy.home), "SLUICE_PUBLISH_DIR": str(copy.published)}
    chosen = ("hotline_by_district_month", "insured_by_city_industry", "enterprise_verification")
    built = copy.sluice("build", "policies", *(f"--product={p}" for p in chosen), **NARROW)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "…" not in built.stdout
    rows = _rows(built.stdout)
    assert set(chosen) <= rows.keys()
    for product in chosen:
        _, _, status, count, *_ = rows[product]
        height = pl.read_parquet(copy.published / product / "v1" / "data.parquet").height
        share = _share_in_data(copy.published, product)
        counted = f"{height}row" if height == 1 else f"{height}rows"
        said = counted if share is None else f"{counted},{share:.1%}suppressed"
        assert (status, count) == ("uptodate", said), product
