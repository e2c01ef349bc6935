"""What every product (数据产品) declares, whatever its kind, and the hooks through which a kind
checks its product against the resources it draws on. The kinds themselves live with the
shell (flows/kinds/), which registers their specs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

from pydantic import Field, model_validator

from governance.policy.base import Identifier, Price, Problem, Purpose, StrictModel, SupplyMode
from governance.policy.release import Recipient, Shape
from governance.policy.resource import Column, Resource


class ResourcePolicy(Protocol):
    """The part of a policy a product is checked against: its resource and columns."""

    @property
    def resource(self) -> Resource: ...

    @property
    def columns(self) -> dict[str, Column]: ...


class ProductBase(StrictModel):
    """What every product declares: who may receive it (supply mode) and why (purpose)."""

    id: Identifier
    kind: str
    title: str = Field(min_length=1)
    description: str | None = None
    supply_mode: SupplyMode
    purpose: Purpose
    authorization: str | None = Field(
        None, description="Authorization id; required when supply_mode is 'authorized'."
    )
    scenario: Identifier | None = Field(
        None, description="The authorization's scenario this product serves (依场景授权)."
    )
    price: Price | None = Field(
        None, description="What the operator charges; free when omitted (public welfare is)."
    )
    recipients: list[Recipient] | None = Field(
        None,
        description="The departments a shared product goes to, each with its responsibility "
        "list (责任清单); required when supply_mode is 'shared', refused otherwise.",
    )

    @model_validator(mode="after")
    def _authorization_matches_mode(self) -> ProductBase:
        if self.supply_mode == "authorized" and not self.authorization:
            raise ValueError(
                "supply_mode 'authorized' needs 'authorization' (the authorization id)"
            )
        if self.supply_mode != "authorized" and self.authorization:
            raise ValueError(
                "'authorization' only applies to supply_mode 'authorized', "
                f"not '{self.supply_mode}'"
            )
        for key in ("scenario", "price"):
            if self.supply_mode != "authorized" and getattr(self, key) is not None:
                raise ValueError(f"'{key}' only applies to supply_mode 'authorized'")
        named = [r.department for r in self.recipients or []]
        twice = sorted({d for d in named if named.count(d) > 1})
        if twice:
            raise ValueError(f"recipients name a department twice: {', '.join(twice)}")
        return self

    def source_columns(self) -> list[str]:
        """Columns of the resource the product draws on (checked against an authorization)."""
        raise NotImplementedError

    def columns_drawn(self, home: str) -> dict[str, list[str]]:
        """Columns drawn on, per resource; `home` is the resource of the policy that declares
        the product (a product declared beside the policies names its own)."""
        return {home: self.source_columns()}

    def shape(self) -> Shape:
        """What the product lets out, for the release matrix: by default aggregates of every
        column it draws on."""
        return Shape()

    def reveals(self) -> list[dict[str, Any]]:
        """Attributes of a person the product reveals, each as {column, form:
        exact|cuts|sets, cuts, sets, within} (transforms/linkage/known.py): other record-level
        releases of the resource treat them as known to the attacker. Tables with exact cells
        reveal what their cells tell (`within` them, transforms/linkage/cells.py)."""
        return []

    def reveals_about(self, resource: str) -> list[dict[str, Any]]:
        """`reveals`, for the people of one resource (a product drawing on several says which
        of its parts tell what)."""
        return self.reveals()

    def problems(self, policy: ResourcePolicy, base: Path | None) -> Iterator[Problem]:
        """What the product gets wrong about its resource's columns, with key paths relative
        to the product; files it names are looked up relative to `base`, the policy's folder."""
        return iter(())

    def problems_across(self, policies: Mapping[str, ResourcePolicy]) -> Iterator[Problem]:
        """For a product declared beside the policies (an index): what it gets wrong about the
        resources it draws on, with key paths relative to the product."""
        return iter(())
