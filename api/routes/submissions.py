"""Drafts: opening a submission, the registry's list, a draft's status, history and dossier versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi_pagination.cursor import CursorParams
from pydantic import BaseModel, Field

from activities.calendar import announced_otherwise
from activities.rulebook import check_start
from api import permissions
from api.deps import (
    Authenticated,
    IdempotencyKey,
    InAnyCase,
    ListPage,
    TitleWords,
    cursor_of,
    database,
    known_parameters,
    link_after,
    link_next,
    temporal,
)
from api.examples import examples
from api.idempotency import answer_once, key_scope
from api.plumbing import Router
from api.problems import problem
from schemas.calendar import SessionCode
from schemas.enums import Stage
from schemas.messages import SUBMISSION_ID, AgencyCode, SubmissionId, classified_id_warning
from schemas.messages import StartRequest as StartRequestBody
from schemas.records import RegistryRow
from schemas.refusal import RefusalKind, Refused
from schemas.views import HistoryView, StatusView, VersionsView
from store import audit, registry
from workflows import client as drafts
from workflows.unopened_starts import removed_if_unopened

log = structlog.get_logger(__name__)

router = Router(prefix="/v1/submissions", tags=["drafts"])
ListParameters = known_parameters("cursor", "size", "q", "stage", "ministry", "session", "responsible", "overdue", repeatable=("stage", "ministry"))


class PageParams(CursorParams):
    """The paging library's cursor parameters, with a page of at least one draft (an empty page has no next cursor)."""

    size: int = Query(50, ge=1, le=100, description="Page size")


class Started(BaseModel):
    submission_id: str = Field(description="the submission's ID, from the request", examples=["BGDDT-2026-017"])
    workflow_id: str = Field(description="the draft's Temporal workflow ID", examples=["draft-law-BGDDT-2026-017"])
    created: bool = Field(description="false when the submission was open already (the same request sent again)")
    warnings: list[str] = Field(default=[], description="what the sender should know of a new draft: a target session the calendar "
                                "announces on another day than the request's, at whose announced day the draft aims; a classified "
                                "draft's ID that holds its lead ministry's code")


@router.post("", status_code=201, operation_id="startSubmission", summary="Open a submission (hồ sơ dự án)", response_model=Started,
             responses={200: {"model": Started, "description": "the submission was open already, with the same request"}})
async def start_submission(
    who: Authenticated, http: Request, *,
    request: Annotated[StartRequestBody, Body(openapi_examples=examples("start-request"))], key: IdempotencyKey = None,
) -> Response:
    """Open a submission (hồ sơ dự án luật): 201 with `Location`. The same request sent again answers 200 with the draft
    already open (409 `draft_closed` once it has ended); another request under the same submission ID is refused (409)
    naming the fields that differ. A new submission is first checked as its draft's first task would check it (the
    steps of a draft already under way, its session): what it would refuse is refused here and nothing starts."""
    # A refused start is recorded under the ID it asked for, which its body, not its path, carries (`api.plumbing`).
    http.state.submission_id, http.state.classified = request.submission_id, request.classified

    async def start() -> Response:
        permissions.check_start(who, request)
        client = http.app.state.client
        # A submission Temporal knows already is answered as such (open already, or closed); a new one is checked first.
        said = None
        if await temporal(http, drafts.start_request_of(client, request.submission_id)) is None:
            # The lead ministry starting its own classified draft is told why a step is refused, as it is told of its decisions.
            withhold = not permissions.sees_classified(who, lead_ministry=request.lead_ministry)
            await database(check_start(http.app.state.pool, request, datetime.now(UTC), withhold=withhold))
            said = await database(announced_otherwise(http.app.state.pool, request.target_session))
        started = await temporal(http, drafts.start_submission(client, request, task_queue=http.app.state.task_queue))
        if started.created and await temporal(http, removed_if_unopened(client, started.workflow_id)):
            log.error("a start the workers cannot open, deleted: give legis api the workers' LEGIS_ENCRYPTION_KEYS (README, Rotation)",
                      submission_id=request.submission_id)
            raise problem(Refused("submission_id", "payload_keys_held", "the workers cannot open what this API seals (a key rotation "
                                  "not given to both alike): nothing was started; the operators are told in its log; send the same "
                                  "start again once they have mended it", RefusalKind.BUSY))
        if "lead_ministry" in started.differs:
            # Another agency's draft: which of its values a guess matches is that agency's to know (and classified, maybe).
            raise problem(Refused("submission_id", "submission_exists", f"submission {request.submission_id} is another agency's draft; "
                                  "choose another submission ID", RefusalKind.CONFLICT))
        if started.differs:
            raise problem(Refused(started.differs[0], "submission_exists",
                                  f"submission {request.submission_id} was opened with other values of: {', '.join(started.differs)}", RefusalKind.CONFLICT))
        told = [w for w in (said, classified_id_warning(request)) if w] if started.created else []
        body = Started(submission_id=request.submission_id, workflow_id=started.workflow_id, created=started.created, warnings=told)
        return JSONResponse(body.model_dump(), status_code=201 if started.created else 200,
                            headers={"Location": f"/v1/submissions/{request.submission_id}"})

    return await answer_once(http, key_scope(who), key, start)


