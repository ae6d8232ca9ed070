"""After a reset that applies no update again, a raw Temporal client sending the stage's decision again, corrected (another
official signs it), under the update ID it used before is a new decision, and the audit trail writes it after the
abandoned branch's (`_REAPPLIED` in activities/audit.py matches who acted and why too). Found by a breaker: the write
took it for the reapplied update and skipped it, so the decision the draft took was never written."""

from __future__ import annotations

import uuid

from temporalio.api.enums.v1 import EventType, ResetReapplyType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest

from schemas.enums import EventKind, Stage
from schemas.views import Receipt
from store import audit
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts

S = Stage


async def test_a_decision_sent_again_corrected_after_a_reset_is_written(dev_env, pool):
    client, request = dev_env.client, start_request()
    sid = request.submission_id
    task_queue = f"brk2-reset-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, pool, task_queue=task_queue):
        await drafts.start_submission(client, request, task_queue=task_queue)
        await approve(client, request, [S.POLICY_PROPOSAL])
        handle = drafts.draft(client, sid)
        first = decision(request, S.LEGISLATIVE_PROGRAMME).model_copy(update={"official": "Nguyễn Văn A"})
        taken = await handle.execute_update("decide", first, id="upstream-4711", result_type=Receipt)
        await eventually(lambda: audit.history(pool, sid), lambda h: len(h.entries) == taken.first_seq)
        history = [e async for e in handle.fetch_history_events()]
        tasks = [e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]
        accepted = [e.event_id for e in history if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
        reset_to = max(t for t in tasks if t < accepted[-1])
        await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
            namespace=client.namespace, workflow_execution=(await handle.describe()).raw_description.workflow_execution_info.execution,
            reason="reset, nothing reapplied", workflow_task_finish_event_id=reset_to, request_id=str(uuid.uuid4()),
            reset_reapply_type=ResetReapplyType.RESET_REAPPLY_TYPE_NONE))
        await eventually(lambda: drafts.status(client, sid), lambda v: v.stage is S.LEGISLATIVE_PROGRAMME, seconds=30)
        # The upstream system sends the decision again, signed by another official, under its own update ID.
        corrected = first.model_copy(update={"official": "Trần Thị B"})
        again = await drafts.draft(client, sid).execute_update("decide", corrected, id="upstream-4711", result_type=Receipt)
        assert not again.duplicate and again.first_seq == taken.first_seq  # a new decision, at the parent's number
        assert [e.official for e in (await drafts.history(client, sid)).entries if e.event is EventKind.DECISION
                and e.stage is S.LEGISLATIVE_PROGRAMME] == ["Trần Thị B"]
        await approve(client, request, [S.DRAFTING])  # the draft goes on, so that its events are written after
        entries = (await eventually(lambda: audit.history(pool, sid),
                                    lambda h: any(e.to_stage is S.APPRAISAL for e in h.entries), seconds=30)).entries
    officials = [e.official for e in entries if e.event is EventKind.DECISION and e.stage is S.LEGISLATIVE_PROGRAMME]
    assert "Trần Thị B" in officials, f"the decision the draft took is not in its audit trail: {officials}"
