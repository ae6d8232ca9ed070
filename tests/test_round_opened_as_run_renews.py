"""A consultation round opened while the draft's run drains its last events before continuing as new is refused
`draft_busy` and opened in the next run: from the moment a run decides to renew it takes no new message (found by a
breaker, as follows).

How it happens (workflows/draft_law.py, `run`): a round's opening is the one update whose events come after an await
(the child's start). When the server's suggestion to continue as new first comes in the workflow task that brings such
an opening (r1), the waiting loop wakes with the outbox still empty, so that `_flush` at the top of the loop writes
nothing and never sets `_draining`; the loop then waits for r1's handler, which records CONSULTATION_OPENED, and
writes it in the continue-as-new branch's own `_flush` with `_draining` still false. An opening of another round (r2)
that comes with that write's result is accepted (its validator sees no draining), asks for its child, and awaits it;
the write's result then sets `_draining`, empties the outbox, and the run continues as new at once, r2's handler
unfinished. (Made deterministic here by stopping the draft's workflow worker while the write is held, so that the
write's result and r2 reach the draft in one workflow task, as a busy worker or a slow child start does.)

What follows (observed): the run's last workflow task holds r2's acceptance, its START_CHILD_WORKFLOW_EXECUTION_INITIATED
and CONTINUED_AS_NEW; the child is never started (the server knows no r2 workflow), r2's caller is told
`AcceptedUpdateCompletedWorkflow: Workflow Update failed because the Workflow completed before the Update completed`
(the client retries only an update "aborted"), no CONSULTATION_OPENED is recorded, and the state carried to the new run
holds r2 in `rounds_opened` and its request ID with no event: r2's request sent again is refused `round_not_started`
("a round r2 of this submission exists already": none does), and a new request for r2 `unique_round`. The round's ID
is spent for ever on a round that never ran.

README "Busy": while a run drains its last events a new message is refused BUSY and retried, never lost: r2 is refused
`draft_busy`, its client sends it again, and the new run opens it.
"""

from __future__ import annotations

import asyncio
import uuid

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor, Worker

from schemas.calendar import SessionCalendar
from schemas.enums import EventKind, Stage
from store import audit
from tests.drafts import consultation, refusal_of, start_request
from tests.polling import eventually
from tests.scenarios import approve
from tests.test_long_life import waiting
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client

S = Stage


class HoldRoundOpening(Interceptor):
    """Holds the audit write that carries round `round_id`'s CONSULTATION_OPENED until `release` is set."""

    def __init__(self, round_id: str) -> None:
        self.label = f"round {round_id}:"
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        outer = self

        class Held(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput):
                entries = getattr(input.args[0], "entries", ()) if input.args else ()
                if any(e.event is EventKind.CONSULTATION_OPENED and (e.label or "").startswith(outer.label) for e in entries):
                    outer.holding.set()
                    await outer.release.wait()
                return await super().execute_activity(input)

        return Held(next)


async def run_history(client, submission_id: str) -> list:
    return [e async for e in drafts.draft(client, submission_id).fetch_history_events()]


async def test_a_round_opened_as_the_run_renews_is_recorded_and_awaited(short_history_env, pool, monkeypatch):
    env, client = short_history_env, short_history_env.client
    request = start_request()
    sid = request.submission_id
    queue = f"brk-can-{uuid.uuid4().hex[:8]}"
    hold = HoldRoundOpening("r1")
    # The project's worker as configured (built on a queue of its own, never run), split in two on the draft's queue.
    everything = create_worker(client, pool, task_queue=f"config-{queue}", interceptors=[hold]).config() | {"task_queue": queue}
    activities_only = Worker(**(everything | {"workflows": []}))
    workflows_config = everything | {"activities": []}
    unchanged = SessionCalendar(sessions=(request.target_session,), changed_by="VPQH")
    with env.with_time_skipping_disabled():
        async with activities_only:
            workflows = Worker(**workflows_config)
            async with workflows:
                await drafts.start_submission(client, request, task_queue=queue)
                await waiting(client, sid)
                await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
                # Messages that record nothing, until the run's history is past the server's suggestion (40 events) with no
                # workflow task told of it yet: the next one is.
                for _ in range(40):
                    events = await run_history(client, sid)
                    started = [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED]
                    if len(events) >= 40 and not started[-1].workflow_task_started_event_attributes.suggest_continue_as_new:
                        break
                    await drafts.tell_calendar(client, sid, unchanged)
                else:
                    raise AssertionError("never reached the suggestion")
                # Read before r1: once its event is written the run may renew at once (a CI run read the new run here).
                first_run = (await drafts.draft(client, sid).describe()).run_id
                opened = await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC", "BNV")), request_id="dms-r1")
                assert opened.events == 1
                await asyncio.wait_for(hold.holding.wait(), 30)  # r1's event is being written, in the branch that renews the run
            # The draft's workflow worker is down: r2 and the write's result will reach the draft in one workflow task. The
            # client's first question (`request`, a query no worker answers now) would find r2's request ID unknown: answered so.
            asked = drafts._remembered

            async def unknown(client_, submission_id, request_id):
                return None if request_id == "dms-r2" else await asked(client_, submission_id, request_id)

            monkeypatch.setattr(drafts, "_remembered", unknown)
            second = asyncio.create_task(drafts.open_consultation(client, sid, consultation(request, "r2", ("BTC", "BNV")),
                                                                  request_id="dms-r2"))
            await asyncio.sleep(1)
            hold.release.set()
            await eventually(lambda: run_history(client, sid),
                             lambda events: sum(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED for e in events) >= 1
                             and events[-1].event_type in (EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
                                                           EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED), seconds=30)
            async with Worker(**workflows_config):
                try:
                    answer: object = await asyncio.wait_for(second, 60)
                except Exception as failed:  # noqa: BLE001 - what r2's caller is told, whatever it is
                    answer = failed
                monkeypatch.undo()
                told = getattr(answer, "cause", answer)
                # Sent again under its request ID (its caller's retry), and a new request for the same round.
                retries = []
                for request_id in ("dms-r2", "dms-r2-again"):
                    try:
                        retries.append(await drafts.open_consultation(client, sid, consultation(request, "r2", ("BTC", "BNV")),
                                                                      request_id=request_id))
                    except WorkflowUpdateFailedError as refused:
                        retries.append(refusal_of(refused))
                view = await eventually(lambda: drafts.status(client, sid), lambda v: v is not None)
                try:
                    round2 = (await (await round_client.round_workflow(client, sid, "r2")).describe()).status
                except RPCError as missing:
                    round2 = missing.status
                # The draft's latest run (the visibility store's list of runs is in no order to rely on: a CI run listed the
                # first run first).
                # Waited for: on a loaded machine the run continues as new a moment after it answered (a CI run described it first).
                latest_run = (await eventually(lambda: drafts.draft(client, sid).describe(), lambda d: d.run_id != first_run, seconds=30)).run_id
    history = await eventually(lambda: audit.history(pool, sid), lambda h: bool(h.entries) and h.entries[-1].seq == view.events_recorded)
    opened_events = [e.label for e in history.entries if e.event is EventKind.CONSULTATION_OPENED]
    # The draft must await r2 and the audit trail say it opened; its caller must not be told it did not start.
    assert [r.round_id for r in view.open_consultations] == ["r1", "r2"], f"r2's caller was told {told!r}, then {retries}; r2's workflow: {round2}"
    assert sum(label.startswith("round r2:") for label in opened_events) == 1, opened_events
    assert not isinstance(answer, Exception), f"r2's caller was told {told!r}"
    assert latest_run != first_run, "the run was to continue as new while r2 was sent"
