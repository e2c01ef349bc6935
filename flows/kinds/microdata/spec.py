"""Microdata product (匿名化个人信息数据集) as a policy spec: anonymised records for open data and
sharing.

Quasi-identifiers are generalised along hierarchies and whole classes suppressed until every
privacy setting holds; the egress gate measures the settings again on the published rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from flows.kinds.microdata.checks import microdata_problems
from flows.kinds.microdata.hierarchy import QuasiIdentifierSpec
from flows.kinds.microdata.privacy import PrivacySpec
from governance.policy.base import Problem
from governance.policy.product import ProductBase, ResourcePolicy
from governance.policy.release import Shape
from transforms.anonymize import METRICS


class MicrodataProduct(ProductBase):
    """Microdata (匿名化数据集): one row per record, quasi-identifiers generalised and rare
    combinations suppressed so the privacy settings hold."""

    kind: Literal["microdata"]
    quasi_identifiers: list[QuasiIdentifierSpec] = Field(min_length=1)
    include: list[str] = Field(
        default_factory=list,
        description="Other columns published as they are after the resource's treatments.",
    )
    privacy: PrivacySpec
    max_suppression: float = Field(
        0.0, ge=0.0, le=1.0, description="Share of the rows that may be suppressed (0..1)."
    )
    metric: Literal[tuple(METRICS)] = Field(  # type: ignore[valid-type]
        "loss", description="Information loss the search minimises."
    )
    linkage: Literal["refuse", "generalise"] = Field(
        "refuse",
        description="When attributes the resource's other releases reveal about a person "
        "(verification answers, another release's columns) would let the same audience single "
        "records out: 'refuse' the release naming them, or 'generalise' them as "
        "quasi-identifiers too.",
    )
    local: bool = Field(
        False,
        description="Refine the optimum class by class (local recoding): lower DM, mixed "
        "generalisation levels within a column; k-anonymity and environments only.",
    )

    @model_validator(mode="after")
    def _local_needs_k_only(self) -> MicrodataProduct:
        if self.local and (self.privacy.l_diversity or self.privacy.t_closeness):
            raise ValueError(
                "local: true supports k and environment only: a class split by local recoding "
                "can break l-diversity or t-closeness; remove 'local' or those settings"
            )
        if self.local and self.privacy.k is None and self.privacy.environment is None:
            raise ValueError("local: true needs privacy.k or privacy.environment")
        return self

    def qi_columns(self) -> list[str]:
        return [q.column for q in self.quasi_identifiers]

    def output_columns(self) -> list[str]:
        """Published columns: quasi-identifiers, included columns, then sensitive columns."""
        named = [*self.qi_columns(), *self.include, *self.privacy.sensitive_columns()]
        return list(dict.fromkeys(named))

    def source_columns(self) -> list[str]:
        return self.output_columns()

    def reveals(self) -> list[dict[str, Any]]:
        """Included and sensitive columns leave as they are, row by row."""
        qis = set(self.qi_columns())
        return [{"column": c, "form": "exact"} for c in self.output_columns() if c not in qis]

    def shape(self) -> Shape:
        """Records, released to the environment the privacy settings name (or, without one,
        the strictest their class sizes meet)."""
        strength = self.privacy.strength()
        environment = self.privacy.environment or strength
        return Shape("records", environment, strength, tuple(self.output_columns()))

    def problems(self, policy: ResourcePolicy, base: Path | None) -> Iterator[Problem]:
        """Every published column can be a record-level value; hierarchies fit their
        columns."""
        return microdata_problems(
            policy, self.id, self.quasi_identifiers, self.include, self.privacy, base
        )
