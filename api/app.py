"""The HTTP intake for upstream systems: the same operations as the CLI, behind per-agency tokens."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.reports import ReportRow, deadline_report
from api import permissions
from api.codec_server import codec_router
from api.errors import REFUSALS, ApiRefusal, from_validation, refusal_response
from api.permissions import STATUS
from api.tokens import Caller, Refusal, Unauthenticated, authenticate, list_refusals, record_refusal
from schemas.enums import CallerRole, Stage
from schemas.consultation import Compilation, ConsultationView, Opinion
from schemas.messages import (
    ConsultationRequest,
    Decision,
    Disagreement,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    RoundId,
    Ruling,
    StartRequest,
    SubmissionId,
)
from schemas.records import RegistryRow
from schemas.views import HistoryView, StatusView, VersionsView
from workers.health import Health, dependency_checks, readiness_response
from workers.settings import Settings
from schemas.consultation import CompilationBody, OpinionBody, OpinionReceipt
from schemas.refusal import Refused
from schemas.views import Receipt
from store import audit, texts
from workflows import client as drafts
from workflows.deadlines import local_day
from workflows.draft_law import TASK_QUEUE

T = TypeVar("T")
RULEBOOK_WAIT_STEPS = 50

IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="the same key sent twice applies the message once"),
]


class Started(BaseModel):
    submission_id: str
    workflow_id: str
    run_id: str | None


class DraftList(BaseModel):
    drafts: list[RegistryRow]
    total: int = Field(description="drafts matching the filters, of which `drafts` is one page")


async def caller(request: Request, authorization: Annotated[str | None, Header(description="Bearer <token>")] = None) -> Caller:
    token = authorization.removeprefix("Bearer ").strip() if authorization else None
    try:
        who = await authenticate(request.app.state.pool, token)
    except Unauthenticated as refused:
        request.state.token_id = refused.token_id
        raise ApiRefusal(401, "Authorization", refused.rule, str(refused)) from None
    request.state.caller = who
    request.state.token_id = who.token_id
    return who


Authenticated = Annotated[Caller, Depends(caller)]


def create_app(
    *,
    client: Client | None = None,
    pool: asyncpg.Pool | None = None,
    connect: Callable[[], Awaitable[tuple[Client, asyncpg.Pool]]] | None = None,
    task_queue: str = TASK_QUEUE,
) -> FastAPI:
    """The API over a Temporal client and the application's database pool (or a way to make them)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if connect is not None:
            app.state.client, app.state.pool = await connect()
            try:
                yield
            finally:
                await app.state.pool.close()
        else:
            yield

    app = FastAPI(
        title="legis",
        version="1",
        summary="Draft laws of Viet Nam on their statutory path: the intake for ministries' and offices' systems.",
        lifespan=lifespan,
        responses=REFUSALS,
    )
    app.add_exception_handler(ApiRefusal, _refused)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.state.client, app.state.pool = client, pool
    app.include_router(codec_router(Settings().ui_origin()), include_in_schema=False)

    @app.post("/v1/submissions", response_model=Started, tags=["drafts"])
    async def start_submission(request: StartRequest, who: Authenticated, http: Request) -> Started:
        """Open a submission; sending the same submission ID again returns the draft already open."""
        _allowed(lambda: permissions.check_start(who, request))
        started = await drafts.start_submission(http.app.state.client, request, task_queue=task_queue)
        return Started(submission_id=request.submission_id, workflow_id=started.workflow_id, run_id=started.run_id)

    @app.get("/v1/submissions", response_model=DraftList, tags=["drafts"])
    async def list_submissions(
        who: Authenticated,
        http: Request,
        stage: Stage | None = None,
        ministry: Annotated[str | None, Query(description="lead ministry's code")] = None,
        session: Annotated[str | None, Query(description="target session, e.g. 15-10")] = None,
        responsible: Annotated[str | None, Query(description="the agency expected to act")] = None,
        overdue: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> DraftList:
        """Drafts from the registry, newest change first. Classified drafts show neither title nor ministry."""
        own = who.agency_code if who.role is CallerRole.LEAD_MINISTRY else None
        rows, total = await _registry(http.app.state.pool, stage=stage, ministry=ministry, session=session,
                                      responsible=responsible, overdue=overdue, limit=limit, offset=offset, own_agency=own)
        return DraftList(drafts=[permissions.registry_row_for(who, row) for row in rows], total=total)

    @app.get("/v1/submissions/{submission_id}", response_model=StatusView, tags=["drafts"])
    async def read_status(submission_id: SubmissionId, who: Authenticated, http: Request) -> StatusView:
        """Where the draft stands, what is pending and who may decide it."""
        return permissions.status_for(who, await _draft(http, submission_id))

    @app.get("/v1/submissions/{submission_id}/history", response_model=HistoryView, tags=["drafts"])
    async def read_history(submission_id: SubmissionId, who: Authenticated, http: Request,
                           after: Annotated[int, Query(ge=0, description="events after this sequence number")] = 0) -> HistoryView:
        """Every event from the audit trail, in order: who did what, in what role, when (a page of at most 1,000)."""
        view = await _draft(http, submission_id)
        return permissions.history_for(who, await audit.history(http.app.state.pool, submission_id, after=after), view)

    @app.get("/v1/submissions/{submission_id}/versions", response_model=VersionsView, tags=["drafts"])
    async def read_versions(submission_id: SubmissionId, who: Authenticated, http: Request) -> VersionsView:
        """The dossier's versions, each document with its hash."""
        view = await _draft(http, submission_id)
        return permissions.versions_for(who, await audit.versions(http.app.state.pool, submission_id), view)

    @app.post("/v1/submissions/{submission_id}/decisions", response_model=Receipt, tags=["events"])
    async def decide(submission_id: SubmissionId, decision: Decision, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """A decision on the draft's current stage; the draft's rulebook says who decides there and with what."""
        return await _act(http, who, submission_id, "decide", decision, key)

    @app.post("/v1/submissions/{submission_id}/dossier", response_model=Receipt, tags=["events"])
    async def file_dossier(submission_id: SubmissionId, filing: DossierFiling, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """Documents filed to the dossier (by reference: name, hash, size)."""
        return await _act(http, who, submission_id, "file_dossier", filing, key)

    @app.post("/v1/submissions/{submission_id}/postponements", response_model=Receipt, tags=["events"])
    async def request_postponement(submission_id: SubmissionId, request: PostponementRequest, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """Ask to move the current stage's deadline."""
        return await _act(http, who, submission_id, "request_postponement", request, key)

    @app.post("/v1/submissions/{submission_id}/postponement-decisions", response_model=Receipt, tags=["events"])
    async def decide_postponement(submission_id: SubmissionId, decision: PostponementDecision, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """Approve or refuse the pending postponement (the rulebook names who may)."""
        return await _act(http, who, submission_id, "decide_postponement", decision, key)

    @app.post("/v1/submissions/{submission_id}/disagreements", response_model=Receipt, tags=["events"])
    async def raise_disagreement(submission_id: SubmissionId, point: Disagreement, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """A point ministries still disagree on, sent up for arbitration."""
        return await _act(http, who, submission_id, "raise_disagreement", point, key)

    @app.post("/v1/submissions/{submission_id}/rulings", response_model=Receipt, tags=["events"])
    async def rule(submission_id: SubmissionId, ruling: Ruling, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """The Deputy Prime Minister's or Prime Minister's ruling on an open point."""
        return await _act(http, who, submission_id, "rule_on_disagreement", ruling, key)

    @app.post("/v1/submissions/{submission_id}/programme-changes", response_model=Receipt, tags=["events"])
    async def change_programme(submission_id: SubmissionId, change: ProgrammeChange, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """The Standing Committee adds, defers or withdraws the draft, or moves it to another track or session procedure."""
        return await _act(http, who, submission_id, "change_programme", change, key)

    @app.post("/v1/submissions/{submission_id}/consultations", response_model=Receipt, tags=["consultation"])
    async def open_consultation(submission_id: SubmissionId, request: ConsultationRequest, who: Authenticated, http: Request, key: IdempotencyKey = None) -> Receipt:
        """The lead ministry asks many bodies for their opinions at once; silence is recorded when the window closes."""
        return await _act(http, who, submission_id, "open_consultation", request, key)

    @app.get("/v1/submissions/{submission_id}/consultations/{round_id}", response_model=ConsultationView, tags=["consultation"])
    async def read_consultation(submission_id: SubmissionId, round_id: RoundId, who: Authenticated, http: Request) -> ConsultationView:
        """Who answered, who is awaited or silent, which comments still need an answer."""
        view = await _draft(http, submission_id)
        return permissions.round_for(who, await _temporal(drafts.consultation(http.app.state.client, submission_id, round_id), "round_id"), view)

    @app.post("/v1/submissions/{submission_id}/consultations/{round_id}/opinions", response_model=OpinionReceipt, tags=["consultation"])
    async def submit_opinion(submission_id: SubmissionId, round_id: RoundId, opinion: OpinionBody, who: Authenticated, http: Request) -> OpinionReceipt:
        """A consultee's opinion, in its own name (the lead ministry's system forwards the public's, as PUBLIC).
        The comments' texts are stored in the audit database; the round receives their hashes."""
        view = await _draft(http, submission_id)
        _allowed(lambda: permissions.check_opinion(who, opinion=opinion, draft=view))
        refs = await texts.put(http.app.state.pool, opinion.texts())
        return await _temporal(drafts.submit_opinion(http.app.state.client, submission_id, round_id, opinion.by_reference(refs)), "round_id")

    @app.post("/v1/submissions/{submission_id}/consultations/{round_id}/compilation", response_model=ConsultationView, tags=["consultation"])
    async def compile_round(submission_id: SubmissionId, round_id: RoundId, compilation: CompilationBody, who: Authenticated, http: Request) -> ConsultationView:
        """The lead ministry accepts or explains every comment; this ends the round."""
        view = await _draft(http, submission_id)
        _allowed(lambda: permissions.check_acting(who, compilation))
        refs = await texts.put(http.app.state.pool, compilation.texts())
        compiled = await _temporal(drafts.compile_round(http.app.state.client, submission_id, round_id, compilation.by_reference(refs)), "round_id")
        return permissions.round_for(who, compiled, view)

    @app.get("/v1/reports/deadlines", response_model=list[ReportRow], tags=["reports"])
    async def report(
        who: Authenticated,
        http: Request,
        since: date,
        until: Annotated[date, Query(description="exclusive")],
        ministry: str | None = None,
    ) -> list[ReportRow]:
        """Stages finished on time and late, overdue now, postponements, per agency and overall."""
        _allowed(lambda: permissions.check_reports(who))
        if until <= since:
            raise ApiRefusal(422, "until", "after_since", "until must come after since")
        return await deadline_report(http.app.state.pool, since=since, until=until, today=local_day(datetime.now().astimezone()), lead_ministry=ministry)

    @app.get("/v1/refusals", response_model=list[Refusal], tags=["reports"])
    async def refusals(who: Authenticated, http: Request, submission_id: str | None = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Refusal]:
        """Refused attempts, newest first (operators only)."""
        _allowed(lambda: permissions.check_refusals(who))
        return await list_refusals(http.app.state.pool, submission_id=submission_id, limit=limit)

    @app.get("/healthz", response_model=Health, tags=["health"])
    async def alive() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok", checks={})

    @app.get("/readyz", response_model=Health, tags=["health"], responses={503: {"model": Health}})
    async def ready(http: Request) -> JSONResponse:
        """Readiness: Temporal and PostgreSQL both answer."""
        return readiness_response(await dependency_checks(http.app.state.client, http.app.state.pool))

    return app


def _allowed(check: Callable[[], None]) -> None:
    try:
        check()
    except Refused as refused:
        raise ApiRefusal(STATUS[refused.kind], refused.field, refused.rule, refused.message) from None


async def _act(http: Request, who: Caller, submission_id: str, operation: str, message: Any, key: str | None) -> Receipt:
    """A message sent in an actor's name: the token may speak for that actor and agency; the draft's rules do the rest."""
    _allowed(lambda: permissions.check_acting(who, message))
    receipt = await _temporal(drafts.send(http.app.state.client, submission_id, operation, message, request_id=key))
    return permissions.receipt_for(who, receipt)


async def _draft(http: Request, submission_id: str) -> StatusView:
    """The draft's status, once its rulebook is pinned (a fraction of a second after its start)."""
    for _ in range(RULEBOOK_WAIT_STEPS):
        view = await _temporal(drafts.status(http.app.state.client, submission_id))
        if view.rulebook_version:
            return view
        await asyncio.sleep(0.1)
    raise ApiRefusal(503, "submission_id", "draft_not_ready", "the draft has not pinned its rulebook yet; retry shortly")


async def _temporal(call: Awaitable[T], missing: str = "submission_id") -> T:
    """A call to a draft, its refusals turned into API errors."""
    try:
        return await call
    except WorkflowUpdateFailedError as failed:
        cause = failed.cause
        if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
            refused = Refused.from_details(cause.message, cause.details[0])
            raise ApiRefusal(STATUS[refused.kind], refused.field, refused.rule, refused.message) from None
        raise ApiRefusal(409, "body", "refused", str(cause.message if isinstance(cause, ApplicationError) else failed)) from None
    except RPCError as rpc:
        if rpc.status is RPCStatusCode.NOT_FOUND:
            if "completed" in rpc.message:
                raise ApiRefusal(409, "submission_id", "draft_closed", "the draft's record is closed") from None
            if missing == "round_id":
                raise ApiRefusal(404, "round_id", "round_unknown", "no such consultation round of this draft") from None
            raise ApiRefusal(404, "submission_id", "draft_unknown", "no such draft") from None
        raise


async def _refused(http: Request, refusal: ApiRefusal) -> JSONResponse:
    """Every refusal answered in one shape, logged and written to the audit trail."""
    endpoint = http.scope.get("endpoint")
    await record_refusal(
        http.app.state.pool,
        caller=getattr(http.state, "caller", None),
        token_id=getattr(http.state, "token_id", None),
        action=endpoint.__name__ if endpoint else f"{http.method} {http.url.path}",
        submission_id=http.path_params.get("submission_id"),
        status=refusal.detail.status,
        field=refusal.detail.field,
        rule=refusal.detail.rule,
        message=refusal.detail.message,
    )
    return refusal_response(refusal)


async def _invalid(http: Request, invalid: RequestValidationError) -> JSONResponse:
    return await _refused(http, from_validation(invalid))


async def _registry(
    pool: asyncpg.Pool, *, stage, ministry, session, responsible, overdue, limit, offset, own_agency
) -> tuple[list[RegistryRow], int]:
    # Whose a classified draft is, or who acts on it, is itself classified: filtering on it finds
    # only the caller's own classified drafts.
    where = """($1::text IS NULL OR stage = $1) AND ($2::text IS NULL OR lead_ministry = $2)
               AND ($3::text IS NULL OR target_session = $3) AND ($4::text IS NULL OR responsible = $4)
               AND ($5::boolean IS NULL OR $5 = (stage_deadline IS NOT NULL AND stage_deadline < $6
                    AND stage NOT IN ('PROMULGATED', 'REJECTED', 'WITHDRAWN')))
               AND (NOT classified OR ($2::text IS NULL AND $4::text IS NULL) OR lead_ministry = $7)"""
    args = (stage.value if stage else None, ministry, session, responsible, overdue, local_day(datetime.now().astimezone()), own_agency)
    rows = await pool.fetch(
        f"""SELECT submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, stage_since,
                   stage_deadline, responsible, classified
            FROM submissions WHERE {where} ORDER BY updated_at DESC, submission_id LIMIT $8 OFFSET $9""",
        *args, limit, offset,
    )
    total = await pool.fetchval(f"SELECT count(*) FROM submissions WHERE {where}", *args)
    return [RegistryRow(**dict(row)) for row in rows], total
