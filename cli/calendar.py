"""`legis calendar`: the Assembly's sessions and the Standing Committee's meetings (set by operators, told to every
running draft), and the working calendar the Government announces each year (shipped with the release)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

import typer
from pydantic import ValidationError
from pydantic_core import PydanticCustomError
from temporalio.client import Client

from cli import database, temporal
from cli.app import by_option, day_option, whole_number
from cli.broadcast import tell_each
from cli.cutoff_guard import listed, refuse_cutoffs_passing, refuse_held_meeting_counting, refuse_meeting_cutoffs_passing
from cli.failures import Invalid, NotFound, Rejected, from_refusal
from cli.jsonfile import invalid_model
from cli.output import AsJson, Format, Output, choose, day, emit_json, err, examples, out, print_table, table, wants_json, warn
from schemas.calendar import (
    FIRST_DAY,
    LAST_DAY,
    MAX_MEETINGS,
    MAX_SESSIONS,
    SessionCalendar,
    StandingCommitteeMeeting,
    TargetSession,
    as_typed_in_filters,
    check_meeting,
    check_not_past,
    check_session_order,
    check_sessions_apart,
    parse_session_code,
)
from schemas.refusal import Refused
from workflows import client as drafts
from workflows.deadlines import local_day
from workflows.rounds import counted

app = typer.Typer(help="The National Assembly's session calendar (running drafts follow every change) and the working calendar.",
                  no_args_is_help=True, epilog=examples('legis calendar set-session 16-2 --opens-on 2027-06-01 --by "VPQH"', 'legis calendar set-meeting UBTVQH-52 --on 2027-04-12 --by "VPQH"', "legis calendar show"))

ChangedBy = by_option("who changes the calendar (recorded in each draft)")
TellBy = by_option("who tells the drafts (recorded in each event it causes)")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _store_and_tell(store, changed_by: str, changed: dict | None = None) -> None:
    """Apply one calendar change in PostgreSQL (none: `tell`), then tell every running draft the whole calendar: the
    sessions and meetings as stored, and the working calendar this release ships (a draft counts rest days announced
    since it started from then on, and records what they move). `changed`, filled by `store`, says in the JSON output
    what was changed (found by a new user: it said only how many drafts were told)."""
    from activities.calendar import meetings, sessions
    from activities.rulebook import shipped_working_calendar
    from store.registry import drafts_to_tell

    async def change(client: Client) -> None:
        async with database.connection() as db:
            if store is not None:
                await store(db)
            known = _announced(await sessions(db))
            try:
                calendar = SessionCalendar(sessions=tuple(known), meetings=tuple(await meetings(db)), working=shipped_working_calendar(),
                                           changed_by=changed_by)
            except ValidationError as invalid:  # stored otherwise than by these commands, which keep within the bounds
                raise invalid_model("the calendar as stored cannot be told", invalid) from None
            # A draft starting now is told as well; a start that never ran is passed over (`drafts_to_tell`).
            targets, maybe_absent = await drafts_to_tell(db)
        await tell_each(client, targets, lambda submission_id: drafts.tell_calendar(client, submission_id, calendar),
                        retry=f"run `legis calendar tell --by {changed_by!r}` to tell them the calendar as it stands", changed=changed,
                        maybe_absent=maybe_absent)

    temporal.run(change)


AcceptMissedCutoffs = Annotated[bool, typer.Option(
    "--accept-missed-cutoffs", help="make the change even though the cut-off of running drafts counted back from the sitting would then have passed "
         "(each records it missed and slips)")]


@app.command("set-session", epilog=examples(
    'legis calendar set-session 16-2 --opens-on 2027-06-01 --by "VPQH, Vụ Tổng hợp"',
    'legis calendar set-session 16-E9 --opens-on 2027-03-10 --by "VPQH"',
    'legis calendar set-session 16-3 --opens-on 2027-10-20 --phase 2027-10-20:2027-11-06 --phase 2027-11-15:2027-11-30 --by "VPQH"'))
def set_session(
    code: Annotated[str, typer.Argument(help="legislature-session, e.g. 16-2; the 9th extraordinary session of the 16th Assembly 16-E9")],
    opens_on: Annotated[date, typer.Option(parser=day_option("opens_on"), metavar="YYYY-MM-DD", help="opening day, in Ha Noi")],
    changed_by: ChangedBy,
    extraordinary: Annotated[bool, typer.Option("--extraordinary", help="an extraordinary session (kỳ họp không thường lệ, formerly bất thường): the same as the E in 16-E9")] = False,
    phase: Annotated[list[str] | None, typer.Option(
        metavar="FIRST:LAST", help="a sitting period (đợt) of a session held in phases, FIRST:LAST days in Ha Noi; repeat it for each, the first from "
             "the opening day")] = None,
    no_phases: Annotated[bool, typer.Option("--no-phases", help="set a session the calendar holds in phases without them (without "
                                                                  "this, or its --phase given again, it is refused: phases_given)")] = False,
    accept_missed_cutoffs: AcceptMissedCutoffs = False,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Add a session or move its opening day (and its phases), then tell every running draft.

    Deadlines follow, missed cut-offs slip. The code is refused unless it is legislature-session (16-2) or
    legislature-E-session (16-E9). A move earlier that would put the cut-off of running drafts in the past is
    refused unless --accept-missed-cutoffs is given."""
    from activities.calendar import sessions
    from activities.calendar import set_session as store_session

    choose(output, as_json)
    if no_phases and phase:
        raise Invalid("no_phases: --no-phases sets the session without phases, and --phase gives them: give one or the other",
                      field="no_phases", rule="phases_or_none")
    code = as_typed_in_filters(code)  # "16-e3" is 16-E3, as the lists read it (found by a National Assembly Office's trial)
    if extraordinary and (regular := re.fullmatch(r"([0-9]+)-([0-9]+)", code)):
        code = f"{regular[1]}-E{regular[2]}"  # `--extraordinary` is the E of the code
    try:
        legislature, number, coded_extraordinary = parse_session_code(code)
    except PydanticCustomError as refused:
        raise Invalid(refused.message(), field="code", rule=refused.type) from None
    try:
        session = TargetSession(legislature=legislature, session=number, opens_on=opens_on,
                                extraordinary=extraordinary or coded_extraordinary, phases=tuple(_phase(p) for p in phase or ()))
    except ValidationError as invalid:
        raise invalid_model(f"session {code} not set", invalid) from None

    async def store(db) -> None:
        known = await sessions(db)
        before = next((s for s in known if s.code == session.code), None)
        stored, today = before.opens_on if before else None, local_day(datetime.now(UTC))
        if before is not None and before.phases and not session.phases and not no_phases:
            # Found by a committee official's trial: a session moved without its phases lost them unsaid, and with them
            # the check that the Assembly decides within a phase, not in the recess between.
            sat = ", ".join(f"{p.starts_on}:{p.ends_on}" for p in before.phases)
            raise Invalid(f"phase: session {session.code} sits in {counted(len(before.phases), 'phase', True)} ({sat}); give them again for its new days "
                          "(--phase FIRST:LAST, once for each), or --no-phases to set it without them", field="phase", rule="phases_given")
        _checked(check_not_past, "opens_on", session.opens_on, stored, today, sits_until=session.phases[-1].ends_on if session.phases else None)
        _checked(check_session_order, known, session)
        _checked(check_sessions_apart, known, session)
        if stored is None:
            _within(len(known), MAX_SESSIONS, "sessions", "remove-session")
        if not accept_missed_cutoffs and session.opens_on < (stored or today):  # moved earlier, or set first while it sits
            await refuse_cutoffs_passing(db, session, stored, today)
        await store_session(db, session, changed_by=changed_by)
        # The day it moved from, said (found by a National Assembly Office's trial: in the JSON alone).
        err.print(f"session {session.code}, {session.name} ({session.label}), {session.sitting}{_moved_from(stored, session.opens_on)}")
        changed["session_set"] = session.model_dump(mode="json") | {"code": session.code, "name": session.name, "moved_from": stored.isoformat() if stored else None}
        warn_on_rest_day(f"session {session.code} opens", session.opens_on)
        if stored is not None:
            await _warn_decided_off_its_sittings(db, session)

    changed: dict = {}
    _store_and_tell(store, changed_by, changed)


