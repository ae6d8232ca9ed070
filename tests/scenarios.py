"""Notable paths of a draft, as sequences of decisions; recorded as committed histories for the replay gate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from google.protobuf.field_mask_pb2 import FieldMask
from temporalio.api.common.v1 import TimeSkippingConfig, WorkflowExecution
from temporalio.api.workflow.v1 import WorkflowExecutionOptions
from temporalio.api.workflowservice.v1 import UpdateWorkflowExecutionOptionsRequest
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import TimeSkipper

from schemas.calendar import SessionCalendar, SessionPhase, StandingCommitteeMeeting, TargetSession
from schemas.enums import SITTING_STAGES, Actor, LawKind, Outcome, ProcessVersion, ProgrammeChangeKind, Response, Role, SessionProcedure, Stage
from schemas.messages import AgencyRemap, PostponementDecision, PostponementRequest, StartRequest, VoteCount
from schemas.state import DraftState
from tests.drafts import (
    FAILING_VOTE,
    PASSING_VOTE,
    compilation,
    consultation,
    core_state,
    decision,
    opinion,
    postponement,
    postponement_decision,
    programme_change,
    start_request,
    with_day_off,
)
from tests.polling import eventually
from workflows import client as drafts
from workflows import round_client, sessions
from workflows.codec import KeyRing, new_key_entry
from workflows.consultation import REMAP_SIGNAL, ConsultationWorkflow
from workflows.deadlines import local_day, start_of

S = Stage
BEFORE_ASSEMBLY = [S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION,
                   S.EXAMINATION, S.STANDING_COMMITTEE_OPINION]
# A one-session LAW_2025 draft's stages from APPRAISAL to its end.
FROM_APPRAISAL = [S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_SESSION,
                  S.PROMULGATION, S.PUBLICATION]


async def until_sitting(client: Client, submission_id: str) -> None:
    """On a time-skipping server, skip the draft's clock to 9:00 in Ha Noi on the day the session it aims at opens, when
    the Assembly may decide it (`sittings.check_sitting`); nothing if that moment has passed. A draft whose clock skipped
    whenever it waited skips so again after (a fast-forward ends its skipping)."""
    skipper, handle = TimeSkipper(client), drafts.draft(client, submission_id)
    opens_on = (await drafts.status(client, submission_id)).target_session.opens_on
    gap = start_of(opens_on) + timedelta(hours=9) - await skipper.get_current_time(handle)
    if gap <= timedelta(0):
        return
    info = await skipper.get_time_skipping_info(handle)
    skipping = info is not None and info.effective_config.enabled and not info.effective_config.HasField("fast_forward_config")
    await skipper.fast_forward(handle, gap)
    if skipping:
        await client.workflow_service.update_workflow_execution_options(UpdateWorkflowExecutionOptionsRequest(
            namespace=client.namespace, workflow_execution=WorkflowExecution(workflow_id=handle.id),
            workflow_execution_options=WorkflowExecutionOptions(time_skipping_config=TimeSkippingConfig(enabled=True)),
            update_mask=FieldMask(paths=["time_skipping_config"])))


async def announce_following(client: Client, request: StartRequest, sessions: int) -> None:
    """Tell the draft the calendar: its session and the `sessions` regular sessions after it, 180 days apart, so that a
    draft over several sessions has one to aim at after each debate."""
    target = request.target_session
    announced = tuple(target.model_copy(update={"session": target.session + n, "opens_on": target.opens_on + timedelta(days=180 * n)})
                      for n in range(sessions + 1))
    await drafts.tell_calendar(client, request.submission_id, SessionCalendar(sessions=announced, changed_by="VPQH"))


async def approve(client: Client, request: StartRequest, stages: list[Stage]) -> None:
    """Each stage approved in turn (a vote passed at NA_SESSION), a sitting stage once its session opens."""
    for stage in stages:
        if stage in SITTING_STAGES:
            await until_sitting(client, request.submission_id)
        vote = PASSING_VOTE if stage is S.NA_SESSION else None
        await drafts.decide(client, request.submission_id, decision(request, stage, Outcome.VOTE if vote else Outcome.APPROVE, vote=vote))


async def law_2025_one_session(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def law_2015_two_sessions(client: Client, request: StartRequest) -> None:
    await announce_following(client, request, 1)
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


async def withdrawn_with_a_round_open(client: Client, request: StartRequest) -> None:
    """Withdrawn at DRAFTING while a round of written opinions is open: the round is cancelled, and recorded so."""
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, request.submission_id, consultation(request, "r1", ("BTC", "BNV")))
    withdraw = decision(request, S.DRAFTING, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    await drafts.decide(client, request.submission_id, withdraw)


async def failed_vote_rejected(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY])
    await until_sitting(client, request.submission_id)
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
    await approve(client, request, FROM_APPRAISAL)


async def slipped_to_next_session(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY[:4]])
    target = request.target_session
    brought_forward = target.model_copy(update={"opens_on": (await drafts.status(client, request.submission_id)).stage_since.date()})
    following = TargetSession(legislature=target.legislature, session=target.session + 1, opens_on=target.opens_on + timedelta(days=180))
    await drafts.tell_calendar(client, request.submission_id, SessionCalendar(sessions=(brought_forward, following), changed_by="VPQH"))
    await approve(client, request, [S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def consulted_and_reprogrammed(client: Client, request: StartRequest) -> None:
    """A consultation round, a deferral, a split over two sessions, passage in part and publication."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC", "BNV")))
    await round_client.submit_opinion(client, sid, "r1", opinion("BTC", "c1"))
    await round_client.submit_opinion(client, sid, "r1", opinion("BNV"))
    await eventually(lambda: round_client.consultation(client, sid, "r1"), lambda view: view.closed)
    await round_client.compile_round(client, sid, "r1", compilation(request, ("BTC", "c1", Response.ACCEPTED)))
    await eventually(lambda: drafts.status(client, sid), lambda view: not view.open_consultations)
    target = request.target_session
    later = target.model_copy(update={"session": target.session + 1, "opens_on": target.opens_on + timedelta(days=180)})
    last = target.model_copy(update={"session": target.session + 2, "opens_on": target.opens_on + timedelta(days=360)})
    await drafts.change_programme(client, sid, programme_change(ProgrammeChangeKind.DEFER, to_session=later))
    await approve(client, request, BEFORE_ASSEMBLY[1:])
    await split_and_pass_in_part(client, request, last)


