"""What the pages show of a classified draft to a reader who may not read it: no more than the API shows (found by a
breaker: the inbox quoted a classified draft's refusal, its session and dates, to the Assembly; the ministries report,
filtered by a ministry, said that ministry led a classified draft)."""

from __future__ import annotations

import html
import re
import uuid

from schemas.enums import CallerRole, Outcome, Stage
from tests.drafts import PASSING_VOTE, decision, session_of_its_own, start_request
from tests.http_api import bearer, body, problem
from tests.polling import eventually
from tests.test_board_forms import app_client, token_of
from tests.test_board_pages import signed_in
from tests.test_page_paths import app_over
from workflows import client as drafts

REFUSAL = re.compile(r'<div class="refusal" role="alert">(.*?)</div>', re.S)


async def test_an_inbox_decision_a_classified_draft_refuses_names_its_session_to_the_assembly(dev_env, pool):
    """A classified draft of BQP at the Assembly's session: the Assembly's token sends a vote before the session opens.
    Through the API the refusal is `after_session_opens` with its details withheld; from the inbox's form, the page
    quotes the draft's own words, its target session's code and opening day, which only BQP may read."""
    async with app_over(dev_env.client, pool) as http:
        request = start_request(ministry="BQP", classified=True)
        sid, target = request.submission_id, request.target_session
        lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        while (status := await drafts.status(dev_env.client, sid)).stage is not Stage.NA_SESSION:
            await drafts.decide(dev_env.client, sid, decision(request, status.stage))
        await eventually(lambda: pool.fetchval("SELECT stage FROM submissions WHERE submission_id = $1", sid),
                         lambda stage: stage == Stage.NA_SESSION.value)
        vote = decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE)
        counts = {"total_deputies": "500", "in_favour": "251", "against": "200", "abstaining": "10"}
        # The API, to the Assembly: the rule, its details withheld.
        assembly = await bearer(pool, "QH", CallerRole.NA)
        withheld = problem(await http.post(f"/v1/submissions/{sid}/decisions", json=body(vote), headers=assembly), 409, "after_session_opens")
        assert str(target.opens_on) not in withheld["detail"] and "withheld" in withheld["detail"], withheld

        # The inbox's form, signed in with an Assembly token: the same decision.
        await signed_in(http, pool, agency="QH", role=CallerRole.NA)
        form = {"csrftoken": token_of(await http.get("/board/inbox")), "stage": "NA_SESSION", "outcome": "VOTE", "role": vote.role.value,
                "official": vote.official, **counts,
                "documents": "\n".join(f"{d.kind.value} | {d.name} | {d.sha256}" for d in vote.documents)}
        answer = await http.post(f"/board/inbox/{sid}", data=form)
    assert answer.status_code == 409 and "after_session_opens" in answer.text, answer.text[-2000:]
    [said] = REFUSAL.findall(answer.text)
    said = html.unescape(said)
    assert target.code not in said and str(target.opens_on) not in said, (
        f"the page told the Assembly the classified draft's session, which the API withholds: {said}")


async def test_the_ministries_report_filtered_by_a_ministry_does_not_tell_that_it_leads_a_classified_draft(pool):
    """An operator (who may not read a classified draft, nor learn its lead ministry: no filter of the API reveals it)
    opens `/board/ministries?ministry=X` for each ministry in turn. The report itself leaves a classified draft out when
    filtered by a ministry (`lead_ministry = $4 AND NOT classified`), but the page still says "The overdue figures include
    1 classified draft" for X alone: X leads a classified draft, and it is overdue. For Y, which leads none, it says nothing."""
    suffix = uuid.uuid4().hex[:6].upper()
    leads, other = f"BQ{suffix}", f"BY{suffix}"
    sid = f"S40-SECRET-{suffix}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, responsible, classified, last_seq) VALUES ($1, $2, NULL, $3, 'LAW_2025', '16-2', 'DRAFTING', "
                       "now() - interval '40 days', (now() - interval '10 days')::date, $3, true, 1)", sid, f"draft-law-{sid}", leads)
    async with app_client(pool) as http:
        secret = await signed_in(http, pool, language="en")
        pages = {code: is_html(await http.get("/board/ministries", params={"ministry": code})) for code in (leads, other)}
        unfiltered = is_html(await http.get("/board/ministries"))
        # The API's report, filtered by the same ministry, counts nothing of it.
        api = await http.get("/v1/reports/deadlines", params={"ministry": leads}, headers={"Authorization": f"Bearer {secret}"})
        assert api.status_code == 200, api.text
    said = "The overdue figures include"
    assert said in unfiltered  # every ministry's figures together count it: said, naming none
    assert said not in pages[other]
    assert said not in pages[leads], (
        f"filtered by {leads}, the report page says it counts a classified draft: {leads} leads one, which no reader but {leads} may know: "
        + re.search(r'<p class="notice" role="note">.*?</p>', pages[leads]).group(0))


def is_html(answer) -> str:
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html"), answer.text[-1500:]
    return html.unescape(answer.text)


async def test_the_inbox_counts_a_classified_drafts_postponement_awaiting_the_readers_decision(dev_env, pool):
    """Found by a ministry's trial: a postponement of a classified draft's appraisal, asked by its lead ministry, was in no
    inbox of the Deputy Prime Minister who decides it ("Nothing waits"), where a classified appraisal is counted in the
    Ministry of Justice's. Counted and named by its ID, never listed: the draft is its lead ministry's to see."""
    async with app_over(dev_env.client, pool) as http:
        request = start_request(ministry="BQP", classified=True, target=session_of_its_own())
        sid = request.submission_id
        lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        while (status := await drafts.status(dev_env.client, sid)).stage is not Stage.APPRAISAL:
            await drafts.decide(dev_env.client, sid, decision(request, status.stage))
        ask = {"stage": "APPRAISAL", "actor": "LEAD_MINISTRY", "agency_code": "BQP", "role": "MINISTER", "official": "Nguyễn Văn B",
               "new_deadline": str(status.stage_deadline.replace(year=status.stage_deadline.year + 1)), "reason": "chờ ý kiến về phụ lục mật"}
        assert (await http.post(f"/v1/submissions/{sid}/postponements", json=ask, headers=lead)).status_code == 200
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'POSTPONEMENT_REQUESTED'",
                                               sid), lambda n: n == 1)
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.DEPUTY_PM)
        inbox = await http.get("/board/inbox")
        # Named by its ID alone to who decides it (found by a Government Office's trial: the Prime Minister had to try every
        # classified draft to find which), never listed with its title.
        assert inbox.status_code == 200 and f"<code>{sid}</code>" in inbox.text and f'href="/board/drafts/{sid}"' not in inbox.text
        said = re.search(r"(\d+) postponements? of (a )?classified drafts? also awaits? your decision", html.unescape(inbox.text))
        assert said is not None and int(said.group(1)) >= 1, inbox.text[-3000:]
        await signed_in(http, pool, language="en", agency="BTP", role=CallerRole.MOJ)  # who decides no postponement
        assert "also await" not in (await http.get("/board/inbox")).text
