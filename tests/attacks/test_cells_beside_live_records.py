"""A table that would tell published records apart is refused until they are rebuilt. The open
hotline tickets are published first, from a policy that declares no model; the department's
model of mean satisfaction per district, month and category is declared afterwards. Its build
is refused, naming the tickets' version to rebuild; a build of both rebuilds the tickets
first, judged with the model declared, and publishes the model after them. The attacker of
test_open_text_beside_shared_model then finds every ticket among at least 20 open rows."""

from __future__ import annotations

import polars as pl
import pytest

from tests.attacks.test_open_text_beside_shared_model import K, fewest_candidates
from tests.e2e.conftest import Workspace, make_workspace

POLICY = "policies/hotline_tickets.yaml"
MODEL = "hotline_by_district_month"
TICKETS = "hotline_tickets_open"


def _without_model(text: str) -> str:
    """The policy with the model's entry removed (it is the first product)."""
    start = text.index(f"  - id: {MODEL}")
    end = text.index(f"  - id: {TICKETS}")
    return text[:start] + text[end:]


@pytest.fixture(scope="module")
def tickets_first(tmp_path_factory) -> tuple[Workspace, str]:
    ws = make_workspace(tmp_path_factory, 1500, "--product", "enterprises_by_district")
    policy = ws.root / POLICY
    declared = policy.read_text()
    policy.write_text(_without_model(declared))
    first = ws.sluice("build", "policies", "--product", TICKETS)
    assert first.returncode == 0, first.stdout + first.stderr
    policy.write_text(declared)
    return ws, declared


def test_the_model_is_refused_while_the_tickets_would_be_told_apart(tickets_first):
    ws, _ = tickets_first
    model = ws.sluice("build", "policies", "--product", MODEL)
    said = " ".join((model.stdout + model.stderr).split())
    assert model.returncode != 0
    assert f"{TICKETS} v1" in said and "rebuild those releases first" in said
    assert not (ws.published / MODEL).exists()


def test_rebuilt_tickets_let_the_model_out_and_hide_every_ticket_among_k(tickets_first):
    ws, _ = tickets_first
    # one build: the records are rebuilt first, judged with the model declared, then the model
    both = ws.sluice("build", "policies", "--product", MODEL, "--product", TICKETS)
    assert both.returncode == 0, both.stdout + both.stderr
    open_rows = pl.read_parquet(ws.published / TICKETS / "v2" / "data.parquet")
    cells = pl.read_parquet(ws.published / MODEL / "v1" / "data.parquet")
    assert fewest_candidates(open_rows, cells) >= K
