"""What upstream systems and operators do to drafts, over a Temporal client (used by the CLI)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from temporalio.api.history.v1 import WorkflowExecutionStartedEventAttributes
from temporalio.client import (
    Client,
    Interceptor,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowHistoryEventFilterType,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.runtime import Runtime
from temporalio.service import RPCError, RPCStatusCode, TLSConfig

from schemas.calendar import SessionCalendar, check_session_number
from schemas.enums import TERMINAL_STAGES, Stage
from schemas.messages import (
    AgencyRemap,
    ConsultationRequest,
    Decision,
    Disagreement,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    RoundCancellation,
    Ruling,
    RunRenewal,
    StartRequest,
)
from schemas.records import ExecutionEnd
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import load_rulebook
from schemas.state import DraftLawInput, SeenRequest
from schemas.views import HistoryView, Receipt, StatusView, VersionsView
from workflows import draft as core
from workflows import idempotency
from workflows import search_attributes as sa
from workflows.codec import REFUSED, KeyRing, data_converter, refusal
from workflows.draft_law import TASK_QUEUE, WORKFLOW_TYPE, DraftLawWorkflow, workflow_id_for
from workflows.draft_views import title_memo
from workflows.stage_graph import stage_path


async def connect(
    address: str,
    namespace: str = "default",
    *,
    keys: KeyRing,
    tls: TLSConfig | bool = False,
    api_key: str | None = None,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] = (),
) -> Client:
    """The one way the project makes a Temporal client: its payloads sealed with `keys` (`workflows.codec`).
    Interceptors given here (tracing) also run in the workers made with this client.

    Raises RuntimeError when the frontend at `address` (host:port) cannot be reached."""
    return await Client.connect(
        address, namespace=namespace, data_converter=data_converter(keys), tls=tls, api_key=api_key, runtime=runtime,
        interceptors=interceptors,
    )


@dataclass(frozen=True)
class Started:
    workflow_id: str
    run_id: str | None
    created: bool = True
    differs: tuple[str, ...] = ()
    # Whether the draft found open already is classified: which of its values a start matches is then its lead ministry's.
    classified: bool = False


async def start_submission(client: Client, request: StartRequest, *, task_queue: str = TASK_QUEUE) -> Started:
    """Start the draft's workflow. A repeated start of the same submission returns the existing draft (`created`
    false); one whose request differs from the first names the fields that differ (`differs`) and starts nothing.
    Raises Refused (INVALID) for a regular target session numbered above 12, before anything is started; (CLOSED,
    `draft_closed`) for the same request again once the draft has ended, by its rules or otherwise (terminated)."""
    try:
        check_session_number(request.target_session, "target_session")
    except Refused:
        if await start_request_of(client, request.submission_id) is None:  # a draft started before the rule is answered as before
            raise
    workflow_id = workflow_id_for(request.submission_id)
    first_stage = stage_path(load_rulebook(request.process_version), request.session_procedure, law_kind=request.law_kind)[0]
    try:
        handle = await client.start_workflow(
            DraftLawWorkflow.run,
            DraftLawInput(**request.model_dump()),
            id=workflow_id,
            task_queue=task_queue,
            # A start of a submission already open (or closed) is answered below, after one look at its first request;
            # a new one costs one call.
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            # A submission ID names one draft for ever: a closed draft is never reopened under it.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            static_summary=f"Draft law {request.submission_id}" if request.classified else request.title,
            # Listed and filterable in the Web UI from its start, before any worker has picked it up.
            memo=title_memo(title=request.title, lead_ministry=request.lead_ministry, classified=request.classified) or None,
            search_attributes=sa.as_set(sa.describing(
                stage=first_stage.value,
                process_version=request.process_version.value,
                deadline=None,
                lead_ministry=request.lead_ministry,
                target_session=request.target_session.code,
                classified=request.classified,
            )),
        )
    except WorkflowAlreadyStartedError as exists:
        opened = await _opened_with(client, request.submission_id)
        if opened is None:  # started without a draft's start request (a raw start): it never opened a draft
            ended = await closed(client, workflow_id, field="submission_id", what="the draft", rule="draft_closed")
            raise ended or Refused("submission_id", "not_a_draft", f"workflow {workflow_id} was started without a draft's start request "
                                   "and cannot run; an operator terminates it (temporal workflow terminate)", RefusalKind.CONFLICT) from None
        first, steps_known = opened
        compared = [name for name in type(request).model_fields if name != "passed" or steps_known]
        differs = tuple(name for name in compared if getattr(first, name) != getattr(request, name))
        # The same request again answers with the draft open; a draft that has ended is not open, and nothing reopens it.
        if not differs and (ended := await closed(client, workflow_id, field="submission_id", what="the draft", rule="draft_closed")):
            raise ended from None
        return Started(workflow_id=workflow_id, run_id=exists.run_id, created=False, differs=differs, classified=first.classified)
    return Started(workflow_id=workflow_id, run_id=handle.result_run_id)


async def start_request_of(client: Client, submission_id: str) -> StartRequest | None:
    """The start request a submission's draft was opened with, or None for a submission never started. The steps of a
    draft entered under way (`passed`) are left out where Temporal no longer keeps its first run (`_opened_with`)."""
    opened = await _opened_with(client, submission_id)
    return opened[0] if opened is not None else None


async def _opened_with(client: Client, submission_id: str) -> tuple[StartRequest, bool] | None:
    """The start request, and whether its `passed` steps are known: a run continued as new carries the draft's state
    instead of them, so they are read from the first run, which Temporal keeps until its retention ends. None for a
    submission never started, or one whose start input was not a draft's (a raw `temporal workflow start`: refused by
    the payload converter before its run began, or with no input or several, which fails its every workflow task): it
    never opened a draft."""
    current = await _started(client, submission_id, None)
    if current is None:
        return None
    first = current if not current.continued_execution_run_id else await _started(client, submission_id, current.first_execution_run_id)
    if len(current.input.payloads) != 1 or (first is not None and len(first.input.payloads) != 1):
        return None  # no input, or several: the workflow cannot even begin
    try:
        [started] = await client.data_converter.decode(current.input.payloads, [DraftLawInput])
        steps = (await client.data_converter.decode(first.input.payloads, [DraftLawInput]))[0].passed if first is not None else ()
    except ApplicationError as unreadable:
        if unreadable.type != REFUSED:
            raise
        return None
    return StartRequest.model_validate(started.model_dump(exclude={"carried"}) | {"passed": steps}), first is not None


async def _started(client: Client, submission_id: str, run_id: str | None) -> WorkflowExecutionStartedEventAttributes | None:
    try:
        first = await anext(aiter(client.get_workflow_handle(workflow_id_for(submission_id), run_id=run_id).fetch_history_events(page_size=1)))
    except RPCError as missing:
        if missing.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    return first.workflow_execution_started_event_attributes


async def closed(client: Client, workflow_id: str, *, field: str, what: str, rule: str, queried: bool = False) -> Refused | None:
    """Why Temporal answered NOT_FOUND to a message (an update, a signal, a cancel) for a workflow it knows, or why a draft
    is never ready to answer a query (its start was refused): the workflow has ended and takes no more messages. A
    Refused of kind CLOSED under `field` and `rule`, naming `what` ("the draft", "round R") and how it ended: a draft
    closed by its own rules by its final stage ("the draft is WITHDRAWN; its record is final", as the draft core says
    it), also while its run finishes the task of the decision that closed it; any other end by its status (terminated,
    timed out, failed). None when Temporal knows no such workflow, or it still runs, or (`queried`: a query failed) it
    completed by its rules, since a completed draft answers queries: its failure to is the worker's (found by a breaker:
    a read that landed on a worker lacking the draft's key was refused as "the draft is PROMULGATED; its record is
    final"). Raises RPCError when Temporal cannot say."""
    try:
        described = await client.get_workflow_handle(workflow_id).describe()
    except RPCError as missing:
        if missing.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    stage = described.typed_search_attributes.get(sa.STAGE)
    # A draft whose decision took it to a final stage still runs while it finishes that task and its last audit write:
    # it is closed by its rules already (found by an upstream system's trial: its start sent again at once answered 200
    # as a running draft's, and that answer was kept under its Idempotency-Key).
    closing = described.status is WorkflowExecutionStatus.RUNNING and stage in _FINAL_STAGES and not queried
    if not closing and (described.status in (None, WorkflowExecutionStatus.RUNNING) or queried and described.status is WorkflowExecutionStatus.COMPLETED):
        return None
    if described.status in (WorkflowExecutionStatus.COMPLETED, WorkflowExecutionStatus.RUNNING) and stage in _FINAL_STAGES:
        return Refused(field, rule, f"{what} is {stage}; its record is final", RefusalKind.CLOSED)
    at = f" at {stage}" if stage else ""
    why = await _failure(client, workflow_id) if described.status is WorkflowExecutionStatus.FAILED else None
    return Refused(field, rule, f"{what} has ended ({described.status.name}{at}{f': {why}' if why else ''}); it takes no more messages",
                   RefusalKind.CLOSED)


