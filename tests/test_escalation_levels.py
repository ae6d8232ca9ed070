"""The draft core's escalation levels and approved dates against the calendar's changes, without a server: a level
reached is not raised again while the draft stays overdue, and an approved date after the cut-off is raised.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from schemas.calendar import CalendarDay, SessionCalendar, TargetSession, WorkingCalendar, WorkingYear
from schemas.enums import (
    Actor,
    EscalationLevel,
    EventKind,
    ProcessVersion,
    Role,
    Stage,
)
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.refusal import Refused
from schemas.rulebook import edition
from schemas.state import NEWEST_GENERATION, DraftState
from tests.drafts import NOW, answer_postponement, ask_postponement, core_request, core_state, postponed, session
from workflows import draft, sessions
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day, start_of


def escalations_by_level(state: DraftState, steps) -> dict:
    """Apply (now, operation, message) steps in order, with the time's alarms before each; the levels raised, counted."""
    effects = []
    for now, op, message in steps:
        ticked = draft.tick(state, now)
        applied = ticked if op is None else draft.perform(op, ticked.state, message, now)
        effects += ticked.effects + (applied.effects if op is not None else [])
        state = applied.state
    return Counter(e.entry.escalation_level for e in effects if isinstance(e, Record) and e.entry.event is EventKind.ESCALATION)


def ladder_climbed(state: DraftState, days: int = 16) -> tuple[list, DraftState]:
    """The escalation levels raised, in order, over `days` from the day after the deadline (each day's tick an hour in)."""
    assert state.deadline is not None
    levels, now = [], start_of(state.deadline + timedelta(days=1))
    for day in range(days):
        ticked = draft.tick(state, now + timedelta(days=day, hours=1))
        levels += [e.entry.escalation_level for e in ticked.effects if isinstance(e, Record) and e.entry.event is EventKind.ESCALATION]
        state = ticked.state
    return levels, state


@pytest.mark.parametrize("generation,most", [(NEWEST_GENERATION, 1), (2, 2)])
def test_a_postponement_approved_while_overdue_keeps_the_levels_reached(generation, most):
    """Asked the day before the deadline, approved 13 days after its new date (6 days after the old): the old date's
    escalations ran to the Deputy Prime Minister, the new date's last is still ahead. The second generation raised it
    again, as its histories recorded; the third does not."""
    state = core_state(at=Stage.APPRAISAL, generation=generation)
    deadline = state.deadline
    at = lambda days: start_of(deadline + timedelta(days=days)) + timedelta(hours=9)  # noqa: E731
    ask = PostponementRequest(stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="x",
                              new_deadline=deadline + timedelta(days=6), reason="cần thêm thời gian")
    answer = PostponementDecision(stage=Stage.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP",
                                  role=Role.DEPUTY_PRIME_MINISTER, official="x")
    raised = escalations_by_level(state, [(at(-1), draft.REQUEST_POSTPONEMENT, ask), (at(19), draft.DECIDE_POSTPONEMENT, answer),
                                          (at(40), None, None)])
    assert len(raised) == len(state.rulebook.follow_up.escalation) and max(raised.values()) == most, raised


@pytest.mark.parametrize("generation,most", [(NEWEST_GENERATION, 1), (2, 2)])
def test_a_session_moved_while_its_cut_off_stays_missed_keeps_the_levels_reached(generation, most):
    """A draft aimed at an extraordinary session keeps its place when a cut-off is missed, and escalates; the session
    moves 5 days later, its cut-off still past: no level is raised again (the second generation raised them all)."""
    target = TargetSession(legislature=16, session=9, opens_on=local_day(NOW) + timedelta(days=60), extraordinary=True)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target], generation=generation)
    deadline = state.deadline
    assert deadline == sessions.statutory_deadline(state) and sessions.calendar_anchored(state)
    at = lambda days: start_of(deadline + timedelta(days=days)) + timedelta(hours=9)  # noqa: E731
    moved = SessionCalendar(sessions=(target.model_copy(update={"opens_on": target.opens_on + timedelta(days=5)}),), changed_by="VPQH")
    raised = escalations_by_level(state, [(at(20), draft.CALENDAR_CHANGED, moved), (at(40), None, None)])
    assert len(raised) == len(state.rulebook.follow_up.escalation) and max(raised.values()) == most, raised


