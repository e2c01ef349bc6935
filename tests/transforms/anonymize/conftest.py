"""Adult with ARX's hierarchies (bench/data/adult), loaded once per session."""

from __future__ import annotations

import polars as pl
import pytest

from tests.conftest import ADULT_DIR, ADULT_QIS
from transforms.anonymize.encode import Encoded, encode
from transforms.anonymize.hierarchy import Hierarchy, load_hierarchy

ADULT = ADULT_DIR
QIS = ADULT_QIS


@pytest.fixture(scope="session")
def adult() -> tuple[pl.DataFrame, dict[str, Hierarchy]]:
    frame = pl.read_csv(ADULT / "adult.csv", separator=";", infer_schema=False)
    hierarchies = {c: load_hierarchy(ADULT / f"adult_hierarchy_{c}.csv", c) for c in QIS}
    return frame, hierarchies


@pytest.fixture(scope="session")
def adult_encoded(adult) -> Encoded:
    frame, hierarchies = adult
    return encode(frame, hierarchies)
