"""The twenty-third generation's paths, kept apart from `tests.scenarios`, which they build on: an ordinance sent back by
the President whose reconsidering meeting a calendar change moves; and a law deferred to the extraordinary session it
already aims at by the authority that approved its date, which lapses."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession
from schemas.enums import Actor, LawKind, Outcome, ProgrammeChangeKind, Role
from schemas.messages import StartRequest
from tests.drafts import decision, opening_ahead, programme_change, start_request
from tests.scenario_reconsidered_at_the_next_meeting import postponed_at_examination
from tests.scenarios import S, approve
from workflows import client as drafts
from workflows.deadlines import local_day


def an_ordinance() -> StartRequest:
    return start_request(law_kind=LawKind.ORDINANCE)


async def reconsidering_meeting_moved(client: Client, request: StartRequest) -> None:
    """Sent back by the President, the ordinance awaits the meeting ten days on; a meeting announced for that very day then
    reconsiders it (recorded, DEADLINE_RECOUNTED), and the Standing Committee adopts it there; promulgated and published."""
    sid, target = request.submission_id, request.target_session
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                    S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION])
    await drafts.decide(client, sid, decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION))
    back = local_day((await drafts.status(client, sid)).stage_since)
    later = (StandingCommitteeMeeting(code="UBTVQH-LATER", meets_on=back + timedelta(days=10)),
             StandingCommitteeMeeting(code="UBTVQH-BEFORE", meets_on=target.opens_on - timedelta(days=20)))
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(target,), meetings=later, changed_by="VPQH"))
    told = await drafts.tell_calendar(client, sid, SessionCalendar(
        sessions=(target,), meetings=(StandingCommitteeMeeting(code="UBTVQH-TODAY", meets_on=back), *later), changed_by="VPQH"))
    assert told.events == 1 and (await drafts.status(client, sid)).pending.at_meeting.code == "UBTVQH-TODAY"
    await approve(client, request, [S.STANDING_COMMITTEE_OPINION, S.PROMULGATION, S.PUBLICATION])


def a_law_for_an_extraordinary_session() -> StartRequest:
    return start_request(target=TargetSession(legislature=16, session=9, opens_on=opening_ahead(), extraordinary=True))


async def deferred_to_its_own_session(client: Client, request: StartRequest) -> None:
    """At EXAMINATION the Standing Committee moves the deadline ten days on, then brings the law to the extraordinary session
    it already aims at: the date lapses and the deadline is the rulebook's again; the lead ministry then withdraws it."""
    sid, target = request.submission_id, request.target_session
    deadline = await postponed_at_examination(client, request)
    await drafts.change_programme(client, sid, programme_change(ProgrammeChangeKind.DEFER, to_session=target))
    status = await drafts.status(client, sid)
    assert status.postponement is None and status.stage_deadline == deadline, (status.stage_deadline, deadline)
    withdraw = decision(request, S.EXAMINATION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
