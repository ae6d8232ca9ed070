"""A draft whose workflow ended outside its own rules (terminated by hand): found by a new user looking alive in the
status, the registry, the board's sessions and inbox, and answering a repeated start with 201/200 (issue 12's
fresh-user findings). Against a real Temporal dev server and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import WorkflowFailureError

from activities.reports import deadline_reports
from schemas.enums import Outcome, Stage
from schemas.records import ExecutionEnd
from schemas.refusal import Refused
from schemas.state import DraftLawInput
from store import board, registry
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workers.ended_drafts import mark_ended
from workers.worker import create_worker
from workflows import client as drafts
from workflows.draft_law import DraftLawWorkflow

FAR_AHEAD = date(2100, 1, 1)


async def registry_row(pool, request):
    """The draft's row as the API's list gives it (its lead ministry is the test's own)."""
    rows, _, _ = await registry.page(pool, after=None, size=10, ministries=[request.lead_ministry])
    return next((r for r in rows if r.submission_id == request.submission_id), None)


async def marked_then_read(client, pool, request, *, since=None):
    await mark_ended(client, pool, since=since)
    return await registry_row(pool, request)


async def overdue_now(pool, request) -> int:
    """Drafts of the test's own ministry overdue on 1 January 2100, as the deadline report and the gauge count them."""
    [report] = await deadline_reports(pool, [(FAR_AHEAD, FAR_AHEAD)], today=FAR_AHEAD, lead_ministry=request.lead_ministry)
    return report[-1].overdue_now


async def test_a_terminated_draft_is_marked_ended_everywhere_and_a_reset_one_runs_again(dev_env, pool):
    client, task_queue = dev_env.client, f"ended-{uuid.uuid4().hex[:8]}"
    request = start_request(ministry="END" + uuid.uuid4().hex[:5].upper())
    sid = request.submission_id
    async with create_worker(client, pool, task_queue=task_queue):
        await drafts.start_submission(client, request, task_queue=task_queue)
        await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING])
        await eventually(lambda: registry_row(pool, request), lambda row: row is not None and row.stage is Stage.APPRAISAL)
        assert (await drafts.status_and_end(client, sid)).ended is None
        # Open, and overdue by the year 2100: in the reports and the gauge, the Ministry of Justice's inbox, its session.
        assert await overdue_now(pool, request) == 1
        assert sid in [r.submission_id for r in await board.inbox(pool, ["MOJ"], own_agency=None)]
        handle = drafts.draft(client, sid)
        await handle.terminate(reason="entered twice by mistake")

        # The draft's own query still answers as it stood; Temporal says it has ended, and nothing is pending.
        view = await drafts.status_and_end(client, sid)
        assert view.ended == "TERMINATED" and view.pending is None and view.stage is Stage.APPRAISAL and view.stage_deadline is not None
        assert (view.overdue, view.next_alarm, view.warnings) == (False, None, ())
        assert "ended" not in (await drafts.status(client, sid)).model_dump(mode="json")
        # The same start again: not "open already" (200), but closed, naming how.
        with pytest.raises(Refused) as refused:
            await drafts.start_submission(client, request, task_queue=task_queue)
        assert refused.value.rule == "draft_closed" and "TERMINATED at APPRAISAL" in refused.value.message

        # The registry learns it from Temporal (visibility is written a moment after the end); other tests' drafts that
        # ended are marked by the same pass.
        row = await eventually(lambda: marked_then_read(client, pool, request), lambda row: row.ended is ExecutionEnd.TERMINATED)
        assert await mark_ended(client, pool) == 0, "marked once"
        assert await overdue_now(pool, request) == 0
        assert sid not in (await registry.drafts_to_tell(pool, led_by=request.lead_ministry))[0]
        assert sid not in [r.submission_id for r in await board.inbox(pool, ["MOJ"], own_agency=None)]
        # Nor in the list's `responsible` filter (found by an integrator's trial: a tracker polling it got the draft).
        waiting, _, _ = await registry.page(pool, after=None, size=10, ministries=[request.lead_ministry], responsible="MOJ")
        assert sid not in [r.submission_id for r in waiting]
        aimed = await board.drafts_aimed_at(pool, [request.target_session.code], [], own_agency=None)
        assert sid not in [r["submission_id"] for r in aimed]
        finished, _ = await board.drafts(pool, board.DraftFilter(state="FINAL", ministry=request.lead_ministry), FAR_AHEAD, own_agency=None)
        overdue, _ = await board.drafts(pool, board.DraftFilter(state="OVERDUE", ministry=request.lead_ministry), FAR_AHEAD, own_agency=None)
        assert [r.submission_id for r in finished] == [sid] and overdue == []

        # An operator resets it to carry it on (nothing reopens a closed draft under its ID otherwise): the new run runs,
        # the registry drops the mark, and the draft moves again.
        last_task = [e.event_id for e in (await handle.fetch_history()).events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED][-1]
        await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
            namespace=client.namespace, workflow_execution={"workflow_id": handle.id}, reason="terminated by mistake",
            workflow_task_finish_event_id=last_task, request_id=str(uuid.uuid4())))
        assert (await drafts.status_and_end(client, sid)).ended is None
        # Seen however long after its end it was reset: its old run closed before the watch's last look.
        later = datetime.now(UTC)
        await eventually(lambda: marked_then_read(client, pool, request, since=later), lambda row: row.ended is None)
        # A draft that writes is running: its next audit write clears a mark the watch has not cleared yet.
        await pool.execute("UPDATE submissions SET ended = 'TERMINATED' WHERE submission_id = $1", sid)
        receipt = await drafts.decide(client, sid, decision(request, Stage.APPRAISAL))
        assert receipt.to_stage is Stage.GOVERNMENT_REVIEW
        row = await eventually(lambda: registry_row(pool, request), lambda row: row.stage is Stage.GOVERNMENT_REVIEW)
        assert row.ended is None


async def test_a_draft_closed_by_its_rules_is_not_marked_by_a_later_run_it_refused(dev_env, pool):
    """Found by a breaker: a rejected draft started again by hand (`temporal workflow start` reuses a closed workflow's ID
    by default) fails its new run, refused as closed; the registry kept its final stage but was marked FAILED too."""
    client, task_queue = dev_env.client, f"ended-{uuid.uuid4().hex[:8]}"
    request = start_request(ministry="END" + uuid.uuid4().hex[:5].upper())
    async with create_worker(client, pool, task_queue=task_queue):
        await drafts.start_submission(client, request, task_queue=task_queue)
        await drafts.decide(client, request.submission_id, decision(request, Stage.POLICY_PROPOSAL, Outcome.REJECT))
        await drafts.draft(client, request.submission_id).result()
        again = await client.start_workflow(DraftLawWorkflow.run, DraftLawInput(**request.model_dump()), id=drafts.workflow_id_for(request.submission_id),
                                            task_queue=task_queue)
        with pytest.raises(WorkflowFailureError):
            await again.result()
        await eventually(lambda: client.count_workflows(f"WorkflowId = '{again.id}' AND ExecutionStatus = 'Failed'"),
                         lambda counted: counted.count == 1)  # what the watch lists
        await mark_ended(client, pool)
        row = await registry_row(pool, request)
        assert (row.stage, row.ended) == (Stage.REJECTED, None)
