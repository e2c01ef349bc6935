"""Microdata (匿名化数据集): anonymised records."""

from flows.kinds.microdata.hierarchy import HierarchySpec, QuasiIdentifierSpec
from flows.kinds.microdata.kind import MicrodataKind, quasi_identifiers
from flows.kinds.microdata.privacy import ClosenessSpec, DiversitySpec, PrivacySpec
from flows.kinds.microdata.spec import MicrodataProduct

__all__ = [
    "ClosenessSpec",
    "DiversitySpec",
    "HierarchySpec",
    "MicrodataKind",
    "MicrodataProduct",
    "PrivacySpec",
    "QuasiIdentifierSpec",
    "quasi_identifiers",
]
