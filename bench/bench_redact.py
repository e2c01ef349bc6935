"""Redaction of free text, on tickets the sample generator never writes (bench/redact_eval.py:
its own templates, name pools and identifier forms): recall of planted spans per entity,
precision, the share of characters kept, and throughput beside Presidio's AnalyzerEngine plus
AnonymizerEngine on the same texts. Three sets of templates: development (the redactor's
rules were written reading its misses, at another seed), reviewed (first held out, then read),
held-out (written after the last rule).

    .venv/bin/python bench/bench_redact.py --rows 10000
    .venv/bin/python bench/bench_redact.py --rows 10000 --cores 3   # one process vs every core

A planted span counts as found when a span of the same entity overlaps it. Presidio runs with
its predefined recognizers and no NLP model (as in bench_accuracy.py, offline), its results
replaced by <ENTITY_TYPE> with the default `replace` operator; its PHONE_NUMBER counts for
CN_MOBILE and CREDIT_CARD for CN_BANK_CARD.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import time
from collections.abc import Iterable

import polars as pl
from redact_eval import HELD_OUT, REVIEWED, TEMPLATES, generate

from transforms.redact import cores
from transforms.redact.entities import CODES, MARK_OPEN, MARKED
from transforms.redact.redact import mark_identifiers, redact

ENTITY_OF = {code: entity for entity, code in CODES.items()}
PRESIDIO_LABELS = {"PHONE_NUMBER": "CN_MOBILE", "CREDIT_CARD": "CN_BANK_CARD"}
TARGETS = {"CN_RESIDENT_ID": 0.99, "CN_MOBILE": 0.99, "CN_BANK_CARD": 0.99, "CN_PLATE": 0.99,
           "PERSON": 0.95, "ADDRESS": 0.95}  # fmt: skip
SCHEMA = {"row": pl.Int64, "entity": pl.String, "start": pl.Int64, "end": pl.Int64}


def marked_spans(marked: Iterable[str | None]) -> pl.DataFrame:
    """(row, entity, start, end) of every marked span, offsets in the text before marking."""
    rows = []
    for row, text in enumerate(marked):
        at = 0
        for part in re.split(f"({MARKED})", text or ""):
            if part.startswith(MARK_OPEN):
                rows.append((row, ENTITY_OF[part[1]], at, at + len(part) - 3))
                at += len(part) - 3
            else:
                at += len(part)
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def scores(truth: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """Per entity: planted spans, found ones (recall), predictions and correct ones."""
    pairs = truth.join(found, on=["row", "entity"], suffix="_f").filter(
        (pl.col("start") < pl.col("end_f")) & (pl.col("start_f") < pl.col("end"))
    )
    hit = pairs.select("row", "entity", "start").unique().group_by("entity").agg(found=pl.len())
    right = pairs.select("row", "entity", "start_f").unique().group_by("entity").agg(right=pl.len())
    planted = truth.group_by("entity").agg(planted=pl.len())
    predicted = found.group_by("entity").agg(predicted=pl.len())
    return (
        planted.join(predicted, on="entity", how="full", coalesce=True)
        .join(hit, on="entity", how="left")
        .join(right, on="entity", how="left")
        .fill_null(0)
        .sort("entity")
    )


def characters_kept(
    texts: pl.Series, truth: pl.DataFrame, found: pl.DataFrame
) -> tuple[float, float]:
    """(share of all characters kept, share of the characters outside planted spans kept)."""
    total = int(texts.str.len_chars().sum())
    covered = _covered(found)
    planted = _covered(truth)
    both = len(covered & planted)
    outside = total - len(planted)
    return (total - len(covered)) / total, (outside - (len(covered) - both)) / outside


def _covered(spans: pl.DataFrame) -> set[tuple[int, int]]:
    return {
        (r, i) for r, s, e in spans.select("row", "start", "end").iter_rows() for i in range(s, e)
    }


def ours(texts: pl.Series) -> tuple[pl.DataFrame, float]:
    frame = texts.to_frame("text")
    frame.head(20).select(redact(pl.col("text")))  # jieba's dictionary loads once
    start = time.perf_counter()
    frame.select(redact(pl.col("text")))
    seconds = time.perf_counter() - start
    marked = frame.select(mark_identifiers(pl.col("text")))["text"]
    return marked_spans(marked), seconds


Timed = tuple[float, float, float]
"""(wall seconds, CPU seconds of this process, CPU seconds of the worker processes)"""


def one_and_every_core(texts: pl.Series, runs: int) -> tuple[list[Timed], list[Timed]]:
    """Seconds of `redact` over the texts with names and addresses marked in one process,
    then on every core (transforms/redact/cores.py), alternated `runs` times."""
    frame = texts.to_frame("text")
    frame.head(20).select(redact(pl.col("text")))
    every = cores.PARALLEL_FROM
    times: tuple[list[Timed], list[Timed]] = ([], [])
    for _ in range(runs):
        for least, kept in ((len(texts) + 1, times[0]), (every, times[1])):
            cores.PARALLEL_FROM = least
            start, cpu, workers = time.perf_counter(), time.process_time(), _workers_cpu()
            frame.select(redact(pl.col("text")))
            kept.append((time.perf_counter() - start, time.process_time() - cpu,
                         _workers_cpu() - workers))  # fmt: skip
    cores.PARALLEL_FROM = every
    return times


def _workers_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def presidio(texts: list[str], ours_recognizers: bool = False) -> tuple[pl.DataFrame, float]:
    """Presidio's AnalyzerEngine then AnonymizerEngine (replace) on every text: with its
    predefined recognizers (English, no NLP model), or with Sluice's Chinese recognizers and
    jieba names (transforms/detectors/analyzer.py)."""
    from presidio_anonymizer import AnonymizerEngine

    if ours_recognizers:
        from transforms.detectors.analyzer import build_analyzer
        from transforms.detectors.recognizers import LANGUAGE

        analyzer, language = build_analyzer(), LANGUAGE
    else:
        from bench_accuracy import offline_analyzer

        analyzer, language = offline_analyzer(), "en"
    anonymizer = AnonymizerEngine()
    anonymizer.anonymize("王芳13812345678", analyzer.analyze("王芳13812345678", language=language))
    rows = []
    start = time.perf_counter()
    for row, text in enumerate(texts):
        results = analyzer.analyze(text, language=language)
        anonymizer.anonymize(text, results)
        for r in results:
            rows.append((row, PRESIDIO_LABELS.get(r.entity_type, r.entity_type), r.start, r.end))
    return pl.DataFrame(rows, schema=SCHEMA, orient="row"), time.perf_counter() - start


def show(title: str, header: list[str], rows: Iterable[Iterable[object]]) -> None:
    print(f"\n{title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


def _recall(table: pl.DataFrame, entity: str) -> str:
    row = table.filter(pl.col("entity") == entity)
    return _ratio(row["found"][0], row["planted"][0]) if row.height else "-"


def _precision(table: pl.DataFrame, entity: str | None = None) -> str:
    rows = table if entity is None else table.filter(pl.col("entity") == entity)
    return _ratio(int(rows["right"].sum()), int(rows["predicted"].sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--cores", type=int, metavar="RUNS", help="only time `redact` in one process and on "
        "every core, alternated RUNS times",
    )  # fmt: skip
    args = parser.parse_args()
    frame, truth = generate(args.rows, args.seed)
    if args.cores:
        alone, every = one_and_every_core(frame["text"], args.cores)
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        show(f"`redact` over {args.rows:,} texts ({os.cpu_count()} cores; load average after "
             f"the runs, 1/5/15 min: {load}), seconds per run: wall (CPU here + CPU of workers)",
             ["names and addresses marked", *[f"run {i + 1}" for i in range(args.cores)],
              "median wall", "texts/s"], [
            [label, *[f"{w:.2f} ({c:.1f} + {k:.1f})" for w, c, k in runs],
             f"{statistics.median(w for w, _, _ in runs):.2f}",
             f"{args.rows / statistics.median(w for w, _, _ in runs):,.0f}"]
            for label, runs in (("in one process", alone), ("on every core", every))
        ])  # fmt: skip
        return
    held, held_truth = generate(args.rows, args.seed + 1, HELD_OUT)
    seen, seen_truth = generate(args.rows, args.seed + 2, REVIEWED)
    texts = frame["text"]
    found, _ = ours(texts)
    held_found, _ = ours(held["text"])
    reviewed = scores(seen_truth, ours(seen["text"])[0])
    default, default_s = presidio(texts.to_list())
    chinese, chinese_s = presidio(texts.to_list(), ours_recognizers=True)
    mine, kept = scores(truth, found), scores(held_truth, held_found)
    other, them = scores(truth, default), scores(truth, chinese)
    for name, n, seed, spans in (
        ("development", len(TEMPLATES), args.seed, truth),
        ("held-out", len(HELD_OUT), args.seed + 1, held_truth),
        ("reviewed", len(REVIEWED), args.seed + 2, seen_truth),
    ):
        print(f"{name}: {args.rows:,} tickets from {n} templates (seed {seed}), "
              f"{spans.height:,} planted spans")  # fmt: skip
    rows = [
        [e, TARGETS.get(e, ""), _recall(mine, e), _precision(mine, e), _recall(reviewed, e),
         _precision(reviewed, e), _recall(kept, e), _precision(kept, e), _recall(other, e),
         _recall(them, e)]
        for e in sorted(set(truth["entity"]) | set(held_truth["entity"]))
    ]  # fmt: skip
    show("Recall and precision by entity (P = precision)", ["entity", "target recall",
         "development recall", "P", "reviewed recall", "P", "held-out recall", "P",
         "Presidio default recall", "Presidio + Sluice recognizers recall"], rows)  # fmt: skip
    all_kept, rest_kept = characters_kept(texts, truth, found)
    held_all, held_rest = characters_kept(held["text"], held_truth, held_found)
    show("Overall", ["", "development", "held-out"], [
        ["precision (all predicted spans)", _precision(mine), _precision(kept)],
        ["share of all characters kept", f"{all_kept:.3f}", f"{held_all:.3f}"],
        ["share of characters outside planted spans kept", f"{rest_kept:.3f}", f"{held_rest:.3f}"],
        ["Presidio default: precision", _precision(other), ""],
        ["Presidio + Sluice recognizers: precision", _precision(them), ""],
    ])  # fmt: skip
    per_s = args.rows / default_s
    (alone,), (every,) = one_and_every_core(texts, 1)
    show("Throughput (the first set's texts)",
         ["engine", "seconds", "texts/s", "vs Presidio default"], [
        ["Presidio AnalyzerEngine + AnonymizerEngine, default recognizers", f"{default_s:.1f}",
         f"{per_s:,.0f}", "x1.00"],
        ["Presidio AnalyzerEngine + AnonymizerEngine, Sluice recognizers", f"{chinese_s:.1f}",
         f"{args.rows / chinese_s:,.0f}", f"x{default_s / chinese_s:.2f}"],
        *[[f"Sluice `redact` (one lazy plan over the column, {where})", f"{t:.1f}",
           f"{args.rows / t:,.0f}", f"x{default_s / t:.2f}"]
          for where, (t, _, _) in (("one process", alone), ("on every core", every))],
    ])  # fmt: skip


if __name__ == "__main__":
    main()
