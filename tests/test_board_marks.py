"""The board's marks agree with the draft: the board reads the cut-off each draft counts for itself
(`workflows.sessions.cutoff_ahead`), written with its registry row by the audit write, and only compares it with today.

The cut-offs here fall in Tết 2027 (5-11 February, the working calendar shipped with the release), so a count in plain
calendar days would put them days later than the draft does; and an ordinance's cut-off counts back from the Standing
Committee meeting, not the session (its limits by kind of law).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from activities.audit import _RECORD, _arguments
from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession, WorkingCalendar
from schemas.enums import FINAL_NAMES_VI, Actor, EventKind, LawKind, ProcessVersion, Role, SessionProcedure, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.state import NEWEST_GENERATION
from schemas.views import HistoryEntry
from store import board
from store.board import Sitting, quarters
from tests.drafts import core_request, core_state, decision, sitting, with_day_off
from web.board import drafts_by_sitting
from web.marks import FINAL_NAMES, Mark, stage_name_vi, standing, standing_of_row, threshold_days
from web.render import translations
from workflows import draft, draft_views, sessions
from workflows.change import Record
from workflows.deadlines import VIETNAM, start_of

SESSION = TargetSession(legislature=16, session=2, opens_on=date(2027, 3, 25))  # 45 days before: Monday 8 February, in Tết
MEETING = StandingCommitteeMeeting(code="UBTVQH-2027-02", meets_on=date(2027, 2, 26))  # 20 days before: Saturday 6 February
LAST_WORKING_DAY_BEFORE_TET = date(2027, 2, 4)
EARLY = datetime(2027, 1, 4, 9, 0, tzinfo=VIETNAM)


def drafted(law_kind: LawKind):
    request = core_request(ProcessVersion.LAW_2025, law_kind=law_kind, target=SESSION)
    return request, core_state(request, at=Stage.DRAFTING, now=EARLY, sessions=[SESSION], meetings=[MEETING])


def carried_to(request, state, stage: Stage, now: datetime = EARLY):
    while state.stage is not stage:
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage), now).state
    return state


def board_mark(cutoffs, state, today: date) -> Mark:
    return standing(recorded=True, cutoff=cutoffs.cutoff, cutoff_stage=cutoffs.cutoff_stage, stage=state.stage, stage_deadline=state.deadline,
                    process_version=state.request.process_version, extraordinary=state.target.extraordinary, today=today).mark


def test_a_law_in_drafting_is_marked_by_the_cutoff_its_draft_will_set_before_tet():
    request, state = drafted(LawKind.NEW_LAW)
    ahead = sessions.registry_cutoffs(state)
    assert (ahead.cutoff, ahead.cutoff_stage, ahead.cutoff_sitting) == (LAST_WORKING_DAY_BEFORE_TET, Stage.GOVERNMENT_DECISION, SESSION.code)
    assert ahead.committee_meeting == MEETING.code  # the Committee's opinion still lies ahead of it
    # The draft, once at the Government's decision, sets the same day as its deadline, and records it as its cut-off.
    at_decision = carried_to(request, state, Stage.GOVERNMENT_DECISION)
    assert at_decision.deadline == ahead.cutoff
    assert sessions.registry_cutoffs(at_decision).cutoff == ahead.cutoff
    # Every day around Tết, the board says missed exactly when the draft would slip.
    for offset in range(-20, 12):
        today = LAST_WORKING_DAY_BEFORE_TET + timedelta(days=offset)
        noon = start_of(today) + timedelta(hours=12)
        assert (board_mark(ahead, state, today) is Mark.MISSED) == sessions.cutoff_missed(at_decision, noon), today
    assert board_mark(ahead, state, LAST_WORKING_DAY_BEFORE_TET - timedelta(days=threshold_days("LAW_2025"))) is Mark.AT_RISK
    assert board_mark(ahead, state, LAST_WORKING_DAY_BEFORE_TET - timedelta(days=threshold_days("LAW_2025") + 1)) is Mark.ON_TRACK


def test_an_ordinance_counts_back_from_the_committee_meeting_as_its_draft_does():
    request, state = drafted(LawKind.ORDINANCE)
    ahead = sessions.registry_cutoffs(state)
    assert (ahead.cutoff, ahead.cutoff_stage, ahead.cutoff_sitting) == (LAST_WORKING_DAY_BEFORE_TET, Stage.GOVERNMENT_DECISION, MEETING.code)
    assert carried_to(request, state, Stage.GOVERNMENT_DECISION).deadline == ahead.cutoff


def test_an_extraordinary_session_keeps_its_drafts_past_the_cutoff():
    extraordinary = SESSION.model_copy(update={"extraordinary": True})
    request = core_request(ProcessVersion.LAW_2025, target=extraordinary)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, now=EARLY, sessions=[extraordinary])
    ahead = sessions.registry_cutoffs(state)
    after = ahead.cutoff + timedelta(days=1)
    assert not sessions.cutoff_missed(state, start_of(after))
    assert board_mark(ahead, state, after) is Mark.AT_RISK


def approved_past_cutoff():
    """A law at the Government's decision, and the same with a postponement the Prime Minister approved to 30 days after
    the sitting's cut-off (POSTPONEMENT_CONFLICT)."""
    request, state = drafted(LawKind.NEW_LAW)
    at_decision = carried_to(request, state, Stage.GOVERNMENT_DECISION)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, at_decision, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=at_decision.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=at_decision.deadline + timedelta(days=30), reason="chờ ý kiến các bộ"), EARLY).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), EARLY).state
    return at_decision, approved


