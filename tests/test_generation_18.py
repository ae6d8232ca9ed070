"""Eighteenth generation: a deadline set after it had passed is missed from then, and its escalation ladder counts from
then; a deadline set with a warning's time already passed is warned at once, by the last such warning.

Found by an official's trial: a session moved earlier escalated a draft to its head of agency and to the Government
Office, and queued the Deputy Prime Minister, all on the day it became late; and a draft entered with its appraisal due in
three days was never warned."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import Actor, EscalationLevel, EventKind, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.refusal import Refused
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, decision, passed_through, pinned, postponed, session
from workflows import draft
from workflows import draft_views as views
from workflows.change import Record, due_later
from workflows.deadlines import local_day

S = Stage
TODAY = local_day(NOW)
GOVERNMENT_LADDER = (EscalationLevel.RESPONSIBLE_OFFICIAL, EscalationLevel.HEAD_OF_AGENCY, EscalationLevel.VPCP, EscalationLevel.DEPUTY_PM)


def recorded(applied) -> list:
    return [e.entry for e in applied.effects if isinstance(e, Record)]


def reached_past_its_cutoff(generation: int):
    """A law entered at GOVERNMENT_REVIEW, its review approved today, so that it reaches the Government's decision whose
    cut-off (45 days before 16-2, 30 days ahead) passed 15 days ago; no later session is announced: it stays late."""
    request = core_request(target=session(2, 30))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_REVIEW)]), TODAY - timedelta(days=3))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 30)]), NOW, generation=generation).state
    reached = draft.perform(draft.DECIDE, state, decision(request, S.GOVERNMENT_REVIEW), NOW).state
    assert reached.stage is S.GOVERNMENT_DECISION and reached.deadline == TODAY - timedelta(days=15)
    return reached


def levels_raised(state, until_days: int) -> dict[EscalationLevel, int]:
    """The escalation levels the draft raises over the next `until_days` days, each with the day (counted from today)
    it is raised on, ticking once a day."""
    raised = {}
    for day in range(until_days + 1):
        applied = draft.tick(state, NOW + timedelta(days=day))
        raised |= {e.escalation_level: day for e in recorded(applied) if e.event is EventKind.ESCALATION}
        state = applied.state
    return raised


@pytest.mark.parametrize("generation", [18, 17])
def test_a_stage_reached_past_its_cut_off_climbs_the_ladder_from_the_day_it_was_reached(generation):
    state = reached_past_its_cutoff(generation)
    ladder = levels_raised(state, 20)
    if generation >= 18:
        assert ladder == {EscalationLevel.RESPONSIBLE_OFFICIAL: 0, EscalationLevel.HEAD_OF_AGENCY: 3, EscalationLevel.VPCP: 7,
                          EscalationLevel.DEPUTY_PM: 14}
    else:
        assert ladder == dict.fromkeys(GOVERNMENT_LADDER, 0)  # every level the same day
    first = recorded(draft.tick(state, NOW))
    assert first[0].event is EventKind.DEADLINE_PASSED and all(e.occurred_on is None for e in first)


def test_a_session_brought_forward_past_the_cut_off_counts_the_ladder_from_the_day_it_moved():
    """The trial's case: a draft at the Government's decision, 40 days there, aimed at an extraordinary session (which keeps
    its place) brought forward so that the cut-off lies 10 days behind it."""
    extraordinary = TargetSession(legislature=16, session=2, opens_on=TODAY + timedelta(days=200), extraordinary=True)
    request = core_request(target=extraordinary)
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=40))
    state = draft.open_draft(entered, pinned(entered, sessions=[extraordinary]), NOW, generation=18).state
    forward = extraordinary.model_copy(update={"opens_on": TODAY + timedelta(days=35)})
    moved = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(forward,), changed_by="VPQH"), NOW).state
    assert moved.deadline < TODAY
    assert levels_raised(moved, 15) == {EscalationLevel.RESPONSIBLE_OFFICIAL: 0, EscalationLevel.HEAD_OF_AGENCY: 3,
                                        EscalationLevel.VPCP: 7, EscalationLevel.DEPUTY_PM: 14}


def test_a_deadline_missed_before_it_was_set_elsewhere_still_counts_from_its_own_day():
    """A draft entered under way at a stage it began 40 days ago, its cut-off passed since: late since then, as the
    thirteenth generation said; the ladder is not moved (every level fell due before the draft was entered)."""
    request = core_request(target=session(2, 30))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=40))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 30)]), NOW, generation=18).state
    raised = recorded(draft.tick(state, NOW))
    assert {e.escalation_level for e in raised if e.event is EventKind.ESCALATION} == set(GOVERNMENT_LADDER)
    assert raised[0].event is EventKind.DEADLINE_PASSED and raised[0].occurred_on == state.deadline + timedelta(days=1)
    assert [e.occurred_on for e in raised[1:4]] == [state.deadline + timedelta(days=d) for d in (1, 4, 8)]


@pytest.mark.parametrize("generation", [18, 17])
def test_a_draft_entered_days_before_its_deadline_is_warned_at_once(generation):
    """Entered at APPRAISAL (30 calendar days), begun 27 days ago: its half-window and 5-days-before warnings fell before
    it was entered; the eighteenth generation raises the last of them at once, dated the day it fell due."""
    request = core_request()
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.APPRAISAL)]), TODAY - timedelta(days=27))
    state = draft.open_draft(entered, pinned(entered), NOW, generation=generation).state
    assert state.stage is S.APPRAISAL and TODAY < state.deadline <= TODAY + timedelta(days=5)
    warned = [e for e in recorded(draft.tick(state, NOW)) if e.event is EventKind.WARNING]
    if generation >= 18:
        assert [w.label for w in warned] == ["5 days before the deadline"]
        assert warned[0].occurred_on == state.deadline + timedelta(days=1) - timedelta(days=5)
    else:
        assert warned == []
    first = due_later(state)[0]
    assert (first.event, first.at <= NOW) == ((EventKind.WARNING, True) if generation >= 18 else (EventKind.DEADLINE_PASSED, False))


def test_a_deadline_moved_within_its_warning_is_warned_once_not_at_every_move():
    """A draft 40 days at the Government's decision, its cut-off months ahead; a session brought forward puts the cut-off
    days ahead: warned at once; the session moved again by a day, the warning is not raised a second time."""
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=40))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200)]), NOW, generation=18).state
    assert not [e for e in recorded(draft.tick(state, NOW)) if e.event is EventKind.WARNING]
    warnings = []
    for opens_in in (48, 49):
        moved = session(2, opens_in)
        state = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(moved,), changed_by="VPQH"), NOW).state
        assert TODAY < state.deadline <= TODAY + timedelta(days=5), state.deadline
        ticked = draft.tick(state, NOW)
        warnings += [e for e in recorded(ticked) if e.event is EventKind.WARNING]
        state = ticked.state
    assert len(warnings) == 1 and warnings[0].occurred_on is None, [(w.label, w.at) for w in warnings]


@pytest.mark.parametrize("generation", [18, 17])
def test_an_approval_never_brings_the_deadline_earlier_than_the_calendar_gives(generation):
    """Found by a breaker: a postponement asked for 5 days past the Government's decision's cut-off, the session then moved
    60 days later, the approval moved the deadline weeks earlier than the calendar gave, and the draft slipped off a
    session whose cut-off was ahead."""
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=1))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200)]), NOW, generation=generation).state
    cutoff = state.deadline
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=S.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=cutoff + timedelta(days=5), reason="chờ ý kiến các bộ"), NOW).state
    moved = draft.perform(draft.CALENDAR_CHANGED, asked, SessionCalendar(sessions=(session(2, 260),), changed_by="VPQH"), NOW).state
    assert moved.deadline > cutoff + timedelta(days=50) and moved.pending_postponement is not None
    approval = PostponementDecision(stage=S.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP",
                                    role=Role.PRIME_MINISTER, official="x")
    if generation >= 18:
        with pytest.raises(Refused) as refused:
            draft.validate(draft.DECIDE_POSTPONEMENT, moved, approval, NOW)
        assert (refused.value.field, refused.value.rule) == ("approved", "later_than_current"), refused.value
        assert f"the date asked, {cutoff + timedelta(days=5)}, is before the deadline the rulebook and calendar give now" in refused.value.message
        refusal = approval.model_copy(update={"approved": False})
        assert draft.perform(draft.DECIDE_POSTPONEMENT, moved, refusal, NOW).state.deadline == moved.deadline
    else:
        assert draft.perform(draft.DECIDE_POSTPONEMENT, moved, approval, NOW).state.deadline == cutoff + timedelta(days=5)


@pytest.mark.parametrize("generation", [18, 17])
def test_an_assembly_stage_s_approved_date_in_conflict_is_raised_to_the_national_assembly_office(generation):
    """Found by an official's trial: a committee's examination date, approved by the Standing Committee past the session's
    cut-off, was raised to the Government Office, which follows the Government's tasks, not the Assembly's."""
    request = core_request(target=session(2, 200))
    at_examination = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.EXAMINATION)]), TODAY - timedelta(days=1))
    state = draft.open_draft(at_examination, pinned(at_examination, sessions=[session(2, 200)]), NOW, generation=generation).state
    assert state.stage is S.EXAMINATION
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=S.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code="UBKHCNMT", role=Role.COMMITTEE_CHAIR, official="x",
        new_deadline=state.deadline + timedelta(days=10), reason="chờ báo cáo"), NOW).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=S.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR, official="x"), NOW)
    [conflict] = [e for e in recorded(approved) if e.event is EventKind.POSTPONEMENT_CONFLICT]
    office, level = ("the National Assembly Office", EscalationLevel.VPQH) if generation >= 18 else ("the Government Office", EscalationLevel.VPCP)
    assert conflict.escalation_level is level and conflict.label.endswith(f"{office} resolves it with UBTVQH"), conflict.label
    assert any(f"raised to {office})" in w for w in views.status(approved.state, "w", NOW).warnings)


@pytest.mark.parametrize("generation", [18, 17])
def test_a_session_moved_past_an_approved_date_says_the_conflict_raised_for_it_has_ended(generation):
    """Found by an official's trial: a session moved later, its cut-off now after the approved date, ended the conflict
    the Government Office had been told of, and nothing said so."""
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=1))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200)]), NOW, generation=generation).state
    approved = postponed(state, state.deadline + timedelta(days=20)).state
    assert [e for e in approved.recent if e.event is EventKind.POSTPONEMENT_CONFLICT]
    moved = draft.perform(draft.CALENDAR_CHANGED, approved, SessionCalendar(sessions=(session(2, 260),), changed_by="VPQH"), NOW)
    [rescheduled] = [e for e in recorded(moved) if e.event is EventKind.SESSION_RESCHEDULED]
    ended = "the conflict raised to the Government Office has ended"
    assert (ended in rescheduled.label) == (generation >= 18), rescheduled.label
    assert moved.state.deadline == approved.deadline  # the approved date stands
