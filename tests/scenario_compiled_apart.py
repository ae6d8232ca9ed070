"""Two rounds compiled at drafting, each compilation kept in the dossier, and a submission date the Prime Minister
approved, lapsing with the stage when the Government returns the draft (the twenty-first generation), kept apart from
`tests.scenarios`, which it builds on."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.enums import Actor, Outcome, Response, Role
from schemas.messages import PostponementDecision, PostponementRequest, StartRequest
from tests.drafts import compilation, consultation, decision, opinion
from tests.polling import eventually
from tests.scenarios import S, approve
from workflows import client as drafts
from workflows import round_client


async def compiled_apart_and_returned(client: Client, request: StartRequest) -> None:
    """The ministries' round (BTC) and a second (BNV) compiled at DRAFTING; at GOVERNMENT_DECISION the lead ministry asks
    ten days more, the Prime Minister approves, and the Government returns the draft to the Office's review, where the
    lead ministry withdraws it, so that the recording ends."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    for round_id, consultee in (("r1", "BTC"), ("r2", "BNV")):
        await drafts.open_consultation(client, sid, consultation(request, round_id, (consultee,)))
        await round_client.submit_opinion(client, sid, round_id, opinion(consultee, "c1"))
        await eventually(lambda round_id=round_id: round_client.consultation(client, sid, round_id), lambda view: view.closed)
        await round_client.compile_round(client, sid, round_id, compilation(request, (consultee, "c1", Response.ACCEPTED)))
        await eventually(lambda: drafts.status(client, sid), lambda view: not view.open_consultations)
    await approve(client, request, [S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW])
    deadline = (await drafts.status(client, sid)).stage_deadline
    await drafts.request_postponement(client, sid, PostponementRequest(
        stage=S.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
        official="Bộ trưởng", new_deadline=deadline + timedelta(days=10), reason="Cần thêm thời gian hoàn thiện hồ sơ"))
    await drafts.decide_postponement(client, sid, PostponementDecision(
        stage=S.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="Thủ tướng"))
    await drafts.decide(client, sid, decision(request, S.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=S.GOVERNMENT_REVIEW))
    withdraw = decision(request, S.GOVERNMENT_REVIEW, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
