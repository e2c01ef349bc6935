"""A small registered domain for judging products against the release matrix through the real
plan: one resource of people (identifiers, quasi-identifiers, a secret salary, an optionally
graded column), products written into its policy, index files beside it."""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

from flows.kinds import KINDS
from flows.pipeline.plan import BuildPlan, PlannedProduct, plan_build
from flows.services.registration import submissions
from flows.settings import Paths
from governance.errors import PolicyErrors
from governance.registry import RegistryStore, register

RESOURCE = """
sluice: 1
resource:
  id: people
  title: 人员登记
  department: 测试厅
  source: raw/people.csv
  format: csv
  update_frequency: monthly
  subject: pid
columns:
  pid:
    category: direct_identifier
    entity: CN_RESIDENT_ID
    treatment: {{operator: pseudonymize}}
  name:
    category: direct_identifier
    entity: PERSON
    treatment: {{operator: drop}}
  phone:
    category: {phone_category}
    entity: CN_MOBILE
    treatment: {{operator: {phone_treatment}}}
  age:
    type: integer
    category: quasi_identifier
  sex:
    category: quasi_identifier
  district:
    category: quasi_identifier
    entity: CN_DISTRICT_CODE
  year:
    type: integer
    category: non_personal
  income:
    type: float
    category: sensitive_attribute
  salary:
    type: float
    category: sensitive_attribute
    secret: true
  sector:
    category: non_personal{sector_grade}
products:
{products}
"""

RECIPIENTS = "recipients: [{department: 统计局, responsibilities: [仅用于统计分析]}]"


def policy_text(
    products: str, *, sector_grade: str | None = None, phone: tuple[str, str] | None = None
) -> str:
    """The resource's policy with `products` (YAML list items, unindented); `sector_grade`
    grades the `sector` column; `phone` = (category, treatment) of the phone column."""
    category, treatment = phone or ("direct_identifier", "drop")
    return textwrap.dedent(RESOURCE).format(
        products=textwrap.indent(textwrap.dedent(products).strip(), "  ") if products else "  []",
        sector_grade=f"\n    grade: {sector_grade}" if sector_grade else "",
        phone_category=category,
        phone_treatment=treatment,
    )


def model(supply: str = "open", dimension: str = "sex", extra: str = "") -> str:
    """A model product of `people` counting people by `dimension`."""
    return f"""
    - id: counts
      kind: model
      title: 人数
      supply_mode: {supply}
      purpose: public_welfare
      dimensions: [{dimension}]
      measures: [{{name: people, agg: count_subjects}}]
      {extra}
    """


def microdata(supply: str = "open", privacy: str = "{environment: public}", extra: str = "") -> str:
    """A microdata product of `people` with the given privacy settings."""
    return f"""
    - id: records
      kind: microdata
      title: 微观数据
      supply_mode: {supply}
      purpose: public_welfare
      quasi_identifiers: [{{column: sex}}, {{column: age, hierarchy: {{intervals: [10, 100]}}}}]
      privacy: {privacy}
      max_suppression: 1.0
      {extra}
    """


def verification(supply: str = "authorized", extra: str = "", claim: str = "year") -> str:
    """A verification product of `people` answering whether a person has a record in a year."""
    return f"""
    - id: checks
      kind: verification
      title: 核验
      supply_mode: {supply}
      purpose: public_welfare
      identifier: {{column: pid, entity: CN_RESIDENT_ID}}
      claims: [{{id: in_year, title: 该年度有记录, where: {{{claim}: year}}}}]
      {extra}
    """


def index(supply: str = "open", where: str = "", extra: str = "") -> str:
    """An index file with one indicator over `people`."""
    filtered = f"\n            where: {where}" if where else ""
    return f"""
    sluice: 1
    indices:
      - id: people_index
        title: 人员指数
        supply_mode: {supply}
        purpose: public_welfare
        region: {{level: city}}
        period: {{grain: year}}
        {extra}
        indicators:
          - id: people
            title: 人数
            resource: people
            region: district
            period: year
            aggregate: count_subjects
            weight: 1{filtered}
    """


@dataclass
class Domain:
    """A folder of policies over a registered `people` resource."""

    root: Path

    @property
    def paths(self) -> Paths:
        return Paths(self.root / "domain", self.root / "published")

    @property
    def policies(self) -> Path:
        return self.root / "policies"

    def write(self, policy: str, index_file: str | None = None) -> Path:
        """Write the policy (and an index file) into the policies folder."""
        self.policies.mkdir(exist_ok=True)
        (self.policies / "people.yaml").write_text(policy, "utf-8")
        folder = self.policies / "indices"
        if index_file is not None:
            folder.mkdir(exist_ok=True)
            (folder / "people_index.yaml").write_text(textwrap.dedent(index_file), "utf-8")
        elif folder.is_dir():
            for path in folder.iterdir():
                path.unlink()
        return self.policies

    def register(self, policy: str) -> None:
        """Register `people` with this policy (its grades go into the registry)."""
        self.write(policy)
        paths = self.paths
        register(RegistryStore(paths.state), submissions(KINDS.load_policies(self.policies), paths))

    def plan(self, policy: str, index_file: str | None = None) -> BuildPlan:
        """The real plan of a build of the policies."""
        return plan_build(self.write(policy, index_file), None, self.paths)

    def planned(self, policy: str, index_file: str | None = None) -> dict[str, PlannedProduct]:
        return {p.spec.id: p for p in self.plan(policy, index_file).products}

    def refusals(self, policy: str, index_file: str | None = None) -> list[str]:
        """Every reason the plan refuses the policies' products: problems found when the
        policies load, else the refusals of planned products."""
        try:
            plan = self.plan(policy, index_file)
        except PolicyErrors as exc:
            return [str(e) for e in exc.errors]
        return [p.message for p in plan.products if p.message]


def make_domain(root: Path) -> Domain:
    """Sample people written under `root/domain/raw` and registered with a plain policy."""
    domain = Domain(root)
    raw = domain.paths.raw
    raw.mkdir(parents=True)
    draw = random.Random(11)
    rows = ["pid,name,phone,age,sex,district,year,income,salary,sector"]
    for i in range(80):
        rows.append(
            f"11010119900307{i:03d}X,张{i},1380000{i:04d},{draw.randint(20, 69)},"
            f"{draw.choice('男女')},{draw.choice(['330106', '330102', '330205'])},"
            f"{draw.choice([2024, 2025])},{draw.randint(3000, 9000)}.0,"
            f"{draw.randint(3000, 9000)}.0,{draw.choice(['能源', '交通'])}"
        )
    (raw / "people.csv").write_text("\n".join(rows) + "\n", "utf-8")
    domain.register(policy_text(""))
    return domain
