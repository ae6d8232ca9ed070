"""A draft's long life on a real (time-skipping) server: request IDs remembered across runs, drafts entered with their real
dates, events entered late, rounds that end badly, postponements approved late, long texts by reference."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.worker import Replayer, Worker

from activities.rulebook import shipped_working_calendar
from schemas.calendar import SessionCalendar
from schemas.consultation import OpinionBody
from schemas.enums import Actor, DocumentKind, EventKind, Role, Stage
from schemas.messages import DossierFiling, RunRenewal, StartRequest
from schemas.state import DraftLawInput
from store import audit, texts
from tests.drafts import (
    consultation,
    core_state,
    decision,
    document,
    passed_through,
    patch_ids,
    refusal_of,
    start_request,
)
from tests.holding import HoldPin
from tests.polling import eventually
from tests.scenarios import approve, carried_ordinance_of_generation_6, past_window, postponed_while_overdue
from workers.worker import create_worker, sandbox_runner
from workflows import client as drafts
from workflows import round_client
from workflows.deadlines import local_day
from workflows.draft_law import RENEW_WHEN_SUGGESTED_PATCH, DraftLawWorkflow
from workflows.generations import GENERATIONS
from workflows.rounds import ROUND_GRACE

S = Stage


def today() -> datetime:
    return datetime.now(UTC)


def next_working_day(day):
    while not shipped_working_calendar().is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
async def long_worker(short_history_env, pool):
    task_queue = f"long-{uuid.uuid4().hex[:8]}"
    async with create_worker(short_history_env.client, pool, task_queue=task_queue):
        yield task_queue


async def run_id(client, submission_id: str) -> str:
    return (await drafts.draft(client, submission_id).describe()).run_id


async def test_a_request_id_applies_once_even_after_the_draft_continues_as_new(short_history_env, long_worker, pool):
    """Issue 12, case 5: a retried request after a continue-as-new gets its first receipt; nothing is recorded twice."""
    env, client = short_history_env, short_history_env.client
    request = start_request()
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=long_worker)
        await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        filing = DossierFiling(stage=S.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                               official="Bộ trưởng", documents=(document(DocumentKind.DRAFT_TEXT),))
        first = await drafts.file_dossier(client, request.submission_id, filing, request_id="ministry-system-42")
        # Within the run too, where Temporal would answer the known update ID itself: the client asks the draft first.
        within = await drafts.file_dossier(client, request.submission_id, filing, request_id="ministry-system-42")
        assert within.duplicate and within.first_seq == first.first_seq
        with pytest.raises(WorkflowUpdateFailedError) as reused:
            await drafts.file_dossier(client, request.submission_id, filing.model_copy(update={"official": "Cục trưởng"}),
                                      request_id="ministry-system-42")
        assert refusal_of(reused.value) == ("request_id", "idempotency_key_reused")
        first_run, version = await run_id(client, request.submission_id), 0
        while await run_id(client, request.submission_id) == first_run:
            version += 1
            more = filing.model_copy(update={"documents": (document(DocumentKind.COVER_SUBMISSION, f"v{version}"),)})
            await drafts.file_dossier(client, request.submission_id, more)
        # Within a run Temporal itself answers a repeated update ID; across runs the draft remembers it.
        other = filing.model_copy(update={"official": "Thứ trưởng"})
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await drafts.file_dossier(client, request.submission_id, other, request_id="ministry-system-42")
        assert refusal_of(refused.value) == ("request_id", "idempotency_key_reused")
        again = await drafts.file_dossier(client, request.submission_id, filing, request_id="ministry-system-42")
        assert again.duplicate and again.first_seq == first.first_seq and again.events == first.events
    rows = await eventually(lambda: audit.history(pool, request.submission_id),
                            lambda h: len(h.entries) == (h.entries[-1].seq if h.entries else -1) and len(h.entries) >= first.first_seq)
    assert [e.seq for e in rows.entries if e.event is EventKind.DOSSIER_FILED and e.official == "Bộ trưởng"
            and e.documents[0].sha256 == filing.documents[0].sha256] == [first.first_seq]
    assert not [e for e in rows.entries if e.official in ("Cục trưởng", "Thứ trưởng")]


async def updates_accepted(client, submission_id: str) -> int:
    return sum([e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
                async for e in drafts.draft(client, submission_id).fetch_history_events()])


@pytest.mark.parametrize("operation", ["decide", "open_consultation"])
async def test_of_callers_sending_one_request_id_at_once_one_is_told_applied_the_others_duplicate(short_history_env, pool, operation):
    """Found by a fresh-user trial: three `legis decide --request-id X` at once were recorded once, but every caller read
    "applied" (Temporal gave every caller of one update ID that update's outcome), so a system counting its decisions by
    receipts counted two too many. The draft's rulebook held back, no caller's question finds the ID remembered. A round
    is opened by the first call once its workflow starts: the others, found by a breaker told `duplicate` with no event
    while it started, wait for the first call's receipt."""
    env, client = short_history_env, short_history_env.client
    request, holding, task_queue = start_request(), HoldPin(), f"held-{uuid.uuid4().hex[:8]}"
    if operation == "decide":
        send, kind = (lambda: drafts.decide(client, request.submission_id, decision(request, S.POLICY_PROPOSAL), request_id="dms-at-once")), EventKind.DECISION
    else:
        request = passed_through(request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME], local_day(today()))
        send, kind = (lambda: drafts.open_consultation(client, request.submission_id, consultation(request, "r1"), request_id="dms-at-once")), EventKind.CONSULTATION_OPENED
    with env.with_time_skipping_disabled():
        async with create_worker(client, pool, task_queue=task_queue, interceptors=[holding]):
            await drafts.start_submission(client, request, task_queue=task_queue)
            sent = [asyncio.create_task(send()) for _ in range(4)]
            # All four taken by the draft (each an update of its own) before it can check any.
            await eventually(lambda: updates_accepted(client, request.submission_id), lambda accepted: accepted == 4)
            holding.release.set()
            receipts = await asyncio.gather(*sent)
            again = await send()
            view = await drafts.history(client, request.submission_id)
    assert sorted(r.duplicate for r in receipts) == [False, True, True, True] and again.duplicate, receipts
    assert {(r.first_seq, r.events) for r in (*receipts, again)} == {(receipts[0].first_seq, 1)}, receipts
    assert [e.seq for e in view.entries if e.event is kind] == [receipts[0].first_seq]


