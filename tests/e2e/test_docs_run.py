"""Every SQL and Python snippet in the docs runs against what the demo publishes, so a reader
who pastes one gets an answer, not an error. A block the demo cannot run by nature is marked
`<!-- not run: reason -->` on the line before its fence, and only those are skipped."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import Workspace

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(sql|python)\s*$")
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(.+?)\s*-->\s*$")


@dataclass(frozen=True)
class Snippet:
    doc: str
    line: int
    language: str
    code: str
    not_run: str | None


def snippets(path: Path) -> list[Snippet]:
    """The fenced sql and python blocks of one doc, each with the line of its opening fence."""
    found, lines = [], path.read_text().splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        mark = NOT_RUN.match(lines[i - 1]) if i else None
        code = "\n".join(lines[i + 1 : end]) + "\n"
        doc = str(path.relative_to(ROOT))
        found.append(Snippet(doc, i + 1, opening[1], code, mark[1] if mark else None))
        i = end + 1
    return found


ALL = [snippet for doc in DOCS for snippet in snippets(doc)]


@pytest.fixture(scope="module")
def demo_root(workspace: Workspace, tmp_path_factory) -> Path:
    """A copy of the demo's root (published/, domain/, policies/; the shared one is only read),
    plus the files a doc reads that a command writes: the registry export and the answers of
    one verification batch, which charges the copy's quota, not the shared domain's."""
    root = tmp_path_factory.mktemp("docs-run")
    for name in ("published", "domain", "policies"):
        shutil.copytree(workspace.root / name, root / name, symlinks=True)
    copy = Workspace(
        root, {**workspace.env, "SLUICE_HOME": str(root / "domain"),
               "SLUICE_PUBLISH_DIR": str(root / "published")},
    )  # fmt: skip
    claims = root / "domain" / "raw" / "claims" / "identity_verification.csv"
    for args in (
        ("registry", "export", "--out", "exports"),
        ("verify", "--product", "identity_verification", "--operator", "zj_data_ops",
         "--requests", str(claims), "--out", "answers.csv"),
    ):  # fmt: skip
        run = copy.sluice(*args)
        assert run.returncode == 0, run.stdout + run.stderr
    return root


@pytest.mark.parametrize("snippet", ALL, ids=[f"{s.doc}:{s.line}" for s in ALL])
def test_snippet_runs(snippet: Snippet, demo_root: Path, monkeypatch) -> None:
    if snippet.not_run:
        pytest.skip(f"{snippet.doc}:{snippet.line} not run: {snippet.not_run}")
    if snippet.language == "sql":
        _run_sql(snippet, demo_root, monkeypatch)
    else:
        _run_python(snippet, demo_root)


def _run_sql(snippet: Snippet, root: Path, monkeypatch) -> None:
    """Each statement returns without error; DuckDB reads relative paths from the cwd."""
    monkeypatch.chdir(root)
    with duckdb.connect() as con:
        statements = con.extract_statements(snippet.code)
        assert statements, f"{snippet.doc}:{snippet.line}: no statement"
        for statement in statements:
            try:
                con.execute(statement).fetchall()
            except duckdb.Error as error:
                pytest.fail(f"{snippet.doc}:{snippet.line}: {statement.query.strip()}\n{error}")


def _run_python(snippet: Snippet, root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", snippet.code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, f"{snippet.doc}:{snippet.line}:\n{run.stderr[-3000:]}"
