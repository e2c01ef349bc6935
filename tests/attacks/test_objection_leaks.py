"""An adversary who reads everything that leaves the domain (published/, the capability list,
the audit log's published checkpoints, and every command's output) after a person's objection
was filed and resolved looks for the person's key value and the value they claimed, as text
and as the common hashes of it: neither is there. And the objection channel is no membership
oracle: an objection naming a record that is not in the resource is refused inside the domain
and changes nothing on the published side."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import polars as pl
import pytest

from tests.e2e.conftest import Workspace, make_workspace

KEY = "法定代表人证件号码"
CLAIMED = "司马青云"


def forms(value: str) -> list[bytes]:
    """The ways a value could be written out: as text in the usual encodings, and as the hex
    of its MD5, SHA-1 and SHA-256 (lower and upper case)."""
    found = [value.encode("utf-8"), value.encode("gb18030")]
    for name in ("md5", "sha1", "sha256"):
        digest = hashlib.new(name, value.encode("utf-8"))
        found += [digest.hexdigest().encode(), digest.hexdigest().upper().encode(), digest.digest()]
    return found


def leaks(corpus: Iterable[tuple[str, bytes]], value: str) -> list[str]:
    """Where any form of `value` appears in the corpus."""
    wanted = forms(value)
    return [name for name, body in corpus if any(w in body for w in wanted)]


def outside(ws: Workspace) -> list[tuple[str, bytes]]:
    """Every file that left the domain."""
    return [(str(p), p.read_bytes()) for p in sorted(ws.published.rglob("*")) if p.is_file()]


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory, 1000, "--product", "enterprise_verification")


def test_nothing_outside_the_domain_names_the_person_or_their_claim(ws: Workspace):
    raw = ws.home / "raw" / "enterprise_registry.csv"
    person = pl.read_csv(raw, infer_schema=False).row(3, named=True)
    assert leaks([("raw", raw.read_bytes())], person[KEY]) == ["raw"]  # the search works

    said: list[tuple[str, bytes]] = []

    def run(*args: str) -> None:
        result = ws.sluice(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        said.append((" ".join(args[:2]), (result.stdout + result.stderr).encode()))

    claim = ("--claim", "my name is recorded wrongly")
    for resolution in (("--reject", "--reason", "the register is right"), ("--uphold",)):
        run("objection", "file", "--filer-kind", "data_subject", "--resource",
            "enterprise_registry", "--key", f"{KEY}={person[KEY]}", "--column",
            f"法定代表人={CLAIMED}", "--suspend", *claim)  # fmt: skip
        filed = said[-1][1].decode().split()[1]
        run("objection", "show", filed)
        run("objection", "list")
        run("objection", "resolve", filed, *resolution)
    run("audit", "show")
    run("catalog")

    corpus = outside(ws) + said
    assert leaks(corpus, person[KEY]) == []
    assert leaks(corpus, CLAIMED) == []
    assert (ws.published / "enterprise_verification" / "v2").is_dir()  # the claim was upheld


def test_an_objection_to_a_record_not_held_changes_nothing_published(ws: Workspace):
    before = outside(ws)
    absent = "110101190001010000"
    result = ws.sluice(
        "objection", "file", "--filer-kind", "data_subject", "--resource", "enterprise_registry",
        "--key", f"{KEY}={absent}", "--column", f"法定代表人={CLAIMED}", "--suspend",
        "--claim", "is my record held?",
    )  # fmt: skip
    assert result.returncode == 2 and "no record" in result.stderr
    assert outside(ws) == before
    assert absent not in ws.sluice("objection", "list").stdout
