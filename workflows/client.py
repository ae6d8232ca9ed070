"""What upstream systems and operators do to drafts, over a Temporal client (used by the CLI)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from schemas.enums import Stage
from schemas.messages import (
    AgencyRemap,
    Compilation,
    ConsultationRequest,
    ConsultationView,
    Opinion,
    ProgrammeChange,
    Decision,
    Disagreement,
    DossierFiling,
    DraftLawInput,
    HistoryView,
    PostponementDecision,
    PostponementRequest,
    Ruling,
    SessionCalendar,
    StartRequest,
    StatusView,
    VersionsView,
)
from workflows import search_attributes as sa
from workflows.consultation import ConsultationWorkflow
from workflows.consultation import workflow_id_for as consultation_id_for
from workflows.stage_graph import stage_path
from workflows.draft_law import TASK_QUEUE, WORKFLOW_TYPE, DraftLawWorkflow, workflow_id_for


async def connect(
    address: str, namespace: str = "default", *, tls: TLSConfig | bool = False, api_key: str | None = None, runtime: Runtime | None = None
) -> Client:
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter, tls=tls, api_key=api_key, runtime=runtime
    )


@dataclass(frozen=True)
class Started:
    workflow_id: str
    run_id: str | None


async def start_submission(client: Client, request: StartRequest, *, task_queue: str = TASK_QUEUE) -> Started:
    """Start the draft's workflow; a repeated start of the same submission returns the existing one."""
    workflow_id = workflow_id_for(request.submission_id)
    first_stage = stage_path(request.process_version, request.session_procedure, law_kind=request.law_kind)[0]
    try:
        handle = await client.start_workflow(
            DraftLawWorkflow.run,
            DraftLawInput(**request.model_dump()),
            id=workflow_id,
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A submission ID names one draft for ever: a closed draft is never reopened under it.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"Draft law {request.submission_id}" if request.classified else request.title,
            # Listed and filterable in the Web UI from its start, before any worker has picked it up.
            memo=sa.title_memo(title=request.title, lead_ministry=request.lead_ministry, classified=request.classified) or None,
            search_attributes=sa.as_set(sa.describing(
                stage=first_stage.value,
                process_version=request.process_version.value,
                deadline=None,
                lead_ministry=request.lead_ministry,
                target_session=request.target_session.code,
                classified=request.classified,
            )),
        )
    except WorkflowAlreadyStartedError as closed:
        return Started(workflow_id=workflow_id, run_id=closed.run_id)
    return Started(workflow_id=workflow_id, run_id=handle.result_run_id)


def draft(client: Client, submission_id: str) -> WorkflowHandle:
    return client.get_workflow_handle_for(DraftLawWorkflow.run, workflow_id_for(submission_id))


async def decide(client: Client, submission_id: str, decision: Decision, *, request_id: str | None = None) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.decide, decision, id=request_id)


async def file_dossier(client: Client, submission_id: str, filing: DossierFiling, *, request_id: str | None = None) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.file_dossier, filing, id=request_id)


async def request_postponement(
    client: Client, submission_id: str, request: PostponementRequest, *, request_id: str | None = None
) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.request_postponement, request, id=request_id)


async def decide_postponement(
    client: Client, submission_id: str, decision: PostponementDecision, *, request_id: str | None = None
) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.decide_postponement, decision, id=request_id)


async def raise_disagreement(client: Client, submission_id: str, point: Disagreement) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.raise_disagreement, point)


async def rule_on_disagreement(client: Client, submission_id: str, ruling: Ruling) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.rule_on_disagreement, ruling)


async def remap_agency(client: Client, submission_id: str, remap: AgencyRemap) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.remap_agency, remap)


async def change_programme(client: Client, submission_id: str, change: ProgrammeChange) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.change_programme, change)


async def open_consultation(client: Client, submission_id: str, request: ConsultationRequest) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.open_consultation, request)


def consultation_round(client: Client, submission_id: str, round_id: str) -> WorkflowHandle:
    return client.get_workflow_handle_for(ConsultationWorkflow.run, consultation_id_for(submission_id, round_id))


async def submit_opinion(client: Client, submission_id: str, round_id: str, opinion: Opinion) -> ConsultationView:
    return await consultation_round(client, submission_id, round_id).execute_update(ConsultationWorkflow.submit_opinion, opinion)


async def compile_round(client: Client, submission_id: str, round_id: str, compilation: Compilation) -> ConsultationView:
    return await consultation_round(client, submission_id, round_id).execute_update(ConsultationWorkflow.compile, compilation)


async def consultation(client: Client, submission_id: str, round_id: str) -> ConsultationView:
    return await consultation_round(client, submission_id, round_id).query(ConsultationWorkflow.view)


async def tell_calendar(client: Client, submission_id: str, calendar: SessionCalendar) -> StatusView:
    return await draft(client, submission_id).execute_update(DraftLawWorkflow.calendar_changed, calendar)


async def status(client: Client, submission_id: str) -> StatusView:
    return await _query(client, submission_id, DraftLawWorkflow.status)


async def versions(client: Client, submission_id: str) -> VersionsView:
    return await _query(client, submission_id, DraftLawWorkflow.versions)


async def history(client: Client, submission_id: str) -> HistoryView:
    return await _query(client, submission_id, DraftLawWorkflow.history)


async def _query(client: Client, submission_id: str, query, *, attempts: int = 50):
    """A query, retried while a draft's new run (after continue-as-new) has not had its first task yet."""
    for attempt in range(attempts):
        try:
            return await draft(client, submission_id).query(query)
        except RPCError as not_ready:
            if not_ready.status is not RPCStatusCode.FAILED_PRECONDITION or attempt == attempts - 1:
                raise
            await asyncio.sleep(0.1)


def list_query(*, stage: Stage | None = None, ministry: str | None = None, session: str | None = None) -> str:
    """A visibility query over the custom search attributes, as typed in the Web UI's filter box."""
    clauses = [f"WorkflowType = '{WORKFLOW_TYPE}'"]
    for key, value in ((sa.STAGE, stage.value if stage else None), (sa.LEAD_MINISTRY, ministry), (sa.TARGET_SESSION, session)):
        if value is not None:
            clauses.append(f"{key.name} = '{_quoted(value)}'")
    return " AND ".join(clauses)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")
