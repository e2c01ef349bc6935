"""The policy document, format v1: a resource, how each of its columns is treated, its products."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, create_model

from governance.policy.base import StrictModel
from governance.policy.product import ProductBase
from governance.policy.resource import Column, Resource
from governance.policy.schedule import Schedule

Document = TypeVar("Document", bound=BaseModel)

FORMAT_VERSION = 1


class Policy(StrictModel):
    """A policy file: `sluice: 1`, the resource, its columns, its products."""

    # The product kinds the shell registers validate the products: load a policy with the
    # model `with_items(Policy, "products", <the kinds' union>)` returns.
    sluice: Literal[1] = Field(description="Policy format version.")
    resource: Resource
    schedule: Schedule | None = Field(
        None,
        description="When `sluice serve` builds the products; without it, a time derived from "
        "the resource's update_frequency (daily: 02:00 every day, Asia/Shanghai).",
    )
    reference_date: dt.date | None = Field(
        None, description="Date the policy's time-dependent treatments are computed against."
    )
    columns: dict[str, Column] = Field(min_length=1)
    products: list[ProductBase] = Field(default_factory=list)


def with_items(document: type[Document], name: str, item: Any) -> type[Document]:
    """`document` with its list field `name` validated as a list of `item` (for products, a
    union of the registered kinds' specs), everything else as declared."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        document.__name__,
        __base__=document,
        __module__=document.__module__,
        __doc__=document.__doc__,
        **{name: (list[item], document.model_fields[name])},
    )
