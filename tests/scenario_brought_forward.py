"""The fourteenth generation's recorded path: a session brought forward past its cut-off while an approved date after
it stands (`sessions.postponement_conflict`), kept apart from `tests.scenarios`, which it builds on."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar
from schemas.enums import Actor, Outcome, Role
from schemas.messages import PostponementDecision, PostponementRequest, StartRequest
from tests.drafts import decision
from tests.scenarios import S, postponed_at_government_decision
from workflows import client as drafts
from workflows.deadlines import local_day


async def postponed_then_session_brought_forward(client: Client, request: StartRequest) -> None:
    """The Prime Minister's approved date raises its conflict; the session brought forward to 20 days ahead puts its
    cut-off in the past, which raises nothing more, nor does a later date approved after; the lead ministry withdraws
    the draft."""
    sid = request.submission_id
    approved = await postponed_at_government_decision(client, request)
    today = local_day((await drafts.status(client, sid)).stage_since)
    forward = request.target_session.model_copy(update={"opens_on": today + timedelta(days=20)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(forward,), changed_by="VPQH"))
    await drafts.request_postponement(client, sid, PostponementRequest(
        stage=S.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
        official="Bộ trưởng", new_deadline=approved + timedelta(days=5), reason="chờ ý kiến thẩm tra"))
    await drafts.decide_postponement(client, sid, PostponementDecision(
        stage=S.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="Thủ tướng"))
    withdraw = decision(request, S.GOVERNMENT_DECISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
