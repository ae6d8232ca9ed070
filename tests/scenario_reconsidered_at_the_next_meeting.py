"""An ordinance whose examining committee's code is remapped, then reconsidered at the next Standing Committee meeting
after the President sent it back (the twenty-second generation), kept apart from `tests.scenarios`, which it builds on."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import LawKind, Outcome
from schemas.messages import AgencyRemap, StartRequest
from tests.drafts import decision, start_request
from tests.scenarios import S, approve
from workflows import client as drafts
from workflows.deadlines import local_day


def ordinance_of_a_merged_committee() -> StartRequest:
    """An ordinance whose start names the Committee on Legal Affairs (UBPL, merged into UBPLTP in 2025) to examine it."""
    return start_request(law_kind=LawKind.ORDINANCE).model_copy(update={"examining_committee": "UBPL"})


async def reconsidered_at_the_next_meeting(client: Client, request: StartRequest) -> None:
    """At EXAMINATION the committee's code is remapped to the Committee on Law and Justice, which examines the ordinance;
    the Standing Committee adopts it and the President sends it back; the calendar then announces a meeting that day and
    the meeting before the session: the ordinance is adopted again at the first, then promulgated and published."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION])
    await drafts.remap_agency(client, sid, AgencyRemap(old_code="UBPL", new_code="UBPLTP", changed_by="Văn phòng Quốc hội",
                                                       reason="Nghị quyết hợp nhất các Ủy ban của Quốc hội năm 2025"))
    await approve(client, request, [S.EXAMINATION, S.STANDING_COMMITTEE_OPINION])
    await drafts.decide(client, sid, decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION))
    back, target = local_day((await drafts.status(client, sid)).stage_since), request.target_session
    meetings = (StandingCommitteeMeeting(code="UBTVQH-NEXT", meets_on=back),
                StandingCommitteeMeeting(code="UBTVQH-BEFORE", meets_on=target.opens_on - timedelta(days=20)))
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(target,), meetings=meetings, changed_by="VPQH"))
    assert (await drafts.status(client, sid)).pending.at_meeting == meetings[0]
    await approve(client, request, [S.STANDING_COMMITTEE_OPINION, S.PROMULGATION, S.PUBLICATION])