async def split_and_pass_in_part(client: Client, request: StartRequest, next_session: TargetSession) -> None:
    """At its voting session the draft is split over two: revised, voted in part at the next one, promulgated, published."""
    sid = request.submission_id
    await drafts.change_programme(client, sid, programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE,
                                                                procedure=SessionProcedure.TWO_SESSIONS, to_session=next_session))
    await approve(client, request, [S.INTER_SESSION_REVISION])
    in_part = VoteCount(total_deputies=500, in_favour=300, against=150, abstaining=20, parts_not_passed=("Điều 9",))
    await until_sitting(client, sid)
    await drafts.decide(client, sid, decision(request, S.NA_SESSION, Outcome.VOTE, vote=in_part))
    await approve(client, request, [S.PROMULGATION, S.PUBLICATION])


async def ordinance_reconsidered(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY])
    await drafts.decide(client, request.submission_id, decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION,
                                                                return_to=S.STANDING_COMMITTEE_OPINION))
    await approve(client, request, [S.STANDING_COMMITTEE_OPINION, S.PROMULGATION, S.PUBLICATION])


async def ordinance_referred(client: Client, request: StartRequest) -> None:
    """Adopted again after the President's request to reconsider it, an ordinance he still disagrees with goes to the
    Assembly's nearest session (Law 64/2025/QH15 Art. 43(1)), which passes it; then it is promulgated."""
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY])
    await drafts.decide(client, request.submission_id, decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION,
                                                                return_to=S.STANDING_COMMITTEE_OPINION))
    await approve(client, request, [S.STANDING_COMMITTEE_OPINION])
    await drafts.decide(client, request.submission_id, decision(request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY))
    await approve(client, request, [S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def law_2015_three_sessions(client: Client, request: StartRequest) -> None:
    await announce_following(client, request, 2)
    await approve(client, request, [S.LAW_MAKING_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_FIRST_SESSION, S.INTER_SESSION_REVISION,
                                    S.NA_SECOND_SESSION, S.SECOND_INTER_SESSION_REVISION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def imported_under_way(client: Client, request: StartRequest) -> None:
    """A draft entered with the steps it had passed on paper, then a decision entered the day after it was taken."""
    await approve(client, request, FROM_APPRAISAL)


def under_way_request(days_ago: tuple[int, int, int] = (90, 60, 10)) -> StartRequest:
    """A draft entered at APPRAISAL: its proposal, programme and drafting approved these many days ago."""
    plain = start_request()
    today = local_day(datetime.now(UTC))
    steps = [decision(plain, stage).model_copy(update={"occurred_on": today - timedelta(days=ago)})
             for stage, ago in zip((S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING), days_ago, strict=True)]
    return StartRequest.model_validate({**plain.model_dump(), "passed": [step.model_dump() for step in steps]})


def voted_after_its_debate_request() -> StartRequest:
    """A two-session law debated at a session 300 days ago and voted at the next, 100 days ago, entered under way with
    every step dated (thirteenth generation: the vote is checked against the debate's session, the later one having ended)."""
    debated = local_day(datetime.now(UTC)) - timedelta(days=300)
    plain = start_request(procedure=SessionProcedure.TWO_SESSIONS, opens_on=debated)
    before = [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY]
    days = {stage: debated - timedelta(days=10 * (len(before) - i)) for i, stage in enumerate(before)}
    days |= {S.NA_FIRST_SESSION: debated + timedelta(days=5), S.INTER_SESSION_REVISION: debated + timedelta(days=60),
             S.NA_SESSION: debated + timedelta(days=200)}
    steps = [decision(plain, stage, Outcome.VOTE if stage is S.NA_SESSION else Outcome.APPROVE,
                      vote=PASSING_VOTE if stage is S.NA_SESSION else None).model_copy(update={"occurred_on": day})
             for stage, day in days.items()]
    return StartRequest.model_validate({**plain.model_dump(), "passed": [step.model_dump() for step in steps]})


def debated_twice_request() -> StartRequest:
    """A three-session law (LAW_2015) debated at a session 300 days ago and again at the next, 115 days ago, entered under
    way after its second revision: it awaits its vote (thirteenth generation: the draft holds the first session as the
    one that debated it, the second having ended, and aims at the next one announced)."""
    debated = local_day(datetime.now(UTC)) - timedelta(days=300)
    plain = start_request(ProcessVersion.LAW_2015, SessionProcedure.THREE_SESSIONS, opens_on=debated)
    before = [S.LAW_MAKING_PROPOSAL, *BEFORE_ASSEMBLY]
    days = {stage: debated - timedelta(days=10 * (len(before) - i)) for i, stage in enumerate(before)}
    days |= {S.NA_FIRST_SESSION: debated + timedelta(days=5), S.INTER_SESSION_REVISION: debated + timedelta(days=60),
             S.NA_SECOND_SESSION: debated + timedelta(days=185), S.SECOND_INTER_SESSION_REVISION: debated + timedelta(days=240)}
    steps = [decision(plain, stage).model_copy(update={"occurred_on": day}) for stage, day in days.items()]
    return StartRequest.model_validate({**plain.model_dump(), "passed": [step.model_dump() for step in steps]})


async def voted_at_the_session_ahead(client: Client, request: StartRequest) -> None:
    """Voted once the session the draft aims at opens (the recording's clock skipped to it), then promulgated, published."""
    await approve(client, request, [S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def voted_after_its_debate(client: Client, request: StartRequest) -> None:
    await approve(client, request, [S.PROMULGATION, S.PUBLICATION])


async def entered_overdue(client: Client, request: StartRequest) -> None:
    """The deadline passed and its escalations are raised at once, each with the day it fell due (thirteenth generation)."""
    await eventually(lambda: drafts.status(client, request.submission_id), lambda status: status.overdue)
    await approve(client, request, FROM_APPRAISAL)


async def postponed_at_government_decision(client: Client, request: StartRequest, days: int = 10) -> date:
    """The draft taken to GOVERNMENT_DECISION, whose deadline the Prime Minister moves `days` later (past the session's
    cut-off: a conflict); returns the approved date."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY[:4]])
    approved = (await drafts.status(client, sid)).stage_deadline + timedelta(days=days)
    await drafts.request_postponement(client, sid, PostponementRequest(
        stage=S.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
        official="Bộ trưởng", new_deadline=approved, reason="chờ ý kiến các bộ"))
    await drafts.decide_postponement(client, sid, PostponementDecision(
        stage=S.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="Thủ tướng"))
    return approved


async def postponed_then_session_moved(client: Client, request: StartRequest) -> None:
    """A postponement the Prime Minister approved stands when the session moves; the conflict goes to the Government Office."""
    sid = request.submission_id
    await postponed_at_government_decision(client, request)
    # A meeting announced leaves the law's conflict (counted back from the session) as it was: not raised again (ninth
    # generation); the session moved changes it.
    meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=request.target_session.opens_on - timedelta(days=40))
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(request.target_session,), meetings=(meeting,), changed_by="VPQH"))
    moved = request.target_session.model_copy(update={"opens_on": request.target_session.opens_on + timedelta(days=6)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(moved,), meetings=(meeting,), changed_by="VPQH"))
    await approve(client, request, [S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_SESSION, S.PROMULGATION,
                                    S.PUBLICATION])


async def past_window(env, request: StartRequest, round_id: str, handle=None, *, after: timedelta = timedelta(hours=1)) -> None:
    """Skip `handle`'s clock (the round's by default), just opened, to `after` past the round's window as its draft sees
    it: rest days lengthen a window, so that a fixed number of days falls short on some days of the week."""
    client, sid = env.client, request.submission_id
    [opened] = [r for r in (await drafts.status(client, sid)).open_consultations if r.round_id == round_id]
    await env.fast_forward(handle or await round_client.round_workflow(client, sid, round_id), opened.closes_at - opened.opened_at + after)


async def fast_forward_to_day(env, handle, since: datetime, day: date) -> None:
    """Skip a draft's clock from `since` to an hour into the Ha Noi day `day`. Tests count from a deadline, not from
    today: a deadline that falls on a rest day moves to the next working day, so its distance from today varies."""
    await env.fast_forward(handle, start_of(day) + timedelta(hours=1) - since)


async def postponed_while_overdue(env, request: StartRequest, *, asked: int = -1, approved_after: int = 13) -> date:
    """At APPRAISAL, a postponement asked `asked` days after the deadline (before it, when negative) for a date 6 days
    after it, approved `approved_after` days after that date, then 10 days on; returns the deadline it moved from. Asked
    the day before and approved 13 days after, the new date's last escalation is still ahead when the old date's has
    been raised: it is not raised again."""
    client, sid = env.client, request.submission_id
    handle = drafts.draft(client, sid)
    entered = await drafts.status(client, sid)
    deadline = entered.stage_deadline
    await fast_forward_to_day(env, handle, entered.stage_since, deadline + timedelta(days=asked))
    await drafts.request_postponement(client, sid, postponement(request, deadline + timedelta(days=6)))
    await env.fast_forward(handle, timedelta(days=6 - asked + approved_after))
    await drafts.decide_postponement(client, sid, postponement_decision(True))
    await env.fast_forward(handle, timedelta(days=10))
    return deadline


async def debated_then_next_session(client: Client, request: StartRequest) -> None:
    """A two-session draft debated at its first session aims at the next one announced, where it is voted."""
    sid = request.submission_id
    first = request.target_session
    second = first.model_copy(update={"session": first.session + 1, "opens_on": first.opens_on + timedelta(days=180)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(first, second), changed_by="VPQH"))
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_FIRST_SESSION, S.INTER_SESSION_REVISION, S.NA_SESSION,
                                    S.PROMULGATION, S.PUBLICATION])


async def accelerated_at_its_debate(client: Client, request: StartRequest) -> None:
    """A two-session law debated at its first session, which the Assembly decides at that sitting to pass there: the switch
    names the session, within its phase (tenth generation), and a session announced afterwards does not take it away."""
    sid, first = request.submission_id, request.target_session
    sitting = first.model_copy(update={"phases": (SessionPhase(starts_on=first.opens_on, ends_on=first.opens_on + timedelta(days=20)),)})
    second = first.model_copy(update={"session": first.session + 1, "opens_on": first.opens_on + timedelta(days=180)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(sitting, second), changed_by="VPQH"))
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY, S.NA_FIRST_SESSION])
    await drafts.change_programme(client, sid, programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION,
                                                                to_session=sitting))
    third = second.model_copy(update={"session": second.session + 1, "opens_on": second.opens_on + timedelta(days=180)})
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(sitting, second, third), changed_by="VPQH"))
    await approve(client, request, [S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def remapped_with_a_round_open(client: Client, request: StartRequest) -> None:
    """The lead ministry merged into another while a round is open (ministries merged in 2025): the round is told, and
    the new code compiles it (tenth generation); the merged ministry then withdraws the draft."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, sid, consultation(request, "r1", ("BNV",)))
    await drafts.remap_agency(client, sid, AgencyRemap(old_code=request.lead_ministry, new_code="BTC", changed_by="Vụ Tổ chức cán bộ",
                                                       reason="Nghị quyết 176/2025/QH15: sáp nhập"))
    await round_client.submit_opinion(client, sid, "r1", opinion("BNV", "c1"))
    await eventually(lambda: round_client.consultation(client, sid, "r1"), lambda view: view.closed)
    merged = request.model_copy(update={"lead_ministry": "BTC"})
    await round_client.compile_round(client, sid, "r1", compilation(merged, ("BNV", "c1", Response.ACCEPTED)))
    await eventually(lambda: drafts.status(client, sid), lambda view: not view.open_consultations)
    withdraw = decision(merged, S.DRAFTING, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": "BTC", "role": Role.MINISTER})
    await drafts.decide(client, sid, withdraw)


async def compiled_by_a_stranger(client: Client, request: StartRequest) -> None:
    """A round told by a forged signal that another ministry leads the draft, which compiles it: the draft does not take
    that compilation (eleventh generation); the lead ministry's own round is compiled, and the draft withdrawn."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    for round_id in ("r1", "r2"):
        await drafts.open_consultation(client, sid, consultation(request, round_id, ("BNV",)))
        await (await round_client.round_workflow(client, sid, round_id)).signal(REMAP_SIGNAL, AgencyRemap(
            old_code=request.lead_ministry, new_code="BCA", changed_by="not the draft", reason="forged"))
        await round_client.submit_opinion(client, sid, round_id, opinion("BNV", "c1"))
        await eventually(lambda round_id=round_id: round_client.consultation(client, sid, round_id), lambda view: view.closed)
    forger = request.model_copy(update={"lead_ministry": "BCA"})
    # A raw update to the round: `workflows.client` refuses a compilation by another than the draft's lead ministry now.
    await (await round_client.round_workflow(client, sid, "r1")).execute_update(ConsultationWorkflow.compile,
                                                                       compilation(forger, ("BNV", "c1", Response.ACCEPTED)))
    await round_client.compile_round(client, sid, "r2", compilation(request, ("BNV", "c1", Response.ACCEPTED)))
    await eventually(lambda: drafts.status(client, sid), lambda view: [r.round_id for r in view.open_consultations] == ["r1"])
    await drafts.decide(client, sid, decision(request, S.DRAFTING, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "role": Role.MINISTER}))


async def deferred_to_a_mistyped_session(client: Client, request: StartRequest) -> None:
    """A deferral naming the session announced after the draft's with a mistyped opening day: the draft aims at the day
    the calendar gives (twelfth generation); there it is voted down, then passed."""
    sid = request.submission_id
    await announce_following(client, request, 1)
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    target = (await drafts.status(client, sid)).target_session
    # The next session, announced to open 180 days after the draft's, given as opening after 160.
    mistyped = target.model_copy(update={"session": target.session + 1, "opens_on": target.opens_on + timedelta(days=160)})
    await drafts.change_programme(client, sid, programme_change(ProgrammeChangeKind.DEFER, to_session=mistyped))
    await approve(client, request, BEFORE_ASSEMBLY[1:])
    await until_sitting(client, sid)
    await drafts.decide(client, sid, decision(request, S.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE))
    await approve(client, request, [S.NA_SESSION, S.PROMULGATION, S.PUBLICATION])


async def rest_days_moved_the_cutoff(client: Client, request: StartRequest) -> None:
    """A day off announced on the Government's cut-off ahead of a draft still in drafting moves that cut-off a day
    earlier, its own deadline unchanged: recorded (fifth generation), so that the registry and the board follow."""
    sid = request.submission_id
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
    counted = core_state(request, at=S.DRAFTING)  # the same draft counted by the pure core, on the same calendars
    ahead = sessions.registry_cutoffs(counted).cutoff
    assert ahead is not None
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(request.target_session,), working=with_day_off(counted.working, ahead),
                                                            changed_by="VPCP"))
    await approve(client, request, [S.DRAFTING, *FROM_APPRAISAL])


def later_ordinance_request() -> StartRequest:
    """An ordinance aimed at the session after the usual one."""
    usual = start_request(law_kind=LawKind.ORDINANCE).target_session
    return start_request(law_kind=LawKind.ORDINANCE, target=usual.model_copy(update={"session": usual.session + 1,
                                                                                      "opens_on": usual.opens_on + timedelta(days=180)}))


async def ordinance_meeting_between_sessions(client: Client, request: StartRequest) -> None:
    """An ordinance aimed at a later session, told of the session before it and of the one meeting announced, which
    prepares that earlier session: its cut-off waits (seventh generation); a meeting announced between the two sets it."""
    sid, target = request.submission_id, request.target_session
    earlier = target.model_copy(update={"session": target.session - 1, "opens_on": target.opens_on - timedelta(days=180)})
    early = StandingCommitteeMeeting(code="UBTVQH-EARLY", meets_on=earlier.opens_on - timedelta(days=20))
    between = StandingCommitteeMeeting(code="UBTVQH-BETWEEN", meets_on=target.opens_on - timedelta(days=20))
    await approve(client, request, [S.POLICY_PROPOSAL, *BEFORE_ASSEMBLY[:4]])
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(earlier, target), meetings=(early,), changed_by="VPQH"))
    assert (await drafts.status(client, sid)).stage_deadline is None
    await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(earlier, target), meetings=(early, between), changed_by="VPQH"))
    assert (await drafts.status(client, sid)).stage_deadline is not None
    await approve(client, request, [S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.PROMULGATION, S.PUBLICATION])


def carried_ordinance_of_generation_6(now: datetime) -> tuple[StartRequest, DraftState]:
    """A sixth-generation ordinance at GOVERNMENT_DECISION aimed at the session after next, with the one meeting announced
    preparing the next session: its deadline counts back from that meeting (as the sixth generation did), the state a run
    of it carries to the next."""
    request = later_ordinance_request()
    target = request.target_session
    earlier = target.model_copy(update={"session": target.session - 1, "opens_on": target.opens_on - timedelta(days=180)})
    early = StandingCommitteeMeeting(code="UBTVQH-EARLY", meets_on=earlier.opens_on - timedelta(days=20))
    return request, core_state(request, at=S.GOVERNMENT_DECISION, now=now, generation=6, sessions=[earlier, target], meetings=[early])


SCENARIOS: dict[str, tuple[Callable[[], StartRequest], Callable[[Client, StartRequest], Awaitable[None]]]] = {
    "law_2025_one_session": (lambda: start_request(ProcessVersion.LAW_2025), law_2025_one_session),
    "law_2015_two_sessions": (lambda: start_request(ProcessVersion.LAW_2015, SessionProcedure.TWO_SESSIONS), law_2015_two_sessions),
    "returned_twice": (lambda: start_request(), returned_twice),
    "withdrawn": (lambda: start_request(), withdrawn),
    "failed_vote_rejected": (lambda: start_request(), failed_vote_rejected),
    "withdrawn_with_a_round_open": (lambda: start_request(), withdrawn_with_a_round_open),
    "postponed": (lambda: start_request(), postponed),
    "slipped_to_next_session": (lambda: start_request(), slipped_to_next_session),
    "consulted_and_reprogrammed": (lambda: start_request(), consulted_and_reprogrammed),
    "ordinance_reconsidered": (lambda: start_request(law_kind=LawKind.ORDINANCE), ordinance_reconsidered),
    "ordinance_referred": (lambda: start_request(law_kind=LawKind.ORDINANCE), ordinance_referred),
    "law_2015_three_sessions": (lambda: start_request(ProcessVersion.LAW_2015, SessionProcedure.THREE_SESSIONS), law_2015_three_sessions),
    "imported_under_way": (under_way_request, imported_under_way),
    "postponed_then_session_moved": (lambda: start_request(), postponed_then_session_moved),
    "debated_then_next_session": (lambda: start_request(procedure=SessionProcedure.TWO_SESSIONS), debated_then_next_session),
    "rest_days_moved_the_cutoff": (lambda: start_request(), rest_days_moved_the_cutoff),
    "accelerated_at_its_debate": (lambda: start_request(procedure=SessionProcedure.TWO_SESSIONS), accelerated_at_its_debate),
    "remapped_with_a_round_open": (lambda: start_request(), remapped_with_a_round_open),
    "compiled_by_a_stranger": (lambda: start_request(), compiled_by_a_stranger),
    "ordinance_meeting_between_sessions": (later_ordinance_request, ordinance_meeting_between_sessions),
    "deferred_to_a_mistyped_session": (lambda: start_request(), deferred_to_a_mistyped_session),
    "voted_after_its_debate": (voted_after_its_debate_request, voted_after_its_debate),
    # Drafting finished 80 days before it is entered: the appraisal's deadline long passed.
    "entered_overdue": (lambda: under_way_request((120, 100, 80)), entered_overdue),
}


async def failing_draft(client: Client, task_queue: str) -> StartRequest:
    """A draft started by a client whose key ring the worker on `task_queue` lacks: its first workflow task fails, and
    goes on failing; returned once Temporal says so to a query (its first query may time out instead)."""
    stranger = await drafts.connect(client.service_client.config.target_host, keys=KeyRing.parse(new_key_entry("stranger")))
    request = start_request()
    await drafts.start_submission(stranger, request, task_queue=task_queue)

    async def failing() -> bool:
        try:
            # Each probe short: a query that reaches the failing task first waits out its whole RPC timeout.
            await drafts.draft(client, request.submission_id).query("status", rpc_timeout=timedelta(seconds=2))
        except RPCError as refused:
            return drafts.task_failing(refused)
        return False

    await eventually(failing, bool)
    return request
