"""Early warnings, escalation and postponements: the schedule as pure logic, then drafts on a virtual clock."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest
from temporalio.client import WorkflowUpdateFailedError

from activities.database import create_pool
from activities.reports import deadline_report, overdue_by_agency, write_csv
from schemas.enums import Actor, CallerRole, EscalationLevel, EventKind, ProcessVersion, Role, Stage
from schemas.rulebook import load_rulebook
from store import audit
from tests.drafts import postponement, postponement_decision, refusal_of, start_request
from tests.scenarios import approve, fast_forward_to_day
from tests.test_board_forms import app_client
from tests.test_board_pages import is_page, signed_in
from workflows import client as drafts
from workflows.deadlines import VIETNAM, passes_at
from workflows.draft_law import DraftLawWorkflow
from workflows.follow_up import alarms, is_late_request

RULES = load_rulebook(ProcessVersion.LAW_2025).follow_up
S = Stage


def test_schedule_for_a_thirty_day_appraisal():
    entered = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
    due = passes_at(date(2026, 4, 1))
    got = [(a.event, a.at, a.level) for a in alarms(RULES, window_start=entered, deadline=date(2026, 4, 1))]
    assert got == [
        (EventKind.WARNING, entered + (due - entered) / 2, None),
        (EventKind.WARNING, due - timedelta(days=5), None),
        (EventKind.DEADLINE_PASSED, due, None),
        (EventKind.ESCALATION, due, EscalationLevel.RESPONSIBLE_OFFICIAL),
        (EventKind.ESCALATION, due + timedelta(days=3), EscalationLevel.HEAD_OF_AGENCY),
        (EventKind.ESCALATION, due + timedelta(days=7), EscalationLevel.VPCP),
        (EventKind.ESCALATION, due + timedelta(days=14), EscalationLevel.DEPUTY_PM),
    ]


def test_warnings_before_the_window_opens_are_dropped():
    entered = datetime(2026, 3, 30, 9, 0, tzinfo=VIETNAM)
    kinds = [a.event for a in alarms(RULES, window_start=entered, deadline=date(2026, 4, 1))]
    assert kinds.count(EventKind.WARNING) == 1  # half the window remains; "5 days before" is already past


def test_late_request_is_within_the_last_days():
    assert is_late_request(RULES, deadline=date(2026, 4, 1), asked_on=date(2026, 3, 28))
    assert is_late_request(RULES, deadline=date(2026, 4, 1), asked_on=date(2026, 4, 3))
    assert not is_late_request(RULES, deadline=date(2026, 4, 1), asked_on=date(2026, 3, 27))


async def draft_at_appraisal(env, task_queue):
    request = start_request(ProcessVersion.LAW_2025)
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=task_queue)
    await approve(env.client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    view = await drafts.status(env.client, request.submission_id)
    assert view.stage is S.APPRAISAL
    return request, view, env.client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))


def alarm_events(history):
    return [e for e in history.entries if e.event in (EventKind.WARNING, EventKind.DEADLINE_PASSED, EventKind.ESCALATION)]


async def test_unanswered_appraisal_warns_then_climbs_the_ladder(time_skipping_env, ts_worker, pool):
    env = time_skipping_env
    request, view, handle = await draft_at_appraisal(env, ts_worker)
    assert view.escalated_to is None
    # The rung a draft is on, at a glance (found by a trial: only its history said it): each level once it is raised.
    ladder = [a for a in alarms(RULES, window_start=view.stage_since, deadline=view.stage_deadline) if a.event is EventKind.ESCALATION]
    for alarm in ladder:
        await env.fast_forward(handle, alarm.at + timedelta(hours=1) - await env.get_current_time(handle))
        assert (await drafts.status(env.client, request.submission_id)).escalated_to is alarm.level
    await env.fast_forward(handle, timedelta(days=60))
    history = await drafts.history(env.client, request.submission_id)
    expected = alarms(RULES, window_start=view.stage_since, deadline=view.stage_deadline)
    got = alarm_events(history)
    assert [(e.event, e.escalation_level) for e in got] == [(a.event, a.level) for a in expected]
    for event, alarm in zip(got, expected, strict=True):
        assert alarm.at <= event.at < alarm.at + timedelta(minutes=1), (event.label, event.at, alarm.at)
        assert event.deadline == view.stage_deadline
    status = await drafts.status(env.client, request.submission_id)
    assert status.overdue and status.next_alarm is None
    rows = await pool.fetch("SELECT event, escalation_level FROM audit_events WHERE submission_id = $1 AND event = 'ESCALATION' ORDER BY seq",
                            request.submission_id)
    assert [r["escalation_level"] for r in rows] == ["RESPONSIBLE_OFFICIAL", "HEAD_OF_AGENCY", "VPCP", "DEPUTY_PM"]


async def test_approved_postponement_moves_the_deadline_and_its_warnings(time_skipping_env, ts_worker):
    env = time_skipping_env
    request, view, handle = await draft_at_appraisal(env, ts_worker)
    old = view.stage_deadline
    await env.fast_forward(handle, timedelta(days=10))
    await drafts.request_postponement(env.client, request.submission_id, postponement(request, old + timedelta(days=20)))
    assert (await drafts.status(env.client, request.submission_id)).pending_postponement is not None
    decided = await handle.execute_update(DraftLawWorkflow.decide_postponement, postponement_decision(True))
    assert decided.stage_deadline == old + timedelta(days=20)
    status = await drafts.status(env.client, request.submission_id)
    assert status.pending_postponement is None and status.postponement.deadline == old + timedelta(days=20)
    assert status.postponement.approved_by is Actor.DEPUTY_PM
    await env.fast_forward(handle, timedelta(days=60))
    history = await drafts.history(env.client, request.submission_id)
    passed = [e for e in history.entries if e.event is EventKind.DEADLINE_PASSED]
    assert [e.deadline for e in passed] == [old + timedelta(days=20)]
    five_days = [e for e in history.entries if e.label == "5 days before the deadline"]
    assert len(five_days) == 1 and abs(five_days[0].at - (passes_at(old + timedelta(days=20)) - timedelta(days=5))) < timedelta(minutes=1)
    requested = next(e for e in history.entries if e.event is EventKind.POSTPONEMENT_REQUESTED)
    decided_entry = next(e for e in history.entries if e.event is EventKind.POSTPONEMENT_DECIDED)
    assert (requested.late_request, requested.deadline, requested.requested_deadline) == (False, old, old + timedelta(days=20))
    assert (decided_entry.approved, decided_entry.actor) == (True, Actor.DEPUTY_PM)


async def test_refused_postponement_keeps_the_deadline_and_a_late_request_is_flagged(time_skipping_env, ts_worker):
    env = time_skipping_env
    request, view, handle = await draft_at_appraisal(env, ts_worker)
    await fast_forward_to_day(env, handle, view.stage_since, view.stage_deadline - timedelta(days=3))
    asked = await handle.execute_update(DraftLawWorkflow.request_postponement, postponement(request, view.stage_deadline + timedelta(days=30)))
    refused = await handle.execute_update(DraftLawWorkflow.decide_postponement, postponement_decision(False))
    assert refused.stage_deadline == view.stage_deadline == asked.stage_deadline
    await env.fast_forward(handle, timedelta(days=10))
    history = await drafts.history(env.client, request.submission_id)
    assert [e.deadline for e in history.entries if e.event is EventKind.DEADLINE_PASSED] == [view.stage_deadline]
    assert next(e for e in history.entries if e.event is EventKind.POSTPONEMENT_REQUESTED).late_request is True


async def test_postponement_refusals_name_field_and_rule(time_skipping_env, ts_worker):
    env = time_skipping_env
    request, view, handle = await draft_at_appraisal(env, ts_worker)

    async def refused(update, message):
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(update, message)
        return refusal_of(caught.value)

    assert await refused(DraftLawWorkflow.decide_postponement, postponement_decision(True)) == ("stage", "pending_request")
    earlier = postponement(request, view.stage_deadline - timedelta(days=1))
    assert await refused(DraftLawWorkflow.request_postponement, earlier) == ("new_deadline", "later_than_current")
    stranger = postponement(request, view.stage_deadline + timedelta(days=5)).model_copy(update={"actor": Actor.NA})
    assert await refused(DraftLawWorkflow.request_postponement, stranger) == ("actor", "postponement_requester")
    await handle.execute_update(DraftLawWorkflow.request_postponement, postponement(request, view.stage_deadline + timedelta(days=5)))
    again = postponement(request, view.stage_deadline + timedelta(days=9))
    assert await refused(DraftLawWorkflow.request_postponement, again) == ("stage", "one_request_at_a_time")
    by_minister = postponement_decision(True).model_copy(update={"actor": Actor.MOJ, "agency_code": "BTP", "role": Role.MINISTER})
    assert await refused(DraftLawWorkflow.decide_postponement, by_minister) == ("actor", "postponement_authority")
    # A refusal says why; the request stays pending, to be decided.
    wordless = postponement_decision(False).model_copy(update={"reason": ""})
    assert await refused(DraftLawWorkflow.decide_postponement, wordless) == ("reason", "reason_required")
    unseen = postponement_decision(False).model_copy(update={"reason": "\u200b"})  # found by a breaker: it passed
    assert await refused(DraftLawWorkflow.decide_postponement, unseen) == ("reason", "not_blank")
    assert (await drafts.status(env.client, request.submission_id)).pending_postponement is not None


async def test_deadline_report_counts_on_time_late_overdue_and_postponed(time_skipping_env, ts_worker, pool, tmp_path):
    env = time_skipping_env
    ministry = "RPT" + uuid.uuid4().hex[:6].upper()

    async def at_appraisal():
        request = start_request(ProcessVersion.LAW_2025, ministry=ministry)
        with env.with_time_skipping_disabled():
            await drafts.start_submission(env.client, request, task_queue=ts_worker)
        await approve(env.client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
        return request, drafts.draft(env.client, request.submission_id)

    on_time, _ = await at_appraisal()
    await approve(env.client, on_time, [S.APPRAISAL])
    late, late_handle = await at_appraisal()
    await env.fast_forward(late_handle, timedelta(days=35))
    await approve(env.client, late, [S.APPRAISAL])
    overdue, overdue_handle = await at_appraisal()
    await env.fast_forward(overdue_handle, timedelta(days=40))
    postponed, postponed_handle = await at_appraisal()
    entered = await drafts.status(env.client, postponed.submission_id)
    deadline = entered.stage_deadline
    await fast_forward_to_day(env, postponed_handle, entered.stage_since, deadline - timedelta(days=2))
    await postponed_handle.execute_update(DraftLawWorkflow.request_postponement, postponement(postponed, deadline + timedelta(days=10)))
    await postponed_handle.execute_update(DraftLawWorkflow.decide_postponement, postponement_decision(True))

    # Four drafts with four events each up to appraisal, two appraisal decisions, one postponement decided.
    for _ in range(200):
        n = await pool.fetchval("SELECT count(*) FROM audit_events e JOIN submissions s USING (submission_id) "
                                "WHERE s.lead_ministry = $1 AND e.event IN ('SUBMITTED', 'DECISION', 'POSTPONEMENT_DECIDED')", ministry)
        if n >= 4 * 4 + 2 + 1:
            break
        await asyncio.sleep(0.1)
    rows = await deadline_report(pool, since=date(2000, 1, 1), until=date(2100, 1, 1), today=deadline + timedelta(days=10),
                                 lead_ministry=ministry)
    by_agency = {r.agency: r for r in rows}
    moj = by_agency["MOJ"]
    assert (moj.on_time, moj.late, moj.overdue_now, moj.postponed, moj.late_requests) == (1, 1, 1, 1, 1)
    assert list(by_agency) == ["MOJ", "ALL"]
    out = tmp_path / "report.csv"
    with open(out, "w", newline="", encoding="utf-8") as handle:
        write_csv(rows, handle)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("agency,finished_on_time,finished_late") and any(line.startswith("MOJ,1,1,0.500,1,1,1") for line in lines)


async def test_a_completed_stage_cancels_its_pending_alarms(time_skipping_env, ts_worker):
    env = time_skipping_env
    request, view, handle = await draft_at_appraisal(env, ts_worker)
    await approve(env.client, request, [S.APPRAISAL])  # on to GOVERNMENT_REVIEW, which has no time limit
    await env.fast_forward(handle, timedelta(days=60))
    history = await drafts.history(env.client, request.submission_id)
    assert alarm_events(history) == []
    assert (await drafts.status(env.client, request.submission_id)).next_alarm is None


async def test_the_report_never_names_the_ministry_of_a_classified_draft(fresh_database_url):
    connection = await asyncpg.connect(fresh_database_url)
    try:
        today = date(2027, 3, 1)
        for sid, classified in (("SECRET-1", True), ("OPEN-1", False)):
            await connection.execute(
                "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage,"
                " stage_since, stage_deadline, classified, last_seq, responsible) VALUES ($1, $2, 'BQP', 'LAW_2025', '16-2',"
                " 'APPRAISAL', $3, $4, $5, 2, 'MOJ')", sid, f"draft-law-{sid}", datetime(2027, 1, 1, tzinfo=VIETNAM), date(2027, 1, 25), classified)
            await connection.execute(
                "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome, actor, agency_code,"
                " deadline) VALUES ($1, 2, $2, $3, 'DECISION', 'POLICY_PROPOSAL', 'APPRAISAL', 'APPROVE', 'LEAD_MINISTRY', 'BQP', $4)",
                sid, f"draft-law-{sid}", datetime(2027, 1, 10, tzinfo=VIETNAM), date(2027, 1, 20))
        rows = {r.agency: r for r in await deadline_report(connection, since=date(2027, 1, 1), until=date(2027, 2, 1), today=today)}
        assert (rows["BQP"].on_time, rows["CLASSIFIED"].on_time) == (1, 1)
        assert rows["MOJ"].overdue_now == 2
        only_bqp = await deadline_report(connection, since=date(2027, 1, 1), until=date(2027, 2, 1), today=today, lead_ministry="BQP")
        assert [(r.agency, r.on_time, r.overdue_now) for r in only_bqp] == [("BQP", 1, 0), ("MOJ", 0, 1), ("ALL", 1, 1)]
    finally:
        await connection.close()


async def test_reports_and_the_overdue_gauge_count_a_classified_draft_without_naming_its_ministry(fresh_database_url):
    """Every figure of a classified draft's own ministry (a stage finished, overdue now, a postponement asked late and
    granted) is counted, under CLASSIFIED; the ministry's code is in no report row and no gauge label."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        today, since = date(2027, 3, 1), datetime(2027, 1, 1, tzinfo=VIETNAM)
        for sid, ministry, classified in (("SECRET-2", "BQP", True), ("OPEN-2", "BCT", False)):
            await connection.execute(
                "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage,"
                " stage_since, stage_deadline, classified, last_seq, responsible) VALUES ($1, $2, $3, 'LAW_2025', '16-2',"
                " 'DRAFTING', $4, $5, $6, 4, $3)", sid, f"draft-law-{sid}", ministry, since, date(2027, 1, 25), classified)
            for seq, event, actor, agency, extra in (
                (2, "DECISION", "LEAD_MINISTRY", ministry, {"outcome": "APPROVE", "to_stage": "DRAFTING", "deadline": date(2027, 1, 20)}),
                (3, "POSTPONEMENT_REQUESTED", "LEAD_MINISTRY", ministry, {"late_request": True}),
                (4, "POSTPONEMENT_DECIDED", "DEPUTY_PM", "CP", {"approved": True}),
            ):
                await connection.execute(
                    "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome, actor,"
                    " agency_code, deadline, late_request, approved) VALUES ($1, $2, $3, $4, $5, 'POLICY_PROPOSAL', $6, $7, $8, $9, $10,"
                    " $11, $12)", sid, seq, f"draft-law-{sid}", since + timedelta(days=seq), event, extra.get("to_stage"),
                    extra.get("outcome"), actor, agency, extra.get("deadline"), extra.get("late_request"), extra.get("approved"))
        rows = {r.agency: r for r in await deadline_report(connection, since=date(2027, 1, 1), until=date(2027, 2, 1), today=today)}
        assert "BQP" not in rows
        figures = ("on_time", "late", "overdue_now", "postponed", "late_requests")
        assert [getattr(rows["CLASSIFIED"], f) for f in figures] == [getattr(rows["BCT"], f) for f in figures] == [1, 0, 1, 1, 1]
        assert [getattr(rows["ALL"], f) for f in figures] == [2, 0, 2, 2, 2]
        assert await overdue_by_agency(connection, today=today) == {"CLASSIFIED": 1, "BCT": 1}
    finally:
        await connection.close()


