"""Shared fixtures: the repository's policies and a small policy writer for error cases."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

from tests.browser import browser, open_page  # noqa: F401  (fixtures for the page tests)

# Property tests draw the same examples on every run and machine: a red run can be rerun, and
# a green one does not depend on the luck of the draw. Examples found by a local run are not
# kept between runs either (HYPOTHESIS_PROFILE=explore draws afresh, to look for new ones).
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# pytest-xdist's workers run with COLUMNS=80 (and LINES) set; the command line honours an
# explicit COLUMNS, so the CLI runs of the tests would wrap at 80 columns. A test that wants a
# narrow terminal sets COLUMNS itself.
for _size in ("COLUMNS", "LINES"):
    os.environ.pop(_size, None)

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
ADULT_DIR = ROOT / "bench" / "data" / "adult"
"""UCI Adult with ARX's hierarchies, and ARX's published results in its README."""
ADULT_QIS = ["age", "sex", "race", "marital-status", "education", "native-country", "workclass",
             "occupation"]  # fmt: skip
"""ARX's quasi-identifiers for Adult, in the order its reference levels are given."""


@pytest.fixture(scope="session")  # kept while a parallel worker visits other folders
def workspace(tmp_path_factory):
    """The domain most e2e and attack tests read: every product built once from 3,000 rows a
    resource (tests/e2e/conftest.py)."""
    from tests.e2e.conftest import make_workspace

    return make_workspace(tmp_path_factory)


@pytest.fixture
def write_policy(tmp_path: Path):
    """Write a YAML policy (dedented) to a temp file and return its path."""

    def write(text: str, name: str = "policy.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip(), "utf-8")
        return path

    return write


MINIMAL = """
sluice: 1
resource:
  id: visits
  title: 门诊记录
  department: 卫生健康委员会
  source: raw/visits.csv
  format: csv
  update_frequency: weekly
  subject: patient_id
columns:
  patient_id:
    category: direct_identifier
    treatment: {operator: pseudonymize}
  age:
    type: integer
    category: quasi_identifier
    treatment: {operator: generalize, to: band, width: 10}
  cost:
    type: float
    category: sensitive_attribute
products:
  - id: visits_by_age
    kind: model
    title: 按年龄段
    supply_mode: open
    purpose: public_welfare
    dimensions: [age]
    measures:
      - {name: patients, agg: count_subjects}
      - {name: mean_cost, agg: mean, column: cost}
    min_group_size: 3
"""
