"""A real headless Chromium for the tests of the HTML pages Sluice writes (the disclosure, the
capability list, statements). It is Debian's Chromium, driven by Playwright; `.ci/run` installs it
where it is missing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
"""Flags for a closed network: without them Chromium keeps dialling Google's hosts."""


def chromium() -> str | None:
    """The Chromium executable: SLUICE_CHROMIUM, else the first one on PATH."""
    named = os.environ.get("SLUICE_CHROMIUM")
    if named:
        return named
    return next((p for n in ("chromium", "chromium-browser") if (p := shutil.which(n))), None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run; pages are opened per test."""
    executable = chromium()
    if executable is None:
        pytest.skip("no Chromium on this machine: apt-get install chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def open_page(browser):
    """Open a local HTML file in a fresh page; console errors and failed requests are kept on
    the page as `problems`, so a test can assert the page loaded cleanly."""
    opened = []

    def open_file(path: Path, width: int = 1280, height: int = 900):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.problems = []
        page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
        page.goto(path.resolve().as_uri())
        opened.append(page)
        return page

    yield open_file
    for page in opened:
        page.close()
