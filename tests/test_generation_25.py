"""The twenty-fifth generation (found by a National Assembly Office's trial): an ordinance's examination, whose limit
counts back from the Standing Committee meeting before its session, given a date after that cut-off by the Standing
Committee (POSTPONEMENT_CONFLICT, raised to the National Assembly Office). A meeting moved so that the date falls within
its cut-off says the conflict has ended, as a session moved says it; a meeting called off leaves the limit waiting for
one, the approved date standing, and the status says so, where it showed the date as a cut-off "counted back from" the
session, on track. Pure: the draft core and its committed history, no server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import Actor, EventKind, LawKind, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.state import NEWEST_GENERATION
from tests.drafts import BEFORE_THE_ASSEMBLY, NOW, core_request, passed_through, pinned, session
from tests.test_replay import HISTORIES_DIR, audited, load_history, patch_ids
from workflows import draft
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)
SITTING = session(2, 200)
MEETING = StandingCommitteeMeeting(code="UBTVQH-40", meets_on=TODAY + timedelta(days=100))
ENDED = "the conflict raised to the National Assembly Office has ended"


def recorded(applied) -> list:
    return [e.entry for e in applied.effects if isinstance(e, Record)]


def examined(generation: int, days: int = 7):
    """An ordinance at EXAMINATION, entered under way, whose committee was given `days` more than its cut-off by the
    Standing Committee: the state before the approval, and the approval's step."""
    request = core_request(law_kind=LawKind.ORDINANCE, target=SITTING)
    entered = passed_through(request, BEFORE_THE_ASSEMBLY[:BEFORE_THE_ASSEMBLY.index(Stage.EXAMINATION)], TODAY - timedelta(days=1))
    state = draft.open_draft(entered, pinned(entered, sessions=[SITTING], meetings=[MEETING]), NOW, generation=generation).state
    assert state.stage is Stage.EXAMINATION and state.deadline <= MEETING.meets_on - timedelta(days=10)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code=state.examining_committee or "UBPLTP", role=Role.COMMITTEE_CHAIR,
        official="Chủ nhiệm Ủy ban", new_deadline=state.deadline + timedelta(days=days), reason="cần khảo sát thêm"), NOW).state
    return state, draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR, official="Chủ tịch Quốc hội"), NOW)


def calendar(*meetings: StandingCommitteeMeeting) -> SessionCalendar:
    return SessionCalendar(sessions=(SITTING,), meetings=meetings, changed_by="VPQH")


@pytest.mark.parametrize("generation", [24, NEWEST_GENERATION])
def test_a_meeting_moved_past_an_approved_date_says_the_conflict_raised_for_it_has_ended(generation):
    _, approved = examined(generation)
    [conflict] = [e for e in recorded(approved) if e.event is EventKind.POSTPONEMENT_CONFLICT]
    assert "National Assembly Office" in conflict.label, conflict.label
    later = MEETING.model_copy(update={"meets_on": MEETING.meets_on + timedelta(days=30)})
    moved = draft.perform(draft.CALENDAR_CHANGED, approved.state, calendar(later), NOW)
    assert moved.state.deadline == approved.state.deadline  # the approved date stands, now within the cut-off
    [scheduled] = recorded(moved)
    assert scheduled.event is EventKind.MEETING_SCHEDULED and scheduled.label.startswith("Standing Committee meeting before session 16-2: UBTVQH-40 on ")
    # The twenty-fourth generation and those before replay as they ran: the meeting alone.
    assert (ENDED in scheduled.label) is (generation >= 25), scheduled.label
    if generation >= 25:
        assert f"the approved date {approved.state.deadline} no longer falls after the cut-off for Standing Committee meeting UBTVQH-40" in scheduled.label
        # Moved back, the conflict is raised again, once.
        back = draft.perform(draft.CALENDAR_CHANGED, moved.state, calendar(MEETING), NOW)
        assert [e.event for e in recorded(back)] == [EventKind.MEETING_SCHEDULED, EventKind.POSTPONEMENT_CONFLICT]


@pytest.mark.parametrize("generation", [24, NEWEST_GENERATION])
def test_an_ordinance_with_an_approved_date_whose_meeting_is_called_off_waits_for_one(generation):
    state, approved = examined(generation, days=3)
    called_off = calendar()
    plain = views.status(draft.perform(draft.CALENDAR_CHANGED, state, called_off, NOW).state, "w", NOW)
    assert any("no Standing Committee meeting is announced before 16-2" in w for w in plain.warnings), plain.warnings
    assert plain.next_cutoff is None
    off = draft.perform(draft.CALENDAR_CHANGED, approved.state, called_off, NOW)
    held = views.status(off.state, "w", NOW)
    assert held.stage_deadline == approved.state.deadline  # the approved date stands
    [scheduled] = recorded(off)
    if generation < 25:  # as it ran: a cut-off "counted back from" the session, on track, and the conflict's end unsaid
        assert held.next_cutoff is not None and held.next_cutoff.approved_postponement and ENDED not in scheduled.label
        return
    assert any("no Standing Committee meeting is announced before 16-2" in w for w in held.warnings), held.warnings
    assert held.next_cutoff is None, held.next_cutoff
    assert scheduled.label.startswith("Standing Committee meeting before session 16-2: none announced; the approved date ")
    assert "which waits for a meeting to be announced" in scheduled.label and ENDED in scheduled.label


def test_the_twenty_fifth_generations_path_has_a_committed_history():
    """An ordinance whose examination date, after its meeting's cut-off, the Standing Committee approved: its meeting moved
    later (the conflict ended, said), then called off (the limit waiting), then the ordinance withdrawn."""
    path = HISTORIES_DIR / "meeting_moved_then_called_off-s51.json"
    assert "meeting-moved-ends-a-conflict-or-waits" in patch_ids(load_history(path).events)
    entries = audited(path)
    assert [e["event"] for e in entries if e["event"] in ("POSTPONEMENT_DECIDED", "POSTPONEMENT_CONFLICT", "MEETING_SCHEDULED")] == [
        "MEETING_SCHEDULED", "POSTPONEMENT_DECIDED", "POSTPONEMENT_CONFLICT", "MEETING_SCHEDULED", "MEETING_SCHEDULED"]
    _, moved, called_off = [e["label"] for e in entries if e["event"] == "MEETING_SCHEDULED"]
    assert ENDED in moved and "none announced" in called_off and ENDED not in called_off
    assert entries[-1]["outcome"] == "WITHDRAW"
