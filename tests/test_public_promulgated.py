"""A law promulgated after its public consultation closed and was answered is not a draft "withdrawn or ended before its
answers" (README, The board and public consultation: `draft_ended` says "a draft withdrawn, rejected or ended before
them says none will come"; "a closed round no one commented on says there is nothing to answer"). Found by the public's
trial: every posted draft that goes on to be promulgated, the normal path of a law, is labelled so on the public list,
and its round reads `draft_ended: true`."""

from __future__ import annotations

import html

from schemas.public import GroupAnswer
from store import public
from tests.test_board_forms import app_client, posted_round

PAST = "now() - interval '1 hour'"


async def _promulgated(pool, sid: str) -> None:
    await pool.execute("UPDATE submissions SET stage = 'PROMULGATED' WHERE submission_id = $1", sid)


async def test_a_promulgated_laws_answered_round_is_not_said_withdrawn_or_ended_before_its_answers(pool):
    sid = await posted_round(pool, "PROM", closes_at=PAST)
    await pool.execute("UPDATE public_rounds SET opened_at = now() - interval '21 days' WHERE submission_id = $1", sid)
    await pool.execute("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) "
                       "VALUES ($1, 'cong-khai', 7, 'Điều 7 cần rõ hơn.', sha256(convert_to($1, 'UTF8')))", sid)
    await public.close(pool, sid, "cong-khai")
    await public.answer(pool, sid, "cong-khai", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", article=7, response="ACCEPTED"))
    await public.compiled(pool, sid, "cong-khai")
    await _promulgated(pool, sid)
    async with app_client(pool) as http:
        read = (await http.get(f"/v1/public/consultations/{sid}/cong-khai")).json()
        assert read["answers_total"] == 1
        listed = html.unescape((await http.get("/public")).text)
        row = next(line for line in listed.split("<li>") if sid in line)
        assert (read["draft_ended"], "dự thảo đã rút hoặc đã kết thúc" in row) == (False, False), row


async def test_a_promulgated_laws_round_no_one_commented_on_says_there_is_nothing_to_answer(pool):
    sid = await posted_round(pool, "PRNO", closes_at=PAST)
    await pool.execute("UPDATE public_rounds SET opened_at = now() - interval '21 days' WHERE submission_id = $1", sid)
    await public.close(pool, sid, "cong-khai")
    await public.compiled(pool, sid, "cong-khai")
    await _promulgated(pool, sid)
    async with app_client(pool) as http:
        shown = html.unescape((await http.get(f"/public/{sid}/cong-khai")).text)
        assert "không nhận được ý kiến nào: không có ý kiến cần tiếp thu, giải trình" in shown, shown[shown.find("<h2"):][-600:]
        assert "đã được rút hoặc đã kết thúc" not in shown
