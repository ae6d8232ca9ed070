"""What the public's rate of comments counts (found by a public consultation's trial: the form says "at most N comments a
minute from one address", and a comment refused for holding a token's secret used one of them, where one the form's own
checks refused did not). A real PostgreSQL, no Temporal."""

from __future__ import annotations

from tests.http_api import unused_address
from tests.test_board_forms import app_client, posted_round, token_of

# The shape of an API token's secret (`schemas.redaction`): a citizen pasting one is refused `not_a_secret`.
TOKEN_SHAPED = "legis_abcdef123456_" + "A" * 43


async def test_a_comment_refused_for_what_it_holds_is_not_counted_against_the_senders_rate(pool):
    sid = await posted_round(pool, "RATED")
    async with app_client(pool, public_comment_rate="2/hour", address=unused_address()) as http:
        token = token_of(await http.get(f"/public/{sid}/cong-khai"))
        refused = await http.post(f"/public/{sid}/cong-khai", data={"csrftoken": token, "article": "3", "text": f"Dán nhầm {TOKEN_SHAPED}"})
        assert refused.status_code == 422 and 'data-rule="not_a_secret"' in refused.text, refused.text[-800:]
        as_json = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"text": f"Dán nhầm {TOKEN_SHAPED}"})
        assert as_json.status_code == 422 and as_json.json()["rule"] == "not_a_secret", as_json.text
        for n in range(2):
            sent = await http.post(f"/public/{sid}/cong-khai", data={"csrftoken": token, "article": "3", "text": f"Ý kiến hợp lệ số {n}"})
            assert sent.status_code == 303, (n, sent.status_code, sent.headers.get("retry-after"))
        # The rate is still kept: the third valid comment waits.
        third = await http.post(f"/public/{sid}/cong-khai", data={"csrftoken": token, "article": "3", "text": "Ý kiến hợp lệ số 3"})
        assert third.status_code == 429, third.status_code


async def test_a_comment_on_an_article_past_the_posted_drafts_is_not_counted_against_the_senders_rate(pool):
    """Found by a re-check: the posting gives its draft's count of articles; a comment past it is refused by the database's
    look at the round, after the rate, and was counted: a citizen mistyping an article was locked out."""
    sid = await posted_round(pool, "RATEA")
    await pool.execute("UPDATE public_rounds SET articles = 5 WHERE submission_id = $1", sid)  # as a posting with `articles` registers it
    async with app_client(pool, public_comment_rate="2/hour", address=unused_address()) as http:
        for n in range(3):
            refused = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"article": 6, "text": f"Điều 6, lần {n}"})
            assert refused.status_code == 422 and refused.json()["rule"] == "article_in_draft", refused.text
        for n in range(2):
            sent = await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"article": 5, "text": f"Điều 5, lần {n}"})
            assert sent.status_code == 201, (n, sent.text)
        assert (await http.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"text": "thứ ba"})).status_code == 429
