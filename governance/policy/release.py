"""What a product lets out, as its kind answers for the release matrix: the form of the release
(aggregates, anonymised records, verification answers), where records are used and how strongly
they are anonymised, and who a shared product goes to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from governance.policy.base import StrictModel

Form = Literal["aggregate", "records", "verification"]
"""aggregate: cells of counts and statistics (models, private models, indices); records: one
row per record, anonymised (microdata); verification: answers to claims about one identified
subject (数据核验)."""
FORMS: tuple[Form, ...] = ("aggregate", "records", "verification")

Environment = Literal["enclave", "controlled", "public"]
ENVIRONMENTS: tuple[Environment, ...] = ("enclave", "controlled", "public")
"""Release environments, weakest anonymisation first: an enclave asks k >= 3, controlled
sharing k >= 5, the public k >= 20 (transforms/anonymize/risk.py holds the thresholds)."""


def at_least(strength: Environment | None, floor: Environment) -> bool:
    """Whether records anonymised for `strength` meet the anonymisation `floor` asks for."""
    return strength is not None and ENVIRONMENTS.index(strength) >= ENVIRONMENTS.index(floor)


@dataclass(frozen=True)
class Shape:
    """The form of a release; for records, the environment they are released to (declared, or
    the one their anonymisation meets) and the strictest environment their anonymisation meets."""

    form: Form = "aggregate"
    environment: Environment | None = None
    strength: Environment | None = None
    released: tuple[str, ...] | None = None
    """Columns whose values leave (None: every column drawn on, the case of aggregates)."""


class Recipient(StrictModel):
    """A department a shared product goes to, and its responsibility list (责任清单): what it
    may use the data for and must do to protect it."""

    department: str = Field(min_length=1)
    responsibilities: list[Annotated[str, StringConstraints(min_length=1)]] = Field(
        min_length=1, description="The recipient's duties for this data (责任清单)."
    )
