"""The thirtieth generation (found by a Government Office's trial): the Prime Minister approved moving GOVERNMENT_DECISION
to a day after the opening of the session the draft aims at (the session was brought forward past it); `legis status`
said "the approved postponement keeps the draft's place until" that day, at a session already sitting. The Government's
decision is due at least 45 days before the session opens (Law 64/2025/QH15 Art. 37(1)): a draft still short of its
session when it opens slips then to the next session announced, the approved date lapsing with it."""

from __future__ import annotations

from datetime import timedelta

from schemas.enums import EventKind, LawKind, Stage
from tests.drafts import core_request, core_state, decision, postponed, session
from workflows import draft, sessions
from workflows.change import next_wake
from workflows.deadlines import start_of
from workflows.draft_views import alarm_summary


def _approved_after_opening(generation: int = 30, *, later: bool = True, law_kind: LawKind = LawKind.NEW_LAW):
    first, second = session(1, 80), session(2, 250)
    request = core_request(target=first, law_kind=law_kind)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, second] if later else [first], generation=generation)
    state = postponed(state, first.opens_on + timedelta(days=20)).state  # the Prime Minister's date, after the opening
    assert state.target.code == first.code and state.deadline > first.opens_on
    return state, first, second


def test_a_draft_not_yet_decided_by_the_government_slips_when_its_session_opens():
    state, first, second = _approved_after_opening()
    opening, woken = start_of(first.opens_on), state
    for _ in range(10):  # the alarms of the approved date due before the opening come first
        wake = next_wake(woken)
        if wake is None or wake.opening or wake.at >= opening:
            break
        woken = draft.tick(woken, wake.at).state
    assert wake is not None and wake.opening and wake.at == opening, wake
    assert alarm_summary(woken, wake).startswith(f"session {first.code} opens: the draft slips to the next unless it has moved on")
    assert draft.tick(state, opening - timedelta(minutes=1)).state.target.code == first.code  # not before it opens
    applied = draft.tick(state, opening + timedelta(hours=9))
    opened = applied.state
    assert (opened.stage, opened.target.code, opened.postponement) == (Stage.GOVERNMENT_DECISION, second.code, None)
    assert opened.deadline == sessions.statutory_deadline(opened) and opened.deadline < second.opens_on
    [slipped] = [e.entry for e in applied.effects if getattr(e, "entry", None) is not None and e.entry.event is EventKind.SESSION_SLIPPED]
    assert slipped.event is EventKind.SESSION_SLIPPED and slipped.occurred_on is None and slipped.deadline == opened.deadline
    assert slipped.label == (f"slipped from session {first.code} (opens {first.opens_on}) to {second.code} (opens {second.opens_on}): it "
                             f"opened with the draft at GOVERNMENT_DECISION; the date {state.postponement.deadline} approved by PM lapses "
                             "with it")
    assert next_wake(opened) is None or not next_wake(opened).opening or next_wake(opened).at == start_of(second.opens_on)


def test_a_slip_seen_days_after_the_opening_says_the_day_it_opened():
    state, first, second = _approved_after_opening()
    applied = draft.tick(state, start_of(first.opens_on + timedelta(days=6)) + timedelta(hours=9))
    slipped = [e.entry for e in applied.effects if getattr(e, "entry", None) is not None and e.entry.event is EventKind.SESSION_SLIPPED]
    assert [e.occurred_on for e in slipped] == [first.opens_on] and applied.state.target.code == second.code


def test_with_no_later_session_announced_the_draft_keeps_its_place_and_sets_no_timer_for_the_opening():
    state, first, _ = _approved_after_opening(later=False)
    assert sessions.opened_without(state) is None and not (next_wake(state) and next_wake(state).opening)
    assert draft.tick(state, start_of(first.opens_on) + timedelta(hours=9)).state.target.code == first.code


def test_a_draft_of_the_twenty_ninth_generation_keeps_its_place_until_its_approved_date_as_it_ran():
    state, first, _ = _approved_after_opening(29)
    assert sessions.opened_without(state) is None
    assert draft.tick(state, start_of(first.opens_on) + timedelta(hours=9)).state.target.code == first.code


def test_a_draft_the_government_decided_keeps_its_place_at_the_assemblys_stages():
    """The Standing Committee, which sets the session's agenda, approves a date past its opening on the Assembly's side."""
    state, first, _ = _approved_after_opening()
    decided_at = start_of(first.opens_on - timedelta(days=5)) + timedelta(hours=9)
    moved = draft.perform(draft.DECIDE, state, decision(state.request, Stage.GOVERNMENT_DECISION), decided_at).state
    assert moved.stage is Stage.EXAMINATION and sessions.opened_without(moved) is None


def test_an_ordinance_adopted_by_the_standing_committee_does_not_slip_when_the_session_opens():
    first, second = session(1, 80), session(2, 250)
    state = core_state(core_request(target=first, law_kind=LawKind.ORDINANCE), at=Stage.STANDING_COMMITTEE_OPINION, sessions=[first, second])
    assert sessions.opened_without(state) is None


def test_the_thirtieth_generations_path_has_a_committed_history():
    """Recorded by `tests.record_histories` (`tests.scenario_slip_at_opening`); it replays in `tests.test_replay`."""
    from temporalio.api.enums.v1 import EventType

    from tests.test_replay import HISTORIES_DIR, load_history, patch_ids
    from workflows.generations import SLIP_AT_OPENING_PATCH

    events = load_history(HISTORIES_DIR / "slipped_when_it_opened-s56.json").events
    assert SLIP_AT_OPENING_PATCH in patch_ids(events)
    summaries = [e.user_metadata.summary.data.decode() for e in events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    assert any("opens: the draft slips to the next unless it has moved on" in s for s in summaries), summaries
