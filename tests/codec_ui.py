"""An operator's way to the codec server in the Temporal Web UI: sign in with a token on the codec server's page,
and let the UI send that sign-in along (its codec settings: this browser's endpoint, with cross-origin credentials)."""

from __future__ import annotations

from playwright.async_api import Page


async def sign_in(page: Page, api: str, token: str) -> None:
    """Sign in at the codec server's page (`api` is the HTTP API's base URL), signing out first whoever was."""
    await page.goto(f"{api}/codec/")
    if await page.query_selector("text=Sign out"):
        await page.click("text=Sign out")
    await page.fill("input[name=token]", token)
    await page.click("text=Sign in")
    await page.wait_for_selector("text=Signed in as")


async def send_credentials(page: Page, ui: str, api: str) -> None:
    """In the Web UI's codec settings: this browser's endpoint, the API's codec server, with cross-origin credentials."""
    await page.goto(f"{ui}/namespaces/default/workflows")
    await page.click("[data-testid^=data-encoder-status]")
    await page.click("text=Use my browser setting")
    await page.fill("dialog[open] textarea", f"{api}/codec")
    await page.click("dialog[open] >> text=Include cross-origin credentials")
    await page.click("dialog[open] >> text=Apply")