async def _failure(client: Client, workflow_id: str) -> str | None:
    """What a failed workflow failed with, when it is a refusal (a start refused: its field and rule, in clear in its
    history); None for a failure sealed by the codec."""
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events(event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT):
        failure = event.workflow_execution_failed_event_attributes.failure
        if failure.application_failure_info.type == REFUSED:
            return failure.message
    return None


_FINAL_STAGES = frozenset(stage.value for stage in TERMINAL_STAGES)


def draft(client: Client, submission_id: str) -> WorkflowHandle:
    return client.get_workflow_handle_for(DraftLawWorkflow.run, workflow_id_for(submission_id))


T = TypeVar("T")
# A draft busy starting a new run answers within a second or two; the same message is sent again meanwhile.
BUSY_RETRIES = 100


async def send(client: Client, submission_id: str, operation: str, message: object, *, request_id: str | None = None) -> Receipt:
    """Send a message the draft core takes (a `workflows.draft.Operation`) as the update of its name.

    Raises WorkflowUpdateFailedError when the draft refuses the message (its cause carries field, rule and kind), also
    when `request_id` was applied with another message (`idempotency_key_reused`).
    """
    # A request ID the draft remembers is answered by its query, so that a retry adds nothing to the draft's history.
    seen = await _remembered(client, submission_id, request_id) if request_id is not None else None
    # Remembered with no event yet (a round being started, or one that could not be): the draft answers as the first
    # call is answered (found by a breaker: "applied", with no event, for a round that never started).
    if seen is not None and seen.receipt.first_seq is not None:
        try:
            idempotency.check_retry(seen, message)
        except Refused as reused:  # as the draft itself would refuse it (the SDK's error reads its cause from __cause__)
            cause = refusal(reused)
            raise WorkflowUpdateFailedError(cause) from cause
        return seen.receipt.model_copy(update={"duplicate": True})
    # Each call is an update of its own, its ID the request ID and a nonce (`idempotency.update_id_for`), so that of two callers
    # sending one request ID at once the draft tells the second its message was applied already, where Temporal would give
    # both the one update's outcome. An update that reaches a run as it continues as new is aborted unapplied: it is sent
    # again, under the same ID.
    update_id = idempotency.update_id_for(request_id, uuid.uuid4().hex) if request_id else str(uuid.uuid4())
    attempt = 0
    while True:
        try:
            return await draft(client, submission_id).execute_update(operation, message, id=update_id, result_type=Receipt)
        except WorkflowUpdateFailedError as refused:
            if not _busy(refused) or attempt >= BUSY_RETRIES:
                raise
        except RPCError as aborted:
            if not _undelivered(aborted) or attempt >= BUSY_RETRIES:
                raise
        attempt += 1
        await asyncio.sleep(0.1)


