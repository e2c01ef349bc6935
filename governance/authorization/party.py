"""The parties of an authorization, named by their unified social credit codes (GB 32100)."""

from __future__ import annotations

from pydantic import Field, field_validator

from governance.policy.base import Identifier, StrictModel

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_valid(code: str) -> bool:
    """18 characters of the GB 32100 alphabet whose last is the check character: the weights
    are 3**i mod 31 over the first 17 values, check = (31 - sum % 31) % 31.

    >>> uscc_valid("91350100M000100Y43"), uscc_valid("91350100M000100Y44")
    (True, False)
    """
    if len(code) != 18 or any(ch not in _ALPHABET for ch in code):
        return False
    total = sum(_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(code[:17]))
    return _ALPHABET[(31 - total % 31) % 31] == code[17]


class Contact(StrictModel):
    """How the public reaches an organisation about its public data (披露的联系方式): an office,
    not a person, since it is disclosed."""

    office: str = Field(min_length=1, description="The office that answers, e.g. 数据开放处.")
    phone: str | None = Field(None, description="The office's public telephone number.")
    email: str | None = Field(None, description="The office's public e-mail address.")


class Party(StrictModel):
    """An organisation: its name and unified social credit code, and the address and contact
    that the annual disclosure (年度披露) names."""

    name: str = Field(min_length=1)
    uscc: str = Field(description="Unified social credit code (18 characters, GB 32100).")
    address: str | None = Field(None, min_length=1, description="Registered address (disclosed).")
    contact: Contact | None = Field(None, description="Public contact (disclosed).")

    @field_validator("uscc")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        value = value.strip().upper()
        if not uscc_valid(value):
            raise ValueError(
                f"'{value}' is not a valid unified social credit code (18 characters of "
                "0-9 and A-Y without I, O, S, V, Z, the last one the GB 32100 check character)"
            )
        return value


class Operator(Party):
    """The authorized operator (运营机构); ``id`` is how commands name it (--operator)."""

    id: Identifier
