"""The ministries' deadline report on the board: a chart and a table per ministry for a period, the quarterly trend,
and the same figures as CSV (the report of `legis report` and `GET /v1/reports/deadlines`)."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from activities.reports import deadline_report, report_period, write_csv
from api import permissions
from api.deps import database
from api.routes.reports import ReportParameters
from api.tokens import Caller
from schemas.messages import AgencyCode
from schemas.refusal import Refused
from schemas.time import Day
from store import board
from web import charts
from web.actor_names import CLASSIFIED_ROW, agency_label
from web.auth import signed_in, to_sign_in
from web.board import All, own_agency, today, with_timing
from web.refusals import PageRoute, explain
from web.render import gettext, language_of, noted, page, translations
from workflows.deadlines import local_day

router = APIRouter(include_in_schema=False, route_class=PageRoute)


async def _reader(request: Request, ministry: str | None) -> tuple[Caller | None, str | None, Response | None]:
    """The reader of the reports and the ministry whose drafts it reads (`permissions.reported_ministry`), or the page a
    caller gets instead: the sign-in, or a refusal naming the rule."""
    who = await signed_in(request)
    if who is None:
        return None, None, to_sign_in(request)
    try:
        return who, permissions.reported_ministry(who, ministry or None), None
    except Refused as refused:
        noted(request, [{"field": refused.field, "rule": refused.rule, "message": refused.message}])
        # In the page's language (found by a breaker: the ministries' officials, who now read their own report, were refused
        # another's in English).
        [said] = explain(request, [{"field": refused.field, "rule": refused.rule, "message": refused.message}])
        return None, None, page(request, "forbidden.html", status_code=403, rule=refused.rule, message=said["text"])


@router.get("/board/ministries", dependencies=[Depends(ReportParameters)])
async def ministries(request: Request, since: Annotated[Day | None, All] = None, until: Annotated[Day | None, All] = None,
                     ministry: Annotated[AgencyCode | None, All, Query()] = None) -> Response:
    started = time.perf_counter()
    who, ministry, turned_away = await _reader(request, ministry)
    if turned_away is not None:
        return turned_away
    day = local_day(today())
    first, last = report_period(since, until, today=day)
    pool = request.app.state.pool
    # The four quarters' reports and the period's, in one statement.
    own = permissions.leads(who)  # a ministry's own report counts its classified drafts too, under CLASSIFIED
    quarters, rows = await database(board.quarterly(pool, day, ministry=ministry or None, period=(first, last), with_classified=own))
    labels = {key: gettext(request, text) for key, text in (
        ("on_time", "Finished on time"), ("late", "Finished late"), ("overdue_now", "Overdue now"),
        ("postponed", "Postponed"), ("late_requests", "Late requests"), ("no_data", "No data"))}
    catalogue = translations(language_of(request))
    chart = charts.per_ministry(rows, title=gettext(request, "Stages finished and overdue, per agency"), labels=labels,
                                agency_name=agency_label(catalogue))
    trend = charts.trend(quarters, labels=labels, title=gettext(request, "Quarterly trend, the drafts %(ministry)s leads") % {"ministry": ministry}
                         if ministry else gettext(request, "Quarterly trend, all agencies"))
    # Filtered by a ministry, the report counts no classified draft (which would tell who leads it): nothing to note.
    unseen_overdue = 0 if ministry else (await database(board.classified_unseen(pool, own_agency=own_agency(who), today=day, due_before=last)))[1]
    return with_timing(page(request, "ministries.html", rows=rows, quarters=quarters, chart=chart, trend=trend, since=first,
                            until=last, ministry=ministry or "", labels=labels, unseen_overdue=unseen_overdue,
                            own_classified=own and any(r.agency == CLASSIFIED_ROW for r in rows)), started)


@router.get("/board/ministries.csv", dependencies=[Depends(ReportParameters)])
async def ministries_csv(request: Request, since: Annotated[Day | None, All] = None, until: Annotated[Day | None, All] = None,
                         ministry: Annotated[AgencyCode | None, All, Query()] = None) -> Response:
    who, ministry, turned_away = await _reader(request, ministry)
    if turned_away is not None:
        return turned_away
    day = local_day(today())
    first, last = report_period(since, until, today=day)
    rows = await database(deadline_report(request.app.state.pool, since=first, until=last, today=day, lead_ministry=ministry or None,
                                          with_classified=permissions.leads(who)))
    out = io.StringIO()
    write_csv(rows, out)
    name = f"deadlines-{first.isoformat()}-{(last - timedelta(days=1)).isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                                           "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
