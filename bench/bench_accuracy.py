"""Accuracy of the column classifier and the free-text detectors against the sample data's
ground truth, beside Presidio's out-of-the-box recognizers and presidio-structured.

Rules tuned on the demo data can look better than they are, so the sample is generated with a
different seed, and the columns are classified three times: with the headers as delivered,
with headers another department might write ("renamed"), and with no headers at all ("blind":
col_1..col_n, values only).

    .venv/bin/python bench/bench_accuracy.py --rows 20000

Parts: A column level (ours, three header variants); B span level on hotline `content` (ours);
C Presidio's default English recognizers on the same texts (offline, no NLP model);
D presidio-structured's column analysis (optional extra `bench`; skipped when missing).
Writes bench/results/accuracy.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import polars as pl

from flows.services.classify import classify_file, read_sample
from sample_data.generate import generate
from transforms.detectors import compact_expr, mask_expr, scan_frame

RESULTS = Path(__file__).parent / "results" / "accuracy.json"
DIRECT = "direct_identifier"
NON_PERSONAL = "non_personal"

RENAMED: dict[str, dict[str, str]] = {
    # a district HR bureau's export: pinyin initials, but not the same ones
    "social_insurance": {
        "sfzh": "zjhm",
        "xm": "xingming",
        "xb": "xingbie",
        "csrq": "csny",
        "lxdh": "sjhm",
        "xzqh": "qhdm",
        "dwtyshxydm": "dwxydm",
        "hy": "hylb",
        "jfjs": "jfje",
        "jfys": "jfyfs",
        "xzlx": "xzmc",
        "jfnd": "nd",
    },
    # the same registry as a tax bureau labels it
    "enterprise_registry": {
        "统一社会信用代码": "信用代码",
        "企业名称": "单位名称",
        "法定代表人": "法人姓名",
        "法定代表人证件号码": "法人身份证号",
        "注册资本万元": "注册资本(万元)",
        "所属区划": "行政区划",
        "行业门类": "所属行业",
        "成立日期": "成立时间",
        "登记状态": "经营状态",
    },
    # the 12345 platform's own Chinese export
    "hotline_tickets": {
        "ticket_id": "工单编号",
        "caller_name": "来电人",
        "caller_phone": "来电号码",
        "district": "所属区县",
        "category": "诉求类型",
        "content": "诉求内容",
        "created_at": "受理时间",
        "closed_at": "办结时间",
        "satisfaction": "满意度",
    },
    # another hospital's information system: English with pinyin where the vendor used it
    "hospital_visits": {
        "patient_id": "id_card_no",
        "age": "patient_age",
        "sex": "gender",
        "district": "region_code",
        "diagnosis": "diag_code",
        "cost": "total_fee",
        "hospital_level": "hosp_grade",
        "visit_date": "jzrq",
    },
}

SPAN_TARGETS = {
    "CN_RESIDENT_ID": 0.99,
    "CN_MOBILE": 0.99,
    "CN_USCC": 0.99,
    "CN_BANK_CARD": 0.99,
    "PERSON": 0.85,
}
PRESIDIO_MAP: dict[str, tuple[str, ...]] = {
    "PHONE_NUMBER": ("CN_MOBILE", "CN_LANDLINE"),
    "CREDIT_CARD": ("CN_BANK_CARD",),
    "PERSON": ("PERSON",),
    "LOCATION": ("ADDRESS",),
}
PRESIDIO_NOT_DIRECT = frozenset({"DATE_TIME", "LOCATION", "NRP", "URL"})
"""presidio-structured entities that, like our quasi-identifiers, do not name a person alone."""


# ---------------------------------------------------------------- output


def show(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Plain aligned text, so the output can be pasted into docs as it is."""
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max([_width(h), *(_width(r[i]) for r in cells)]) for i, h in enumerate(header)]
    print(f"\n{title}")
    if not cells:
        print("(none)")
        return
    for row in [header, ["-" * w for w in widths], *cells]:
        print("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip())


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)  # CJK takes two cells


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


# ---------------------------------------------------------------- A: columns