@router.get("", operation_id="listSubmissions", summary="The registry of drafts, a page at a time", response_model=ListPage[RegistryRow],
                  dependencies=[Depends(ListParameters)])
async def list_submissions(
    who: Authenticated, http: Request, response: Response,
    params: Annotated[PageParams, Depends()],
    q: Annotated[TitleWords | None, Query(description="words of the title (drafts not classified)")] = None,
    stage: Annotated[list[Annotated[Stage, InAnyCase]] | None, Query(description="any of these stages, in any letter case (repeat the parameter)")] = None,
    ministry: Annotated[list[AgencyCode] | None, Query(description="any of these lead ministries' codes (repeat the parameter)")] = None,
    session: Annotated[SessionCode | None, Query(description="target session, e.g. 16-2, or 16-E9 for the 9th extraordinary session of "
                                                             "the 16th Assembly")] = None,
    responsible: Annotated[AgencyCode | None, Query(description="the agency expected to act: its code, or a deciding body by its actor (MOJ) or its agency code (BTP)")] = None,
    overdue: Annotated[bool | None, Query(description="only drafts past their deadline (or only those not)")] = None,
) -> ListPage[RegistryRow]:
    """Drafts from the registry, by submission ID, a page at a time: follow `next_page` (or the `Link` header's `next`).
    A classified draft's title, ministry and session read `(classified)` to those who may not read them, and no filter
    reveals them; to its lead ministry, its title is null (the registry holds none: its status gives it)."""
    own = who.agency_code if permissions.leads(who) else None
    after = cursor_of(params, SUBMISSION_ID)
    rows, following, total = await database(registry.page(
        http.app.state.pool, after=after, size=params.size, q=q, stages=stage, ministries=ministry, session=session,
        responsible=responsible, overdue=overdue, own_agency=own, deadlines_withheld=permissions.outsider(who)))
    page = ListPage[RegistryRow].of([permissions.registry_row_for(who, row) for row in rows], params, following=following, total=total)
    link_next(http, response, page.next_page)
    return page


@router.get("/{submission_id}", operation_id="readSubmission", summary="Where a draft stands", response_model=StatusView,
            dependencies=[Depends(known_parameters())])
async def read_status(submission_id: SubmissionId, who: Authenticated, http: Request) -> StatusView:
    """Where the draft stands: its stage (with the Vietnamese name), since when, its deadline, what is pending and who
    may decide it; `ended` when its workflow ended outside its own rules (terminated by hand, say), with nothing pending."""
    return permissions.status_for(who, await temporal(http, drafts.status_and_end(http.app.state.client, submission_id)))


@router.get("/{submission_id}/history", operation_id="readHistory", summary="A draft's audit trail", response_model=HistoryView,
                  dependencies=[Depends(known_parameters("after"))])
async def read_history(submission_id: SubmissionId, who: Authenticated, http: Request, response: Response,
                       after: Annotated[int, Query(ge=0, le=2**31 - 1, description="events after this sequence number")] = 0) -> HistoryView:
    """Every event from the audit trail, in order: who did what, in what role, when. A page holds at most 1,000 events
    and about 1 MB of them; `next_after` (and the `Link` header's `next`) gives the `after` of the next page.
    `raised_before_stage_ended` names the page's alarms raised before a decision ending their stage, dated on or before
    their day, was entered, with that decision's day; `raised_before_deadline_moved`, those raised before a postponement
    approved before their day, which moved their deadline past it, was entered, with the approval's day."""
    view = await temporal(http, drafts.status(http.app.state.client, submission_id))
    pool = http.app.state.pool
    page = await database(audit.history(pool, submission_id, after=after, budget=audit.PAGE_BYTES))
    overtaken = await database(audit.alarms_overtaken(pool, submission_id, page.entries))
    page = page.model_copy(update={"raised_before_stage_ended": overtaken.stage_ended, "raised_before_deadline_moved": overtaken.deadline_moved})
    link_after(http, response, page.next_after)
    return permissions.history_for(who, page, view)


@router.get("/{submission_id}/versions", operation_id="readVersions", summary="The dossier's versions", response_model=VersionsView,
            dependencies=[Depends(known_parameters("after"))])
async def read_versions(submission_id: SubmissionId, who: Authenticated, http: Request, response: Response,
                        after: Annotated[int, Query(ge=0, le=2**31 - 1, description="versions numbered after this one")] = 0) -> VersionsView:
    """The dossier's versions, each document with its hash, 20 a page: `next_after` (and the `Link` header's `next`)
    gives the `after` of the next page."""
    view = await temporal(http, drafts.status(http.app.state.client, submission_id))
    page = await database(audit.versions(http.app.state.pool, submission_id, after=after, limit=audit.VERSIONS_PAGE))
    link_after(http, response, page.next_after)
    return permissions.versions_for(who, page, view)
