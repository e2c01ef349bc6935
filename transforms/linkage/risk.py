"""Re-identification risk of a record-level release when the attacker also knows attributes
from the resource's other releases: the records are grouped by the published
quasi-identifiers and by what the attacker can tell of each known column, and the usual
prosecutor risk is measured on those classes (transforms/anonymize/risk.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from transforms.anonymize.models import PrivacyModel, class_floor
from transforms.anonymize.risk import DEFAULT_THRESHOLD, RiskProfile, risk_profile
from transforms.linkage.known import Knowledge

PREFIX = "__known_"


def linked_frame(
    frame: pl.DataFrame, known: Mapping[str, Knowledge]
) -> tuple[pl.DataFrame, list[str]]:
    """The attacker's view of each known column of `frame` beside it, and the view columns'
    names (known columns the release does not publish are left out: nothing to link on).

    >>> f = pl.DataFrame({"sex": ["F", "F"], "months": [2, 7]})
    >>> view, names = linked_frame(f, {"months": Knowledge("months", "cuts", cuts=(3, 6))})
    >>> view[names[0]].to_list()
    ['< 3', '>= 6']
    """
    present = [k for c, k in known.items() if c in frame.columns]
    views = [k.view(frame[k.column]).alias(PREFIX + k.column) for k in present]
    return frame.with_columns(views), [PREFIX + k.column for k in present]


def linked_risk(
    frame: pl.DataFrame,
    qis: Sequence[str],
    known: Mapping[str, Knowledge],
    *,
    threshold: float,
) -> RiskProfile:
    """Prosecutor risk of `frame` to an attacker who knows its quasi-identifiers and `known`.

    >>> f = pl.DataFrame({"sex": ["F"] * 4, "months": [1, 2, 7, 8]})
    >>> linked_risk(f, ["sex"], {}, threshold=0.5).prosecutor_max_risk
    0.25
    >>> months = Knowledge("months", "cuts", cuts=(6,))
    >>> linked_risk(f, ["sex"], {"months": months}, threshold=0.5).prosecutor_max_risk
    0.5
    """
    extra = {c: k for c, k in known.items() if c not in qis}
    view, names = linked_frame(frame, extra)
    return risk_profile(view, [*qis, *names], threshold=threshold)


def linkage_threshold(models: Sequence[PrivacyModel]) -> float:
    """The highest risk a record may carry once the attacker links on what they know: what
    the release promises alone, 1/k for its size models (an environment's k included).

    >>> from transforms.anonymize import KAnonymity
    >>> linkage_threshold([KAnonymity(20)]), linkage_threshold([])
    (0.05, 0.2)
    """
    floor = class_floor(models)
    return 1.0 / floor.k if floor is not None else DEFAULT_THRESHOLD
