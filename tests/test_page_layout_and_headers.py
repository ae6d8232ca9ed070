"""The pages as input valid by every rule of the messages leaves them (found by a breaker of the public pages): a long word,
an explanation of several lines, and the headers that keep them from being framed, sniffed or stored. Through the API's
app and a real PostgreSQL (no Temporal needed); the browser tests block every request not to 127.0.0.1 from the first
page load."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

from playwright.async_api import Page, async_playwright

from schemas.enums import DocumentKind
from schemas.messages import DocumentRef
from tests.browser import CHROMIUM, CHROMIUM_ARGS, loopback_only
from tests.http_api import served_api
from tests.test_board_forms import app_client, posted_round

# A document's name as ministries file it, a file name (a `DocumentName`: one line, visible characters, up to 300).
FILE_NAME = "Du_thao_Luat_Giao_duc_nghe_nghiep_sua_doi_trinh_Chinh_phu_lan_3_ngay_01_12_2026.docx"


async def filed(pool, sid: str, *documents: DocumentRef) -> None:
    """The draft's dossier as its audit trail records a filing (version 1) before its round was posted: what the round's page lists."""
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, documents, version) "
                       "VALUES ($1, 2, $2, now() - interval '1 hour', 'DOSSIER_FILED', 'DRAFTING', 'DRAFTING', $3::jsonb, 1)", sid, f"draft-law-{sid}",
                       json.dumps([d.model_dump(mode="json", exclude_none=True) for d in documents]))


@contextlib.asynccontextmanager
async def on_a_phone(pool, path: str, width: int = 375) -> AsyncIterator[Page]:
    """The page at `path` of the API served here, in Chromium 375 px wide (or `width`), every request not to 127.0.0.1
    blocked (and none attempted, checked on leaving)."""
    async with served_api(pool, public_comment_rate="none") as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
            blocked = await loopback_only(context)
            page = await context.new_page()
            await page.goto(f"{base}{path}")
            yield page
            assert blocked == []
        finally:
            await browser.close()


async def test_a_posted_drafts_page_on_a_phone_is_no_wider_than_the_phone_whatever_its_documents_names(pool):
    """A file name, one long word, pushed the whole public page (its form and the answers) sideways: 375 px wide, it
    scrolled to 804 px. A table may scroll on its own on a phone (board.css); the page may not."""
    sid = await posted_round(pool, "WIDE")
    published = DocumentRef(kind=DocumentKind.DRAFT_TEXT, name=FILE_NAME, sha256="7" * 64, url="https://duthaoonline.quochoi.vn/1")
    await filed(pool, sid, published)
    async with on_a_phone(pool, f"/public/{sid}/cong-khai") as page:
        assert FILE_NAME in await page.inner_text("main")
        wide, screen = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= screen, f"the page is {wide} px wide on a phone {screen} px wide"


async def test_an_explanation_s_lines_and_paragraphs_reach_the_public_as_written(pool):
    """The lead ministry's explanation (giải trình) is text of several lines (`text(20000)`, newlines kept); the round's
    page put it in a table cell as HTML collapses it, every line break a space: its numbered points ran together."""
    sid = await posted_round(pool, "LINES")
    explanation = "Ban soạn thảo giải trình như sau:\n1. Thời hạn giữ như dự thảo.\n2. Khoản 3 được bỏ."
    await pool.execute("INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
                       "VALUES ($1, 'cong-khai', 3, 'EXPLAINED', $2, 'Vụ trưởng')", sid, explanation)
    async with served_api(pool, public_comment_rate="none") as base, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
            await loopback_only(context)
            page = await context.new_page()
            await page.goto(f"{base}/public/{sid}/cong-khai")
            shown = await page.inner_text("table")
            assert "như sau:\n1. Thời hạn" in shown and "dự thảo.\n2. Khoản" in shown, shown
        finally:
            await browser.close()


# Each header cell of the page's tables: its text, and whether its widest word fits on its line unbroken.
_WORDS_FIT = """() => [...document.querySelectorAll('main th')].map(th => {
  const probe = document.createElement('span');
  probe.style.whiteSpace = 'nowrap';
  probe.style.font = getComputedStyle(th).font;
  document.body.appendChild(probe);
  const widest = Math.max(...th.innerText.split(/\\s+/).map(word => { probe.textContent = word; return probe.getBoundingClientRect().width; }));
  probe.remove();
  const style = getComputedStyle(th);
  return [th.innerText, widest <= th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) + 0.5];
})"""


async def test_the_answers_table_on_a_phone_breaks_no_word_of_its_headings(pool):
    """Found by a public trial: at 375 px the answers' table squeezed its short columns to a letter, "Điề|u", "Tr|ả lời",
    "Số|ý|kiế|n", beside a long explanation (`overflow-wrap: anywhere` lets a cell's minimum width shrink to one letter)."""
    sid = await posted_round(pool, "NARROW")
    explanation = "Ban soạn thảo tiếp thu ý kiến và chỉnh lý khoản 2 theo hướng quy định rõ thẩm quyền của cơ quan quản lý. " * 4
    await pool.execute("INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
                       "VALUES ($1, 'cong-khai', 3, 'EXPLAINED', $2, 'Vụ trưởng')", sid, explanation)
    async with on_a_phone(pool, f"/public/{sid}/cong-khai") as page:
        fits = await page.evaluate(_WORDS_FIT)
        assert fits and all(fit for _, fit in fits), fits


# A law cited by its address, as ministries cite them: one word of 90 characters, and one of 220 with a query string.
CITED = "https://thuvienphapluat.vn/van-ban/Bat-dong-san/Luat-Dat-dai-2024-31-2024-QH15-523642.aspx"
LONG_LINK = ("https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=168341&Keyword=Lu%E1%BA%ADt%20%C4%91%E1%BA%A5t%20%C4%91ai"
             "%20s%E1%BB%91%2031%2F2024%2FQH15&dvid=13&ref=giai-trinh-tiep-thu-y-kien-nhan-dan-du-thao-luat-dat-dai-sua-doi")


async def answered_with(pool, name: str, *explanations: tuple[int, str]) -> str:
    """A closed round whose answers give these explanations, by article: its submission ID."""
    sid = await posted_round(pool, name, closes_at="now() - interval '1 hour'")
    for article, explanation in explanations:
        await pool.execute("INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
                           "VALUES ($1, 'cong-khai', $2, 'EXPLAINED', $3, 'Vụ trưởng')", sid, article, explanation)
    return sid


async def test_an_explanation_citing_a_law_by_its_address_keeps_every_answer_within_a_phones_width(pool):
    """Found by the public's trial: one explanation citing a law by its address made the answers' table 412 px wide in
    359 at 375 px, so every explanation in it, not that one alone, was cut at the screen's edge mid-word and read only by
    scrolling the table sideways (a cell's `overflow-wrap: break-word` does not lower its column's least width)."""
    sid = await answered_with(pool, "CITE", (7, "Không tiếp thu vì trái Hiến pháp."),
                              (12, f"Ban soạn thảo tiếp thu một phần. Căn cứ Điều 12 Luật Đất đai 2024, xem {CITED} tại khoản 3."))
    async with on_a_phone(pool, f"/public/{sid}/cong-khai") as page:
        assert "trái Hiến pháp" in await page.inner_text("table")
        page_wide, screen = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        table_wide, table_shown = await page.evaluate("(() => { const t = document.querySelector('table'); return [t.scrollWidth, t.clientWidth] })()")
        assert page_wide <= screen, f"the page is {page_wide} px wide on a phone {screen} px wide"
        assert table_wide <= table_shown, f"the answers' table is {table_wide} px wide in {table_shown} px: its explanations are cut"
        fits = await page.evaluate(_WORDS_FIT)
        assert fits and all(fit for _, fit in fits), fits  # the short columns keep their words whole


async def test_an_explanation_with_a_long_link_does_not_widen_the_page_on_a_desktop(pool):
    """The same table on a 1280 px screen: a link of 220 characters pushed the page to 1,382 px, the header bar ending
    short of the content."""
    sid = await answered_with(pool, "LINK", (3, f"Xem văn bản tại {LONG_LINK}."))
    async with on_a_phone(pool, f"/public/{sid}/cong-khai", width=1280) as page:
        assert LONG_LINK in (await page.inner_text("table")).replace("\n", "")
        page_wide, screen = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page_wide <= screen, f"the page is {page_wide} px wide on a screen {screen} px wide"


async def test_the_pages_forbid_framing_and_sniffing_and_the_report_s_csv_is_not_stored(pool):
    """The codec server's pages say `Content-Security-Policy: ... frame-ancestors 'none'` (`api.codec_server`); the public
    pages and the board's, which hold forms (a comment, a decision, sign-in and sign-out), said nothing: any site could
    frame them, and no policy stood behind the templates' escaping. Every page, and the signed-in operator's CSV of the
    deadline report, which alone among the board's answers had no `Cache-Control: no-store`."""
    from api.tokens import issue
    from schemas.enums import CallerRole
    from tests.test_board_forms import token_of

    sid = await posted_round(pool, "HEAD")
    _, secret = await issue(pool, agency_code="VPCP", role=CallerRole.OPERATOR, issued_by="test")
    async with app_client(pool) as http:
        pages = {path: await http.get(path) for path in ("/public", f"/public/{sid}/cong-khai", "/board/signin")}
        form = await http.get("/board/signin")
        assert (await http.post("/board/signin", data={"token": secret, "next": "/board", "csrftoken": token_of(form)})).status_code == 303
        pages |= {path: await http.get(path) for path in ("/board/drafts", "/board/ministries")}
        for path, answer in pages.items():
            assert answer.status_code == 200, path
            policy = answer.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in policy or answer.headers.get("x-frame-options", "").upper() == "DENY", f"{path} may be framed"
            assert answer.headers.get("x-content-type-options") == "nosniff", f"{path}: no nosniff"
        csv = await http.get("/board/ministries.csv")
        assert csv.status_code == 200 and csv.text.startswith("agency,")
        assert "no-store" in csv.headers.get("cache-control", ""), dict(csv.headers)
