"""Found by a re-check: a Government decision entered afterwards for a draft that slipped when its cut-off passed,
as an official reads it (pure core, no server).

Reproduced with the CLI (see the report): a law entered under way at GOVERNMENT_DECISION past the cut-off of 16-2, slipped
to 16-3 (DEADLINE_PASSED "deadline 2026-11-20 passed", SESSION_SLIPPED dated 2026-11-21); then
1. the Government's decision dated 2026-11-17 entered: the draft aims at 16-2 again ("met the deadline 2026-11-20 whose
   passing slipped it"), yet the DECISION entry keeps `deadline` 2027-05-21, 16-3's cut-off, and the board's timeline says
   the decision was "on time, deadline May 21, 2027" (README "Dates of what happened": everything that dates a step reads
   the day it happened; on 2026-11-17 the deadline in force was 2026-11-20, the one the re-aim says it met);
2. with 16-2 moved later after the slip (`legis calendar set-session 16-2 --opens-on 2027-01-20`), the decision dated
   2026-11-25 is aimed at 16-2 again with "met the deadline 2026-12-04 whose passing slipped it", though the history's own
   DEADLINE_PASSED says 2026-11-20 passed and slipped it; 2026-12-04 is the cut-off counted again after the move (README:
   "counted again from the session as the calendar now has it, if it moved"), which slipped nothing.
"""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import SessionCalendar
from schemas.enums import EventKind, Stage
from tests.drafts import NOW, core_request, core_state, decision, session
from workflows import draft, sessions
from workflows.change import Record
from workflows.deadlines import local_day


def recorded(applied, kind: EventKind):
    return [e.entry for e in applied.effects if isinstance(e, Record) and e.entry.event is kind]


def slipped(*later):
    first = session(1, 50)
    request = core_request(target=first)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[first, *later])
    cutoff = state.deadline
    after = draft.tick(state, NOW + timedelta(days=9)).state
    assert after.target.session == 2, after.target
    return request, first, after, cutoff


def in_time(request, day):
    return decision(request, Stage.GOVERNMENT_DECISION).model_copy(update={"occurred_on": day})


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
