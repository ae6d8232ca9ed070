"""The session calendar operators change: running drafts follow a moved date and slip past a missed cut-off."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

from schemas.enums import EventKind, ProcessVersion, Stage
from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession
from tests.drafts import start_request
from tests.scenarios import approve
from workflows import client as drafts
from workflows.deadlines import local_day
from workflows.draft_law import DraftLawWorkflow

S = Stage
BEFORE_DECISION = [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW]


def session(number: int, opens_on: date) -> TargetSession:
    return TargetSession(legislature=16, session=number, opens_on=opens_on)


async def draft_awaiting_government(env, task_queue, opens_on: date):
    request = start_request(ProcessVersion.LAW_2025, opens_on=opens_on)
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
    await approve(env.client, request, BEFORE_DECISION)
    handle = env.client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
    view = await drafts.status(env.client, request.submission_id)
    assert view.stage is S.GOVERNMENT_DECISION and view.stage_deadline == opens_on - timedelta(days=45)
    return request, handle


def today() -> date:
    return local_day(datetime.now(timezone.utc))


async def test_a_moved_session_moves_the_deadline(time_skipping_env, ts_worker):
    env = time_skipping_env
    opens = today() + timedelta(days=200)
    request, handle = await draft_awaiting_government(env, ts_worker, opens)
    moved = await handle.execute_update(DraftLawWorkflow.calendar_changed,
                                        SessionCalendar(sessions=(session(2, opens + timedelta(days=30)),), changed_by="VPQH operator"))
    assert moved.target_session.opens_on == opens + timedelta(days=30)
    assert moved.stage_deadline == opens + timedelta(days=30) - timedelta(days=45)
    history = await drafts.history(env.client, request.submission_id)
    rescheduled = [e for e in history.entries if e.event is EventKind.SESSION_RESCHEDULED]
    assert len(rescheduled) == 1 and rescheduled[0].official == "VPQH operator" and rescheduled[0].deadline == moved.stage_deadline


async def test_a_session_brought_forward_past_the_cut_off_slips_to_the_next(time_skipping_env, ts_worker):
    env = time_skipping_env
    opens = today() + timedelta(days=100)
    request, handle = await draft_awaiting_government(env, ts_worker, opens)
    extraordinary_soon = TargetSession(legislature=16, session=2, opens_on=today() + timedelta(days=20))
    calendar = SessionCalendar(sessions=(extraordinary_soon, session(3, today() + timedelta(days=180))), changed_by="VPQH operator")
    view = await handle.execute_update(DraftLawWorkflow.calendar_changed, calendar)
    assert view.stage is S.GOVERNMENT_DECISION and view.target_session.code == "16-3"
    assert view.stage_deadline == today() + timedelta(days=180 - 45) and not view.overdue
    events = [e.event for e in (await drafts.history(env.client, request.submission_id)).entries]
    assert events[-2:] == [EventKind.SESSION_RESCHEDULED, EventKind.SESSION_SLIPPED]


async def test_a_cut_off_missed_by_waiting_slips_when_a_later_session_is_known(time_skipping_env, ts_worker, pool):
    env = time_skipping_env
    opens = today() + timedelta(days=60)
    request, handle = await draft_awaiting_government(env, ts_worker, opens)
    await handle.execute_update(DraftLawWorkflow.calendar_changed,
                                SessionCalendar(sessions=(session(2, opens), session(3, opens + timedelta(days=150))), changed_by="op"))
    await env.fast_forward(handle, timedelta(days=20))
    view = await drafts.status(env.client, request.submission_id)
    assert view.target_session.code == "16-3" and view.stage is S.GOVERNMENT_DECISION and not view.overdue
    history = await drafts.history(env.client, request.submission_id)
    kinds = [e.event for e in history.entries]
    assert kinds.index(EventKind.DEADLINE_PASSED) + 1 == kinds.index(EventKind.SESSION_SLIPPED)
    assert EventKind.ESCALATION not in kinds
    for _ in range(100):
        row = await pool.fetchrow("SELECT target_session, stage_deadline FROM submissions WHERE submission_id = $1", request.submission_id)
        if row["target_session"] == "16-3":
            break
        await asyncio.sleep(0.1)
    assert (row["target_session"], row["stage_deadline"]) == ("16-3", opens + timedelta(days=150 - 45))


async def test_a_standing_committee_meeting_brings_the_cut_off_forward(time_skipping_env, ts_worker):
    env = time_skipping_env
    opens = today() + timedelta(days=200)
    request, handle = await draft_awaiting_government(env, ts_worker, opens)
    meeting = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=opens - timedelta(days=50))
    later_meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=opens + timedelta(days=30))  # after the session: not this draft's
    view = await handle.execute_update(DraftLawWorkflow.calendar_changed, SessionCalendar(
        sessions=(session(2, opens),), meetings=(meeting, later_meeting), changed_by="VPQH operator"))
    # 20 days before the meeting comes before 45 days before the session.
    assert view.stage_deadline == meeting.meets_on - timedelta(days=20)
    history = await drafts.history(env.client, request.submission_id)
    scheduled = [e for e in history.entries if e.event is EventKind.MEETING_SCHEDULED]
    assert len(scheduled) == 1 and "UBTVQH-52" in scheduled[0].label
    # Announcing the same calendar again changes nothing and records nothing.
    again = await handle.execute_update(DraftLawWorkflow.calendar_changed, SessionCalendar(
        sessions=(session(2, opens),), meetings=(meeting, later_meeting), changed_by="VPQH operator"))
    assert again.stage_deadline == view.stage_deadline
    assert len((await drafts.history(env.client, request.submission_id)).entries) == len(history.entries)
