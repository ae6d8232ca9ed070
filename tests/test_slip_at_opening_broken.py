"""Breaker of the thirtieth generation (a draft short of its session slips when it opens; `sessions.opened_without`,
`change.raise_due`, `Change.slip(opened=...)`, `next_wake`'s `Wake.opening`).

Law 64/2025/QH15 Art. 37(1) (rulebook LAW_2025, GOVERNMENT_DECISION): the Government's decision is due 45 days before the
session opens; an approved date past it is the deadline in force (`deadline 2027-... passed` when it passes), and the
audit trail says what happened on which day.
"""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import TargetSession
from schemas.enums import EventKind, Stage
from tests.drafts import NOW, core_request, core_state, decision, postponed, session
from workflows import draft, draft_views
from workflows.deadlines import local_day, passes_at, start_of


def _entries(applied):
    return [e.entry for e in applied.effects if getattr(e, "entry", None) is not None]


def _at_decision(approved_days_after_opening: int):
    first, second = session(1, 80), session(2, 250)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, second])
    cutoff = state.deadline
    state = postponed(state, first.opens_on + timedelta(days=approved_days_after_opening)).state
    return state, cutoff, first, second


def test_an_approved_date_ending_the_eve_of_the_opening_is_recorded_passed_before_the_slip():
    """The Prime Minister's date is the day before the session opens. It passes at Ha Noi midnight, the moment the session
    opens: generation 29 recorded DEADLINE_PASSED (deadline D-1 passed) then the slip; generation 30 breaks out of the
    alarms at the opening (`opened <= alarm.at`), records only the slip, and says the date "lapses" though it passed unmet.
    The deadline's passing is lost from the audit trail."""
    state, _, first, second = _at_decision(-1)
    approved = state.deadline
    assert approved == first.opens_on - timedelta(days=1) and passes_at(approved) == start_of(first.opens_on)
    applied = draft.tick(state, start_of(first.opens_on) + timedelta(hours=9))
    events = [(e.event, e.deadline) for e in _entries(applied)]
    assert applied.state.target.code == second.code
    assert (EventKind.DEADLINE_PASSED, approved) in events, events


def test_a_draft_reaching_the_governments_decision_after_its_session_opened_records_its_cut_off_passed():
    """The Government Office approves the review three days after session 16-1 opened: the draft reaches GOVERNMENT_DECISION
    with its cut-off (45 days before the opening) long passed. Generation 29 recorded DEADLINE_PASSED, then the slip.
    Generation 30 records only "slipped ...: it opened with the draft at GOVERNMENT_DECISION", and no DEADLINE_PASSED: the
    cut-off's passing is lost, and the note says the draft stood at GOVERNMENT_DECISION when the session opened, while it
    stood at GOVERNMENT_REVIEW then (its history says so: the review was approved after the opening)."""
    first, second = session(1, 80), session(2, 250)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_REVIEW, sessions=[first, second])
    after_opening = start_of(first.opens_on + timedelta(days=3)) + timedelta(hours=9)
    applied = draft.receive(draft.DECIDE, state, decision(request, Stage.GOVERNMENT_REVIEW), after_opening)
    entries = _entries(applied)
    assert applied.state.stage is Stage.GOVERNMENT_DECISION and applied.state.target.code == second.code
    assert any(e.event is EventKind.DEADLINE_PASSED for e in entries), [(e.event, e.label) for e in entries]
    [slipped] = [e for e in entries if e.event is EventKind.SESSION_SLIPPED]
    assert "it opened with the draft at GOVERNMENT_DECISION" not in (slipped.label or ""), slipped.label


def test_a_draft_slipped_at_the_opening_to_an_extraordinary_session_is_not_left_aimed_at_it_once_that_one_has_sat():
    """Session 16-1 opens with the draft at GOVERNMENT_DECISION (an approved date past the opening): it slips to the next
    session whose cut-off is ahead, an extraordinary one, 16-E1, called between 16-1 and 16-2. There it neither slips
    when its cut-off passes (`slips_when_missed`) nor when 16-E1 opens (`opened_without` asks a regular session): months
    after 16-E1 opened, the Government still not having decided, the draft is aimed at 16-E1, a session that has sat,
    with 16-2 announced ahead: the very fault the thirtieth generation fixed ("kept a draft the Government had not decided
    aimed at a session already sitting")."""
    first, second = session(1, 80), session(2, 300)
    extra = TargetSession(legislature=16, session=1, extraordinary=True, opens_on=local_day(NOW) + timedelta(days=180))
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, extra, second])
    state = postponed(state, first.opens_on + timedelta(days=20)).state
    state = draft.tick(state, start_of(first.opens_on) + timedelta(hours=9)).state
    assert state.target.code == extra.code  # slipped at 16-1's opening to 16-E1 (its cut-off was ahead then)
    for days in (10, 30, 60):  # 16-E1 has opened and sat; 16-2's cut-off (45 days before it) is still ahead
        now = start_of(extra.opens_on + timedelta(days=days)) + timedelta(hours=9)
        state = draft.tick(state, now).state
        assert state.stage is Stage.GOVERNMENT_DECISION and now.date() < second.opens_on - timedelta(days=45)
    assert state.target.code != extra.code, (state.target, state.deadline)


def test_status_before_the_opening_does_not_promise_the_draft_its_place_until_an_approved_date_past_the_opening():
    """Three days before session 16-1 opens, past its cut-off, with the Prime Minister's date 20 days after the opening:
    `legis status` says "the approved postponement keeps the draft's place until <that date>, then it slips" (the board's
    words), but the draft slips when the session opens, 20 days earlier (generation 30). An official told the draft keeps
    its place until then is told wrong; the line should name the opening, not the approved date."""
    from cli.drafts import next_cutoff_line

    state, _, first, second = _at_decision(20)
    today = first.opens_on - timedelta(days=3)
    now = start_of(today) + timedelta(hours=9)
    state = draft.tick(state, now).state
    assert draft.tick(state, start_of(first.opens_on)).state.target.code == second.code  # it does slip at the opening
    said = next_cutoff_line(draft_views.status(state, "w", now), today)
    assert f"keeps the draft's place until {state.deadline}" not in said, said


def test_status_names_no_next_alarm_after_the_opening_the_draft_slips_at():
    """Same draft: `legis status` says "next alarm: 5 days before the deadline: <4 days before the approved date>", a
    warning due after the opening, which never comes (the draft slips at the opening, the date lapsing); the Web UI's timer
    says the opening (`alarm_summary`)."""
    state, _, first, _ = _at_decision(20)
    now = start_of(first.opens_on - timedelta(days=3)) + timedelta(hours=9)
    state = draft.tick(state, now).state
    view = draft_views.status(state, "w", now)
    assert view.next_alarm is None or view.next_alarm.at <= start_of(first.opens_on), view.next_alarm