def test_an_approved_date_after_the_cutoff_is_marked_by_the_sittings_cutoff_not_on_track():
    """Found by a breaker: the sessions page marked "on track" a draft whose approved postponement fell after its session's
    cut-off (POSTPONEMENT_CONFLICT), since the registry recorded the approved date in force as its cut-off. While the
    conflict stands it records the sitting's cut-off, and the board marks the draft at risk; missed only once the approved
    date has passed, when the draft slips (it keeps its session until then)."""
    at_decision, approved = approved_past_cutoff()
    cutoff = at_decision.deadline
    assert approved.deadline == cutoff + timedelta(days=30) and sessions.postponement_conflict(approved) is not None
    ahead = sessions.registry_cutoffs(approved)
    assert (ahead.cutoff, ahead.cutoff_stage, ahead.cutoff_sitting) == (cutoff, Stage.GOVERNMENT_DECISION, SESSION.code)
    long_before = cutoff - timedelta(days=threshold_days("LAW_2025") + 10)
    assert board_mark(ahead, approved, long_before) is Mark.AT_RISK
    # Before the approval, the same day was on track.
    assert board_mark(sessions.registry_cutoffs(at_decision), at_decision, long_before) is Mark.ON_TRACK
    # Every day around the cut-off and the approved date, missed exactly when the draft would slip; at risk else.
    for offset in range(-5, 36):
        today = cutoff + timedelta(days=offset)
        mark = board_mark(ahead, approved, today)
        assert mark in (Mark.AT_RISK, Mark.MISSED) and (mark is Mark.MISSED) == sessions.cutoff_missed(approved, start_of(today) + timedelta(hours=12)), today


@pytest.mark.parametrize(("language", "passed", "kept"), [
    ("vi", "đã qua", "ngày lùi hạn đã được chấp thuận giữ chỗ của dự án đến"),
    ("en", "passed", "the approved postponement keeps the draft's place until")])
