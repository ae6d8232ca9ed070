"""The twenty-eighth generation's path, kept apart from `tests.scenarios`: a draft reset to the task before its
programme's approval. The reset run applies again, in one task, the approval, two filings at DRAFTING and a round's
opening, each after the one before; the round, running under its ID since before the reset, is taken as the draft's; then
its lead ministry cancels it and the draft goes on to its end."""

from __future__ import annotations

import uuid

from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client

from schemas.enums import Actor, DocumentKind, Role, Stage
from schemas.messages import DossierFiling, StartRequest
from tests.drafts import cancellation, consultation, decision, document
from tests.polling import eventually
from tests.scenarios import FROM_APPRAISAL, approve
from workflows import client as drafts


def filing(request: StartRequest, label: str) -> DossierFiling:
    return DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                         official="Bộ trưởng", documents=(document(DocumentKind.DRAFT_TEXT, label),))


async def reset_to_before(client: Client, submission_id: str, updates_after: int) -> None:
    """Reset the draft's run to the workflow task before the last `updates_after` updates it accepted."""
    handle = drafts.draft(client, submission_id)
    events = [e async for e in handle.fetch_history_events()]
    tasks = [e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]
    accepted = [e.event_id for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
    described = await handle.describe()
    await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=described.raw_description.workflow_execution_info.execution,
        reason="reset, its updates applied again", workflow_task_finish_event_id=max(t for t in tasks if t < accepted[-updates_after]),
        request_id=str(uuid.uuid4())))
    await eventually(lambda: handle.describe(), lambda now: now.run_id != described.run_id)


async def reset_reapplied(client: Client, request: StartRequest) -> None:
    sid = request.submission_id
    await approve(client, request, [Stage.POLICY_PROPOSAL])
    await drafts.decide(client, sid, decision(request, Stage.LEGISLATIVE_PROGRAMME), request_id="reset-programme")
    for n in (1, 2):
        await drafts.file_dossier(client, sid, filing(request, f"v{n}"), request_id=f"reset-file-{n}")
    await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC", "BNV")), request_id="reset-round")
    await reset_to_before(client, sid, 4)
    await eventually(lambda: drafts.status(client, sid),
                     lambda view: view.events_recorded == 6 and [r.round_id for r in view.open_consultations] == ["r1"])
    await drafts.cancel_consultation(client, sid, cancellation(request, "r1"))
    await approve(client, request, [Stage.DRAFTING, *FROM_APPRAISAL])


async def reset_cancel_reapplied(client: Client, request: StartRequest) -> None:
    """The twenty-ninth generation's wait: a reset run applies a round's opening, its cancellation (taken while the round
    still starts, so it waits for the start, then cancels it) and another round's opening again; then the lead ministry
    cancels the second round and the draft goes on to its end."""
    sid = request.submission_id
    await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, "r1"), request_id="reset-open-r1")
    await drafts.cancel_consultation(client, sid, cancellation(request, "r1"), request_id="reset-cancel-r1")
    await drafts.open_consultation(client, sid, consultation(request, "r2"), request_id="reset-open-r2")
    await reset_to_before(client, sid, 3)
    await eventually(lambda: drafts.status(client, sid),
                     lambda view: view.events_recorded == 6 and [r.round_id for r in view.open_consultations] == ["r2"])
    await drafts.cancel_consultation(client, sid, cancellation(request, "r2"))
    await approve(client, request, [Stage.DRAFTING, *FROM_APPRAISAL])
