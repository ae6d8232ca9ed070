"""The board and the public consultation pages in a real browser (the system's Chromium through Playwright), served by
the HTTP API's app under uvicorn on 127.0.0.1, over a Temporal dev server, a worker and PostgreSQL.

Every request to anything but 127.0.0.1 is blocked from the first page load. Screenshots go to the artifacts folder
(LEGIS_TEST_ARTIFACTS, by default test-artifacts/ in the working directory), under board/. Each page is checked with
axe-core: no serious or critical violation.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, async_playwright

from activities.calendar import set_session
from api.app import create_app
from schemas.calendar import TargetSession
from schemas.enums import CallerRole, ConsultationKind, Stage
from tests.browser import CHROMIUM, CHROMIUM_ARGS, loopback_only
from tests.drafts import consultation, decision, draft_text, start_request
from tests.http_api import bearer, body
from tests.polling import eventually
from tests.ports import free_port
from workers.settings import Settings
from workers.worker import create_worker

ARTIFACTS = Path(os.environ.get("LEGIS_TEST_ARTIFACTS", "test-artifacts")) / "board"
SERIOUS = ("serious", "critical")

# Titles of this run only: the board reads the registry that other tests' drafts share.
RUN = uuid.uuid4().hex[:6]
POLICY, DRAFTING, TRADE, SECRET = (f"{title} {RUN}" for title in (
    "Luật Giáo dục nghề nghiệp (sửa đổi)", "Luật Nhà giáo", "Luật Thương mại điện tử", "Luật Quốc phòng bí mật"))


@contextlib.asynccontextmanager
async def served(env, pool):
    """The API's app under uvicorn on a free port of 127.0.0.1, with a worker; yields the base URL."""
    task_queue = f"board-{uuid.uuid4().hex[:8]}"
    port = free_port()
    settings = Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none", public_comment_rate="none")
    async with create_worker(env.client, pool, task_queue=task_queue):
        app = create_app(client=env.client, pool=pool, task_queue=task_queue, settings=settings)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
        serving = asyncio.create_task(server.serve())
        try:
            await eventually(lambda: asyncio.sleep(0, server.started), bool, seconds=20)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await asyncio.wait_for(serving, 20)


async def seed(base: str, pool) -> dict[str, str]:
    """A session ahead; drafts of two ministries at three stages, one classified; a public round open."""
    opens_on = (datetime.now(UTC) + timedelta(days=120)).date()
    session = TargetSession(legislature=16, session=7, opens_on=opens_on)
    async with pool.acquire() as connection:
        await set_session(connection, session, changed_by="board test")
    ids = {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as api:
        for key, ministry, title, stages, classified in (
            ("policy", "BGDDT", POLICY, [], False),
            ("drafting", "BGDDT", DRAFTING, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME], False),
            ("trade", "BCT", TRADE, [Stage.POLICY_PROPOSAL], False),
            ("secret", "BQP", SECRET, [], True),
        ):
            request = start_request(ministry=ministry, classified=classified, target=session).model_copy(update={"title": title})
            lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
            assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
            for stage in stages:
                role, agency = ((CallerRole.GOVERNMENT, "CP") if stage is Stage.POLICY_PROPOSAL else (CallerRole.UBTVQH, "UBTVQH"))
                sent = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, stage)),
                                      headers=await bearer(pool, agency, role))
                assert sent.status_code == 200, sent.text
            ids[key] = request.submission_id
            if key == "drafting":
                filed = await api.post(f"/v1/submissions/{request.submission_id}/dossier", json=body(draft_text(request)), headers=lead)
                assert filed.status_code == 200, filed.text
                opened = await api.post(f"/v1/submissions/{request.submission_id}/consultations", headers=lead,
                                        json=body(consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING)))
                assert opened.status_code == 200, opened.text
    await eventually(lambda: pool.fetchval("SELECT count(*) FROM public_rounds WHERE submission_id = $1", ids["drafting"]), lambda n: n == 1)
    await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = ANY($1)", list(ids.values())),
                     lambda n: n == 4)
    return ids