def _undelivered(rpc: RPCError) -> bool:
    """Whether Temporal could not deliver an update and applied nothing, so that it is sent again under its ID: aborted as
    its run continued as new, refused as the run closed to continue as new (RESOURCE_EXHAUSTED "workflow is closing"), or
    its workflow task lost as the run continued as new meanwhile (FAILED_PRECONDITION
    "... due to unexpected workflow task failure", found by a breaker sending rounds at once to a draft whose runs
    continue as new; not "Workflow Task in failed state", a task that keeps failing: `task_failing`)."""
    return (rpc.status is RPCStatusCode.UNAVAILABLE and "aborted" in rpc.message
            or rpc.status is RPCStatusCode.FAILED_PRECONDITION and "unexpected workflow task failure" in rpc.message
            # Refused unadmitted as the run closes to continue as new (found by CI sending sixty at once).
            or rpc.status is RPCStatusCode.RESOURCE_EXHAUSTED and "workflow is closing" in rpc.message)


async def _remembered(client: Client, submission_id: str, request_id: str) -> SeenRequest | None:
    try:
        return await draft(client, submission_id).query(DraftLawWorkflow.request, request_id)
    except WorkflowQueryFailedError:  # not pinned yet, or a worker of an earlier release: the draft's own check stands
        return None
    except RPCError as unanswered:
        # No worker answered in the server's time (all of them down, one restarting): the update, sent under the same ID,
        # waits for one, and the draft's own check stands (found when a test's worker was killed on a loaded machine).
        if unanswered.status in (RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED):
            return None
        raise


