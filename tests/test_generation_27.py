"""The twenty-seventh generation (found by a National Assembly Office's trial): a stage entered has its warnings already
past when it is entered pass unraised, but the last while its deadline is ahead, as a draft entered under way has them.
A vote entered afterwards recorded the promulgation's warnings, dated days before legis knew of the vote, past a deadline
already passed; the same vote imported among the start's steps recorded none. Pure: the draft core and its committed
history, no server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import EventKind, Stage
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, core_request, decision, passed_through, pinned
from tests.test_replay import HISTORIES_DIR, load_history, patch_ids
from workflows import draft, generations
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)


def raised(*applied) -> list[tuple[EventKind, str | None]]:
    return [(e.entry.event, e.entry.label) for a in applied for e in a.effects if isinstance(e, Record)
            and e.entry.event in (EventKind.WARNING, EventKind.DEADLINE_PASSED, EventKind.ESCALATION)]


def approved_afterwards(days_ago: int, generation: int = NEWEST_GENERATION):
    """Entered under way at DRAFTING; its drafting's approval entered now, dated `days_ago`: at APPRAISAL (30 days)."""
    request = passed_through(core_request(), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME], TODAY - timedelta(days=days_ago + 10))
    opened = draft.open_draft(request, pinned(request), NOW, generation=generation)
    ready = draft.tick(opened.state, NOW).state
    assert ready.stage is Stage.DRAFTING
    late = decision(request, Stage.DRAFTING).model_copy(update={"occurred_on": TODAY - timedelta(days=days_ago)})
    decided = draft.perform(draft.DECIDE, ready, late, NOW)
    return decided, draft.tick(decided.state, NOW)


def imported(days_ago: int):
    request = passed_through(core_request(), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING], TODAY - timedelta(days=days_ago))
    opened = draft.open_draft(request, pinned(request), NOW, generation=NEWEST_GENERATION)
    return opened, draft.tick(opened.state, NOW)


@pytest.mark.parametrize("days_ago", [48, 27, 20, 3])
def test_a_decision_entered_afterwards_raises_what_the_same_step_imported_raises(days_ago):
    """48 days ago: past the deadline, no warning; 27: the deadline three days ahead, the last warning at once; 20: the 50%
    warning's time passed, raised at once; 3: nothing yet."""
    assert raised(*approved_afterwards(days_ago)) == raised(*imported(days_ago))
    alarms = raised(*approved_afterwards(days_ago))
    expected = {48: [EventKind.DEADLINE_PASSED, EventKind.ESCALATION, EventKind.ESCALATION, EventKind.ESCALATION, EventKind.ESCALATION],
                27: [EventKind.WARNING], 20: [EventKind.WARNING], 3: []}[days_ago]
    assert [kind for kind, _ in alarms] == expected, alarms
    if days_ago == 27:
        assert alarms[0][1] == "5 days before the deadline"
    # Dated alike: the day each fell due, as an alarm raised late is (thirteenth generation).
    dated = [[e.entry.occurred_on for a in route for e in a.effects if isinstance(e, Record) and e.entry.event in (EventKind.WARNING,
              EventKind.DEADLINE_PASSED, EventKind.ESCALATION)] for route in (approved_afterwards(days_ago), imported(days_ago))]
    assert dated[0] == dated[1], dated


def test_the_twenty_sixth_generation_raises_the_warnings_past_as_it_ran():
    assert [kind for kind, _ in raised(*approved_afterwards(48, generation=26))][:3] == [EventKind.WARNING, EventKind.WARNING,
                                                                                       EventKind.DEADLINE_PASSED]


def test_a_stage_reached_past_its_deadline_records_it_passed_not_the_warnings_before_it():
    """Entered today with a deadline already behind it (a cut-off counted back from a session a calendar brought close):
    the deadline passed, not two warnings for a time that had gone."""
    decided, ticked = approved_afterwards(40)
    assert [kind for kind, _ in raised(decided, ticked)][0] is EventKind.DEADLINE_PASSED
    assert draft.tick(ticked.state, NOW + timedelta(hours=1)).effects == []  # nothing twice


def test_the_twenty_seventh_generations_path_has_a_committed_history():
    history = load_history(HISTORIES_DIR / "drafting_approved_afterwards-s53.json")
    assert generations.ENTERED_UNRAISED_PATCH in patch_ids(history.events)
