"""Column treatments (去标识化处置) as policy specs: the name an engineer writes and its parameters.

Specs only: the polars operation for each lives in transforms/operators under the same name.
Adding a treatment means one class here, one line in TREATMENTS, and one operator in transforms.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal, Union

from pydantic import Field, model_validator

from governance.policy.base import NUMERIC_TYPES, TEMPORAL_TYPES, ColumnType, StrictModel


class Treatment(StrictModel):
    """A treatment knows which column types it accepts and what type it produces."""

    operator: str
    accepts: ClassVar[frozenset[str]] = frozenset(
        {"string", "integer", "float", "date", "datetime", "boolean"}
    )
    removes_identity: ClassVar[bool] = False
    """True when the output no longer carries the raw identifier (drop, pseudonymize, mask)."""
    needs_subject: ClassVar[bool] = False
    """True when the treatment draws per person and so needs the resource's `subject`."""

    def output_type(self, input_type: ColumnType) -> ColumnType | None:
        """Type of the column after treatment; None when the column is removed."""
        return input_type

    def params(self) -> dict[str, object]:
        """Parameters for the operator, without the operator's name."""
        return self.model_dump(exclude={"operator"})


class Keep(Treatment):
    """Pass the column through unchanged (non-personal data, or values a product aggregates)."""

    operator: Literal["keep"] = "keep"


class Drop(Treatment):
    """Remove the column before anything else sees it."""

    operator: Literal["drop"]
    removes_identity: ClassVar[bool] = True

    def output_type(self, input_type: ColumnType) -> ColumnType | None:
        return None


class Mask(Treatment):
    """Replace characters with a mask character, keeping a few at either end (e.g. 138****5678)."""

    operator: Literal["mask"]
    keep_first: int = Field(0, ge=0, le=32)
    keep_last: int = Field(0, ge=0, le=32)
    char: str = Field("*", min_length=1, max_length=1)
    removes_identity: ClassVar[bool] = True

    def output_type(self, input_type: ColumnType) -> ColumnType | None:
        return "string"


