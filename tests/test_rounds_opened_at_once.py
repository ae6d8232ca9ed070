"""Openings of consultation rounds sent at once stay within the bound on open rounds (`rounds.check_room`, eighteenth
generation). Found by a breaker: a round joins the draft's open rounds once its child workflow has started, so openings
arriving meanwhile were each checked against the same count; with 19 open, four sent at once were all taken, and the
state carried to the next run (23 open rounds, over `open_rounds`' bound) could not be read: the draft's next run failed
its first workflow task on every retry, answering no query and taking no message."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from schemas.calendar import SessionCalendar
from schemas.enums import Stage
from schemas.state import MAX_OPEN_ROUNDS
from tests.drafts import consultation, refusal_of, start_request
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts

S = Stage


async def test_rounds_opened_at_once_stay_within_the_bound_and_the_draft_goes_on_to_its_next_run(short_history_env, pool):
    env, client = short_history_env, short_history_env.client
    request = start_request()
    sid = request.submission_id
    task_queue = f"brk-{uuid.uuid4().hex[:8]}"
    unchanged = SessionCalendar(sessions=(request.target_session,), changed_by="VPQH")
    async with create_worker(client, pool, task_queue=task_queue):
        with env.with_time_skipping_disabled():
            await drafts.start_submission(client, request, task_queue=task_queue)
            await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
            for n in range(MAX_OPEN_ROUNDS - 1):
                await drafts.open_consultation(client, sid, consultation(request, f"r{n}", ("BTC",)))
            outcomes = []

            async def opening(n: int) -> None:
                try:
                    outcomes.append((await drafts.open_consultation(client, sid, consultation(request, f"at-once-{n}", ("BTC",)))).events)
                except WorkflowUpdateFailedError as refused:
                    outcomes.append(refusal_of(refused))

            await asyncio.gather(*(opening(n) for n in range(4)))
            held = len((await drafts.status(client, sid)).open_consultations)
            # The next run: messages that record nothing until the run continues as new.
            run = (await drafts.draft(client, sid).describe()).run_id
            answered = None
            for _ in range(30):
                try:
                    await drafts.tell_calendar(client, sid, unchanged)
                except RPCError as failing:
                    answered = failing
                    break
                if (await drafts.draft(client, sid).describe()).run_id != run:
                    break
            try:
                after = len((await drafts.status(client, sid)).open_consultations)
            except RPCError as failing:
                after = failing
    assert held == MAX_OPEN_ROUNDS, f"{held} open rounds, the bound is {MAX_OPEN_ROUNDS}; openings told {outcomes}"
    assert sorted(map(str, outcomes)) == ["('round_id', 'rounds_bound')"] * 3 + ["1"], outcomes
    assert answered is None and isinstance(after, int), f"the draft's next run cannot run: {after!r}"
