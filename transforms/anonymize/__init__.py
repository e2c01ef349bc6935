"""Optimal full-domain generalisation (k-anonymity with record suppression), matching ARX."""

from transforms.anonymize.apply import apply_node, generalize_frame
from transforms.anonymize.encode import Encoded, encode
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy, load_hierarchy, missing_values
from transforms.anonymize.metrics import Discernibility, Loss, Metric
from transforms.anonymize.models import KAnonymity, PrivacyModel, max_suppressed
from transforms.anonymize.search import SearchResult, anonymize_search, optimal_node

__all__ = [
    "AnonymizationError",
    "Discernibility",
    "Encoded",
    "Hierarchy",
    "KAnonymity",
    "Loss",
    "Metric",
    "PrivacyModel",
    "SearchResult",
    "anonymize_search",
    "apply_node",
    "encode",
    "generalize_frame",
    "load_hierarchy",
    "max_suppressed",
    "missing_values",
    "optimal_node",
]
