"""A postponement asked, then more filings at the stage than the draft keeps recent events, then decided (the
twenty-fourth generation, `DraftState.latest`), kept apart from `tests.scenarios`, which it builds on."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.enums import Actor, DocumentKind, Outcome, Role
from schemas.messages import DocumentRef, DossierFiling, StartRequest
from schemas.state import RECENT_EVENTS
from tests.drafts import decision, postponement, postponement_decision
from tests.scenarios import S, approve
from workflows import client as drafts


def revision(request: StartRequest, number: int) -> DossierFiling:
    """The lead ministry files version `number` of its impact assessment at APPRAISAL."""
    return DossierFiling(stage=S.APPRAISAL, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                         official="Bộ trưởng", documents=(DocumentRef(kind=DocumentKind.IMPACT_ASSESSMENT, name=f"Báo cáo đánh giá tác động, "
                                                                      f"bản {number}", sha256=f"{number:064x}"),))


async def refused_after_many_filings(client: Client, request: StartRequest) -> None:
    """At APPRAISAL the Ministry of Justice asks 15 more days; the lead ministry files its impact assessment again and
    again, more times than the draft keeps recent events; the Deputy Prime Minister refuses the postponement, and the lead
    ministry withdraws the draft, so that the recording ends."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    deadline = (await drafts.status(client, sid)).stage_deadline
    await drafts.request_postponement(client, sid, postponement(request, deadline + timedelta(days=15)))
    for number in range(1, RECENT_EVENTS + 2):
        await drafts.file_dossier(client, sid, revision(request, number))
    await drafts.decide_postponement(client, sid, postponement_decision(approved=False))
    withdraw = decision(request, S.APPRAISAL, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
