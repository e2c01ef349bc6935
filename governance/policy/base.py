"""Shared pieces of the policy models: strict parsing and the names policies may use."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class StrictModel(BaseModel):
    """Unknown keys are errors: a misspelt key is never silently ignored in a privacy policy."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"),
]
"""Resource and product ids: lower-case snake case, safe as a folder name and a SQL name."""

Category = Literal[
    "direct_identifier", "quasi_identifier", "sensitive_attribute", "non_personal", "free_text"
]
Grade = Literal["general-1", "general-2", "general-3", "general-4", "important", "core"]
"""GB/T 43697 grades, low to high."""
ColumnType = Literal["string", "integer", "float", "date", "datetime", "boolean"]
NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "float"})
TEMPORAL_TYPES: frozenset[str] = frozenset({"date", "datetime"})


Problem = tuple[tuple[str | int, ...], str]
"""A problem a single field cannot see: the key path it belongs to, and the message."""

SupplyMode = Literal["shared", "open", "authorized"]
Purpose = Literal["public_welfare", "industry"]


class Price(StrictModel):
    """An authorized product's price, below its authorization's cap (政府指导定价)."""

    amount: float = Field(ge=0)
    unit: Literal["per_call", "per_period", "per_volume", "per_product"]
