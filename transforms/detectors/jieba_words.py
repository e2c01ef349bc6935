"""jieba part-of-speech segmentation with character offsets, set up once and offline.

jieba writes a dictionary cache on first use; it goes to a per-user temp directory, never the
working tree. Long texts are cut into windows (at whitespace or punctuation where possible).

jieba.posseg finds unknown words (most names) with an HMM over runs of single characters the
dictionary cannot join; that HMM costs up to several milliseconds per character (random Han
text: about 6 ms). So the dictionary pass runs first, and the HMM only over runs of at most
MAX_RUN single characters: natural text has short runs (an unknown name and its
neighbours), junk has long ones, which stay single characters.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from functools import cache
from typing import Any

WINDOW = 2_000
"""Longest stretch handed to jieba at once (a word is never longer than a few characters)."""
MAX_RUN = 12
"""Longest run of single Han characters handed to jieba's HMM."""
_BREAK = re.compile(r"[\s，。；！？、,.;!?]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HAN = re.compile("[一-鿿]")
_PLAIN = re.compile(r"[A-Za-z]+|[0-9]+|\s+|.", re.DOTALL)
"""Words of a window without Han characters: jieba adds nothing there and costs ~10 us/char."""


@cache
def _tokenizer() -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    cache_dir = os.path.join(tempfile.gettempdir(), f"sluice-jieba-{os.getuid()}")
    os.makedirs(cache_dir, exist_ok=True)
    jieba.dt.tmp_dir = cache_dir
    jieba.initialize()
    return jieba.posseg.dt


def clean(text: str) -> str:
    """Lone surrogates (undecodable input) become U+FFFD, so offsets stay the same.

    >>> clean("a\\ud800b")
    'a\\ufffdb'
    """
    return _SURROGATE.sub("\ufffd", text)


def _windows(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    while start < len(text):
        end = min(len(text), start + WINDOW)
        if end < len(text):
            cut = max((m.end() for m in _BREAK.finditer(text, end - 100, end)), default=end)
            end = cut
        out.append((start, text[start:end]))
        start = end
    return out


def _cut(pos: Any, text: str) -> list[tuple[str, str]]:
    """posseg with the HMM limited to short runs of single Han characters (module doc)."""
    out: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        if 1 < len(run) <= MAX_RUN:
            out.extend((p.word, p.flag) for p in pos.cut("".join(w for w, _ in run)))
        else:
            out.extend(run)
        run.clear()

    for pair in pos.cut(text, HMM=False):
        if len(pair.word) == 1 and "一" <= pair.word <= "鿿":
            run.append((pair.word, pair.flag))
        else:
            flush()
            out.append((pair.word, pair.flag))
    flush()
    return out


def _plain(text: str) -> list[tuple[str, str]]:
    return [(m.group(), "eng" if m.group().isalpha() else "x") for m in _PLAIN.finditer(text)]


def tagged_words(text: str) -> list[tuple[str, str, int]]:
    """(word, jieba flag, start offset) covering the whole text in order.

    >>> [(w, s) for w, _, s in tagged_words("市民王芳来电")][:2]
    [('市民', 0), ('王芳', 2)]
    """
    text = clean(text)
    pos = _tokenizer()
    out: list[tuple[str, str, int]] = []
    for offset, part in _windows(text):
        at = offset
        pairs = _cut(pos, part) if _HAN.search(part) else _plain(part)
        for word, flag in pairs:
            if not word:
                continue
            if text.startswith(word, at):
                out.append((word, flag, at))
                at += len(word)
        if at != offset + len(part):  # jieba dropped or changed characters: fall back to chars
            out = [w for w in out if w[2] < offset]
            out.extend((ch, "x", offset + i) for i, ch in enumerate(part))
    return out


def dictionary_count(word: str) -> int:
    """How often jieba's dictionary has seen `word` (0 when it does not know it): a very
    common word (高峰, 康复) is rarely a person's name, whatever its tag says.

    >>> dictionary_count("高峰") > 1000, dictionary_count("王芳")
    (True, 0)
    """
    return int(_tokenizer().tokenizer.FREQ.get(word) or 0)


def dictionary_flag(word: str) -> str | None:
    """The part-of-speech flag jieba's dictionary gives `word` (None when it does not know
    it), without segmenting: a lookup, not a cut.

    >>> dictionary_flag("昨日"), dictionary_flag("王芳")
    ('t', None)
    """
    return _tokenizer().word_tag_tab.get(word)
