"""Sixteenth generation: a round whose window counts back from the session the draft aims at (the Assembly's
delegations') ends as that session now gives, whatever moved it.

Found by a fresh-user trial: a two-session law's delegations' round, opened between the sessions, kept the end it opened
with when the next session moved ten days later, so that the delegations lost ten days of a window the README says
follows the session calendar and cannot be lengthened."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import EventType

from schemas.calendar import SessionCalendar
from schemas.enums import ConsultationKind, EventKind, ProcessVersion, SessionProcedure, Stage
from tests.drafts import consultation, core_request, core_state, opinion, session, start_request
from tests.polling import eventually
from tests.scenarios import approve
from tests.test_calendar import cutoff, debated_at_its_first_session
from workflows import client as drafts
from workflows import draft, round_client, rounds, sessions
from workflows.change import Record, RescheduleRound, StartRound
from workflows.deadlines import start_of
from workflows.draft_law import DraftLawWorkflow

S = Stage
DELEGATIONS = ConsultationKind.NA_DELEGATIONS


def opening_delegations(generation: int = 16):
    """A two-session law debated at 16-2 (30 days ahead), aiming at 16-3 (200 days ahead), its delegations' round asked
    three days after the debate; returns the draft's change and the round's start, and that moment."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS, target=session(2, 30))
    state = core_state(request, at=S.INTER_SESSION_REVISION, generation=generation, sessions=[session(2, 30), session(3, 200)])
    now = start_of(session(2, 30).opens_on) + timedelta(days=3)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=DELEGATIONS), now)
    [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
    return opened, start, now


def delegations_open(generation: int):
    """`opening_delegations`' round started: the draft's state, and the moment."""
    opened, start, now = opening_delegations(generation)
    return rounds.round_started(opened.state, start, now).state, now


def moved(state, now, days: int):
    return draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(session(2, 30), session(3, days)), changed_by="VPQH"), now)


@pytest.mark.parametrize("generation", [16, 15])
def test_a_delegations_round_ends_as_the_moved_session_gives(generation):
    state, now = delegations_open(generation)
    assert state.target.code == "16-3"
    [watch] = state.open_rounds
    was = watch.round.closes_at
    assert sessions.last_day_of(was) <= session(3, 200).opens_on - timedelta(days=20)
    applied = moved(state, now, 214)
    [after] = applied.state.open_rounds
    told = [effect.window.closes_at for effect in applied.effects if isinstance(effect, RescheduleRound)]
    recorded = [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.CONSULTATION_RESCHEDULED]
    if generation == 15:
        assert (after.round.closes_at, told, recorded) == (was, [], [])
        return
    last_day = sessions.last_day_of(after.round.closes_at)
    # 20 days before the new opening, or the working day before (never fewer than 20 days).
    assert session(3, 214).opens_on - timedelta(days=24) < last_day <= session(3, 214).opens_on - timedelta(days=20)
    assert after.round.closes_at - was >= timedelta(days=10) and told == [after.round.closes_at]
    assert after.check_at == after.round.closes_at + rounds.ROUND_GRACE
    assert len(recorded) == 1 and f"until {last_day}" in recorded[0].label and "16-3" in recorded[0].label
    # Told once: the same calendar again moves nothing.
    again = moved(applied.state, now, 214)
    assert not [effect for effect in again.effects if isinstance(effect, RescheduleRound)]


def test_a_round_whose_window_has_ended_is_left_as_it_closed():
    state, now = delegations_open(16)
    [watch] = state.open_rounds
    later = watch.round.closes_at + timedelta(hours=1)
    applied = moved(state, later, 214)
    assert [w.round.closes_at for w in applied.state.open_rounds] == [watch.round.closes_at]
    assert not [effect for effect in applied.effects if isinstance(effect, RescheduleRound)]


def test_a_round_of_another_window_keeps_its_end():
    """A window counted forward from its opening (written opinions, 15 days) does not follow a session."""
    request = core_request()
    state = core_state(request, at=S.DRAFTING, sessions=[session(2, 300)])
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "bo-nganh"), start_of(state.stage_since.date()))
    [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
    started = rounds.round_started(opened.state, start, opened.state.stage_since)
    applied = draft.perform(draft.CALENDAR_CHANGED, started.state, SessionCalendar(sessions=(session(2, 320),), changed_by="VPQH"),
                            started.state.stage_since)
    assert not [effect for effect in applied.effects if isinstance(effect, RescheduleRound)]


async def test_the_round_waits_for_its_new_end_and_records_the_silent_then(time_skipping_env, ts_worker):
    env = time_skipping_env
    request, handle, first, second = await debated_at_its_first_session(env, ts_worker)
    asked = consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=DELEGATIONS)
    await drafts.open_consultation(env.client, request.submission_id, asked)
    sid, was = request.submission_id, (await round_client.consultation(env.client, request.submission_id, "dbqh")).closes_at
    later = second.model_copy(update={"opens_on": second.opens_on + timedelta(days=14)})
    await handle.execute_update(DraftLawWorkflow.calendar_changed, SessionCalendar(sessions=(first, later), changed_by="op"))
    [listed] = (await drafts.status(env.client, sid)).open_consultations
    view = await eventually(lambda: round_client.consultation(env.client, sid, "dbqh"), lambda round_view: round_view.closes_at != was)
    assert view.closes_at == listed.closes_at and view.closes_at - was >= timedelta(days=10)
    assert sessions.last_day_of(view.closes_at) <= cutoff(later.opens_on, 20)
    round_handle = await round_client.round_workflow(env.client, sid, "dbqh")
    await env.fast_forward(round_handle, was - listed.opened_at + timedelta(hours=1))
    assert not (await round_client.consultation(env.client, sid, "dbqh")).closed  # past the old end, before the new one
    await env.fast_forward(round_handle, view.closes_at - was)
    closed = await eventually(lambda: round_client.consultation(env.client, sid, "dbqh"), lambda round_view: round_view.closed)
    assert closed.silent == ("DBQH_HN", "DBQH_HCM")
    recorded = [e for e in (await drafts.history(env.client, sid)).entries if e.event is EventKind.CONSULTATION_RESCHEDULED]
    assert len(recorded) == 1 and "17-2" in recorded[0].label


