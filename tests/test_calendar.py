"""The session calendar operators change: running drafts follow a moved date, slip past a missed cut-off, and keep
an approved postponement; a draft started after an announcement knows it; a debated draft aims at the next session."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from activities.calendar import set_meeting, set_session
from activities.rulebook import shipped_working_calendar
from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession
from schemas.enums import Actor, ConsultationKind, EventKind, LawKind, ProcessVersion, Role, SessionProcedure, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from tests.drafts import consultation, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workflows import client as drafts
from workflows.deadlines import local_day
from workflows.draft_law import DraftLawWorkflow

S = Stage
BEFORE_DECISION = [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW]


def session(number: int, opens_on: date, legislature: int = 16) -> TargetSession:
    return TargetSession(legislature=legislature, session=number, opens_on=opens_on)


def cutoff(before: date, days: int) -> date:
    """N days before a session or meeting; on a rest day, the working day before (never less than N days)."""
    day = before - timedelta(days=days)
    while not shipped_working_calendar().is_working_day(day):
        day -= timedelta(days=1)
    return day


async def draft_awaiting_government(env, task_queue, opens_on: date, **fields):
    request = start_request(ProcessVersion.LAW_2025, opens_on=opens_on, **fields)
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
    await approve(env.client, request, BEFORE_DECISION)
    handle = env.client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
    view = await drafts.status(env.client, request.submission_id)
    assert view.stage is S.GOVERNMENT_DECISION
    return request, handle, view


def today() -> date:
    return local_day(datetime.now(UTC))


async def events_of(client, request) -> list[EventKind]:
    return [e.event for e in (await drafts.history(client, request.submission_id)).entries]


async def test_a_moved_session_moves_the_deadline(time_skipping_env, ts_worker):
    env = time_skipping_env
    opens = today() + timedelta(days=200)
    request, handle, view = await draft_awaiting_government(env, ts_worker, opens)
    assert view.stage_deadline == cutoff(opens, 45)
    moved = await handle.execute_update(DraftLawWorkflow.calendar_changed,
                                        SessionCalendar(sessions=(session(2, opens + timedelta(days=30)),), changed_by="VPQH operator"))
    assert moved.stage_deadline == cutoff(opens + timedelta(days=30), 45)
    assert (await drafts.status(env.client, request.submission_id)).target_session.opens_on == opens + timedelta(days=30)
    history = await drafts.history(env.client, request.submission_id)
    rescheduled = [e for e in history.entries if e.event is EventKind.SESSION_RESCHEDULED]
    assert len(rescheduled) == 1 and rescheduled[0].official == "VPQH operator" and rescheduled[0].deadline == moved.stage_deadline


async def test_a_session_brought_forward_past_the_cut_off_slips_to_the_next(time_skipping_env, ts_worker):
    env = time_skipping_env
    opens = today() + timedelta(days=100)
    request, handle, _ = await draft_awaiting_government(env, ts_worker, opens)
    soon = TargetSession(legislature=16, session=2, opens_on=today() + timedelta(days=20))
    calendar = SessionCalendar(sessions=(soon, session(3, today() + timedelta(days=180))), changed_by="VPQH operator")
    receipt = await handle.execute_update(DraftLawWorkflow.calendar_changed, calendar)
    assert receipt.to_stage is S.GOVERNMENT_DECISION and receipt.target_session == "16-3"
    view = await drafts.status(env.client, request.submission_id)
    assert view.stage_deadline == cutoff(today() + timedelta(days=180), 45) and not view.overdue
    assert (await events_of(env.client, request))[-2:] == [EventKind.SESSION_RESCHEDULED, EventKind.SESSION_SLIPPED]


async def test_a_cut_off_missed_by_waiting_slips_when_a_later_session_is_known(time_skipping_env, ts_worker, pool):
    env = time_skipping_env
    opens = today() + timedelta(days=60)
    request, handle, _ = await draft_awaiting_government(env, ts_worker, opens)
    await handle.execute_update(DraftLawWorkflow.calendar_changed,
                                SessionCalendar(sessions=(session(2, opens), session(3, opens + timedelta(days=150))), changed_by="op"))
    await env.fast_forward(handle, timedelta(days=20))
    view = await drafts.status(env.client, request.submission_id)
    assert view.target_session.code == "16-3" and view.stage is S.GOVERNMENT_DECISION and not view.overdue
    kinds = await events_of(env.client, request)
    assert kinds.index(EventKind.DEADLINE_PASSED) + 1 == kinds.index(EventKind.SESSION_SLIPPED)
    assert EventKind.ESCALATION not in kinds
    for _ in range(100):
        row = await pool.fetchrow("SELECT target_session, stage_deadline FROM submissions WHERE submission_id = $1", request.submission_id)
        if row["target_session"] == "16-3":
            break
        await asyncio.sleep(0.1)
    assert (row["target_session"], row["stage_deadline"]) == ("16-3", cutoff(opens + timedelta(days=150), 45))


async def test_a_standing_committee_meeting_sets_the_cut_off_of_an_ordinance_not_of_a_law(time_skipping_env, ts_worker):
    """Law 64/2025/QH15 Art. 37(1): 20 days before the Standing Committee's meeting only for a draft it adopts."""
    env = time_skipping_env
    opens = today() + timedelta(days=200)
    meeting = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=opens - timedelta(days=50))
    later_meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=opens + timedelta(days=30))  # after the session: not this draft's
    calendar = SessionCalendar(sessions=(session(2, opens),), meetings=(meeting, later_meeting), changed_by="VPQH operator")
    law, law_handle, _ = await draft_awaiting_government(env, ts_worker, opens)
    ordinance, handle, _ = await draft_awaiting_government(env, ts_worker, opens, law_kind=LawKind.ORDINANCE)
    assert (await law_handle.execute_update(DraftLawWorkflow.calendar_changed, calendar)).stage_deadline == cutoff(opens, 45)
    receipt = await handle.execute_update(DraftLawWorkflow.calendar_changed, calendar)
    assert receipt.stage_deadline == cutoff(meeting.meets_on, 20)
    history = await drafts.history(env.client, ordinance.submission_id)
    scheduled = [e for e in history.entries if e.event is EventKind.MEETING_SCHEDULED]
    assert len(scheduled) == 1 and "UBTVQH-52" in scheduled[0].label
    # Announcing the same calendar again changes nothing and records nothing.
    again = await handle.execute_update(DraftLawWorkflow.calendar_changed, calendar)
    assert again.stage_deadline == receipt.stage_deadline and again.events == 0
    assert len((await drafts.history(env.client, ordinance.submission_id)).entries) == len(history.entries)


