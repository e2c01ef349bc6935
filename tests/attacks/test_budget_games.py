"""Games with a privacy budget, played as an operator who wants more differentially private
releases than the budget allows would play them: on the real `sluice` command line, in a
subprocess, against a domain whose budget is spent. Each game is judged by reading what is
left on disk (state.duckdb and the published folder) directly, not through Sluice's code.

The resource's budget is epsilon 1.5; one release costs epsilon 1.0, so after the first one
another release cannot be paid for. Raising the figure in the policy, registering the raised
figure, renaming the product, cancelling and registering the resource again, registering the
same file under a new resource id, splitting the spend over two products, or changing the
registered budget without a reason: each is refused, and nothing new is published or spent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pytest

from tests.flows.test_private_build import POLICY

SLUICE = Path(sys.executable).parent / "sluice"


@dataclass
class Domain:
    """A throwaway domain with its policy, driven through the `sluice` console script."""

    root: Path

    @property
    def policy(self) -> Path:
        return self.root / "visits.yaml"

    @property
    def state(self) -> Path:
        return self.root / "domain" / "state.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published"

    def sluice(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "SLUICE_HOME": str(self.root / "domain"),
            "SLUICE_PUBLISH_DIR": str(self.published),
            "PREFECT_HOME": str(self.root / "prefect"),
            "PREFECT_API_URL": "",
            "SLUICE_ACTOR": "operator",
        }
        return subprocess.run(
            [str(SLUICE), *args], cwd=self.root, env=env, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip

    def edit(self, old: str, new: str) -> None:
        text = self.policy.read_text("utf-8")
        assert old in text
        self.policy.write_text(text.replace(old, new), "utf-8")

    # what is on disk, read without Sluice

    def spent(self) -> float:
        with duckdb.connect(str(self.state), read_only=True) as con:
            found = con.execute("SELECT coalesce(sum(epsilon), 0) FROM budget_spends").fetchone()
        return float(found[0]) if found else 0.0

    def registered_epsilon(self, resource: str = "visits") -> float | None:
        with duckdb.connect(str(self.state), read_only=True) as con:
            found = con.execute(
                "SELECT budget_epsilon FROM registrations WHERE resource_id = ?", [resource]
            ).fetchone()
        return found[0] if found else None

    def versions(self) -> set[str]:
        """Every published version, as product/vN."""
        return {
            f"{p.parent.name}/{p.name}"
            for p in self.published.glob("*/v*")
            if (p / "manifest.json").is_file()
        }


@pytest.fixture(scope="module")
def spent(tmp_path_factory) -> Domain:
    """A domain whose budget paid for one release: epsilon 1.0 of 1.5 spent."""
    root = tmp_path_factory.mktemp("budget")
    (root / "domain" / "raw").mkdir(parents=True)
    rng = np.random.default_rng(9)
    lines = ["patient,city,cost"]
    for _ in range(6000):
        city = rng.choice(["330100", "330200", "330300"], p=[0.6, 0.39, 0.01])
        lines.append(f"P{rng.integers(0, 2500)},{city},{rng.uniform(10, 900):.2f}")
    (root / "domain" / "raw" / "visits.csv").write_text("\n".join(lines) + "\n", "utf-8")
    domain = Domain(root)
    domain.policy.write_text(textwrap.dedent(POLICY), "utf-8")
    assert domain.sluice("register", str(domain.policy)).returncode == 0
    first = domain.sluice("build", str(domain.policy))
    assert first.returncode == 0, first.stdout + first.stderr
    assert domain.versions() == {"visits_dp/v1"} and domain.spent() == 1.0
    return domain


@pytest.fixture
def game(spent, tmp_path) -> Domain:
    """A copy of the spent domain to play one game on."""
    root = tmp_path / "game"
    shutil.copytree(spent.root, root, ignore=shutil.ignore_patterns("prefect"))
    return Domain(root)


def refused_and_nothing_new(game: Domain, result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode in (2, 3), result.stdout + result.stderr
    assert game.versions() == {"visits_dp/v1"}
    assert game.spent() == 1.0
    assert game.registered_epsilon() == 1.5


def test_raising_the_budget_in_the_policy_buys_nothing(game):
    game.edit("privacy_budget: {epsilon: 1.5,", "privacy_budget: {epsilon: 100,")
    game.edit("round: 1}", "round: 2}")  # a new release, not the one already out
    result = game.sluice("build", str(game.policy))
    refused_and_nothing_new(game, result)
    assert "registered budget is epsilon 1.5" in result.stdout + result.stderr


def test_registering_the_raised_policy_does_not_raise_the_budget(game):
    game.edit("privacy_budget: {epsilon: 1.5,", "privacy_budget: {epsilon: 100,")
    game.edit("round: 1}", "round: 2}")
    registered = game.sluice("register", str(game.policy))
    assert registered.returncode == 0 and "registering does not change it" in registered.stdout
    refused_and_nothing_new(game, game.sluice("build", str(game.policy)))


def test_a_renamed_product_draws_on_the_same_budget(game):
    game.edit("id: visits_dp", "id: visits_dp_again")
    result = game.sluice("build", str(game.policy))
    refused_and_nothing_new(game, result)
    assert "epsilon 0.5 and delta" in result.stdout + result.stderr


def test_cancelling_and_registering_again_forgets_nothing(game):
    assert game.sluice("registry", "cancel", "visits", "--reason", "start over").returncode == 0
    game.edit("privacy_budget: {epsilon: 1.5,", "privacy_budget: {epsilon: 100,")
    assert game.sluice("register", str(game.policy)).returncode == 0
    game.edit("privacy_budget: {epsilon: 100,", "privacy_budget: {epsilon: 1.5,")
    game.edit("round: 1}", "round: 2}")
    refused_and_nothing_new(game, game.sluice("build", str(game.policy)))


def test_the_same_file_under_a_new_resource_id_is_not_registered(game):
    game.edit("  id: visits\n", "  id: visits_renamed\n")
    game.edit("id: visits_dp", "id: visits_renamed_dp")
    registered = game.sluice("register", str(game.policy))
    assert registered.returncode == 2 and "start a fresh budget" in registered.stderr
    assert game.registered_epsilon("visits_renamed") is None
    refused_and_nothing_new(game, game.sluice("build", str(game.policy)))


def test_two_products_cannot_split_one_spend(game):
    second = POLICY.split("products:\n")[1].replace("visits_dp", "visits_dp_half")
    game.policy.write_text(
        textwrap.dedent(POLICY + second.replace("epsilon: 1.0,", "epsilon: 0.4,")), "utf-8"
    )
    game.edit("round: 1}", "round: 2}")
    result = game.sluice("build", str(game.policy))
    assert result.returncode == 3
    assert "Traceback" not in result.stdout + result.stderr  # a refusal is an outcome
    assert game.versions() == {"visits_dp/v1", "visits_dp_half/v1"}  # 0.4 fitted, 1.0 did not
    assert game.spent() == pytest.approx(1.4)


def test_a_budget_change_needs_a_reason_and_never_forgets_a_spend(game):
    silent = game.sluice("registry", "budget", "visits", "--epsilon", "100", "--reason", " ")
    assert silent.returncode == 2 and game.registered_epsilon() == 1.5
    lowered = game.sluice("registry", "budget", "visits", "--epsilon", "0.5", "--reason", "cut")
    assert lowered.returncode == 0 and "left epsilon 0," in lowered.stdout
    back = game.sluice("registry", "budget", "visits", "--epsilon", "1.5", "--reason", "undo")
    assert back.returncode == 0 and "left epsilon 0.5," in back.stdout  # not a fresh 1.5
    game.edit("round: 1}", "round: 2}")
    refused_and_nothing_new(game, game.sluice("build", str(game.policy)))
    with duckdb.connect(str(game.state), read_only=True) as con:
        reasons = con.execute(
            "SELECT detail FROM audit_log WHERE action = 'budget_change' ORDER BY seq"
        ).fetchall()
        history = con.execute(
            "SELECT reason FROM registration_events WHERE reason IS NOT NULL ORDER BY seq"
        ).fetchall()
    assert [r[0] for r in reasons] == ["fixed at registration", "cut", "undo"]
    assert [r[0] for r in history] == ["cut", "undo"]
