"""A dead letter's event and a reset run that reapplies its update are one event (found by a breaker of repairs): the
dead letter keeps the update ID that recorded its event, so that `legis dead-letters retry` writes the event the reset
run then finds (README, "Architecture": an update a reset run applies again is the same event, known by its
`update_id`), and a retry after the reset run wrote it answers `already_recorded`. Before, the retry wrote it without
its update ID: one request, two DECISION events, either way round."""

from __future__ import annotations

import uuid

import pytest
from temporalio.api.enums.v1 import EventType, ResetReapplyType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest

from activities.database import create_pool
from cli.dead_letters import _retry
from schemas.enums import EventKind, Stage
from schemas.messages import LONGEST_REQUEST_ID
from store import audit, dead_letters
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts

REFUSED = "Refused Official"


async def _reset_reapplying_updates(client, sid: str) -> None:
    """The README's repairs: reset to the workflow task before the last update's acceptance, updates reapplied."""
    handle = drafts.draft(client, sid)
    history = [e async for e in handle.fetch_history_events()]
    accepted = [e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
    before = max(e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and e.event_id < accepted[-1])
    await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=(await handle.describe()).raw_description.workflow_execution_info.execution,
        reason="repair", workflow_task_finish_event_id=before, request_id=str(uuid.uuid4()),
        reset_reapply_type=ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE))
    await eventually(lambda: drafts.status(client, sid), lambda v: v.stage is Stage.DRAFTING, seconds=30)


@pytest.mark.parametrize("retried_first", [True, False])
async def test_a_dead_letter_and_the_reset_run_that_reapplies_its_update_write_one_event(dev_env, fresh_database_url, retried_first):
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    pool = await create_pool(fresh_database_url)
    try:
        async with create_worker(client, pool, task_queue=(task_queue := f"dl-reset-{uuid.uuid4().hex[:8]}")):
            await drafts.start_submission(client, request, task_queue=task_queue)
            await approve(client, request, [Stage.POLICY_PROPOSAL])
            # The programme's decision refused by the database for its data (a constraint added for the test), kept as a letter.
            await pool.execute(f"ALTER TABLE audit_events ADD CONSTRAINT refused_{sid[-8:]} CHECK (official IS DISTINCT FROM '{REFUSED}') NOT VALID")
            # Under a request ID of the longest the API and the CLI take (found by a breaker: its letter was never kept).
            await drafts.decide(client, sid, decision(request, Stage.LEGISLATIVE_PROGRAMME).model_copy(update={"official": REFUSED}),
                                request_id="k" * LONGEST_REQUEST_ID)
            [letter] = await eventually(lambda: dead_letters.listed(pool, submission_id=sid), lambda found: len(found) == 1)
            await pool.execute(f"ALTER TABLE audit_events DROP CONSTRAINT refused_{sid[-8:]}")
            if retried_first:
                async with pool.acquire() as db:
                    assert (await _retry(db, await dead_letters.one(db, letter.id)))["outcome"] == "written"
            await _reset_reapplying_updates(client, sid)
            if not retried_first:
                await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 3)  # the reset run wrote #3
                async with pool.acquire() as db:
                    assert (await _retry(db, await dead_letters.one(db, letter.id)))["outcome"] == "already_recorded"
            await approve(client, request, [Stage.DRAFTING])
            entries = (await eventually(lambda: audit.history(pool, sid), lambda h: any(e.to_stage is Stage.APPRAISAL for e in h.entries))).entries
            assert [e.seq for e in entries if e.event is EventKind.DECISION and e.stage is Stage.LEGISLATIVE_PROGRAMME] == [3], [
                (e.seq, e.event.value, e.stage.value) for e in entries]
    finally:
        await pool.close()
