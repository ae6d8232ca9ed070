"""The twenty-sixth generation (found by a Government Office's trial): a deadline moved is warned at once by its last
warning already past unless that warning was raised, not merely passed unraised, for the deadline before. A draft entered
under way 18 days overdue (its warnings' times passed unraised, its deadline passed and escalations raised at once),
given two days more, was never warned. A stage warned at all stays covered by what passed before it: its last warning
raised, an earlier one that passed unraised is not raised after it (found by a breaker of the generation before its
release). Pure: the draft core and its committed history, no server."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from schemas.calendar import SessionCalendar
from schemas.enums import Actor, EventKind, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, core_request, core_state, passed_through, pinned, postponed, session, with_day_off
from tests.test_replay import HISTORIES_DIR, audited, load_history, patch_ids
from workflows import draft, generations
from workflows.change import Record
from workflows.deadlines import local_day, start_of

TODAY = local_day(NOW)
LAST_WARNING = "5 days before the deadline"


def records(*applied):
    return [e.entry for a in applied for e in a.effects if isinstance(e, Record)]


def kinds(*applied) -> list[EventKind]:
    return [e.entry.event for a in applied for e in a.effects if isinstance(e, Record)]


def entered_overdue(generation: int):
    """At APPRAISAL, entered under way 18 days after its 30 days ended; its alarms due raised."""
    request = passed_through(core_request(), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING], TODAY - timedelta(days=48))
    opened = draft.open_draft(request, pinned(request), NOW, generation=generation)
    entered = draft.tick(opened.state, NOW)
    assert entered.state.stage is Stage.APPRAISAL and entered.state.overdue
    assert EventKind.WARNING not in kinds(opened, entered) and EventKind.ESCALATION in kinds(opened, entered)
    return entered.state


@pytest.mark.parametrize("generation", [25, NEWEST_GENERATION])
def test_a_draft_entered_overdue_and_given_days_is_warned_at_once(generation):
    later = NOW + timedelta(hours=1)
    approved = postponed(entered_overdue(generation), TODAY + timedelta(days=2), later)
    ticked = draft.tick(approved.state, later)
    warnings = [e.entry for a in (approved, ticked) for e in a.effects if isinstance(e, Record) and e.entry.event is EventKind.WARNING]
    assert approved.state.deadline == TODAY + timedelta(days=2) and not approved.state.overdue
    if generation < 26:  # as it ran: the warnings passed unraised at the entry counted as raised for the new date
        assert warnings == []
        return
    [warning] = warnings
    # The last one past, on the day the deadline was set (its alarms are not dated before); the earlier one not raised.
    assert warning.label == LAST_WARNING and warning.occurred_on is None and warning.deadline == TODAY + timedelta(days=2), warning
    assert draft.tick(ticked.state, later + timedelta(hours=1)).effects == []  # not twice


def test_a_postponement_close_to_its_new_date_is_not_warned_twice():
    """The deadline before had its last warning raised: the same warning is not raised again for the new date."""
    state = core_state(at=Stage.APPRAISAL)
    warned_on = state.deadline - timedelta(days=4)
    raised = draft.tick(state, start_of(warned_on)).state
    assert LAST_WARNING in " ".join(raised.fired)
    # A day more: the new date's "5 days before" is past too, the day the old one's was raised.
    approved = postponed(raised, state.deadline + timedelta(days=1), start_of(warned_on) + timedelta(hours=2))
    assert kinds(approved, draft.tick(approved.state, start_of(warned_on) + timedelta(hours=3))) == [EventKind.POSTPONEMENT_DECIDED]


def test_a_state_carried_from_the_twenty_fifth_generation_counts_what_it_marked_raised():
    state = generations.carried_into(entered_overdue(25), NEWEST_GENERATION)
    assert state.generation == NEWEST_GENERATION and state.unraised == ()
    approved = postponed(state, TODAY + timedelta(days=2), NOW + timedelta(hours=1))
    assert EventKind.WARNING not in kinds(approved, draft.tick(approved.state, NOW + timedelta(hours=1)))


def test_the_twenty_sixth_generations_path_has_a_committed_history():
    path = HISTORIES_DIR / "entered_overdue_then_given_days-s52.json"
    assert generations.UNRAISED_WARNINGS_PATCH in patch_ids(load_history(path).events)
    events = [e["event"] for e in audited(path)]
    decided = events.index("POSTPONEMENT_DECIDED")
    assert "WARNING" not in events[:decided] and events[decided + 1:].count("WARNING") == 1, events
    assert events[-1] == "DECISION"


# Found by a breaker: a draft warned "5 days before" whose "50%" passed unraised, its deadline moved a little later.
def warnings_of(*applied) -> list[str]:
    return [e.entry.label for a in applied for e in a.effects if isinstance(e, Record) and e.entry.event is EventKind.WARNING]


def entered_days_before_its_deadline(generation: int, now=NOW, ago: int = 26):
    """At APPRAISAL, entered under way `ago` days after its drafting was approved: the 30 days end a few days ahead, both
    warnings' times passed; the last ("5 days before") raised at entry, the earlier ("50%") passed unraised."""
    request = passed_through(core_request(), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING], local_day(now) - timedelta(days=ago))
    opened = draft.open_draft(request, pinned(request), now, generation=generation)
    entered = draft.tick(opened.state, now)
    assert entered.state.stage is Stage.APPRAISAL and not entered.state.overdue
    assert warnings_of(opened, entered) == ["5 days before the deadline"]
    return entered.state


