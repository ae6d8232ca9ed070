"""The thirtieth generation's recorded path: a law at GOVERNMENT_DECISION whose date the Prime Minister approved falls
after its session's opening, with a later session announced, slips when the session opens (`sessions.opened_without`);
then the lead ministry withdraws it. Kept apart from `tests.scenarios`, which it builds on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.enums import Actor, EventKind, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import decision
from tests.polling import eventually
from tests.scenarios import S, postponed_at_government_decision
from workflows import client as drafts
from workflows.deadlines import local_day


async def slipped_when_it_opened(env, request: StartRequest) -> None:
    client, sid = env.client, request.submission_id
    with env.with_time_skipping_disabled():
        approved = await postponed_at_government_decision(client, request, days=60)
    assert approved > request.target_session.opens_on, approved
    await env.fast_forward(drafts.draft(client, sid), timedelta(days=(request.target_session.opens_on - local_day(datetime.now(UTC))).days + 1))
    await eventually(lambda: drafts.history(client, sid), lambda view: any(
        e.event is EventKind.SESSION_SLIPPED and "it opened with the draft at GOVERNMENT_DECISION" in (e.label or "") for e in view.entries))
    withdraw = decision(request, S.GOVERNMENT_DECISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    with env.with_time_skipping_disabled():
        await drafts.decide(client, sid, withdraw)
