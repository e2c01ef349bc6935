"""Measure k, l and t of a finished table, independently of how it was anonymised.

The egress gate re-checks a release's guarantees with these functions, so they recompute
everything from the records and share no code with the search that produced them. Classes are
groups of records with equal quasi-identifier values; a null is a value like any other, in the
quasi-identifiers and in the sensitive column (except for ordered t-closeness, where a null has
no place in the order and is refused). An empty table is refused rather than given a value.
"""

from __future__ import annotations

import math

import polars as pl

from transforms.errors import TransformError


def _check(frame: pl.DataFrame, qis: list[str], sensitive: str | None = None) -> None:
    if frame.height == 0:
        raise TransformError("cannot measure the privacy of an empty table")
    wanted = [*qis, sensitive] if sensitive is not None else list(qis)
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise TransformError(f"the table lacks the columns {missing}")
    if sensitive is not None and sensitive in qis:
        raise TransformError(f"{sensitive!r} cannot be both quasi-identifier and sensitive")


def _keys(qis: list[str]) -> list[str]:
    return qis or ["_all"]


def _prepared(frame: pl.DataFrame, qis: list[str]) -> pl.DataFrame:
    return frame if qis else frame.with_columns(_all=pl.lit(0))


def _value_counts(frame: pl.DataFrame, qis: list[str], sensitive: str) -> pl.DataFrame:
    """One row per (class, sensitive value): its count `_c` and the class size `_f`."""
    keys = _keys(qis)
    return (
        _prepared(frame, qis)
        .group_by([*keys, sensitive])
        .agg(pl.len().cast(pl.Int64).alias("_c"))
        .with_columns(_f=pl.col("_c").sum().over(keys))
    )


def measure_k(frame: pl.DataFrame, qis: list[str]) -> int:
    """Size of the smallest class: the k of k-anonymity.

    >>> measure_k(pl.DataFrame({"a": [1, 1, 2, 2, 2]}), ["a"])
    2
    """
    _check(frame, qis)
    if not qis:
        return frame.height
    return int(frame.group_by(qis).len()["len"].min())  # type: ignore[arg-type]


def measure_distinct_l(frame: pl.DataFrame, qis: list[str], sensitive: str) -> int:
    """Fewest distinct sensitive values in a class: the l of distinct l-diversity.

    >>> f = pl.DataFrame({"a": [1, 1, 2, 2, 2], "s": ["x", "y", "x", "x", "x"]})
    >>> measure_distinct_l(f, ["a"], "s")
    1
    """
    _check(frame, qis, sensitive)
    counts = _value_counts(frame, qis, sensitive)
    return int(counts.group_by(_keys(qis)).len()["len"].min())  # type: ignore[arg-type]


def measure_entropy_l(frame: pl.DataFrame, qis: list[str], sensitive: str) -> float:
    """Smallest exp(entropy) of a class's sensitive values: the l of entropy l-diversity.

    A class with l equally frequent values scores exactly l; skew lowers the score, which is
    why it is stricter than distinct l-diversity.

    >>> f = pl.DataFrame({"a": [1, 1, 2, 2, 2, 2], "s": ["x", "y", "x", "y", "z", "z"]})
    >>> round(measure_entropy_l(f, ["a"], "s"), 6)
    2.0
    """
    _check(frame, qis, sensitive)
    q = pl.col("_c") / pl.col("_f")
    entropy = (
        _value_counts(frame, qis, sensitive)
        .group_by(_keys(qis))
        .agg((-(q * q.log())).sum().alias("_h"))
    )
    return math.exp(float(entropy["_h"].min()))  # type: ignore[arg-type]


def measure_recursive_cl(frame: pl.DataFrame, qis: list[str], sensitive: str, l: int) -> float:  # noqa: E741
    """Threshold c* of recursive (c,l)-diversity: it holds for every c > c*.

    Per Machanavajjhala et al., a class with value counts r_1 >= r_2 >= ... >= r_m is
    (c,l)-diverse when r_1 < c (r_l + ... + r_m); c* is the largest r_1 / (r_l + ... + r_m)
    over the classes, infinite when a class has fewer than l distinct values.

    >>> f = pl.DataFrame({"a": [1] * 5, "s": ["x", "x", "x", "y", "z"]})
    >>> measure_recursive_cl(f, ["a"], "s", 2)
    1.5
    """
    if l < 1:
        raise TransformError(f"l must be at least 1, got {l}")
    _check(frame, qis, sensitive)
    keys = _keys(qis)
    rank = pl.col("_c").rank("ordinal", descending=True).over(keys)
    per_class = (
        _value_counts(frame, qis, sensitive)
        .with_columns(_rank=rank)
        .group_by(keys)
        .agg(
            _r1=pl.col("_c").max(),
            _tail=pl.col("_c").filter(pl.col("_rank") >= l).sum(),
        )
    )
    if int(per_class["_tail"].min()) == 0:  # type: ignore[arg-type]
        return math.inf
    return float((per_class["_r1"] / per_class["_tail"]).max())  # type: ignore[arg-type]


