"""A large column is marked on every core: the worker processes' result is the one process's,
text for text and in order."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl
import pytest

from transforms.redact import cores
from transforms.redact.redact import redact

TEMPLATES = (
    "来电人{n}反映，电话1381234{i:04d}，家住文三路{i}号",
    "市民{n}先生称小区{i}栋楼道灯坏了",
    "{n}女士咨询社保卡补办，身份证号码见附件{i}",
)
NAMES = ("王芳", "李建国", "欧阳娜娜", "张伟", "陈一")
TRACE = Path()


def tickets(count: int) -> pl.DataFrame:
    texts = [TEMPLATES[i % 3].format(n=NAMES[i % 5], i=i) for i in range(count)]
    return pl.DataFrame({"text": [*texts, None, texts[0]]})


def marked_here(mark: cores.Mark, texts: list[str]) -> list[str]:
    """`cores._mark_chunk`, leaving a file named after the process that marked the texts."""
    (TRACE / str(os.getpid())).touch()
    return [mark(t) for t in texts]


def test_a_large_column_on_every_core_is_redacted_as_in_one_process(monkeypatch, tmp_path):
    frame = tickets(600)
    alone = frame.select(redact(pl.col("text")))["text"].to_list()
    monkeypatch.setattr(cores, "PARALLEL_FROM", 100)
    monkeypatch.setattr(cores, "_cores", lambda: 2)
    monkeypatch.setattr(cores, "_mark_chunk", marked_here)
    monkeypatch.setattr(sys.modules[__name__], "TRACE", tmp_path)
    both = frame.select(redact(pl.col("text")))["text"].to_list()
    assert both == alone and alone[-2] is None and alone[-1] == alone[0]
    assert "<姓名>" in alone[0] and "<手机号>" in alone[0]
    # this process and a worker each marked some of the texts
    assert (
        str(os.getpid()) in {p.name for p in tmp_path.iterdir()}
        and len(list(tmp_path.iterdir())) == 2
    )


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_every_text_comes_back_in_its_place(workers):
    texts = [f"t{i}" for i in range(1_000)]
    out = cores.mark_all(texts, str.upper, workers=workers, least=10)
    assert out == [t.upper() for t in texts]
