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
from workflows import calendar_changes, draft, generations, sessions, sittings
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day, start_of

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
        cutoff = sessions.statutory_deadline(moved.state)
        assert (f"the approved date {approved.state.deadline} falls within the cut-off now counted, {cutoff} (was "
                f"{sessions.statutory_deadline(approved.state)}, for Standing Committee meeting UBTVQH-40 before session 16-2)") in scheduled.label
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
    assert "counts no more, and no Standing Committee meeting is announced before session 16-2" in scheduled.label and ENDED in scheduled.label


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


def test_an_approved_date_standing_while_the_limit_waits_for_a_meeting_does_not_slip_the_draft():
    """Found by a breaker: the meeting called off and a later session announced, the status said no cut-off and the limit
    waiting (the board: on track), then the draft slipped to that session when the approved date passed. The date is the
    deadline in force: passed, the draft is late, and waits for a meeting to count its cut-off from."""
    _, approved = examined(NEWEST_GENERATION)
    later = StandingCommitteeMeeting(code="UBTVQH-50", meets_on=TODAY + timedelta(days=350))
    off = draft.perform(draft.CALENDAR_CHANGED, approved.state, SessionCalendar(sessions=(SITTING, session(3, 380)), meetings=(later,),
                                                                                 changed_by="VPQH"), NOW)
    assert views.status(off.state, "w", start_of(off.state.deadline)).next_cutoff is None
    after = draft.tick(off.state, start_of(off.state.deadline + timedelta(days=1)) + timedelta(hours=1))
    events = [e.event for e in recorded(after)]
    assert EventKind.DEADLINE_PASSED in events and EventKind.SESSION_SLIPPED not in events, events
    assert after.state.target.code == "16-2" and after.state.overdue


@pytest.mark.parametrize("meetings", [(MEETING.model_copy(update={"meets_on": MEETING.meets_on + timedelta(days=30)}),), ()],
                         ids=["moved_later", "called_off"])
def test_a_conflict_whose_cut_off_has_passed_is_said_to_end_when_a_meeting_takes_it_off_the_offices_page(meetings):
    """Found by a breaker: the cut-off passed, the approved date ahead, the office's page still lists the conflict (the
    registry's cut-off before the approved date); the meeting moved later or called off took it off the page, unsaid."""
    _, approved = examined(NEWEST_GENERATION)
    cutoff = sessions.statutory_deadline(approved.state)
    passed = start_of(cutoff + timedelta(days=1)) + timedelta(hours=2)
    ticked = draft.tick(approved.state, passed).state
    assert sittings.registry_cutoffs(ticked).cutoff == cutoff < ticked.deadline
    moved = draft.perform(draft.CALENDAR_CHANGED, ticked, calendar(*meetings), passed)
    [scheduled] = [e for e in recorded(moved) if e.event is EventKind.MEETING_SCHEDULED]
    assert ENDED in scheduled.label and f"was {cutoff}" in scheduled.label, scheduled.label


def test_a_state_of_the_twenty_fourth_generation_taken_up_records_the_board_s_cut_off_it_no_longer_counts():
    """Found by a breaker: an ordinance whose meeting was called off under generation 24 showed its approved date as a
    cut-off counted back from the session; carried into 25, the status showed none and nothing was recorded, so the
    registry and the board, which learn with an event, kept it."""
    _, approved = examined(24)
    off = draft.perform(draft.CALENDAR_CHANGED, approved.state, calendar(), NOW).state
    assert sittings.registry_cutoffs(off).cutoff == off.deadline
    taken = calendar_changes.taken_up(off, generations.carried_into(off, NEWEST_GENERATION), NOW)
    [recounted] = recorded(taken)
    assert recounted.event is EventKind.DEADLINE_RECOUNTED and "the cut-off ahead is now none" in recounted.label, recounted.label
    assert sittings.registry_cutoffs(taken.state).cutoff is None