async def test_a_draft_under_way_is_entered_with_its_real_dates(short_history_env, long_worker, pool):
    """Issue 12, case 6: steps already passed are imported, dated; deadlines count from when things happened."""
    env, client = short_history_env, short_history_env.client
    day = local_day(today())
    plain = start_request()
    steps = [decision(plain, stage).model_copy(update={"occurred_on": day - timedelta(days=ago)})
             for stage, ago in ((S.POLICY_PROPOSAL, 60), (S.LEGISLATIVE_PROGRAMME, 50), (S.DRAFTING, 40))]
    request = StartRequest.model_validate({**plain.model_dump(), "passed": [s.model_dump() for s in steps]})
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=long_worker)
        view = await drafts.status(client, request.submission_id)
    assert view.stage is S.APPRAISAL and local_day(view.stage_since) == day - timedelta(days=40)
    assert view.stage_deadline == next_working_day(day - timedelta(days=10))  # 30 days from the complete dossier, 40 days ago
    history = await eventually(lambda: audit.history(pool, request.submission_id), lambda h: len(h.entries) >= 4)
    imported = [(e.stage, e.occurred_on) for e in history.entries if e.imported]
    assert imported == [(s.stage, s.occurred_on) for s in steps]
    # The Ministry of Justice's appraisal report, signed five days ago, entered today.
    late = decision(request, S.APPRAISAL).model_copy(update={"occurred_on": day - timedelta(days=5)})
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await drafts.decide(client, request.submission_id, late.model_copy(update={"occurred_on": day + timedelta(days=1)}))
    assert refusal_of(refused.value) == ("occurred_on", "not_in_future")
    receipt = await drafts.decide(client, request.submission_id, late)
    assert receipt.to_stage is S.GOVERNMENT_REVIEW
    assert local_day((await drafts.status(client, request.submission_id)).stage_since) == day - timedelta(days=5)


