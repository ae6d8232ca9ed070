"""The sixteenth generation's recorded path: a two-session law's delegations' round, opened between the sessions, ends
as the next session gives when that session moves (`rounds.follow_sessions`); kept apart from `tests.scenarios`, which
it builds on."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar
from schemas.enums import Actor, ConsultationKind, Outcome, ProcessVersion, Role, SessionProcedure
from schemas.messages import StartRequest
from tests.drafts import consultation, decision, start_request
from tests.polling import eventually
from tests.scenarios import BEFORE_ASSEMBLY, S, announce_following, approve
from workflows import client as drafts
from workflows import round_client


def two_session_law() -> StartRequest:
    return start_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS)


async def delegations_follow_the_session(client: Client, request: StartRequest) -> None:
    """Debated at its first session; the delegations' round opened; the next session moved 14 days later, which the
    round follows; then the lead ministry withdraws the draft, and the round is cancelled with it."""
    sid = request.submission_id
    await announce_following(client, request, 1)
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_FIRST_SESSION])
    await drafts.open_consultation(client, sid, consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS))
    was = (await round_client.consultation(client, sid, "dbqh")).closes_at
    status = await drafts.status(client, sid)
    following = status.target_session.model_copy(update={"opens_on": status.target_session.opens_on + timedelta(days=14)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(request.target_session, following), changed_by="VPQH"))
    await eventually(lambda: round_client.consultation(client, sid, "dbqh"), lambda view: view.closes_at != was)
    withdraw = decision(request, S.INTER_SESSION_REVISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
