"""Seventeenth generation: an alarm raised late is dated no earlier than the day its stage began, nor than the day its
deadline was set.

Found by a fresh-user trial: a session brought forward put the Government's decision's cut-off behind a draft still at
appraisal; when the draft reached that stage days later, its deadline passed and its slip said the cut-off's day, so that
the audit trail (and the board's timeline) read as the draft late at a stage it had not yet reached."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import EventKind, ProgrammeChangeKind, Stage
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, decision, passed_through, pinned, programme_change, session
from workflows import draft
from workflows.change import Record
from workflows.deadlines import local_day

S = Stage
TODAY = local_day(NOW)


def at_review(generation: int):
    """A law entered at GOVERNMENT_REVIEW, its last step 3 days ago, aimed at session 16-2 (30 days ahead: the Government's
    decision's cut-off, 45 days before the opening, passed 15 days ago), with 16-3 announced 200 days ahead."""
    request = core_request(target=session(2, 30))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_REVIEW)]), TODAY - timedelta(days=3))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 30), session(3, 200)]), NOW, generation=generation).state
    assert state.stage is S.GOVERNMENT_REVIEW and not state.overdue
    return request, state


def raised_on_reaching_the_decision(generation: int, reached_days_ago: int | None):
    """What the draft records once the review's approval (dated `reached_days_ago`, or none: today) takes it to the
    Government's decision, whose cut-off has passed."""
    request, state = at_review(generation)
    approval = decision(request, S.GOVERNMENT_REVIEW)
    if reached_days_ago is not None:
        approval = approval.model_copy(update={"occurred_on": TODAY - timedelta(days=reached_days_ago)})
    reached = draft.perform(draft.DECIDE, state, approval, NOW, None).state
    assert reached.stage is S.GOVERNMENT_DECISION and reached.deadline == TODAY - timedelta(days=15)
    ticked = draft.tick(reached, NOW)
    return reached, [e.entry for e in ticked.effects if isinstance(e, Record)], ticked.state


@pytest.mark.parametrize("generation", [17, 16])
def test_reaching_a_stage_whose_cut_off_has_passed_is_late_from_the_day_it_was_reached(generation):
    reached, raised, after = raised_on_reaching_the_decision(generation, 2)
    assert [e.event for e in raised][0] is EventKind.DEADLINE_PASSED and raised[-1].event is EventKind.SESSION_SLIPPED
    assert after.target.code == "16-3"
    expected = TODAY - timedelta(days=2) if generation >= 17 else reached.deadline + timedelta(days=1)
    assert {e.occurred_on for e in raised} == {expected}, [(e.event, e.occurred_on) for e in raised]


def test_reaching_it_today_records_its_alarms_as_happening_today():
    _, raised, _ = raised_on_reaching_the_decision(17, None)
    assert raised and all(e.occurred_on is None and e.at == NOW for e in raised), [(e.event, e.occurred_on) for e in raised]


def test_a_stage_begun_before_its_cut_off_passed_still_says_the_cut_off_s_day():
    """The fifteenth generation's case, unchanged: a draft entered at the stage 40 days ago, its cut-off passed since."""
    request = core_request(target=session(2, 30))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=40))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 30), session(3, 200)]), NOW, generation=17).state
    raised = [e.entry for e in draft.tick(state, NOW).effects if isinstance(e, Record)]
    assert [e.occurred_on for e in raised] == [state.deadline + timedelta(days=1)] * 2


@pytest.mark.parametrize("how", ["session-brought-forward", "deferred-to-an-extraordinary-session"])
def test_an_alarm_is_not_dated_before_the_change_that_put_its_deadline_behind_the_draft(how):
    """Found by a breaker: a draft 40 days at the Government's decision, aimed at an extraordinary session (which keeps
    its place: no slip), whose cut-off a calendar or programme change today put 10 days behind it, recorded its deadline
    passed and escalations up to the Government Office dated before anybody moved anything."""
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(S.GOVERNMENT_DECISION)]), TODAY - timedelta(days=40))
    if how == "session-brought-forward":
        extraordinary = TargetSession(legislature=16, session=2, opens_on=TODAY + timedelta(days=200), extraordinary=True)
        entered = entered.model_copy(update={"target_session": extraordinary})
        state = draft.open_draft(entered, pinned(entered, sessions=[extraordinary]), NOW, generation=17).state
        forward = extraordinary.model_copy(update={"opens_on": TODAY + timedelta(days=35)})
        changed = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(forward,), changed_by="VPQH"), NOW)
    else:
        extraordinary = TargetSession(legislature=16, session=9, opens_on=TODAY + timedelta(days=35), extraordinary=True)
        state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200), extraordinary]), NOW, generation=17).state
        changed = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=extraordinary), NOW)
    assert changed.state.target.extraordinary and changed.state.deadline < TODAY
    raised = [e.entry for e in draft.tick(changed.state, NOW).effects if isinstance(e, Record)]
    assert raised and all(e.occurred_on is None for e in raised), [(e.event, e.occurred_on) for e in raised]