def write_variant(info: dict[str, Any], mapping: dict[str, str], dest: Path) -> Path:
    """Copy a resource with a new header, byte for byte otherwise (GBK stays GBK)."""
    src = Path(info["path"])
    out = dest / src.name
    if info["format"] == "parquet":
        pl.read_parquet(src).rename(mapping).write_parquet(out)
        return out
    encoding = info["encoding"] or "utf-8"
    raw = src.read_bytes()
    cut = raw.index(b"\n") + 1
    header = next(csv.reader([raw[:cut].decode(encoding)]))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([mapping[h] for h in header])
    out.write_bytes(buf.getvalue().encode(encoding) + raw[cut:])
    return out


def header_variants(resources: dict[str, dict[str, Any]], truth: pl.DataFrame) -> dict:
    """{variant: {resource: {original column: new header}}}."""
    variants: dict[str, dict[str, dict[str, str]]] = {"delivered": {}, "renamed": {}, "blind": {}}
    for resource in resources:
        cols = truth.filter(pl.col("resource") == resource)["column"].to_list()
        variants["delivered"][resource] = {c: c for c in cols}
        variants["renamed"][resource] = RENAMED[resource]
        variants["blind"][resource] = {c: f"col_{i}" for i, c in enumerate(cols, 1)}
    return variants


def classify_variant(
    resources: dict[str, dict[str, Any]],
    renames: dict[str, dict[str, str]],
    truth: pl.DataFrame,
    work: Path,
) -> pl.DataFrame:
    """One row per truth column with our category and entity for it."""
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for resource, info in resources.items():
        mapping = renames[resource]
        out = classify_file(write_variant(info, mapping, work))
        by_name = {c["name"]: c for c in out["columns"]}
        for original, header in mapping.items():
            got = by_name[header]
            rows.append(
                {
                    "resource": resource,
                    "column": original,
                    "header": header,
                    "pred_category": got["category"],
                    "pred_entity": got["entity"],
                    "confidence": got["confidence"],
                    "evidence": "; ".join(got["evidence"]),
                }
            )
    return truth.join(pl.DataFrame(rows), on=["resource", "column"], how="left")


def column_scores(
    frame: pl.DataFrame, pred_category: str = "pred_category", pred_entity: str | None = None
) -> dict[str, Any]:
    """Category accuracy, direct-identifier recall and false positives, per-entity P/R."""
    is_direct = pl.col("category") == DIRECT
    called_direct = pl.col(pred_category) == DIRECT
    scores: dict[str, Any] = {
        "columns": frame.height,
        "category_correct": frame.filter(pl.col("category") == pl.col(pred_category)).height,
        "direct_total": frame.filter(is_direct).height,
        "direct_found": frame.filter(is_direct & called_direct).height,
        "non_personal_called_direct": frame.filter(
            (pl.col("category") == NON_PERSONAL) & called_direct
        ).height,
        "other_called_direct": frame.filter(~is_direct & called_direct).height,
    }
    scores["category_accuracy"] = _ratio(scores["category_correct"], scores["columns"])
    scores["direct_recall"] = _ratio(scores["direct_found"], scores["direct_total"])
    if pred_entity:
        per: dict[str, dict[str, Any]] = {}
        truth_e, pred_e = frame["entity"].to_list(), frame[pred_entity].to_list()
        for entity in sorted(set(truth_e) | {e for e in pred_e if e}):
            tp = sum(t == entity and p == entity for t, p in zip(truth_e, pred_e, strict=True))
            n_true, n_pred = truth_e.count(entity), pred_e.count(entity)
            per[entity] = {
                "truth": n_true,
                "predicted": n_pred,
                "precision": _ratio(tp, n_pred),
                "recall": _ratio(tp, n_true),
            }
        scores["entities"] = per
    return scores


