"""The calendars a draft's deadlines are counted on: the Assembly's sessions, the Standing Committee's
meetings, and the working days the Government announces each year (ngày nghỉ lễ, nghỉ bù, làm bù)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from schemas.interned import Interned
from schemas.refusal import RefusalKind, Refused
from schemas.text import Flag, Label, Source, code, invalid, name
from schemas.time import Day

# The calendar's reach, for every date a message, a command or a query gives: a date outside it is a typing mistake.
# Inside it the deadline arithmetic cannot overflow: its longest step (a 3,650-day limit, a year of escalation) stays
# thousands of years inside Python's and PostgreSQL's calendars.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def out_of_reach(day: date) -> str | None:
    """Why a date is refused (rule `date_in_range`), or None when it is within the calendar's reach."""
    return None if FIRST_DAY <= day <= LAST_DAY else f"{day} is outside {FIRST_DAY}..{LAST_DAY}"


def in_range(day: date, field: str) -> date:
    if (problem := out_of_reach(day)) is not None:
        raise invalid("date_in_range", problem, field)
    return day


class SessionPhase(Message):
    """One sitting period (đợt) of a session held in phases: its first and last days, in Ha Noi."""

    starts_on: Day = Field(description="the phase's first sitting day, in Ha Noi")
    ends_on: Day = Field(description="the phase's last sitting day, in Ha Noi")

    @model_validator(mode="after")
    def _dated(self) -> SessionPhase:
        in_range(self.starts_on, "starts_on")
        in_range(self.ends_on, "ends_on")
        if self.ends_on < self.starts_on:
            raise invalid("phase_ends_after_it_starts", f"{self.ends_on} is before {self.starts_on}", "ends_on")
        return self


MAX_PHASES = 4


