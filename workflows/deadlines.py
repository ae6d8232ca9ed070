"""Deadline arithmetic: statutory days counted forward from an event or backward from a session, on Ha Noi days."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from schemas.enums import Counting, DeadlineAnchor, RestDay
from schemas.rulebook import TimeLimit
from schemas.time import VIETNAM

# Vietnam keeps UTC+7 all year; a fixed offset keeps the workflow sandbox free of tz data.


class WorkDays(Protocol):
    def is_working_day(self, day: date) -> bool: ...


@dataclass(frozen=True)
class Holidays:
    """Weekends and a list of holidays: how first-generation drafts counted working days (the rulebook's list)."""

    days: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days


def holidays(days: Collection[date] = ()) -> Holidays:
    return Holidays(frozenset(days))


def shift_days(start: date, days: int, counting: Counting, workdays: WorkDays = Holidays()) -> date:
    """The day `days` days after `start` (before it, when negative); the start day itself is not counted."""
    if counting is Counting.CALENDAR_DAYS:
        return start + timedelta(days=days)
    step = timedelta(days=1 if days >= 0 else -1)
    day, left = start, abs(days)
    while left:
        day += step
        if workdays.is_working_day(day):
            left -= 1
    return day


def off_rest_day(day: date, rule: RestDay, workdays: WorkDays) -> date:
    """The last day of a period that ends on a rest day: the next working day (Civil Code 2015 Art. 148(5)),
    the working day before (a cut-off "at least N days before" a session), or the day as counted."""
    if rule is RestDay.AS_COUNTED:
        return day
    step = timedelta(days=1 if rule is RestDay.NEXT_WORKING_DAY else -1)
    while not workdays.is_working_day(day):
        day += step
    return day


def local_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def start_of(day: date) -> datetime:
    """The first moment of a Ha Noi day."""
    return datetime.combine(day, time(0), tzinfo=VIETNAM)


def stage_deadline(
    limit: TimeLimit | None,
    *,
    entered_at: datetime,
    session_opens_on: date,
    meeting_on: date | None = None,
    workdays: WorkDays = Holidays(),
    rest_days: bool = False,
) -> date | None:
    """The last day on which the stage may still be completed, or None when no limit applies.

    A dossier is complete when the draft enters a stage whose rule demands it (the previous stage
    cannot be approved without the documents), so both forward anchors count from entry. With
    `rest_days`, a last day that is a rest day moves as the limit's `rest_day` rule says.
    """
    if limit is None or limit.anchor is DeadlineAnchor.NONE:
        return None
    if limit.anchor is DeadlineAnchor.BEFORE_NA_SESSION:
        day = shift_days(session_opens_on, -limit.days, limit.counting, workdays)
    elif limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING:
        if meeting_on is None:
            return None
        day = shift_days(meeting_on, -limit.days, limit.counting, workdays)
    else:
        day = shift_days(local_day(entered_at), limit.days, limit.counting, workdays)
    return off_rest_day(day, limit.on_rest_day, workdays) if rest_days else day


def passes_at(deadline: date) -> datetime:
    """The moment a deadline is missed: the start of the next day in Vietnam."""
    return start_of(deadline + timedelta(days=1))


def earliest(*days: date | None) -> date | None:
    """The earliest of the cut-offs that apply; None when none does."""
    known = [day for day in days if day is not None]
    return min(known) if known else None
