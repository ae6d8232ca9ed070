"""What the eighth generation records no more and records now, in the draft core without a server: a consultation round
still open when its draft ends is recorded cancelled (found by a fresh-user trial: a withdrawal cancelled the round and
nothing said so); a Standing Committee meeting moved is recorded only for a draft that still comes before it; one
consultee is named so. And what a final draft's status and a pending decision offer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import Actor, EventKind, LawKind, Outcome, ProgrammeChangeKind, Role, Stage
from schemas.refusal import Refused
from tests.drafts import NOW, consultation, core_request, core_state, decision, programme_change, session
from workflows import draft, rounds
from workflows import draft_views as views
from workflows.change import Record, StartRound


def with_rounds_open(request, stage: Stage, generation: int):
    state = core_state(request, at=stage, generation=generation)
    for round_id in ("r1", "r2"):
        opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, round_id), NOW)
        [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
        state = rounds.round_started(opened.state, start, NOW).state
    return state


def ending(request, how: str):
    if how == "withdrawn from the programme":
        return draft.CHANGE_PROGRAMME, programme_change(ProgrammeChangeKind.WITHDRAW)
    if how == "withdrawn by the minister":
        return draft.DECIDE, decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
            update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    return draft.DECIDE, decision(request, Stage.POLICY_PROPOSAL, Outcome.REJECT)


@pytest.mark.parametrize("how,stage", [("withdrawn by the minister", Stage.DRAFTING), ("withdrawn from the programme", Stage.DRAFTING),
                                       ("rejected by the Government", Stage.POLICY_PROPOSAL)])
def test_rounds_open_when_the_draft_ends_are_recorded_cancelled(how, stage):
    request = core_request()
    op, message = ending(request, how)
    ended = draft.perform(op, with_rounds_open(request, stage, 8), message, NOW)
    final, events = ended.state.stage, [effect.entry for effect in ended.effects if isinstance(effect, Record)]
    assert final.is_terminal and events[0].event is not EventKind.CONSULTATION_CANCELLED
    assert [(e.event, e.stage, e.label) for e in events[1:]] == [
        (EventKind.CONSULTATION_CANCELLED, final, f"round {r} (WRITTEN_OPINIONS) cancelled: the draft is {final.value} and asks "
                                                  "nobody's opinion any more") for r in ("r1", "r2")]
    assert [c.workflow_id for c in rounds.closing(ended.state)] == [w.round.workflow_id for w in ended.state.open_rounds]


def test_a_seventh_generation_draft_records_no_cancellation():
    """Its histories replay as they ran."""
    request = core_request()
    op, message = ending(request, "withdrawn by the minister")
    ended = draft.perform(op, with_rounds_open(request, Stage.DRAFTING, 7), message, NOW)
    assert [e.entry.event for e in ended.effects if isinstance(e, Record)] == [EventKind.DECISION]


@pytest.mark.parametrize("generation", [8, 7])
def test_a_meeting_moved_is_recorded_only_for_drafts_that_still_come_before_the_committee(generation):
    """Found by a breaker: a law already at the Assembly was told of every Standing Committee meeting moved before its
    session (MEETING_SCHEDULED), though nothing of it counts from the meeting any more. From the eighth generation it is
    recorded only for a draft whose Committee opinion, or a cut-off counted from the meeting, lies ahead (the seventh
    recorded it for both, as its histories say)."""
    target = session(2, 200)
    meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=target.opens_on - timedelta(days=25))
    moved = meeting.model_copy(update={"meets_on": meeting.meets_on + timedelta(days=3)})
    request = core_request(target=target)

    def told(stage: Stage) -> list[EventKind]:
        state = core_state(request, at=stage, generation=generation, sessions=[target], meetings=[meeting])
        changed = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(target,), meetings=(moved,), changed_by="VPQH"), NOW)
        return [e.entry.event for e in changed.effects if isinstance(e, Record)]

    assert EventKind.MEETING_SCHEDULED in told(Stage.EXAMINATION)
    assert (EventKind.MEETING_SCHEDULED in told(Stage.NA_SESSION)) is (generation == 7)


def test_a_withdrawn_drafts_status_lists_no_round_awaiting_compilation():
    """Found by a fresh-user trial: `legis status` and the API listed the rounds a withdrawal cancelled as awaiting
    compilation."""
    request = core_request()
    op, message = ending(request, "withdrawn by the minister")
    ended = draft.perform(op, with_rounds_open(request, Stage.DRAFTING, 8), message, NOW).state
    assert ended.open_rounds and views.status(ended, "w", NOW).open_consultations == ()
    assert "awaiting compilation" not in views.details(ended)


def test_one_consultee_is_named_so():
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "r1", ("BTC",)), NOW)
    [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
    [entry] = [e.entry for e in rounds.round_started(opened.state, start, NOW).effects if isinstance(e, Record)]
    assert entry.label.startswith("round r1: WRITTEN_OPINIONS to 1 consultee until ")


def test_the_president_is_offered_a_return_or_a_referral_only_where_the_checks_take_it():
    """Found by a fresh-user trial: a law at PROMULGATION was offered REFER_TO_ASSEMBLY and RETURN_FOR_REVISION, each
    refused when chosen; a breaker then found an ordinance offered a referral before it was sent back, and a second return
    after it. An ordinance is sent back once (LAW_2025 refers it to the Assembly then), and referred only after that."""
    def offer(state) -> set[Outcome]:
        return set(views.pending_decision(state).outcomes) & {Outcome.RETURN_FOR_REVISION, Outcome.REFER_TO_ASSEMBLY}

    assert offer(core_state(core_request(), at=Stage.PROMULGATION)) == set()
    request = core_request(law_kind=LawKind.ORDINANCE)
    first = core_state(request, at=Stage.PROMULGATION)
    assert offer(first) == {Outcome.RETURN_FOR_REVISION}
    sent_back = draft.perform(draft.DECIDE, first, decision(request, Stage.PROMULGATION, Outcome.RETURN_FOR_REVISION,
                                                            return_to=Stage.STANDING_COMMITTEE_OPINION), NOW).state
    again = draft.perform(draft.DECIDE, sent_back, decision(request, Stage.STANDING_COMMITTEE_OPINION), NOW).state
    assert offer(again) == {Outcome.REFER_TO_ASSEMBLY}
    for outcome in (Outcome.RETURN_FOR_REVISION, Outcome.REFER_TO_ASSEMBLY):
        message = decision(request, Stage.PROMULGATION, outcome, return_to=Stage.STANDING_COMMITTEE_OPINION if outcome is Outcome.RETURN_FOR_REVISION else None)
        try:
            draft.validate(draft.DECIDE, again, message, NOW)
            taken = True
        except Refused:
            taken = False
        assert taken is (outcome in offer(again))
