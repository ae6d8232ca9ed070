"""Deadline arithmetic: statutory days counted forward from an event or backward from a session."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta, timezone

from schemas.enums import Counting, DeadlineAnchor
from schemas.rulebook import TimeLimit

# Vietnam keeps UTC+7 all year; a fixed offset keeps the workflow sandbox free of tz data.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def shift_days(start: date, days: int, counting: Counting, holidays: Collection[date] = ()) -> date:
    """The day `days` days after `start` (before it, when negative); the start day itself is not counted."""
    if counting is Counting.CALENDAR_DAYS:
        return start + timedelta(days=days)
    step = timedelta(days=1 if days >= 0 else -1)
    day, left = start, abs(days)
    while left:
        day += step
        if is_working_day(day, holidays):
            left -= 1
    return day


def local_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def stage_deadline(
    limit: TimeLimit | None,
    *,
    entered_at: datetime,
    session_opens_on: date,
    meeting_on: date | None = None,
    holidays: Collection[date] = (),
) -> date | None:
    """The last day on which the stage may still be completed, or None when no limit applies.

    A dossier is complete when the draft enters a stage whose rule demands it (the previous stage
    cannot be approved without the documents), so both forward anchors count from entry.
    """
    if limit is None or limit.anchor is DeadlineAnchor.NONE:
        return None
    if limit.anchor is DeadlineAnchor.BEFORE_NA_SESSION:
        return shift_days(session_opens_on, -limit.days, limit.counting, holidays)
    if limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING:
        return None if meeting_on is None else shift_days(meeting_on, -limit.days, limit.counting, holidays)
    return shift_days(local_day(entered_at), limit.days, limit.counting, holidays)


def passes_at(deadline: date) -> datetime:
    """The moment a deadline is missed: the start of the next day in Vietnam."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=VIETNAM)


def earliest(*days: date | None) -> date | None:
    """The earliest of the cut-offs that apply; None when none does."""
    known = [day for day in days if day is not None]
    return min(known) if known else None
