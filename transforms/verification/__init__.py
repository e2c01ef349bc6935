"""Data verification (数据核验): claims answered from an index of keyed pseudonyms, so the answer
is usable and the data invisible."""

from transforms.verification.answer import answer_claims
from transforms.verification.index import ClaimRule, verification_index

__all__ = ["ClaimRule", "answer_claims", "verification_index"]
