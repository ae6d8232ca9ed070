"""What the twelfth generation checks and records, in the draft core without a server: a session a message names is the
session as the calendar announces it, and a decision entered afterwards is not dated before a decision already taken at
its stage. The eleventh generation took both as the messages said, as its histories say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionPhase, TargetSession
from schemas.enums import Outcome, ProgrammeChangeKind, SessionProcedure, Stage
from schemas.messages import Decision
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import FAILING_VOTE, NOW, PASSING_VOTE, core_request, core_state, decision, programme_change, session, sitting
from workflows import draft
from workflows.change import Record
from workflows.deadlines import start_of


def mistyped(announced: TargetSession, days: int) -> TargetSession:
    return announced.model_copy(update={"opens_on": announced.opens_on + timedelta(days=days)})


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 12, 11])
def test_a_deferral_to_an_announced_session_aims_at_its_announced_day(generation):
    """Found by a fresh-user trial: a deferral naming session 16-3 with a mistyped opening day aimed the draft at that day
    and counted its cut-off from it, until the calendar was told again (which then recorded a session moved that had not)."""
    request = core_request()
    later = session(request.target_session.session + 1, 400)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, generation=generation, sessions=[request.target_session, later])
    deferred = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=mistyped(later, -30)), NOW)
    [entry] = [e.entry for e in deferred.effects if isinstance(e, Record)]
    if generation == 11:
        assert deferred.state.target.opens_on == later.opens_on - timedelta(days=30)
        return
    assert deferred.state.target == later
    assert deferred.state.deadline == draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(
        ProgrammeChangeKind.DEFER, to_session=later), NOW).state.deadline
    assert entry.label.endswith(f"aimed at session {later.code} (opens {later.opens_on}) (the request said {later.opens_on - timedelta(days=30)})")


def test_a_deferral_to_the_session_the_draft_aims_at_is_refused_whatever_day_it_gives():
    """The same trial deferred a draft to the session it already aimed at by giving that session another day."""
    request = core_request()
    later = session(request.target_session.session + 1, 400)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later])
    for day in (30, -30):
        with pytest.raises(Refused) as refused:
            draft.validate(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=mistyped(state.target, day)), NOW)
        assert (refused.value.field, refused.value.rule) == ("to_session", "later_session")


def test_a_carry_over_to_an_announced_session_aims_at_its_announced_day():
    request = core_request()
    later = session(request.target_session.session + 1, 400)
    state = core_state(request, at=Stage.NA_SESSION, sessions=[request.target_session, later])
    state = draft.perform(draft.DECIDE, state, decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE), sitting(state)).state
    carry = decision(request, Stage.NA_SESSION, Outcome.RETURN_FOR_REVISION)
    carry = Decision.model_validate({**carry.model_dump(), "outcome": Outcome.CARRY_OVER, "carry_to": mistyped(later, 10).model_dump()})
    carried = draft.perform(draft.DECIDE, state, carry, sitting(state))
    [entry] = [e.entry for e in carried.effects if isinstance(e, Record)]
    assert carried.state.target == later and entry.label.endswith(f"(the request said {later.opens_on + timedelta(days=10)})")


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 12, 11])
def test_a_decision_entered_afterwards_is_not_dated_before_one_already_taken_at_its_stage(generation):
    """Found by a fresh-user trial: a failed vote dated 25 November, then a passing vote dated the 24th, was taken, and
    the President's fifteen days counted from a day before the failed vote."""
    request = core_request()
    state = core_state(request, at=Stage.NA_SESSION, generation=generation)
    opens, now = state.target.opens_on, sitting(state) + timedelta(days=5)

    def vote(count, day):
        return decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=count).model_copy(update={"occurred_on": opens + timedelta(days=day)})

    failed = draft.perform(draft.DECIDE, state, vote(FAILING_VOTE, 2), now).state
    assert failed.stage is Stage.NA_SESSION
    if generation == 11:
        assert draft.perform(draft.DECIDE, failed, vote(PASSING_VOTE, 1), now).state.stage is Stage.PROMULGATION
        return
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, failed, vote(PASSING_VOTE, 1), now)
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_last_decision")
    assert str(opens + timedelta(days=2)) in str(refused.value)
    passed = draft.perform(draft.DECIDE, failed, vote(PASSING_VOTE, 2), now).state
    assert passed.stage is Stage.PROMULGATION and passed.decided_here_on is None  # a new stage: no decision taken there yet


def test_the_session_the_draft_aims_at_is_known_by_its_code_off_the_calendar_too():
    """Found by a breaker: with the draft's session not on the calendar (a start may name one not announced yet), a
    deferral to it by another day passed, and the calendar's announcement then recorded it moved."""
    request = core_request()
    state = core_state(request, at=Stage.GOVERNMENT_DECISION)
    assert not state.sessions
    for day in (30, -30):
        with pytest.raises(Refused) as refused:
            draft.validate(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=mistyped(state.target, day)), NOW)
        assert (refused.value.field, refused.value.rule) == ("to_session", "later_session")


def test_a_state_with_no_decision_at_its_stage_is_carried_as_an_earlier_release_reads_it():
    """Found by a breaker: a worker of the release before, during a rolling upgrade, refused every carried state for
    the new field (its models forbid fields they do not know), also a null one."""
    request = core_request()
    state = core_state(request, at=Stage.NA_SESSION)
    assert "decided_here_on" not in state.model_dump(mode="json")
    failed = draft.perform(draft.DECIDE, state, decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE), sitting(state)).state
    assert failed.model_dump(mode="json")["decided_here_on"] == str(failed.target.opens_on)


def test_a_session_the_draft_does_not_know_is_in_order_with_those_announced():
    """Found by a breaker: a deferral to a session not announced that opens out of order with one announced (16-4 before
    16-3) passed, where a start naming it is refused."""
    request = core_request()
    later = session(request.target_session.session + 1, 400)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later])
    out_of_order = session(request.target_session.session + 2, 390)
    with pytest.raises(Refused) as refused:
        draft.validate(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=out_of_order), NOW)
    assert (refused.value.field, refused.value.rule) == ("to_session.opens_on", "sessions_in_order")


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 12, 11])
def test_a_switch_at_its_debate_says_the_day_the_request_gave_from_the_twelfth_generation_only(generation):
    """The words an event records are the generation's: a draft of the eleventh, accelerated at the sitting that debated
    it by a message giving that session another day, records what it recorded then."""
    debated = TargetSession(legislature=16, session=2, opens_on=NOW.date() + timedelta(days=100), phases=(
        SessionPhase(starts_on=NOW.date() + timedelta(days=100), ends_on=NOW.date() + timedelta(days=120)),))
    request = core_request(target=debated, procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION, generation=generation, sessions=[debated, session(3, 280)])
    switch = programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION, to_session=TargetSession(
        legislature=16, session=2, opens_on=debated.opens_on + timedelta(days=1)))
    switched = draft.perform(draft.CHANGE_PROGRAMME, state, switch, start_of(debated.opens_on) + timedelta(days=10, hours=9))
    [entry] = [e.entry for e in switched.effects if isinstance(e, Record)]
    assert switched.state.target == debated
    assert entry.label.endswith(f"(opens {debated.opens_on})" if generation == 11 else f"(the request said {debated.opens_on + timedelta(days=1)})")
