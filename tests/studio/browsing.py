"""A page in Debian's chromium, for the browser tests: Playwright drives /usr/bin/chromium
(never a downloaded browser), and a script error on the page fails the test that opened it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
WAIT_MS = 240_000
"""Generous ceilings on waits that end on the page's own updates (a render on one core)."""


@contextmanager
def browser_page(width: int, height: int = 1000) -> Iterator[Page]:
    """A fresh page `width` CSS pixels wide that accepts downloads; afterwards, no page errors."""
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        browser.close()
    assert not errors, errors