async def test_a_step_entered_afterwards_counts_on_the_day_it_happened(fresh_database_url):
    """Found by a new user: drafts entered with the steps they had passed were judged on time or late, and put in a
    period, by the day they were entered. A step counts on its `occurred_on`, else on the Ha Noi day it was recorded;
    a dossier version is dated by its filing's `occurred_on` too."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        sid, text = "LATE-1", json.dumps([{"kind": "DRAFT_TEXT", "name": "v1", "sha256": "a" * 64}])
        await connection.execute(
            "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage, stage_since,"
            " classified, last_seq, responsible) VALUES ($1, $2, 'BGDDT', 'LAW_2025', '16-2', 'GOVERNMENT_REVIEW', $3, false, 3, 'VPCP')",
            sid, f"draft-law-{sid}", datetime(2027, 3, 2, tzinfo=VIETNAM))
        for seq, stage, actor, recorded, happened, deadline, documents in (
            # Entered on 2 March, having happened on 10 January: on time, in January.
            (2, "DRAFTING", "LEAD_MINISTRY", datetime(2027, 3, 2, 10, 0, tzinfo=VIETNAM), date(2027, 1, 10), date(2027, 1, 20), text),
            # Recorded at 06:30 in Ha Noi on 1 February (31 January in UTC), its deadline's day: on time, in February.
            (3, "APPRAISAL", "MOJ", datetime(2027, 1, 31, 23, 30, tzinfo=UTC), None, date(2027, 2, 1), "[]"),
        ):
            await connection.execute(
                "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, occurred_on, event, stage, to_stage, outcome,"
                " actor, agency_code, deadline, documents, version) VALUES ($1, $2, $3, $4, $5, 'DECISION', $6, 'GOVERNMENT_REVIEW',"
                " 'APPROVE', $7, 'X', $8, $9::jsonb, $10)",
                sid, seq, f"draft-law-{sid}", recorded, happened, stage, actor, deadline, documents, 1 if seq == 2 else None)

        async def finished(since: date, until: date) -> dict[str, tuple[int, int]]:
            rows = await deadline_report(connection, since=since, until=until, today=date(2027, 3, 3))
            return {r.agency: (r.on_time, r.late) for r in rows if r.on_time or r.late}

        assert await finished(date(2027, 1, 1), date(2027, 2, 1)) == {"X": (1, 0), "ALL": (1, 0)}
        assert await finished(date(2027, 2, 1), date(2027, 3, 1)) == {"MOJ": (1, 0), "ALL": (1, 0)}
        assert await finished(date(2027, 3, 1), date(2027, 4, 1)) == {}
        [version] = (await audit.versions(connection, sid)).versions
        assert version.occurred_on == date(2027, 1, 10)
    finally:
        await connection.close()


async def test_a_past_periods_report_counts_what_it_left_overdue_not_what_fell_due_after_it(fresh_database_url):
    """Found by a fresh-user trial: a report for 2025 counted a stage that fell overdue in November 2026."""
    pool = await create_pool(fresh_database_url)
    try:
        for sid, due in (("D-2025", date(2025, 12, 1)), ("D-2026", date(2026, 11, 19))):
            await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, "
                               "stage, stage_since, stage_deadline, responsible, classified, last_seq) VALUES ($1, $2, 't', 'BGDDT', "
                               "'LAW_2025', '16-2', 'APPRAISAL', now(), $3, 'MOJ', false, 1)", sid, f"draft-law-{sid}", due)
        today = date(2026, 12, 5)

        def overdue(rows):
            return {r.agency: r.overdue_now for r in rows}

        assert overdue(await deadline_report(pool, since=date(2025, 1, 1), until=date(2026, 1, 1), today=today)) == {"MOJ": 1, "ALL": 1}
        assert overdue(await deadline_report(pool, since=date(2026, 1, 1), until=date(2026, 12, 6), today=today)) == {"MOJ": 2, "ALL": 2}
        assert overdue(await deadline_report(pool, since=date(2024, 1, 1), until=date(2025, 1, 1), today=today)) == {"ALL": 0}
    finally:
        await pool.close()


async def _draft(pool, sid: str, stage: str, deadline: str | None, *, responsible: str, classified: bool = False, ministry: str = "BGDDT",
                 since: datetime | None = None) -> None:
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, classified, last_seq, responsible) "
                       "VALUES ($1, $2, 'Luật thử', $7, 'LAW_2025', '16-1', $3, coalesce($8, now()), $4::date, $5, 1, $6)",
                       sid, f"draft-law-{sid}", stage, None if deadline is None else date.fromisoformat(deadline), classified, responsible,
                       ministry, since)


async def _examined_late(pool, sid: str, agency_code: str | None) -> dict:
    """`sid` at the Standing Committee's opinion, its examination decided on 6 December by `agency_code` (none: not said),
    late for 30 November; the report of that day for BGDDT's drafts, by agency."""
    await _draft(pool, sid, "STANDING_COMMITTEE_OPINION", None, responsible="UBTVQH")
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, "
                       "deadline) VALUES ($1, 2, $2, '2026-12-06T10:00:00+07:00', 'DECISION', 'EXAMINATION', 'STANDING_COMMITTEE_OPINION', "
                       "'NA_COMMITTEE', $3, '2026-11-30')", sid, f"draft-law-{sid}", agency_code)
    return {r.agency: r for r in await deadline_report(pool, since=date(2026, 12, 6), until=date(2026, 12, 7), today=date(2026, 12, 6),
                                                       lead_ministry="BGDDT")}


