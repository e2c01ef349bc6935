"""What a registration (登记) holds: who owns the resource, what it is, where and how big it is,
its schema and grade, and the version and status the registry gave it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Status = Literal["registered", "changed", "cancelled"]
EventKind = Literal["registered", "changed", "cancelled"]


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


@dataclass(frozen=True)
class Registration:
    """A resource's current registration: the submission plus what the registry issued."""

    code: str
    version: int
    status: Status
    submission: Submission
    registered_at: dt.datetime
    updated_at: dt.datetime
    reason: str | None = None

    @property
    def resource_id(self) -> str:
        return self.submission.resource_id

    @property
    def department(self) -> str:
        return self.submission.department

    def row(self) -> dict[str, Any]:
        """One row of the `registrations` table, nested facts flattened."""
        return {
            "resource_id": self.resource_id,
            "code": self.code,
            "version": self.version,
            "status": self.status,
            **{k: v for k, v in asdict(self.submission).items() if k != "resource_id"},
            "registered_at": self.registered_at,
            "updated_at": self.updated_at,
            "reason": self.reason,
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Registration:
        """The inverse of `row`."""
        names = {f.name for f in fields(Submission)}
        return cls(
            code=row["code"],
            version=row["version"],
            status=row["status"],
            submission=Submission(**{k: v for k, v in row.items() if k in names}),
            registered_at=row["registered_at"],
            updated_at=row["updated_at"],
            reason=row["reason"],
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
