"""A public round that ends while a citizen writes (found by a public trial): what was typed is given back, and a round
whose draft has reached a final stage takes no more comments, though its own close has not come yet. PostgreSQL and the
pages alone: the registry rows are written here as a draft writes them."""

from __future__ import annotations

import html

from tests.test_board_forms import app_client, posted_round, token_of


async def test_a_comment_refused_because_the_window_closed_meanwhile_is_given_back_to_copy(pool):
    """A citizen opens the page, writes, and sends after the window's end: 409 `round_closed`, and the page, its form gone
    with the window, no longer held what was typed (a refusal of the form's token gives it back; this one did not)."""
    sid = await posted_round(pool, "LATE")
    async with app_client(pool) as http:
        form = await http.get(f"/public/{sid}/cong-khai")
        assert form.status_code == 200
        await pool.execute("UPDATE public_rounds SET closed_at = now() WHERE submission_id = $1", sid)
        said = "Đề nghị bỏ yêu cầu nộp bản sao có chứng thực; nên cho phép nộp bản điện tử. " * 20
        sent = await http.post(f"/public/{sid}/cong-khai", data={"csrftoken": token_of(form), "article": "7", "text": said})
        shown = html.unescape(sent.text)
        assert sent.status_code == 409 and "round_closed" in shown
        assert said.strip() in shown and "Ý kiến của bạn, chưa được ghi nhận: bản sao để bạn lưu giữ (Điều 7)" in shown, shown[-2000:]
        assert 'name="text"' not in shown  # no form to send it to a round that has closed


async def test_a_round_whose_draft_reached_a_final_stage_takes_no_more_comments(pool):
    """The draft is withdrawn (its registry row at WITHDRAWN, its round recorded cancelled): the page says at once that the
    consultation has ended, while the comment route kept taking comments, and thanking for them, until the round's own
    close ran (a comment thanked as "mã số 8" on a page saying the draft was withdrawn)."""
    sid = await posted_round(pool, "WDR")
    await pool.execute("UPDATE submissions SET stage = 'WITHDRAWN' WHERE submission_id = $1", sid)
    async with app_client(pool) as http:
        shown = (await http.get(f"/v1/public/consultations/{sid}/cong-khai")).json()
        assert shown["closed"] is True and shown["draft_ended"] is True, shown
        sent = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"article": 3, "text": "Góp ý sau khi rút dự án."})
        assert sent.status_code == 409 and sent.json()["rule"] == "round_closed", sent.text
        assert await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1", sid) == 0
