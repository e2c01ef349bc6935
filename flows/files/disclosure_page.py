"""The annual disclosure as a printable page (disclosure-<year>.html): a Jinja2 template shipped
with the package, in Chinese, every value escaped, nothing fetched from elsewhere."""

from __future__ import annotations

from importlib import resources

import jinja2

from flows.files.page import PRICE_UNITS, PURPOSES
from governance.disclosure.models import Disclosure

MODES = {"whole": "整体授权", "domain": "分领域授权", "scenario": "依场景授权"}
STATUSES = {"active": "有效", "revoked": "已撤销", "expired": "已到期", "live": "在售",
            "suspended": "暂停（异议处理中）", "withdrawn": "已下架"}  # fmt: skip
EXITS = {"withdraw": "产品下架、数据回收域内", "keep": "保留已发布产品，停止新建"}
DELIVERY = {"data_file": "数据文件", "verification_service": "核验服务", "index": "指数"}
UNITS = {**PRICE_UNITS, "month": "元/月", "quarter": "元/季度", "year": "元/年", "free": "免费"}
FIELDS = {"uscc": "统一社会信用代码", "phone": "联系电话", "email": "电子邮箱"}
"""Labels a reader recognises; a value not listed is shown as it is."""


def render_disclosure(document: Disclosure) -> str:
    """The page of one year's disclosure."""
    text = resources.files("flows.files").joinpath("templates", "disclosure.html.j2")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters["label"] = _label
    return environment.from_string(text.read_text("utf-8")).render(d=document)


def _label(value: object) -> str:
    """The Chinese label of a code the document uses, else the value itself."""
    for table in (MODES, STATUSES, EXITS, DELIVERY, PURPOSES, UNITS, FIELDS):
        if isinstance(value, str) and value in table:
            return table[value]
    return "" if value is None else str(value)
