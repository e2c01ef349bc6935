"""Evaluation indices (评价指数): indicators over several resources, combined."""

from flows.kinds.index.kind import IndexKind
from flows.kinds.index.spec import IndexProduct, Indicator, PeriodKey, RegionKey

__all__ = ["IndexKind", "IndexProduct", "Indicator", "PeriodKey", "RegionKey"]
