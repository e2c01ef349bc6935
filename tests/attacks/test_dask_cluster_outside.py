"""Attack: the operator of a Dask cluster outside the domain records every byte the domain
sends it (functions and arguments, as they go over the network) and looks there for the
people in the raw file and for the pseudonymisation key. A build on such a cluster prepares
the partitions in the domain process; only de-identified columns of passing rows go out, for
a model's partial aggregates and a microdata product's class counts."""

from __future__ import annotations

import csv
import io
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import cloudpickle
import pytest

from flows.kinds import KINDS, Job
from flows.kinds.microdata.kind import class_counter
from flows.kinds.model.partial import model_plan
from flows.pipeline import prepare
from flows.pipeline.engines.choice import EngineChoice
from flows.pipeline.engines.partitioned import prepare_partitioned
from flows.settings import Paths
from governance.state import State
from sample_data.generate import generate
from tests.conftest import POLICIES

DIRECT = ("sfzh", "xm", "lxdh")  # resident id, name, mobile


class RecordingCluster:
    """The cluster's operator: keeps what arrives, then computes it as asked."""

    def __init__(self) -> None:
        self.choice = EngineChoice("dask", "tcp://cluster.example:8786", partitions=3,
                                   inside_domain=False)  # fmt: skip
        self.inside_domain = False
        self.received: list[bytes] = []

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any], name: str) -> list[Any]:
        sent = [cloudpickle.dumps(fn)] + [cloudpickle.dumps(i) for i in items]
        self.received.extend(sent)
        work = pickle.loads(sent[0])
        return [work(pickle.loads(b)) for b in sent[1:]]


@pytest.fixture(scope="module")
def attack(tmp_path_factory) -> tuple[RecordingCluster, list[str], bytes]:
    home = tmp_path_factory.mktemp("outside") / "domain"
    generate(home / "raw", rows=600)
    paths = Paths(home, home.parent / "published")
    (loaded,) = KINDS.load_policies(POLICIES / "social_insurance.yaml")
    load_key = prepare.key_loader(paths, State(paths.state))
    cluster = RecordingCluster()
    prepared = prepare_partitioned(loaded, paths, load_key, cluster)  # type: ignore[arg-type]
    spec = next(p for p in loaded.policy.products if p.id == "insured_by_city_age")
    job = Job(spec, None, {prepared.resource: prepared}, None)  # type: ignore[arg-type]
    model_plan(job).collect()
    spec = next(p for p in loaded.policy.products if p.id == "insured_microdata")
    job = Job(spec, None, {prepared.resource: prepared}, None)  # type: ignore[arg-type]
    counted = class_counter(job)
    assert counted is not None
    counted(spec.qi_columns(), spec.privacy.sensitive_columns())
    raw = (home / "raw" / "social_insurance.csv").read_bytes()
    text = raw.decode("utf-8") if raw.isascii() else raw.decode("gb18030")
    people = [v for row in csv.DictReader(io.StringIO(text)) for c in DIRECT if (v := row.get(c))]
    return cluster, people, load_key("default")


def test_the_cluster_got_work_to_do(attack):
    cluster, _, _ = attack
    assert len(cluster.received) >= 8  # twice a function and three partitions' rows


def test_no_raw_identifier_reaches_the_cluster(attack):
    cluster, people, _ = attack
    sent = b"".join(cluster.received)
    found = [
        v for v in set(people) if v.encode("utf-8") in sent or v.encode("gb18030") in sent
    ]  # fmt: skip
    assert len(people) > 1000 and not found, found[:5]


def test_the_key_does_not_reach_the_cluster(attack):
    cluster, _, key = attack
    sent = b"".join(cluster.received)
    assert key not in sent and key.hex().encode() not in sent
