"""The twenty-fifth generation's path, kept apart from `tests.scenarios`: an ordinance whose examination date, after the
cut-off counted back from its Standing Committee meeting, the Standing Committee approved; the meeting moved later, so
that the date falls within its cut-off (the conflict's end said), then called off (the limit waiting for one)."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import Actor, Outcome, Role
from schemas.messages import StartRequest
from tests.drafts import decision
from tests.scenario_reconsidered_at_the_next_meeting import postponed_at_examination
from tests.scenarios import S
from workflows import client as drafts


async def meeting_moved_then_called_off(client: Client, request: StartRequest) -> None:
    sid, target = request.submission_id, request.target_session
    meeting = StandingCommitteeMeeting(code="UBTVQH-MOVED", meets_on=target.opens_on - timedelta(days=70))
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(target,), meetings=(meeting,), changed_by="VPQH"))
    deadline = await postponed_at_examination(client, request)  # ten days more, after the meeting's cut-off
    later = meeting.model_copy(update={"meets_on": meeting.meets_on + timedelta(days=30)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(target,), meetings=(later,), changed_by="VPQH"))
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(target,), meetings=(), changed_by="VPQH"))
    status = await drafts.status(client, sid)
    assert status.stage_deadline == deadline + timedelta(days=10) and status.next_cutoff is None, status
    assert any("no Standing Committee meeting is announced" in w for w in status.warnings), status.warnings
    withdraw = decision(request, S.EXAMINATION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)
