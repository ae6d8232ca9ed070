"""Found by the Government Office's trial: an approved date's conflict with its session's cut-off
(POSTPONEMENT_CONFLICT, raised to the Government Office) leaves the Office's inbox when the session is brought forward so
that its cut-off passes (README, the board's inbox: "... or that cut-off passes"), but nothing in the draft's audit trail
says so: the session's move records only "session 16-2 now opens ... (was ...)".

The README says the office's inbox used to drop a conflict "and its audit trail never said why", and that a session's
move (SESSION_RESCHEDULED) ending it says "the conflict raised for it has ended, to whom it was raised, and the cut-off
now counted and the one before". It does when the session moves later (tests/test_generation_18.py); moved earlier past
today, the conflict ends as silently as before. Reproduced by hand: `legis calendar set-session 16-2 --opens-on
2027-01-18 --by VPQH --accept-missed-cutoffs` for a draft whose PM-approved date 2027-04-20 was after the 2027-04-09
cut-off: its history's event #15 reads "session 16-2 now opens 2027-01-18 (was 2027-05-25)", and /board/inbox of VPCP
no longer lists the draft."""

from __future__ import annotations

from datetime import timedelta

from schemas.calendar import SessionCalendar
from schemas.enums import EventKind, Stage
from schemas.state import NEWEST_GENERATION
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, passed_through, pinned, postponed, session
from workflows import draft, sessions
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)


def recorded(applied) -> list:
    return [e.entry for e in applied.effects if isinstance(e, Record)]


def approved_then_brought_forward(generation: int = NEWEST_GENERATION):
    """A draft at GOVERNMENT_DECISION whose date, approved after its cut-off, raised the conflict; then its session brought
    forward so that 45 days before it is in the past, the approved date standing."""
    request = core_request(target=session(2, 200))
    entered = passed_through(request, list(BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(Stage.GOVERNMENT_DECISION)]),
                             TODAY - timedelta(days=1))
    state = draft.open_draft(entered, pinned(entered, sessions=[session(2, 200)]), NOW, generation=generation).state
    approved = postponed(state, state.deadline + timedelta(days=20)).state
    assert [e for e in approved.recent if e.event is EventKind.POSTPONEMENT_CONFLICT]
    assert sessions.postponement_conflict(approved, NOW) is not None
    moved = draft.perform(draft.CALENDAR_CHANGED, approved, SessionCalendar(sessions=(session(2, 40),), changed_by="VPQH"), NOW)
    assert moved.state.deadline == approved.deadline
    assert sessions.postponement_conflict(moved.state, NOW) is None  # ended: the inbox drops it
    return [e for e in recorded(moved) if e.event is EventKind.SESSION_RESCHEDULED]


def test_a_session_brought_forward_past_its_cutoff_says_the_conflict_raised_for_it_has_ended():
    labels = [e.label or "" for e in approved_then_brought_forward()]
    assert any("the conflict raised to the Government Office has ended" in label for label in labels), labels


def test_a_draft_of_the_twenty_eighth_generation_says_only_the_move():
    labels = [e.label or "" for e in approved_then_brought_forward(generation=28)]
    assert labels and not any("has ended" in label for label in labels), labels


def test_the_end_reads_in_the_pages_language():
    from web.render import note_of

    [entry] = approved_then_brought_forward()
    said = note_of(entry.event, entry.label or "", "vi", lambda d: f"{d:%d/%m/%Y}")
    assert "xung đột đã báo cáo Văn phòng Chính phủ nay đã chấm dứt" in said and "has ended" not in said, said
