"""Who can read a release (its audience), so that two releases are judged together only where
one reader holds both: an open release reaches everyone, a shared one the departments it
names, an authorized one its operator."""

from __future__ import annotations

from collections.abc import Iterable

EVERYONE = "open"


def audience_of(
    supply_mode: str, *, operator: str | None = None, authorization: str | None = None,
    departments: Iterable[str] = (),
) -> frozenset[str]:  # fmt: skip
    """The readers of a release, as names: `open`, `department:<name>`, `operator:<id>`
    (`authorization:<id>` when the operator is not known).

    >>> sorted(audience_of("shared", departments=["人社局"]))
    ['department:人社局']
    >>> audience_of("authorized", operator="ops", authorization="A-1")
    frozenset({'operator:ops'})
    """
    if supply_mode == "open":
        return frozenset({EVERYONE})
    if supply_mode == "authorized":
        if operator:
            return frozenset({f"operator:{operator}"})
        return frozenset({f"authorization:{authorization}"})
    return frozenset(f"department:{d}" for d in departments)


def overlaps(one: frozenset[str], other: frozenset[str]) -> bool:
    """Whether some reader holds both releases.

    >>> overlaps(frozenset({"open"}), frozenset({"operator:ops"}))
    True
    >>> overlaps(frozenset({"operator:a"}), frozenset({"operator:b"}))
    False
    """
    return EVERYONE in one or EVERYONE in other or bool(one & other)


def readers(audiences: Iterable[frozenset[str]]) -> list[str]:
    """Every named reader of some release, open first: the audiences `sluice risk` reports."""
    named = {a for audience in audiences for a in audience if a != EVERYONE}
    return [EVERYONE, *sorted(named)]


def sees(reader: str, audience: frozenset[str]) -> bool:
    """Whether `reader` can read a release with `audience` (everyone reads open releases)."""
    return EVERYONE in audience or reader in audience