async def test_a_draft_told_what_changes_nothing_for_it_still_continues_as_new(short_history_env, long_worker):
    """Found by the test below, as it was written: a draft waiting for its next alarm woke only for events to record, so
    messages that record nothing (a calendar unchanged for it, told to every running draft at each calendar command) grew
    its run's history without end, until Temporal refused its 2,001st update. It now continues as new when the server
    suggests it, here after 40 events."""
    env, client = short_history_env, short_history_env.client
    request = start_request()
    calendar = SessionCalendar(sessions=(request.target_session,), changed_by="VPQH")
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=long_worker)
        first_run = await run_id(client, request.submission_id)
        for _ in range(30):
            assert (await drafts.tell_calendar(client, request.submission_id, calendar)).events == 0
            if await run_id(client, request.submission_id) != first_run:
                break
        else:
            raise AssertionError("the run never continued as new")
        assert (await drafts.decide(client, request.submission_id, decision(request, S.POLICY_PROPOSAL))).first_seq == 2


async def waiting(client, submission_id: str) -> None:
    """Until the draft has written its opening to the audit trail and waits. A write that ends half-way through the
    messages sent after the start finds the run past the suggestion, and every release continues it as new there (in CI,
    under load; reproduced with the write delayed by 0.08 to 0.14 s)."""
    handle = drafts.draft(client, submission_id)

    async def activities() -> tuple[int, int]:
        kinds = [event.event_type for event in (await handle.fetch_history()).events]
        return kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)

    await eventually(activities, lambda counts: counts[1] >= 2 and counts[0] == counts[1])  # the pin and the first write
    await drafts.status(client, submission_id)  # answered once the task that took the write's result has run


async def test_a_run_under_way_takes_up_the_wake_live_and_one_from_before_replays_waiting(short_history_env, pool):
    """The patch that wakes a waiting draft to continue as new (`continue-as-new-while-waiting`) is asked only once the
    server suggests a new run. A worker that turns it down plays the last release's: its run grows past the suggestion
    and waits on, and replays with this code as it ran. A run that release began, carried on by this code before the
    suggestion, takes it up live when it comes; the history of both workers replays."""
    env, client = short_history_env, short_history_env.client
    queue = f"renew-{uuid.uuid4().hex[:8]}"
    last_release = Worker(**(create_worker(client, pool, task_queue=f"config-{queue}").config()
                             | {"task_queue": queue, "patch_activation_callback": lambda asked: asked.patch_id != RENEW_WHEN_SUGGESTED_PATCH}))
    grown, carried_on = start_request(), start_request()
    unchanged = SessionCalendar(sessions=(grown.target_session,), changed_by="VPQH")
    with env.with_time_skipping_disabled():
        async with last_release:
            for request in (grown, carried_on):
                await drafts.start_submission(client, request, task_queue=queue)
                await waiting(client, request.submission_id)
            first_run = await run_id(client, grown.submission_id)
            for _ in range(15):  # some 75 events: past the suggestion at 40
                await drafts.tell_calendar(client, grown.submission_id, unchanged)
            assert await run_id(client, grown.submission_id) == first_run
            await drafts.tell_calendar(client, carried_on.submission_id, unchanged)
        async with create_worker(client, pool, task_queue=queue):
            first_of_carried = await run_id(client, carried_on.submission_id)
            for _ in range(30):
                await drafts.tell_calendar(client, carried_on.submission_id, unchanged)
                if await run_id(client, carried_on.submission_id) != first_of_carried:
                    break
            else:
                raise AssertionError("the run never continued as new")
    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=client.data_converter, workflow_runner=sandbox_runner())
    for submission_id, run in ((grown.submission_id, first_run), (carried_on.submission_id, first_of_carried)):
        history = await client.get_workflow_handle(drafts.workflow_id_for(submission_id), run_id=run).fetch_history()
        assert (await replayer.replay_workflow(history, raise_on_replay_failure=False)).replay_failure is None, submission_id
        assert (RENEW_WHEN_SUGGESTED_PATCH in patch_ids(history.events)) is (submission_id == carried_on.submission_id)


