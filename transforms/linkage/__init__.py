"""Linkage across product kinds: attributes one release reveals about a person, treated as
known to the attacker when another release of the same resource is judged."""

from transforms.linkage.known import Knowledge, merge
from transforms.linkage.risk import linkage_threshold, linked_frame, linked_risk

__all__ = ["Knowledge", "linkage_threshold", "linked_frame", "linked_risk", "merge"]