def _moved_from(stored: date | None, now: date) -> str:
    return f" (moved from {day(stored)})" if stored is not None and stored != now else ""


# The decisions the Assembly takes at its sittings, as the audit trail names their stages.
_AT_A_SITTING = ("NA_FIRST_SESSION", "NA_SECOND_SESSION", "NA_SESSION")
# Events after which a draft aims at another session (with a first session's debate and a carry-over).
_AIMED_ELSEWHERE = ("SESSION_SLIPPED", "PROGRAMME_CHANGED")


async def _warn_decided_off_its_sittings(db, session: TargetSession) -> None:
    """Said, not refused: a session moved so that decisions already recorded at its sittings, by drafts aimed at it, fall
    before its opening or outside its phases (found by a National Assembly Office's trial: a session opened, a vote
    recorded there, then moved a few days later, said nothing, and the President's 15 days ran from a day the Assembly
    did not sit). The audit trail keeps what was recorded; the calendar is what may be wrong. A draft's decisions at its
    sittings are those after it was last aimed at another session (found by a later trial: a vote that failed at 16-1,
    the draft carried over to 16-E1, was named, twice, when 16-E1 moved)."""
    rows = await db.fetch(
        "SELECT e.submission_id, s.classified, coalesce(e.occurred_on, (e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS day FROM audit_events e "
        "JOIN submissions s USING (submission_id) WHERE s.target_session = $1 AND e.event = 'DECISION' AND e.stage = ANY($2::text[]) "
        "AND e.seq > coalesce((SELECT max(a.seq) FROM audit_events a WHERE a.submission_id = e.submission_id AND (a.event = ANY($3::text[]) "
        "OR a.event = 'DECISION' AND (a.stage = $4 OR a.outcome = $5))), 0) "
        "ORDER BY e.submission_id, e.seq", session.code, list(_AT_A_SITTING), list(_AIMED_ELSEWHERE), "NA_FIRST_SESSION", "CARRY_OVER")
    off: dict[str, list[date]] = {}
    classified: set[str] = set()
    for r in rows:
        if r["day"] < session.opens_on or session.phases and not any(p.starts_on <= r["day"] <= p.ends_on for p in session.phases):
            if r["classified"]:  # counted, never named: its ID beside the session would tell what its status withholds (a re-check)
                classified.add(r["submission_id"])
            else:
                off.setdefault(r["submission_id"], []).append(r["day"])
    if off or classified:
        named = ", ".join(f"{sid} ({', '.join(str(d) for d in days)})" for sid, days in list(off.items())[:10])
        more = (f" and {len(off) - 10} more" if len(off) > 10 else "") + (
            f"{' and ' if off else ''}{counted(len(classified), 'classified draft', True)}" if classified else "")
        warn(f"session {session.code} moved ({session.sitting}): decisions recorded at its sittings now fall outside them: {named}{more}; "
             "the audit trail keeps them as recorded (their deadlines count from those days): if the calendar was right before, set it back")


