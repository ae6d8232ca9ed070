"""The public list of posted drafts, a page of 200 at a time (found by a public trial: the list stopped at 200 rounds with
no next page and no word of the others, so a closed round's answers, which the law makes public, could no longer be
found from it). A real PostgreSQL, no Temporal."""

from __future__ import annotations

import html
import re
import uuid

from activities.database import create_pool
from tests.test_board_forms import app_client, posted_round


async def test_every_posted_round_is_reachable_from_the_public_list(fresh_database_url):
    db = await create_pool(fresh_database_url)
    try:
        oldest = await posted_round(db, "OLD", closes_at="now() - interval '400 days'")
        for _ in range(200):
            await posted_round(db, f"N{uuid.uuid4().hex[:4]}", closes_at="now() - interval '1 day'")
        async with app_client(db) as http:
            first = await http.get("/v1/public/consultations")
            assert first.status_code == 200 and len(first.json()) == 200 and oldest not in first.text
            following = re.fullmatch(r'<([^>]+)>; rel="next"', first.headers["link"]).group(1)
            second = await http.get(following)
            assert [r["submission_id"] for r in second.json()] == [oldest] and "link" not in second.headers
            page = html.unescape((await http.get("/public")).text)
            assert oldest not in page
            more = re.search(r'<a href="(/public\?cursor=[^"]+)" rel="next">Các dự thảo tiếp theo</a>', page).group(1)
            assert oldest in html.unescape((await http.get(more)).text)
            refused = await http.get("/v1/public/consultations", params={"cursor": "bm90LWEtbnVtYmVy"})
            assert refused.status_code == 422 and refused.json()["rule"] == "cursor_invalid"
    finally:
        await db.close()


async def test_a_public_page_refuses_a_cursor_it_did_not_give_in_vietnamese(pool):
    """Found by a public trial: `?cursor=zzz` on a Vietnamese public page was refused in English ("the cursor is not one
    this list gave (take `next_page` as it is)")."""
    sid = await posted_round(pool, "CUR")
    async with app_client(pool) as http:
        for path in ("/public", f"/public/{sid}/cong-khai"):
            refused = await http.get(path, params={"cursor": "zzz"})
            shown = html.unescape(refused.text)
            assert refused.status_code == 422 and "Liên kết đến trang tiếp theo này không phải do trang đưa ra" in shown, shown[-1500:]
            assert "take `next_page` as it is" not in shown


async def test_a_round_of_a_withdrawn_draft_is_listed_among_the_closed(fresh_database_url):
    """Found by a breaker: a round whose draft was withdrawn, its window still running, said `closed` and was listed among
    the open ones."""
    db = await create_pool(fresh_database_url)
    try:
        withdrawn = await posted_round(db, "WDR", closes_at="now() + interval '10 days'")
        await db.execute("UPDATE submissions SET stage = 'WITHDRAWN' WHERE submission_id = $1", withdrawn)
        older = await posted_round(db, "OLD", closes_at="now() - interval '30 days'")
        still_open = await posted_round(db, "OPEN", closes_at="now() + interval '5 days'")
        async with app_client(db) as http:
            listed = [(r["submission_id"], r["closed"]) for r in (await http.get("/v1/public/consultations")).json()]
        assert listed == [(still_open, False), (withdrawn, True), (older, True)], listed
    finally:
        await db.close()


async def test_a_round_closing_between_two_pages_hides_no_other_round(fresh_database_url):
    """Found by a breaker and a re-check: the list paged by an offset over an order that changes with time (open rounds
    first), so that a round whose draft was withdrawn between two pages moved among the closed ones and pushed the round
    it passed over the page's boundary: never listed to whoever followed `Link: rel=next`. A page now starts after the
    place the last one ended."""
    db = await create_pool(fresh_database_url)
    try:
        first_open = await posted_round(db, "A", closes_at="now() + interval '30 days'")
        second_open = await posted_round(db, "B", closes_at="now() + interval '20 days'")
        third_open = await posted_round(db, "C", closes_at="now() + interval '10 days'")
        closed = await posted_round(db, "D", closes_at="now() - interval '1 day'")
        async with app_client(db) as http:
            page = await http.get("/v1/public/consultations", params={"size": 2}, headers={"Host": "evil.example"})
            assert [r["submission_id"] for r in page.json()] == [first_open, second_open]
            # The link is the page's own path and query, whatever host the request named (found by the same breaker).
            assert page.headers["link"].startswith("</v1/public/consultations?") and "evil" not in page.headers["link"]
            seen = [r["submission_id"] for r in page.json()]
            await db.execute("UPDATE submissions SET stage = 'WITHDRAWN' WHERE submission_id = $1", first_open)
            while "link" in page.headers:
                page = await http.get(re.fullmatch(r'<([^>]+)>; rel="next"', page.headers["link"]).group(1))
                seen += [r["submission_id"] for r in page.json()]
        assert seen == [first_open, second_open, third_open, first_open, closed], seen
    finally:
        await db.close()


async def test_a_public_list_of_closed_rounds_alone_says_none_is_open(fresh_database_url):
    """Found by a public trial: with every round closed, the list showed its "Closed to comment" heading and nothing said
    that no draft was open for comment."""
    db = await create_pool(fresh_database_url)
    try:
        await posted_round(db, "SHUT", closes_at="now() - interval '1 day'")
        async with app_client(db) as http:
            vietnamese = html.unescape((await http.get("/public")).text)
            http.cookies.set("legis_lang", "en")
            english = html.unescape((await http.get("/public")).text)
            assert "Hiện không có dự thảo nào đang lấy ý kiến; các dự thảo dưới đây đã đăng tải và đã kết thúc lấy ý kiến." in vietnamese
            assert "No draft is open for comment now; the drafts below were posted and are closed to comment." in english
            await posted_round(db, "OPEN", closes_at="now() + interval '5 days'")
            assert "No draft is open for comment now" not in html.unescape((await http.get("/public")).text)
    finally:
        await db.close()


async def test_the_pages_send_no_note_of_their_makers(pool):
    """Found by a new user: every page carried the style sheet's notes ("found by a public trial: ...") to its readers."""
    async with app_client(pool) as http:
        shown = (await http.get("/public")).text
    assert "<style>" in shown and "/*" not in shown and "found by" not in shown
