"""The warnings of a day set on a rest day (`WorkingCalendar.rest_day_warning`, `asked_deadline_warning`)."""

from __future__ import annotations

from datetime import date

from activities.rulebook import asked_deadline_warning


def test_a_deadline_counted_by_extend_onto_a_rest_day_is_told_the_days_that_reach_the_next_working_day():
    """Found by a new user: `legis postpone --extend 10` was told "if the day is mistyped", though no day was typed."""
    sunday = asked_deadline_warning(date(2027, 1, 17), extended_by=10)
    assert sunday == ("the deadline --extend 10 gives falls on 2027-01-17, a Sunday: ask --extend 11 for the next working day, "
                      "2027-01-18, unless this day is meant (a date approved is kept as it is)")
    # Tết: the next working day is days away, past the holiday.
    tet = asked_deadline_warning(date(2027, 2, 6), extended_by=3)
    assert tet is not None and "ask --extend 9 for the next working day, 2027-02-12" in tet and "mistyped" not in tet
    assert asked_deadline_warning(date(2027, 1, 18), extended_by=11) is None  # a working day: nothing to say
    typed = asked_deadline_warning(date(2027, 1, 17))
    assert typed is not None and "if the day is mistyped, ask again with the right one" in typed