def refused_by_the_draft(failed: WorkflowUpdateFailedError) -> Refused | None:
    """The draft's (or a round's) refusal an update failed with, field, rule and kind; None for any other failure."""
    cause = failed.cause
    if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
        return Refused.from_details(cause.message, cause.details[0])
    return None


# Temporal's failure of an update its worker's workflow task completed without taking (a task that could not read the
# draft's long history, say): nothing was applied, and the same update may be sent again.
UNPROCESSED_UPDATE = "UnprocessedUpdate"


def unprocessed(failed: WorkflowUpdateFailedError) -> bool:
    """Whether Temporal rejected the update before the draft took it (`UNPROCESSED_UPDATE`)."""
    return isinstance(failed.cause, ApplicationError) and failed.cause.type == UNPROCESSED_UPDATE


def _busy(refused: WorkflowUpdateFailedError) -> bool:
    """The draft's refusal of the moment (BUSY), or Temporal's of an update the draft never took (found by a fuzzer of the
    API: answered 409 `refused` under load on a draft of a long history, and kept under its Idempotency-Key)."""
    details = getattr(refused.cause, "details", None)
    return unprocessed(refused) or bool(details) and isinstance(details[0], dict) and details[0].get("kind") == RefusalKind.BUSY.value


async def decide(client: Client, submission_id: str, decision: Decision, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.DECIDE.name, decision, request_id=request_id)


async def file_dossier(client: Client, submission_id: str, filing: DossierFiling, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.FILE_DOSSIER.name, filing, request_id=request_id)


async def request_postponement(client: Client, submission_id: str, request: PostponementRequest, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.REQUEST_POSTPONEMENT.name, request, request_id=request_id)


async def decide_postponement(client: Client, submission_id: str, decision: PostponementDecision, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.DECIDE_POSTPONEMENT.name, decision, request_id=request_id)


async def raise_disagreement(client: Client, submission_id: str, point: Disagreement, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.RAISE_DISAGREEMENT.name, point, request_id=request_id)


async def rule_on_disagreement(client: Client, submission_id: str, ruling: Ruling, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.RULE_ON_DISAGREEMENT.name, ruling, request_id=request_id)


async def remap_agency(client: Client, submission_id: str, remap: AgencyRemap, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.REMAP_AGENCY.name, remap, request_id=request_id)


async def change_programme(client: Client, submission_id: str, change: ProgrammeChange, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.CHANGE_PROGRAMME.name, change, request_id=request_id)


async def open_consultation(client: Client, submission_id: str, request: ConsultationRequest, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.OPEN_CONSULTATION.name, request, request_id=request_id)