def test_a_cutoff_behind_a_draft_kept_by_its_approved_date_is_said_passed_and_until_when(language, passed, kept):
    """Found by a fresh-user trial: past the sitting's cut-off, with an approved postponement standing, `legis status` and
    the draft's page showed that cut-off as the "next cut-off", at risk, as if it still lay ahead. It is said passed, with
    the approved date that keeps the draft's place until it slips."""
    from cli.drafts import next_cutoff_line

    at_decision, approved = approved_past_cutoff()
    cutoff = at_decision.deadline
    ahead, today = sessions.registry_cutoffs(approved), cutoff + timedelta(days=3)
    st = standing(recorded=True, cutoff=ahead.cutoff, cutoff_stage=ahead.cutoff_stage, stage=approved.stage, stage_deadline=approved.deadline,
                  process_version="LAW_2025", extraordinary=False, today=today)
    assert (st.mark, st.passed, st.kept_until) == (Mark.AT_RISK, True, approved.deadline)
    before = standing(recorded=True, cutoff=ahead.cutoff, cutoff_stage=ahead.cutoff_stage, stage=approved.stage,
                      stage_deadline=approved.deadline, process_version="LAW_2025", extraordinary=False, today=cutoff)
    assert not before.passed and before.kept_until is None
    said = next_cutoff_line(draft_views.status(approved, "w", EARLY), today)
    assert f"{cutoff} (passed) to be through GOVERNMENT_DECISION" in said and f"keeps the draft's place until {approved.deadline}, then it slips" in said
    assert "(passed)" not in next_cutoff_line(draft_views.status(approved, "w", EARLY), cutoff)
    # At an extraordinary session the draft keeps its place whatever the approved date: no "then it slips".
    kept_there = standing(recorded=True, cutoff=ahead.cutoff, cutoff_stage=ahead.cutoff_stage, stage=approved.stage,
                          stage_deadline=approved.deadline, process_version="LAW_2025", extraordinary=True, today=today)
    assert (kept_there.mark, kept_there.passed, kept_there.kept_until) == (Mark.AT_RISK, True, None)

    import html

    from schemas.records import RegistryRow
    from web.render import environment

    row = RegistryRow(submission_id="T-1", workflow_id="draft-law-T-1", title="Luật thử", lead_ministry="BGDDT",
                      process_version=ProcessVersion.LAW_2025, target_session=SESSION.code, stage=Stage.GOVERNMENT_DECISION,
                      stage_since=EARLY, stage_deadline=approved.deadline, responsible="GOVERNMENT", classified=False)
    shown = html.unescape(environment(language).get_template("draft.html").render(
        request=None, path="/board/drafts/T-1", row=row, entries=[], versions=[], today=today, temporal_link=None, who=None,
        csrftoken=lambda: "", st=st, postponed=True, counted_from=SESSION.code))
    assert passed in shown and kept in shown and ("Hạn chót tiếp theo" if language == "vi" else "Next cut-off") not in shown


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_draft_late_at_a_stage_with_no_cut_off_ahead_is_not_said_on_track(language):
    """Found by a Government Office's trial: a law overdue at PUBLICATION, no sitting ahead to count from, read "Next
    cut-off: On track —"."""
    import html

    from schemas.records import RegistryRow
    from web.render import environment

    today = EARLY.date()
    late = standing(recorded=True, cutoff=None, cutoff_stage=None, stage=Stage.PUBLICATION, stage_deadline=today - timedelta(days=3),
                    process_version="LAW_2025", extraordinary=False, today=today)
    assert late.mark is Mark.AT_RISK
    on_time = standing(recorded=True, cutoff=None, cutoff_stage=None, stage=Stage.PUBLICATION, stage_deadline=today,
                       process_version="LAW_2025", extraordinary=False, today=today)
    assert on_time.mark is Mark.ON_TRACK
    row = RegistryRow(submission_id="T-2", workflow_id="draft-law-T-2", title="Luật thử", lead_ministry="BGDDT",
                      process_version=ProcessVersion.LAW_2025, target_session=SESSION.code, stage=Stage.PUBLICATION,
                      stage_since=EARLY, stage_deadline=today - timedelta(days=3), responsible="VPCP", classified=False)
    shown = html.unescape(environment(language).get_template("draft.html").render(
        request=None, path="/board/drafts/T-2", row=row, entries=[], versions=[], today=today, temporal_link=None, who=None,
        csrftoken=lambda: "", st=late, postponed=False, counted_from=None))
    on_track, none_ahead = ("Đúng tiến độ", "không còn hạn chót nào phía trước") if language == "vi" else ("On track", "none ahead")
    assert none_ahead in shown and on_track not in shown, shown[shown.find("<main"):][:1500]


def test_a_deadline_after_the_cutoff_ahead_is_at_risk_from_the_start():
    """A draft whose current deadline falls after a later stage's cut-off cannot meet it on its own schedule: a law sent
    to appraisal on 14 January, whose limit ends after the Government's cut-off before Tết, is at risk at once."""
    request, state = drafted(LawKind.NEW_LAW)
    at_appraisal = carried_to(request, state, Stage.APPRAISAL, EARLY + timedelta(days=10))
    ahead = sessions.registry_cutoffs(at_appraisal)
    assert ahead.cutoff_stage is Stage.GOVERNMENT_DECISION and at_appraisal.deadline > ahead.cutoff
    assert board_mark(ahead, at_appraisal, ahead.cutoff - timedelta(days=threshold_days("LAW_2025") + 10)) is Mark.AT_RISK
    assert board_mark(ahead, at_appraisal, ahead.cutoff + timedelta(days=1)) is Mark.MISSED


