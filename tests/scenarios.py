"""Notable paths of a draft, as sequences of decisions; recorded as committed histories for the replay gate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio.client import Client

from datetime import timedelta

from schemas.enums import Actor, Outcome, ProcessVersion, Role, SessionProcedure, Stage
from schemas.messages import PostponementDecision, PostponementRequest, SessionCalendar, StartRequest, TargetSession
from tests.drafts import FAILING_VOTE, PASSING_VOTE, decision, start_request
from workflows import client as drafts

S = Stage
BEFORE_ASSEMBLY = [S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION,
                   S.EXAMINATION, S.STANDING_COMMITTEE_OPINION]


async def approve(client: Client, request: StartRequest, stages: list[Stage]) -> None:
    for stage in stages:
        vote = PASSING_VOTE if stage is S.NA_SESSION else None
        await drafts.decide(client, request.submission_id, decision(request, stage, Outcome.VOTE if vote else Outcome.APPROVE, vote=vote))


async def law_2025_one_session(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def law_2015_two_sessions(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.LAW_MAKING_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_FIRST_SESSION, S.INTER_SESSION_REVISION,
                                    S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def returned_twice(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    await drafts.decide(client, request.submission_id, decision(request, S.APPRAISAL, Outcome.RETURN_FOR_REVISION))
    await approve(client, request, [S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW])
    await drafts.decide(client, request.submission_id,
                        decision(request, S.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=S.GOVERNMENT_REVIEW))
    await approve(client, request, [S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION,
                                    S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def withdrawn(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    withdraw = decision(request, S.APPRAISAL, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, request.submission_id, withdraw)


async def failed_vote_rejected(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY])
    await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE))
    await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.REJECT))


async def postponed(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
    deadline = (await drafts.status(client, request.submission_id)).stage_deadline
    await drafts.request_postponement(client, request.submission_id, PostponementRequest(
        stage=S.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="Bộ trưởng",
        new_deadline=deadline + timedelta(days=20), reason="Cần thêm thời gian thẩm định"))
    await drafts.decide_postponement(client, request.submission_id, PostponementDecision(
        stage=S.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER,
        official="Phó Thủ tướng"))
    await approve(client, request, [S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION,
                                    S.STANDING_COMMITTEE_OPINION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def slipped_to_next_session(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY[:4]])
    target = request.target_session
    brought_forward = target.model_copy(update={"opens_on": (await drafts.status(client, request.submission_id)).stage_since.date()})
    following = TargetSession(legislature=target.legislature, session=target.session + 1, opens_on=target.opens_on + timedelta(days=180))
    await drafts.tell_calendar(client, request.submission_id, SessionCalendar(sessions=(brought_forward, following), changed_by="VPQH"))
    await approve(client, request, [S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


SCENARIOS: dict[str, tuple[Callable[[], StartRequest], Callable[[Client, StartRequest], Awaitable[None]]]] = {
    "law_2025_one_session": (lambda: start_request(ProcessVersion.LAW_2025), law_2025_one_session),
    "law_2015_two_sessions": (lambda: start_request(ProcessVersion.LAW_2015, SessionProcedure.TWO_SESSIONS), law_2015_two_sessions),
    "returned_twice": (lambda: start_request(), returned_twice),
    "withdrawn": (lambda: start_request(), withdrawn),
    "failed_vote_rejected": (lambda: start_request(), failed_vote_rejected),
    "postponed": (lambda: start_request(), postponed),
    "slipped_to_next_session": (lambda: start_request(), slipped_to_next_session),
}
