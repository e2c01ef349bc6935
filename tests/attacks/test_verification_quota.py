"""An operator who wants more than its quota: batches sent at the same moment from separate
processes, each of which alone fits the quota; and a batch whose process dies between answering
and committing. Together the batches never get more answered than the quota allows, and no
answers reach the operator from a batch that is not charged and audited."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import polars as pl

from flows.errors import RequestRefused
from flows.services import verify as service
from flows.services.verify import verify_batch
from governance.audit import AuditLog
from governance.probes import ProbeHistory
from governance.usage import UsageLedger
from tests.attacks.verification_domain import DAY, OPERATOR, PRODUCT, Domain, make_domain, on

BATCH = 100
QUOTA = 250
RACERS = 4


def batches(domain: Domain, n: int) -> list[Path]:
    """`n` batches of true identity claims about different people, each alone within quota."""
    people = domain.people.unique("sfzh", keep="first", maintain_order=True)
    paths = []
    for i in range(n):
        chunk = people.slice(i * BATCH, BATCH)
        path = domain.root / f"batch{i}.csv"
        chunk.select(claim=pl.lit("identity"), identifier="sfzh", name="xm").write_csv(path)
        paths.append(path)
    return paths


def race(paths_home: Path, publish: Path, batch: Path, out: Path, start) -> str:
    """One racer, in its own process: wait for the others, then send the batch."""
    from flows.settings import Paths

    os.environ["SLUICE_TODAY"] = DAY.isoformat()
    start.wait()
    try:
        verify_batch(PRODUCT, batch, OPERATOR, out, Paths(paths_home, publish))
    except RequestRefused as refused:
        return f"refused: {refused}"
    return "answered"


def test_batches_sent_together_never_pass_the_quota_together(tmp_path) -> None:
    domain = make_domain(tmp_path, n=RACERS * BATCH, quotas={"claims_per_day": QUOTA})
    sent = batches(domain, RACERS)
    outs = [tmp_path / f"answers{i}.csv" for i in range(RACERS)]
    context = multiprocessing.get_context("spawn")
    start = context.Manager().Barrier(RACERS)
    with context.Pool(RACERS) as pool:
        results = pool.starmap(
            race,
            [
                (domain.paths.home, domain.paths.publish, b, o, start)
                for b, o in zip(sent, outs, strict=True)
            ],
        )
    delivered = [o for o in outs if o.exists()]
    answered = sum(pl.read_csv(o).height for o in delivered)
    assert answered <= QUOTA and results.count("answered") == QUOTA // BATCH == len(delivered)
    assert all("clause 'quotas'" in r for r in results if r != "answered")
    assert UsageLedger(domain.paths.state).used(OPERATOR, DAY) == (answered, answered)
    log = AuditLog(domain.paths.state)
    assert len(log.records(action="verify")) == len(delivered) and log.verify().intact


def crash(home: Path, publish: Path, batch: Path, out: Path, where: str) -> None:
    """Send a batch in a process that is killed at `where`: before or after the commit."""
    from flows.settings import Paths

    os.environ["SLUICE_TODAY"] = DAY.isoformat()
    setattr(service, where, lambda *args, **kwargs: os._exit(9))  # killed right there
    verify_batch(PRODUCT, batch, OPERATOR, out, Paths(home, publish))


def killed(domain: Domain, batch: Path, out: Path, where: str) -> int | None:
    context = multiprocessing.get_context("spawn")
    process = context.Process(
        target=crash, args=(domain.paths.home, domain.paths.publish, batch, out, where)
    )
    process.start()
    process.join(120)
    return process.exitcode


def test_a_batch_killed_before_its_commit_delivers_nothing(tmp_path) -> None:
    domain = make_domain(tmp_path, n=2 * BATCH)
    first, second = batches(domain, 2)
    out = tmp_path / "answers.csv"
    assert killed(domain, first, out, "commit") == 9
    parts = domain.paths.work / "verify"
    assert len(list(parts.iterdir())) == 1  # answered inside the domain, never delivered
    assert not out.exists()
    assert UsageLedger(domain.paths.state).used(OPERATOR, DAY) == (0, 0)
    assert AuditLog(domain.paths.state).records(action="verify") == []
    history = ProbeHistory(domain.paths.state).window(OPERATOR, PRODUCT, DAY)
    assert history.batches == 0 and history.claims.num_rows == 0
    # the next batch clears the part away and is answered, charged and audited as usual
    with on(DAY):
        counts = verify_batch(PRODUCT, second, OPERATOR, out, domain.paths)
    assert counts["claims"] == BATCH and out.exists() and not list(parts.iterdir())
    assert UsageLedger(domain.paths.state).used(OPERATOR, DAY) == (BATCH, BATCH)
    assert AuditLog(domain.paths.state).verify().intact


def test_a_batch_killed_after_its_commit_is_charged_but_not_delivered(tmp_path) -> None:
    domain = make_domain(tmp_path, n=BATCH)
    (batch,) = batches(domain, 1)
    out = tmp_path / "answers.csv"
    assert killed(domain, batch, out, "deliver") == 9
    assert not out.exists()  # the acceptable direction: paid for, not received
    assert UsageLedger(domain.paths.state).used(OPERATOR, DAY) == (BATCH, BATCH)
    (audited,) = AuditLog(domain.paths.state).records(action="verify")
    assert audited.outputs[0]["path"] == str(out) and AuditLog(domain.paths.state).verify().intact
