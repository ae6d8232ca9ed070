"""A public round named in another letter case (found by a public trial).

The README's Errors table: a 404 for a round names "the draft's round whose ID differs only in letter case", and the public
pages send such an address on to the round (308). `legis consult show` and `GET .../consultations/cong-khai` do so; the
public-comment routes do not: the lead ministry's `.../articles` (and `.../comments`, `legis consult export`, `legis consult
answer`) answer 404 `public_round_unknown`, "this round takes no comments of the public", which is untrue of that round and
names no round to use, and the public's JSON route answers "no public consultation of this draft has this round"."""

from __future__ import annotations

from tests.http_api import started_at_drafting
from tests.test_board_forms import app_client, posted_round


async def test_the_lead_ministrys_article_groups_name_the_round_that_differs_only_in_letter_case(api, pool):
    request, lead = await started_at_drafting(api, pool)
    sid = request.submission_id
    # The public round's row, as the round registers it when it opens (as tests/test_board_forms.posted_round writes it).
    await pool.execute("INSERT INTO public_rounds (submission_id, round_id, lead_ministry, opened_at, closes_at) "
                       "VALUES ($1, 'cong-khai', 'BGDDT', now(), now() + interval '1 day')", sid)
    assert (await api.get(f"/v1/submissions/{sid}/consultations/cong-khai/articles", headers=lead)).status_code == 200
    for route in ("articles", "comments"):
        answer = await api.get(f"/v1/submissions/{sid}/consultations/CONG-KHAI/{route}", headers=lead)
        said = answer.json()
        assert answer.status_code == 404, answer.text
        # It is a public round, and it does take comments of the public: the answer must say which round was meant.
        assert "takes no comments of the public" not in said["detail"] and "cong-khai" in said["detail"], (route, said)


async def test_the_publics_comment_route_names_or_follows_the_round_that_differs_only_in_letter_case(pool):
    sid = await posted_round(pool, "CASE")
    async with app_client(pool) as http:
        page = await http.get(f"/public/{sid}/CONG-KHAI")
        assert page.status_code == 308  # the page goes to the round
        answer = await http.post(f"/v1/public/consultations/{sid}/CONG-KHAI/comments", json={"text": "Góp ý chung."})
        assert answer.status_code in (201, 308) or "cong-khai" in answer.json().get("detail", ""), answer.text
