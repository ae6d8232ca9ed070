"""The twenty-second generation's paths, kept apart from `tests.scenarios`, which they build on: an ordinance whose examining
committee's code is remapped, then reconsidered at the next Standing Committee meeting after the President sent it back;
and a law deferred by the authority that approved its date, which lapses."""

from __future__ import annotations

from datetime import date, timedelta

from temporalio.client import Client

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import Actor, LawKind, Outcome, ProgrammeChangeKind, Role
from schemas.messages import AgencyRemap, PostponementDecision, PostponementRequest, StartRequest
from tests.drafts import decision, programme_change, start_request
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


async def deferred_past_its_approved_date(client: Client, request: StartRequest) -> None:
    """A law at EXAMINATION whose deadline the Standing Committee moved ten days on, then deferred by it to the session after:
    the date lapses with the programme change and the deadline counts from that session; the lead ministry then withdraws it, so that
    the recording ends."""
    sid, target = request.submission_id, request.target_session
    await postponed_at_examination(client, request)
    later = target.model_copy(update={"session": target.session + 1, "opens_on": target.opens_on + timedelta(days=150)})
    await drafts.change_programme(client, sid, programme_change(ProgrammeChangeKind.DEFER, to_session=later))
    assert (await drafts.status(client, sid)).postponement is None
    withdraw = decision(request, S.EXAMINATION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)


async def postponed_at_examination(client: Client, request: StartRequest) -> date:
    """Through the Government's stages to EXAMINATION, where the committee asks ten more days and the Standing Committee
    approves them; returns the deadline the rulebook gave."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION])
    deadline = (await drafts.status(client, sid)).stage_deadline
    await drafts.request_postponement(client, sid, PostponementRequest(
        stage=S.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code="UBPLTP", role=Role.COMMITTEE_CHAIR, official="Chủ nhiệm",
        new_deadline=deadline + timedelta(days=10), reason="Chờ báo cáo của Chính phủ"))
    await drafts.decide_postponement(client, sid, PostponementDecision(
        stage=S.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR, official="Chủ tịch Quốc hội"))
    return deadline
