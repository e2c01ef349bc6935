"""An operator who wants values, not verdicts: sweeping the months a person paid with "at least
m months" claims, in one batch and spread over many, and guessing a person's name from a list
of candidates a few at a time. The attacker works from the answers files and refusals alone;
the truth stays with the test, which counts what the attacker learned."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from tests.attacks.verification_domain import DAY, THRESHOLDS, Domain, make_domain

MONTHS = range(13)
"""What the attacker knows beforehand: a year has 0 to 12 months paid."""


def months_claims(people: list[str], year: str, minimums: list[int]) -> pl.DataFrame:
    rows = [(p, m) for p in people for m in minimums]
    return pl.DataFrame(
        {"claim": "insured_months", "identifier": [p for p, _ in rows], "year": year,
         "months": [str(m) for _, m in rows]}
    )  # fmt: skip


def narrowed(answers: pl.DataFrame, claims: pl.DataFrame) -> dict[str, set[int]]:
    """The attacker's own reading: each person's months consistent with every answer."""
    known: dict[str, set[int]] = {}
    for (person, minimum), status in zip(
        claims.select("identifier", "months").iter_rows(), answers["status"], strict=True
    ):
        m = int(minimum)
        keep = {v for v in MONTHS if (v >= m) == (status == "match")}
        known[person] = known.get(person, set(MONTHS)) & keep
    return known


def truth(domain: Domain, year: str) -> dict[str, int]:
    rows = domain.people.filter(pl.col("jfnd") == year).select("sfzh", "jfys").iter_rows()
    return dict(rows)


def targets(domain: Domain, n: int) -> list[str]:
    return domain.people["sfzh"].unique(maintain_order=True).head(n).to_list()


def test_a_threshold_sweep_in_one_batch_is_refused_whole(tmp_path) -> None:
    domain = make_domain(tmp_path, max_probe_share=1.0)  # the sweep rules hold on their own
    people = targets(domain, 40)
    sweep = domain.verify(months_claims(people, "2024", list(range(1, 13))))
    assert sweep.answers is None and sweep.refusal is not None  # 480 claims, nothing answered
    assert "outside the declared thresholds [3, 6, 12]" in sweep.refusal
    declared = domain.verify(months_claims(people, "2024", THRESHOLDS))
    assert declared.answers is None and "more than 2 different thresholds" in declared.refusal
    # the most the rules let through: two of the declared minimums per person
    claims = months_claims(people, "2024", [6, 12])
    allowed = domain.verify(claims)
    assert allowed.answers is not None
    known = narrowed(allowed.answers, claims)
    paid = truth(domain, "2024")
    assert all(paid[p] in known[p] for p in people)  # the attacker reads the answers right
    bands = {frozenset(k) for k in known.values()}
    assert len(bands) <= 3  # below 6, 6 to 11, 12: at most log2 3 bits a person
    exact = [p for p in people if len(known[p]) == 1]
    # only the top band is one value: exact months learned only of those who paid all 12
    assert exact == [p for p in people if paid[p] == 12]
    assert len(exact) < len(people) / 4  # where one batch used to give all 40 of 40


def test_a_sweep_spread_over_many_batches_stops_at_the_limits(tmp_path) -> None:
    domain = make_domain(tmp_path, max_probe_share=1.0)
    people = targets(domain, 12)
    known: dict[tuple[str, str], set[int]] = {}
    answered = refused = 0
    for step, (year, minimum) in enumerate(
        [(y, m) for y in ("2024", "2025", "2023", "2022") for m in THRESHOLDS]
    ):
        claims = months_claims(people, year, [minimum])
        got = domain.verify(claims, day=DAY + dt.timedelta(days=step))  # one a day, 12 days
        if got.answers is None:
            refused += 1
            continue
        answered += 1
        for person, band in narrowed(got.answers, claims).items():
            known[(person, year)] = known.get((person, year), set(MONTHS)) & band
    # two minimums a year, three years: the window lets six batches through
    assert answered == 6 and refused == 6
    assert {year for _, year in known} == {"2024", "2025", "2023"}
    for year in ("2024", "2025", "2023"):  # at most 3 bands a year: log2 3 bits each
        assert len({frozenset(b) for (_, y), b in known.items() if y == year}) <= 3
    # a new window, a new allowance: the limits are per window, as the manifest states
    later = domain.verify(months_claims(people, "2024", [12]), day=DAY + dt.timedelta(days=41))
    assert later.answers is not None


def test_name_guessing_in_small_batches_is_refused_before_success(tmp_path) -> None:
    domain = make_domain(tmp_path)
    rng = np.random.default_rng(5)
    names = domain.people["xm"].unique().sort().to_list()
    victims = domain.people.unique("sfzh", keep="first", maintain_order=True).head(5)
    learned, tried = {}, {}
    day = DAY
    for person, true_name in victims.select("sfzh", "xm").iter_rows():
        wrong = [n for n in names if n != true_name]
        candidates = list(rng.choice(wrong, 29, replace=False))
        candidates.insert(int(rng.integers(3, 30)), true_name)  # the attacker cannot know where
        for start in range(0, 30, 3):
            guesses = candidates[start : start + 3]
            batch = pl.DataFrame({"claim": "identity", "identifier": person, "name": guesses})
            got = domain.verify(batch, day=day)
            day += dt.timedelta(days=1)
            if got.answers is None:
                break
            tried[person] = tried.get(person, 0) + len(guesses)
            hits = [g for g, s in zip(guesses, got.answers["status"], strict=True) if s == "match"]
            if hits:
                learned[person] = hits[0]
                break
    assert learned == {}  # 0 of 5, where 32 small batches used to find all 5
    assert all(n <= 3 for n in tried.values())  # never more than 3 names of one person
