"""Data models (数据模型): aggregated tables with small cells suppressed."""

from flows.kinds.model.kind import ModelKind, ModelTable
from flows.kinds.model.spec import AggregateSpec, Contribution, Dimension, Measure, ModelProduct

__all__ = [
    "AggregateSpec",
    "Contribution",
    "Dimension",
    "Measure",
    "ModelKind",
    "ModelProduct",
    "ModelTable",
]
