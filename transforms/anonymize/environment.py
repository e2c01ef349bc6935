"""Release environments (发布环境): fully public, controlled sharing, enclave. Each caps the
prosecutor risk of any record, and a record's risk is 1 / the size of its class, so an
environment's threshold holds exactly when every class has at least ceil(1 / threshold) records:
to the search it is k-anonymity with that k; to the gate it is also a risk figure."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.models import KAnonymity
from transforms.anonymize.risk import RISK_THRESHOLDS


@dataclass(frozen=True)
class ReleaseEnvironment(KAnonymity):
    """The k that keeps every record's prosecutor risk within the environment's threshold.

    >>> ReleaseEnvironment("controlled").k
    5
    """

    k: int = field(init=False)
    environment: str = "public"

    def __post_init__(self) -> None:
        object.__setattr__(self, "k", math.ceil(1.0 / self.threshold - 1e-9))
        super().__post_init__()

    @property
    def threshold(self) -> float:
        """The highest prosecutor risk a record may carry in this environment."""
        try:
            return RISK_THRESHOLDS[self.environment]
        except KeyError:
            known = ", ".join(RISK_THRESHOLDS)
            raise AnonymizationError(
                f"unknown release environment '{self.environment}'; known: {known}"
            ) from None

    def render(self) -> str:
        return f"environment {self.environment}"
