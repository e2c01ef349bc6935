"""Schedules of a served domain: a resource is built as often as it is updated, at 02:00 China
time, unless its policy's `schedule:` says otherwise; a bad cron names file, line and key."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.kinds import KINDS
from flows.pipeline.deployments import offered
from flows.services.schedules import by_frequency, most_frequent, timing
from flows.settings import Paths
from governance.errors import PolicyError, PolicyErrors
from tests.conftest import MINIMAL, POLICIES


@pytest.mark.parametrize(
    ("frequency", "cron"),
    [
        ("daily", "0 2 * * *"),
        ("weekly", "0 2 * * 1"),
        ("monthly", "0 2 1 * *"),
        ("quarterly", "0 2 1 1,4,7,10 *"),
        ("yearly", "0 2 1 1 *"),
    ],
)
def test_update_frequency_gives_a_cron_at_two_in_china(frequency, cron):
    found = by_frequency(frequency)
    assert (found.cron, found.interval, found.timezone) == (cron, None, "Asia/Shanghai")
    assert found.source == f"update_frequency: {frequency}"


def test_realtime_is_built_every_fifteen_minutes():
    found = by_frequency("realtime")
    assert (found.cron, found.interval) == (None, dt.timedelta(minutes=15))
    assert found.describe() == "every 15 minutes"


@pytest.mark.parametrize("frequency", ["irregular", "once"])
def test_irregular_and_once_run_on_demand_only(frequency):
    found = by_frequency(frequency)
    assert found.on_demand and found.describe() == "on demand"


def _policy(write_policy, schedule: str):
    text = MINIMAL.replace("columns:\n", f"{schedule}columns:\n", 1)
    return write_policy(text)


def test_a_policy_schedule_overrides_the_frequency(write_policy):
    path = _policy(write_policy, 'schedule: {cron: "30 3 * * *", timezone: Europe/Berlin}\n')
    found = timing(KINDS.load_policy(path).policy)
    assert (found.cron, found.timezone, found.source) == ("30 3 * * *", "Europe/Berlin", "schedule")


def test_the_override_defaults_to_china_time(write_policy):
    path = _policy(write_policy, 'schedule: {cron: "0 6 * * 1-5"}\n')
    assert timing(KINDS.load_policy(path).policy).timezone == "Asia/Shanghai"


def _errors(path) -> list[str]:
    with pytest.raises((PolicyErrors, PolicyError)) as info:
        KINDS.load_policy(path)
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, PolicyErrors) else [str(exc)]


@pytest.mark.parametrize(
    ("cron", "said"),
    [
        ("61 3 * * *", "is not a valid cron expression (Bad minute); write five fields: minute"),
        ("30 3 * *", "has 4 field(s); a cron expression has five"),
        ("H 3 * * *", "random (R) and hashed (H)"),
    ],
)
def test_a_bad_cron_names_file_line_key_and_the_fix(write_policy, cron, said):
    path = _policy(write_policy, f'schedule:\n  cron: "{cron}"\n')
    (message,) = _errors(path)
    assert message.startswith(f"{path}:11: schedule.cron:"), message
    assert said in message


def test_an_unknown_time_zone_is_refused(write_policy):
    path = _policy(write_policy, 'schedule: {cron: "0 2 * * *", timezone: Asia/Shanghia}\n')
    (message,) = _errors(path)
    assert "schedule.timezone" in message and "not an IANA time zone" in message
    assert "Asia/Shanghai" in message


def test_the_demo_offers_one_deployment_per_resource_and_one_per_index(tmp_path):
    paths = Paths(tmp_path / "domain", tmp_path / "published")
    found = {o.name: o for o in offered(POLICIES, paths)}
    resources = {lp.policy.resource.id for lp in KINDS.load_policies(POLICIES)}
    assert set(found) == resources | {"regional_vitality"}
    visits = found["hospital_visits"]
    assert visits.parameters == {"target": str(POLICIES / "hospital_visits.yaml"), "products": None}
    assert visits.timing.cron == "0 2 * * 1"
    assert "department:浙江省卫生健康委员会" in visits.tags
    assert "domain:社会保障" in found["social_insurance"].tags
    index = found["regional_vitality"]
    assert index.parameters == {"target": str(POLICIES), "products": ["regional_vitality"]}
    assert index.timing.cron == "0 2 * * *"  # daily resources beside a monthly one


def test_an_index_follows_its_most_frequently_updated_resource():
    policies = [lp.policy for lp in KINDS.load_policies(POLICIES)]
    monthly = [p for p in policies if p.resource.update_frequency == "monthly"]
    assert most_frequent(monthly).cron == "0 2 1 * *"
    assert most_frequent(policies).cron == "0 2 * * *"
