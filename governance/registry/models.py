"""What a registration (登记) holds: who owns the resource, what it is, where and how big it is,
its schema and grade, the privacy budget fixed for it, and the version and status the registry
gave it."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Status = Literal["registered", "changed", "cancelled"]
EventKind = Literal["registered", "changed", "cancelled"]


@dataclass(frozen=True)
class Budget:
    """A privacy budget: the epsilon and delta all differentially private releases of one
    resource may spend together."""

    epsilon: float
    delta: float

    def same(self, other: Budget) -> bool:
        """Equal but for float noise (a value read back from YAML or DuckDB)."""
        return math.isclose(self.epsilon, other.epsilon, rel_tol=1e-12) and math.isclose(
            self.delta, other.delta, rel_tol=1e-12, abs_tol=1e-300
        )

    def __str__(self) -> str:
        return f"epsilon {self.epsilon:g}, delta {self.delta:g}"


@dataclass(frozen=True)
class Submission:
    """The facts a department submits for one resource, read from its policy and its file."""

    resource_id: str
    title: str
    department: str
    format: str
    location: str
    row_count: int
    content_sha256: str
    schema: dict[str, Any]
    """{"declared": [{"name", "type"}], "physical": [column names in the file's header]}."""
    classification: dict[str, Any]
    """classify_resource's result: table grade and, per column, category, entity and grade."""
    table_grade: str
    update_frequency: str
    supply_modes: list[str]
    policy_path: str
    policy_sha256: str
    privacy_budget: Budget | None = None
    """What the policy declares. Not stored: the registry keeps the budget it fixed at the
    first registration (Registration.budget), which only `change_budget` changes."""


@dataclass(frozen=True)
class Registration:
    """A resource's current registration: the submission plus what the registry issued,
    among which the privacy budget, fixed once and changed only by a recorded event."""

    code: str
    version: int
    status: Status
    submission: Submission
    registered_at: dt.datetime
    updated_at: dt.datetime
    reason: str | None = None
    budget: Budget | None = None

    @property
    def resource_id(self) -> str:
        return self.submission.resource_id

    @property
    def department(self) -> str:
        return self.submission.department

    def row(self) -> dict[str, Any]:
        """One row of the `registrations` table, nested facts flattened."""
        submitted = asdict(self.submission)
        return {
            "resource_id": self.resource_id,
            "code": self.code,
            "version": self.version,
            "status": self.status,
            **{k: v for k, v in submitted.items() if k not in ("resource_id", "privacy_budget")},
            "registered_at": self.registered_at,
            "updated_at": self.updated_at,
            "reason": self.reason,
            "budget_epsilon": self.budget.epsilon if self.budget else None,
            "budget_delta": self.budget.delta if self.budget else None,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Registration:
        """The inverse of `row` (a row written before budgets were registered has none)."""
        names = {f.name for f in fields(Submission)} - {"privacy_budget"}
        epsilon, delta = row.get("budget_epsilon"), row.get("budget_delta")
        return cls(
            code=row["code"],
            version=row["version"],
            status=row["status"],
            submission=Submission(**{k: v for k, v in row.items() if k in names}),
            registered_at=row["registered_at"],
            updated_at=row["updated_at"],
            reason=row["reason"],
            budget=Budget(epsilon, delta) if epsilon is not None and delta is not None else None,
        )


@dataclass(frozen=True)
class RegistrationEvent:
    """One line of a registration's history: first registration, a change, or cancellation."""

    resource_id: str
    code: str
    version: int
    event: EventKind
    occurred_at: dt.datetime
    department: str
    content_sha256: str
    table_grade: str
    row_count: int
    changes: str
    """What changed since the previous version, e.g. 'grade general-3→general-4'."""
    reason: str | None
    policy_path: str
    policy_sha256: str
    snapshot: dict[str, Any]
    """The registration as it stood after this event, so every version can be read back."""
