"""Quality feedback (数据质量可反馈) and objections (数据异议可处置): what was reported or
claimed, the products it touched, how it was resolved, and the corrections it led to."""

from governance.objections.deadlines import working_days_after
from governance.objections.feedback import FeedbackFiling, FeedbackStore, load_feedback
from governance.objections.store import Correction, Objection, ObjectionStore

__all__ = [
    "Correction",
    "FeedbackFiling",
    "FeedbackStore",
    "Objection",
    "ObjectionStore",
    "load_feedback",
    "working_days_after",
]
