from datetime import UTC, date, datetime, timedelta

from hypothesis import assume, given
from hypothesis import strategies as st

from schemas.enums import Counting, DeadlineAnchor
from schemas.rulebook import TimeLimit
from workflows.deadlines import VIETNAM, holidays, local_day, passes_at, shift_days, stage_deadline

is_working_day = holidays().is_working_day

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2040, 12, 31))


def limit(n, anchor, counting=Counting.CALENDAR_DAYS):
    return TimeLimit(days=n, counting=counting, anchor=anchor, source="test", unverified=False)


def test_appraisal_thirty_days_from_complete_dossier():
    entered = datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
    assert stage_deadline(limit(30, DeadlineAnchor.COMPLETE_DOSSIER), entered_at=entered, session_opens_on=date(2026, 10, 20)) == date(2026, 4, 1)


def test_dossier_forty_five_days_before_session():
    got = stage_deadline(limit(45, DeadlineAnchor.BEFORE_NA_SESSION), entered_at=datetime.now(UTC), session_opens_on=date(2026, 10, 20))
    assert got == date(2026, 9, 5)


def test_entry_day_is_the_day_in_vietnam_not_utc():
    # 20:00 UTC on 1 March is already 2 March in Ha Noi.
    assert local_day(datetime(2026, 3, 1, 20, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_no_limit_means_no_deadline():
    assert stage_deadline(None, entered_at=datetime.now(UTC), session_opens_on=date(2026, 1, 1)) is None


def test_working_days_skip_weekends_and_holidays():
    friday = date(2026, 4, 24)
    off = {date(2026, 4, 30), date(2026, 5, 1)}
    assert shift_days(friday, 1, Counting.WORKING_DAYS) == date(2026, 4, 27)
    # 27, 28, 29 April, then 30 April and 1 May are holidays, then 4 and 5 May.
    assert shift_days(friday, 5, Counting.WORKING_DAYS, holidays(off)) == date(2026, 5, 5)
    assert shift_days(date(2026, 4, 27), -1, Counting.WORKING_DAYS) == friday


def test_deadline_passes_at_midnight_in_vietnam():
    assert passes_at(date(2026, 4, 1)) == datetime(2026, 4, 1, 17, 0, tzinfo=UTC)


@given(days, st.integers(min_value=1, max_value=400))
def test_working_days_land_on_a_working_day_and_count_exactly(start, n):
    end = shift_days(start, n, Counting.WORKING_DAYS)
    assert is_working_day(end)
    counted = sum(is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
    assert counted == n


@given(days, st.integers(min_value=1, max_value=400), st.sampled_from(list(Counting)))
def test_backward_undoes_forward_on_working_days(start, n, counting):
    assume(counting is Counting.CALENDAR_DAYS or is_working_day(start))
    assert shift_days(shift_days(start, n, counting), -n, counting) == start
