"""A National Assembly Office's trial: a two-session law debated at 16-2 is, as the README says, aimed at the next
announced *regular* session, 16-3 ("an extraordinary one takes the drafts the Standing Committee puts on it, by a
programme change, DEFER with its to_session"; `sessions.goes_to`, twentieth generation, found by a committee official's
trial: "a two-session law debated at 16-2 was aimed at 16-E1"). When 16-3 is then brought forward so that the revision's
cut-off has passed, the draft slips, by the calendar alone, onto the extraordinary session 16-E1, which nobody put it
on, rather than to the next regular session 16-4: the slip (`sessions.session_to_slip_to`) takes any session, and so
undoes the after-debate rule."""

from __future__ import annotations

from datetime import date, datetime

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import SessionProcedure, Stage
from tests.drafts import core_request, core_state
from workflows import draft
from workflows.deadlines import VIETNAM

S2 = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20))
S3 = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
E1 = TargetSession(legislature=16, session=1, opens_on=date(2027, 12, 1), extraordinary=True)
S4 = TargetSession(legislature=16, session=4, opens_on=date(2028, 5, 20))


def test_a_law_between_its_sessions_does_not_slip_onto_an_extraordinary_session_by_the_calendar_alone():
    state = core_state(core_request(procedure=SessionProcedure.TWO_SESSIONS), at=Stage.INTER_SESSION_REVISION, sessions=(S2, S3, E1, S4))
    assert state.target.code == "16-3"  # after its debate at 16-2: the next regular session, not 16-E1
    brought_forward = S3.model_copy(update={"opens_on": date(2027, 8, 25)})
    state = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(S2, brought_forward, E1, S4), changed_by="VPQH"),
                          datetime(2027, 7, 20, 9, 0, tzinfo=VIETNAM)).state
    assert state.target.code == "16-4", state.target.code


def test_a_draft_of_the_thirtieth_generation_slips_as_it_did():
    state = core_state(core_request(procedure=SessionProcedure.TWO_SESSIONS), at=Stage.INTER_SESSION_REVISION, sessions=(S2, S3, E1, S4))
    state = state.model_copy(update={"generation": 30})
    brought_forward = S3.model_copy(update={"opens_on": date(2027, 8, 25)})
    state = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(S2, brought_forward, E1, S4), changed_by="VPQH"),
                          datetime(2027, 7, 20, 9, 0, tzinfo=VIETNAM)).state
    assert state.target.code == "16-E1"
