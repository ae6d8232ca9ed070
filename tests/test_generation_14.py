"""What the fourteenth generation checks and records, in the draft core without a server: an approved date's conflict
with its sitting lasts while the sitting's cut-off is ahead, and a decision entered afterwards is not dated before a
postponement asked or decided at its stage. The thirteenth generation did neither, as its histories say."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar
from schemas.enums import EventKind, ProgrammeChangeKind, Stage
from schemas.refusal import Refused
from schemas.state import NEWEST_GENERATION
from tests.drafts import (
    NOW,
    answer_postponement,
    ask_postponement,
    core_request,
    core_state,
    decision,
    postponed,
    programme_change,
    session,
    with_day_off,
)
from workflows import draft, generations, sessions
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day, start_of


def at_government_decision(generation: int = NEWEST_GENERATION):
    request = core_request(target=session(2, 200))
    return request, core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session], generation=generation)


def bounded_from_14(generation: int, op: draft.Operation, state, message, now, *, taken_to: Stage) -> Refused | None:
    """The thirteenth generation takes `message` (the draft goes to `taken_to`): None; the fourteenth refuses it,
    `not_before_postponement`: the refusal."""
    if generation == 13:
        assert draft.perform(op, state, message, now).state.stage is taken_to
        return None
    with pytest.raises(Refused) as refused:
        draft.validate(op, state, message, now)
    assert (refused.value.field, refused.value.rule) == ("occurred_on", "not_before_postponement")
    return refused.value


def recorded(applied, kind: EventKind | None = None) -> list:
    return [e.entry for e in applied.effects if isinstance(e, Record) and (kind is None or e.entry.event is kind)]


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 14, 13])
def test_a_conflict_ends_when_its_cutoff_has_passed(generation):
    """Found by a fresh-user trial: a session brought forward past its cut-off, while an approved date after it stood,
    raised the conflict once more, and every later approval raised it again, with a warning that the Government Office
    could still resolve it, which no date could (`not_in_past`). From the fourteenth generation a conflict lasts while
    its cut-off is ahead; the draft keeps the approved date and slips if that passes too, as the status says."""
    request, state = at_government_decision(generation)
    target, cutoff = request.target_session, sessions.statutory_deadline(state)
    late = postponed(state, cutoff + timedelta(days=30))
    assert [e.event for e in recorded(late)] == [EventKind.POSTPONEMENT_DECIDED, EventKind.POSTPONEMENT_CONFLICT]
    forward = target.model_copy(update={"opens_on": local_day(NOW) + timedelta(days=20)})
    moved = draft.perform(draft.CALENDAR_CHANGED, late.state, SessionCalendar(sessions=(forward,), changed_by="VPQH"), NOW)
    assert sessions.passes_at(sessions.statutory_deadline(moved.state)) <= NOW and moved.state.target == forward
    raised = recorded(moved, EventKind.POSTPONEMENT_CONFLICT)
    warnings = views.status(moved.state, "w", NOW).warnings
    # From the thirtieth, a date past the session's opening keeps the draft's place only until the opening.
    slips = f"slips when session {forward.code} opens on {forward.opens_on}" if generation >= 30 else "slips if that date passes too"
    stands = [w for w in warnings if "has passed: the approved date" in w and slips in w]
    conflict = [w for w in warnings if "POSTPONEMENT_CONFLICT" in w]
    again = postponed(moved.state, cutoff + timedelta(days=40))
    if generation == 13:
        assert len(raised) == 1 and len(stands) == 1 and len(conflict) == 1 and again.receipt.events == 2
        return
    assert raised == [] and len(stands) == 1 and conflict == [], warnings
    # A later date approved is recorded, and raises nothing to the Government Office; the draft keeps its session.
    assert again.receipt.events == 1 and again.state.deadline == cutoff + timedelta(days=40) and again.state.target == forward
    assert sessions.postponement_conflict(again.state, NOW) is None and not any("POSTPONEMENT_CONFLICT" in w for w in views.status(again.state, "w", NOW).warnings)


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 14, 13])
def test_a_decision_entered_afterwards_is_not_dated_before_a_postponement_at_its_stage(generation):
    """Found by a fresh-user trial: the Government's decision dated 1 December was taken after a postponement of the same
    stage asked on the 5th, and the report counted the postponement of a stage that, by the record, had ended."""
    request, state = at_government_decision(generation)
    later = NOW + timedelta(days=5)
    asked = ask_postponement(state, state.deadline + timedelta(days=10), later).state
    before = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    if (refused := bounded_from_14(generation, draft.DECIDE, asked, before, later, taken_to=Stage.EXAMINATION)) is None:
        return
    assert f"asked or decided on {local_day(later)}" in refused.message
    on_the_day = before.model_copy(update={"occurred_on": local_day(later)})
    decided = draft.perform(draft.DECIDE, asked, on_the_day, later).state
    assert decided.stage is Stage.EXAMINATION and decided.postponed_here_on is None  # a new stage: nothing postponed there yet


def test_a_postponement_entered_afterwards_does_not_lower_the_bound():
    """Found by a breaker: a second postponement entered as asked on the 3rd and decided on the 4th, after one decided on
    the 11th, lowered the bound, and the stage's decision dated the 5th was taken."""
    request, state = at_government_decision()
    day10, day12 = NOW + timedelta(days=10), NOW + timedelta(days=12)
    first = postponed(state, state.deadline + timedelta(days=1), day10).state
    assert first.postponed_here_on == local_day(day10)
    second = ask_postponement(first, first.deadline + timedelta(days=1), day12, occurred_on=local_day(NOW) + timedelta(days=2)).state
    second = answer_postponement(second, day12, occurred_on=local_day(NOW) + timedelta(days=3)).state
    assert second.postponed_here_on == local_day(day10)
    early = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=4)})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, second, early, day12)
    assert refused.value.rule == "not_before_postponement"