async def checked(page: Page, shot: str) -> str:
    """Screenshot, axe-core (no serious or critical violation), and the page's text."""
    await page.screenshot(path=ARTIFACTS / shot, full_page=True)
    results = await Axe().run(page)
    serious = [(v["id"], v["impact"], v["help"]) for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, f"{shot}: {serious}"
    return await page.inner_text("body")


async def sign_in(page: Page, base: str, token: str) -> None:
    await page.goto(f"{base}/board")
    await page.fill("#token", token)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/board")


@pytest.mark.timeout(300)
async def test_the_board_and_the_public_page_in_a_browser(dev_env, pool):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with served(dev_env, pool) as base:
        ids = await seed(base, pool)
        operator = (await bearer(pool, "VPCP", CallerRole.OPERATOR))["Authorization"].removeprefix("Bearer ")
        government = (await bearer(pool, "CP", CallerRole.GOVERNMENT))["Authorization"].removeprefix("Bearer ")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            blocked = await loopback_only(context)
            page = await context.new_page()

            await page.goto(f"{base}/board")
            assert "/board/signin" in page.url
            await checked(page, "signin.png")
            await sign_in(page, base, operator)
            cookie = next(c for c in await context.cookies() if c["name"] == "legis_token")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert operator not in page.url

            sessions = await checked(page, "sessions-ahead.png")
            assert "16-7" in sessions and DRAFTING in sessions and TRADE in sessions
            assert "Đúng tiến độ" in sessions or "Có nguy cơ chậm" in sessions or "Lỡ hạn" in sessions
            assert SECRET not in sessions and ids["secret"] not in sessions

            await page.goto(f"{base}/board/drafts")
            listed = await checked(page, "drafts.png")
            assert "Soạn thảo" in listed and "Lập đề xuất chính sách" in listed  # the rulebook's name_vi
            assert ids["secret"] not in listed
            await page.select_option("#ministry", "BCT")
            await page.click("form.filters button[type=submit]")
            await page.wait_for_url("**ministry=BCT**")
            only_bct = await page.inner_text("main")
            assert TRADE in only_bct and DRAFTING not in only_bct
            await page.goto(f"{base}/board/drafts?q={urllib.parse.quote('Nhà giáo')}&stage=DRAFTING")
            found = await page.inner_text("main")
            assert DRAFTING in found and TRADE not in found
            await page.goto(f"{base}/board/drafts?ministry=BQP")
            assert ids["secret"] not in await page.inner_text("main")
            await page.goto(f"{base}/board/drafts/{ids['secret']}")
            assert "Luật Quốc phòng" not in await page.inner_text("body")

            await page.goto(f"{base}/board/drafts/{ids['drafting']}")
            timeline = await checked(page, "draft-timeline.png")
            assert "Chương trình lập pháp hằng năm" in timeline and "cong-khai" in timeline
            # Its next cut-off (the Government's decision, 45 days before the session) with the board's mark for it.
            assert "Hạn chót tiếp theo" in timeline and await page.locator(".grid .mark.ON_TRACK").count() == 1
            assert await page.get_attribute("a[href*='/workflows/draft-law-']", "href")

            await page.goto(f"{base}/board/ministries")
            report = await checked(page, "ministries.png")
            assert await page.locator("figure.chart svg[role=img]").count() == 2
            assert "Tất cả cơ quan" in report
            async with page.expect_download() as download:
                await page.click("a[download]")
            assert (await (await download.value).path()).read_text().startswith("agency,finished_on_time")

            await page.click("a[hreflang=en]")
            await page.wait_for_url(f"{base}/board/ministries")
            assert "Quarterly trend" in await checked(page, "ministries-en.png")
            await page.click("a[hreflang=vi]")

            # The Government's inbox: a decision without the documents the stage needs is refused with its rule.
            await page.click("button:has-text('Đăng xuất')")
            await sign_in(page, base, government)
            await page.goto(f"{base}/board/inbox")
            inbox = await checked(page, "inbox.png")
            assert POLICY in inbox and DRAFTING not in inbox
            card = page.locator("section.card", has_text=POLICY)
            await card.locator("summary").click()
            await card.locator("select[name=outcome]").select_option("APPROVE")
            await card.locator("input[name=official]").fill("Phó Thủ tướng")
            await card.locator("button[type=submit]").click()
            refused = await page.inner_text("div.refusal")
            assert "rule" in refused or "quy tắc" in refused
            await checked(page, "inbox-refusal.png")

            # A classified draft's own lead ministry reads its title on its page (found by a fresh-user trial: only its
            # ID, the registry holding no classified title); the draft tells it.
            await page.click("button:has-text('Đăng xuất')")
            await sign_in(page, base, (await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY))["Authorization"].removeprefix("Bearer "))
            await page.goto(f"{base}/board/drafts/{ids['secret']}")
            assert SECRET in await page.inner_text("h1")
            # Filtered to its own drafts: the list shows its first 200 by deadline, and the suite's other drafts share the database.
            await page.goto(f"{base}/board/drafts?ministry=BQP")
            assert SECRET in await page.inner_text("main")  # the list too (found by the re-check: only its ID there)
            assert "MẬT: không chia sẻ" in await page.inner_text("main")  # and marked so (found by a new user)
            await page.goto(f"{base}/board")
            assert SECRET in await page.inner_text("main")  # and the sessions ahead (found by a new user: only its ID there)

            # On a phone's 360 px, every page of the board fits: no page scrolls sideways (found by a new user: the drafts
            # list was 868 px wide, its stage filter as wide as its longest choice; the sign-in page 567 px).
            phone = await browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
            blocked_phone = await loopback_only(phone)
            small = await phone.new_page()
            await small.goto(f"{base}/board/signin")
            assert await small.evaluate("document.documentElement.scrollWidth") <= 360
            await sign_in(small, base, (await bearer(pool, "VPCP", CallerRole.OPERATOR))["Authorization"].removeprefix("Bearer "))
            for path in ("/board", "/board/drafts", "/board/inbox", "/board/ministries", f"/board/drafts/{ids['drafting']}"):
                await small.goto(f"{base}{path}")
                assert await small.evaluate("document.documentElement.scrollWidth") <= 360, path
            await phone.close()
            assert not blocked_phone, blocked_phone

            public = await browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # a phone
            blocked_public = await loopback_only(public)
            citizen = await public.new_page()
            await citizen.goto(f"{base}/public")
            assert DRAFTING in await checked(citizen, "public-list.png")
            assert "Luật Quốc phòng" not in await citizen.inner_text("body")
            await citizen.click(f"text={DRAFTING}")
            before = int((await citizen.inner_text("#comment-count")).replace(".", "").replace(",", ""))
            await citizen.fill("#article", "5")
            await citizen.fill("#text", "Đề nghị bổ sung quy định về đào tạo giáo viên tại Điều 5.")
            await citizen.click("form.card button[type=submit]")
            await citizen.wait_for_url("**received=**")
            after = int((await citizen.inner_text("#comment-count")).replace(".", "").replace(",", ""))
            assert after == before + 1
            await checked(citizen, "public-round.png")
            await citizen.fill("#article", "0")
            await citizen.fill("#text", "Điều không tồn tại.")
            await citizen.click("form.card button[type=submit]")
            # The field by its name on the form, its code in the markup only (a citizen reads no code).
            refused = citizen.locator('div.refusal li[data-field="article"]')
            assert "Điều" in await refused.inner_text() and "article" not in await citizen.inner_text("div.refusal")
            assert not blocked and not blocked_public, (blocked, blocked_public)
            await browser.close()
