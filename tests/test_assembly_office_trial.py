"""What an official of the National Assembly Office met following a session's drafts (found by that trial, each test
failing on the code before its mend): a classified draft's session named by how its deadline is counted, a classified
examination said to wait for every committee, a decision's receipt naming the session its draft had just slipped from,
and an ordinance listed under a Standing Committee meeting that cannot adopt it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.enums import CallerRole, Stage
from schemas.messages import StartRequest
from tests.drafts import decision, start_request
from tests.http_api import bearer, body
from tests.polling import eventually
from workflows.deadlines import local_day


async def test_a_classified_drafts_deadline_counted_does_not_name_its_session(api, pool):
    """Its session is withheld from every reader but its lead ministry (`target_session`, `next_cutoff`, the warnings),
    yet `deadline_counted` named it with its opening day: "15 calendar days before session 16-3 opens (2027-06-15)"."""
    plain = start_request(ministry="BQP", classified=True)
    today = local_day(datetime.now(UTC))
    steps = [decision(plain, stage).model_copy(update={"occurred_on": today - timedelta(days=ago)})
             for stage, ago in ((Stage.POLICY_PROPOSAL, 90), (Stage.LEGISLATIVE_PROGRAMME, 60), (Stage.DRAFTING, 40),
                                (Stage.APPRAISAL, 20), (Stage.GOVERNMENT_REVIEW, 10))]
    request = StartRequest.model_validate({**plain.model_dump(), "passed": [step.model_dump() for step in steps]})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    started = await api.post("/v1/submissions", json=body(request), headers=lead)
    assert started.status_code == 201, started.text
    path = f"/v1/submissions/{request.submission_id}"
    own = await eventually(lambda: _json(api.get(path, headers=lead)), lambda s: s.get("stage") == "GOVERNMENT_DECISION", seconds=20)
    session, opens_on = "16-2", request.target_session.opens_on.isoformat()
    assert session in own["deadline_counted"]  # the lead ministry reads how its deadline is counted, session and all

    for reader in (await bearer(pool, "VPQH", CallerRole.OPERATOR), await bearer(pool, "VPCP", CallerRole.OPERATOR)):
        status = (await api.get(path, headers=reader)).json()
        assert status["target_session"] is None and status["target_session_name"] == "(classified)" and status["next_cutoff"] is None
        assert status["stage_deadline"] == own["stage_deadline"]  # the deadline itself is follow-up's (README, `legis status`)
        counted = status["deadline_counted"] or ""
        assert session not in counted and opens_on not in counted, counted


async def _json(response):
    return (await response).json()


async def test_a_classified_examination_is_not_said_to_wait_for_a_committee_it_may_not_be_for(dev_env, pool):
    """A classified draft that names UBQPANDN as its examining committee was counted in the
    inbox of every committee ("1 classified draft also waits for your agency; it is shown only to its lead ministry,
    which sends it to you": UBVHXH and UBXH read it too). The registry names the body, NA_COMMITTEE, for a classified
    draft, and `classified_unseen` counts by it. Another committee cannot act on it (`examining_committee_only`)."""
    import html

    from tests.test_board_pages import is_page, signed_in
    from tests.test_page_paths import app_over
    from workflows import client as drafts

    async with app_over(dev_env.client, pool) as http:
        secret = start_request(ministry="BQP", classified=True).model_copy(update={"examining_committee": "UBQPANDN"})
        lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(secret), headers=lead)).status_code == 201
        while (status := await drafts.status(dev_env.client, secret.submission_id)).stage is not Stage.EXAMINATION:
            await drafts.decide(dev_env.client, secret.submission_id, decision(secret, status.stage))
        await eventually(lambda: pool.fetchval("SELECT stage FROM submissions WHERE submission_id = $1", secret.submission_id),
                         lambda stage: stage == "EXAMINATION")
        said = {}
        for committee in ("UBQPANDN", "UBVHXH"):
            await signed_in(http, pool, language="en", agency=committee, role=CallerRole.NA_COMMITTEE)
            page = html.unescape(is_page(await http.get("/board/inbox"), 200))
            said[committee] = ("classified draft also waits for your agency" in page, "which may not be yours" in page)
    # The registry names the Assembly's committees as a body for a classified draft: each committee is told one awaits a
    # committee's examination, which may not be its own, and none that it waits for its agency.
    assert said == {"UBQPANDN": (False, True), "UBVHXH": (False, True)}, said


async def test_an_ordinance_adopted_at_a_later_meeting_is_not_listed_as_waiting_at_the_next_one(fresh_database_url):
    """Under the next Standing Committee meeting (UBTVQH-06, 23 February), **Sessions ahead**
    listed "Waiting for the Standing Committee's decision" with an ordinance whose limits count back from a later meeting
    (UBTVQH-08, 11 May: the registry's `committee_meeting`), which `legis status` says is decided "at the Standing
    Committee's meeting UBTVQH-08 ..., on its day or after", and which a decision at UBTVQH-06 is refused
    (`at_the_meeting`). An official preparing UBTVQH-06's agenda reads it as due there."""
    from tests.test_board_officials import sessions_ahead_with

    text = await sessions_ahead_with(fresh_database_url, ", committee_meeting, adopted_at", "'BVHTTDL-2026-107', 'draft-law-BVHTTDL-2026-107', "
                                     "'Pháp lệnh Thư viện', 'BVHTTDL', 'LAW_2025', '16-3', 'STANDING_COMMITTEE_OPINION', now(), false, 1, "
                                     "'UBTVQH', 'UBTVQH-72', 'UBTVQH-72'")
    first = text.split("UBTVQH-71", 1)[1].split("UBTVQH-72", 1)[0]
    assert "BVHTTDL-2026-107" not in first and "Pháp lệnh Thư viện" not in first, first


async def test_the_receipt_of_a_decision_that_makes_the_draft_slip_names_the_session_it_slipped_to(api, pool):
    """The Government Office approves the review of a law whose session's cut-off for the
    Government's decision has passed, with a later session announced. The draft records the decision, the deadline
    passed and its slip to the later session (three events), but the answer to the decision says `events: 1`,
    `target_session` the session it left and `stage_deadline` the cut-off passed ("2026-09-04", "16-2" in the trial),
    which the status read a moment later contradicts. A receipt counts a conflict its decision raised (README: "The
    decision's receipt counts it (events: 2)"); the slip is no less what the decision caused."""
    from activities.calendar import set_session
    from schemas.calendar import TargetSession
    from schemas.enums import EventKind

    today = local_day(datetime.now(UTC))
    aimed = TargetSession(legislature=47, session=2, opens_on=today + timedelta(days=30))  # its cut-off passed 15 days ago
    later = TargetSession(legislature=47, session=3, opens_on=today + timedelta(days=180))
    async with pool.acquire() as connection:
        await set_session(connection, later, changed_by="VPQH")
    plain = start_request(ministry="BNV", target=aimed)
    stages = (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL)
    steps = [decision(plain, stage).model_copy(update={"occurred_on": today - timedelta(days=5 + 10 * (len(stages) - 1 - i))})
             for i, stage in enumerate(stages)]
    request = StartRequest.model_validate({**plain.model_dump(), "passed": [step.model_dump() for step in steps]})
    started = await api.post("/v1/submissions", json=body(request), headers=await bearer(pool, "BNV", CallerRole.LEAD_MINISTRY))
    assert started.status_code == 201, started.text
    path = f"/v1/submissions/{request.submission_id}"
    operator = await bearer(pool, "VPQH", CallerRole.OPERATOR)
    await eventually(lambda: _json(api.get(path, headers=operator)), lambda s: s.get("stage") == "GOVERNMENT_REVIEW", seconds=20)

    answer = await api.post(f"{path}/decisions", json=body(decision(request, Stage.GOVERNMENT_REVIEW)),
                            headers=await bearer(pool, "VPCP", CallerRole.VPCP))
    assert answer.status_code == 200, answer.text
    receipt = answer.json()
    entries = await eventually(lambda: _json(api.get(f"{path}/history", headers=operator)),
                               lambda h: any(e["event"] == EventKind.SESSION_SLIPPED.value for e in h.get("entries", ())), seconds=20)
    status = (await api.get(path, headers=operator)).json()
    assert status["target_session"]["session"] == 3
    recorded = [e["event"] for e in entries["entries"] if e["seq"] >= receipt["first_seq"]]
    assert (receipt["events"], receipt["target_session"], receipt["stage_deadline"]) == (
        len(recorded), "47-3", status["stage_deadline"]), (receipt, recorded)


async def test_a_law_awaiting_the_committees_opinion_is_listed_under_the_next_meeting(fresh_database_url):
    """Found by a breaker of the mend above: a law's row names the meeting before its session too (`committee_meeting`),
    and was listed under that later meeting; a law's opinion is given at any monthly meeting (DOMAIN.md stage 7), so it
    stays under the next one. The registry now says which meeting adopts an ordinance (`adopted_at`)."""
    from tests.test_board_officials import sessions_ahead_with

    text = await sessions_ahead_with(fresh_database_url, ", committee_meeting", "'BGDDT-2026-307', 'draft-law-BGDDT-2026-307', "
                                     "'Luật Nhà giáo (sửa đổi)', 'BGDDT', 'LAW_2025', '16-3', 'STANDING_COMMITTEE_OPINION', now(), false, 1, "
                                     "'UBTVQH', 'UBTVQH-72'")
    first = text.split("UBTVQH-71", 1)[1].split("UBTVQH-72", 1)[0]
    assert "Luật Nhà giáo (sửa đổi)" in first, "the law is not listed under the next meeting"