async def test_a_start_sent_again_is_the_same_only_with_the_same_steps_passed_even_after_a_continue_as_new(short_history_env, long_worker):
    """The same start request again answers with the draft open; one that adds, drops or changes the steps passed
    differs by `passed` (a breaker: steps added to a draft started without were answered as the same request), also once
    the draft has continued as new, whose runs carry its state instead of the steps (they are read from its first run)."""
    env, client = short_history_env, short_history_env.client
    day = local_day(today())
    plain, imported = start_request(), start_request()
    steps = [decision(imported, S.POLICY_PROPOSAL).model_copy(update={"occurred_on": day - timedelta(days=30)})]
    imported = StartRequest.model_validate({**imported.model_dump(), "passed": [s.model_dump() for s in steps]})
    with env.with_time_skipping_disabled():
        for request in (plain, imported):
            assert (await drafts.start_submission(client, request, task_queue=long_worker)).created
        first_run = await run_id(client, imported.submission_id)
        for continued in (False, True):
            while continued and await run_id(client, imported.submission_id) == first_run:
                await drafts.tell_calendar(client, imported.submission_id, SessionCalendar(sessions=(imported.target_session,), changed_by="VPQH"))
            again = await drafts.start_submission(client, imported, task_queue=long_worker)
            assert (again.created, again.differs) == (False, ()), continued
            without = imported.model_copy(update={"passed": ()})
            assert (await drafts.start_submission(client, without, task_queue=long_worker)).differs == ("passed",), continued
        added = plain.model_copy(update={"passed": tuple(s.model_copy(update={"agency_code": plain.lead_ministry}) for s in steps)})
        assert (await drafts.start_submission(client, added, task_queue=long_worker)).differs == ("passed",)
        assert (await drafts.start_submission(client, plain, task_queue=long_worker)).differs == ()


async def test_steps_that_break_the_rulebook_refuse_the_start(short_history_env, long_worker):
    env, client = short_history_env, short_history_env.client
    plain = start_request()
    wrong = decision(plain, S.LEGISLATIVE_PROGRAMME).model_copy(update={"occurred_on": local_day(today())})
    request = StartRequest.model_validate({**plain.model_dump(), "passed": [wrong.model_dump()]})
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=long_worker)
        with pytest.raises(WorkflowFailureError) as failed:
            await drafts.draft(client, request.submission_id).result()
    assert "current_stage_only" in str(failed.value.cause)


async def round_terminated(env, task_queue: str, reason: str) -> StartRequest:
    """A draft at DRAFTING whose round r1's workflow was terminated (by the server, or by hand), on the real clock."""
    client, request = env.client, start_request()
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=task_queue)
        await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        await drafts.open_consultation(client, request.submission_id, consultation(request, "r1"))
        await (await round_client.round_workflow(client, request.submission_id, "r1")).terminate(reason)
    return request


async def test_a_round_the_server_terminated_no_longer_holds_the_stage(short_history_env, long_worker, pool):
    """Issue 12, point 6: a round that ends without handing back its result is noticed and raised to the Government Office."""
    env, client = short_history_env, short_history_env.client
    request = await round_terminated(env, long_worker, "history size exceeds limit")
    await past_window(env, request, "r1", drafts.draft(client, request.submission_id), after=ROUND_GRACE + timedelta(hours=1))
    view = await eventually(lambda: drafts.status(client, request.submission_id), lambda v: not v.open_consultations)
    lost = [e for e in (await audit.history(pool, request.submission_id)).entries if e.event is EventKind.CONSULTATION_LOST]
    assert len(lost) == 1 and lost[0].escalation_level.value == "VPCP" and "terminated" in lost[0].label
    assert view.stage is S.DRAFTING
    assert (await drafts.decide(client, request.submission_id, decision(request, S.DRAFTING))).to_stage is S.APPRAISAL


async def test_a_round_terminated_by_hand_is_found_lost_at_once_by_a_renewed_run(short_history_env, long_worker, pool):
    """Thirty-second generation: `legis renew` after a round was ended by hand finds it lost in the new run's first task,
    on the real clock (found by a re-check: the new run waited for the daily check, a day after the opening)."""
    env, client = short_history_env, short_history_env.client
    request = await round_terminated(env, long_worker, "ended by hand")
    with env.with_time_skipping_disabled():
        await drafts.draft(client, request.submission_id).signal(DraftLawWorkflow.renew_run, RunRenewal(asked_by="VPCP operator"))
        await eventually(lambda: drafts.status(client, request.submission_id), lambda v: not v.open_consultations)
    lost = [e for e in (await audit.history(pool, request.submission_id)).entries if e.event is EventKind.CONSULTATION_LOST]
    assert len(lost) == 1 and "terminated" in lost[0].label


