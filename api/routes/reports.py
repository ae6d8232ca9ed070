"""Reports for the Government Office and the Standing Committee, and the refused attempts, for operators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from activities.reports import ReportRow, deadline_report, report_period
from api import permissions
from api.deps import Authenticated, database, known_parameters
from api.plumbing import Router
from api.tokens import Refusal, list_refusals
from schemas.messages import AgencyCode, SubmissionId
from schemas.time import Day
from workflows.deadlines import local_day

router = Router(tags=["reports"])
ReportParameters = known_parameters("since", "until", "ministry")


@router.get("/v1/reports/deadlines", operation_id="readDeadlineReport", summary="The deadline report per agency", response_model=list[ReportRow],
                  dependencies=[Depends(ReportParameters)])
async def report(who: Authenticated, http: Request,
                 since: Annotated[Day | None, Query(description="first day, a Ha Noi date (default: 1 January this year)")] = None,
                 until: Annotated[Day | None, Query(description="the day after the last (default: tomorrow)")] = None,
                 ministry: Annotated[AgencyCode | None, Query(description="only drafts led by this agency code")] = None) -> list[ReportRow]:
    """Stages finished on time and late, overdue now, postponements, per agency and overall (as `legis report`); a lead
    ministry's token reads its own drafts' (`ministry` its own code or none), its classified ones counted as CLASSIFIED."""
    ministry = permissions.reported_ministry(who, ministry)
    today = local_day(datetime.now(UTC))
    first, last = report_period(since, until, today=today)
    return await database(deadline_report(http.app.state.pool, since=first, until=last, today=today, lead_ministry=ministry,
                                          with_classified=permissions.leads(who)))


@router.get("/v1/refusals", operation_id="listRefusals", summary="Refused attempts", response_model=list[Refusal],
                  dependencies=[Depends(known_parameters("submission_id", "limit"))])
async def refusals(who: Authenticated, http: Request, submission_id: SubmissionId | None = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Refusal]:
    """Refused attempts, newest first (operators only)."""
    permissions.check_refusals(who)
    return await database(list_refusals(http.app.state.pool, submission_id=submission_id, limit=limit))
