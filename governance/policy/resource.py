"""A resource (数据资源) as a policy declares it: who delivers it, in what form, and each of its
columns with its category, parsing, checks and treatment."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from governance.policy.base import Category, ColumnType, Grade, Identifier, StrictModel
from governance.policy.treatments import Keep, TreatmentSpec

UpdateFrequency = Literal[
    "realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular", "once"
]


class PrivacyBudget(StrictModel):
    """The total differential-privacy loss a resource's releases may add up to."""

    epsilon: float = Field(gt=0)
    delta: float = Field(ge=0, lt=1)


class ObjectionRules(StrictModel):
    """How objections (异议) against the resource are handled."""

    deadline_working_days: int = Field(
        15, ge=1, le=365, description="Working days (Mon-Fri) to resolve an objection in."
    )
    suspend: bool = Field(
        False,
        description="Suspend the affected products as soon as an objection is filed (else "
        "only when it is filed with --suspend).",
    )


class Resource(StrictModel):
    """A data resource (数据资源) as its owning department delivers it."""

    id: Identifier
    title: str = Field(min_length=1)
    department: str = Field(min_length=1, description="Owning department (the one source).")
    source: str = Field(
        min_length=1, description="File path, relative to SLUICE_HOME unless absolute."
    )
    format: Literal["csv", "parquet"]
    encoding: Literal["auto", "utf-8", "gbk", "gb18030"] = "auto"
    delimiter: str = Field(",", min_length=1, max_length=1)
    update_frequency: UpdateFrequency
    subject: str | None = Field(
        None,
        description="Column identifying the person each row is about; cells count distinct "
        "subjects against min_group_size. Without it, every row is taken as one person.",
    )
    privacy_budget: PrivacyBudget | None = Field(
        None, description="Epsilon and delta all differentially private releases may spend."
    )
    domain: str | None = Field(
        None, description="The domain (领域) the resource belongs to, for authorizations by domain."
    )
    description: str | None = None
    max_rejected_share: float = Field(
        0.01,
        ge=0,
        le=1,
        description="The largest share of rows read that may be rejected (to quarantine) for a "
        "build to publish from the resource; above it the build refuses and publishes nothing.",
    )
    max_row_drop: float = Field(
        0.5,
        ge=0,
        le=1,
        description="The largest fall in rows that pass, as a share of the rows the previous "
        "ingest of the resource passed; a larger fall (a truncated delivery) refuses the build. "
        "1 allows any fall.",
    )
    objections: ObjectionRules = Field(
        default_factory=ObjectionRules,
        description="Deadline and suspension of objections (数据异议可处置) against the resource.",
    )


class Checks(StrictModel):
    """Row-level checks; a row failing any of them goes to quarantine with the reason."""

    min: float | None = None
    max: float | None = None
    allowed: list[str | int | float] | None = Field(None, min_length=1)
    pattern: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class Column(StrictModel):
    """One column of the resource: what it is, how it parses, how it is treated."""

    description: str | None = None
    type: ColumnType = "string"
    format: str | None = Field(
        None, description="strptime format for date/datetime columns, e.g. '%Y-%m-%d'."
    )
    category: Category
    entity: str | None = Field(None, description="Entity type, e.g. CN_RESIDENT_ID, PERSON.")
    required: bool = False
    checks: Checks | None = None
    treatment: TreatmentSpec = Keep()
    pi_class: str | None = Field(
        None, description="Personal-information class; overrides the classifier's."
    )
    sensitive_pi: bool | None = Field(
        None, description="Sensitive personal information (PIPL art. 28); overrides the classifier."
    )
    grade: Grade | None = Field(
        None, description="Grade (GB/T 43697); overrides the classifier's, floors still apply."
    )
    secret: bool = Field(
        False, description="Never released in any form: products that use it are refused."
    )
