"""`sluice verify` end to end: the sample batches get exactly their expected answers, the
answers carry nothing but the status, and refusals and bad input are clear and audited."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.e2e.conftest import Workspace

OPERATOR = "zj_data_ops"


def verify(ws: Workspace, product: str, requests, out, operator: str = OPERATOR, **env):
    return ws.sluice(
        "verify", "--product", product, "--requests", str(requests), "--operator", operator,
        "--out", str(out), **env,
    )  # fmt: skip


@pytest.mark.parametrize("product", ["identity_verification", "enterprise_verification"])
def test_sample_batches_get_their_expected_answers(workspace: Workspace, product: str) -> None:
    out = workspace.root / f"answers_{product}.parquet"
    result = verify(workspace, product, workspace.home / "raw" / "claims" / f"{product}.csv", out)
    assert result.returncode == 0, result.stderr
    answers = pl.read_parquet(out)
    assert answers.columns == ["request_id", "claim", "status"]  # no value ever comes back
    truth = pl.read_csv(workspace.home / "raw" / "_truth" / f"claims_{product}.csv")
    joined = answers.join(truth, on="request_id")
    assert joined.height == truth.height
    assert (joined["status"] == joined["expected"]).all()
    assert set(answers["status"]) == {"match", "no_match", "not_found", "invalid"}
    record = json.loads(
        workspace.sluice("audit", "show", "--action", "verify", "--json", "--limit", "1").stdout
    )
    assert record["actor"] == OPERATOR and record["subject"] == product
    assert record["counts"]["claims"] == truth.height
    assert record["counts"]["invalid"] == (truth["expected"] == "invalid").sum()
    assert "name" not in json.dumps(record["counts"])  # counts, never contents


def test_the_index_holds_no_raw_identifier(workspace: Workspace) -> None:
    raw = pl.read_csv(
        workspace.home / "raw" / "social_insurance.csv", encoding="gbk", infer_schema=False,
        truncate_ragged_lines=True,
    )  # fmt: skip
    (index,) = (workspace.home / "verification" / "identity_verification").glob("*.parquet")
    text = pl.read_parquet(index).cast(pl.String).unpivot()["value"].drop_nulls()
    raw_values = set(raw["sfzh"].to_list()) | set(raw["xm"].to_list())
    assert not set(text.to_list()) & raw_values


def test_refusals_answer_nothing_and_are_audited(workspace: Workspace, tmp_path) -> None:
    guesses = tmp_path / "guesses.csv"
    guesses.write_text(
        "claim,identifier,name\n"
        + "".join(f"identity,110101199003077571,{n}\n" for n in ["张三", "李四", "王五", "赵六"]),
        "utf-8",
    )
    out = tmp_path / "out.csv"
    cases = [
        (OPERATOR, "enumeration: 1 identifier(s) claimed with more than 3 different values"),
        ("stranger", "operator 'stranger' is not known to this domain"),
    ]
    for operator, words in cases:
        result = verify(workspace, "identity_verification", guesses, out, operator)
        assert result.returncode == 3 and words in result.stderr
        assert "Traceback" not in result.stderr and not out.exists()
    refusals = [
        json.loads(line)
        for line in workspace.sluice(
            "audit", "show", "--action", "refuse", "--subject", "identity_verification", "--json"
        ).stdout.splitlines()
    ]
    assert [r["actor"] for r in refusals[-2:]] == [OPERATOR, "stranger"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("foo,bar\n1,2\n", "column(s) claim, identifier missing"),
        ("claim,identifier\n", "no claims (only a header)"),
        (b"claim,identifier\nidentity,\xff\xfe\n", "claims.csv:2: claims files are UTF-8 CSV"),
        ('claim,identifier\n"open,quote\n', "not a readable CSV (UTF-8) claims file"),
    ],
)
def test_bad_claim_files_get_a_clear_error(workspace: Workspace, tmp_path, content, words):
    path = tmp_path / "claims.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = verify(workspace, "identity_verification", path, tmp_path / "out.csv")
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_unknown_product_lists_the_published_ones(workspace: Workspace, tmp_path) -> None:
    result = verify(workspace, "no_such_check", tmp_path / "x.csv", tmp_path / "out.csv")
    assert result.returncode == 2
    assert "published: enterprise_verification, identity_verification" in result.stderr