def test_a_postponement_asked_is_not_dated_before_one_already_recorded_at_its_stage():
    """Found by a Government Office's trial: a request entered as asked on the 2nd was taken after one asked and refused on
    the 3rd, so that the record showed two requests at once. New input only: the draft's validator asks it."""
    _, state = at_government_decision()
    day5 = NOW + timedelta(days=5)
    asked = ask_postponement(state, state.deadline + timedelta(days=10), day5, occurred_on=local_day(NOW) + timedelta(days=3)).state
    refused = answer_postponement(asked, day5, approved=False, occurred_on=local_day(NOW) + timedelta(days=3)).state
    assert refused.postponed_here_on == local_day(NOW) + timedelta(days=3) and refused.pending_postponement is None
    earlier = ask_postponement(refused, state.deadline + timedelta(days=9), day5).state  # undated: today, after it
    assert earlier.pending_postponement is not None
    dated = earlier.pending_postponement.model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    with pytest.raises(Refused) as caught:
        draft.validate(draft.REQUEST_POSTPONEMENT, refused, dated, day5)
    assert (caught.value.field, caught.value.rule) == ("occurred_on", "not_before_postponement"), caught.value
    draft.validate(draft.REQUEST_POSTPONEMENT, refused, dated.model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=3)}), day5)


def test_rest_days_that_put_the_cutoff_in_the_past_do_not_record_the_conflict_resolved():
    """Found by a breaker: with a conflict standing on its cut-off's own day, that day made a day off moved the cut-off to
    the day before, passed, and the draft recorded that the approved date "no longer falls after it", which it does."""
    _, state = at_government_decision()
    cutoff = sessions.statutory_deadline(state)
    on_the_day = start_of(cutoff) + timedelta(hours=9)
    late = postponed(state, cutoff + timedelta(days=30), on_the_day)
    assert recorded(late, EventKind.POSTPONEMENT_CONFLICT)
    calendar = SessionCalendar(sessions=late.state.sessions, working=with_day_off(late.state.working, cutoff), changed_by="VPCP")
    moved = draft.perform(draft.CALENDAR_CHANGED, late.state, calendar, on_the_day + timedelta(hours=1))
    assert sessions.statutory_deadline(moved.state) < cutoff < moved.state.deadline
    labels = [e.label or "" for e in recorded(moved)]
    assert not any("no longer falls after it" in label for label in labels) and not recorded(moved, EventKind.POSTPONEMENT_CONFLICT), labels
    assert any("has passed: the approved date" in w for w in views.status(moved.state, "w", on_the_day + timedelta(hours=1)).warnings)


def test_a_state_carried_from_the_thirteenth_generation_takes_up_the_postponement_at_its_stage():
    """Found by a breaker: a state carried into a run of the fourteenth generation kept no bound, so a decision dated
    before a postponement asked at its stage under the thirteenth was taken; it is read from the state's recent events."""
    request, state = at_government_decision(generation=13)
    day10 = NOW + timedelta(days=10)
    asked = postponed(state, state.deadline + timedelta(days=1), day10).state
    assert asked.postponed_here_on is None
    carried = generations.carried_into(asked, 14)
    assert carried.generation == 14 and carried.postponed_here_on == local_day(day10)
    early = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, carried, early, day10 + timedelta(days=1))
    assert refused.value.rule == "not_before_postponement"
    assert generations.carried_into(asked, 13) is asked


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 14, 13])
def test_a_withdrawal_from_the_programme_is_not_dated_before_a_postponement_at_its_stage(generation):
    """Found by a breaker: the Standing Committee's withdrawal dated the 3rd ended a stage whose deadline the Prime
    Minister moved on the 11th. A deferral so dated is taken: the stage stays open."""
    _, state = at_government_decision(generation)
    day10 = NOW + timedelta(days=10)
    approved = postponed(state, state.deadline + timedelta(days=1), day10).state
    withdraw = programme_change(ProgrammeChangeKind.WITHDRAW).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    if bounded_from_14(generation, draft.CHANGE_PROGRAMME, approved, withdraw, day10, taken_to=Stage.WITHDRAWN) is None:
        return
    later = session(3, 380)
    deferred = programme_change(ProgrammeChangeKind.DEFER, to_session=later).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    kept = draft.perform(draft.CHANGE_PROGRAMME, approved, deferred, day10).state
    assert kept.stage is Stage.GOVERNMENT_DECISION and kept.target.code == later.code


def test_a_standing_conflict_says_the_authority_that_approved_the_date_decides_again():
    """Found by a fresh-user trial: the status said the draft kept its sitting only if "the Government Office resolves
    it", for a date the Standing Committee had approved; the authority that approved it decides again (README), the
    Government Office is told (the event's escalation level). A query's text only: nothing recorded changes."""
    _, state = at_government_decision()
    late = postponed(state, sessions.statutory_deadline(state) + timedelta(days=30))
    approver = late.state.postponement.approved_by.value
    [said] = [w for w in views.status(late.state, "w", NOW).warnings if "POSTPONEMENT_CONFLICT" in w]
    assert f"unless {approver}, who approved it, decides again (POSTPONEMENT_CONFLICT, raised to the Government Office)" in said, said