def test_past_every_cutoff_a_draft_is_on_track_and_a_row_written_before_is_said_so():
    request = core_request(ProcessVersion.LAW_2025, target=SESSION)
    state = core_state(request, at=Stage.NA_SESSION, now=EARLY, sessions=[SESSION])
    assert sessions.registry_cutoffs(state).cutoff is None
    assert board_mark(sessions.registry_cutoffs(state), state, date(2027, 3, 30)) is Mark.ON_TRACK
    assert standing(recorded=False, cutoff=None, cutoff_stage=None, stage=Stage.NA_SESSION, stage_deadline=None, process_version="LAW_2025", extraordinary=False,
                    today=date(2027, 3, 30)).mark is Mark.NOT_RECORDED


def told_rest_days(state, working: WorkingCalendar):
    return draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(SESSION,), meetings=(MEETING,), working=working,
                                                                        changed_by="VPCP"), EARLY)


def recounted(applied) -> list[str]:
    return [e.entry.label for e in applied.effects if isinstance(e, Record) and e.entry.event is EventKind.DEADLINE_RECOUNTED]


def test_rest_days_that_move_a_later_cutoff_are_recorded_so_that_the_board_follows():
    """Found by the stateful test's board invariant: a day off announced on the Government's cut-off before Tết moved the
    cut-off of a draft still in drafting a day earlier, and, its deadline unchanged, nothing was recorded: the registry
    (written with each audit event) and the board kept the old day. From the fifth generation the move is recorded; a
    draft of the fourth still runs as it ran (its history replays)."""
    _, state = drafted(LawKind.NEW_LAW)
    assert sessions.registry_cutoffs(state).cutoff == LAST_WORKING_DAY_BEFORE_TET
    applied = told_rest_days(state, with_day_off(state.working, LAST_WORKING_DAY_BEFORE_TET))
    moved = sessions.registry_cutoffs(applied.state)
    assert (moved.cutoff, moved.cutoff_stage) == (LAST_WORKING_DAY_BEFORE_TET - timedelta(days=1), Stage.GOVERNMENT_DECISION)
    assert applied.state.deadline == state.deadline
    assert recounted(applied) == ["rest days announced: the cut-off ahead is now 2027-02-03 for GOVERNMENT_DECISION (sitting 16-2) "
                                  "(was 2027-02-04 for GOVERNMENT_DECISION (sitting 16-2))"]
    fourth = state.model_copy(update={"generation": 4})
    assert recounted(told_rest_days(fourth, with_day_off(state.working, LAST_WORKING_DAY_BEFORE_TET))) == []


def conflicted_on_a_day_off():
    """A law at the Government's decision counting a day off on 4 February (its cut-off the 3rd), whose approved date is
    the 4th: the conflict raised."""
    request, state = drafted(LawKind.NEW_LAW)
    working = with_day_off(state.working, LAST_WORKING_DAY_BEFORE_TET)
    at_decision = carried_to(request, told_rest_days(state, working).state, Stage.GOVERNMENT_DECISION)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, at_decision, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=at_decision.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=LAST_WORKING_DAY_BEFORE_TET, reason="chờ ý kiến các bộ"), EARLY).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), EARLY).state
    assert sessions.postponement_conflict(approved) == (LAST_WORKING_DAY_BEFORE_TET - timedelta(days=1), f"session {SESSION.code}")
    return approved, working


def events(applied) -> list[EventKind]:
    return [e.entry.event for e in applied.effects if isinstance(e, Record)]


def test_rest_days_that_end_an_approved_dates_conflict_are_recorded():
    """A day off on the cut-off put it a day earlier, before an approved date (the conflict raised); the Government gives
    the day back: the cut-off returns to the approved date, the conflict ends, and the registry records the approved
    date again, with the event that says why."""
    approved, working = conflicted_on_a_day_off()
    applied = told_rest_days(approved, with_day_off(working, LAST_WORKING_DAY_BEFORE_TET, off=False))
    assert sessions.postponement_conflict(applied.state) is None and applied.state.deadline == LAST_WORKING_DAY_BEFORE_TET
    assert sessions.registry_cutoffs(applied.state).cutoff == LAST_WORKING_DAY_BEFORE_TET
    assert recounted(applied) == ["rest days announced: the cut-off for session 16-2 is now 2027-02-04 (was 2027-02-03): the approved "
                                  "date 2027-02-04 no longer falls after it"]