def warn_on_rest_day(what: str, on: date, again: str = "set it again with the right one") -> None:
    """A sitting or a deadline set on a rest day, said, not refused (`WorkingCalendar.rest_day_warning`): every running
    draft would count its cut-offs back from the sitting; a deadline on a rest day falls due that day all the same."""
    from activities.rulebook import shipped_working_calendar

    warn(shipped_working_calendar().rest_day_warning(what, on, again))


# How long after its opening a regular session given no phases may still be sitting: the longest sessions sit about six weeks.
SITTING_DAYS = 45


def _warn_during_session(meeting: StandingCommitteeMeeting, announced: list[TargetSession]) -> None:
    """Said, not refused: the Standing Committee does meet while the Assembly sits, but a meeting held during a regular
    session (on its opening day, or within its phases) is the meeting before no session (seventh generation on), so no
    draft counts a cut-off back from it; set on a mistyped day, the drafts it was meant for keep counting from an earlier
    meeting, or wait for one."""
    for session in announced:
        if session.extraordinary:  # the meeting before the next regular session may meet while an extraordinary one sits
            continue
        last = session.phases[-1].ends_on if session.phases else session.opens_on
        if session.opens_on <= meeting.meets_on <= last:
            warn(f"meeting {meeting.code} is on {day(meeting.meets_on)}, during session {session.code} ({session.sitting}): it is the "
                 "meeting before no session, so no draft counts a cut-off back from it (an ordinance sent back by the President is "
                 "still reconsidered at the first meeting after it came back, this one included); if the day is mistyped, set it "
                 "again with the right one")
        elif not session.phases and last < meeting.meets_on <= last + timedelta(days=SITTING_DAYS):
            # Found by a new engineer: set the day after a session opened, it became the meeting before the next one unsaid.
            warn(f"meeting {meeting.code} is on {day(meeting.meets_on)}, {counted((meeting.meets_on - session.opens_on).days, 'day', True)} after session "
                 f"{session.code} opens; the session was given no phases, so it is taken as sitting on its opening day only, and this "
                 "meeting as one after it, before the next session, whose drafts count their cut-offs back from it; if the session "
                 f"sits then, give its phases (legis calendar set-session {session.code} --phase FIRST:LAST)")