def test_a_calendar_change_that_moves_the_deadline_twice_keeps_the_levels_reached():
    """One calendar change moves an overdue draft's session so that its cut-off is today (still ahead, for a moment) and
    makes today a rest day, which moves the cut-off back to the working day before: overdue before and after, the draft
    raises no level again."""
    target = TargetSession(legislature=16, session=9, opens_on=local_day(NOW) + timedelta(days=60), extraordinary=True)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    now = start_of(state.deadline + timedelta(days=20)) + timedelta(hours=9)
    today = local_day(now)
    assert today.weekday() == 1, "a Tuesday, whose day before is a working day"
    moved = SessionCalendar(sessions=(target.model_copy(update={"opens_on": today + timedelta(days=45)}),), changed_by="VPQH",
                            working=WorkingCalendar(years=(WorkingYear(year=today.year, announced=True, source="Bộ Nội vụ",
                                                                       days_off=(CalendarDay(day=today, name="nghỉ bù"),)),)))
    raised = escalations_by_level(state, [(now, draft.CALENDAR_CHANGED, moved), (now + timedelta(days=30), None, None)])
    assert len(raised) == len(state.rulebook.follow_up.escalation) and max(raised.values()) == 1, raised


@pytest.mark.parametrize("generation,raised", [(NEWEST_GENERATION, 1), (3, 0)])
def test_a_date_approved_after_the_sessions_cut_off_is_raised_when_approved(generation, raised):
    """Found by a new user: a postponement ten years past the target session was approved and nothing told the Government
    Office. From the fourth generation the approval raises the conflict (the approved date stays in force); the third
    raised it only when the calendar moved, as its histories recorded."""
    target = session(2, 200)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target], generation=generation)
    cutoff = sessions.statutory_deadline(state)
    assert state.deadline == cutoff and sessions.calendar_anchored(state)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=cutoff + timedelta(days=3650), reason="chờ ý kiến các bộ"), NOW).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), NOW)
    conflicts = [e.entry for e in approved.effects if isinstance(e, Record) and e.entry.event is EventKind.POSTPONEMENT_CONFLICT]
    assert len(conflicts) == raised and approved.state.deadline == cutoff + timedelta(days=3650)
    if raised:
        assert conflicts[0].escalation_level.value == "VPCP" and f"after the cut-off {cutoff} for session 16-2" in conflicts[0].label
        assert approved.receipt.events == 2


def test_a_date_approved_before_the_cut_off_raises_nothing():
    """At a stage whose limit counts from its start (APPRAISAL), a postponement is no conflict with the session."""
    state = core_state(at=Stage.APPRAISAL)
    assert not sessions.calendar_anchored(state)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="x",
        new_deadline=state.deadline + timedelta(days=20), reason="cần thêm thời gian"), NOW).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER, official="x"), NOW)
    assert [e.entry.event for e in approved.effects if isinstance(e, Record)] == [EventKind.POSTPONEMENT_DECIDED]