async def test_the_report_counts_a_named_committee_in_one_row(pool):
    """Found by a trial and a breaker: a draft whose start names UBQPANDN, overdue at its examination, is counted under
    UBQPANDN; the examination the same committee finished late on another such draft was counted under NA_COMMITTEE, so
    the report showed the one committee in two rows, with none of its finished stages under its own code."""
    tag = uuid.uuid4().hex[:6].upper()
    await _draft(pool, f"QP-{tag}-1", "EXAMINATION", "2026-11-30", responsible="UBQPANDN")
    rows = await _examined_late(pool, f"QP-{tag}-2", "UBQPANDN")
    assert rows["UBQPANDN"].overdue_now == 1 and rows["UBQPANDN"].late == 1, rows
    assert "NA_COMMITTEE" not in rows, rows
    # A committee's step that names no agency (a first CI run of this: the report failed, 500 on the board) is the body's.
    rows = await _examined_late(pool, f"QP-{tag}-3", None)
    assert rows["NA_COMMITTEE"].late == 1 and rows["UBQPANDN"].late == 1, rows


async def test_the_report_counts_rows_written_without_their_body(fresh_database_url):
    """A postponement asked and granted with no actor, written by hand (no draft writes one): the report failed on it (500
    on the board's report page). It is counted under UNRECORDED."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        since = datetime(2027, 1, 1, tzinfo=VIETNAM)
        await _draft(connection, "HAND-1", "DRAFTING", "2027-01-25", responsible="BCT", ministry="BCT", since=since)
        for seq, event, extra in ((2, "POSTPONEMENT_REQUESTED", {"late_request": True}), (3, "POSTPONEMENT_DECIDED", {"approved": True})):
            await connection.execute(
                "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, late_request, approved)"
                " VALUES ('HAND-1', $1, 'draft-law-HAND-1', $2, $3, 'DRAFTING', $4, $5)",
                seq, since + timedelta(days=seq), event, extra.get("late_request"), extra.get("approved"))
        rows = {r.agency: r for r in await deadline_report(connection, since=date(2027, 1, 1), until=date(2027, 2, 1), today=date(2027, 3, 1))}
        figures = ("on_time", "late", "overdue_now", "postponed", "late_requests")
        assert [getattr(rows["UNRECORDED"], f) for f in figures] == [0, 0, 0, 1, 1]
        assert [getattr(rows["ALL"], f) for f in figures] == [0, 0, 1, 1, 1]
    finally:
        await connection.close()


async def test_a_lead_ministry_reads_its_own_drafts_report(fresh_database_url):
    """Found by a ministry's trial: a lead ministry's token was refused every report, its own drafts' too. It reads its
    own drafts' figures, on the API and on the board, with its code or none; another ministry's it may not."""
    pool = await create_pool(fresh_database_url)
    try:
        since = datetime(2027, 1, 1, tzinfo=VIETNAM)
        for ministry in ("BTC", "BGDDT"):
            sid = f"OWN-{ministry}"
            await pool.execute(
                "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage, stage_since,"
                " stage_deadline, classified, last_seq, responsible) VALUES ($1, $2, $3, 'LAW_2025', '16-2', 'APPRAISAL', $4, $5, false, 2,"
                " 'MOJ')", sid, f"draft-law-{sid}", ministry, since, date(2027, 1, 25))
            await pool.execute(
                "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome, actor, agency_code,"
                " deadline) VALUES ($1, 2, $2, $3, 'DECISION', 'DRAFTING', 'APPRAISAL', 'APPROVE', 'LEAD_MINISTRY', $4, $5)",
                sid, f"draft-law-{sid}", since + timedelta(days=5), ministry, date(2027, 1, 20))
        period = {"since": "2027-01-01", "until": "2027-03-01"}
        async with app_client(pool) as http:
            secret = await signed_in(http, pool, language="en", agency="BTC", role=CallerRole.LEAD_MINISTRY)
            own = await http.get("/v1/reports/deadlines", params=period, headers={"Authorization": f"Bearer {secret}"})
            assert own.status_code == 200, own.text
            assert {r["agency"]: (r["on_time"], r["overdue_now"]) for r in own.json()} == {"BTC": (1, 0), "ALL": (1, 0)}
            page = is_page(await http.get("/board/ministries", params=period), 200)
            assert "BTC" in page and "BGDDT" not in page, page[-3000:]
            # The on-time rate in the page's language (found by a Government Office's trial: "100.0 %" on the Vietnamese page).
            assert "100.0 %" in page
            http.cookies.set("legis_lang", "vi")
            assert "100,0 %" in is_page(await http.get("/board/ministries", params=period), 200)
            http.cookies.set("legis_lang", "en")
            csv_rows = (await http.get("/board/ministries.csv", params=period)).text.splitlines()
            assert [row.split(",")[0] for row in csv_rows] == ["agency", "BTC", "ALL"], csv_rows
            assert is_page(await http.get("/board/ministries", params=period | {"ministry": "BGDDT"}), 403)
            operator = await signed_in(http, pool, language="en", agency="VPCP", role=CallerRole.OPERATOR)
            every = await http.get("/v1/reports/deadlines", params=period, headers={"Authorization": f"Bearer {operator}"})
            assert {r["agency"]: r["on_time"] for r in every.json()} == {"BTC": 1, "BGDDT": 1, "ALL": 2}
    finally:
        await pool.close()


async def test_a_lead_ministry_reading_its_own_report_counts_its_classified_drafts(fresh_database_url):
    """Found by a breaker: BQP, which leads a classified draft and may read it, read a report of its own drafts that
    counted nothing of it, on the API, the board and the CSV alike, and said nothing of the draft left out. It is counted
    in the row of classified drafts, as on every reader's report, and in the total; and a ministry refused another's
    report is told so in its page's language."""
    pool = await create_pool(fresh_database_url)
    try:
        since = datetime(2026, 10, 1, tzinfo=VIETNAM)
        await _draft(pool, "OWN-SECRET", "APPRAISAL", "2026-11-25", responsible="MOJ", classified=True, ministry="BQP", since=since)
        await pool.execute(
            "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome, actor, agency_code,"
            " deadline) VALUES ('OWN-SECRET', 2, 'draft-law-OWN-SECRET', $1, 'DECISION', 'DRAFTING', 'APPRAISAL', 'APPROVE',"
            " 'LEAD_MINISTRY', 'BQP', $2)", since + timedelta(days=5), date(2026, 10, 2))
        period = {"since": "2026-10-01", "until": "2027-01-01"}
        async with app_client(pool) as http:
            secret = await signed_in(http, pool, language="en", agency="BQP", role=CallerRole.LEAD_MINISTRY)
            own = await http.get("/v1/reports/deadlines", params=period, headers={"Authorization": f"Bearer {secret}"})
            assert {r["agency"]: (r["late"], r["overdue_now"]) for r in own.json()} == {"CLASSIFIED": (1, 0), "MOJ": (0, 1), "ALL": (1, 1)}
            assert [row.split(",")[0] for row in (await http.get("/board/ministries.csv", params=period)).text.splitlines()] == [
                "agency", "CLASSIFIED", "MOJ", "ALL"]
            page = is_page(await http.get("/board/ministries", params=period), 200)
            assert "Your ministry's classified drafts are counted in the row of classified drafts" in page, page[-3000:]
            assert "All agencies, on the drafts BQP leads" in page
            operator = await signed_in(http, pool, language="en", agency="VPCP", role=CallerRole.OPERATOR)
            filtered = await http.get("/v1/reports/deadlines", params=period | {"ministry": "BQP"}, headers={"Authorization": f"Bearer {operator}"})
            assert [(r["agency"], r["late"], r["overdue_now"]) for r in filtered.json()] == [("ALL", 0, 0)]  # not told BQP leads it
            await signed_in(http, pool, language="vi", agency="BQP", role=CallerRole.LEAD_MINISTRY)
            refused = is_page(await http.get("/board/ministries", params={"ministry": "BTC"}), 403)
            assert "Bộ chỉ xem báo cáo về các dự án do bộ chủ trì" in refused and "(quy tắc: own_ministry_only)" in refused, refused[-1500:]
    finally:
        await pool.close()


