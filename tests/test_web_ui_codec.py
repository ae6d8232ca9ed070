"""What the Temporal Web UI of `legis dev` shows of a draft's sealed payloads: ciphertext to a browser that has not
signed in to the codec server, the draft's title once it has, and a classified draft's title to its own lead
ministry only. Headless Chromium (Debian's package), as in test_web_ui."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import uuid

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS, loopback_only
from tests.codec_ui import send_credentials, sign_in
from tests.drafts import example_text
from tests.stack import stack_env, start_stack, stop_stack
from tests.test_web_ui import ARTIFACTS, rendered_text, token
from workers.dev_stack import temporal_binary

# What the UI shows of a payload it could not decode: its data, the nonce and ciphertext in base64.
CIPHERTEXT = re.compile(r'Input\s+"([A-Za-z0-9+/]{200,}={0,2})"')


def is_json(data: bytes) -> bool:
    """Whether a payload's data reads as JSON; a sealed one's nonce starts with `{` one time in 256."""
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


async def sealed_input(page: Page) -> str:
    """The page's text once it shows the draft's input as ciphertext (and not as JSON)."""
    for _ in range(60):
        text = await page.inner_text("body")
        if (found := CIPHERTEXT.search(text)) and not is_json(base64.b64decode(found.group(1))):
            return text
        await page.wait_for_timeout(500)
    raise AssertionError(f"the input never showed as ciphertext; the page read:\n{text}")


async def start_input(command: list[str]) -> tuple[str, str | None]:
    """The encoding of the start input in the history that `temporal workflow show --output json` prints, and the
    title it holds when it is JSON."""
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    [payload] = json.loads(out)["events"][0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"]
    encoding = base64.b64decode(payload["metadata"]["encoding"]).decode()
    return encoding, json.loads(base64.b64decode(payload["data"]))["title"] if encoding == "json/plain" else None


async def started(env, api: str, ministry: str, title: str, *, classified: bool) -> str:
    start = json.loads(example_text("start-request.json"))
    sid = f"UI-SEALED-{uuid.uuid4().hex[:6]}"
    request = start | {"submission_id": sid, "lead_ministry": ministry, "title": title, "law_kind": "NEW_LAW", "amended_law": None,
                       "classified": classified}
    async with httpx.AsyncClient(base_url=api, timeout=30) as http:
        response = await http.post("/v1/submissions", json=request, headers=await token(env, ministry, "LEAD_MINISTRY"))
    assert response.status_code == 201, response.text
    return f"draft-law-{sid}"


@pytest.mark.timeout(240)
async def test_the_web_ui_shows_a_drafts_input_sealed_until_the_codec_server_opens_it(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = stack_env(tmp_path / "data")
    ui, api = f"http://127.0.0.1:{env['LEGIS_UI_PORT']}", f"http://127.0.0.1:{env['LEGIS_API_PORT']}"
    run = uuid.uuid4().hex[:6]
    ordinary, secret = f"Luật Thư viện {run}", f"Luật Bảo vệ bí mật {run}"
    process, _ = await start_stack(env)
    try:
        ordinary_id = await started(env, api, "BGDDT", ordinary, classified=False)
        secret_id = await started(env, api, "BCT", secret, classified=True)
        operator = (await token(env, "VPCP", "OPERATOR"))["Authorization"].removeprefix("Bearer ")
        bct = (await token(env, "BCT", "LEAD_MINISTRY"))["Authorization"].removeprefix("Bearer ")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1600, "height": 1000})
            await loopback_only(page)

            await page.goto(f"{ui}/namespaces/default/workflows/{ordinary_id}")
            shown = await sealed_input(page)
            await page.screenshot(path=ARTIFACTS / "input-sealed.png", full_page=True)
            assert ordinary not in shown

            await send_credentials(page, ui, api)
            await sign_in(page, api, operator)
            await page.goto(f"{ui}/namespaces/default/workflows/{ordinary_id}")
            shown = await rendered_text(page, ordinary)
            await page.screenshot(path=ARTIFACTS / "input-opened.png", full_page=True)
            assert f'"title": "{ordinary}"' in shown and not CIPHERTEXT.search(shown)

            # An operator does not read a classified draft; its own lead ministry does.
            await page.goto(f"{ui}/namespaces/default/workflows/{secret_id}")
            shown = await sealed_input(page)
            assert secret not in shown
            await sign_in(page, api, bct)
            await page.goto(f"{ui}/namespaces/default/workflows/{secret_id}")
            await rendered_text(page, f'"title": "{secret}"')
            await page.screenshot(path=ARTIFACTS / "classified-input-opened.png", full_page=True)
            await browser.close()

        # The Temporal CLI speaks the same protocol, with the token in its --codec-auth.
        show = [temporal_binary(), "workflow", "show", "-w", ordinary_id, "--address", env["LEGIS_TEMPORAL_ADDRESS"], "--output", "json"]
        assert await start_input(show) == ("binary/encrypted", None)
        opened = await start_input([*show, "--codec-endpoint", f"{api}/codec", "--codec-auth", f"Bearer {operator}"])
        assert opened == ("json/plain", ordinary)
        # The README's query through the codec: a query without arguments is sent to /codec/encode as `{}` (found by a
        # fresh-user trial: refused as malformed, so no query could be run from the CLI).
        query = [temporal_binary(), "workflow", "query", "-w", ordinary_id, "--name", "status", "--address", env["LEGIS_TEMPORAL_ADDRESS"],
                 "--codec-endpoint", f"{api}/codec", "--codec-auth", f"Bearer {operator}", "--output", "json"]
        queried = await asyncio.create_subprocess_exec(*query, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await queried.communicate()
        assert queried.returncode == 0, err.decode()
        assert ordinary in out.decode() and '"POLICY_PROPOSAL"' in out.decode()
    finally:
        await stop_stack(process, env)