def test_a_session_brought_forward_past_the_windows_last_day_ends_it_now():
    """Found by a breaker: the draft recorded, and told its round, an end on a day already gone."""
    state, now = delegations_open(16)
    later = now + timedelta(days=100)
    applied = moved(state, later, 140)  # 16-3 now opens 7 days after `later`: its 20th day before has passed
    [watch] = applied.state.open_rounds
    told = [effect.window.closes_at for effect in applied.effects if isinstance(effect, RescheduleRound)]
    [recorded] = [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.CONSULTATION_RESCHEDULED]
    assert told == [watch.round.closes_at] == [later] and watch.check_at == later + rounds.ROUND_GRACE
    assert recorded.label.startswith("round dbqh: NA_DELEGATIONS now, 20 days before session 16-3")


def test_a_session_moved_while_the_round_starts_is_followed_once_it_has_started():
    """Found by a breaker: a calendar change taken while the round's workflow was starting left the round with the end
    counted from the session as it was, until the draft's next operation or alarm."""
    opened, start, now = opening_delegations()
    meanwhile = moved(opened.state, now, 214)
    started = rounds.round_started(meanwhile.state, start, now)
    [watch] = started.state.open_rounds
    told = [effect.window.closes_at for effect in started.effects if isinstance(effect, RescheduleRound)]
    assert told == [watch.round.closes_at] and watch.round.closes_at - start.input.closes_at >= timedelta(days=10)
    assert started.receipt.events == 2  # the round opened, and its end moved


async def test_a_round_takes_a_new_end_only_as_its_draft_would_send_it(time_skipping_env, ts_worker):
    """Found by a breaker: any Temporal client may signal a round. A time without a zone failed the round's workflow task
    for good (it could not be compared), and a written opinions' round took an end in 2031 (its window does not follow a
    session). Neither is taken; the round goes on as before."""
    env = time_skipping_env
    request = start_request(ProcessVersion.LAW_2025)
    with env.with_time_skipping_disabled():
        await drafts.start_submission(env.client, request, task_queue=ts_worker)
    await approve(env.client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    sid = request.submission_id
    await drafts.open_consultation(env.client, sid, consultation(request, "bo-nganh"))
    round_handle = await round_client.round_workflow(env.client, sid, "bo-nganh")
    was = (await round_client.consultation(env.client, sid, "bo-nganh")).closes_at
    with env.with_time_skipping_disabled():
        for closes_at in ("2030-01-01T00:00:00", "2031-01-01T00:00:00+00:00", "2020-01-01T00:00:00+00:00"):
            await round_handle.signal("window_moved", {"closes_at": closes_at})
        receipt = await round_client.submit_opinion(env.client, sid, "bo-nganh", opinion("BTC", "c1"))
    assert receipt.awaiting == 2
    view = await round_client.consultation(env.client, sid, "bo-nganh")
    assert (view.closes_at, view.closed) == (was, False)
    failed = [e async for e in round_handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert not failed


async def test_an_end_before_the_delegations_round_opened_closes_it_now(time_skipping_env, ts_worker):
    """Found by a re-check: the draft's "now" (a session brought forward past the window's last day while the round was
    starting) may come before the round's first task; the round dropped such an end and took answers until its old one."""
    env = time_skipping_env
    request, _, _, _ = await debated_at_its_first_session(env, ts_worker)
    sid = request.submission_id
    await drafts.open_consultation(env.client, sid, consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=DELEGATIONS))
    with env.with_time_skipping_disabled():
        await (await round_client.round_workflow(env.client, sid, "dbqh")).signal("window_moved", {"closes_at": "2020-01-01T00:00:00+00:00"})
        closed = await eventually(lambda: round_client.consultation(env.client, sid, "dbqh"), lambda view: view.closed)
    assert closed.silent == ("DBQH_HN", "DBQH_HCM")
