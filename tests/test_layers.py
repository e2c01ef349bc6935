"""Imports point down only: flows -> governance, transforms; governance and transforms never
import the shell, and the privacy core never imports governance."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "transforms": {"flows", "governance", "prefect", "duckdb"},
    "governance": {"flows", "transforms", "prefect", "polars"},
    "sample_data": {"flows", "governance", "transforms", "prefect"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[layer])
        for path in (ROOT / layer).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_every_policy_treatment_has_an_operator_and_back():
    from governance.policy.treatments import TREATMENT_NAMES
    from transforms.operators import OPERATORS

    assert set(TREATMENT_NAMES) == set(OPERATORS)
