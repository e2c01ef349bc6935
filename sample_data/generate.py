"""Entry point: write the four sample resources and their ground truth into one directory.

Every random choice comes from numpy generators derived from (seed, resource), and every date from
`reference_date`, so the same arguments give byte-identical files on any day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from sample_data import claims, enterprise, hospital, hotline, social_insurance, truth
from sample_data import defects as defects_mod
from sample_data.pools import build_pools

DEFAULT_SEED = 20240901
DEFAULT_REFERENCE_DATE = dt.date(2026, 6, 30)

# stream ids: each resource gets its own generator, so changing one does not shift the others
_STREAMS = {
    "enterprise_registry": 1,
    "social_insurance": 2,
    "hotline_tickets": 3,
    "hospital_visits": 4,
    "defects": 5,
    "claims": 6,
}


def _rng(seed: int, resource: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, _STREAMS[resource]]))


def generate(
    out_dir: Path,
    *,
    rows: int = 10_000,
    seed: int = DEFAULT_SEED,
    reference_date: dt.date = DEFAULT_REFERENCE_DATE,
    defects: bool = True,
) -> dict[str, dict]:
    """Write the sample resources; returns {resource_id: {path, format, encoding, rows}}.

    `rows` is the row count of each resource. With `defects`, social_insurance.csv contains
    max(3, rows // 2000) malformed rows (counted in `rows`), listed in _truth/defects.csv.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pools = build_pools(seed)
    result: dict[str, dict] = {}

    def record(resource: str, name: str, fmt: str, encoding: str | None) -> str:
        path = out_dir / name
        result[resource] = {"path": str(path), "format": fmt, "encoding": encoding, "rows": rows}
        return str(path)

    firms = enterprise.build(_rng(seed, "enterprise_registry"), pools, rows, reference_date)
    enterprise.write(
        firms, record("enterprise_registry", "enterprise_registry.csv", "csv", "utf-8")
    )

    si = social_insurance.build(_rng(seed, "social_insurance"), pools, rows, reference_date, firms)
    if defects:
        si, defect_truth = defects_mod.plant_social_insurance(_rng(seed, "defects"), si)
    else:
        defect_truth = defects_mod.empty_truth()
    social_insurance.write(
        social_insurance.to_lines(si),
        record("social_insurance", "social_insurance.csv", "csv", "gbk"),
    )
    _write_claims(out_dir, _rng(seed, "claims"), si, firms, defect_truth, rows, reference_date)
    del si, firms

    tickets, spans = hotline.build(_rng(seed, "hotline_tickets"), pools, rows, reference_date)
    hotline.write(tickets, record("hotline_tickets", "hotline_tickets.csv", "csv", "utf-8"))
    del tickets

    visits = hospital.build(_rng(seed, "hospital_visits"), rows, reference_date)
    hospital.write(visits, record("hospital_visits", "hospital_visits.parquet", "parquet", None))

    truth.write(out_dir / "_truth", spans, defect_truth)
    return result


def _write_claims(
    out_dir: Path,
    rng: np.random.Generator,
    si: pl.DataFrame,
    firms: pl.DataFrame,
    defect_truth: pl.DataFrame,
    rows: int,
    at: dt.date,
) -> None:
    """Sample verification batches in claims/, their expected answers in _truth/."""
    n = max(20, min(2000, rows // 5))
    bad = set(defect_truth["line"].to_list()) if defect_truth.height else set()
    batches = {
        "identity_verification": claims.identity_claims(rng, si, bad, n, at),
        "enterprise_verification": claims.enterprise_claims(rng, firms, n),
    }
    (out_dir / "claims").mkdir(exist_ok=True)
    (out_dir / "_truth").mkdir(exist_ok=True)
    for product, batch in batches.items():
        batch.drop("expected").write_csv(out_dir / "claims" / f"{product}.csv")
        batch.select("request_id", "expected").write_csv(
            out_dir / "_truth" / f"claims_{product}.csv"
        )
