"""The eighteenth generation's recorded path: a draft entered under way at the Government's review reaches the Government's
decision, whose cut-off has passed, with no later session announced: late from that day, it climbs the escalation ladder
from then, a level three days on (`follow_up.alarms`, `late_from`); kept apart from `tests.scenarios`."""

from __future__ import annotations

from datetime import timedelta

from schemas.enums import Actor, EscalationLevel, EventKind, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import decision
from tests.scenario_reached_past_its_cutoff import at_review_request
from tests.scenarios import S
from workflows import client as drafts

__all__ = ["at_review_request", "late_from_the_day"]


async def late_from_the_day(env, request: StartRequest) -> list:
    """The review approved today; four days on, the head of agency has been told; then the lead ministry withdraws the
    draft. Returns the escalation levels recorded, in order."""
    client, sid = env.client, request.submission_id
    with env.with_time_skipping_disabled():
        await drafts.decide(client, sid, decision(request, S.GOVERNMENT_REVIEW))
    await env.fast_forward(drafts.draft(client, sid), timedelta(days=4))
    levels = [e.escalation_level for e in (await drafts.history(client, sid)).entries if e.event is EventKind.ESCALATION]
    assert levels == [EscalationLevel.RESPONSIBLE_OFFICIAL, EscalationLevel.HEAD_OF_AGENCY], levels
    withdraw = decision(request, S.GOVERNMENT_DECISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    with env.with_time_skipping_disabled():
        await drafts.decide(client, sid, withdraw)
    return levels
