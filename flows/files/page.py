"""The capability list as a page (published/index.html): the page a consumer opens first,
rendered from the same rows as catalog.parquet by a Jinja2 template shipped with the package,
with every value escaped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import jinja2

PAGE = "index.html"
AUDIT_FILES = {"audit-checkpoints": "审计日志签名检查点", "audit-public-key.pem": "审计公钥"}
"""Files beside the list that let anyone check the audit log, linked when present."""

SUPPLY_MODES = {"shared": "共享", "open": "开放", "authorized": "授权运营"}
PURPOSES = {"public_welfare": "公益", "industry": "产业"}
KIND_LABELS = {
    "model": "统计模型",
    "microdata": "匿名化个体数据",
    "verification": "核验服务",
    "index": "指数",
}
PRICE_UNITS = {
    "per_call": "元/次",
    "per_period": "元/期",
    "per_volume": "元/数据量",
    "per_product": "元/份",
}
CHECKS = {
    "no_direct_identifiers": "无直接标识符",
    "pii_scan": "个人信息扫描",
    "dimension_values": "维度取值扫描",
    "min_group_size": "最小分组",
    "index_min_group_size": "指数最小分组",
    "no_differencing": "防差分推算",
    "linked_tables": "关联表审计",
    "differential_privacy": "差分隐私",
    "quasi_identifiers": "准标识符",
    "k_anonymity": "k-匿名",
    "l_diversity": "l-多样性",
    "t_closeness": "t-接近",
    "re_identification_risk": "重识别风险",
    "linkage": "关联风险",
    "verification_index": "核验索引",
}
"""Labels a reader recognises; a name not listed here is shown as it is."""


def render_page(
    rows: Sequence[Mapping[str, Any]], generated_at: dt.datetime, present: set[str]
) -> str:
    """The page for the capability list's rows; `present` names the files in published/, so
    only the audit files that exist are linked."""
    return _template().render(
        rows=[_shown(row) for row in rows],
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        audit_files={name: label for name, label in AUDIT_FILES.items() if name in present},
    )


def _shown(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row with the labels and figures the page shows."""
    checks = [c for c in (row["privacy_checks"] or "").split(", ") if c]
    return {
        **row,
        "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
        "supply_label": SUPPLY_MODES.get(row["supply_mode"], row["supply_mode"]),
        "purpose_label": PURPOSES.get(row["purpose"], row["purpose"]),
        "price_label": _price(row["price"], row["price_unit"]),
        "suppressed_label": _share(row["suppressed_share"]),
        "suppressed_note": "差分隐私：加噪，不抑制" if "differential_privacy" in checks else None,
        "checks": [(c, CHECKS.get(c, c)) for c in checks],
        "resources": row["resource"].split(","),
        "manifest": row["path"].rsplit("/", 1)[0] + "/manifest.json",
        "date": row["created_at"][:10],
    }


def _price(amount: float | None, unit: str | None) -> str:
    if not amount or unit is None:
        return "免费"
    return f"{amount:g} {PRICE_UNITS.get(unit, unit)}"


def _share(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def _template() -> jinja2.Template:
    text = resources.files("flows.files").joinpath("templates", "capability_list.html.j2")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(text.read_text("utf-8"))
