"""The house's structure: imports point down only (flows -> governance, transforms; the privacy
core never imports governance; within flows/, cli -> pipeline -> services -> kinds -> files),
no module imports one that imports it back (lazily or for type checking included), and only a
product kind's own module asks which kind a product is."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from tests import structure
from tests.conftest import ROOT

FORBIDDEN = {
    "transforms": {"flows", "governance", "prefect", "duckdb"},
    "governance": {"flows", "transforms", "prefect", "polars"},
    "sample_data": {"flows", "governance", "transforms", "prefect"},
}
PACKAGES = ("flows", "governance", "transforms", "sample_data")


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


def _house() -> dict[str, set[str]]:
    return structure.graph(structure.modules(ROOT, PACKAGES))


def test_no_module_imports_one_that_imports_it_back():
    assert structure.cycles(_house()) == []


def test_flows_rooms_import_only_their_own_and_lower_rooms():
    assert structure.upward(_house()) == []
    rooms = {p.name for p in (ROOT / "flows").iterdir() if (p / "__init__.py").is_file()}
    assert rooms == set(structure.FLOWS_ROOMS), "a new room of flows/ needs its rank"


def _spec_classes() -> set[str]:
    from flows.kinds import KINDS
    from governance.policy.product import ProductBase

    return {c.__name__ for k in KINDS for c in k.spec.__mro__ if issubclass(c, ProductBase)}


def test_only_a_kind_asks_which_kind_a_product_is():
    specs = _spec_classes()
    assert {"ModelProduct", "PrivateModelProduct", "IndexProduct", "ProductBase"} <= specs
    found = [
        place
        for name, module in structure.modules(ROOT, PACKAGES).items()
        if not name.startswith("flows.kinds.")
        for place in structure.asks_the_kind(module, specs)
    ]
    assert found == []


def _tree(root: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), "utf-8")
    return structure.graph(structure.modules(root, ("flows",)))


def test_the_check_finds_a_loop_hidden_behind_a_lazy_or_type_checking_import(tmp_path):
    edges = _tree(
        tmp_path,
        {
            "flows/__init__.py": "",
            "flows/pipeline/__init__.py": "",
            "flows/pipeline/a.py": "def f():\n    from flows.pipeline import b\n",
            "flows/pipeline/b.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from flows.pipeline.a import f\n",
            "flows/pipeline/c.py": "from . import a\n",
        },
    )
    assert structure.cycles(edges) == [["flows.pipeline.a", "flows.pipeline.b"]]


def test_the_check_finds_an_upward_import(tmp_path):
    edges = _tree(
        tmp_path,
        {
            "flows/__init__.py": "",
            "flows/errors.py": "",
            "flows/files/__init__.py": "",
            "flows/files/io.py": "from flows.errors import x\nfrom flows.cli import main\n",
            "flows/cli/__init__.py": "from flows.files import io\n",
        },
    )
    assert structure.upward(edges) == ["flows.files.io -> flows.cli"]


def test_the_check_finds_questions_about_a_product_s_kind(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(
        textwrap.dedent(
            """
            def f(product, manifest, rule):
                if isinstance(product, (ModelProduct, str)):
                    pass
                if product.kind in ("model", "index"):
                    pass
                if manifest["kind"] != "verification" or manifest.get("kind") == "index":
                    pass
                if rule.kind == other or isinstance(product, dict):
                    pass
            """
        ),
        "utf-8",
    )
    module = structure.Module("m", path, ast.parse(path.read_text("utf-8")))
    found = structure.asks_the_kind(module, {"ModelProduct"})
    assert [f.split(":")[1] for f in found] == ["3", "5", "7", "7"]
