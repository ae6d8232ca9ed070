"""Found by a breaker of the twenty-ninth generation: the twenty-ninth generation's re-aim of a decision entered afterwards (`Change.aim_again`,
`DraftState.slipped_here`), against slips twice, the calendar changed after a slip, the Standing Committee's deferral, a
withdrawal, and a draft of the twenty-eighth generation renewed into the twenty-ninth. Pure core, no server."""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import SessionCalendar
from schemas.enums import Actor, EventKind, Outcome, ProgrammeChangeKind, Role, Stage
from schemas.messages import Decision
from tests.drafts import NOW, core_request, core_state, decision, programme_change, session
from workflows import draft, sessions
from workflows.change import Record
from workflows.deadlines import local_day
from workflows.generations import carried_into


def recorded(applied, kind: EventKind):
    return [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is kind]


def slipped(*later, generation: int | None = None):
    """A law at GOVERNMENT_DECISION aimed at 16-1 (opening in 50 days), slipped to 16-2 when its cut-off passed."""
    first = session(1, 50)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, *later])
    if generation is not None:
        state = state.model_copy(update={"generation": generation})
    cutoff = state.deadline
    after = draft.tick(state, NOW + timedelta(days=9)).state
    assert after.target.session == 2, after.target
    return request, first, after, cutoff


def in_time(request, day):
    return decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": day})


def test_slipped_twice_a_decision_that_met_the_second_cutoff_aims_at_the_second_session():
    """Slipped from 16-1 (cut-off A), then from 16-2 (cut-off B) to 16-3: a decision dated after A but on or before B met
    16-2's cut-off, so by the generation's own rule it aims at 16-2 again; it stays at 16-3 (slipped_here keeps only the
    first slip's deadline)."""
    request, _, once, _ = slipped(session(2, 80), session(3, 200))
    second_cutoff = once.deadline
    twice = draft.tick(once, NOW + timedelta(days=(second_cutoff - local_day(NOW)).days + 3)).state
    assert twice.target.session == 3, twice.target
    met = in_time(request, second_cutoff - timedelta(days=1))
    decided = draft.perform(draft.DECIDE, twice, met, NOW + timedelta(days=(second_cutoff - local_day(NOW)).days + 4)).state
    assert decided.target.session == 2, f"aimed at {decided.target.code}, though the decision of {met.occurred_on} met 16-2's cut-off {second_cutoff}"


def test_a_session_called_off_after_the_slip_is_not_aimed_at_again():
    """16-1 removed from the calendar after the draft slipped from it: the decision entered afterwards aims the draft at a
    session the calendar no longer has (aim_again falls back to the session as it was recorded)."""
    request, _, after, _ = slipped(session(2, 200))
    second = after.target
    removed = draft.perform(draft.CALENDAR_CHANGED, after, SessionCalendar(sessions=(second,), changed_by="Văn phòng Quốc hội"),
                            NOW + timedelta(days=10)).state
    assert [t.code for t in removed.sessions] == ["16-2"]
    applied = draft.perform(draft.DECIDE, removed, in_time(request, local_day(NOW) + timedelta(days=2)), NOW + timedelta(days=11))
    assert applied.state.target.code == "16-2", f"aimed at {applied.state.target.code}, a session no longer on the calendar"
    assert not recorded(applied, EventKind.SESSION_RESCHEDULED)


def test_a_session_brought_forward_after_the_slip_is_aimed_at_only_if_its_cutoff_as_counted_now_was_met():
    """16-1 brought forward 20 days after the slip: its cut-off for the Government's decision is now 2026-11-16, counted as the
    calendar has it; a decision dated 2026-12-03 missed it, yet the draft is aimed at 16-1 again, its event saying the decision
    'met the deadline 2026-12-04' (the cut-off of the session as it opened before the move)."""
    request, first, after, _ = slipped(session(2, 200))
    earlier = first.model_copy(update={"opens_on": first.opens_on - timedelta(days=20)})
    moved = draft.perform(draft.CALENDAR_CHANGED, after, SessionCalendar(sessions=(earlier, after.target), changed_by="Văn phòng Quốc hội"),
                          NOW + timedelta(days=10)).state
    cutoff_now = sessions.statutory_deadline(moved.model_copy(update={"target": earlier}))
    met = in_time(request, local_day(NOW) + timedelta(days=2))
    assert cutoff_now < met.occurred_on, cutoff_now
    decided = draft.perform(draft.DECIDE, moved, met, NOW + timedelta(days=11)).state
    assert decided.target.code == "16-2", (f"aimed at 16-1 (opens {decided.target.opens_on}) though the decision of {met.occurred_on} "
                                           f"is after its cut-off as counted now, {cutoff_now}")


def test_the_standing_committees_deferral_after_the_slip_is_not_overridden():
    """After the slip the Standing Committee defers the draft to 16-3 (PROGRAMME_CHANGED); the Government's decision, dated
    before the slip and entered after the deferral, aims the draft back at 16-1, undoing the programme change."""
    third = session(3, 380)
    request, _, after, _ = slipped(session(2, 200), third)
    deferred = draft.perform(draft.CHANGE_PROGRAMME, after, programme_change(ProgrammeChangeKind.DEFER, to_session=third),
                             NOW + timedelta(days=10)).state
    assert deferred.target.code == "16-3"
    applied = draft.perform(draft.DECIDE, deferred, in_time(request, local_day(NOW) + timedelta(days=2)), NOW + timedelta(days=11))
    assert applied.state.target.code == "16-3", f"the Standing Committee deferred it to 16-3; legis aimed it at {applied.state.target.code}"


