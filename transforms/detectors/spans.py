"""find_spans: every entity in free texts with character offsets, through the offline
analyzer. For samples and benchmarks; whole columns go through the vectorised scan_frame."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from presidio_analyzer import RecognizerResult

from transforms.detectors.analyzer import build_analyzer
from transforms.detectors.jieba_words import WINDOW, clean
from transforms.detectors.recognizers import LANGUAGE
from transforms.detectors.registry import ALL_DETECTORS

SCHEMA = {
    "row": pl.Int64,
    "entity": pl.String,
    "start": pl.Int64,
    "end": pl.Int64,
    "text": pl.String,
    "score": pl.Float64,
}
ENTITIES: tuple[str, ...] = (*ALL_DETECTORS, "PERSON")
OVERLAP = 200
"""Characters shared by neighbouring windows of a long text, more than any identifier."""
_RANK = {e: i for i, e in enumerate(ENTITIES)}


def _resolve(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Among overlapping results keep the higher score, then the longer, then precedence."""
    ranked = sorted(
        results, key=lambda r: (-r.score, r.start - r.end, _RANK.get(r.entity_type, 99), r.start)
    )
    kept: list[RecognizerResult] = []
    for r in ranked:
        if all(r.end <= k.start or k.end <= r.start for k in kept):
            kept.append(r)
    return sorted(kept, key=lambda r: r.start)


def _analyze(text: str, entities: list[str]) -> list[RecognizerResult]:
    """All results for one text; long texts in overlapping windows to bound the cost of
    segmentation and of each regex."""
    analyzer = build_analyzer()
    if len(text) <= WINDOW:
        return analyzer.analyze(text, language=LANGUAGE, entities=entities)
    out: list[RecognizerResult] = []
    step = WINDOW - OVERLAP
    for offset in range(0, len(text) - OVERLAP, step):
        part = text[offset : offset + WINDOW]
        for r in analyzer.analyze(part, language=LANGUAGE, entities=entities):
            r.start, r.end = r.start + offset, r.end + offset
            out.append(r)
    return out


def find_spans(
    texts: Sequence[str | None] | pl.Series, *, entities: Sequence[str] | None = None
) -> pl.DataFrame:
    """One row per entity found: row (index into texts), entity, start, end (character
    offsets into the original text), text, score. Null and empty texts give no rows; a lone
    surrogate in the input shows as U+FFFD in `text` (offsets are unchanged).

    >>> find_spans(["市民王芳来电，电话13812345678", None]).select("entity", "start", "text").rows()
    [('PERSON', 2, '王芳'), ('CN_MOBILE', 9, '13812345678')]
    """
    wanted = list(entities) if entities is not None else list(ENTITIES)
    values = texts.to_list() if isinstance(texts, pl.Series) else list(texts)
    rows = []
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value:
            continue
        text = clean(value)
        for r in _resolve(_analyze(text, wanted)):
            rows.append((i, r.entity_type, r.start, r.end, text[r.start : r.end], r.score))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")