@pytest.mark.parametrize(("asked", "approved_after", "carried"), [(3, 20, False), (-1, 13, False), (-1, 13, True)])
async def test_a_postponement_approved_after_its_date_raises_no_alarm_twice(short_history_env, long_worker, pool, asked, approved_after,
                                                                            carried):
    """Issue 12, case 7: past alarms are not repeated when a deadline moves to a day already past, nor is a level of
    escalation the draft reached when the new date's own escalation to it is still ahead (asked the day before the
    deadline and approved 13 days after the new date). `carried`: a second-generation draft's state, carried to a new
    run, takes up the newest generation's behaviour there (the third's and after)."""
    env, client = short_history_env, short_history_env.client
    request = start_request()
    handle = drafts.draft(client, request.submission_id)
    with env.with_time_skipping_disabled():
        if carried:
            state = core_state(request, at=S.APPRAISAL, now=today(), generation=2)
            started = await client.start_workflow(DraftLawWorkflow.run, DraftLawInput(**request.model_dump(), carried=state), id=handle.id,
                                                  task_queue=long_worker)
            first_run = started.first_execution_run_id
        else:
            first_run = (await drafts.start_submission(client, request, task_queue=long_worker)).run_id
            await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    deadline = await postponed_while_overdue(env, request, asked=asked, approved_after=approved_after)
    history = await eventually(lambda: audit.history(pool, request.submission_id),
                               lambda h: any(e.event is EventKind.POSTPONEMENT_DECIDED for e in h.entries))
    kinds = [e.event for e in history.entries]
    assert kinds.count(EventKind.DEADLINE_PASSED) == 1
    assert kinds.count(EventKind.ESCALATION) == len(set(e.escalation_level for e in history.entries if e.event is EventKind.ESCALATION))
    view = await drafts.status(client, request.submission_id)
    assert view.stage_deadline == deadline + timedelta(days=6) and view.overdue
    first = await client.get_workflow_handle(handle.id, run_id=first_run).fetch_history()
    assert GENERATIONS[0][1] in patch_ids(first.events)  # the newest generation, which keeps the levels reached too


async def test_a_state_carried_into_a_newer_generation_is_counted_again(short_history_env, long_worker, pool):
    """A sixth-generation ordinance's state, counted from a meeting that prepares an earlier session, carried to a new run:
    the run takes up the newest generation, counts the draft again by its rules and records it, then goes on."""
    env, client = short_history_env, short_history_env.client
    request, state = carried_ordinance_of_generation_6(today())
    assert state.deadline is not None
    with env.with_time_skipping_disabled():
        await client.start_workflow(DraftLawWorkflow.run, DraftLawInput(**request.model_dump(), carried=state),
                                    id=drafts.workflow_id_for(request.submission_id), task_queue=long_worker)
        history = await eventually(lambda: audit.history(pool, request.submission_id),
                                   lambda h: any(e.event is EventKind.DEADLINE_RECOUNTED for e in h.entries))
        [recount] = [e for e in history.entries if e.event is EventKind.DEADLINE_RECOUNTED]
        assert recount.seq == state.seq + 1 and recount.deadline is None and f"(was {state.deadline})" in recount.label
        assert (await drafts.status(client, request.submission_id)).stage_deadline is None
        assert (await drafts.decide(client, request.submission_id, decision(request, S.GOVERNMENT_DECISION))).to_stage is S.EXAMINATION


async def test_long_opinions_travel_by_reference(short_history_env, long_worker, pool):
    """Issue 12, case 4: two opinions of about 1 MB each; the round's messages carry hashes, the texts are in PostgreSQL."""
    env, client = short_history_env, short_history_env.client
    request = start_request()
    with env.with_time_skipping_disabled():
        await drafts.start_submission(client, request, task_queue=long_worker)
        await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        await drafts.open_consultation(client, request.submission_id, consultation(request, "big", ("BTC", "BNV")))
        for consultee in ("BTC", "BNV"):
            body = OpinionBody(consultee=consultee, official="Thứ trưởng", comments=[
                {"comment_id": f"c{i}", "article": i + 1, "text": f"Điều {i + 1}: " + "ý kiến chi tiết " * 6200} for i in range(10)])
            refs = await texts.put(pool, body.texts())
            assert sum(r.size_bytes for r in refs) > 1_000_000
            receipt = await round_client.submit_opinion(client, request.submission_id, "big", body.by_reference(refs))
            assert receipt.comments == 10
            assert await texts.get(pool, refs[3].sha256) == body.comments[3].text
    events = [e async for e in (await round_client.round_workflow(client, request.submission_id, "big")).fetch_history_events()]
    largest = max(e.ByteSize() for e in events)
    assert largest < 64 * 1024, f"an event of {largest} bytes"
    assert not [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
