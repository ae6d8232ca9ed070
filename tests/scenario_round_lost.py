"""The thirty-second generation's recorded path: a round terminated by hand (`temporal workflow terminate`) is found lost by
the draft's daily check a day after it opened (CONSULTATION_LOST, for the Government Office), where it held the stage until
its window's end; the stage is then approved, and the lead ministry withdraws the draft. Kept apart from `tests.scenarios`,
which it builds on."""

from __future__ import annotations

from datetime import timedelta

from schemas.enums import Actor, EventKind, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import consultation, decision
from tests.polling import eventually
from tests.scenarios import S, approve
from workflows import client as drafts
from workflows.rounds import round_workflow_id


async def round_lost_within_a_day(env, request: StartRequest) -> None:
    client, sid = env.client, request.submission_id
    with env.with_time_skipping_disabled():
        await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC",), window_days=60))
        await client.get_workflow_handle(round_workflow_id(sid, "r1")).terminate(reason="ended by hand")
    await env.fast_forward(drafts.draft(client, sid), timedelta(days=2))
    await eventually(lambda: drafts.history(client, sid), lambda view: any(e.event is EventKind.CONSULTATION_LOST for e in view.entries))
    withdraw = decision(request, S.APPRAISAL, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    with env.with_time_skipping_disabled():
        await approve(client, request, [S.DRAFTING])  # no longer held by the round
        await drafts.decide(client, sid, withdraw)
