"""The public list gives the closed rounds latest closed first (README, `GET /v1/public/consultations`: "the drafts
posted, open ones first"; its description: "those open for comment first, then the latest closed (whose answers the
public reads)").

Found by the public's trial: the closed rounds are ordered by the end of their *window* (`closes_at`), not by when
they closed. A round closed early (its draft withdrawn five days ago, its window running to a day still to come) is
listed before a round that closed yesterday at its window's end, whose answers are the ones the public now looks for;
the list also says of the first "closed early, on <five days ago>", so the order contradicts the dates it shows.
"""

from __future__ import annotations

from tests.test_board_forms import app_client, posted_round


async def test_a_round_closed_yesterday_is_listed_before_one_closed_early_five_days_ago(pool):
    yesterday = await posted_round(pool, "LATE", closes_at="now() - interval '1 day'")
    await pool.execute("UPDATE public_rounds SET closed_at = closes_at WHERE submission_id = $1", yesterday)
    withdrawn = await posted_round(pool, "EARLY", closes_at="now() + interval '10 days'")
    await pool.execute("UPDATE public_rounds SET closed_at = now() - interval '5 days' WHERE submission_id = $1", withdrawn)
    await pool.execute("UPDATE submissions SET stage = 'WITHDRAWN', stage_since = now() - interval '5 days', "
                       "ended_at = now() - interval '5 days' WHERE submission_id = $1", withdrawn)
    async with app_client(pool) as http:
        listed, cursor = [], None
        for _ in range(100):  # every page (other tests' rounds may share the database)
            answer = await http.get("/v1/public/consultations", params={"cursor": cursor} if cursor else {})
            assert answer.status_code == 200, answer.text
            listed += answer.json()
            link = answer.headers.get("link")
            if not link:
                break
            cursor = link.split("cursor=")[1].split(">")[0].split("&")[0]
    ours = [r for r in listed if r["submission_id"] in (yesterday, withdrawn)]
    assert [r["closed"] for r in ours] == [True, True], ours
    assert [r["submission_id"] for r in ours] == [yesterday, withdrawn], (
        "closed rounds are not listed latest closed first: "
        + "; ".join(f"{r['submission_id']} closes_at {r['closes_at']} closed_early_at {r.get('closed_early_at')}" for r in ours))
