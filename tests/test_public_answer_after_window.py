"""Past its window's end, a public round is closed to the public (its page and `GET /v1/public/consultations/...` say
`closed`, comments are refused `round_closed`), but until the round's workflow has run its close (a worker down or
lagging, the README's "the workers retry"), the lead ministry's answer is refused `round_still_open`, saying the round
"takes comments until the end of" a day already past: a sentence an official cannot act on, contradicting the public
page (README, Public comments at national scale: answers are given "once its window has closed"). Found by the public's
trial."""

from __future__ import annotations

from schemas.public import GroupAnswer
from schemas.refusal import Refused
from store import public
from tests.test_board_forms import app_client, posted_round


async def test_an_answer_after_the_windows_end_is_not_told_the_round_still_takes_comments(pool):
    sid = await posted_round(pool, "LAG", closes_at="now() - interval '2 days'")
    await pool.execute("UPDATE public_rounds SET opened_at = now() - interval '23 days' WHERE submission_id = $1", sid)
    await pool.execute("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) "
                       "VALUES ($1, 'cong-khai', 4, 'Điều 4 nên bỏ.', sha256(convert_to($1, 'UTF8')))", sid)
    async with app_client(pool) as http:
        shown = (await http.get(f"/v1/public/consultations/{sid}/cong-khai")).json()
        assert shown["closed"] is True
        refused = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"article": 4, "text": "Muộn."})
        assert refused.status_code == 409 and refused.json()["rule"] == "round_closed"
    try:
        done = await public.answer(pool, sid, "cong-khai", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", article=4, response="ACCEPTED"))
    except Refused as refusal:
        assert refusal.rule != "round_still_open", f"{refusal.rule}: {refusal}"
    else:
        assert done.answered == 1
