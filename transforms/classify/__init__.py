"""Column classification and grading (分类分级) of a polars frame: header hints, column
statistics and detector evidence combined into a category, entity, PI class and a
GB/T 43697 grade per column, from a seeded sample; no I/O.
"""

from transforms.classify.classify import classify_frame
from transforms.classify.hints import Hint, match_hints, normalise_header
from transforms.classify.overrides import Override, apply_overrides
from transforms.classify.profiles import GRADES, PROFILES, Profile, grade_at_least
from transforms.classify.stats import ColumnStats, column_stats
from transforms.classify.values import embedded_shares, whole_value_shares

__all__ = [
    "GRADES",
    "PROFILES",
    "ColumnStats",
    "Hint",
    "Override",
    "Profile",
    "apply_overrides",
    "classify_frame",
    "column_stats",
    "embedded_shares",
    "grade_at_least",
    "match_hints",
    "normalise_header",
    "whole_value_shares",
]
