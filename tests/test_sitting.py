"""The Assembly decides at its sitting (eighth generation), in the draft core without a server.

Found by both fresh-user trials of 2026-12-03: a vote at NA_SESSION was taken months before the session it aimed at opened,
and the President's 15 days to promulgate were counted from it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar, SessionPhase, TargetSession
from schemas.enums import Actor, LawKind, Outcome, ProcessVersion, ProgrammeChangeKind, Role, SessionProcedure, Stage
from schemas.messages import StartRequest
from schemas.refusal import RefusalKind, Refused
from tests.drafts import (
    BEFORE_THE_ASSEMBLY,
    NOW,
    OPENS_ON,
    PASSING_VOTE,
    SITTING,
    core_request,
    core_state,
    decision,
    passed_through,
    pinned,
    programme_change,
    sitting,
)
from workflows import draft
from workflows import draft_views as views
from workflows.deadlines import local_day

S = Stage
# Session 16-2 sitting in two phases of eleven days, ten days apart.
PHASED = TargetSession(legislature=16, session=2, opens_on=OPENS_ON, phases=(
    SessionPhase(starts_on=OPENS_ON, ends_on=OPENS_ON + timedelta(days=10)),
    SessionPhase(starts_on=OPENS_ON + timedelta(days=20), ends_on=OPENS_ON + timedelta(days=30))))


def refusal(state, message, now) -> Refused:
    with pytest.raises(Refused) as caught:
        draft.validate(draft.DECIDE, state, message, now)
    return caught.value


def vote(request, **fields):
    return decision(request, S.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE).model_copy(update=fields)


def test_a_vote_before_the_session_opens_is_refused_and_one_at_its_opening_taken():
    request = core_request()
    state = core_state(request, at=S.NA_SESSION)
    early = refusal(state, vote(request), NOW)
    assert (early.field, early.rule, early.kind) == ("occurred_on", "after_session_opens", RefusalKind.CONFLICT)
    assert f"opens on {OPENS_ON}" in early.message and "16-2" in early.message
    voted = draft.perform(draft.DECIDE, state, vote(request), SITTING).state
    assert voted.stage is S.PROMULGATION and voted.deadline == OPENS_ON + timedelta(days=15)


def test_a_vote_entered_afterwards_is_dated_at_the_sitting():
    """Entered after the session, a vote dated before its opening is a wrong date (INVALID); one dated at a sitting
    counts the President's 15 days from that day."""
    request = core_request()
    state = core_state(request, at=S.NA_SESSION)
    later = SITTING + timedelta(days=30)
    wrong = refusal(state, vote(request, occurred_on=OPENS_ON - timedelta(days=1)), later)
    assert (wrong.field, wrong.rule, wrong.kind) == ("occurred_on", "after_session_opens", RefusalKind.INVALID)
    sat = OPENS_ON + timedelta(days=3)
    voted = draft.perform(draft.DECIDE, state, vote(request, occurred_on=sat), later).state
    assert voted.deadline == sat + timedelta(days=15)


@pytest.mark.parametrize("outcome", [Outcome.REJECT, Outcome.RETURN_FOR_REVISION])
def test_every_decision_of_the_assembly_waits_for_its_session(outcome):
    request = core_request()
    state = core_state(request, at=S.NA_SESSION)
    assert refusal(state, decision(request, S.NA_SESSION, outcome), NOW).rule == "after_session_opens"
    draft.validate(draft.DECIDE, state, decision(request, S.NA_SESSION, outcome), SITTING)