class TargetSession(Message):
    """A session (kỳ họp) of the National Assembly: the 10th of the 15th legislature opens on a date.

    An extraordinary session (kỳ họp không thường lệ since the amended Law on the Organisation of the National Assembly,
    February 2025; kỳ họp bất thường before) is numbered on its own: the 9th extraordinary session of the 15th Assembly,
    which passed Law 64/2025/QH15, has the code 15-E9; a regular one 15-10. A session may sit in phases (đợt), as
    the 5th extraordinary session did in January 2024 and most regular sessions do now.
    """

    legislature: int = Field(ge=1, le=99, strict=True, description="khóa Quốc hội, e.g. 15")
    session: int = Field(ge=1, le=99, strict=True, description="kỳ họp thứ, e.g. 10 (counted apart for extraordinary sessions)")
    opens_on: Day = Field(description="opening date of the session, in Ha Noi")
    extraordinary: Flag = Field(default=False, description="kỳ họp không thường lệ (bất thường), called at short notice")
    # Added with the phases of sessions; left out of a message when none are given, so that earlier messages read the same.
    phases: tuple[SessionPhase, ...] = Field(
        default=(), max_length=MAX_PHASES, exclude_if=lambda phases: not phases,
        description="đợt: the sitting periods of a session held in phases, the first from the opening day; none: not given",
    )

    @model_validator(mode="after")
    def _dated(self) -> TargetSession:
        in_range(self.opens_on, "opens_on")
        if self.phases and self.phases[0].starts_on != self.opens_on:
            raise invalid("first_phase_opens_the_session", f"the first phase starts on {self.phases[0].starts_on}, the session opens "
                          f"on {self.opens_on}", "phases")
        for earlier, later in zip(self.phases, self.phases[1:], strict=False):
            if later.starts_on <= earlier.ends_on:
                raise invalid("phases_in_order", f"a phase starting {later.starts_on} overlaps the one ending {earlier.ends_on}", "phases")
        return self

    @property
    def code(self) -> str:
        return f"{self.legislature}-{'E' if self.extraordinary else ''}{self.session}"

    @property
    def name(self) -> str:
        """What an official reads in English: 'the 9th extraordinary session of the 15th National Assembly'."""
        kind = "extraordinary session" if self.extraordinary else "session"
        return f"the {_ordinal(self.session)} {kind} of the {_ordinal(self.legislature)} National Assembly"

    @property
    def label(self) -> str:
        """What an official reads in Vietnamese: 'kỳ họp thứ 10, Quốc hội khóa XV', 'kỳ họp bất thường lần thứ 9, Quốc hội
        khóa XV' (the first: 'lần thứ nhất'); an extraordinary session called after the 9th of the 15th Assembly, at which
        the amended Law on the Organisation of the National Assembly renamed them (February 2025), 'kỳ họp không thường
        lệ lần thứ nhất, Quốc hội khóa XVI'."""
        number = "nhất" if self.session == 1 else str(self.session)
        renamed = (self.legislature, self.session) > (15, 9)
        kind = (f"kỳ họp {'không thường lệ' if renamed else 'bất thường'} lần thứ {number}" if self.extraordinary
                else f"kỳ họp thứ {number}")
        return f"{kind}, Quốc hội khóa {_roman(self.legislature)}"

    @property
    def sitting(self) -> str:
        """When it sits: 'opens 2024-01-15', or its phases, 'in 2 phases: 2024-01-15 to 2024-01-16, 2024-01-18 to 2024-01-18'
        ('in 1 phase: ...' for one)."""
        if not self.phases:
            return f"opens {self.opens_on}"
        count = f"{len(self.phases)} phase" + ("s" if len(self.phases) > 1 else "")
        return f"in {count}: " + ", ".join(f"{p.starts_on} to {p.ends_on}" for p in self.phases)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _roman(number: int) -> str:
    """The legislature as the Assembly writes it (khóa XV); 1 to 99."""
    tens, units = divmod(number, 10)
    return ("", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC")[tens] + ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[units]


_SESSION_CODE = re.compile(r"([1-9][0-9]?)-(E?)([1-9][0-9]?)")
# What reads as a session's code, however typed (16-e2, 16-02): never a Standing Committee meeting's.
_LIKE_A_SESSION_CODE = re.compile(r"[0-9]{1,2}-[Ee]?[0-9]{1,2}")
# Two regular sessions a year (Law on the Organisation of the National Assembly, Art. 90) over a five-year term: the 15th
# Assembly held 10. A higher ordinal is an extraordinary session typed as a regular one (issue 14: 15-95).
MAX_REGULAR_SESSIONS = 12


def parse_session_code(text: str, field: str = "code") -> tuple[int, int, bool]:
    """A session code as operators type it, as (legislature, session, extraordinary): '16-2' is the 2nd session of the
    16th Assembly, '15-E9' the 9th extraordinary session of the 15th. Raises the rule it breaks, naming `field`:
    `session_code` (not legislature-session), `regular_session_ordinal` (a regular session numbered above 12)."""
    found = _SESSION_CODE.fullmatch(text)
    if found is None:
        raise invalid("session_code", f"{text!r} is not a session code: legislature-session, 16-2 for the 2nd session of the 16th "
                      "Assembly, 15-E9 for the 9th extraordinary session of the 15th (kỳ họp bất thường lần thứ 9); numbers from 1 "
                      "to 99 without leading zeros, an E before an extraordinary session's", field)
    legislature, extraordinary, session = found.groups()
    if (problem := _regular_ordinal_problem(int(legislature), int(session), extraordinary == "E")) is not None:
        raise invalid("regular_session_ordinal", f"{text!r}: {problem}", field)
    return int(legislature), int(session), extraordinary == "E"


def _regular_ordinal_problem(legislature: int, session: int, extraordinary: bool) -> str | None:
    if extraordinary or session <= MAX_REGULAR_SESSIONS:
        return None
    return (f"an Assembly meets in regular session twice a year over its five-year term, so a regular session is numbered 1 "
            f"to {MAX_REGULAR_SESSIONS}; an extraordinary session is coded with an E: {legislature}-E{session}")


def check_session_number(session: TargetSession, field: str) -> None:
    """A session a new message names (a start, a carry-over, a programme change): a regular one is numbered 1 to 12, as
    its code is read everywhere else. Raises Refused (INVALID, rule `regular_session_ordinal`) naming `field`.session.
    Checked where a message enters, not in the model, so that a draft already aiming at such a session still reads."""
    if (problem := _regular_ordinal_problem(session.legislature, session.session, session.extraordinary)) is not None:
        raise Refused(f"{field}.session", "regular_session_ordinal", f"{session.code}: {problem}", RefusalKind.INVALID)


_EXTRAORDINARY_TYPED = re.compile(r"-e(?=[0-9])")


def as_typed_in_filters(text: str) -> str:
    """A session code a list is filtered by, its extraordinary session's mark in capitals ("16-e2" is 16-E2)."""
    return _EXTRAORDINARY_TYPED.sub("-E", text)


def _session_code(text: str) -> str:
    parse_session_code(text, field=None)
    return text


# A session code a filter is given (the API's and the board's lists): "16-e2" read as 16-E2, as a stage is read in any letter
# case (found by a National Assembly Office's trial). Messages keep the code as the calendar writes it.
SessionCode = Annotated[str, BeforeValidator(lambda text: as_typed_in_filters(text) if isinstance(text, str) else text), Strict(),
                        AfterValidator(_session_code)]
MeetingCode = code(r"^[A-Za-z0-9._-]{1,40}$", "letters, digits, '.', '_' or '-', 1 to 40 characters, e.g. UBTVQH-52")
DayName = name(100)


class StandingCommitteeMeeting(Message):
    """A meeting (phiên họp) of the National Assembly Standing Committee."""

    code: MeetingCode = Field(description="e.g. UBTVQH-2027-04")
    meets_on: Day = Field(description="the meeting's day (Ha Noi)")

    @model_validator(mode="after")
    def _dated(self) -> StandingCommitteeMeeting:
        in_range(self.meets_on, "meets_on")
        return self


class CalendarDay(Message):
    day: Day
    name: DayName = Field(description="e.g. Tết Nguyên đán, nghỉ bù Quốc khánh")

    @model_validator(mode="after")
    def _dated(self) -> CalendarDay:
        in_range(self.day, "day")
        return self


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

    def rest_day(self, day: date) -> str | None:
        """Why `day` is not a working day ("Tết Nguyên đán, a public holiday", "a Sunday"), or None for a working day."""
        if self.is_working_day(day):
            return None
        if (known := self.year(day.year)) is not None:
            for kind, entries in (("a public holiday", known.holidays), ("a day off", known.days_off)):
                if named := next((d.name for d in entries if d.day == day), None):
                    return f"{named}, {kind}"
        return "a Saturday" if day.weekday() == 5 else "a Sunday"

    def rest_day_warning(self, what: str, day: date, again: str, *, typed: bool = True) -> str | None:
        """What to tell whoever set `day` for `what` ("the deadline asked falls"), or None for a working day of a year
        this calendar lists. Said, not refused: the Assembly and its Standing Committee do sit on some weekend days, and
        an authority may approve a date it chooses, but a day on Tết or a Sunday is most often a mistyped one. The CLI
        prints it, the API's receipt carries it (`warnings`). `typed`: whether a person typed the day (else it was
        counted, and `again` says what to ask instead)."""
        if (why := self.rest_day(day)) is not None:
            return f"{what} on {day.isoformat()}, {why}: {'if the day is mistyped, ' if typed else ''}{again}"
        if self.year(day.year) is None:
            return (f"{what} on {day.isoformat()}, in {day.year}, a year this release's working calendar does not list: the day is "
                    "checked against weekends only, not against that year's public holidays and days off")
        return None


# The most a calendar told to the drafts holds (a bound of the message): `legis calendar` stores no more.
MAX_SESSIONS = 200
MAX_MEETINGS = 500


class SessionCalendar(Message):
    """Sessions and Standing Committee meetings as operators last set them; the `calendar_changed` update."""

    sessions: tuple[TargetSession, ...] = Field(min_length=1, max_length=MAX_SESSIONS)
    meetings: tuple[StandingCommitteeMeeting, ...] = Field(default=(), max_length=MAX_MEETINGS)
    working: WorkingCalendar | None = Field(default=None, description="the working calendar, when it changed too")
    changed_by: Label = Field(description="the operator who changed the calendar")

    @model_validator(mode="after")
    def _distinct(self) -> SessionCalendar:
        codes = [s.code for s in self.sessions]
        if len(set(codes)) != len(codes):
            raise invalid("one_entry_per_session", "each session may appear once", "sessions")
        return self


def check_meeting(known: Sequence[StandingCommitteeMeeting], meeting: StandingCommitteeMeeting) -> None:
    """Whether `meeting` may be set beside the meetings `known`: the Standing Committee meets once a day, so another
    code on the same day is a typing mistake, which every running draft would be told and record.

    Raises Refused (INVALID) `one_meeting_a_day`, naming the meeting already set that day; `meeting_code_not_session`
    for a code that reads as a session's (16-2), under which the board would list a draft twice, as if two sessions."""
    if _LIKE_A_SESSION_CODE.fullmatch(meeting.code):
        raise Refused("code", "meeting_code_not_session", f"{meeting.code} reads as the code of a session of the Assembly; a Standing "
                      "Committee meeting is coded apart, e.g. UBTVQH-70 or UBTVQH-2027-04", RefusalKind.INVALID)
    for other in known:
        if other.code.upper() != meeting.code.upper() and other.meets_on == meeting.meets_on:
            raise Refused("meets_on", "one_meeting_a_day", f"{other.code} meets on {other.meets_on} already, and the Standing Committee "
                          f"holds one meeting a day: move {other.code}, or remove it (legis calendar remove-meeting {other.code})",
                          RefusalKind.INVALID)


def check_not_past(field: str, day: date, stored: date | None, today: date, *, sits_until: date | None = None, held: bool = False) -> None:
    """Whether a session's opening day or a meeting's day (`field`) may be set to `day`, `stored` being the day already on
    the calendar (None for a new one) and `today` Ha Noi's date: a day before today, set or moved to, is a typing mistake
    (2025 for 2027) that every running draft would be told, recording its cut-offs missed and escalations at once, which
    stay in its audit trail. A day already stored, set again unchanged (a session's phases corrected), passes; so does the
    opening of a session sitting now, whose last phase ends on `sits_until`, today or later (an office that starts with
    the engine mid-session describes the session its drafts are at), and (`held`) a meeting held already, said so: one
    announced, moved to the earlier day it was held on, or one the calendar never held, recorded with its day (an
    ordinance's adoption at it is then entered with its day; found by National Assembly Office trials: told to correct the
    meeting's day, the office could not, and an ordinance entered under way could not be adopted at the meeting that
    adopted it, held before legis knew of any).

    Raises Refused (INVALID) `not_in_past`; `held_earlier` for `held` with a day not before the one announced, or, for a
    meeting not announced, after today."""
    if held and (day >= stored if stored is not None else day > today):
        raise Refused(field, "held_earlier", f"--held moves a meeting already announced to the earlier day it was held on; "
                      f"{day} is not before {stored}" if stored else f"--held records a meeting already held; {day} is after today "
                      f"({today} in Ha Noi): a meeting ahead is set without --held", RefusalKind.INVALID)
    if day < today and day != stored and (sits_until is None or sits_until < today) and not held:
        sitting = (" A session sitting now is set with its phases (--phase FIRST:LAST), the last one not yet over."
                   if field == "opens_on" else " A meeting already held is recorded on its day with --held.")
        raise Refused(field, "not_in_past", f"{day} is before today ({today} in Ha Noi): the calendar holds the sittings ahead, and every "
                      f"running draft aimed at it would record its cut-offs as missed.{sitting}", RefusalKind.INVALID)


def check_sessions_apart(known: Sequence[TargetSession], session: TargetSession) -> None:
    """Whether `session` sits apart from the sessions `known` of its legislature: none opens while another sits, by the
    phases the calendar gives (a session without them has no known last day). Found by a National Assembly Office's trial:
    16-3 set, by a mistyped day, to open within 16-2's first phase was taken unsaid, and a two-session law to be debated at
    16-2 was given a revision between the sessions due before 16-2 opened.

    Raises Refused (INVALID) `sessions_apart`, naming the session it would sit with and that session's phases."""
    for other in known:
        if other.code == session.code or other.legislature != session.legislature:
            continue
        first, then = (other, session) if other.opens_on <= session.opens_on else (session, other)
        if first.phases and then.opens_on <= first.phases[-1].ends_on:
            sits = ", ".join(f"{p.starts_on} to {p.ends_on}" for p in first.phases)
            raise Refused("opens_on", "sessions_apart", f"session {then.code} would open on {then.opens_on}, while session {first.code} sits "
                          f"({sits}): two sessions of the Assembly do not sit at once", RefusalKind.INVALID)


def check_session_order(known: Sequence[TargetSession], session: TargetSession) -> None:
    """Whether `session` may be set beside the sessions `known`: a legislature's regular sessions open in the order of
    their numbers, and so do its extraordinary ones (16-3 after 16-2, 16-E9 after 16-E8).

    Raises Refused (INVALID) `sessions_in_order`, naming the session it would open out of order with."""
    for other in known:
        if other.code == session.code or (other.legislature, other.extraordinary) != (session.legislature, session.extraordinary):
            continue
        if (other.session < session.session and other.opens_on >= session.opens_on) or (
                other.session > session.session and other.opens_on <= session.opens_on):
            raise Refused("opens_on", "sessions_in_order", f"session {session.code} would open on {session.opens_on}, and session "
                          f"{other.code} opens on {other.opens_on}: a legislature's sessions open in the order of their numbers",
                          RefusalKind.INVALID)
