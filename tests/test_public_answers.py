"""A public round's answers, read a page at a time by the public, through the API and on the round's page: in article
order, the draft as a whole first, every answer once, whatever their number (found by a breaker: the first 2,000 were
shown and the rest never; a page could hold 2,000 explanations of 20,000 characters each)."""

from __future__ import annotations

import re
from html import unescape

from schemas.public import GroupAnswer
from store import public
from tests.http_api import problem
from tests.test_board_forms import app_client, posted_round

ANSWERS = 120


async def answered(pool, sid: str) -> list[tuple[int | None, str]]:
    """`ANSWERS` answers to the round of `sid`, given out of article order; returns them (article, explanation) as the
    public reads them: the draft as a whole first, then by article, then as given."""
    given = [(None if n % 7 == 0 else (n * 37) % 50 + 1, f"Giải trình số {n}.") for n in range(ANSWERS)]
    await pool.executemany("INSERT INTO public_answers (submission_id, round_id, article, response, explanation, official) "
                           "VALUES ($1, 'cong-khai', $2, 'EXPLAINED', $3, 'Vụ trưởng')", [(sid, article, said) for article, said in given])
    return sorted(given, key=lambda a: (a[0] or 0, int(a[1].split()[-1].rstrip("."))))


async def test_the_api_gives_every_answer_once_a_page_at_a_time(pool):
    sid = await posted_round(pool, "ANS")
    expected = await answered(pool, sid)
    read, cursor, pages = [], None, 0
    async with app_client(pool) as http:
        while True:
            answer = await http.get(f"/v1/public/consultations/{sid}/cong-khai", params={"cursor": cursor} if cursor else {})
            assert answer.status_code == 200, answer.text
            shown = answer.json()
            assert shown["answers_total"] == ANSWERS and len(shown["answers"]) <= 50
            read += [(a["article"], a["explanation"]) for a in shown["answers"]]
            pages += 1
            cursor = shown["next_page"]
            assert ("link" in answer.headers) == (cursor is not None)
            if cursor is None:
                break
        assert read == expected and pages == 3
        small = (await http.get(f"/v1/public/consultations/{sid}/cong-khai", params={"size": 7})).json()
        assert [(a["article"], a["explanation"]) for a in small["answers"]] == expected[:7]
        problem(await http.get(f"/v1/public/consultations/{sid}/cong-khai", params={"size": 51}), 422, "less_than_equal", "size")
        problem(await http.get(f"/v1/public/consultations/{sid}/cong-khai", params={"cursor": "not-one"}), 422, "cursor_invalid", "cursor")


async def test_the_rounds_page_shows_its_answers_fifty_a_page_with_a_link_to_the_next(pool):
    sid = await posted_round(pool, "ANS")
    expected = await answered(pool, sid)
    read, link, pages = [], f"/public/{sid}/cong-khai", 0
    async with app_client(pool) as http:
        while link:
            shown = await http.get(link)
            assert shown.status_code == 200, shown.text[:300]
            read += re.findall(r"Giải trình số [0-9]+\.", shown.text)
            assert f"trên {ANSWERS} ý kiến trả lời" in shown.text  # the public pages speak Vietnamese unless asked otherwise
            pages += 1
            following = re.search(r'<a href="(\?cursor=[^"]+)" rel="next">', shown.text)
            link = f"/public/{sid}/cong-khai{unescape(following.group(1))}" if following else None
        assert read == [said for _, said in expected] and pages == 3
        refused = await http.get(f"/public/{sid}/cong-khai", params={"cursor": "bm90LW9uZQ=="})
        assert refused.status_code == 422 and "cursor_invalid" in refused.text


async def test_an_answer_to_one_comment_is_read_by_the_public_under_that_comments_article(pool):
    """Found by a Government Office official's trial: an answer to one comment (`comment_id`) was stored with no article, and the public's page listed it under "the
    draft as a whole" (Toàn bộ dự thảo), while the article the citizen commented on showed no answer."""
    sid = await posted_round(pool, "ONE")
    await pool.execute("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) "
                       "VALUES ($1, 'cong-khai', 7, 'Điều 7 cần quy định rõ chế độ phụ cấp.', sha256(convert_to($1, 'UTF8')))", sid)
    comment_id = await pool.fetchval("SELECT comment_id FROM public_comments WHERE submission_id = $1", sid)
    await public.close(pool, sid, "cong-khai")
    await public.answer(pool, sid, "cong-khai", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", comment_id=comment_id,
                                                             response="EXPLAINED", explanation="Chế độ phụ cấp do Chính phủ quy định."))
    [shown], _, _ = await public.answers(pool, sid, "cong-khai")
    assert shown.article == 7, shown


async def test_a_sender_finds_the_answer_to_their_comment_by_its_number(pool):
    """Found by the public's trial: the thanks give a number (mã số), but the answers were listed by article alone, so that
    of "Article 7, Explained, 1" and "Article 7, Accepted, 1" the sender of comment 29 could not tell which was theirs.
    An answer covering one comment names it; one covering a group names none."""
    sid = await posted_round(pool, "MINE")
    await pool.executemany("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) "
                           "VALUES ($1, 'cong-khai', 7, $2, sha256(convert_to($2, 'UTF8')))",
                           [(sid, f"Ý kiến {n} về Điều 7 ({sid}).") for n in range(3)])
    first, *rest = [r["comment_id"] for r in await pool.fetch("SELECT comment_id FROM public_comments WHERE submission_id = $1 ORDER BY comment_id", sid)]
    await public.close(pool, sid, "cong-khai")
    await public.answer(pool, sid, "cong-khai", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", comment_id=first,
                                                             response="EXPLAINED", explanation="Giữ như dự thảo."))
    await public.answer(pool, sid, "cong-khai", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", article=7, response="ACCEPTED"))
    async with app_client(pool) as http:
        read = (await http.get(f"/v1/public/consultations/{sid}/cong-khai")).json()["answers"]
        assert [(a["article"], a["comments"], a["comment_id"]) for a in read] == [(7, 1, first), (7, len(rest), None)]
        page = await http.get(f"/public/{sid}/cong-khai")
        assert f"Ý kiến mã số {first}" in page.text and f"mã số {rest[0]}" not in page.text
