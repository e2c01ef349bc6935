"""The claims file of a verification batch: UTF-8 CSV or Parquet, every column as text."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows.errors import BuildError
from flows.kinds.verification import VerificationProduct
from transforms.verification.answer import CLAIM, IDENTIFIER


def read_claims(path: Path, product: VerificationProduct) -> pl.DataFrame:
    """The claims file (CSV in UTF-8, or Parquet) with every column as text; a file that is
    missing, unreadable or lacks the columns claims need is an error naming what to fix."""
    if not path.is_file():
        raise BuildError(f"{path}: claims file not found")
    try:
        if path.suffix.lower() == ".parquet":
            frame = pl.read_parquet(path)
            frame = frame.with_columns(pl.all().cast(pl.String))
        else:
            raw = path.read_bytes()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw[: exc.start].count(b"\n") + 1
                raise BuildError(
                    f"{path}:{line}: claims files are UTF-8 CSV (or Parquet); this is not UTF-8"
                ) from None
            frame = pl.read_csv(raw, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        kind = "Parquet" if path.suffix.lower() == ".parquet" else "CSV (UTF-8)"
        first = str(exc).splitlines()[0][:200]
        raise BuildError(f"{path}: not a readable {kind} claims file ({first})") from None
    expected = ", ".join(
        f"{c.id} (identifier, {', '.join(c.fields())})" if c.fields() else f"{c.id} (identifier)"
        for c in product.claims
    )
    missing = [c for c in (CLAIM, IDENTIFIER) if c not in frame.columns]
    if missing:
        raise BuildError(
            f"{path}: column(s) {', '.join(missing)} missing; a claims file has a column "
            f"'claim' naming the claim type, 'identifier', and the fields of its type: {expected}"
        )
    if frame.height == 0:
        raise BuildError(f"{path}: no claims (only a header)")
    return frame
