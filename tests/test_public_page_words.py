"""What the public pages say of a round's times, its close and a refused comment, found by a public trial: the closed
rounds' list gave no closing day, a round's times no time zone, a closed round nobody commented on "no answer yet" for
ever, the rate limit's refusal "a minute" whatever the limit, an expired form's refusal the text without its article, and
a page not found no way on. A real PostgreSQL, no Temporal."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from tests.http_api import unused_address
from tests.test_board_forms import app_client, posted_round, token_of
from workflows.deadlines import local_day


async def test_the_closed_rounds_say_the_day_they_closed(pool):
    ended = await posted_round(pool, "END", closes_at="timestamptz '2026-03-10 17:00:00+00'")  # the midnight ending 10/03 in Ha Noi
    early = await posted_round(pool, "EARLY", closes_at="now() + interval '20 days'")
    await pool.execute("UPDATE public_rounds SET closed_at = timestamptz '2026-11-02 03:00:00+00' WHERE submission_id = $1", early)
    async with app_client(pool) as http:
        listed = html.unescape((await http.get("/public")).text)
        http.cookies.set("legis_lang", "en")
        english = html.unescape((await http.get("/public")).text)
    assert "đã kết thúc vào cuối ngày 10/03/2026" in _line_of(listed, ended), _line_of(listed, ended)
    assert "đã kết thúc sớm, ngày 02/11/2026" in _line_of(listed, early), _line_of(listed, early)
    assert "closed at the end of Mar 10, 2026" in _line_of(english, ended), _line_of(english, ended)


async def test_a_round_s_times_are_said_to_be_ha_noi_s(pool):
    sid = await posted_round(pool, "TZ")
    async with app_client(pool) as http:
        shown = html.unescape((await http.get(f"/public/{sid}/cong-khai")).text)
    opened = shown[shown.index("<strong>Bắt đầu</strong>"):][:200]
    assert "(giờ Hà Nội)" in opened, opened


async def test_a_closed_round_nobody_commented_on_says_there_is_nothing_to_answer(pool):
    quiet = await posted_round(pool, "QUIET", closes_at="now() - interval '1 day'")
    running = await posted_round(pool, "RUN")
    async with app_client(pool) as http:
        closed = html.unescape((await http.get(f"/public/{quiet}/cong-khai")).text)
        still_open = html.unescape((await http.get(f"/public/{running}/cong-khai")).text)
    assert "không nhận được ý kiến nào" in closed and "Chưa có trả lời" not in closed, closed[-1500:]
    assert "Chưa có trả lời" in still_open and "không nhận được ý kiến nào" not in still_open


async def test_the_rate_limit_says_how_long_to_wait_in_the_page_s_language(pool):
    sid = await posted_round(pool, "WAIT")
    for language, said in (("vi", "Quá nhiều ý kiến từ địa chỉ này: vui lòng gửi lại sau 60 phút."),
                           ("en", "Too many comments from this address: send again in 60 minutes.")):
        address = unused_address()
        async with app_client(pool, public_comment_rate="1/hour", address=address) as http:
            http.cookies.set("legis_lang", language)
            token = token_of(await http.get(f"/public/{sid}/cong-khai"))
            assert (await http.post(f"/public/{sid}/cong-khai", data={"text": "Góp ý một", "csrftoken": token})).status_code == 303
            limited = await http.post(f"/public/{sid}/cong-khai", data={"text": "Góp ý hai", "article": "4", "csrftoken": token})
        shown = html.unescape(limited.text)
        assert limited.status_code == 429 and said in shown, shown[shown.find('class="refusal"'):][:600]
        assert "Góp ý hai</textarea>" in shown and 'value="4"' in shown


async def test_an_expired_form_gives_back_the_article_with_the_text(pool):
    sid = await posted_round(pool, "ART")
    async with app_client(pool) as http:
        refused = await http.post(f"/public/{sid}/cong-khai", data={"text": "Ý kiến về phạm vi", "article": "7"})
    shown = html.unescape(refused.text)
    assert refused.status_code == 403 and "(Điều 7)</label>" in shown and "Ý kiến về phạm vi</textarea>" in shown, shown[-1200:]


async def test_a_page_not_found_has_a_way_on(pool):
    async with app_client(pool) as http:
        public = await http.get("/public/NO-SUCH-DRAFT/r1")
        board = await http.get("/board/no-such-page")
    assert public.status_code == 404 and '<a href="/public">Tất cả dự thảo đăng tải lấy ý kiến</a>' in public.text
    assert board.status_code == 404 and '<a href="/board">Quay lại bảng theo dõi</a>' in board.text


def _line_of(page: str, submission_id: str) -> str:
    at = page.index(f'href="/public/{submission_id}/')
    return page[at:page.index("</li>", at)]


async def test_a_cancelled_round_still_in_its_window_does_not_say_it_closed_at_the_end_of_a_day_to_come(pool):
    """Found by a breaker: a round its draft recorded cancelled, its window running and its row not closed yet (or never, for
    one cancelled before the patch `public-round-closed-on-cancel`), said it closed at the end of a day still to come."""
    sid = await posted_round(pool, "CANC", closes_at="now() + interval '20 days'")
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, label) "
                       "VALUES ($1, 2, $2, now(), 'CONSULTATION_CANCELLED', 'DRAFTING', 'round cong-khai cancelled')", sid, f"draft-law-{sid}")
    closes = await pool.fetchval("SELECT closes_at FROM public_rounds WHERE submission_id = $1", sid)
    future_day = (local_day(closes - timedelta(microseconds=1))).strftime("%d/%m/%Y")
    async with app_client(pool) as http:
        listed = html.unescape((await http.get("/public")).text)
    line = listed[listed.index(sid):][:400]
    assert f"đã kết thúc vào cuối ngày {future_day}" not in line and "đã kết thúc sớm, ngày" in line, line


def test_a_rate_limits_wait_is_never_said_shorter_than_its_retry_after():
    """Found by a breaker: rounded to the nearest unit, 5,399 seconds read "1 hour", 80 seconds "1 minute"; whoever sent again
    when told was refused again."""
    from web.refusals import _wait

    said = {seconds: _wait(seconds, "en", None) for seconds in (59, 80, 3599, 5399, 7260)}
    assert said == {59: "59 seconds", 80: "2 minutes", 3599: "60 minutes", 5399: "90 minutes", 7260: "3 hours"}, said


async def test_a_public_page_s_refusal_names_no_parameter_code_to_a_citizen(pool):
    """Found by a re-check: a stale link to the public list's next page (one kept from a release that paged by offset) showed
    `cursor` in the words a citizen reads, in Vietnamese and in English; it is named as the page's address."""
    sid = await posted_round(pool, "CURSOR")
    async with app_client(pool) as http:
        for language, path in (("vi", "/public?cursor=abc"), ("vi", f"/public/{sid}/cong-khai?cursor=abc"), ("en", "/public?cursor=abc")):
            http.cookies.set("legis_lang", language)
            refused = await http.get(path)
            words = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", refused.text, flags=re.S)))
            assert refused.status_code == 422 and "cursor" not in words and ("Địa chỉ trang" in words or "This page's address" in words), \
                re.sub(r"\s+", " ", words)[-400:]


async def test_a_mistyped_address_outside_the_api_is_a_page_to_a_browser(pool):
    """Found by a re-check: `/publc` answered a browser the API's problem JSON; an API client still gets it."""
    async with app_client(pool) as http:
        browsed = await http.get("/publc", headers={"Accept": "text/html,application/xhtml+xml"})
        called = await http.get("/publc", headers={"Accept": "application/json"})
    assert browsed.status_code == 404 and '<a href="/public">' in browsed.text and browsed.headers["content-type"].startswith("text/html")
    assert called.status_code == 404 and called.json()["rule"] == "route_unknown"
