"""An operator gaming its bill: splitting its batches small or across days, hoping refused
batches go unbilled or billed ones go unseen, and counting on a price change or an edited
manifest to re-price what it already received. The attacker keeps its own arithmetic (claims it
got answered times the price it was quoted) and holds the domain's statement against it."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from flows.clock import now
from governance.authorization.models import PriceCap
from governance.authorization.store import AuthorizationStore
from governance.pricing.statement import statement
from tests.attacks.verification_domain import DAY, OPERATOR, PRODUCT, Domain, make_domain

PRICE = 0.3
CAP = 0.5
Q3, Q4 = "2026-Q3", "2026-Q4"


def priced(domain: Domain, amount: float = PRICE, version: int = 1) -> None:
    """Publish the service at `amount` per claim as `version` (a rebuild at a new price)."""
    first = domain.paths.publish / PRODUCT / "v1" / "manifest.json"
    manifest = json.loads(first.read_text("utf-8"))
    manifest["parameters"]["price"] = {"amount": amount, "unit": "per_call"}
    manifest["version"] = version
    folder = first.parent.parent / f"v{version}"
    folder.mkdir(exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def capped(domain: Domain, cap: float = CAP, unit: str = "per_call") -> None:
    """The authorization amended to cap the service at `cap` per `unit`."""
    store = AuthorizationStore(domain.paths.state)
    (held,) = store.all()
    caps = [c for c in held.authorization.price_caps if c.product != PRODUCT]
    amended = held.authorization.model_copy(
        update={"price_caps": [*caps, PriceCap(product=PRODUCT, cap=cap, unit=unit)]}
    )
    store.add(amended, held.sha256, held.source, now())


@pytest.fixture
def domain(tmp_path) -> Domain:
    made = make_domain(tmp_path, n=300, quotas={"claims_per_day": 150})
    priced(made)
    capped(made)
    return made


def identity(domain: Domain, first: int, n: int) -> pl.DataFrame:
    people = domain.people.unique("sfzh", keep="first", maintain_order=True).slice(first, n)
    return people.select(claim=pl.lit("identity"), identifier="sfzh", name="xm")


def billed(domain: Domain, period: str) -> float:
    (account,) = statement(domain.paths.state, OPERATOR, period).accounts
    return account.total


def test_small_batches_over_several_days_cost_what_one_batch_costs(domain: Domain) -> None:
    whole = domain.verify(identity(domain, 0, 100))
    assert whole.answers is not None and whole.answers.height == 100
    got = 0
    for i in range(10):  # the same number of claims, ten at a time, over two days of Q4
        day = dt.date(2026, 10, 1 + i % 2)
        part = domain.verify(identity(domain, 100 + 10 * i, 10), day=day)
        assert part.answers is not None
        got += part.answers.height
    assert got == 100
    assert billed(domain, Q3) == billed(domain, Q4) == round(100 * PRICE, 2)


def test_refused_batches_cost_nothing_and_a_price_over_the_cap_refuses(domain: Domain) -> None:
    over_quota = domain.verify(identity(domain, 0, 151))
    assert over_quota.answers is None and "clause 'quotas'" in over_quota.refusal
    capped(domain, cap=0.2)  # the cap lowered below the service's price
    above = domain.verify(identity(domain, 0, 10))
    assert above.answers is None and "above the cap 0.2" in above.refusal
    capped(domain, unit="per_period")  # the cap restated in another unit
    other_unit = domain.verify(identity(domain, 0, 10))
    assert other_unit.answers is None and "its cap is per_period" in other_unit.refusal
    capped(domain)
    person = identity(domain, 0, 1)
    guesses = pl.concat([person.with_columns(name=pl.lit(n)) for n in "甲乙丙丁戊己"])
    probe = domain.verify(guesses)  # six names for one resident ID: a sweep
    assert probe.answers is None
    assert billed(domain, Q3) == 0.0
    honest = domain.verify(identity(domain, 50, 20), day=DAY + dt.timedelta(days=40))
    assert honest.answers is not None and billed(domain, Q3) == round(20 * PRICE, 2)


def test_a_price_raised_later_does_not_reprice_the_past(domain: Domain) -> None:
    early = domain.verify(identity(domain, 0, 100))
    assert early.answers is not None
    before = billed(domain, Q3)
    priced(domain, amount=0.45, version=2)  # the price raised, within the cap, and republished
    later = domain.verify(identity(domain, 100, 100), day=DAY + dt.timedelta(days=40))
    assert later.answers is not None
    (account,) = statement(domain.paths.state, OPERATOR, Q3).accounts
    lines = {line.unit_price: line.metered for line in account.lines}
    assert lines == {PRICE: 100, 0.45: 100}
    assert account.total == round(100 * PRICE + 100 * 0.45, 2) == before + 45.0


@pytest.mark.parametrize("change", ["no cap", "public welfare"])
def test_every_batch_checks_its_price_against_the_authorization(
    domain: Domain, change: str
) -> None:
    if change == "no cap":  # the cap taken out of the authorization after publication
        store = AuthorizationStore(domain.paths.state)
        (held,) = store.all()
        caps = [c for c in held.authorization.price_caps if c.product != PRODUCT]
        store.add(held.authorization.model_copy(update={"price_caps": caps}), "x", "x", now())
        said = f"no price cap is set for product '{PRODUCT}'"
    else:  # a priced service published for a public-welfare scenario
        manifest = domain.paths.publish / PRODUCT / "v1" / "manifest.json"
        edited = json.loads(manifest.read_text("utf-8"))
        edited["purpose"] = "public_welfare"
        edited["parameters"]["scenario"] = "regional_assessment"
        manifest.write_text(json.dumps(edited, ensure_ascii=False), "utf-8")
        said = "public welfare, which is free"
    refused = domain.verify(identity(domain, 0, 10))
    assert refused.answers is None and said in refused.refusal
    assert billed(domain, Q3) == 0.0
