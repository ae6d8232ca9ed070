"""The twenty-fourth generation's recorded paths, kept apart from `tests.scenarios`, which they build on: a postponement
asked, then more filings at the stage than the draft keeps recent events, then decided (`DraftState.latest`); and a
three-session law's delegations' round at its first revision, from its opening (`sessions.window_of`)."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar
from schemas.enums import Actor, ConsultationKind, DocumentKind, Outcome, ProcessVersion, Role, SessionProcedure
from schemas.messages import DocumentRef, DossierFiling, StartRequest
from schemas.state import RECENT_EVENTS
from tests.drafts import consultation, decision, postponement, postponement_decision, start_request
from tests.scenarios import BEFORE_ASSEMBLY, S, announce_following, approve
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


def three_session_law() -> StartRequest:
    return start_request(ProcessVersion.LAW_2015, SessionProcedure.THREE_SESSIONS)


async def delegations_from_opening(client: Client, request: StartRequest) -> None:
    """A three-session law debated at its first session; at the revision after it, where no day count applies (LAW_2015
    Art. 76(2)), the delegations' round runs ten days from its opening; the next session moved 14 days later, which the
    round does not follow; then the lead ministry withdraws the draft, and the round is cancelled with it."""
    sid = request.submission_id
    await announce_following(client, request, 2)
    await approve(client, request, [S.LAW_MAKING_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_FIRST_SESSION])
    await drafts.open_consultation(client, sid, consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS,
                                                            window_days=10))
    status = await drafts.status(client, sid)
    following = status.target_session.model_copy(update={"opens_on": status.target_session.opens_on + timedelta(days=14)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(request.target_session, following), changed_by="VPQH"))
    withdraw = decision(request, S.INTER_SESSION_REVISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