def test_a_withdrawal_entered_afterwards_does_not_aim_the_withdrawn_draft_at_a_session():
    """The Government's withdrawal, dated before the cut-off, entered after the slip: the trail of the withdrawn draft ends
    with 'aimed at session 16-1 ... again', as if it still went to a session."""
    _, _, after, _ = slipped(session(2, 200))
    withdrawal = Decision(stage=Stage.GOVERNMENT_DECISION, outcome=Outcome.WITHDRAW, actor=Actor.GOVERNMENT, agency_code="CP",
                          role=Role.PRIME_MINISTER, official="Thủ tướng", reasons="rút dự án",
                          occurred_on=local_day(NOW) + timedelta(days=2))
    applied = draft.perform(draft.DECIDE, after, withdrawal, NOW + timedelta(days=10))
    assert applied.state.stage is Stage.WITHDRAWN
    assert not recorded(applied, EventKind.SESSION_RESCHEDULED), [e.label for e in recorded(applied, EventKind.SESSION_RESCHEDULED)]


def test_a_draft_of_the_twenty_eighth_generation_renewed_into_the_twenty_ninth_takes_up_its_slip():
    """A draft that slipped under generation 28 and is renewed (`legis renew`: the state carried into 29, `carried_into`) has
    no slipped_here: its trail holds the DEADLINE_PASSED and SESSION_SLIPPED of this stage, as the fourteenth and
    twenty-fourth generations read postponed_here_on and latest back from it; the Government's decision dated in time,
    entered after the renewal, leaves it a session later."""
    request, _, after, _ = slipped(session(2, 200), generation=28)
    renewed = carried_into(after, 29)
    assert renewed.generation == 29
    decided = draft.perform(draft.DECIDE, renewed, in_time(request, local_day(NOW) + timedelta(days=2)), NOW + timedelta(days=10)).state
    assert decided.target.code == "16-1", f"renewed into 29, still aimed at {decided.target.code}"


# Found by a re-check, as an official reads the history:
# Reproduced with the CLI (see the report): a law entered under way at GOVERNMENT_DECISION past the cut-off of 16-2, slipped
# to 16-3 (DEADLINE_PASSED "deadline 2026-11-20 passed", SESSION_SLIPPED dated 2026-11-21); then
# 1. the Government's decision dated 2026-11-17 entered: the draft aims at 16-2 again ("met the deadline 2026-11-20 whose
#    passing slipped it"), yet the DECISION entry keeps `deadline` 2027-05-21, 16-3's cut-off, and the board's timeline says
#    the decision was "on time, deadline May 21, 2027" (README "Dates of what happened": everything that dates a step reads
#    the day it happened; on 2026-11-17 the deadline in force was 2026-11-20, the one the re-aim says it met);
# 2. with 16-2 moved later after the slip (`legis calendar set-session 16-2 --opens-on 2027-01-20`), the decision dated
#    2026-11-25 is aimed at 16-2 again with "met the deadline 2026-12-04 whose passing slipped it", though the history's own
#    DEADLINE_PASSED says 2026-11-20 passed and slipped it; 2026-12-04 is the cut-off counted again after the move (README:
#    "counted again from the session as the calendar now has it, if it moved"), which slipped nothing.
def test_the_decision_that_re_aimed_the_draft_is_recorded_against_the_deadline_it_met():
    request, _, after, cutoff = slipped(session(2, 200))
    met = in_time(request, local_day(NOW) + timedelta(days=2))
    assert met.occurred_on <= cutoff
    applied = draft.perform(draft.DECIDE, after, met, NOW + timedelta(days=10))
    assert applied.state.target.session == 1
    entry = recorded(applied, EventKind.DECISION)[0]
    assert entry.deadline == cutoff, (
        f"the decision of {met.occurred_on}, which re-aimed the draft at 16-1 because it met {cutoff}, is recorded (and shown "
        f"on the board as 'on time, deadline ...') against {entry.deadline}, the cut-off of 16-2 it no longer aims at")


def test_the_re_aim_after_a_move_does_not_say_the_recounted_cutoff_slipped_the_draft():
    request, first, after, cutoff = slipped(session(2, 200))
    later = first.model_copy(update={"opens_on": first.opens_on + timedelta(days=14)})
    moved = draft.perform(draft.CALENDAR_CHANGED, after, SessionCalendar(sessions=(later, after.target), changed_by="VPQH"),
                          NOW + timedelta(days=10)).state
    recounted = sessions.statutory_deadline(moved.model_copy(update={"target": later}))
    assert recounted > cutoff
    met = in_time(request, cutoff + timedelta(days=1))
    assert met.occurred_on <= recounted
    applied = draft.perform(draft.DECIDE, moved, met, NOW + timedelta(days=11))
    assert applied.state.target.session == 1
    labels = [e.label or "" for e in recorded(applied, EventKind.SESSION_RESCHEDULED)]
    assert labels, "not re-aimed"
    wrong = f"the deadline {recounted.isoformat()} whose passing slipped it"
    assert not any(wrong in label for label in labels), (
        f"{labels}: the deadline whose passing slipped the draft was {cutoff} (its DEADLINE_PASSED); {recounted} is the "
        "cut-off counted again after the move")
