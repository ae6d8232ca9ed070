"""Headless Chromium for the browser tests: Debian's package (never a downloaded browser), and no request leaving
127.0.0.1 from the first page load on."""

from __future__ import annotations

import shutil
import urllib.parse

from playwright.async_api import BrowserContext, Page, Route

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium as root on a machine with no network but loopback (see the README's test section).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


async def loopback_only(page: Page | BrowserContext) -> list[str]:
    """Refuse every request of `page` (or of every page of a browser context) to anything but 127.0.0.1, from its first
    load on; returns the list the refused URLs are added to, so that a test can show that a page needed nothing from
    outside."""
    refused: list[str] = []

    async def route(request: Route) -> None:
        if urllib.parse.urlsplit(request.request.url).hostname == "127.0.0.1":
            await request.continue_()
        else:
            refused.append(request.request.url)
            await request.abort()

    await page.route("**/*", route)
    return refused
