"""The twenty-third generation (found by a breaker and a re-check of the twenty-second). Pure: the draft core and its
committed histories, no server.

A calendar change that moves the meeting reconsidering an ordinance the President sent back is recorded, so that the
registry, written with events, lists the ordinance under that meeting, as its status names it; and a deferral that lapses
an approved date while the draft stays aimed at its (extraordinary) session counts the deadline again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession
from schemas.enums import Actor, EventKind, ProgrammeChangeKind, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.state import NEWEST_GENERATION
from tests.drafts import NOW, core_request, decision, pinned, programme_change
from tests.test_generation_22 import APRIL, JANUARY, SESSION, sent_back
from tests.test_replay import HISTORIES_DIR, audited, load_history, patch_ids
from workflows import calendar_changes, draft, sessions, sittings
from workflows import draft_views as views
from workflows.change import Record

DECEMBER = StandingCommitteeMeeting(code="UBTVQH-9", meets_on=date(2026, 12, 15))


def recorded(applied) -> list:
    return [effect.entry for effect in applied.effects if isinstance(effect, Record)]


def told(state, *meetings: StandingCommitteeMeeting):
    return draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(SESSION,), meetings=meetings, changed_by="VPQH"),
                         NOW + timedelta(days=1))


def test_a_meeting_called_off_moves_a_reconsidered_ordinance_on_the_board():
    """Seen live: `legis calendar remove-meeting UBTVQH-9` left the registry's `adopted_at` at the meeting called off while
    the status named the next one: the registry is written with events, and the change recorded none."""
    _, state = sent_back(NEWEST_GENERATION)
    applied = told(state, APRIL)
    assert sittings.adopting_meeting(applied.state) == APRIL and views.pending_decision(applied.state).at_meeting == APRIL
    [entry] = recorded(applied)
    assert entry.event is EventKind.DEADLINE_RECOUNTED
    assert "the Standing Committee meeting that adopts the ordinance is now UBTVQH-12 (was UBTVQH-10)" in entry.label, entry.label


def test_a_meeting_announced_before_the_one_awaited_moves_a_reconsidered_ordinance_on_the_board():
    _, state = sent_back(NEWEST_GENERATION)
    applied = told(state, DECEMBER, JANUARY, APRIL)
    assert sittings.adopting_meeting(applied.state) == DECEMBER
    [entry] = recorded(applied)
    assert entry.event is EventKind.DEADLINE_RECOUNTED and "is now UBTVQH-9 (was UBTVQH-10)" in entry.label
    # A change that leaves its meeting where it was records nothing.
    assert not recorded(told(applied.state, DECEMBER, JANUARY, APRIL))


def test_a_reconsidered_ordinance_is_listed_under_the_meeting_that_reconsiders_it():
    """The board's meeting tables read `committee_meeting`, which was the meeting before the session (April's) for an
    ordinance the Standing Committee reconsiders in January: listed under both."""
    _, state = sent_back(NEWEST_GENERATION)
    cutoffs = sittings.registry_cutoffs(state)
    assert (cutoffs.adopted_at, cutoffs.committee_meeting) == (JANUARY.code, JANUARY.code)


def test_under_the_twenty_second_generation_a_calendar_change_records_what_it_did():
    """Its histories replay as they ran: the meeting's move was not recorded."""
    _, state = sent_back(22)
    applied = told(state, APRIL)
    assert sittings.adopting_meeting(applied.state) == APRIL and not recorded(applied)


def test_a_state_carried_from_the_twenty_second_generation_lists_its_ordinance_under_its_meeting():
    _, carried = sent_back(22)
    taken = calendar_changes.taken_up(carried, carried.model_copy(update={"generation": 23}), NOW)
    [entry] = recorded(taken)
    assert entry.event is EventKind.DEADLINE_RECOUNTED and entry.label.endswith("that reconsiders it, UBTVQH-10")
    unsent = carried.model_copy(update={"returns": ()})
    assert not recorded(calendar_changes.taken_up(unsent, unsent.model_copy(update={"generation": 23}), NOW))


def _postponed_at_examination(generation: int):
    """A law aimed at extraordinary session 16-9, whose examination date the Standing Committee moved ten days on."""
    extraordinary = TargetSession(legislature=16, session=9, opens_on=date(2027, 5, 20), extraordinary=True)
    request = core_request(target=extraordinary)
    state = draft.open_draft(request, pinned(request, sessions=(extraordinary,)), NOW, generation=generation).state
    while state.stage is not Stage.EXAMINATION:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), NOW).state
    asked = PostponementRequest(stage=Stage.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code="UBPLTP", role=Role.COMMITTEE_CHAIR,
                                official="Chủ nhiệm", new_deadline=state.deadline + timedelta(days=10), reason="chờ báo cáo")
    state = draft.perform(draft.REQUEST_POSTPONEMENT, state, asked, NOW).state
    state = draft.perform(draft.DECIDE_POSTPONEMENT, state, PostponementDecision(
        stage=Stage.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR, official="Chủ tịch Quốc hội"),
        NOW).state
    assert state.deadline == asked.new_deadline
    return state, extraordinary


