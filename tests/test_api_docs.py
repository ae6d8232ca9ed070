"""The API's interactive documentation in a browser with the network closed: Swagger UI and ReDoc load their scripts
and styles from the API itself and show the operations."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from api.app import create_app
from tests.browser import CHROMIUM, CHROMIUM_ARGS, loopback_only
from tests.ports import free_port
from workers.health import serving

ARTIFACTS = Path(os.environ.get("LEGIS_TEST_ARTIFACTS", "test-artifacts")) / "api-docs"
API_DOC = Path(__file__).parent.parent / "api" / "openapi.json"


def test_committed_openapi_document_is_current():
    assert json.loads(API_DOC.read_text(encoding="utf-8")) == create_app().openapi(), "run `legis openapi > api/openapi.json`"


@pytest.mark.timeout(120)
async def test_docs_and_redoc_render_with_nothing_from_outside(dev_env, pool):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    async with serving(create_app(client=dev_env.client, pool=pool), "127.0.0.1", port), async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        refused = await loopback_only(page)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))

        await page.goto(f"http://127.0.0.1:{port}/docs")
        await page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        assert "/v1/submissions/{submission_id}/decisions" in await page.inner_text("body"), refused
        assert await page.is_visible("button.authorize"), "Swagger's Authorize button (the bearer scheme)"
        await page.screenshot(path=ARTIFACTS / "swagger.png")

        await page.goto(f"http://127.0.0.1:{port}/redoc")
        await page.wait_for_selector("h1:has-text('legis')", timeout=30_000)
        assert "/v1/submissions/{submission_id}/decisions" in await page.inner_text("body")
        await page.screenshot(path=ARTIFACTS / "redoc.png")
        await browser.close()
    assert refused == [] and failed == [], (refused, failed)
