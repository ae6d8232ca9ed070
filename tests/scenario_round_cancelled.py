"""A round opened by mistake and cancelled by the lead ministry (`draft.CANCEL_CONSULTATION`), kept apart from
`tests.scenarios`, which it builds on."""

from __future__ import annotations

from temporalio.client import Client

from schemas.enums import Actor, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import cancellation, consultation, decision
from tests.scenarios import S, approve
from workflows import client as drafts


async def round_cancelled_by_its_lead_ministry(client: Client, request: StartRequest) -> None:
    """At DRAFTING a round asking a mistyped consultee (BTCC) is cancelled, and DRAFTING approved without it; the lead
    ministry then withdraws the draft at APPRAISAL, so that the recording ends."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC", "BTCC")))
    await drafts.cancel_consultation(client, sid, cancellation(request, "r1"))
    await approve(client, request, [S.DRAFTING])
    withdraw = decision(request, S.APPRAISAL, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