def test_a_deferral_to_the_session_a_draft_aims_at_counts_its_lapsed_date_again():
    """The breaker's: a DEFER by the Standing Committee naming the extraordinary session the draft already aims at said the
    date it had approved lapsed, and kept it as the deadline, with no postponement behind it."""
    state, extraordinary = _postponed_at_examination(NEWEST_GENERATION)
    applied = draft.perform(draft.CHANGE_PROGRAMME, state, programme_change(ProgrammeChangeKind.DEFER, to_session=extraordinary), NOW)
    deferred = applied.state
    assert "lapses with the programme change" in deferred.recent[-1].label and deferred.postponement is None
    assert deferred.deadline == sessions.statutory_deadline(deferred) == state.deadline - timedelta(days=10)
    [entry] = recorded(applied)
    assert entry.to_stage_deadline == deferred.deadline
    # As the twenty-second generation ran: the lapsed date stayed.
    old, _ = _postponed_at_examination(22)
    assert draft.perform(draft.CHANGE_PROGRAMME, old, programme_change(ProgrammeChangeKind.DEFER, to_session=extraordinary), NOW).state.deadline == old.deadline


def test_a_reconsidering_meeting_past_with_no_decision_is_said_so():
    """Found by a breaker: sixty days after its meeting, a reconsidered ordinance's status still named that meeting as the
    one to come, and said nothing else."""
    _, state = sent_back(NEWEST_GENERATION)
    before = views.status(state, "w", NOW).warnings
    assert not any("has passed with no decision recorded" in w for w in before)
    after = views.status(state, "w", datetime.combine(JANUARY.meets_on + timedelta(days=60), datetime.min.time(), UTC)).warnings
    assert any(w.startswith("the Standing Committee meeting UBTVQH-10 on 2027-01-12, which adopts or returns the ordinance, has passed")
               for w in after), after


def test_a_message_moving_both_meetings_records_the_reconsidering_meetings_move():
    """Found by a breaker: a message that also moved the meeting before the session recorded only that (MEETING_SCHEDULED):
    the history never said January's meeting, which was to reconsider the ordinance, was called off, nor where it now is."""
    _, state = sent_back(NEWEST_GENERATION)
    later = APRIL.model_copy(update={"code": "UBTVQH-12B", "meets_on": date(2027, 4, 20)})
    applied = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(SESSION,), meetings=(later,), changed_by="VPQH"),
                            NOW + timedelta(days=1))
    assert sittings.registry_cutoffs(applied.state).adopted_at == "UBTVQH-12B"
    labels = [e.entry.label for e in applied.effects if isinstance(e, Record)]
    assert any("adopts the ordinance is now UBTVQH-12B on 2027-04-20 (was UBTVQH-10 on 2027-01-12)" in (label or "") for label in labels), labels


def test_the_twenty_third_generation_has_a_committed_history():
    """An ordinance sent back by the President whose reconsidering meeting a calendar change moved, recorded so that the
    board follows, then adopted at that meeting; and a law deferred by the Standing Committee to the extraordinary session
    it aimed at, whose approved date lapsed and deadline was counted again
    (`tests.scenario_reconsidering_meeting_moves`)."""
    path = HISTORIES_DIR / "reconsidering_meeting_moved-s49.json"
    assert "reconsidering-meeting-moves-recorded" in patch_ids(load_history(path).events)
    entries = audited(path)
    moved = [e["label"] for e in entries if e["event"] == "DEADLINE_RECOUNTED"]
    assert ["now UBTVQH-LATER on " in moved[0] and "(was none)" in moved[0], "now UBTVQH-TODAY (was UBTVQH-LATER)" in moved[1]] == [True, True], moved
    assert entries[-1]["to_stage"] == "PROMULGATED"
    deferred = audited(HISTORIES_DIR / "deferred_to_its_own_session-s49.json")
    [approved] = [e for e in deferred if e["event"] == "POSTPONEMENT_DECIDED"]
    [change] = [e for e in deferred if e["event"] == "PROGRAMME_CHANGED"]
    assert "lapses with the programme change" in change["label"] and change["to_stage_deadline"] < approved["to_stage_deadline"]


def test_a_reconsidering_meeting_moved_to_another_day_says_both_days():
    """Found by a re-check: the meeting's day moved beside the meeting before the session, the note read "now UBTVQH-12
    (was UBTVQH-12)"."""
    _, state = sent_back(NEWEST_GENERATION)
    moved = JANUARY.model_copy(update={"meets_on": date(2027, 1, 14)})
    applied = told(state, moved, APRIL.model_copy(update={"meets_on": date(2027, 4, 20)}))
    labels = [entry.label for entry in recorded(applied)]
    assert any("is now UBTVQH-10 on 2027-01-14 (was UBTVQH-10 on 2027-01-12)" in label for label in labels), labels


def test_an_ordinance_sent_back_with_no_meeting_left_to_reconsider_it_says_so():
    """Found by a re-check: the only meeting called off, the status said nothing of what the ordinance waits for."""
    _, state = sent_back(NEWEST_GENERATION)
    applied = told(state)
    assert any(w.startswith("no Standing Committee meeting is announced on or after 2026-12-01") for w in views.status(applied.state, "w", NOW).warnings)
