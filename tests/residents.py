"""A hand-made resource whose every count is known: residents by district and sex, as a CSV
of one row per person, with a policy of one table product; for tests that must know exactly
which cells are small."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.e2e.conftest import TODAY, Workspace

PRODUCT = "residents_by_district"
POLICY = """\
    sluice: 1
    resource:
      id: residents
      title: 常住人口登记
      department: 杭州市公安局
      source: raw/residents.csv
      format: csv
      update_frequency: monthly
      subject: person_id
    columns:
      person_id:
        category: direct_identifier
        entity: RECORD_ID
        required: true
        treatment: {operator: pseudonymize}
      district:
        category: quasi_identifier
        entity: CN_DISTRICT_CODE
        checks: {pattern: '^\\d{6}$'}
      sex:
        category: quasi_identifier
        entity: GENDER
        checks: {allowed: [男, 女]}
    products:
      - id: residents_by_district
        kind: model
        title: 常住人口（按区县、性别）
        supply_mode: open
        purpose: public_welfare
        dimensions: [district, sex]
        measures:
          - {name: residents, agg: count_subjects}
"""


def policy(min_group_size: int, margins: list[str] | None = None) -> str:
    """The policy, its table hiding cells below `min_group_size`, with `margins`' totals."""
    extra = f"    min_group_size: {min_group_size}\n"
    if margins:
        extra += f"    margins: [{', '.join(margins)}]\n"
    return textwrap.dedent(POLICY) + extra


def residents(counts: dict[tuple[str, str], int]) -> str:
    """One row per person, numbered R0001, R0002, ... cell after cell in `counts`' order."""
    lines, n = ["person_id,district,sex"], 0
    for (district, sex), count in counts.items():
        for _ in range(count):
            n += 1
            lines.append(f"R{n:04d},{district},{sex}")
    return "\n".join(lines) + "\n"


def workspace(tmp_path_factory, counts: dict[tuple[str, str], int], name: str) -> Workspace:
    """A domain with the residents' CSV in place and an empty policies folder; builds run
    in-process."""
    root: Path = tmp_path_factory.mktemp(name)
    (root / "policies").mkdir()
    (root / "domain" / "raw").mkdir(parents=True)
    (root / "domain" / "raw" / "residents.csv").write_text(residents(counts), "utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
        "SLUICE_HOME": str(root / "domain"), "SLUICE_PUBLISH_DIR": str(root / "published"),
        "SLUICE_TODAY": TODAY, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect")),
    }  # fmt: skip
    return Workspace(root, env)