def test_a_session_moved_with_new_rest_days_is_counted_once_on_the_days_in_force():
    """Found by a breaker: one message that gave the day back and moved the session a day later counted the session on the
    old rest days first, raising to the Government Office a conflict that was never real, then ended it. From the fifth
    generation the rest days come first: the session's event alone, with the deadline in force; the fourth ran as it ran."""
    approved, working = conflicted_on_a_day_off()
    later = SESSION.model_copy(update={"opens_on": SESSION.opens_on + timedelta(days=1)})
    message = SessionCalendar(sessions=(later,), meetings=(MEETING,), working=with_day_off(working, LAST_WORKING_DAY_BEFORE_TET, off=False),
                              changed_by="VPQH")
    applied = draft.perform(draft.CALENDAR_CHANGED, approved, message, EARLY)
    assert events(applied) == [EventKind.SESSION_RESCHEDULED] and sessions.postponement_conflict(applied.state) is None
    fourth = draft.perform(draft.CALENDAR_CHANGED, approved.model_copy(update={"generation": 4}), message, EARLY)
    assert events(fourth) == [EventKind.SESSION_RESCHEDULED, EventKind.POSTPONEMENT_CONFLICT]


def test_rest_days_far_from_a_standing_conflict_raise_it_no_second_time():
    """Found by a breaker: any change of the rest days raised an open conflict again to the Government Office, unchanged."""
    approved, working = conflicted_on_a_day_off()
    far = with_day_off(working, date(2027, 11, 15))
    assert events(told_rest_days(approved, far)) == []
    assert events(told_rest_days(approved.model_copy(update={"generation": 4}), far)) == [EventKind.POSTPONEMENT_CONFLICT]


def test_rest_days_that_move_the_deadline_and_a_later_cutoff_say_both():
    request = core_request(ProcessVersion.LAW_2025, law_kind=LawKind.NEW_LAW, target=SESSION)
    state = core_state(request, at=Stage.APPRAISAL, now=EARLY, sessions=[SESSION], meetings=[MEETING])
    assert (state.deadline, sessions.registry_cutoffs(state).cutoff) == (date(2027, 2, 3), LAST_WORKING_DAY_BEFORE_TET)
    applied = told_rest_days(state, with_day_off(with_day_off(state.working, state.deadline), LAST_WORKING_DAY_BEFORE_TET))
    assert recounted(applied) == ["rest days announced: the deadline is now 2027-02-12 (was 2027-02-03); the cut-off ahead is now 2027-02-02 "
                                  "for GOVERNMENT_DECISION (sitting 16-2) (was 2027-02-04 for GOVERNMENT_DECISION (sitting 16-2))"]


async def test_the_board_reads_the_cutoff_the_audit_write_recorded(pool):
    """Through PostgreSQL: the registry row written by the audit statement, read back by the sessions page's query."""
    request, state = drafted(LawKind.NEW_LAW)
    request = request.model_copy(update={"submission_id": f"MARK-{uuid.uuid4().hex[:10]}"})
    state = state.model_copy(update={"request": request})
    row, cutoffs = draft_views.registry_row(state, f"draft-law-{request.submission_id}"), sessions.registry_cutoffs(state)
    entry = HistoryEntry(seq=1, at=EARLY, event="SUBMITTED", stage=state.stage)
    assert await pool.fetchval(_RECORD, *_arguments(entry, row, "run-1", cutoffs)) == 1
    [found] = [r for r in await board.drafts_aimed_at(pool, [SESSION.code], [MEETING.code], own_agency=None)
               if r["submission_id"] == request.submission_id]
    marked = standing_of_row(found, date(2027, 2, 5))
    assert (marked.mark, marked.cutoff, marked.cutoff_stage) == (Mark.MISSED, LAST_WORKING_DAY_BEFORE_TET, Stage.GOVERNMENT_DECISION)
    assert (found["committee_meeting"], found["cutoff_sitting"]) == (MEETING.code, SESSION.code)
    # The sessions page lists it under both sittings with the same mark; under the meeting, its cut-off names the session.
    sittings = [Sitting(code=MEETING.code, opens_on=MEETING.meets_on, kind="STANDING_COMMITTEE"), Sitting(code=SESSION.code, opens_on=SESSION.opens_on, kind="REGULAR")]
    listed = drafts_by_sitting(sittings, [found], date(2027, 2, 5))
    assert [(m.submission_id, m.standing, m.counted_from) for m in listed[MEETING.code]] == [(request.submission_id, marked, SESSION.code)]
    assert [(m.submission_id, m.standing, m.counted_from) for m in listed[SESSION.code]] == [(request.submission_id, marked, None)]


