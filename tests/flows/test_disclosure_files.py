"""The disclosure's files are written whole or not at all: an earlier disclosure in --out is
replaced by the new one in one step, a failure while writing leaves it as it was, and a folder
that holds other files is refused."""

from __future__ import annotations

import pytest

from flows.errors import BuildError
from flows.files import disclosure as files
from tests.governance.test_disclosure import disclosed, domain


@pytest.fixture
def document():
    return disclosed(domain(("A", "2025-01-01", "2025-12-31", None)))


def test_an_earlier_disclosure_is_replaced_whole(tmp_path, document):
    out = tmp_path / "disclosure"
    files.write_disclosure(document, out, ["json"])
    written = files.write_disclosure(document, out, ["html"])
    assert sorted(p.name for p in out.iterdir()) == written == ["disclosure-2025.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["disclosure"]  # no staging left


def test_a_failure_while_writing_leaves_the_earlier_disclosure(tmp_path, document, monkeypatch):
    out = tmp_path / "disclosure"
    files.write_disclosure(document, out, ["json"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(_document):
        raise OSError("No space left on device")

    monkeypatch.setattr(files, "render_disclosure", broken)
    with pytest.raises(OSError, match="No space"):
        files.write_disclosure(document, out, ["json", "parquet", "html"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["disclosure"]


def test_a_folder_with_other_files_is_refused(tmp_path, document):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BuildError, match="holds other files"):
        files.write_disclosure(document, tmp_path, ["json"])
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