class Pseudonymize(Treatment):
    """Keyed pseudonym (HMAC-SHA256, or keyed BLAKE2b): the same value gives the same pseudonym
    under one key, and nobody without the key can compute or reverse it."""

    operator: Literal["pseudonymize"]
    key: str = Field("default", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    algorithm: Literal["hmac-sha256", "blake2b"] = "hmac-sha256"
    length: int = Field(32, ge=16, le=64, multiple_of=2)
    normalize: bool = True
    removes_identity: ClassVar[bool] = True

    def output_type(self, input_type: ColumnType) -> ColumnType | None:
        return "string"


class Generalize(Treatment):
    """Coarsen a quasi-identifier: dates to month/quarter/year, district codes to city/province,
    numbers to bands, birth dates or ages to age bands."""

    operator: Literal["generalize"]
    to: Literal["month", "quarter", "year", "city", "province", "band", "age_band"]
    width: float | None = Field(None, gt=0)
    bottom: float | None = None
    top: float | None = None
    reference_date: dt.date | None = None

    @model_validator(mode="after")
    def _fits(self) -> Generalize:
        if self.to == "band" and self.width is None:
            raise ValueError("'to: band' needs 'width' (the size of each band, e.g. 1000)")
        if self.to not in ("band", "age_band") and (self.width or self.top or self.bottom):
            raise ValueError(f"'width', 'top' and 'bottom' apply to bands, not to '{self.to}'")
        if self.top is not None and self.bottom is not None and self.top <= self.bottom:
            raise ValueError("'top' must be greater than 'bottom'")
        return self

    def accepts_type(self, input_type: ColumnType, *, policy_date: bool = False) -> str | None:
        """Why this generalisation cannot apply to a column of this type, or None when it can.
        `policy_date` tells whether the policy sets a reference_date for all treatments."""
        if self.to in ("month", "quarter", "year") and input_type not in TEMPORAL_TYPES:
            return f"'to: {self.to}' needs a date or datetime column"
        if self.to in ("city", "province") and input_type != "string":
            return f"'to: {self.to}' needs a string column of 6-digit district codes"
        if self.to == "band" and input_type not in NUMERIC_TYPES:
            return "'to: band' needs an integer or float column"
        if self.to == "age_band":
            if input_type in TEMPORAL_TYPES and self.reference_date is None and not policy_date:
                return (
                    "'to: age_band' on a date needs a 'reference_date' (here or at the top of "
                    "the policy): ages are computed on a fixed date so builds are reproducible"
                )
            if input_type not in TEMPORAL_TYPES | NUMERIC_TYPES:
                return "'to: age_band' needs a birth date or an age column"
        return None

    def output_type(self, input_type: ColumnType) -> ColumnType | None:
        if self.to == "year":
            return "integer"
        return "string"


class TopBottomCode(Treatment):
    """Clamp extreme values to a ceiling and/or floor so outliers stop singling people out."""

    operator: Literal["top_bottom_code"]
    top: float | None = None
    bottom: float | None = None
    accepts: ClassVar[frozenset[str]] = NUMERIC_TYPES

    @model_validator(mode="after")
    def _bounds(self) -> TopBottomCode:
        if self.top is None and self.bottom is None:
            raise ValueError("give 'top', 'bottom' or both")
        if self.top is not None and self.bottom is not None and self.top <= self.bottom:
            raise ValueError("'top' must be greater than 'bottom'")
        return self


class Round(Treatment):
    """Round to the nearest multiple of `base` (e.g. 100 yuan), so exact values are shared."""

    operator: Literal["round"]
    base: float = Field(gt=0)
    accepts: ClassVar[frozenset[str]] = NUMERIC_TYPES


class PerPerson(Treatment):
    """Treatments drawn once per person (the resource's `subject`) with a key, so one person's
    values move together and repeated releases cannot average the draw away."""

    key: str = Field("default", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    needs_subject: ClassVar[bool] = True


class DateShift(PerPerson):
    """Move all dates of a person by the same keyed number of days (never 0): intervals
    between the person's events survive, calendar dates do not."""

    operator: Literal["date_shift"]
    max_days: int = Field(ge=1, le=3650)
    accepts: ClassVar[frozenset[str]] = TEMPORAL_TYPES


class Noise(PerPerson):
    """Add keyed noise per person: Laplace (scale b), Gaussian (sigma) or uniform
    (+-scale). Not differential privacy, which needs a budget (model products)."""

    operator: Literal["noise"]
    scale: float = Field(gt=0)
    distribution: Literal["laplace", "gaussian", "uniform"] = "laplace"
    accepts: ClassVar[frozenset[str]] = NUMERIC_TYPES


RedactEntity = Literal[
    "CN_RESIDENT_ID",
    "CN_BANK_CARD",
    "CN_MOBILE",
    "CN_LANDLINE",
    "CN_USCC",
    "CN_PASSPORT",
    "CN_HK_MACAU_PERMIT",
    "CN_HOME_RETURN_PERMIT",
    "CN_TAIWAN_PERMIT",
    "CN_PLATE",
    "EMAIL",
    "IP_ADDRESS",
    "CN_POSTCODE",
    "PERSON",
    "ADDRESS",
]
"""What a redaction finds in free text (transforms/redact/entities.py has the same names)."""
ALWAYS_PERSONAL = ("CN_RESIDENT_ID", "CN_BANK_CARD", "CN_MOBILE", "PERSON")


class Redact(Treatment):
    """Keep free text with the identifiers in it replaced (文本脱敏): per entity its tag
    (<手机号>, the default), a keyed pseudonym consistent across rows and resources
    (`pseudonym`), or the span itself (`keep`, never for what always identifies a person)."""

    operator: Literal["redact"]
    entities: dict[RedactEntity, Literal["tag", "pseudonym", "keep"]] = Field(default_factory=dict)
    key: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    accepts: ClassVar[frozenset[str]] = frozenset({"string"})
    removes_identity: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _default_key(cls, data: object) -> object:
        """Pseudonyms without a named key use the domain's `default` key."""
        if isinstance(data, dict) and data.get("key") is None:
            entities = data.get("entities")
            if isinstance(entities, dict) and "pseudonym" in entities.values():
                return {**data, "key": "default"}
        return data

    @model_validator(mode="after")
    def _fits(self) -> Redact:
        kept = [e for e, action in self.entities.items() if action == "keep"]
        personal = [e for e in kept if e in ALWAYS_PERSONAL]
        if personal:
            raise ValueError(
                f"'keep' is not allowed for {', '.join(personal)}: it always identifies a "
                "person; set 'tag' or 'pseudonym'"
            )
        if self.key is not None and "pseudonym" not in self.entities.values():
            raise ValueError("'key' is used only when an entity is set to 'pseudonym'")
        return self


TREATMENTS: tuple[type[Treatment], ...] = (
    Keep,
    Drop,
    Mask,
    Pseudonymize,
    Generalize,
    TopBottomCode,
    Round,
    DateShift,
    Noise,
    Redact,
)
"""Registry of treatment specs, keyed by their `operator` literal."""

TreatmentSpec = Annotated[Union[TREATMENTS], Field(discriminator="operator")]  # noqa: UP007

TREATMENT_NAMES: tuple[str, ...] = tuple(
    t.model_fields["operator"].annotation.__args__[0] for t in TREATMENTS
)