async def test_a_draft_started_after_the_calendar_was_announced_knows_it(time_skipping_env, ts_worker, pool):
    """Issue 12, case 2: sessions 18-1 (today + 30) and extraordinary 18-E9 (today + 70), and a meeting, announced before
    the start; the draft aimed at 18-1 slips to 18-E9 on reaching the Government's decision, with no escalation, and
    announcing 18-E9 again changes nothing."""
    env = time_skipping_env
    first, extraordinary = session(1, today() + timedelta(days=30), 18), TargetSession(
        legislature=18, session=9, opens_on=today() + timedelta(days=70), extraordinary=True)
    meeting = StandingCommitteeMeeting(code="UBTVQH-18-1", meets_on=today() + timedelta(days=15))
    async with pool.acquire() as connection:
        await set_session(connection, first, changed_by="op")
        await set_session(connection, extraordinary, changed_by="op")
        await set_meeting(connection, meeting, changed_by="op")
    try:
        request, handle, _ = await draft_awaiting_government(env, ts_worker, first.opens_on, target=first)
        # The alarm the past cut-off raises at once is the draft's own next step, after the decision's receipt.
        view = await eventually(lambda: drafts.status(env.client, request.submission_id), lambda v: v.target_session.code != "18-1")
        kinds = await events_of(env.client, request)
        assert view.target_session.code == "18-E9" and not view.overdue and view.stage_deadline == cutoff(extraordinary.opens_on, 45)
        assert EventKind.SESSION_SLIPPED in kinds and EventKind.ESCALATION not in kinds
        again = await handle.execute_update(DraftLawWorkflow.calendar_changed,
                                            SessionCalendar(sessions=(first, extraordinary), meetings=(meeting,), changed_by="op"))
        assert again.events == 0 and again.target_session == "18-E9"
    finally:
        async with pool.acquire() as connection:
            await connection.execute("DELETE FROM na_sessions WHERE legislature = 18")
            await connection.execute("DELETE FROM standing_committee_meetings WHERE code = 'UBTVQH-18-1'")


