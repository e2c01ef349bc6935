"""How much an operator can learn about one person per window, at most, given the enumeration
limits: the figure the manifest and `sluice plan` state.

For a claim type, each selection of records (one value per `where` field, at most V values
each: S = V ** where-fields selections) is answered for at most V values of each `match` field
and T thresholds of each `at_least` field (T = the threshold limit, at most the declared
thresholds and V). Every answer is a function of which candidate a matched value is (or none:
V + 1 outcomes) and which band between the tried thresholds a number falls in (T + 1), so one
selection tells at most log2 of the product of those outcomes (at least one bit, match or not).
A claim answers one bit at most, so a claim type tells at most min(S * log2(outcomes),
S * V ** match-fields * T ** at_least-fields) bits. Answering not_found apart from no_match adds
one bit, membership. This assumes one value per column in each selection; claim types sharing
a field are counted apart, which only overstates."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from transforms.verification.index import ClaimRule

FORMULA = (
    "sum over claim types of min(S * log2(max(2, (V + 1) ** m * prod(T_f + 1))), "
    "S * V ** m * prod(T_f)), S = V ** w; w, m = the type's where and match fields, f its "
    "at_least fields, V = max_values_per_identifier, T_f = min(max_thresholds_per_identifier, "
    "declared thresholds of f, V); plus 1 when not_found is answered (membership)"
)


@dataclass(frozen=True)
class ClaimBits:
    """One claim type's share of the bound."""

    claim: str
    selections: int
    outcomes: int
    claims: int
    hides_membership: bool
    """Under membership: hide, a claim of this type cannot tell a member from anyone else
    unless the claimed value is right; a type with no `match` part can (a low minimum)."""

    @property
    def bits(self) -> float:
        return min(self.selections * math.log2(self.outcomes), float(self.claims))


@dataclass(frozen=True)
class Bits:
    """The bound for a product: per claim type, plus one bit when membership is revealed."""

    claims: tuple[ClaimBits, ...]
    membership: int

    @property
    def total(self) -> float:
        return sum(c.bits for c in self.claims) + self.membership

    def render(self) -> str:
        """The bound with its breakdown, as the plan line and the manifest put it.

        >>> rule = ClaimRule("m", where={"y": "year"}, at_least={"n": "months"})
        >>> bits_per_window([rule], {"m": {"months": 3}}, max_values=3, max_thresholds=2,
        ...                 membership=True).render()
        'at most 5.75 bits about one person per window (m 3 x log2 3 = 4.75, membership 1)'
        """
        parts = [
            f"{c.claim} {_factor(c.selections)}log2 {c.outcomes} = {c.bits:.2f}"
            if c.bits < c.claims
            else f"{c.claim} {c.claims} claims = {c.bits:.2f}"
            for c in self.claims
        ]
        if self.membership:
            parts.append("membership 1")
        return f"at most {self.total:.2f} bits about one person per window ({', '.join(parts)})"


def bits_per_window(
    rules: Sequence[ClaimRule],
    thresholds: Mapping[str, Mapping[str, int]],
    *,
    max_values: int,
    max_thresholds: int,
    membership: bool,
) -> Bits:
    """The bound for claim types `rules` whose minimums have `thresholds` declared values (by
    claim type and field), under the per-identifier limits; `membership` when not_found is
    answered apart from no_match."""
    found = []
    for rule in rules:
        declared = thresholds.get(rule.id, {})
        tried = [
            min(max_thresholds, max_values, declared.get(f, 1)) for f in rule.at_least.values()
        ]
        selections = max_values ** len(rule.where)
        outcomes = max(2, (max_values + 1) ** len(rule.match) * math.prod(t + 1 for t in tried))
        claims = selections * max_values ** len(rule.match) * math.prod(tried)
        found.append(ClaimBits(rule.id, selections, outcomes, claims, bool(rule.match)))
    return Bits(tuple(found), 1 if membership else 0)


def _factor(n: int) -> str:
    return "" if n == 1 else f"{n} x "
