"""A small verification domain made in-process, for attacks on `sluice verify`: people with
resident IDs, names and months paid in two years; the index of keyed pseudonyms, its key, the
published manifest of an identity-and-months service, and the sample authorization (with the
quotas a test asks for). The truth stays with the test; an attacker sees only what
`verify_batch` gives back: an answers file or a refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from flows.clock import now
from flows.errors import RequestRefused
from flows.kinds import KINDS
from flows.kinds.verification import VerificationProduct, index_path, rules
from flows.services.verify import verify_batch
from flows.settings import Paths
from governance.authorization.store import AuthorizationStore
from sample_data import regions
from sample_data.dates import birth_dates
from sample_data.identifiers import resident_ids
from sample_data.pools import build_pools
from tests.e2e.conftest import AUTHORIZATION, TODAY, place_key
from transforms.verification import verification_index

OPERATOR = "zj_data_ops"
PRODUCT = "identity_check"
KEY = "44" * 32
YEARS = (2024, 2025)
THRESHOLDS = [3, 6, 12]
DAY = dt.date.fromisoformat(TODAY)


@dataclass
class Outcome:
    """What the attacker gets back from one batch: the answers and their counts, or a refusal."""

    answers: pl.DataFrame | None
    refusal: str | None = None
    counts: dict[str, Any] | None = None


@contextmanager
def on(day: dt.date) -> Iterator[None]:
    """The domain's clock set to `day` (SLUICE_TODAY) while the block runs."""
    previous = os.environ.get("SLUICE_TODAY")
    os.environ["SLUICE_TODAY"] = day.isoformat()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SLUICE_TODAY", None)
        else:
            os.environ["SLUICE_TODAY"] = previous


@dataclass
class Domain:
    root: Path
    paths: Paths
    people: pl.DataFrame
    """The truth: sfzh, xm, and months paid (jfys) in each year (jfnd); one row a year."""

    def verify(
        self, claims: pl.DataFrame, *, day: dt.date = DAY, operator: str = OPERATOR
    ) -> Outcome:
        """Submit `claims` as `operator` on `day`; the answers, or the refusal's words."""
        batch = self.root / "claims.csv"
        out = self.root / "answers.csv"
        claims.write_csv(batch)
        out.unlink(missing_ok=True)
        try:
            with on(day):
                counts = verify_batch(PRODUCT, batch, operator, out, self.paths)
        except RequestRefused as refused:
            assert not out.exists()
            return Outcome(None, str(refused))
        return Outcome(pl.read_csv(out, infer_schema=False), counts=counts)


def spec(membership: str = "reveal", **enumeration: Any) -> dict[str, Any]:
    """The service's policy entry, as a data engineer would write it."""
    return {
        "id": PRODUCT,
        "kind": "verification",
        "title": "身份与参保核验",
        "supply_mode": "authorized",
        "authorization": "AUTH-2026-001",
        "scenario": "credit_review",
        "purpose": "industry",
        "identifier": {"column": "sfzh", "entity": "CN_RESIDENT_ID"},
        "claims": [
            {"id": "identity", "title": "身份证号与姓名一致", "match": {"xm": "name"}},
            {
                "id": "insured_months",
                "title": "该年度缴费月数不少于所报月数",
                "where": {"jfnd": "year"},
                "at_least": {"jfys": "months"},
                "thresholds": {"months": THRESHOLDS},
            },
        ],
        "membership": membership,
        "enumeration": enumeration,
    }


def people(n: int, seed: int) -> pl.DataFrame:
    """`n` people, each with months paid (0-12) in both years."""
    rng = np.random.default_rng(seed)
    male = rng.random(n) < 0.5
    birth = birth_dates(rng, DAY, np.arange(20, 60), np.ones(40), n)
    ids = resident_ids(rng, regions.sample_districts(rng, n), birth, male)
    names = build_pools(seed).names(rng, male)
    return pl.DataFrame(
        {
            "sfzh": np.repeat(ids.to_numpy(), len(YEARS)),
            "xm": np.repeat(names.to_numpy(), len(YEARS)),
            "jfnd": np.tile([str(y) for y in YEARS], n),
            "jfys": rng.integers(0, 13, n * len(YEARS)),
        }
    )


def outsiders(n: int, seed: int) -> list[str]:
    """Valid resident IDs of people who are not in the data (with overwhelming odds)."""
    rng = np.random.default_rng(seed + 1000)
    birth = birth_dates(rng, DAY, np.arange(20, 60), np.ones(40), n)
    male = rng.random(n) < 0.5
    return resident_ids(rng, regions.sample_districts(rng, n), birth, male).to_list()


def make_domain(
    root: Path,
    *,
    n: int = 300,
    seed: int = 7,
    membership: str = "reveal",
    quotas: dict[str, int] | None = None,
    **enumeration: Any,
) -> Domain:
    """A domain whose only product is the identity-and-months service, published and held
    under the sample authorization (with `quotas` when given)."""
    paths = Paths(root / "domain", root / "published")
    product = VerificationProduct.model_validate(spec(membership, **enumeration))
    truth = people(n, seed)
    place_key(paths.keys, product.key_id, KEY)
    fingerprint = hashlib.sha256(f"{PRODUCT}-{seed}-{n}".encode()).hexdigest()
    index = verification_index(
        truth.lazy(), identifier="sfzh", rules=rules(product), key=bytes.fromhex(KEY)
    )
    target = index_path(paths, PRODUCT, fingerprint)
    target.parent.mkdir(parents=True, exist_ok=True)
    index.collect().write_parquet(target)
    base = {"id", "kind", "title", "supply_mode", "purpose", "authorization"}
    manifest = {
        "product": PRODUCT, "kind": "verification", "title": product.title,
        "supply_mode": "authorized", "purpose": "industry", "authorization": "AUTH-2026-001",
        "resource": {"id": "social_insurance"}, "version": 1, "fingerprint": fingerprint,
        "parameters": product.model_dump(mode="json", exclude=base),
    }  # fmt: skip
    folder = paths.publish / PRODUCT / "v1"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    loaded = KINDS.load_authorization(AUTHORIZATION)
    auth = loaded.authorization
    if quotas is not None:
        auth = auth.model_copy(update={"quotas": auth.quotas.model_copy(update=quotas)})
    AuthorizationStore(paths.state).add(auth, loaded.sha256, str(AUTHORIZATION), now())
    return Domain(root, paths, truth)
