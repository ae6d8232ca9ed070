"""Found by the Government Office's trial: a Government decision entered afterwards (`occurred_on`) dated before
the cut-off of the session the draft aimed at, entered after the draft had already slipped for that cut-off.

The Government met and decided in time (45 days before session 16-1), the Government Office entered it days later; by
then the draft had recorded DEADLINE_PASSED and SESSION_SLIPPED to 16-2. The decision is taken, the draft stays aimed at
16-2, its examination counted back from 16-2, and its audit trail says the deadline of a stage ended on the 3rd passed on
the 5th and the draft slipped for it, while the deadline report counts the same stage finished on time. Taken, it
aims the draft again at the session whose cut-off it met (twenty-ninth generation)."""

from __future__ import annotations

from datetime import timedelta

from schemas.enums import Actor, EventKind, Outcome, Role, Stage
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, core_request, core_state, decision, session
from workflows import draft
from workflows.change import Record
from workflows.deadlines import local_day


def slipped_at_government_decision(generation: int = NEWEST_GENERATION):
    first, second = session(1, 50), session(2, 200)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, second]).model_copy(update={"generation": generation})
    cutoff = state.deadline
    assert cutoff < local_day(NOW) + timedelta(days=6), cutoff
    # The cut-off passes with no decision known to legis: the draft records the deadline passed and slips to 16-2.
    slipped = draft.tick(state, NOW + timedelta(days=9)).state
    assert slipped.target.session == 2, slipped.target
    return request, slipped, cutoff


def test_a_government_decision_dated_before_the_cutoff_it_met_aims_the_draft_at_that_session_again():
    request, slipped, cutoff = slipped_at_government_decision()
    later = NOW + timedelta(days=9)
    # The Government's decision, taken two days after NOW (before the cut-off), is entered now.
    met = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    draft.validate(draft.DECIDE, slipped, met, later)
    applied = draft.perform(draft.DECIDE, slipped, met, later)
    decided = applied.state
    assert decided.stage is Stage.EXAMINATION and decided.target.session == 1, decided.target
    assert decided.deadline < slipped.target.opens_on - timedelta(days=100), decided.deadline  # counted back from 16-1, not 16-2
    aimed = [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.SESSION_RESCHEDULED]
    assert len(aimed) == 1 and aimed[0].occurred_on == met.occurred_on, aimed
    assert f"met the deadline {cutoff} whose passing slipped it" in (aimed[0].label or ""), aimed


def test_a_decision_dated_after_the_deadline_that_passed_leaves_the_draft_where_it_slipped():
    request, slipped, cutoff = slipped_at_government_decision()
    late = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": cutoff + timedelta(days=1)})
    decided = draft.perform(draft.DECIDE, slipped, late, NOW + timedelta(days=9)).state
    assert decided.stage is Stage.EXAMINATION and decided.target.session == 2, decided.target


def test_a_draft_of_the_twenty_eighth_generation_stays_where_it_slipped():
    request, slipped, _ = slipped_at_government_decision(generation=28)
    met = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": local_day(NOW) + timedelta(days=2)})
    assert draft.perform(draft.DECIDE, slipped, met, NOW + timedelta(days=9)).state.target.session == 2


def test_slipped_twice_a_decision_that_met_the_second_deadline_aims_at_the_second_session():
    first, second, third = session(1, 50), session(2, 120), session(3, 300)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, second, third])
    once = draft.tick(state, NOW + timedelta(days=9)).state
    assert once.target.session == 2
    second_cutoff = once.deadline
    twice = draft.tick(once, NOW + timedelta(days=80)).state
    assert twice.target.session == 3 and len(twice.slipped_here) == 2, twice.slipped_here
    met = decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": second_cutoff - timedelta(days=1)})
    decided = draft.perform(draft.DECIDE, twice, met, NOW + timedelta(days=80)).state
    assert decided.target.session == 2 and decided.slipped_here == (), decided.target


def test_a_withdrawal_entered_afterwards_aims_nowhere():
    request, slipped, _ = slipped_at_government_decision()
    withdrawal = decision(request, Stage.GOVERNMENT_DECISION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER,
                "occurred_on": local_day(NOW) + timedelta(days=2)})
    applied = draft.perform(draft.DECIDE, slipped, withdrawal, NOW + timedelta(days=9))
    assert applied.state.target.session == 2
    assert not [e for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.SESSION_RESCHEDULED]