def test_a_conflict_is_resolved_by_the_authority_deciding_again_an_earlier_date_included():
    """Found by a fresh-user trial: with an approved date after the session's cut-off (POSTPONEMENT_CONFLICT), an earlier
    date was refused (`later_than_current`) and no decision could be taken, so the conflict could not be resolved. While
    it stands, a request for another date, earlier ones included, is taken, and its approval ends the conflict."""
    target = session(2, 200)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    cutoff = sessions.statutory_deadline(state)

    def refusal(state, day):
        with pytest.raises(Refused) as refused:
            postponed(state, day)
        return refused.value.field, refused.value.rule, refused.value.message

    # Without a conflict, a postponement is later than the deadline in force.
    field, rule, message = refusal(state, cutoff - timedelta(days=5))
    assert (field, rule) == ("new_deadline", "later_than_current") and "an earlier date only while an approved one" in message
    late = postponed(state, cutoff + timedelta(days=30)).state
    assert sessions.postponement_conflict(late) is not None and any("POSTPONEMENT_CONFLICT" in w for w in views.status(late, "w", NOW).warnings)
    assert refusal(late, cutoff + timedelta(days=30))[1:] == ("later_than_current", f"must be another date than the approved one ({cutoff + timedelta(days=30)})")
    # Before the cut-off, the draft would be late for a sitting whose cut-off is still ahead, and slip (found by a breaker).
    assert refusal(late, cutoff - timedelta(days=5))[:2] == ("new_deadline", "not_before_cutoff")
    resolved = postponed(late, cutoff)
    assert resolved.state.deadline == resolved.state.postponement.deadline == cutoff
    assert sessions.postponement_conflict(resolved.state) is None and resolved.receipt.events == 1
    assert not any("POSTPONEMENT_CONFLICT" in w for w in views.status(resolved.state, "w", NOW).warnings)
    # Decided once the date asked has passed: the deadline passed is recorded for it, and escalated (none was raised for
    # it), where a later date's approval keeps quiet the alarms raised for the date before.
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, late, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=late.lead_ministry, role=Role.MINISTER,
        official="x", new_deadline=cutoff, reason="theo chỉ đạo"), NOW).state
    after = start_of(cutoff + timedelta(days=2)) + timedelta(hours=9)
    decided = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), after)
    assert decided.state.overdue
    alarms = [e.entry.event for e in draft.tick(decided.state, after).effects if isinstance(e, Record)]
    assert EventKind.DEADLINE_PASSED in alarms and EventKind.ESCALATION in alarms, alarms



def test_the_status_says_a_pending_postponement_was_asked_late():
    """Found by a fresh-user trial: `legis status` showed a postponement asked the day before the deadline as any other,
    where its history flags it late (xin lùi sát hạn); the status says so while it awaits its decision."""
    state = core_state(core_request(target=session(2, 200)), at=Stage.GOVERNMENT_DECISION, sessions=[session(2, 200)])
    day_before = start_of(state.deadline - timedelta(days=1)) + timedelta(hours=9)
    for asked_at, late in ((NOW, False), (day_before, True)):
        asked = ask_postponement(state, state.deadline + timedelta(days=10), asked_at).state
        assert views.status(asked, "w", asked_at).pending_postponement_late is late
        assert views.status(answer_postponement(asked, asked_at).state, "w", asked_at).pending_postponement_late is False


@pytest.mark.parametrize("edition_digest", [None, "b78f1db346f5"])
def test_a_stage_the_assembly_decides_escalates_up_the_assembly_s_ladder(edition_digest):
    """Found by an official of the National Assembly Office: a committee's examination running late escalated to the
    Government Office and the Deputy Prime Minister. From editions 2025.7 and 2015.7 a stage may have its own ladder: the
    Assembly's stages climb to the National Assembly Office, then the Standing Committee; a draft that pinned an earlier
    edition keeps the Government's ladder it pinned."""
    target = session(2, 200)
    state = core_state(core_request(target=target), at=Stage.EXAMINATION, sessions=[target])
    if edition_digest is not None:
        state = state.model_copy(update={"rulebook": edition(ProcessVersion.LAW_2025, edition_digest)})
    levels, state = ladder_climbed(state)
    government, assembly = (EscalationLevel.VPCP, EscalationLevel.DEPUTY_PM), (EscalationLevel.VPQH, EscalationLevel.UBTVQH)
    assert levels == [EscalationLevel.RESPONSIBLE_OFFICIAL, EscalationLevel.HEAD_OF_AGENCY, *(government if edition_digest else assembly)]
    assert views.status(state, "w", start_of(state.deadline + timedelta(days=16))).escalated_to is levels[-1]
