"""A draft reset (`temporal workflow reset`, as the README's repairs do) with Temporal's default reapply: the updates
accepted after the reset point are applied again by the reset run, at its own moments, and each of their events is
written to the audit trail once: known by the update that recorded it (`update_id`) beside its number and what it
says. Found by a breaker: each such decision was written twice, one request, two DECISION events."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from temporalio.api.enums.v1 import EventType, ResetReapplyType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest

from schemas.enums import EventKind, Stage
from store import audit
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workflows import client as drafts

S = Stage



@pytest.mark.parametrize("reapply", [ResetReapplyType.RESET_REAPPLY_TYPE_UNSPECIFIED, ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE])
async def test_a_reset_that_reapplies_updates_records_each_event_once(dev_env, worker_queue, pool, reapply):
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await approve(client, request, [S.POLICY_PROPOSAL])
    programme = await drafts.decide(client, sid, decision(request, S.LEGISLATIVE_PROGRAMME), request_id="dms-programme-1")
    handle = drafts.draft(client, sid)
    await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 3)
    history = [e async for e in handle.fetch_history_events()]
    tasks = [e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]
    accepted = [e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
    reset_to = max(t for t in tasks if t < accepted[-1])  # the task before the last update
    await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=(await handle.describe()).raw_description.workflow_execution_info.execution,
        reason="reset, updates reapplied", workflow_task_finish_event_id=reset_to, request_id=str(uuid.uuid4()),
        reset_reapply_type=reapply))
    # The reset run has taken the programme's approval again (it stands at DRAFTING), and goes on.
    view = await eventually(lambda: drafts.status(client, sid), lambda v: v.stage is S.DRAFTING, seconds=30)
    again = await drafts.decide(client, sid, decision(request, S.LEGISLATIVE_PROGRAMME), request_id="dms-programme-1")
    assert again.duplicate and view.stage is S.DRAFTING
    await approve(client, request, [S.DRAFTING])
    entries = (await eventually(lambda: audit.history(pool, sid),
                                lambda h: any(e.to_stage is S.APPRAISAL for e in h.entries))).entries
    summary = [(e.seq, e.event.value, e.stage.value, e.to_stage.value if e.to_stage else None) for e in entries]
    programme_decisions = [e.seq for e in entries if e.event is EventKind.DECISION and e.stage is S.LEGISLATIVE_PROGRAMME]
    twice = [step for step, n in Counter((e.event, e.stage, e.to_stage) for e in entries).items() if n > 1]
    assert programme_decisions == [programme.first_seq] and not twice, f"one request, decisions {programme_decisions}: {summary}"
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
