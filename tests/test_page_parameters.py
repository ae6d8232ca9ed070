"""What the pages take from their address and forms as a number or an ID: only what the API would take, refused by name
otherwise, never read as something else (found by a breaker: the public form took "1_2", "１２" and "١٢" as article 12;
the inbox said "Decision sent for" whatever text a link wrote)."""

from __future__ import annotations

import html

from schemas.enums import CallerRole
from tests.test_board_forms import app_client, posted_round, token_of
from tests.test_board_pages import signed_in


async def test_the_inbox_does_not_say_a_decision_was_sent_for_whatever_a_link_writes(pool):
    """`/board/inbox?sent=...` is where the inbox lands after a decision taken. Any text a link writes there (a draft
    that was never decided, no submission ID at all: a sentence, up to 64 characters, the rest cut unseen) is shown to
    the signed-in official as "Decision sent for <text>.", where the public page's thanks were fixed for the same
    (a number a link makes up thanks nobody) and a page's parameter it cannot read is refused, naming it."""
    made_up = "BGDDT-2026-017, đã bị hủy. Gọi ngay 0909 123 456 để xác nhận lại"
    async with app_client(pool) as http:
        await signed_in(http, pool, agency="CP", role=CallerRole.GOVERNMENT, language="en")
        answer = await http.get("/board/inbox", params={"sent": made_up + " và gửi lại mã đăng nhập"})
        # An ID that is one, no decision having been sent for it from this browser: nothing confirmed.
        assert "Decision sent for" not in (await http.get("/board/inbox", params={"sent": "BGDDT-2026-017"})).text
    text = html.unescape(answer.text)
    assert answer.status_code == 422 and "(field sent, rule string_pattern_mismatch)" in text, text[-1500:]
    assert "Decision sent for" not in text, (
        f"{answer.status_code}: the inbox says a decision was sent for a text the link made up: "
        + text[text.index("Decision sent for"):][:140])


async def test_the_public_comment_form_takes_an_article_number_only_as_digits(pool):
    """The comment form's article (Điều) is a number: `int()` of what was typed takes "1_2" as article 12, and "１２"
    (full-width) or "١٢" (Arabic-Indic) as 12, where the inbox's counts refuse "５００" for this very reason (found by a new
    user: taken as 500), the JSON route refuses any article not a JSON number, and the form's own field says
    pattern="[0-9]*". The comment is stored against Điều 12, which its sender never named."""
    sid = await posted_round(pool, "S40ART")
    async with app_client(pool, address="127.0.0.45") as http:
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        answers = {typed: await http.post(f"/public/{sid}/cong-khai", data={"text": f"Ý kiến về điều {typed}", "article": typed, "csrftoken": token})
                   for typed in ("1_2", "１２", "١٢", "\x1c5")}
        # Past the last article the API takes, by the range's rule, as the API refuses it (found by a breaker: int_parsing).
        past = await http.post(f"/public/{sid}/cong-khai", data={"text": "Ý kiến.", "article": "1000000000", "csrftoken": token})
    stored = await pool.fetch("SELECT article, body FROM public_comments WHERE submission_id = $1 ORDER BY comment_id", sid)
    assert not stored, f"taken as articles: {[(r['body'], r['article']) for r in stored]}; answers {[a.status_code for a in answers.values()]}"
    assert all(a.status_code == 422 and "int_parsing" in a.text for a in answers.values())
    assert past.status_code == 422 and "less_than_equal" in past.text
