"""The annual disclosure (年度披露) as one document: what the implementing body and the operators
disclose each year under the 2024 Opinions and the 2025 companion rules. Every section is a list
of flat rows, so the same document is a JSON file, a set of tables and a page."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

NOT_PROVIDED = "未提供"
"""How a detail the authorization does not state is shown."""


class Row(BaseModel):
    """A row of a section: unknown keys are errors, and nothing changes once made."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(Row):
    """An implementing body (实施机构) or an operator (运营机构), as its authorization names it."""

    name: str
    uscc: str = Field(description="Unified social credit code (统一社会信用代码).")
    address: str = Field(description="Registered address, or 未提供.")
    office: str = Field(description="The office that answers the public, or 未提供.")
    phone: str = Field(description="The office's public telephone, or 未提供.")
    email: str = Field(description="The office's public e-mail, or 未提供.")


class Operator(Organisation):
    """An operator, with the authorizations it held in the year and their terms."""

    id: str
    authorizations: list[str]
    terms: list[str] = Field(description="Each authorization's term, 'from to until'.")


class GrantedScenario(Row):
    """A use an authorization grants (依场景授权), with its scenario type."""

    id: str
    title: str
    purpose: Literal["public_welfare", "industry"] = Field(
        description="场景类型: public_welfare 公益, industry 产业."
    )


class Grant(Row):
    """One authorization in force on some day of the year (授权对象, 内容, 范围, 期限)."""

    id: str
    title: str
    body: str = Field(description="The implementing body's credit code.")
    operator: str = Field(description="The operator's id (授权对象).")
    operator_name: str
    mode: Literal["whole", "domain", "scenario"] = Field(
        description="运营模式: whole 整体授权, domain 分领域授权, scenario 依场景授权."
    )
    domains: list[str]
    purposes: list[str]
    scenarios: list[GrantedScenario] = Field(description="Granted scenarios (mode scenario).")
    product_kinds: list[str]
    valid_from: dt.date
    valid_until: dt.date
    status: Literal["active", "revoked", "expired"]
    ended_at: dt.date | None = None
    end_reason: str | None = None
    exit_on_expiry: str = Field(description="退出机制 when the term ends: withdraw or keep.")
    exit_on_revocation: str
    exit_note: str | None = None
    security_duties: list[str]


class GrantedResource(Row):
    """A resource an authorization grants (授权内容), with its registration confirmation."""

    authorization: str
    resource: str
    title: str
    department: str
    registration_code: str = Field(description="登记确认号: the registry's code of the resource.")
    registration_version: int
    columns: list[str] = Field(description="The columns granted; ['all'] for every column.")


class PriceCap(Row):
    """A government-guided cap (价格上限): per product, or the revenue cap (最高准许收入)."""

    authorization: str
    product: str | None = Field(description="The product capped; None for the revenue cap.")
    cap: float
    unit: str = Field(description="per_call, per_period, per_volume, per_product, or the "
                      "revenue cap's period (month, quarter, year).")  # fmt: skip
    currency: str


class Product(Row):
    """A line of the product and service capability list (产品和服务能力清单)."""

    authorization: str
    product: str
    title: str
    kind: str
    confirmation_number: str = Field(
        description="The resource's registration code, the product id and its newest version "
        "in the year: <code>/<product>/v<version>."
    )
    delivery: str = Field(description="交付方式: data_file, verification_service or index.")
    scenario_type: Literal["public_welfare", "industry"] = Field(description="公益 or 产业.")
    scenario: str = Field(description="应用场景: the scenario's id and title, or 未提供.")
    price: float = Field(description="实际价格; 0 when free.")
    price_unit: str = Field(description="per_call, per_period, ...; 'free' when free.")
    versions_in_year: int
    status: Literal["live", "suspended", "withdrawn"] = Field(
        description="At the end of the period: suspended while an objection against it was open."
    )


class Usage(Row):
    """How a product used its resources in one calendar month (资源使用情况, 异议处理)."""

    product: str
    period: str = Field(description="The calendar month, YYYY-MM.")
    builds: int = Field(description="Builds: versions published plus builds refused.")
    refused: int
    versions_published: int
    verification_calls: int
    withdrawals: int
    objections_received: int
    objections_upheld: int = Field(description="Upheld, and the product corrected.")
    objections_rejected: int
    objections_open: int = Field(description="Still open at the end of the month.")
    objections_overdue: int = Field(description="Open past their due date at the month's end.")
    feedback_received: int


class Checkpoint(Row):
    """The newest signed checkpoint of the audit log (Ed25519)."""

    seq: int
    hash: str
    digest: str
    at: str
    signature: str


class AuditHead(Row):
    """The audit log as it stood when the disclosure was made, so anyone can check the
    disclosed usage against it."""

    seq: int
    hash: str = Field(description="The chain hash (HMAC) of the newest record.")
    digest: str = Field(description="The public digest (SHA-256 chain) up to it.")
    checkpoint: Checkpoint | None = Field(description="The newest published signed checkpoint.")
    how_to_check: str


class Exemption(Row):
    """A value the personal-data scan would flag that an authorization declares public: an
    organisation's credit code or its office's telephone or e-mail."""

    value: str
    organisation: str
    field: Literal["uscc", "phone", "email"]


class Disclosure(Row):
    """The annual disclosure of one year (年度披露), due by the end of March of the next."""

    sluice_disclosure: Literal[1] = 1
    year: int
    covered_from: dt.date
    covered_until: dt.date = Field(description="The year's last day, or today for this year.")
    generated_at: str
    bodies: list[Organisation] = Field(description="实施机构")
    authorizations: list[Grant] = Field(description="授权")
    resources: list[GrantedResource] = Field(description="授权内容")
    operators: list[Operator] = Field(description="运营机构")
    price_caps: list[PriceCap] = Field(description="价格上限")
    products: list[Product] = Field(description="产品和服务能力清单")
    usage: list[Usage] = Field(description="资源使用情况")
    audit: AuditHead
    exemptions: list[Exemption] = Field(description="Declared public values the scan exempts.")
    notes: list[str] = Field(description="How the figures were made.")


SECTIONS = ("bodies", "authorizations", "resources", "operators", "price_caps", "products",
            "usage", "exemptions")  # fmt: skip
"""The document's sections that are tables (one Parquet file each)."""
