"""The twenty-sixth generation (found by a Government Office's trial): a deadline moved is warned at once by its last
warning already past unless that warning was raised, not merely passed unraised, for the deadline before. A draft entered
under way 18 days overdue (its warnings' times passed unraised, its deadline passed and escalations raised at once),
given two days more, was never warned. Pure: the draft core and its committed history, no server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import EventKind, Stage
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, core_request, core_state, passed_through, pinned, postponed
from tests.test_replay import HISTORIES_DIR, audited, load_history, patch_ids
from workflows import draft, generations
from workflows.change import Record
from workflows.deadlines import local_day, start_of

TODAY = local_day(NOW)
LAST_WARNING = "5 days before the deadline"


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