def test_a_deadline_moved_by_a_rest_day_is_not_warned_again_at_once():
    """README (Alarms): "unless that warning was raised for the deadline before at the stage (a cut-off moved by a day is
    not warned twice)". A draft entered four days before its deadline is warned "5 days before" at entry; the Government
    then makes the deadline a day off, which moves it one day (NEXT_WORKING_DAY). The twenty-fifth generation raised
    nothing; the twenty-sixth raises "50% of the window elapsed" at once (its time passed unraised at entry, and the "5
    days before" one for the new day is a day ahead), a second, out-of-order warning for a deadline one day later."""
    now = NOW - timedelta(days=3)  # 2026-11-28 (Sat): the deadline, 2026-12-02, a Wednesday
    state = entered_days_before_its_deadline(26, now)
    calendar = SessionCalendar(sessions=(state.target,), meetings=state.meetings, working=with_day_off(state.working, state.deadline),
                               changed_by="VPCP")
    moved = draft.receive(draft.CALENDAR_CHANGED, state, calendar, now)
    assert moved.state.deadline == state.deadline + timedelta(days=1)
    assert warnings_of(moved) == [], warnings_of(moved)


def test_a_postponement_of_a_draft_warned_for_its_deadline_is_not_warned_at_once_by_an_earlier_warning():
    """A draft entered three days before its deadline, warned "5 days before" at entry, is given three days more (so that
    the new date's "5 days before" is two days ahead): it was warned for the deadline before, and the twenty-fifth
    generation raised nothing at the approval; the twenty-sixth raises "50% of the window elapsed" at once, below the
    warning it had two days ago, and "5 days before" again two days later."""
    state = entered_days_before_its_deadline(26, NOW, ago=27)
    asked = draft.receive(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=state.stage, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=state.deadline + timedelta(days=3), reason="chờ ý kiến"), NOW)
    approved = draft.receive(draft.DECIDE_POSTPONEMENT, asked.state, PostponementDecision(
        stage=state.stage, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), NOW)
    assert warnings_of(asked, approved) == [], warnings_of(asked, approved)


def test_a_session_brought_forward_then_moved_back_a_few_days_is_not_warned_again_at_once():
    """Not only a draft entered under way: at GOVERNMENT_DECISION (45 days before the session), ten days in, the session
    is brought forward four weeks: the cut-off is ten days ahead, both warnings' times have passed, and the draft is warned
    "5 days before the deadline" at once (the "50%" one passing unraised, `DraftState.unraised`). The session then moves
    five days back, the cut-off a week later: the twenty-fifth generation raised nothing; the twenty-sixth raises "50% of
    the window elapsed" at once, an hour after "5 days before", then "5 days before" again when its day comes."""
    target = session(3, 85)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    now = NOW + timedelta(days=10)
    state = draft.tick(state, now).state
    forward = target.model_copy(update={"opens_on": target.opens_on - timedelta(days=28)})
    brought = draft.receive(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(forward,), changed_by="VPQH"), now)
    assert warnings_of(brought) == ["5 days before the deadline"]
    back = forward.model_copy(update={"opens_on": forward.opens_on + timedelta(days=5)})
    moved = draft.receive(draft.CALENDAR_CHANGED, brought.state, SessionCalendar(sessions=(back,), changed_by="VPQH"), now + timedelta(hours=1))
    assert moved.state.deadline > brought.state.deadline
    assert warnings_of(moved) == [], warnings_of(moved)