def misses(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Columns whose category or entity is wrong, with the evidence the classifier gave. A
    non-personal column left without an entity is right: the classifier names no entity for
    codes such as STATUS or YEAR, which only matter as 'not personal'."""
    outside_vocabulary = (pl.col("category") == NON_PERSONAL) & pl.col("pred_entity").is_null()
    wrong = frame.filter(
        (pl.col("category") != pl.col("pred_category"))
        | ((pl.col("entity") != pl.col("pred_entity").fill_null("-")) & ~outside_vocabulary)
    )
    keep = ["resource", "column", "header", "category", "entity", "pred_category"]
    return wrong.select(*keep, "pred_entity", "evidence").to_dicts()


def part_a(resources: dict, truth: pl.DataFrame, work: Path) -> dict[str, Any]:
    """Classify every header variant and score it against _truth/columns.csv."""
    out: dict[str, Any] = {}
    for variant, renames in header_variants(resources, truth).items():
        t0 = time.perf_counter()
        frame = classify_variant(resources, renames, truth, work / variant)
        scores = column_scores(frame, "pred_category", "pred_entity")
        scores["seconds"] = round(time.perf_counter() - t0, 2)
        scores["misclassified"] = misses(frame)
        scores["headers"] = renames
        out[variant] = scores
    variants = list(out)
    show(
        "A. Columns, ours by header variant (target: direct recall 1.0, non-personal->direct 0)",
        ["variant", "category acc.", "direct recall", "non-personal->direct", "other->direct"],
        [
            [
                v,
                _share(out[v]["category_correct"], out[v]["columns"]),
                _share(out[v]["direct_found"], out[v]["direct_total"]),
                out[v]["non_personal_called_direct"],
                out[v]["other_called_direct"],
            ]
            for v in variants
        ],
    )
    entities = sorted({e for v in variants for e in out[v]["entities"]})
    show(
        "A. Columns: per-entity precision / recall (columns)",
        ["entity", "truth", *(f"{v} P/R" for v in variants)],
        [
            [
                e,
                out[variants[0]]["entities"].get(e, {}).get("truth", 0),
                *(_pr(out[v]["entities"].get(e)) for v in variants),
            ]
            for e in entities
        ],
    )
    for v in variants:
        show(
            f"A. Misclassified columns, {v}",
            ["resource", "column", "header", "truth", "ours"],
            [
                [
                    m["resource"],
                    m["column"],
                    m["header"],
                    f"{m['category']}/{m['entity']}",
                    f"{m['pred_category']}/{m['pred_entity']}",
                ]
                for m in out[v]["misclassified"]
            ],
        )
    return out


def _share(num: int, den: int) -> str:
    return f"{num}/{den} = {num / den:.3f}" if den else f"{num}/0"


def _pr(cell: dict[str, Any] | None) -> str:
    if not cell:
        return "-"
    p, r = cell["precision"], cell["recall"]
    return f"{'-' if p is None else f'{p:.2f}'} / {'-' if r is None else f'{r:.2f}'}"


# ---------------------------------------------------------------- B, C: spans


def load_texts(resources: dict, truth_dir: Path) -> tuple[list[str], pl.DataFrame]:
    """The hotline `content` texts and the truth spans keyed by row index into them."""
    tickets = pl.read_csv(resources["hotline_tickets"]["path"], infer_schema=False)
    keyed = tickets.select("ticket_id", "content").with_row_index("row")
    spans = (
        pl.read_parquet(truth_dir / "spans.parquet")
        .filter((pl.col("resource") == "hotline_tickets") & (pl.col("column") == "content"))
        .join(keyed.select("row", row_key="ticket_id"), on="row_key")
        .select(pl.col("row").cast(pl.Int64), "entity", "start", "end", "text")
    )
    return keyed["content"].fill_null("").to_list(), spans


def overlap_scores(
    pred: pl.DataFrame, truth: pl.DataFrame, allowed: dict[str, tuple[str, ...]]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Precision per predicted label and recall per truth entity. A prediction matches a truth
    span in the same row whose entity is allowed for its label and whose offsets overlap."""
    pred = pred.select(pl.col("row").cast(pl.Int64), "entity", "start", "end").with_row_index("p")
    truth = truth.select("row", "entity", "start", "end").with_row_index("t")
    links = pl.DataFrame(
        [(label, e) for label, es in allowed.items() for e in es],
        schema={"entity": pl.String, "truth_entity": pl.String},
        orient="row",
    )
    pairs = (
        pred.join(links, on="entity")
        .join(truth, left_on=["row", "truth_entity"], right_on=["row", "entity"], suffix="_t")
        .filter((pl.col("start") < pl.col("end_t")) & (pl.col("start_t") < pl.col("end")))
    )
    hit_p, hit_t = set(pairs["p"].to_list()), set(pairs["t"].to_list())
    precision = {}
    for label, group in pred.group_by("entity"):
        ids = group["p"].to_list()
        precision[str(label[0])] = {
            "predicted": len(ids),
            "matched": sum(i in hit_p for i in ids),
            "precision": _ratio(sum(i in hit_p for i in ids), len(ids)),
        }
    recall = {}
    for entity, group in truth.group_by("entity"):
        ids = group["t"].to_list()
        recall[str(entity[0])] = {
            "truth": len(ids),
            "matched": sum(i in hit_t for i in ids),
            "recall": _ratio(sum(i in hit_t for i in ids), len(ids)),
        }
    return precision, recall


def ours_find_spans(texts: list[str]) -> tuple[pl.DataFrame, float] | str:
    """`find_spans` (row, entity, start, end, text, score), or why it cannot run."""
    try:
        from transforms.detectors.spans import find_spans
    except ImportError as exc:
        return f"transforms.detectors.spans.find_spans not importable ({exc})"
    t0 = time.perf_counter()
    found = find_spans(texts, entities=None)
    return found, time.perf_counter() - t0


def _value_key(expr: pl.Expr) -> pl.Expr:
    """Masked compact value, the only form of a value scan_frame reports."""
    return mask_expr(compact_expr(expr).str.replace_all(r"[^0-9A-Z\p{Han}]", ""))


def ours_scan_frame(texts: list[str], truth: pl.DataFrame) -> dict[str, Any]:
    """The egress gate's scan, which has no offsets: a finding matches a truth span of the same
    row and entity with the same masked value (first 3 and last 2 characters)."""
    t0 = time.perf_counter()
    found = scan_frame(pl.DataFrame({"content": texts}), extra=True)
    seconds = time.perf_counter() - t0
    keys = ["row", "entity", "key"]
    got = found.select("row", "entity", key="masked").group_by(keys).agg(got=pl.len())
    want = (
        truth.select("row", "entity", key=_value_key(pl.col("text")))
        .group_by(keys)
        .agg(want=pl.len())
    )
    both = want.join(got, on=keys, how="full", coalesce=True).fill_null(0)
    both = both.with_columns(hit=pl.min_horizontal("want", "got"))
    per = both.group_by("entity").agg(pl.col("want", "got", "hit").sum()).sort("entity")
    return {
        "seconds": seconds,
        "texts_per_s": len(texts) / seconds,
        "entities": {
            r["entity"]: {
                "truth": r["want"],
                "predicted": r["got"],
                "precision": _ratio(r["hit"], r["got"]),
                "recall": _ratio(r["hit"], r["want"]),
            }
            for r in per.to_dicts()
        },
    }


def offline_analyzer() -> Any:
    """Presidio's AnalyzerEngine with its predefined English recognizers and no NLP model.

    The EmailRecognizer validates with tldextract, whose default extractor fetches the public
    suffix list over the network; it is pointed at the snapshot bundled with tldextract."""
    import tldextract
    import tldextract.tldextract as tld_module
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    tld_module.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp)
    return AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["en"])


