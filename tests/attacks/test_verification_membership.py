"""An operator who wants to know who is in the data: real members claimed with wrong names,
mixed with valid ID numbers of people who are not in it, padded with true claims and with
repeats so the batch looks like a client's. With membership hidden the attacker does no better
than a coin; with it revealed the answers say it (one bit, as the manifest states); padding
with repeats gains nothing; a claim type with no match part still reveals it, as documented."""

from __future__ import annotations

import math

import polars as pl

from flows.services.verify import verify_batch
from governance.audit import AuditLog
from tests.attacks.verification_domain import (
    OPERATOR,
    PRODUCT,
    Domain,
    make_domain,
    outsiders,
)

TARGETS = 100
PADDING = 150


def probe(domain: Domain, seed: int, repeats: int = 3) -> tuple[pl.DataFrame, dict[str, bool]]:
    """The attacker's batch: 50 members under wrong names, 50 outsiders, and true claims about
    150 other members (each sent `repeats` times); with which targets are members (the truth,
    kept by the test)."""
    people = domain.people.unique("sfzh", keep="first", maintain_order=True)
    members = people.head(TARGETS // 2)
    padding = people.slice(TARGETS // 2, PADDING)
    others = outsiders(TARGETS // 2, seed)
    names = people["xm"].slice(TARGETS // 2 + PADDING, TARGETS // 2)
    wrong = [n if n != m else "王某某" for n, m in zip(names, members["xm"], strict=True)]
    rows = [*zip(members["sfzh"], wrong, strict=True)]
    rows += [(o, n) for o, n in zip(others, wrong, strict=True)]
    rows += [*zip(padding["sfzh"], padding["xm"], strict=True)] * repeats
    order = pl.Series(range(len(rows))).shuffle(seed=seed).to_list()
    batch = pl.DataFrame(
        {"claim": "identity", "identifier": [rows[i][0] for i in order],
         "name": [rows[i][1] for i in order]}
    )  # fmt: skip
    truth = {**dict.fromkeys(members["sfzh"], True), **dict.fromkeys(others, False)}
    return batch, truth


def guess(batch: pl.DataFrame, answers: pl.DataFrame, targets: set[str]) -> dict[str, bool]:
    """The attacker's reading: not_found means an outsider; anything else, a member."""
    seen = batch.with_columns(answers["status"])
    return {
        ident: status != "not_found"
        for ident, status in seen.select("identifier", "status").iter_rows()
        if ident in targets
    }


def accuracy(guessed: dict[str, bool], truth: dict[str, bool]) -> float:
    return sum(guessed[t] == truth[t] for t in truth) / len(truth)


def test_hidden_membership_leaves_the_attacker_at_chance(tmp_path) -> None:
    domain = make_domain(tmp_path, n=400, membership="hide")
    batch, truth = probe(domain, seed=1)
    got = domain.verify(batch)
    assert got.answers is not None  # 100 probes among 250 distinct valid claims: answered
    assert "not_found" not in set(got.answers["status"])
    read = guess(batch, got.answers, set(truth))
    # a coin would be right half the time; three standard errors above that is luck
    assert accuracy(read, truth) <= 0.5 + 3 * math.sqrt(0.25 / TARGETS)
    answered = {
        ident: status
        for ident, status in batch.with_columns(got.answers["status"])
        .select("identifier", "status")
        .iter_rows()
    }
    # stronger: members and outsiders got the very same answer
    assert {answered[t] for t in truth if truth[t]} == {answered[t] for t in truth if not truth[t]}


def test_revealed_membership_is_the_one_bit_the_manifest_counts(tmp_path) -> None:
    domain = make_domain(tmp_path, n=400, membership="reveal")
    batch, truth = probe(domain, seed=1)
    got = domain.verify(batch)
    assert got.answers is not None
    assert accuracy(guess(batch, got.answers, set(truth)), truth) == 1.0


def test_padding_with_repeats_gains_nothing_and_costs_the_window(tmp_path) -> None:
    domain = make_domain(tmp_path, n=400, membership="reveal")
    batch, truth = probe(domain, seed=2, repeats=1)
    padded = pl.concat([batch.filter(pl.col("identifier").is_in(list(truth)))] + [
        batch.filter(~pl.col("identifier").is_in(list(truth))).head(20)
    ] * 10)  # fmt: skip
    got = domain.verify(padded)  # 100 probes among 120 distinct claims, however often sent
    assert got.answers is None and "max_probe_share" in got.refusal
    assert "suspended on this product until 2026-07-31" in got.refusal
    assert "%" in got.refusal and "100" not in got.refusal  # the limit, not the answers' figure
    honest, _ = probe(domain, seed=3)
    again = domain.verify(honest)  # even a batch that would pass: one bit a window, no more
    assert again.answers is None and "is suspended on this product until 2026-07-31" in (
        again.refusal
    )


def test_a_claim_without_a_match_part_still_reveals_membership(tmp_path) -> None:
    domain = make_domain(tmp_path, n=400, membership="hide", max_probe_share=1.0)
    _, truth = probe(domain, seed=4)
    batch = pl.DataFrame(
        {"claim": "insured_months", "identifier": list(truth), "year": "2024", "months": "3"}
    )
    got = domain.verify(batch)
    assert got.answers is not None
    matched = {i for i, s in zip(batch["identifier"], got.answers["status"], strict=True)
               if s == "match"}  # fmt: skip
    # every match is a member: membership learned for the members who paid 3 months or more
    assert matched and all(truth[i] for i in matched)
    paid = domain.people.filter((pl.col("jfnd") == "2024") & (pl.col("jfys") >= 3))
    assert matched == {i for i in truth if truth[i]} & set(paid["sfzh"])


def test_what_the_operator_sees_hides_not_found_and_the_audit_keeps_it(tmp_path) -> None:
    domain = make_domain(tmp_path, n=200, membership="hide")
    others = outsiders(5, seed=9)
    people = domain.people.unique("sfzh", keep="first", maintain_order=True).head(15)
    batch = pl.DataFrame(
        {"claim": "identity", "identifier": [*people["sfzh"], *others],
         "name": [*people["xm"], *["王某"] * 5]}
    )  # fmt: skip
    path = tmp_path / "batch.csv"
    batch.write_csv(path)
    counts = verify_batch(PRODUCT, path, OPERATOR, tmp_path / "out.csv", domain.paths)
    assert "not_found" not in counts and counts["no_match"] == 5 and counts["match"] == 15
    (audited,) = AuditLog(domain.paths.state).records(action="verify")
    assert audited.counts["not_found"] == 5 and audited.counts["no_match"] == 0
