"""The language switch "returns to the page it was pressed on" (README, The board and public consultation). Found by the
public's trial: pressed on the second page of a round's answers (`?cursor=...`, the "Next answers" link), it
returns to the first page, and a citizen reading answer 51 onwards in Vietnamese starts again from answer 1 in English."""

from __future__ import annotations

import re
from html import unescape

from tests.test_board_forms import app_client, posted_round


async def test_the_language_switch_on_the_second_page_of_answers_returns_to_that_page(pool):
    sid = await posted_round(pool, "LANG")
    await pool.executemany("INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
                           "VALUES ($1, 'cong-khai', $2, 'EXPLAINED', $3, 'Vụ trưởng')",
                           [(sid, n % 12 + 1, f"Giải trình số {n}.") for n in range(60)])
    async with app_client(pool) as http:
        first = await http.get(f"/public/{sid}/cong-khai")
        following = unescape(re.search(r'<a href="(\?cursor=[^"]+)" rel="next">', first.text).group(1))
        second_address = f"/public/{sid}/cong-khai{following}"
        second = await http.get(second_address)
        assert second.status_code == 200
        switch = unescape(re.search(r'<a href="(/language/en\?back=[^"]+)"', second.text).group(1))
        back = await http.get(switch)
        assert back.status_code in (302, 303, 307)
        assert back.headers["location"] == second_address, (switch, back.headers["location"])


async def test_a_switch_that_cannot_return_to_a_public_page_lands_on_the_public_list_not_the_officials_sign_in(pool):
    """Found by the public's trial: a `back` the switch does not take (`/public#main`, an address edited by hand) sent a
    citizen to `/board`, the officials' sign-in."""
    async with app_client(pool) as http:
        for back, lands in (("/public#main", "/public#main"), ("/public/../v1", "/public"), ("/publicx", "/public"),
                            ("https://example.org/public", "/board"), ("/board/drafts", "/board/drafts")):
            answer = await http.get("/language/en", params={"back": back})
            assert (answer.status_code, answer.headers["location"]) == (303, lands), (back, answer.headers.get("location"))
