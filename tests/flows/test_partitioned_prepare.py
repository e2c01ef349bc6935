"""A CSV prepared in partitions on a Dask Client (two worker processes) gives what the local
engine gives: the same de-identified rows in the same order, the same quarantine (lines and
reasons) and the same counts, with values that span lines, literal and doubled quotes,
malformed rows and rows that fail their checks spread over the partitions."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from flows.kinds import KINDS
from flows.pipeline import prepare
from flows.pipeline.engines.choice import EngineChoice
from flows.pipeline.engines.cluster import Cluster
from flows.pipeline.engines.partitioned import prepare_partitioned
from flows.settings import Paths
from governance.state import State
from tests.conftest import POLICIES

HEADER = (
    "ticket_id,caller_name,caller_phone,district,category,content,created_at,closed_at,satisfaction"
)


def hotline_csv(rows: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = [HEADER]
    for i in range(rows):
        content = f"来电反映问题{i}"
        roll = rng.random()
        if roll < 0.05:
            content = f'"第一行{i}\n第二行, 含逗号"'
        elif roll < 0.08:
            content = f'说"好"的{i}'  # a literal quote inside an unquoted value
        elif roll < 0.1:
            content = f'"他说""可以""{i}"'
        district = "33010X" if roll > 0.996 else rng.choice(["330106", "330102", "330212"])
        phone = f"138{rng.randrange(10**8):08d}"
        line = f"T{i:06d},张{i},{phone},{district},投诉,{content},2025-03-0{1 + i % 9} 08:00:00,,"
        if 0.992 < roll <= 0.996:
            line += ",多余字段"
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def domain(tmp_path_factory) -> tuple[Paths, object]:
    root = tmp_path_factory.mktemp("partitioned")
    (root / "domain" / "raw").mkdir(parents=True)
    (root / "domain" / "raw" / "hotline_tickets.csv").write_text(hotline_csv(1600, 5), "utf-8")
    policy = (POLICIES / "hotline_tickets.yaml").read_text("utf-8")
    policy = policy.replace(
        "  update_frequency: daily\n", "  update_frequency: daily\n  max_rejected_share: 0.05\n"
    )
    (root / "hotline_tickets.yaml").write_text(policy, "utf-8")
    paths = Paths(root / "domain", root / "published")
    (loaded,) = KINDS.load_policies(root / "hotline_tickets.yaml")
    return paths, loaded


@pytest.fixture(scope="module")
def cluster():
    found = Cluster(EngineChoice("dask", None, workers=2, partitions=4))
    yield found
    found.close()


def test_partitions_on_a_client_give_what_the_local_engine_gives(domain, cluster):
    paths, loaded = domain
    load_key = prepare.key_loader(paths, State(paths.state))
    staged = prepare.ingest(loaded, paths)
    local = prepare.deidentify(loaded, staged, prepare.validate(loaded, staged), paths, load_key)
    assert local.quarantine_file is not None
    quarantine = pl.read_parquet(local.quarantine_file)
    rows = local.frame().collect()
    validated = local.validated.collect()

    parts = prepare_partitioned(loaded, paths, load_key, cluster)

    assert len(list(Path(parts.path).glob("part-*.parquet"))) == 4
    assert parts.frame().collect().equals(rows)
    assert parts.validated.collect().equals(validated)
    assert pl.read_parquet(parts.quarantine_file).equals(quarantine)
    assert (parts.rows, parts.quarantined, parts.inputs) == (
        local.rows, local.quarantined, local.inputs,
    )  # fmt: skip
    assert set(quarantine["stage"]) == {"parse", "validate"}
