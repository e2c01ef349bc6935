"""The in-process runner and what the build flow shares with it: retries of I/O steps, the
groups of products that may build side by side, the report per product, and how a build
decides whether a Prefect server follows it."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.errors import BuildError
from flows.pipeline.build import concurrency, independent
from flows.pipeline.report import product_report
from flows.pipeline.results import ProductOutcome, Status
from flows.pipeline.retries import RetryPolicy
from flows.pipeline.runner import Direct, Step
from flows.pipeline.runtime import api_configured


class Flaky:
    """Fails with `error` the first `failures` calls, then answers."""

    def __init__(self, failures: int, error: OSError):
        self.calls, self.failures, self.error = 0, failures, error

    def __call__(self, value: int) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return value * 2


NO_WAIT = RetryPolicy(retries=2, delay=0)


def test_an_io_step_is_tried_again_after_a_transient_error():
    flaky = Flaky(2, OSError(errno.EIO, "input/output error"))
    assert Direct(NO_WAIT).run(Step("ingest", flaky, io=True), "ingest r", 21) == 42
    assert flaky.calls == 3


def test_retries_run_out():
    flaky = Flaky(3, TimeoutError("share did not answer"))
    with pytest.raises(TimeoutError):
        Direct(NO_WAIT).run(Step("ingest", flaky, io=True), "ingest r", 1)
    assert flaky.calls == 3


@pytest.mark.parametrize("error", [FileNotFoundError(2, "gone"), PermissionError(13, "denied")])
def test_a_permanent_error_is_not_retried(error):
    flaky = Flaky(1, error)
    with pytest.raises(type(error)):
        Direct(NO_WAIT).run(Step("ingest", flaky, io=True), "ingest r", 1)
    assert flaky.calls == 1


def test_a_step_that_is_not_io_is_not_retried():
    flaky = Flaky(1, OSError(errno.EIO, "input/output error"))
    with pytest.raises(OSError):
        Direct(NO_WAIT).run(Step("build", flaky), "build p", 1)
    assert flaky.calls == 1


def test_retry_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SLUICE_RETRIES", "4")
    monkeypatch.setenv("SLUICE_RETRY_DELAY", "0.5")
    assert RetryPolicy.from_env().delays() == [0.5, 1.0, 2.0, 4.0]
    monkeypatch.setenv("SLUICE_RETRIES", "many")
    with pytest.raises(BuildError, match="SLUICE_RETRIES"):
        RetryPolicy.from_env()


@dataclass(frozen=True)
class Drawn:
    resources: tuple[str, ...]


@dataclass(frozen=True)
class Product:
    id: str
    declared: Drawn


def product(pid: str, *resources: str) -> Product:
    return Product(pid, Drawn(resources))


def test_products_sharing_a_resource_build_in_one_group_in_declaration_order():
    a1, b1, a2 = product("a1", "a"), product("b1", "b"), product("a2", "a")
    c1 = product("c1", "c")
    groups = independent([a1, b1, a2, c1])  # type: ignore[arg-type]
    assert [[p.id for p in g] for g in groups] == [["a1", "a2"], ["b1"], ["c1"]]


def test_a_product_drawing_on_several_resources_joins_their_groups():
    a1, b1, c1 = product("a1", "a"), product("b1", "b"), product("c1", "c")
    index = product("index", "a", "b")
    groups = independent([a1, b1, c1, index])  # type: ignore[arg-type]
    assert [[p.id for p in g] for g in groups] == [["a1", "b1", "index"], ["c1"]]


def test_concurrency_is_checked(monkeypatch):
    monkeypatch.setenv("SLUICE_CONCURRENCY", "3")
    assert concurrency() == 3
    monkeypatch.setenv("SLUICE_CONCURRENCY", "0")
    with pytest.raises(BuildError, match="SLUICE_CONCURRENCY"):
        concurrency()


def test_the_report_of_a_refused_product_says_why_and_has_a_valid_key():
    refused = ProductOutcome(
        "insured_by_City", "model", Status.REFUSED, ("social_insurance",),
        message="min_group_size: 3 cells below 5", clause="art-12",
    )  # fmt: skip
    key, markdown, description = product_report(refused)
    assert key == "product-insured-by-city"
    assert "## Refused (clause art-12)" in markdown and "> min_group_size" in markdown
    assert description == "insured_by_City: refused"


def test_the_report_of_a_published_product_counts_rows_and_suppression():
    published = ProductOutcome(
        "p", "model", Status.PUBLISHED, ("r",), version=3, rows=1060, suppressed=0.25,
        checks=("min_group_size", "linked_tables"),
    )  # fmt: skip
    _, markdown, description = product_report(published)
    assert "| rows | 1,060 |" in markdown and "| suppressed | 25.0% |" in markdown
    assert "- linked_tables" in markdown and description == "p: published v3"


def test_a_server_is_configured_by_environment_or_by_the_active_profile(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert not api_configured()
    Path(tmp_path / "profiles.toml").write_text(
        'active = "ops"\n[profiles.ops]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n'
    )
    assert api_configured()
    monkeypatch.setenv("PREFECT_API_URL", "")  # set but empty: no server, as before
    assert not api_configured()