async def test_a_withdrawal_is_no_body_finishing_its_stage(fresh_database_url):
    """Found by a Government Office's trial: the lead ministry withdrew a draft at APPRAISAL, the Ministry of Justice 29
    days past its deadline; the report counted a stage "finished late" in the lead ministry's row, which owed nothing at
    that stage. A withdrawal ends the draft, not the stage's work; the Ministry of Justice's late appraisal of another
    draft is counted as ever."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        since = datetime(2027, 1, 1, tzinfo=VIETNAM)
        for sid, outcome, actor, agency in (("WDR-1", "WITHDRAW", "LEAD_MINISTRY", "BCA"), ("APR-1", "APPROVE", "MOJ", "BTP")):
            await _draft(connection, sid, "WITHDRAWN" if outcome == "WITHDRAW" else "GOVERNMENT_REVIEW", None, responsible="", ministry="BCA",
                         since=since)
            await connection.execute(
                "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome, actor, agency_code,"
                " deadline) VALUES ($1, 2, $2, $3, 'DECISION', 'APPRAISAL', $4, $5, $6, $7, $8)",
                sid, f"draft-law-{sid}", since + timedelta(days=60), "WITHDRAWN" if outcome == "WITHDRAW" else "GOVERNMENT_REVIEW", outcome,
                actor, agency, date(2027, 1, 31))
        rows = {r.agency: r for r in await deadline_report(connection, since=date(2027, 1, 1), until=date(2027, 4, 1), today=date(2027, 4, 1))}
        assert "BCA" not in rows and "LEAD_MINISTRY" not in rows, rows
        assert (rows["MOJ"].on_time, rows["MOJ"].late) == (0, 1) and (rows["ALL"].on_time, rows["ALL"].late) == (0, 1)
    finally:
        await connection.close()