async def debated_at_its_first_session(env, task_queue):
    """A two-session LAW_2025 draft aimed at 17-1 (100 days ahead), 17-2 announced 280 days ahead, approved through its
    debate at 17-1 (the clock skipped to its sitting); returns (request, its handle, 17-1, 17-2)."""
    first, second = session(1, today() + timedelta(days=100), 17), session(2, today() + timedelta(days=280), 17)
    request = start_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=first)
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
    handle = env.client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
    await handle.execute_update(DraftLawWorkflow.calendar_changed, SessionCalendar(sessions=(first, second), changed_by="op"))
    await approve(env.client, request, [*BEFORE_DECISION, S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION,
                                        S.NA_FIRST_SESSION])
    return request, handle, first, second


async def test_after_its_first_session_a_draft_aims_at_the_next(time_skipping_env, ts_worker):
    """Issue 12, case 1: a two-session draft debated at 17-1 aims at 17-2; its revision's cut-off is counted back from
    17-2, and the delegations' round is open."""
    env = time_skipping_env
    request, _, _, second = await debated_at_its_first_session(env, ts_worker)
    view = await drafts.status(env.client, request.submission_id)
    assert view.stage is S.INTER_SESSION_REVISION and view.target_session.code == "17-2"
    assert view.stage_deadline == cutoff(second.opens_on, 45) and not view.overdue
    delegations = consultation(request, "delegations", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS)
    assert (await drafts.open_consultation(env.client, request.submission_id, delegations)).events == 1


async def test_a_moved_session_keeps_an_approved_postponement_and_raises_the_conflict(time_skipping_env, ts_worker):
    """Issue 12, case 3: the deadline in force stays the date the Prime Minister approved; the Government Office is told,
    when the date is approved after the session's cut-off and again when the moved session leaves it after its new one."""
    env = time_skipping_env
    opens = today() + timedelta(days=200)
    request, handle, view = await draft_awaiting_government(env, ts_worker, opens)
    approved_date = view.stage_deadline + timedelta(days=10)
    await handle.execute_update(DraftLawWorkflow.request_postponement, PostponementRequest(
        stage=S.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
        official="Bộ trưởng", new_deadline=approved_date, reason="chờ ý kiến các bộ"))
    await handle.execute_update(DraftLawWorkflow.decide_postponement, PostponementDecision(
        stage=S.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="Thủ tướng"))
    moved = await handle.execute_update(DraftLawWorkflow.calendar_changed,
                                        SessionCalendar(sessions=(session(2, opens + timedelta(days=6)),), changed_by="op"))
    assert moved.stage_deadline == approved_date
    status = await drafts.status(env.client, request.submission_id)
    assert status.postponement.deadline == approved_date and status.postponement.approved_by is Actor.PM
    conflict = [e for e in (await drafts.history(env.client, request.submission_id)).entries if e.event is EventKind.POSTPONEMENT_CONFLICT]
    assert len(conflict) == 2 and all(str(approved_date) in e.label and e.escalation_level.value == "VPCP" for e in conflict)
    # The first against the cut-off in force when approved; the second against the moved session's, a later one.
    assert f"cut-off {view.stage_deadline}" in conflict[0].label and f"cut-off {view.stage_deadline}" not in conflict[1].label


