"""noise: add keyed random noise to numbers, drawn once per person, so a value no longer
matches what an outsider knows exactly, and repeated releases cannot average the noise away.
Not differential privacy: that needs bounded contributions and a budget (model products)."""

from __future__ import annotations

import math

import polars as pl

from transforms.operators.keyed_uniform import keyed_uniform


def noise(
    column: pl.Expr,
    *,
    source_type: str,
    by: str,
    key: bytes,
    scale: float,
    distribution: str = "laplace",
    purpose: str = "",
) -> pl.Expr:
    """value + noise: Laplace with scale b = `scale`, Gaussian with sigma = `scale`, or
    uniform on [-scale, scale]; integers are rounded back to integers.

    >>> df = pl.DataFrame({"who": ["a", "a", "b"], "x": [100.0, 100.0, 100.0]})
    >>> out = df.select(noise(pl.col("x"), source_type="float", by="who", key=b"k" * 32,
    ...                       scale=5.0))["x"].to_list()
    >>> out[0] == out[1], out[0] != 100.0
    (True, True)
    """
    if scale <= 0:
        raise ValueError("scale must be greater than 0")
    u = keyed_uniform(pl.col(by), key=key, purpose=f"noise|{purpose}")
    centred = u - 0.5
    if distribution == "laplace":
        draw = -scale * centred.sign() * (1 - 2 * centred.abs()).log()
    elif distribution == "gaussian":
        draw = scale * math.sqrt(2) * _erfinv(2 * u - 1)
    elif distribution == "uniform":
        draw = 2 * scale * centred
    else:
        raise ValueError(f"unknown noise distribution '{distribution}'")
    noisy = column.cast(pl.Float64) + draw
    return noisy.round(0).cast(pl.Int64) if source_type == "integer" else noisy


def _erfinv(x: pl.Expr) -> pl.Expr:
    """Inverse error function (Giles' single-precision approximation, |error| < 4e-7 in
    the body of the distribution), vectorised."""
    w = -((1 - x) * (1 + x)).log()
    small = w - 2.5
    big = w.sqrt() - 3.0
    p_small = _horner(
        small,
        (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
         -0.00125372503, -0.00417768164, 0.246640727, 1.50140941),
    )  # fmt: skip
    p_big = _horner(
        big,
        (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
         -0.0076224613, 0.00943887047, 1.00167406, 2.83297682),
    )  # fmt: skip
    return pl.when(w < 5.0).then(p_small).otherwise(p_big) * x


def _horner(t: pl.Expr, coefficients: tuple[float, ...]) -> pl.Expr:
    acc: pl.Expr = pl.lit(coefficients[0])
    for c in coefficients[1:]:
        acc = acc * t + c
    return acc
