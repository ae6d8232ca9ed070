"""The calendars a draft's deadlines are counted on: the Assembly's sessions, the Standing Committee's
meetings, and the working days the Government announces each year (ngày nghỉ lễ, nghỉ bù, làm bù)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.interned import Interned
from schemas.text import Flag, Label, Source, code, invalid, name

# The calendar's reach: a date outside it is a typing mistake, and the deadline arithmetic never leaves it.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def in_range(day: date, field: str) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise invalid("date_in_range", f"{day} is outside {FIRST_DAY}..{LAST_DAY}", field)
    return day


class TargetSession(Message):
    """A session (kỳ họp) of the National Assembly: the 10th of the 15th legislature opens on a date.

    An extraordinary session (kỳ họp bất thường, "không thường lệ" since 2025) is numbered on its own:
    the 5th extraordinary session of the 15th Assembly has the code 15-E5; a regular one 15-10.
    """

    legislature: int = Field(ge=1, le=99, strict=True, description="khóa Quốc hội, e.g. 15")
    session: int = Field(ge=1, le=99, strict=True, description="kỳ họp thứ, e.g. 10 (counted apart for extraordinary sessions)")
    opens_on: date = Field(description="opening date of the session, in Ha Noi")
    extraordinary: Flag = Field(default=False, description="kỳ họp bất thường, called at short notice")

    @model_validator(mode="after")
    def _dated(self) -> TargetSession:
        in_range(self.opens_on, "opens_on")
        return self

    @property
    def code(self) -> str:
        return f"{self.legislature}-{'E' if self.extraordinary else ''}{self.session}"

    @property
    def label(self) -> str:
        """What an official reads: 'kỳ họp thứ 10, Quốc hội khóa 15' or 'kỳ họp bất thường lần thứ 5, ...'."""
        kind = f"kỳ họp bất thường lần thứ {self.session}" if self.extraordinary else f"kỳ họp thứ {self.session}"
        return f"{kind}, Quốc hội khóa {self.legislature}"


SESSION_CODE = r"^[1-9][0-9]?-E?[1-9][0-9]?$"
SessionCode = code(SESSION_CODE)
MeetingCode = code(r"^[A-Za-z0-9._-]{1,40}$")
DayName = name(100)


class StandingCommitteeMeeting(Message):
    """A meeting (phiên họp) of the National Assembly Standing Committee."""

    code: MeetingCode = Field(description="e.g. UBTVQH-2027-04")
    meets_on: date

    @model_validator(mode="after")
    def _dated(self) -> StandingCommitteeMeeting:
        in_range(self.meets_on, "meets_on")
        return self


class CalendarDay(Message):
    day: date
    name: DayName = Field(description="e.g. Tết Nguyên đán, nghỉ bù Quốc khánh")


class WorkingYear(Message):
    """One year's rest days and worked weekend days, as the Government announced them."""

    year: int = Field(ge=FIRST_DAY.year, le=LAST_DAY.year, strict=True)
    announced: Flag = Field(description="False: the Government has not announced this year yet; its days are expected ones")
    source: Source = Field(description="the announcement read, e.g. the Ministry of Home Affairs' notice, with its URL")
    holidays: tuple[CalendarDay, ...] = Field(default=(), max_length=20, description="public holidays (Labour Code Art. 112)")
    days_off: tuple[CalendarDay, ...] = Field(default=(), max_length=10, description="working days made days off (nghỉ bù, hoán đổi)")
    working_days: tuple[CalendarDay, ...] = Field(default=(), max_length=10, description="weekend days made working days (làm bù)")

    @model_validator(mode="after")
    def _within_the_year(self) -> WorkingYear:
        for field in ("holidays", "days_off", "working_days"):
            for entry in getattr(self, field):
                if entry.day.year != self.year:
                    raise invalid("day_in_year", f"{entry.day} is not in {self.year}", field)
        if any(d.day.weekday() < 5 for d in self.working_days):
            raise invalid("weekend_made_working", "only a Saturday or Sunday can be made a working day", "working_days")
        return self


class WorkingCalendar(Message, Interned):
    """Rest days by year; a year not listed counts weekends only, and says so."""

    years: tuple[WorkingYear, ...] = Field(default=(), max_length=8, description="the years a draft may still count on")

    @model_validator(mode="after")
    def _one_entry_per_year(self) -> WorkingCalendar:
        years = [y.year for y in self.years]
        if len(set(years)) != len(years):
            raise invalid("one_entry_per_year", "each year may appear once", "years")
        return self

    def year(self, year: int) -> WorkingYear | None:
        return next((y for y in self.years if y.year == year), None)

    def is_working_day(self, day: date) -> bool:
        known = self.year(day.year)
        if known is not None:
            if any(d.day == day for d in known.working_days):
                return True
            if any(d.day == day for d in (*known.holidays, *known.days_off)):
                return False
        return day.weekday() < 5

    def announced(self, day: date) -> bool:
        known = self.year(day.year)
        return known is not None and known.announced


class SessionCalendar(Message):
    """Sessions and Standing Committee meetings as operators last set them; the `calendar_changed` update."""

    sessions: tuple[TargetSession, ...] = Field(min_length=1, max_length=200)
    meetings: tuple[StandingCommitteeMeeting, ...] = Field(default=(), max_length=500)
    working: WorkingCalendar | None = Field(default=None, description="the working calendar, when it changed too")
    changed_by: Label = Field(description="the operator who changed the calendar")

    @model_validator(mode="after")
    def _distinct(self) -> SessionCalendar:
        codes = [s.code for s in self.sessions]
        if len(set(codes)) != len(codes):
            raise invalid("one_entry_per_session", "each session may appear once", "sessions")
        return self
