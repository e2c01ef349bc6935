"""The authorization document, format v1: object (operator), content (resources and columns),
scope (mode, purposes or scenarios, product kinds), term, exit mechanism, security duties and
price caps, as the 2024 Opinions ask of each authorization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, create_model, model_validator

from governance.authorization.party import Operator, Party
from governance.policy.base import Identifier, Purpose, StrictModel

AuthorizationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Mode = Literal["whole", "domain", "scenario"]
"""整体授权 (the resources as a whole), 分领域授权 (by domain), 依场景授权 (by scenario)."""


class Scenario(StrictModel):
    """A use the authorization allows (依场景授权): products name it in their `scenario`."""

    id: Identifier
    title: str = Field(min_length=1)
    purpose: Purpose
    description: str | None = None


class ResourceScope(StrictModel):
    """A registered resource the operator may use, and which of its columns."""

    resource: Identifier
    columns: list[str] | Literal["all"] = Field(
        "all", description="Source columns products may draw on; 'all' for every column."
    )

    def covers(self, column: str) -> bool:
        return self.columns == "all" or column in self.columns


class Term(StrictModel):
    """Valid from the first day to the last, both included."""

    valid_from: dt.date
    valid_until: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self


class ExitTerms(StrictModel):
    """What happens to the products built under the authorization when it ends (退出机制):
    `withdraw` takes them off the capability list and moves their data back inside the domain;
    `keep` leaves what was published, and only new builds stop."""

    on_expiry: Literal["withdraw", "keep"] = "withdraw"
    on_revocation: Literal["withdraw", "keep"] = "withdraw"
    note: str | None = None


class PriceCap(StrictModel):
    """The government-guided cap on one product's price (政府指导定价)."""

    product: Identifier
    cap: float = Field(ge=0)
    unit: Literal["per_call", "per_period", "per_volume", "per_product"]
    currency: Literal["CNY"] = "CNY"


class RevenueCap(StrictModel):
    """The maximum allowed revenue per billing period (最高准许收入 = operating cost + allowed
    profit + taxes). Revenue above it in one period is deducted from the next period's cap."""

    period: Literal["month", "quarter", "year"] = "quarter"
    amount: float = Field(ge=0)
    currency: Literal["CNY"] = "CNY"


class Quotas(StrictModel):
    """Verification claims the operator may submit per day and per calendar month."""

    claims_per_day: int | None = Field(None, ge=1)
    claims_per_month: int | None = Field(None, ge=1)


class Authorization(StrictModel):
    """One authorization (授权运营协议) as the implementing body grants it."""

    sluice_authorization: Literal[1] = Field(description="Authorization format version.")
    id: AuthorizationId
    title: str = Field(min_length=1)
    granting_body: Party
    operator: Operator
    mode: Mode
    domains: list[str] = Field(default_factory=list, description="Granted domains (mode domain).")
    scenarios: list[Scenario] = Field(default_factory=list)
    purposes: list[Purpose] = Field(
        default_factory=list, description="Allowed purposes (modes whole and domain)."
    )
    resources: list[ResourceScope] = Field(min_length=1)
    products: list[Identifier] = Field(min_length=1, description="Product kinds allowed.")
    term: Term
    exit: ExitTerms = ExitTerms()
    security_duties: list[str] = Field(min_length=1)
    price_caps: list[PriceCap] = Field(default_factory=list)
    revenue_cap: RevenueCap | None = Field(
        None, description="Maximum allowed revenue per period, over all priced products."
    )
    quotas: Quotas = Quotas()

    @model_validator(mode="after")
    def _mode_has_its_scope(self) -> Authorization:
        if self.mode == "domain" and not self.domains:
            raise ValueError("mode 'domain' needs 'domains' (the domains granted)")
        if self.mode == "scenario" and not self.scenarios:
            raise ValueError("mode 'scenario' needs 'scenarios' (the uses granted)")
        if self.mode != "scenario" and not self.purposes:
            raise ValueError(f"mode '{self.mode}' needs 'purposes' (public_welfare, industry)")
        if self.mode != "domain" and self.domains:
            raise ValueError("'domains' only applies to mode 'domain'")
        if self.mode != "scenario" and self.scenarios:
            raise ValueError("'scenarios' only applies to mode 'scenario'")
        seen = [r.resource for r in self.resources]
        twice = sorted({r for r in seen if seen.count(r) > 1})
        if twice:
            raise ValueError(f"resource(s) listed twice: {', '.join(twice)}")
        return self

    def scope(self, resource: str) -> ResourceScope | None:
        return next((r for r in self.resources if r.resource == resource), None)

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    def cap(self, product: str) -> PriceCap | None:
        return next((c for c in self.price_caps if c.product == product), None)


def authorization_model(kinds: Sequence[str]) -> type[Authorization]:
    """The authorization document whose `products` may name only these product kinds (the
    `kind:` values policies write)."""
    allowed: Any = Literal[tuple(kinds)]  # type: ignore[valid-type]
    declared = Authorization.model_fields["products"]
    return create_model(  # type: ignore[call-overload, no-any-return]
        "Authorization",
        __base__=Authorization,
        __module__=Authorization.__module__,
        __doc__=Authorization.__doc__,
        products=(list[allowed], Field(min_length=1, description=declared.description)),
    )