def test_a_debate_waits_for_its_session_and_the_vote_for_the_next():
    """A two-session draft: the first debate at the session it aims at once it opens; after the revision, the vote at
    the next session announced, and none while none is."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    debating = core_state(request, at=S.NA_FIRST_SESSION)
    assert refusal(debating, decision(request, S.NA_FIRST_SESSION), NOW).rule == "after_session_opens"
    awaiting = core_state(request, at=S.NA_SESSION)
    assert awaiting.held is not None and awaiting.target == awaiting.held
    waiting = refusal(awaiting, vote(request), sitting(awaiting) + timedelta(days=200))
    assert (waiting.field, waiting.rule, waiting.kind) == ("stage", "session_announced", RefusalKind.CONFLICT)

    following = TargetSession(legislature=16, session=3, opens_on=OPENS_ON + timedelta(days=150))
    aimed = core_state(request, at=S.NA_SESSION, sessions=[request.target_session, following])
    assert aimed.target == following
    assert refusal(aimed, vote(request), SITTING + timedelta(days=10)).rule == "after_session_opens"
    assert draft.perform(draft.DECIDE, aimed, vote(request), sitting(aimed)).state.stage is S.PROMULGATION


def test_the_lead_ministry_may_withdraw_before_the_session():
    request = core_request()
    state = core_state(request, at=S.NA_SESSION)
    withdrawal = decision(request, S.NA_SESSION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    assert draft.perform(draft.DECIDE, state, withdrawal, NOW).state.stage is S.WITHDRAWN


def test_a_seventh_generation_draft_takes_the_vote_it_took():
    """Its histories replay: a draft of the seventh generation kept its rule."""
    request = core_request()
    state = core_state(request, at=S.NA_SESSION, generation=7)
    assert draft.perform(draft.DECIDE, state, vote(request), NOW).state.stage is S.PROMULGATION


def test_an_ordinance_referred_to_the_assembly_waits_for_the_nearest_session():
    request = core_request(law_kind=LawKind.ORDINANCE)
    state = core_state(request, at=S.PROMULGATION)
    state = draft.perform(draft.DECIDE, state, decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION,
                                                        return_to=S.STANDING_COMMITTEE_OPINION), NOW).state
    state = draft.perform(draft.DECIDE, state, decision(request, S.STANDING_COMMITTEE_OPINION), NOW).state
    state = draft.perform(draft.DECIDE, state, decision(request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY), NOW).state
    assert state.stage is S.NA_SESSION
    assert refusal(state, decision(request, S.NA_SESSION, Outcome.REJECT), NOW).rule == "after_session_opens"


def test_a_draft_under_way_is_entered_with_its_vote_dated_at_the_sitting():
    """A passed step is checked as a decision is: a vote dated before the session opened is refused where it is."""
    held = TargetSession(legislature=16, session=1, opens_on=local_day(NOW) - timedelta(days=40))
    plain = core_request(ProcessVersion.LAW_2025, target=held)

    def entered(voted_on):
        request = passed_through(plain, [*BEFORE_THE_ASSEMBLY, S.NA_SESSION], voted_on)
        return draft.open_draft(request, pinned(request), NOW, generation=8).state

    with pytest.raises(Refused) as caught:
        entered(held.opens_on - timedelta(days=2))
    assert (caught.value.field, caught.value.rule) == (f"passed.{len(BEFORE_THE_ASSEMBLY)}.occurred_on", "after_session_opens")
    promulgating = entered(held.opens_on + timedelta(days=5))
    assert promulgating.stage is S.PROMULGATION and promulgating.deadline == held.opens_on + timedelta(days=20)


def test_the_web_uis_details_say_when_the_assembly_may_decide():
    state = core_state(core_request(), at=S.NA_SESSION)
    assert f"**Decided at a sitting** of 16-2, from its opening on {OPENS_ON}" in views.details(state)
    assert "Decided at a sitting" not in views.details(core_state(core_request(), at=S.STANDING_COMMITTEE_OPINION))


def test_a_session_that_debated_the_draft_and_then_moved_is_not_where_it_is_voted():
    """Found by a breaker: after the debate at 16-2 with no later session announced, 16-2 moved two days later; the draft
    stopped waiting (its day was compared, not its code) and the vote was taken at the session that had debated it."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    waiting = core_state(request, at=S.NA_SESSION, sessions=[request.target_session])
    moved = request.target_session.model_copy(update={"opens_on": OPENS_ON + timedelta(days=2)})
    later = SITTING + timedelta(days=3)
    state = draft.perform(draft.CALENDAR_CHANGED, waiting, SessionCalendar(sessions=(moved,), changed_by="VPQH"), later).state
    assert refusal(state, vote(request), later).rule == "session_announced"
    assert state.target.code == "16-2" and views.pending_decision(state).at_sitting_of is None
    assert "Decided at a sitting" not in views.details(state)