def measure_t_closeness(
    frame: pl.DataFrame,
    qis: list[str],
    sensitive: str,
    *,
    ordered: bool,
    reference: pl.Series | None = None,
) -> float:
    """Largest Earth Mover's Distance between a class's sensitive distribution and the table's.

    ``reference`` is the column the classes are compared with, by default the table's own; a
    release with suppressed rows is compared with its input (as ARX does), so pass the input's
    column to check it. It must hold every value the table holds.

    Unordered (equal ground distance): EMD = half the L1 distance, sum |q_i - p_i| / 2.
    Ordered (Li et al., t-closeness): values sorted, distance |i - j| / (m - 1), so
    EMD = sum_i |Q_i - P_i| / (m - 1) with Q, P the cumulative distributions over the m
    values of the table. Values sort by their dtype's order; an Enum sorts in declared order.
    The ordered sum runs over the class's present values only (between two of them Q is
    constant), so memory grows with the rows of the class x value table, not classes x m.

    >>> f = pl.DataFrame({"a": [1, 1, 2, 2], "s": [1, 2, 3, 3]})
    >>> measure_t_closeness(f, ["a"], "s", ordered=False)
    0.5
    >>> round(measure_t_closeness(f, ["a"], "s", ordered=True), 6)
    0.375
    """
    _check(frame, qis, sensitive)
    base = frame.select(sensitive) if reference is None else reference.to_frame(sensitive)
    n = base.height
    keys = _keys(qis)
    p = (
        base.group_by(sensitive)
        .agg(pl.len().cast(pl.Int64).alias("_t"))
        .with_columns(_p=pl.col("_t") / n)
    )
    if reference is not None:
        unknown = (
            frame.select(sensitive).unique().join(p, on=sensitive, how="anti", nulls_equal=True)
        )
        if unknown.height:
            raise TransformError(f"{sensitive!r} holds values the reference column lacks")
    counts = _value_counts(frame, qis, sensitive).with_columns(_q=pl.col("_c") / pl.col("_f"))
    if not ordered:
        emd = (
            counts.join(p, on=sensitive, nulls_equal=True)
            .group_by(keys)
            .agg(_d=(pl.col("_q") - pl.col("_p")).abs().sum(), _ps=pl.col("_p").sum())
            .select(0.5 * (pl.col("_d") + 1.0 - pl.col("_ps")))
        )
        return max(float(emd.to_series().max()), 0.0)  # type: ignore[arg-type]
    if frame[sensitive].null_count() or base[sensitive].null_count():
        raise TransformError(f"ordered t-closeness needs {sensitive!r} without nulls")
    p = p.sort(sensitive).with_row_index("_j")
    m = p.height
    if m == 1:
        return 0.0
    cum_p = p["_p"].cum_sum()
    prefix = pl.concat([pl.Series([0.0]), cum_p.cum_sum()])  # prefix[i] = P_0 + ... + P_{i-1}
    runs = (
        counts.join(p.select(sensitive, "_j"), on=sensitive)
        .sort("_j")
        .with_columns(
            _a=pl.col("_j").cast(pl.Int64),
            _b=pl.col("_j").shift(-1).over(keys).fill_null(m).cast(pl.Int64),
            _cq=pl.col("_q").cum_sum().over(keys),
            _first=pl.col("_j").min().over(keys).cast(pl.Int64),
        )
    )
    # On the run of value indices [a, b) the class's cumulative share is the constant cq;
    # split the run where the table's cumulative share P crosses cq.
    a, b, cq = runs["_a"], runs["_b"], runs["_cq"]
    cross = cum_p.search_sorted(cq, side="right").cast(pl.Int64)
    t = pl.select(pl.min_horizontal(pl.max_horizontal(cross, a), b)).to_series()
    below = cq * (t - a).cast(pl.Float64) - (prefix.gather(t) - prefix.gather(a))
    above = (prefix.gather(b) - prefix.gather(t)) - cq * (b - t).cast(pl.Float64)
    leading = prefix.gather(runs["_first"])
    totals = (
        runs.select(*keys, _s=below + above, _lead=leading)
        .group_by(keys)
        .agg(_emd=pl.col("_s").sum() + pl.col("_lead").first())
    )
    return max(float(totals["_emd"].max()), 0.0) / (m - 1)  # type: ignore[arg-type]