async def cancel_consultation(client: Client, submission_id: str, cancellation: RoundCancellation, *, request_id: str | None = None) -> Receipt:
    return await send(client, submission_id, core.CANCEL_CONSULTATION.name, cancellation, request_id=request_id)


async def tell_calendar(client: Client, submission_id: str, calendar: SessionCalendar) -> Receipt:
    return await send(client, submission_id, "calendar_changed", calendar)


async def status(client: Client, submission_id: str) -> StatusView:
    return await _query(client, submission_id, DraftLawWorkflow.status)


async def renew_run(client: Client, submission_id: str, renewal: RunRenewal) -> str:
    """Ask the draft's run to continue as new with its state (`DraftLawWorkflow.renew_run`), so that a run of an earlier
    release takes up this release's generation, and wait until it has: the new run's ID (its messages meanwhile are
    answered `draft_busy` and sent again). Raises RPCError `NOT_FOUND` for a draft Temporal does not know, and one ended."""
    handle = draft(client, submission_id)
    before = (await handle.describe()).run_id
    await handle.signal(DraftLawWorkflow.renew_run, renewal)
    while (now := (await draft(client, submission_id).describe()).run_id) == before:
        await asyncio.sleep(0.2)  # bounded by the caller's timeout (`legis renew --timeout`)
    return now


# How a workflow may end besides completing by its own rules, as the registry names it.
END_OF = {
    WorkflowExecutionStatus.TERMINATED: ExecutionEnd.TERMINATED,
    WorkflowExecutionStatus.TIMED_OUT: ExecutionEnd.TIMED_OUT,
    WorkflowExecutionStatus.FAILED: ExecutionEnd.FAILED,
    WorkflowExecutionStatus.CANCELED: ExecutionEnd.CANCELED,
}


async def status_and_end(client: Client, submission_id: str) -> StatusView:
    """`status`, with `ended` set (and nothing pending, overdue or ahead: no alarm, no warning) when the draft's workflow
    ended outside its own rules: a draft terminated by hand still answers its queries as it stood then, and would look
    alive. Its stage and deadline stay as they were when it ended."""
    view = await status(client, submission_id)
    end = END_OF.get((await draft(client, submission_id).describe()).status)
    return view if end is None else view.model_copy(update={"ended": end.value, "pending": None, "next_alarm": None, "overdue": False,
                                                            "warnings": (), "next_cutoff": None})


def ended_for_rounds(view: StatusView, message: str) -> Refused | None:
    """Why a draft read by `status_and_end` takes no new `message` ("opinion", "compilation") to its rounds (CLOSED,
    `submission_id`, `draft_closed`): its workflow ended outside its rules, and its rounds, abandoned, would take it for
    nothing (a compilation's round would then fail, its result told to no draft: found by a breaker). None while it runs."""
    if view.ended is None:
        return None
    return Refused("submission_id", "draft_closed", f"the draft's workflow ended ({view.ended}): its rounds take no {message}", RefusalKind.CLOSED)


async def versions(client: Client, submission_id: str) -> VersionsView:
    return await _query(client, submission_id, DraftLawWorkflow.versions)


async def history(client: Client, submission_id: str) -> HistoryView:
    return await _query(client, submission_id, DraftLawWorkflow.history)


def task_failing(rpc: RPCError) -> bool:
    """Whether Temporal refused a query or an update because the workflow's last workflow task failed: its worker
    cannot run it (a payload sealed with a key the worker lacks, a bug), and retries it until it can. The server
    answers FAILED_PRECONDITION "Unable to query workflow due to Workflow Task in failed state." (an update: "Unable to
    perform workflow execution update due to Workflow Task in failed state."); a new run's first task not yet
    scheduled is FAILED_PRECONDITION too, but passes within a second."""
    return rpc.status is RPCStatusCode.FAILED_PRECONDITION and "Workflow Task in failed state" in rpc.message