def test_vietnamese_stage_names_and_quarters():
    assert stage_name_vi("LAW_2025", "APPRAISAL") == "Thẩm định"
    # Over every draft (the board's filter), a stage whose name changed with the law shows both, the newest first.
    assert stage_name_vi(None, "LEGISLATIVE_PROGRAMME") == "Chương trình lập pháp hằng năm / Chương trình xây dựng luật, pháp lệnh"
    assert stage_name_vi("LAW_2015", "LEGISLATIVE_PROGRAMME") == "Chương trình xây dựng luật, pháp lệnh"
    assert stage_name_vi(None, "APPRAISAL") == "Thẩm định" and stage_name_vi(None, "PROMULGATED") is None
    assert [label for label, _, _ in quarters(date(2027, 2, 3))] == ["2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    assert quarters(date(2027, 2, 3))[-1][1:] == (date(2027, 1, 1), date(2027, 4, 1))
    assert quarters(date(2026, 12, 31))[-1][1:] == (date(2026, 10, 1), date(2027, 1, 1))


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 6, 5])
def test_the_revision_after_a_debate_ahead_counts_back_from_the_next_session(generation):
    """Found by a fresh-user trial: a two-session draft before its first session showed the revision between sessions
    due 45 days before the first session, the one of its debate. From the sixth generation the projection counts it back
    from the next session announced, where the draft will aim after the debate, and gives the day the draft sets when it
    gets there; with no next session announced, there is no cut-off to show after the debate."""
    later = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=SESSION)
    at_debate = core_state(request, at=Stage.NA_FIRST_SESSION, now=EARLY, sessions=[SESSION, later], meetings=[MEETING], generation=generation)
    ahead = sessions.registry_cutoffs(at_debate)
    assert ahead.cutoff_stage is Stage.INTER_SESSION_REVISION
    revising = draft.perform(draft.DECIDE, at_debate, decision(request, Stage.NA_FIRST_SESSION), sitting(at_debate, EARLY)).state
    assert (revising.stage, revising.target.code, revising.deadline) == (Stage.INTER_SESSION_REVISION, later.code, date(2027, 9, 1))
    if generation >= 6:
        assert (ahead.cutoff, ahead.cutoff_sitting) == (revising.deadline, later.code)
        alone = core_state(request, at=Stage.NA_FIRST_SESSION, now=EARLY, sessions=[SESSION], meetings=[MEETING])
        assert sessions.registry_cutoffs(alone).cutoff is None
    else:  # as the fifth generation counted it, so that its histories replay
        assert (ahead.cutoff, ahead.cutoff_sitting) == (LAST_WORKING_DAY_BEFORE_TET, SESSION.code)  # 45 days before the debate, in Tết


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 7, 6])
def test_the_next_session_moved_under_a_debate_ahead_is_recorded_so_that_the_board_follows(generation):
    """Found by the property test: a two-session draft before its debate counts the revision after it back from the next
    session (sixth generation); when that session moved, the cut-off ahead moved with no event, so the registry, written
    with each event, kept the old day. From the seventh generation the change is recorded (DEADLINE_RECOUNTED); the
    sixth records nothing, as it ran."""
    later = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=SESSION)
    state = core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, now=EARLY, sessions=[SESSION, later], meetings=[MEETING],
                       generation=generation)
    was = sessions.registry_cutoffs(state)
    moved = later.model_copy(update={"opens_on": later.opens_on + timedelta(days=7)})
    told = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(SESSION, moved), meetings=(MEETING,), changed_by="VPQH"),
                         EARLY)
    now = sessions.registry_cutoffs(told.state)
    assert (now.cutoff_stage, now.cutoff_sitting) == (Stage.INTER_SESSION_REVISION, "16-3") and now.cutoff > was.cutoff
    assert told.state.deadline == state.deadline
    recorded = [e.entry for e in told.effects if isinstance(e, Record)]
    if generation == 6:
        assert recorded == []
        return
    [recount] = recorded
    assert (recount.event, recount.official) == (EventKind.DEADLINE_RECOUNTED, "VPQH")
    assert recount.label == (f"calendar changed: the cut-off ahead is now {now.cutoff} for INTER_SESSION_REVISION (sitting 16-3) "
                             f"(was {was.cutoff} for INTER_SESSION_REVISION (sitting 16-3))")


def test_the_board_names_a_final_state_in_vietnamese_as_the_status_does():
    assert {stage: translations("vi").gettext(name) for stage, name in FINAL_NAMES.items()} == FINAL_NAMES_VI
