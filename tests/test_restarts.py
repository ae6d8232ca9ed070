"""One event stream per draft, whatever starts it (issue 13, point 7): a closed draft started again with the plain
Temporal CLI refuses to run; a draft reset to an earlier workflow task loses none of its events in the audit trail."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from temporalio.api.enums.v1 import EventType, ResetReapplyType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import WorkflowFailureError

from schemas.enums import Outcome, Stage
from store import audit
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workers.dev_stack import temporal_binary
from workflows import client as drafts

S = Stage



async def test_a_closed_draft_started_again_with_the_temporal_cli_refuses_to_run(dev_env, worker_queue, pool):
    client = dev_env.client
    request = start_request()
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await drafts.decide(client, request.submission_id, decision(request, S.POLICY_PROPOSAL, Outcome.REJECT))
    await drafts.draft(client, request.submission_id).result()
    before = await eventually(lambda: audit.history(pool, request.submission_id), lambda h: len(h.entries) == 2)

    command = [temporal_binary(), "workflow", "start", "--address", client.service_client.config.target_host,
               "--type", "DraftLawWorkflow", "--task-queue", worker_queue, "--workflow-id", drafts.workflow_id_for(request.submission_id),
               "--id-conflict-policy", "UseExisting", "--input", json.dumps(request.model_dump(mode="json"))]
    started = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await started.communicate()
    assert started.returncode == 0, output.decode()
    with pytest.raises(WorkflowFailureError) as refused:
        await drafts.draft(client, request.submission_id).result()
    assert "draft_closed" in str(refused.value.cause) and "REJECTED" in str(refused.value.cause)
    after = await audit.history(pool, request.submission_id)
    assert after.entries == before.entries
    registry = await pool.fetchrow("SELECT stage, last_seq FROM submissions WHERE submission_id = $1", request.submission_id)
    assert (registry["stage"], registry["last_seq"]) == ("REJECTED", 2)


async def reset_before_the_programme(client, pool, request, task_queue: str) -> tuple:
    """A draft approved through the programme, then reset to the workflow task before the programme's approval was
    accepted (no update reapplied): returns the three events the abandoned branch wrote, and the reset's answer."""
    await drafts.start_submission(client, request, task_queue=task_queue)
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    handle = drafts.draft(client, request.submission_id)
    written = await eventually(lambda: audit.history(pool, request.submission_id), lambda h: len(h.entries) == 3)
    history = [e async for e in handle.fetch_history_events()]
    accepted = [e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
    task_before = max(e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
                      and e.event_id < accepted[-1])
    reset = await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=(await handle.describe()).raw_description.workflow_execution_info.execution,
        reason="test: back before the programme", workflow_task_finish_event_id=task_before, request_id=str(uuid.uuid4()),
        reset_reapply_type=ResetReapplyType.RESET_REAPPLY_TYPE_NONE))
    return written.entries, reset


async def test_a_draft_reset_to_an_earlier_task_loses_no_event(dev_env, worker_queue, pool):
    client, request = dev_env.client, start_request()
    # Back to the task that took the programme's approval: the abandoned branch's event stays in the audit trail.
    written, reset = await reset_before_the_programme(client, pool, request, worker_queue)
    assert reset.run_id
    # The reset run is at LEGISLATIVE_PROGRAMME again; the Standing Committee rejects it this time.
    await drafts.decide(client, request.submission_id, decision(request, S.LEGISLATIVE_PROGRAMME, Outcome.REJECT))
    assert (await drafts.draft(client, request.submission_id).result()).stage is S.REJECTED
    entries = (await eventually(lambda: audit.history(pool, request.submission_id), lambda h: len(h.entries) == 4)).entries
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert [(e.outcome, e.to_stage) for e in entries[2:]] == [(Outcome.APPROVE, S.DRAFTING), (Outcome.REJECT, S.REJECTED)]
    assert entries[:3] == written


async def test_a_reset_run_that_goes_further_than_the_abandoned_branch_loses_no_event(dev_env, worker_queue, pool):
    # The reset run's first new event is placed after the abandoned branch's; its next event's own number is then the
    # one its first event took, which must not read as "already written by this run".
    client, request = dev_env.client, start_request()
    written, _ = await reset_before_the_programme(client, pool, request, worker_queue)
    # The reset run approves the programme again (its event #3, placed at 4), then the drafting (its #4).
    await approve(client, request, [S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    entries = (await eventually(lambda: audit.history(pool, request.submission_id), lambda h: len(h.entries) >= 5)).entries
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[:3] == written
    assert [(e.stage, e.to_stage) for e in entries[3:]] == [(S.LEGISLATIVE_PROGRAMME, S.DRAFTING), (S.DRAFTING, S.APPRAISAL)]
    registry = await pool.fetchrow("SELECT stage, last_seq FROM submissions WHERE submission_id = $1", request.submission_id)
    assert (registry["stage"], registry["last_seq"]) == ("APPRAISAL", 5)
