"""Found by a re-check: a conflict that has ended (its session brought forward past the cut-off) is said to end
again at every later calendar change.

Reproduced with the CLI: a law entered under way at GOVERNMENT_DECISION aimed at 16-3 (2027-07-05); the Prime Minister
approves 2027-06-10, after the cut-off 2027-05-21 (POSTPONEMENT_CONFLICT, VPCP); `legis calendar set-session 16-3
--opens-on 2027-01-10 --accept-missed-cutoffs`: event #10 says "... has passed: no approved date can meet it: the conflict
raised to the Government Office has ended" (README, "A draft's long life", twenty-ninth generation). Then `legis calendar
set-session 16-3 --opens-on 2027-01-04` records event #11 saying the conflict "has ended" again, and `legis calendar
set-meeting UBTVQH-70 --on 2026-12-15` (a Standing Committee meeting, which counts for nothing in a law's cut-off at this
stage) records event #12, MEETING_SCHEDULED, "the cut-off now counted, 2026-11-20 (was 2026-11-20, for session 16-3), has
passed: no approved date can meet it: the conflict raised to the Government Office has ended" a third time. The trail
says that a conflict already ended has ended; the README: "A calendar change raises a standing conflict again only when it
changes the conflict ... a Standing Committee meeting announced for a law whose cut-off counts back from the session
raises nothing", and from the fourteenth generation the conflict lasts only while its cut-off is ahead.
"""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import Stage
from schemas.state import NEWEST_GENERATION
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, passed_through, pinned, postponed, session
from workflows import draft, sessions
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)


def ended_by_bringing_forward():
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(Stage.GOVERNMENT_DECISION)]),
                             TODAY - timedelta(days=1))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200)]), NOW, generation=NEWEST_GENERATION).state
    approved = postponed(state, state.deadline + timedelta(days=20)).state
    moved = draft.perform(draft.CALENDAR_CHANGED, approved, SessionCalendar(sessions=(session(2, 40),), changed_by="VPQH"), NOW)
    said = [e.entry.label or "" for e in moved.effects if isinstance(e, Record)]
    assert any("has ended" in label for label in said), said
    assert sessions.postponement_conflict(moved.state, NOW) is None
    return moved.state


def ended_again(applied) -> list[str]:
    return [e.entry.label or "" for e in applied.effects if isinstance(e, Record) and "has ended" in (e.entry.label or "")]


def test_a_meeting_announced_after_the_conflict_ended_does_not_say_it_ended_again():
    state = ended_by_bringing_forward()
    meeting = StandingCommitteeMeeting(code="UBTVQH-70", meets_on=TODAY + timedelta(days=14))
    changed = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(session(2, 40),), meetings=(meeting,),
                                                                           changed_by="VPQH"), NOW + timedelta(hours=1))
    assert not ended_again(changed), ended_again(changed)


def test_the_session_brought_forward_once_more_does_not_say_the_ended_conflict_ended_again():
    state = ended_by_bringing_forward()
    changed = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(session(2, 35),), changed_by="VPQH"),
                            NOW + timedelta(hours=1))
    assert not ended_again(changed), ended_again(changed)