def _phase(text: str) -> dict[str, date]:
    first, colon, last = text.partition(":")
    if not colon:
        raise Invalid(f"phase: {text!r} is not FIRST:LAST, e.g. 2027-10-20:2027-11-06", field="phase", rule="phase_dates")
    day_of = day_option("phase")  # each day by the rule every other day is checked by
    return {"starts_on": day_of(first), "ends_on": day_of(last)}


@app.command("set-meeting", epilog=examples('legis calendar set-meeting UBTVQH-52 --on 2027-04-12 --by "VPQH"'))
def set_meeting(
    code: Annotated[str, typer.Argument(help="the meeting's code, e.g. UBTVQH-52")],
    meets_on: Annotated[date, typer.Option("--on", parser=day_option("meets_on"), metavar="YYYY-MM-DD", help="the meeting's day, in Ha Noi")],
    changed_by: ChangedBy,
    accept_missed_cutoffs: AcceptMissedCutoffs = False,
    held: Annotated[bool, typer.Option("--held", help="the meeting was held on --on, a past day: one announced, earlier than announced, or "
                                       "one the calendar did not hold; an ordinance's adoption at it is then entered with that day")] = False,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Add a Standing Committee meeting or move it, then tell every running draft (its cut-offs follow).

    At least one session must be announced first (`legis calendar set-session`; refused otherwise, session_announced).
    A day before today is refused (not_in_past) unless --held records a meeting already held: one announced, moved to the
    earlier day it was held on, or one the calendar did not hold (refused, cutoffs_would_pass, where it would be the last
    meeting before a session not yet open, unless --accept-missed-cutoffs). A move that would put the cut-off of running drafts in the past is refused unless
    --accept-missed-cutoffs is given."""
    from activities.calendar import meetings, sessions
    from activities.calendar import set_meeting as store_meeting

    choose(output, as_json)
    try:
        # Codes are capitals (UBTVQH-52): one typed in small letters would be a second meeting that `remove-meeting` misses.
        meeting = StandingCommitteeMeeting(code=code.upper(), meets_on=meets_on)
    except ValidationError as invalid:
        raise invalid_model("meeting not set", invalid) from None

    async def store(db) -> None:
        # Refused before anything is stored: the drafts are told the meetings with the sessions they count back to.
        announced = await sessions(db)
        _announced(announced)
        known = await meetings(db)
        stored = next((m.meets_on for m in known if m.code.upper() == meeting.code), None)
        today = local_day(datetime.now(UTC))
        _checked(check_not_past, "meets_on", meeting.meets_on, stored, today, held=held)
        _checked(check_meeting, known, meeting)
        if stored is None and meeting.meets_on < today and not accept_missed_cutoffs:
            refuse_held_meeting_counting(known, announced, meeting, today)
        if stored is None:
            _within(len(known), MAX_MEETINGS, "meetings", "remove-meeting")
        if stored is not None and not accept_missed_cutoffs:
            await refuse_meeting_cutoffs_passing(db, meeting.code, meeting.meets_on, stored, field="meets_on")
        await store_meeting(db, meeting, changed_by=changed_by)
        err.print(f"meeting {meeting.code} on {day(meeting.meets_on)}{_moved_from(stored, meeting.meets_on)}")
        changed["meeting_set"] = meeting.model_dump(mode="json") | {"moved_from": stored.isoformat() if stored else None}
        warn_on_rest_day(f"meeting {meeting.code} is", meeting.meets_on)
        _warn_during_session(meeting, announced)

    changed: dict = {}
    _store_and_tell(store, changed_by, changed)


@app.command("remove-session", epilog=examples('legis calendar remove-session 16-9 --by "VPQH"'))
def remove_session(
    code: Annotated[str, typer.Argument(help="the code of the session to take off the calendar, e.g. 16-9")],
    changed_by: ChangedBy,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Take a session off the calendar (set by mistake, say 16-9 for 16-2), then tell every running draft.

    Refused while a running draft aims at it (move the session with set-session, or aim those drafts elsewhere by a
    programme change, first) and for the only session on the calendar (it keeps at least one); what drafts recorded of
    it stays in their audit trails."""
    from activities.calendar import remove_session as unset_session
    from activities.calendar import sessions
    from store.registry import running_drafts_aimed_at

    choose(output, as_json)
    code = as_typed_in_filters(code)

    async def store(db) -> None:
        known = await sessions(db)
        if all(s.code != code for s in known):
            raise NotFound(f"code: no session {code} on the calendar (legis calendar show)", field="code", rule="known")
        if aimed := await running_drafts_aimed_at(db, code):
            raise Rejected(f"code: {counted(len(aimed), 'running draft', True)} aim{'s' * (len(aimed) == 1)} at session {code} ({listed([(r,) for r in aimed], lambda r: r['submission_id'], ', ')}): "
                           "move the session with `legis calendar set-session`, or aim them at another by a programme change, first",
                           field="code", rule="session_has_drafts")
        if len(known) == 1:  # said as what it is (found by a re-check: "announce at least one session ... first")
            raise Rejected(f"code: session {code} is the only one on the calendar, which keeps at least one: set the next first "
                           "(legis calendar set-session), then remove it", field="code", rule="session_announced")
        await unset_session(db, code)
        err.print(f"session {code} removed")

    _store_and_tell(store, changed_by, {"session_removed": code})


@app.command("remove-meeting", epilog=examples('legis calendar remove-meeting UBTVQH-53 --by "VPQH"'))
def remove_meeting(
    code: Annotated[str, typer.Argument(help="the code of the meeting to take off the calendar")],
    changed_by: ChangedBy,
    accept_missed_cutoffs: AcceptMissedCutoffs = False,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """Take a Standing Committee meeting off the calendar (set by mistake, or called off), then tell every running draft.

    A draft counting its cut-off from it counts from the meeting before its session that is left, or none. What the
    drafts recorded of it stays in their audit trails, followed by the change. A removal that would put the cut-off
    of running drafts in the past (counted from an earlier meeting) is refused unless --accept-missed-cutoffs is
    given."""
    from activities.calendar import meetings, sessions
    from activities.calendar import remove_meeting as unset_meeting

    choose(output, as_json)

    code = code.upper()  # as set-meeting stores it: `ubtvqh-70` is UBTVQH-70

    async def store(db) -> None:
        _announced(await sessions(db))
        stored = next((m.meets_on for m in await meetings(db) if m.code == code), None)
        if stored is not None and not accept_missed_cutoffs:
            await refuse_meeting_cutoffs_passing(db, code, None, stored, field="code")
        if (removed := await unset_meeting(db, code)) is None:
            raise NotFound(f"code: no meeting {code} on the calendar (legis calendar show)", field="code", rule="known")
        err.print(f"meeting {removed} removed")

    _store_and_tell(store, changed_by, {"meeting_removed": code})


@app.command("tell", epilog=examples('legis calendar tell --by "VPQH"'))
def tell(changed_by: TellBy, output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """Tell every running draft the calendar as it stands, changing nothing stored.

    After a calendar command that could not tell them all (a draft whose worker did not answer), and after
    installing a release whose working calendar holds rest days announced since (each draft counts its deadline and
    cut-offs on them, DEADLINE_RECOUNTED). A draft that follows it already records nothing."""
    choose(output, as_json)
    _store_and_tell(None, changed_by)


def _announced(known: list[TargetSession]) -> list[TargetSession]:
    if not known:
        # As the draft refuses what needs a session while none is announced (CONFLICT: announce one, then send it again).
        raise Rejected("sessions: announce at least one session with `legis calendar set-session` first", field="sessions",
                       rule="session_announced")
    return known


def _within(held: int, most: int, field: str, remove: str) -> None:
    """Refuse one more session or meeting before it is stored: the calendar the drafts are told holds at most `most`."""
    if held >= most:
        raise Invalid(f"{field}: the calendar holds {held}, the most a draft can be told; take one that is over off it first "
                      f"(`legis calendar {remove}`)", field=field, rule="too_long")


def _checked(check, *args, **options) -> None:
    try:
        check(*args, **options)
    except Refused as refused:
        raise from_refusal(refused) from None


@app.command("show", epilog=examples("legis calendar show", "legis calendar show --output json"))
def show_calendar(output: Output = Format.TABLE, as_json: AsJson = False) -> None:
    """The sessions and Standing Committee meetings as operators last set them."""
    from activities.calendar import meetings, sessions

    choose(output, as_json)
    async def fetch(db):
        return await sessions(db), await meetings(db)

    known_sessions, known_meetings = database.read(fetch)
    if wants_json():
        emit_json({"sessions": [s.model_dump(mode="json") | {"code": s.code, "name": s.name, "label": s.label} for s in known_sessions],
                   "meetings": known_meetings})
        return
    if not known_sessions and not known_meetings:  # an empty table told a new user nothing (a fresh-user trial)
        out.print("no session or Standing Committee meeting announced yet: `legis calendar set-session` and `set-meeting` announce them")
        return
    shown = table("National Assembly calendar", "what", "code", "day", "kind")
    for s in known_sessions:
        phases = "".join(f"\nphase {i}: {day(p.starts_on)} to {day(p.ends_on)}" for i, p in enumerate(s.phases, 1))
        shown.add_row("session opens", s.code, day(s.opens_on), f"{s.name} ({s.label}){phases}")
    for m in known_meetings:
        shown.add_row("Standing Committee meets", m.code, day(m.meets_on), "Phiên họp Ủy ban Thường vụ Quốc hội")
    print_table(shown)


@app.command("holidays", epilog=examples("legis calendar holidays --year 2026", "legis calendar holidays --year 2027 --output json"))
def holidays(
    year: Annotated[int | None, typer.Option(parser=whole_number("year", FIRST_DAY.year, LAST_DAY.year), metavar="YEAR",
                                             help=f"the year, {FIRST_DAY.year} to {LAST_DAY.year} (default: this year in Ha Noi)")] = None,
    output: Output = Format.TABLE,
    as_json: AsJson = False,
) -> None:
    """The working calendar of a year, as WORKING_DAYS limits count it.

    Public holidays, working days made days off, and weekend days made working days, with their names and the
    announcement they come from."""
    from activities.rulebook import shipped_working_calendar

    choose(output, as_json)
    year = year or local_day(datetime.now(UTC)).year
    known = shipped_working_calendar().year(year)
    days = []
    if known:
        for kind, entries in (("holiday", known.holidays), ("day off", known.days_off), ("working day", known.working_days)):
            days += [{"day": d.day, "weekday": WEEKDAYS[d.day.weekday()], "kind": kind, "name": d.name} for d in entries]
        days.sort(key=lambda d: d["day"])
    if known is None:
        state = f"{year}: not in this release's working calendar; WORKING_DAYS limits count only Saturdays and Sundays as rest days"
    elif not known.announced:
        state = f"{year}: not announced yet by the Government; the days below are the expected ones"
    else:
        state = f"{year}: as announced by the Government"
    if wants_json():
        emit_json({"year": year, "known": known is not None, "announced": bool(known and known.announced),
                   "source": known.source if known else None, "note": state, "days": days})
        return
    out.print(state)
    if known is None:
        return
    out.print(f"source: {known.source}")
    shown = table(f"working calendar {year}", "day", "weekday", "kind", "name")
    for d in days:
        shown.add_row(day(d["day"]), d["weekday"], d["kind"], d["name"])
    print_table(shown)