def presidio_spans(texts: list[str]) -> tuple[pl.DataFrame, float, list[str]]:
    """Every result of the default analyzer (threshold 0) on every text."""
    analyzer = offline_analyzer()
    recognizers = sorted(r.name for r in analyzer.registry.recognizers)
    analyzer.analyze("warm up 13812345678", language="en")
    rows: list[tuple[int, str, int, int, float]] = []
    t0 = time.perf_counter()
    for i, text in enumerate(texts):
        for r in analyzer.analyze(text, language="en"):
            rows.append((i, r.entity_type, r.start, r.end, r.score))
    seconds = time.perf_counter() - t0
    schema = {"row": pl.Int64, "entity": pl.String, "start": pl.Int64, "end": pl.Int64,
              "score": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row"), seconds, recognizers


def part_bc(texts: list[str], truth: pl.DataFrame) -> dict[str, Any]:
    """Ours (find_spans, and the gate's scan_frame) and Presidio's defaults, per entity."""
    out: dict[str, Any] = {"texts": len(texts), "truth_spans": truth.height}
    ours = ours_find_spans(texts)
    if isinstance(ours, str):
        print(f"\nB. find_spans skipped: {ours}")
        out["find_spans"] = {"skipped": ours}
        ours_pr = None
    else:
        found, seconds = ours
        own = {e: (e,) for e in found["entity"].unique().to_list()}
        precision, recall = overlap_scores(found, truth, own)
        ours_pr = (precision, recall)
        out["find_spans"] = {
            "seconds": seconds,
            "texts_per_s": len(texts) / seconds,
            "precision": precision,
            "recall": recall,
        }
    scan = ours_scan_frame(texts, truth)
    out["scan_frame"] = scan

    try:
        pres, seconds, recognizers = presidio_spans(texts)
    except ImportError as exc:
        print(f"\nC. Presidio skipped: {exc}")
        out["presidio"] = {"skipped": str(exc)}
        pres = None
    if pres is not None:
        p_prec, p_rec = overlap_scores(pres, truth, PRESIDIO_MAP)
        unmapped = pres.filter(~pl.col("entity").is_in(list(PRESIDIO_MAP)))
        any_truth = {e: tuple(truth["entity"].unique()) for e in unmapped["entity"].unique()}
        u_prec, _ = overlap_scores(unmapped, truth, any_truth)
        out["presidio"] = {
            "recognizers": recognizers,
            "seconds": seconds,
            "texts_per_s": len(texts) / seconds,
            "precision": p_prec,
            "recall": p_rec,
            "unmapped": u_prec,
        }

    entities = sorted(set(truth["entity"].unique()) | set(SPAN_TARGETS))
    reverse = {e: label for label, es in PRESIDIO_MAP.items() for e in es}

    def presidio_cell(entity: str) -> list[Any]:
        if pres is None:
            return ["-", "-"]
        label = reverse.get(entity)
        r = out["presidio"]["recall"].get(entity, {}).get("recall")
        p = out["presidio"]["precision"].get(label, {}).get("precision") if label else None
        return [f"{label or 'no entity'}: {'-' if p is None else f'{p:.3f}'}", r]

    show(
        "B/C. Spans in hotline `content` (match: same row, same entity, overlapping offsets)",
        ["entity", "truth", "target R", "find_spans P", "find_spans R",
         "scan_frame P", "scan_frame R", "Presidio label: P", "Presidio R"],
        [
            [
                e,
                out["scan_frame"]["entities"].get(e, {}).get("truth", 0),
                SPAN_TARGETS.get(e),
                ours_pr[0].get(e, {}).get("precision") if ours_pr else None,
                ours_pr[1].get(e, {}).get("recall") if ours_pr else None,
                scan["entities"].get(e, {}).get("precision"),
                scan["entities"].get(e, {}).get("recall"),
                *presidio_cell(e),
            ]
            for e in entities
        ],
    )  # fmt: skip
    extra_ours = sorted(set(ours_pr[0]) - set(entities)) if ours_pr else []
    if extra_ours:
        show(
            "B. find_spans entities with no truth spans (all counted as false positives)",
            ["entity", "predicted"],
            [[e, ours_pr[0][e]["predicted"]] for e in extra_ours] if ours_pr else [],
        )
    rates: list[tuple[str, float]] = [("scan_frame (extra=True)", scan["texts_per_s"])]
    if ours_pr:
        rates.insert(0, ("find_spans", out["find_spans"]["texts_per_s"]))
    base = None
    if pres is not None:
        unmapped_rows = sorted(out["presidio"]["unmapped"].items())
        show(
            "C. Presidio entities with no counterpart (overlap with any truth span)",
            ["Presidio entity", "predicted", "overlapping a truth span"],
            [[k, v["predicted"], v["matched"]] for k, v in unmapped_rows],
        )
        base = out["presidio"]["texts_per_s"]
        rates.append(("Presidio AnalyzerEngine, defaults (baseline)", base))
    show(
        f"B/C. Speed on {len(texts):,} texts",
        ["detector", "texts/s", "vs Presidio"],
        [[name, f"{rate:,.0f}", f"x{rate / base:.2f}" if base else "-"] for name, rate in rates],
    )
    return out


# ---------------------------------------------------------------- D: presidio-structured


def part_d(
    resources: dict, truth: pl.DataFrame, ours: dict[str, Any], sample: int
) -> dict[str, Any]:
    """presidio-structured's per-column entity (values only: headers play no part, so one run
    stands for all three variants), reduced to direct identifier or not."""
    try:
        from presidio_structured import PandasAnalysisBuilder
    except ImportError as exc:
        reason = f"presidio-structured not installed (pip install -e '.[bench]'): {exc}"
        print(f"\nD. skipped: {reason}")
        return {"skipped": reason}
    builder = PandasAnalysisBuilder(analyzer=offline_analyzer())
    rows, t0 = [], time.perf_counter()
    for resource, info in resources.items():
        # its batch analyzer takes str/int/float/bool only: dates would raise, so all as text
        frame = read_sample(Path(info["path"]), sample).cast(pl.String).to_pandas()
        mapping = builder.generate_analysis(frame, n=sample, language="en").entity_mapping
        rows += [{"resource": resource, "column": c, "ps_entity": mapping.get(c)} for c in frame]
    seconds = time.perf_counter() - t0
    frame = truth.join(pl.DataFrame(rows), on=["resource", "column"], how="left").with_columns(
        ps_category=pl.when(
            pl.col("ps_entity").is_not_null() & ~pl.col("ps_entity").is_in(PRESIDIO_NOT_DIRECT)
        )
        .then(pl.lit(DIRECT))
        .otherwise(pl.lit("not direct"))
    )
    scores = column_scores(frame, "ps_category")
    scores.pop("category_correct")
    scores.pop("category_accuracy")
    scores["seconds"] = round(seconds, 2)
    scores["sample_rows"] = sample
    scores["columns_detail"] = frame.select(
        "resource", "column", "category", "entity", "ps_entity", "ps_category"
    ).to_dicts()
    show(
        f"D. Direct identifiers by column: ours vs presidio-structured ({sample:,}-row samples)",
        ["classifier", "direct recall", "non-personal->direct", "other->direct"],
        [
            *(
                [
                    f"ours, {v}",
                    f"{ours[v]['direct_found']}/{ours[v]['direct_total']}",
                    ours[v]["non_personal_called_direct"],
                    ours[v]["other_called_direct"],
                ]
                for v in ours
            ),
            [
                "presidio-structured (any variant)",
                f"{scores['direct_found']}/{scores['direct_total']}",
                scores["non_personal_called_direct"],
                scores["other_called_direct"],
            ],
        ],
    )
    show(
        "D. presidio-structured's entity per column",
        ["resource", "column", "truth", "presidio-structured"],
        [
            [r["resource"], r["column"], f"{r['category']}/{r['entity']}", r["ps_entity"]]
            for r in scores["columns_detail"]
        ],
    )
    return scores


# ---------------------------------------------------------------- main


def _timed(label: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    value = fn()
    print(f"{label}: {time.perf_counter() - t0:.1f}s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows per resource")
    parser.add_argument("--seed", type=int, default=7, help="not the demo seed 20240901")
    parser.add_argument("--structured-rows", type=int, default=1_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sluice-accuracy-") as tmp:
        root = Path(tmp)
        resources = _timed(
            f"generated {args.rows:,} rows per resource, seed {args.seed}",
            lambda: generate(root / "data", rows=args.rows, seed=args.seed),
        )
        truth = pl.read_csv(root / "data" / "_truth" / "columns.csv")
        result: dict[str, Any] = {"rows": args.rows, "seed": args.seed}
        result["columns"] = part_a(resources, truth, root / "variants")
        texts, spans = load_texts(resources, root / "data" / "_truth")
        result["spans"] = part_bc(texts, spans)
        result["structured"] = part_d(resources, truth, result["columns"], args.structured_rows)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
