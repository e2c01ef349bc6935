"""An attacker who controls every text a manifest puts on the capability list's page (a
product's title, its resource and department, the authorization and scenario names, even the
name of its folder) tries to run script in a reader's browser, to add a row for a product that
is not published, or to point a link away from published/. The attacker reads the page with
the standard library's HTML parser, as a browser would tokenise it; it shares no code with
Sluice."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import polars as pl

from flows.files import published as pub

PAYLOADS = [
    "<script>window.pwned=1</script>",
    '"><img src=x onerror="window.pwned=1">',
    "' onmouseover='window.pwned=1",
    '</td></tr><tr data-product="forged"><td>伪造产品</td></tr>',
    "{{ 7919*104729 }}{% if true %}x{% endif %}",
]


class Reader(HTMLParser):
    """What the page would make a browser build: tags, attributes, rows and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.rows: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag == "tr" and dict(attrs).get("data-product"):
            self.rows.append(dict(attrs)["data-product"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def hostile_manifest(product: str, payload: str) -> dict:
    return {
        "product": product,
        "title": payload,
        "kind": payload,
        "supply_mode": payload,
        "purpose": payload,
        "authorization": payload,
        "resource": {"id": payload, "department": payload},
        "parameters": {"scenario": payload, "price": {"amount": 1.0, "unit": payload}},
        "scenario": {"id": payload, "title": payload},
        "version": 1,
        "created_at": payload,
        "rows": 1,
        "privacy_checks": [{"name": payload, "passed": True, "figures": {}}],
        "data": {"file": "data.parquet"},
    }


def publish_hostile(publish_dir: Path) -> list[str]:
    folders = [f"p{i}" for i in range(len(PAYLOADS))] + ["javascript:window.pwned=1"]
    for folder, payload in zip(folders, [*PAYLOADS, PAYLOADS[0]], strict=True):
        version = publish_dir / folder / "v1"
        version.mkdir(parents=True)
        manifest = hostile_manifest(folder, payload)
        (version / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        pl.DataFrame({"n": [1]}).write_parquet(version / "data.parquet")
    return folders


def test_no_text_of_a_manifest_becomes_markup(tmp_path):
    folders = publish_hostile(tmp_path)
    pub.write_catalog(tmp_path)
    reader = Reader()
    reader.feed((tmp_path / "index.html").read_text("utf-8"))

    assert "script" not in reader.tags and "img" not in reader.tags
    assert not [name for name, _ in reader.attributes if name.startswith("on")]
    assert sorted(reader.rows) == sorted(folders)  # no forged row
    links = [value for name, value in reader.attributes if name == "href"]
    assert links and all(link.startswith("./") for link in links)  # never a javascript: URL
    text = "".join(reader.text)
    assert all(payload in text for payload in PAYLOADS)  # shown as text, and not evaluated
    assert str(7919 * 104729) not in text  # a product no date, count or id can spell


def test_a_hostile_page_runs_nothing_in_a_browser(tmp_path, open_page):
    publish_hostile(tmp_path)
    pub.write_catalog(tmp_path)
    page = open_page(tmp_path / "index.html")
    for link in page.locator("a").all():
        link.hover()
    assert page.evaluate("window.pwned") is None
    assert page.locator("tbody tr").count() == len(PAYLOADS) + 1
