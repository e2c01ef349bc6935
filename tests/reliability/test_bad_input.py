"""No silent bad publication: every case of the bad input corpus (tests/reliability/corpus/)
gets its exit code and its message, no traceback, and nothing new in published/; the controls,
valid files near the bad ones, still publish.

The full run (`make test-reliability`) puts every case through the real CLI; the short run
(`make test`) a few, and the rest in-process up to the end of de-identification, without
Prefect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Workspace
from tests.reliability.bad_input import POLICY, base_domain, in_process, place, published
from tests.reliability.corpus.cases import CASES, CONTROLS, Case
from tests.reliability.trials import FULL

pytestmark = pytest.mark.reliability

THROUGH_CLI = [c for c in CASES if FULL or c.short]
IN_PROCESS = [c for c in CASES + CONTROLS if not FULL and not c.short]


def named(case: Case) -> str:
    return case.name


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Workspace:
    """The domain every case starts from; built once in the full run."""
    root = tmp_path_factory.mktemp("corpus") / "base"
    return base_domain(root, tmp_path_factory.mktemp("prefect"), build=FULL)


def test_the_corpus_is_large_and_distinct():
    names = [c.name for c in CASES + CONTROLS]
    assert len(CASES) >= 40 and len(set(names)) == len(names)
    assert {c.expect for c in CASES} == {2, 3}


@pytest.mark.parametrize("case", THROUGH_CLI, ids=named)
def test_bad_input_through_the_cli(case: Case, base: Workspace, tmp_path):
    ws = place(case, base, tmp_path / case.name)
    before = published(ws.root)
    done = ws.sluice("build", POLICY)
    assert done.returncode == case.expect, done.stdout + done.stderr
    assert case.fragment in done.stderr, done.stderr
    if case.expect == 3:  # the refusal is told once, with the products it refuses
        assert done.stderr.count(case.fragment) == 1, done.stderr
        assert "refused" in done.stdout and "| ERROR" not in done.stderr, done.stderr
    else:
        assert "error: " in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert published(ws.root) == before


@pytest.mark.skipif(not FULL, reason="the controls build through the CLI in the full run")
@pytest.mark.parametrize("case", CONTROLS, ids=named)
def test_controls_publish_through_the_cli(case: Case, base: Workspace, tmp_path):
    ws = place(case, base, tmp_path / case.name)
    done = ws.sluice("build", POLICY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "published" in done.stdout and (ws.root / "published" / "visits_by_age" / "v2").is_dir()


@pytest.mark.parametrize("case", IN_PROCESS, ids=named)
def test_bad_input_in_process(case: Case, base: Workspace, tmp_path):
    ws = place(case, base, tmp_path / case.name)
    code, message = in_process(ws.root)
    assert code == case.expect, message
    assert case.expect == 0 or case.fragment in message, message
    for kept in re.findall(r"quarantine: (\S+\.parquet)", message):
        assert Path(kept).is_file()
