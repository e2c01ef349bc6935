"""Record-level anonymisation: optimal full-domain generalisation under k-anonymity,
l-diversity and t-closeness with record suppression, matching ARX's optimum."""

from transforms.anonymize.anonymised import Anonymised, anonymize_frame, publish_node
from transforms.anonymize.apply import apply_node, generalize_frame
from transforms.anonymize.closeness import TCloseness
from transforms.anonymize.criteria import diversity_model, environment_model, privacy_models
from transforms.anonymize.diversity import (
    DistinctLDiversity,
    EntropyLDiversity,
    RecursiveCLDiversity,
)
from transforms.anonymize.encode import Encoded, encode
from transforms.anonymize.environment import ReleaseEnvironment
from transforms.anonymize.errors import AnonymizationError
from transforms.anonymize.hierarchy import Hierarchy, load_hierarchy, missing_values
from transforms.anonymize.local import LocalRecoding, recode_locally
from transforms.anonymize.metrics import (
    AverageClassSize,
    Discernibility,
    Loss,
    Metric,
    NonUniformEntropy,
)
from transforms.anonymize.models import KAnonymity, PrivacyModel, max_suppressed
from transforms.anonymize.search import SearchResult, anonymize_search, optimal_node

METRICS = {
    "dm": Discernibility,
    "loss": Loss,
    "entropy": NonUniformEntropy,
    "aecs": AverageClassSize,
}
"""Utility metrics by the names the CLI and policies use."""

__all__ = [
    "METRICS",
    "Anonymised",
    "AnonymizationError",
    "AverageClassSize",
    "Discernibility",
    "DistinctLDiversity",
    "Encoded",
    "EntropyLDiversity",
    "Hierarchy",
    "KAnonymity",
    "LocalRecoding",
    "Loss",
    "Metric",
    "NonUniformEntropy",
    "PrivacyModel",
    "RecursiveCLDiversity",
    "ReleaseEnvironment",
    "SearchResult",
    "TCloseness",
    "anonymize_frame",
    "anonymize_search",
    "apply_node",
    "diversity_model",
    "encode",
    "environment_model",
    "generalize_frame",
    "load_hierarchy",
    "max_suppressed",
    "missing_values",
    "optimal_node",
    "privacy_models",
    "publish_node",
    "recode_locally",
]