async def test_a_meeting_stored_in_small_letters_is_moved_not_doubled(pool):
    """Found by a breaker: meeting codes are kept in capitals now; one stored in small letters before could be removed but
    not moved (set again, it was a second meeting, or refused as another meeting on its own day)."""
    from schemas.calendar import check_meeting

    async with pool.acquire() as connection:
        try:
            await connection.execute("INSERT INTO standing_committee_meetings (code, meets_on, changed_by) VALUES ('ubtvqh-s15', '2027-04-10', 'op')")
            known = [StandingCommitteeMeeting(code="ubtvqh-s15", meets_on=date(2027, 4, 10))]
            check_meeting(known, StandingCommitteeMeeting(code="UBTVQH-S15", meets_on=date(2027, 4, 10)))  # the same meeting, not refused
            await set_meeting(connection, StandingCommitteeMeeting(code="UBTVQH-S15", meets_on=date(2027, 4, 17)), changed_by="op")
            stored = await connection.fetch("SELECT code, meets_on FROM standing_committee_meetings WHERE upper(code) = 'UBTVQH-S15'")
        finally:
            await connection.execute("DELETE FROM standing_committee_meetings WHERE upper(code) = 'UBTVQH-S15'")
    assert [(r["code"], r["meets_on"]) for r in stored] == [("UBTVQH-S15", date(2027, 4, 17))]


async def test_a_session_moved_earlier_is_refused_when_it_would_put_running_drafts_cut_offs_before_today(fresh_database_url):
    """Found by a fresh-user trial and a breaker: a session's day and month swapped (2027-01-06 for 2027-06-01) had every
    draft aimed at it record its cut-off missed. The check reads the cut-offs the registry holds: a law's, counted back from
    the session, moves with it; an ordinance's, counted back from the Standing Committee meeting before it, moves to the
    meeting left before it. A move that puts no cut-off before today, or a draft already past its cut-off, passes."""
    import asyncpg

    from cli.cutoff_guard import refuse_cutoffs_passing
    from cli.failures import Rejected

    today = local_day(datetime.now(UTC))
    opens_on, stored = today + timedelta(days=100), today + timedelta(days=200)
    session = TargetSession(legislature=16, session=2, opens_on=opens_on)
    early, late = today + timedelta(days=50), today + timedelta(days=150)
    db = await asyncpg.connect(fresh_database_url)
    try:
        await set_meeting(db, StandingCommitteeMeeting(code="UBTVQH-51", meets_on=early), changed_by="op")
        await set_meeting(db, StandingCommitteeMeeting(code="UBTVQH-52", meets_on=late), changed_by="op")
        # cut-off, the sitting it counts back from: the law's moves 100 days earlier, the ordinance's 100 (52 to 51).
        for sid, cutoff, sitting in (("LAW", today + timedelta(days=90), "16-2"), ("ORD", today + timedelta(days=95), "UBTVQH-52"),
                                     ("FAR", today + timedelta(days=150), "16-2"), ("PAST", today - timedelta(days=1), "16-2")):
            await db.execute(
                "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage, stage_since,"
                " classified, last_seq, cutoff, cutoff_stage, cutoff_sitting) VALUES ($1, $2, 'BTP', 'LAW_2025', '16-2', 'DRAFTING', now(),"
                " false, 1, $3, 'GOVERNMENT_DECISION', $4)", sid, f"draft-law-{sid}", cutoff, sitting)
        try:
            await refuse_cutoffs_passing(db, session, stored, today)
            raise AssertionError("not refused")
        except Rejected as refused:
            said = str(refused)
        assert "LAW: GOVERNMENT_DECISION by" in said and "ORD: GOVERNMENT_DECISION by" in said and "2 running drafts" in said, said
        assert "FAR" not in said and "PAST" not in said and "--accept-missed-cutoffs" in said
        await refuse_cutoffs_passing(db, session.model_copy(update={"opens_on": stored - timedelta(days=5)}), stored, today)
    finally:
        await db.close()