def test_a_law_accelerated_after_its_debate_is_voted_at_the_session_that_debated_it():
    """Found by a breaker: a two-session law switched to one session between the sessions goes to NA_SESSION; the
    Assembly votes it at the session that debated it (DOMAIN.md, edge case 6)."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    revising = core_state(request, at=S.INTER_SESSION_REVISION, sessions=[request.target_session])
    at_sitting = sitting(revising)
    switch = programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION)
    accelerated = draft.perform(draft.CHANGE_PROGRAMME, revising, switch, at_sitting).state
    assert accelerated.stage is S.NA_SESSION
    assert draft.perform(draft.DECIDE, accelerated, vote(request), at_sitting).state.stage is S.PROMULGATION


def test_an_ordinance_referred_with_no_session_after_it_waits_for_one():
    request = core_request(law_kind=LawKind.ORDINANCE, target=TargetSession(legislature=16, session=1, opens_on=local_day(NOW) - timedelta(days=30)))
    state = core_state(request, at=S.PROMULGATION)
    for message in (decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION),
                    decision(request, S.STANDING_COMMITTEE_OPINION), decision(request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY)):
        state = draft.perform(draft.DECIDE, state, message, NOW).state
    waiting = refusal(state, decision(request, S.NA_SESSION, Outcome.REJECT), NOW)
    assert (waiting.rule, waiting.kind) == ("session_announced", RefusalKind.CONFLICT)
    assert "at its nearest session after the referral, and none after 16-1 is announced yet" in waiting.message


def test_once_the_session_has_ended_a_decision_says_its_day():
    """Found by a breaker: a vote entered without its day after the session had ended was dated then, and the President's
    15 days counted from a day the Assembly did not sit. Where the calendar gives the session's phases, a decision after
    the last is refused until it gives its day, which must lie within the session."""
    request = core_request(target=PHASED)
    state = core_state(request, at=S.NA_SESSION, sessions=[PHASED])
    weeks_after = SITTING + timedelta(days=60)
    undated = refusal(state, vote(request), weeks_after)
    assert (undated.field, undated.rule, undated.kind) == ("occurred_on", "within_session", RefusalKind.INVALID)
    assert f"sat until {OPENS_ON + timedelta(days=30)}: give the day the Assembly decided" in undated.message
    assert refusal(state, vote(request, occurred_on=OPENS_ON + timedelta(days=31)), weeks_after).rule == "within_session"
    voted = draft.perform(draft.DECIDE, state, vote(request, occurred_on=OPENS_ON + timedelta(days=25)), weeks_after).state
    assert voted.deadline == OPENS_ON + timedelta(days=40)
    shown = views.pending_decision(state).at_sitting_of
    assert (shown.code, shown.phases[-1].ends_on) == ("16-2", OPENS_ON + timedelta(days=30))


def test_a_draft_under_way_voted_at_a_session_the_calendar_no_longer_holds_is_entered():
    """Found by a breaker: a two-session draft debated at 16-1 and voted at 16-2, both ended, could not be entered under way
    (the calendar keeps no session that has ended, and refuses to set one): its imported vote is checked by its day only."""
    first = TargetSession(legislature=16, session=1, opens_on=local_day(NOW) - timedelta(days=200))
    plain = core_request(ProcessVersion.LAW_2015, SessionProcedure.TWO_SESSIONS, target=first)
    stages = [S.LAW_MAKING_PROPOSAL, *BEFORE_THE_ASSEMBLY[1:], S.NA_FIRST_SESSION, S.INTER_SESSION_REVISION]
    debated = passed_through(plain, stages, first.opens_on + timedelta(days=60))
    steps = [*debated.passed, vote(plain, occurred_on=local_day(NOW) - timedelta(days=15))]
    request = StartRequest.model_validate({**plain.model_dump(), "passed": [s.model_dump() for s in steps]})
    assert draft.open_draft(request, pinned(request), NOW, generation=8).state.stage is S.PROMULGATION


def test_a_law_accelerated_after_its_debate_with_the_next_session_announced_is_voted_at_it():
    """Asked by a fresh-user trial: with the next session announced, a two-session law switched to one session after its
    debate aims at that next session, and is voted there; the session that debated it cannot be named again (a breaker
    found that naming it left a draft at a session that had ended, or one a calendar change took it from)."""
    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    following = TargetSession(legislature=16, session=3, opens_on=OPENS_ON + timedelta(days=150))
    revising = core_state(request, at=S.INTER_SESSION_REVISION, sessions=[request.target_session, following])
    at_sitting = SITTING + timedelta(days=1)  # 16-2 sitting, 16-3 months ahead
    switch = programme_change(ProgrammeChangeKind.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION)
    waits = draft.perform(draft.CHANGE_PROGRAMME, revising, switch, at_sitting).state
    assert (waits.stage, waits.target) == (S.NA_SESSION, following) and refusal(waits, vote(request), at_sitting).rule == "after_session_opens"
    assert draft.perform(draft.DECIDE, waits, vote(request), sitting(waits)).state.stage is S.PROMULGATION
    assert refusal_of_change(revising, switch.model_copy(update={"to_session": request.target_session}), at_sitting).rule == "later_session"


def refusal_of_change(state, change, now) -> Refused:
    with pytest.raises(Refused) as caught:
        draft.validate(draft.CHANGE_PROGRAMME, state, change, now)
    return caught.value


def test_a_day_between_a_sessions_phases_is_not_a_sitting_day():
    """Found by a fresh-user trial: a vote dated in the recess between two phases was taken."""
    request = core_request(target=PHASED)
    state = core_state(request, at=S.NA_SESSION, sessions=[PHASED])
    recess = SITTING + timedelta(days=15)
    today = refusal(state, vote(request), recess)
    assert (today.rule, today.kind) == ("within_session", RefusalKind.CONFLICT) and "is between its phases" in today.message
    dated = refusal(state, vote(request, occurred_on=OPENS_ON + timedelta(days=12)), recess)
    assert (dated.rule, dated.kind) == ("within_session", RefusalKind.INVALID)
    assert draft.perform(draft.DECIDE, state, vote(request, occurred_on=OPENS_ON + timedelta(days=10)), recess).state.stage is S.PROMULGATION
    early = refusal(state, vote(request), NOW)
    assert "if session 16-2 opened earlier than the calendar says, correct its date first (legis calendar set-session 16-2)" in early.message
