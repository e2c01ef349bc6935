"""What each entity means for grading: its de-identification category (GB/T 37964), its
personal-information class, whether PIPL art. 28 makes it sensitive, and its base grade.

Floors (GB/T 43697 practice): sensitive personal information >= general-4, personal
information >= general-2. Core and important data are never assigned automatically: they
turn on national-security and economic harm that a column's contents cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass

GRADES: tuple[str, ...] = ("general-1", "general-2", "general-3", "general-4", "important", "core")
"""Low to high, so the index orders them."""

DIRECT, QUASI, SENSITIVE = "direct_identifier", "quasi_identifier", "sensitive_attribute"
NON_PERSONAL, FREE_TEXT = "non_personal", "free_text"
CATEGORIES = (DIRECT, QUASI, SENSITIVE, NON_PERSONAL, FREE_TEXT)


@dataclass(frozen=True)
class Profile:
    """Defaults for one entity; the classifier may override the category from a hint."""

    category: str
    pi_class: str | None
    sensitive: bool
    grade: str


PROFILES: dict[str, Profile] = {
    "CN_RESIDENT_ID": Profile(DIRECT, "identity", True, "general-4"),
    "CN_PASSPORT": Profile(DIRECT, "identity", True, "general-4"),
    "CN_HK_MACAU_PERMIT": Profile(DIRECT, "identity", True, "general-4"),
    "CN_HOME_RETURN_PERMIT": Profile(DIRECT, "identity", True, "general-4"),
    "CN_TAIWAN_PERMIT": Profile(DIRECT, "identity", True, "general-4"),
    "CN_BANK_CARD": Profile(DIRECT, "financial", True, "general-4"),
    "CN_MOBILE": Profile(DIRECT, "contact", False, "general-3"),
    "CN_LANDLINE": Profile(DIRECT, "contact", False, "general-3"),
    "EMAIL": Profile(DIRECT, "contact", False, "general-3"),
    "PERSON": Profile(DIRECT, "identity", False, "general-3"),
    "CN_USCC": Profile(DIRECT, "organization", False, "general-2"),
    "ORGANIZATION": Profile(DIRECT, "organization", False, "general-2"),
    "RECORD_ID": Profile(DIRECT, "identity", False, "general-2"),
    "CN_PLATE": Profile(DIRECT, "property", False, "general-3"),
    "IP_ADDRESS": Profile(QUASI, "online", False, "general-2"),
    "GENDER": Profile(QUASI, "identity", False, "general-2"),
    "DATE_OF_BIRTH": Profile(QUASI, "identity", False, "general-2"),
    "AGE": Profile(QUASI, "identity", False, "general-2"),
    "ETHNICITY": Profile(QUASI, "identity", False, "general-2"),
    "CN_DISTRICT_CODE": Profile(QUASI, "location", False, "general-2"),
    "CN_DISTRICT_NAME": Profile(QUASI, "location", False, "general-2"),
    "CN_POSTCODE": Profile(QUASI, "location", False, "general-2"),
    "ADDRESS": Profile(QUASI, "location", False, "general-3"),
    "INDUSTRY": Profile(QUASI, "employment", False, "general-2"),
    "OCCUPATION": Profile(QUASI, "employment", False, "general-2"),
    "EDUCATION": Profile(QUASI, "education", False, "general-2"),
    "POLITICAL_AFFILIATION": Profile(QUASI, "identity", False, "general-2"),
    "MARITAL_STATUS": Profile(QUASI, "family", True, "general-4"),  # GB/T 35273 B: 婚史
    "DATE": Profile(QUASI, "event", False, "general-2"),
    "DATETIME": Profile(QUASI, "event", False, "general-2"),
    "DIAGNOSIS": Profile(SENSITIVE, "health", True, "general-4"),
    "RELIGION": Profile(SENSITIVE, "religion", True, "general-4"),
    "MONEY": Profile(SENSITIVE, "financial", True, "general-4"),
    "COUNT": Profile(SENSITIVE, "social_security", False, "general-2"),
    "FREE_TEXT": Profile(FREE_TEXT, "free_text", False, "general-3"),
}

UNKNOWN = Profile(NON_PERSONAL, None, False, "general-1")


def grade_at_least(grade: str, floor: str) -> str:
    """The stricter of two grades (就高从严).

    >>> grade_at_least("general-2", "general-4")
    'general-4'
    """
    return max(grade, floor, key=GRADES.index)


def apply_floors(grade: str, *, personal: bool, sensitive: bool) -> str:
    """Raise a grade to the PI floors: sensitive >= general-4, personal >= general-2."""
    if sensitive:
        grade = grade_at_least(grade, "general-4")
    if personal:
        grade = grade_at_least(grade, "general-2")
    return grade
