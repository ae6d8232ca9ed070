"""Found by a breaker of a draft's long life: a draft renewed (`legis renew`), then given a decision in its new run,
then reset (`temporal workflow reset`) to a task of the run before the renewal.

Temporal re-applies to the reset run, in order, the updates and signals that followed the reset point, those of the later
run too: here the policy decision, the `renew_run` signal and the programme decision. The reset run applies the first
decision, takes the renewal and continues as new at once, and the second decision, admitted before the run ended, is
dropped without a trace: the draft stands at LEGISLATIVE_PROGRAMME with 2 events while its audit trail says DRAFTING with
3; the same decision sent again under its request ID is then applied a second time ("applied: event #3"), and the audit
trail records the programme's approval twice.

README, "Updates that arrive after a worker ran a draft ahead": "From the twenty-eighth generation a reset run applies the
updates after its point in turn, each in the state the one before left"; "A draft's long life", Idempotency across runs:
"sent again, the message is not applied twice"."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest

from schemas.enums import EventKind, Stage
from schemas.messages import RunRenewal
from store import audit
from tests.drafts import decision, start_request
from tests.polling import eventually
from workflows import client as drafts

S = Stage


async def test_a_reset_before_a_renewal_keeps_the_decision_of_the_later_run(dev_env, worker_queue, pool):
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=worker_queue)
    handle = drafts.draft(client, sid)
    first_run = (await handle.describe()).run_id
    await eventually(lambda: drafts.status(client, sid), lambda v: v.events_recorded == 1)
    await drafts.decide(client, sid, decision(request, S.POLICY_PROPOSAL), request_id="reset-policy")
    await drafts.renew_run(client, sid, RunRenewal(asked_by="VPCP operator"))
    await drafts.decide(client, sid, decision(request, S.LEGISLATIVE_PROGRAMME), request_id="reset-programme")
    await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == 3)

    # Reset the first run to the workflow task completed before it accepted the policy decision.
    events = [e async for e in client.get_workflow_handle(handle.id, run_id=first_run).fetch_history_events()]
    accepted = min(e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    point = max(e.event_id for e in events
                if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and e.event_id < accepted)
    before = (await handle.describe()).run_id
    await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=WorkflowExecution(workflow_id=handle.id, run_id=first_run),
        reason="reset before the renewal", workflow_task_finish_event_id=point, request_id=str(uuid.uuid4())))
    await eventually(lambda: drafts.draft(client, sid).describe(), lambda d: d.run_id != before)

    # Give the reset run (and the run it continues into) time to apply what Temporal re-applied.
    await asyncio.sleep(8)
    view = await drafts.status(client, sid)
    trail = (await audit.history(pool, sid)).entries
    assert view.stage is S.DRAFTING and view.events_recorded == 3, (
        f"the draft stands at {view.stage.value} with {view.events_recorded} events, its audit trail at "
        f"{[(e.seq, e.event.value, e.to_stage.value if e.to_stage else None) for e in trail]}")

    # The official's system sends the programme decision again under its request ID: taken once, never twice.
    receipt = await drafts.decide(client, sid, decision(request, S.LEGISLATIVE_PROGRAMME), request_id="reset-programme")
    trail = (await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) >= 3)).entries
    approvals = [e for e in trail if e.event is EventKind.DECISION and e.stage is S.LEGISLATIVE_PROGRAMME]
    assert receipt.duplicate and len(approvals) == 1, (receipt, [(e.seq, e.event.value, e.stage.value) for e in trail])
