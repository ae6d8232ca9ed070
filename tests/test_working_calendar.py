"""Working days as the Government announces them, and periods that end on a rest day (Civil Code 2015 Art. 148(5)),
without a server: Tết, moved days off, working Saturdays, and a year not announced yet."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from activities.rulebook import shipped_working_calendar
from schemas.enums import Counting, DeadlineAnchor, RestDay, Stage
from schemas.rulebook import TimeLimit
from tests.drafts import NOW, core_state, postponed
from workflows.deadlines import VIETNAM, off_rest_day, shift_days, stage_deadline
from workflows.draft_views import warnings

CALENDAR = shipped_working_calendar()


def limit(days: int, anchor: DeadlineAnchor, counting: Counting = Counting.CALENDAR_DAYS, rest_day: RestDay | None = None) -> TimeLimit:
    return TimeLimit(days=days, counting=counting, anchor=anchor, source="test", unverified=False, rest_day=rest_day)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=VIETNAM) + timedelta(hours=9)


def test_ten_working_days_across_tet_2026():
    """Tết Bính Ngọ: 16-20 February 2026 off (with the weekends 14-15 and 21-22), Government Office letter 9859/VPCP-KGVX."""
    entered = at_nine(date(2026, 2, 11))  # Wednesday before Tết
    ten = limit(10, DeadlineAnchor.STAGE_ENTRY, Counting.WORKING_DAYS)
    # 12, 13 February; Tết; then 23-27 February and 2-4 March.
    assert stage_deadline(ten, entered_at=entered, session_opens_on=date(2026, 10, 1), workdays=CALENDAR, rest_days=True) == date(2026, 3, 4)


def test_a_day_off_moved_by_the_government_is_not_a_working_day_and_a_saturday_made_working_is():
    """2026: Friday 2 January off, Saturday 10 January worked (letter 12729/VPCP-KGVX of 25 December 2025)."""
    assert not CALENDAR.is_working_day(date(2026, 1, 2)) and CALENDAR.is_working_day(date(2026, 1, 10))
    assert shift_days(date(2025, 12, 31), 1, Counting.WORKING_DAYS, CALENDAR) == date(2026, 1, 5)
    assert shift_days(date(2026, 1, 9), 1, Counting.WORKING_DAYS, CALENDAR) == date(2026, 1, 10)
    # Monday 31 August off, Saturday 22 August worked (letter 9859/VPCP-KGVX of 13 October 2025).
    assert shift_days(date(2026, 8, 21), 1, Counting.WORKING_DAYS, CALENDAR) == date(2026, 8, 22)
    assert shift_days(date(2026, 8, 28), 1, Counting.WORKING_DAYS, CALENDAR) == date(2026, 9, 3)


def test_a_rest_day_is_named_by_why_it_is_one():
    """What `legis calendar set-session` and `set-meeting` warn of: a holiday or a day off by its name, a weekend day by
    its weekday; a working day (a Saturday made one included) is none."""
    assert CALENDAR.rest_day(date(2027, 2, 8)) == "Tết Nguyên đán (mùng 3, expected), a public holiday"
    assert CALENDAR.rest_day(date(2027, 2, 6)) == "Tết Nguyên đán (mùng 1), a public holiday"  # a holiday on a Saturday, by its name
    assert CALENDAR.rest_day(date(2026, 1, 2)).endswith(", a day off")
    assert CALENDAR.rest_day(date(2027, 4, 10)) == "a Saturday" and CALENDAR.rest_day(date(2027, 4, 11)) == "a Sunday"
    assert CALENDAR.rest_day(date(2026, 1, 10)) is None and CALENDAR.rest_day(date(2027, 10, 20)) is None


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)))
def test_a_day_is_named_a_rest_day_exactly_when_it_is_not_a_working_day(day):
    assert (CALENDAR.rest_day(day) is None) == CALENDAR.is_working_day(day)


def test_an_appraisal_from_7_january_2027_ends_after_tet_not_inside_it():
    """Issue 14: 30 days from Thursday 7 January 2027 is Saturday 6 February, the first day of Tết Đinh Mùi; the Civil
    Code (2015, Art. 148(5)) ends the period at the close of the next working day, Friday 12 February (expected days off
    of 2027, not announced yet)."""
    appraisal = limit(30, DeadlineAnchor.COMPLETE_DOSSIER)
    entered = at_nine(date(2027, 1, 7))
    assert stage_deadline(appraisal, entered_at=entered, session_opens_on=date(2027, 10, 20), workdays=CALENDAR) == date(2027, 2, 6)
    assert stage_deadline(appraisal, entered_at=entered, session_opens_on=date(2027, 10, 20), workdays=CALENDAR,
                          rest_days=True) == date(2027, 2, 12)
    assert not CALENDAR.announced(date(2027, 2, 12))


def test_a_cut_off_before_a_session_that_falls_on_a_rest_day_comes_the_working_day_before():
    """At least 45 days before the session (Law 64/2025/QH15 Art. 37(1)): never fewer, so the working day before."""
    session = date(2027, 3, 10)  # 45 days before is Sunday 24 January 2027
    cut_off = limit(45, DeadlineAnchor.BEFORE_NA_SESSION)
    assert stage_deadline(cut_off, entered_at=at_nine(date(2026, 12, 1)), session_opens_on=session, workdays=CALENDAR,
                          rest_days=True) == date(2027, 1, 22)


def test_a_deadline_in_a_year_not_announced_is_flagged_in_the_status():
    state = core_state().model_copy(update={"deadline": date(2027, 6, 1)})
    assert any("2027" in line and "not announced" in line for line in warnings(state, NOW))
    # The next cut-off, another day in 2027, is said apart (found by a new user), the deadline in 2026 not.
    assert not any(line.startswith("the deadline") and "not announced" in line for line in warnings(state.model_copy(update={"deadline": date(2026, 6, 1)}), NOW))
    # A year gone by is not "not announced yet" (found by a fuzzer: a draft entered with its steps of 2025), and it says how it
    # was counted: with weekends alone, where the calendar holds no day of it (found by a new user: "on the days expected").
    past = warnings(state.model_copy(update={"deadline": date(2024, 6, 3)}), NOW)
    assert CALENDAR.year(2024) is None and not any(line.startswith("the deadline") and "not announced" in line for line in past), past
    assert any("the deadline fell in 2024, whose rest days this release's working calendar does not hold: it was counted with Saturdays "
               "and Sundays alone as rest days" in line for line in past), past
    assert not any("2025" in line for line in warnings(state.model_copy(update={"deadline": date(2025, 6, 2)}), NOW) if line.startswith("the deadline"))


def test_the_days_of_2025_are_held_as_announced():
    """LAW_2025 is in force from 1 April 2025 and drafts are entered under way with their steps of that year (found by a new
    user: every 2025 weekday counted as a working day; an appraisal whose 30 days ended on Sunday 31 August 2025, before
    the National Day's 1 and 2 September, was due on the Monday, a holiday, and the report counted it late)."""
    assert CALENDAR.announced(date(2025, 9, 2)) and [d for d in (date(2025, 1, 1), date(2025, 1, 27), date(2025, 1, 31), date(2025, 4, 7),
                                                                  date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2), date(2025, 9, 1),
                                                                  date(2025, 9, 2)) if CALENDAR.is_working_day(d)] == []
    assert CALENDAR.is_working_day(date(2025, 4, 26))  # the Saturday worked for Friday 2 May
    appraisal = TimeLimit(days=30, counting=Counting.CALENDAR_DAYS, anchor=DeadlineAnchor.COMPLETE_DOSSIER, source="Law 64/2025/QH15 Art. 34(1)",
                          unverified=False, rest_day=RestDay.NEXT_WORKING_DAY)
    entered = datetime.combine(date(2025, 8, 1), time(9), tzinfo=VIETNAM)
    assert stage_deadline(appraisal, entered_at=entered, session_opens_on=date(2027, 6, 1), workdays=CALENDAR, rest_days=True) == date(2025, 9, 3)


def test_an_approved_date_in_a_year_not_announced_is_not_said_to_move():
    """Found by a ministry's trial: an approved date falls due as approved, whatever rest days are announced (`Change.recompute`
    keeps it), where the status said it "may move when they are"."""
    appraisal = core_state(at=Stage.APPRAISAL)
    approved = postponed(appraisal, date(2027, 1, 11)).state
    assert approved.deadline == date(2027, 1, 11) and not CALENDAR.announced(approved.deadline)
    assert not any(line.startswith("the deadline") and "not announced" in line for line in warnings(approved, NOW))


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), st.sampled_from(list(RestDay)))
def test_a_period_moved_off_a_rest_day_ends_on_a_working_day_nearest_in_its_direction(day, rule):
    moved = off_rest_day(day, rule, CALENDAR)
    if rule is RestDay.AS_COUNTED:
        assert moved == day
        return
    assert CALENDAR.is_working_day(moved)
    step = 1 if rule is RestDay.NEXT_WORKING_DAY else -1
    between = [day + timedelta(days=i * step) for i in range(abs((moved - day).days))]
    assert all(not CALENDAR.is_working_day(d) for d in between)
