"""A verification product in the core's terms: its claim rules, its enumeration limits and its
disclosure bound, which `sluice verify` enforces and the manifest and `sluice plan` state."""

from __future__ import annotations

from typing import Any

from flows.kinds.verification.spec import STATUSES, VerificationProduct
from transforms.verification import ClaimRule
from transforms.verification.bits import FORMULA, Bits, bits_per_window
from transforms.verification.limits import Limits


def rules(spec: VerificationProduct) -> list[ClaimRule]:
    """The product's claim types in the core's terms."""
    return [
        ClaimRule(c.id, dict(c.match), dict(c.where), dict(c.at_least), dict(c.require))
        for c in spec.claims
    ]


def limits(spec: VerificationProduct) -> Limits:
    """The policy's `enumeration` block."""
    e = spec.enumeration
    return Limits(
        window_days=e.window_days,
        max_values=e.max_values_per_identifier,
        max_thresholds=e.max_thresholds_per_identifier,
        max_invalid_share=e.max_invalid_share,
        max_probe_share=e.max_probe_share,
        min_claims=e.min_claims_for_share,
        max_claims_per_batch=e.max_claims_per_batch,
        max_batches=e.max_batches_per_window,
    )


def thresholds(spec: VerificationProduct) -> dict[str, dict[str, list[float]]]:
    """Each claim type's declared minimums, by claim field."""
    return {c.id: {f: list(v) for f, v in c.thresholds.items()} for c in spec.claims}


def answered(spec: VerificationProduct) -> tuple[str, ...]:
    """The answers an operator can get: not_found only when membership is revealed."""
    return tuple(s for s in STATUSES if spec.membership == "reveal" or s != "not_found")


def bits(spec: VerificationProduct) -> Bits:
    """At most how many bits about one person an operator can learn per window."""
    e = spec.enumeration
    declared = {c.id: {f: len(v) for f, v in c.thresholds.items()} for c in spec.claims}
    return bits_per_window(
        rules(spec), declared, max_values=e.max_values_per_identifier,
        max_thresholds=e.max_thresholds_per_identifier, membership=spec.membership == "reveal",
    )  # fmt: skip


def membership_note(spec: VerificationProduct) -> str:
    """Whether answers tell who is in the data, and through which claim types despite hide."""
    if spec.membership == "reveal":
        return "membership revealed (not_found answered)"
    open_ = [c.claim for c in bits(spec).claims if not c.hides_membership]
    if not open_:
        return "membership hidden (not_found answered no_match)"
    return (
        "membership hidden (not_found answered no_match) except through "
        f"{', '.join(open_)}, which has no match part: a low minimum is matched for anyone in "
        "the data"
    )


def disclosure(spec: VerificationProduct) -> dict[str, Any]:
    """The manifest's statement of the bound, with its breakdown and formula."""
    bound = bits(spec)
    return {
        "bits_per_window": round(bound.total, 2),
        "window_days": spec.enumeration.window_days,
        "statement": bound.render(),
        "claims": [
            {
                "claim": c.claim,
                "selections": c.selections,
                "outcomes": c.outcomes,
                "claims": c.claims,
                "bits": round(c.bits, 2),
            }
            for c in bound.claims
        ],
        "membership_bits": bound.membership,
        "membership": membership_note(spec),
        "formula": FORMULA,
    }