def test_a_draft_late_since_2025_told_that_years_days_is_not_said_late_from_today():
    """Found by a re-check: a draft entered under way with a release whose calendar held no 2025 days, due Monday 1
    September 2025 (a holiday it did not know), late and escalated at its entry; told the 2025 days (`legis calendar tell`
    after an upgrade), its deadline is recounted to Wednesday 3 September, and that deadline's passing was dated today,
    fifteen months late. A draft late before its deadline moved has its alarms dated from the deadline's end, as its
    ladder counts."""
    from activities.rulebook import shipped_working_calendar
    from schemas.calendar import WorkingCalendar

    full = shipped_working_calendar()
    before = WorkingCalendar(years=tuple(y for y in full.years if y.year != 2025))  # the release before this one
    request = passed_through(core_request(), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING], date(2025, 8, 1))
    state = draft.tick(draft.open_draft(request, pinned(request, working=before), NOW, generation=NEWEST_GENERATION).state, NOW).state
    assert state.deadline == date(2025, 9, 1) and state.overdue
    told = draft.receive(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(state.target,), meetings=state.meetings, working=full,
                                                                      changed_by="VPCP"), NOW + timedelta(hours=1))
    ticked = draft.tick(told.state, NOW + timedelta(hours=2))
    assert told.state.deadline == date(2025, 9, 3)
    passed = [e.entry for a in (told, ticked) for e in a.effects if isinstance(e, Record) and e.entry.event is EventKind.DEADLINE_PASSED]
    assert [(e.label, e.occurred_on) for e in passed] == [("deadline 2025-09-03 passed", date(2025, 9, 4))]
    assert EventKind.ESCALATION not in kinds(told, ticked)  # the levels reached stay reached


# Found by a breaker: a late draft whose deadline a session brought forward moves earlier keeps the day of the change.
def late_at_government_decision():
    """At GOVERNMENT_DECISION (45 days before session 16-3), its cut-off 2027-01-08 passed and every rung of the
    Government Office's ladder up to VPCP raised (no later session announced: no slip)."""
    target = session(3, 85)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    late = draft.tick(state, NOW + timedelta(days=50))
    assert state.deadline == date(2027, 1, 8) and late.state.overdue and late.state.target == target
    return target, late


def test_a_session_brought_forward_under_a_late_draft_dates_no_alarm_before_the_draft_was_late():
    """The session is brought forward ten days on 2027-01-25 (NOW + 55): the cut-off becomes 2026-12-31, already past. An
    amendment before release dated its passing from the stage's start, 2027-01-01, a week before the draft was late at all,
    and "escalated to DEPUTY_PM" before "escalated to VPCP", the rung below it."""
    target, late = late_at_government_decision()
    first_late = next(e.occurred_on for e in records(late) if e.event is EventKind.DEADLINE_PASSED)
    vpcp_on = next(e.occurred_on for e in records(late) if e.label == "escalated to VPCP")
    assert (first_late, vpcp_on) == (date(2027, 1, 9), date(2027, 1, 16))
    changed_at = NOW + timedelta(days=55)
    forward = target.model_copy(update={"opens_on": target.opens_on - timedelta(days=10)})
    moved = draft.receive(draft.CALENDAR_CHANGED, late.state, SessionCalendar(sessions=(forward,), changed_by="VPQH"), changed_at)
    assert moved.state.deadline == date(2026, 12, 31)
    raised = [(e.label, e.occurred_on) for e in records(moved) if e.event in (EventKind.DEADLINE_PASSED, EventKind.ESCALATION)]
    assert raised, raised
    for label, occurred_on in raised:
        assert occurred_on is None or occurred_on >= first_late, (label, occurred_on, raised)
    deputy_pm = [day or local_day(changed_at) for label, day in raised if label == "escalated to DEPUTY_PM"]
    assert all(day >= vpcp_on for day in deputy_pm), raised