def refused_message(rpc: RPCError) -> str:
    """Why Temporal refused a request as invalid (INVALID_ARGUMENT), in words for whom sent it: a payload over the server's
    size limit is said so, with the limit and what to send less of (found by a breaker: a start of 3.7 MB, within the
    API's 4 MiB, was refused "Blob data size exceeds limit.", naming neither)."""
    if "size exceeds limit" in rpc.message:
        return (f"Temporal refused the request: {rpc.message.rstrip('.')}: a message encoded is at most 2 MB on a default "
                "server (its limit.blobSize.error); send it with fewer or shorter texts, documents or steps (passed)")
    return f"Temporal refused the request: {rpc.message}"


def refused_query(failed: WorkflowQueryFailedError) -> bool:
    """Whether a query failed with the draft's own refusal (its rule in its text, readable as such); any other failure is
    the worker's that answered (found by a breaker: one lacking the draft's key), to be asked again."""
    return "(rule: " in str(failed)


def unanswered_query_message(failed: WorkflowQueryFailedError) -> str:
    """What to tell the caller of a query a worker could not answer (`refused_query` false)."""
    return (f"a worker could not answer ({failed}): is one running with other keys (LEGIS_ENCRYPTION_KEYS) or another release "
            "than the others? See the workers' logs; ask again")


# Temporal's limits per workflow, as its RESOURCE_EXHAUSTED names them: updates in flight, queries waiting for a task.
PER_DRAFT_LIMITS = ("concurrent in-flight updates", "query buffer is full")


def draft_full(rpc: RPCError) -> bool:
    """Whether Temporal answered that the draft has as many messages in flight as it takes at once: the draft is busy,
    not Temporal down (found by a fuzzer of the API: the operators were sent to check Temporal's frontend)."""
    return rpc.status is RPCStatusCode.RESOURCE_EXHAUSTED and any(limit in rpc.message for limit in PER_DRAFT_LIMITS)


def task_failing_message(workflow_id: str | None) -> str:
    """What to tell the caller of a workflow whose task is failing (`task_failing`)."""
    named = f"workflow {workflow_id}" if workflow_id else "the workflow"
    return (f"{named} cannot run: its workflow task is failing on the worker (a payload sealed with a key the worker does "
            "not have, or a bug), and nothing is applied or read until it runs; look at the worker's log, or at the "
            "workflow's pending task in the Web UI")


async def _query(client: Client, submission_id: str, query, *, attempts: int = 50):
    """A query, retried while a draft's new run (after continue-as-new) has not had its first task yet, or while a
    new draft pins its rulebook; not while its workflow task is failing (`task_failing`)."""
    for attempt in range(attempts):
        try:
            return await draft(client, submission_id).query(query)
        except RPCError as not_ready:
            if not_ready.status is not RPCStatusCode.FAILED_PRECONDITION or task_failing(not_ready) or attempt == attempts - 1:
                raise
        except WorkflowQueryFailedError as failed:
            if "draft_not_ready" not in str(failed) or attempt == attempts - 1:
                raise
        await asyncio.sleep(0.1)


def list_query(*, stage: Stage | None = None, ministry: str | None = None, session: str | None = None,
               overdue_at: datetime | None = None) -> str:
    """A visibility query over the custom search attributes, as typed in the Web UI's filter box; `overdue_at`: only the
    running drafts whose deadline was missed by then (the attribute holds the moment it is missed). A run that continued
    as new is left out: its draft is listed by its newer run (found by an operator's trial: a renewed draft was listed
    twice, once with the stage and deadline it had when it continued)."""
    clauses = [f"WorkflowType = '{WORKFLOW_TYPE}'", "ExecutionStatus != 'ContinuedAsNew'"]
    for key, value in ((sa.STAGE, stage.value if stage else None), (sa.LEAD_MINISTRY, ministry), (sa.TARGET_SESSION, session)):
        if value is not None:
            clauses.append(f"{key.name} = '{quoted(value)}'")
    if overdue_at is not None:
        clauses += ["ExecutionStatus = 'Running'", f"{sa.STAGE_DEADLINE.name} <= '{overdue_at.astimezone(UTC).isoformat().replace('+00:00', 'Z')}'"]
    return " AND ".join(clauses)


def quoted(value: str) -> str:
    """A value as a string literal of a visibility query."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
