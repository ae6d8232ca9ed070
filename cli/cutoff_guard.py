"""What a calendar change would do to the running drafts' cut-offs, asked before anything is stored: a session or a
Standing Committee meeting moved earlier (or removed) so far that a draft's cut-off ahead would lie before today is
refused (`cutoffs_would_pass`), naming each draft with the day its cut-off would fall on, unless the operator accepts it
(`--accept-missed-cutoffs`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial

from activities.rulebook import PinInput, pinned_rules
from cli.failures import Rejected
from schemas.calendar import StandingCommitteeMeeting, TargetSession, parse_session_code
from schemas.enums import DeadlineAnchor, ProcessVersion, RestDay, Stage
from schemas.records import PinnedRules
from workflows.deadlines import local_day, off_rest_day, stage_deadline, start_of
from workflows.rounds import counted
from workflows.sessions import meeting_before_among


async def refuse_cutoffs_passing(db, session: TargetSession, stored: date | None, today: date) -> None:
    """A session moved earlier brings earlier the cut-offs counted back from it, and moves those counted back from the
    Standing Committee meeting before it to an earlier meeting once that one no longer comes before it: refused, before
    anything is stored, when a running draft's cut-off ahead would then lie before today (a day and month swapped,
    2027-01-06 for 2027-06-01, would have each such draft record its cut-off missed, in an audit trail that keeps it). The
    cut-offs the registry last recorded, each counted again from the new day by the limit that gave it (`_Recount`). A
    session set for the first time while it sits (`stored` None, its opening past) puts every cut-off counted back from it,
    or from the meeting before it, before today: a draft aimed at it whose cut-off is ahead, on a day of its own start
    request, would miss it."""
    from activities.calendar import meetings
    from store.registry import cutoffs_counted_from

    on = {m.code: m.meets_on for m in await meetings(db)}
    before = max((day for day in on.values() if day < session.opens_on), default=None)

    recount = _Recount(db)

    async def moved(row) -> date | None:
        if stored is None:
            return session.opens_on
        if row["cutoff_sitting"] == session.code:
            return await recount(row, DeadlineAnchor.BEFORE_NA_SESSION, stored, session.opens_on)
        was = on.get(row["cutoff_sitting"])
        if was is None or was < session.opens_on or before is None:  # the same meeting before it, or none left to count from
            return None
        return await recount(row, DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING, was, before)

    passing = [(r, day) for r in await cutoffs_counted_from(db, session.code) if r["cutoff"] >= today and (day := await moved(r)) and day < today]
    if passing:
        # A move names the day each cut-off would fall on; a sitting session, the day each counts now (all are past then).
        named = listed(passing, lambda r, day: f"{r['submission_id']}: " + (
            _standing(r, day) if stored else f"{r['cutoff_stage']}, due by {r['cutoff']} as it counts now") + _approved(r))
        slip = (f"and slip {_KEEPS_APPROVED}" if not session.extraordinary
                else "(at an extraordinary session it keeps its place)")
        change = f"moving session {session.code} from {stored} to" if stored else f"setting session {session.code}, sitting now, as opened on"
        raise Rejected(f"opens_on: {change} {session.opens_on} puts the cut-off of {counted(len(passing), 'running draft', True)} "
                       f"before today ({named}): each would record it missed {slip}. If the day "
                       "is right, set it again with --accept-missed-cutoffs", field="opens_on", rule="cutoffs_would_pass")


async def refuse_meeting_cutoffs_passing(db, code: str, meets_on: date | None, stored: date, *, field: str) -> None:
    """A Standing Committee meeting moved from `stored` to `meets_on` (None: removed) moves the cut-offs counted back from
    it to the meeting that is then the one before their session (itself, or an earlier one once it no longer comes
    before the session): refused, before anything is stored, when a running draft's cut-off ahead would then lie before
    today (a mistyped year, 2026 for 2027, would have each such draft record its cut-off missed, in an audit trail that
    keeps it). As the registry last recorded the cut-offs, each counted again by the limit that gave it (`_Recount`)."""
    from activities.calendar import meetings, sessions
    from store.registry import cutoffs_counted_from

    today = local_day(datetime.now(UTC))
    announced = {s.code: s for s in await sessions(db)}
    after = sorted([m for m in await meetings(db) if m.code != code] + ([StandingCommitteeMeeting(code=code, meets_on=meets_on)] if meets_on else []),
                   key=lambda m: m.meets_on)

    def session_of(row) -> TargetSession:
        if (session := announced.get(row["target_session"])) is not None:
            return session
        # A session of the draft's own, whose day the registry does not keep: it opens after this meeting, the one before it,
        # with no other meeting between; counted as opening the day after the later of the meeting's two days.
        legislature, number, extraordinary = parse_session_code(row["target_session"])
        return TargetSession(legislature=legislature, session=number, extraordinary=extraordinary,
                             opens_on=max(stored, meets_on or stored) + timedelta(days=1))

    recount = _Recount(db)

    async def moved(row) -> date | None:
        before = meeting_before_among(after, tuple(announced.values()), session_of(row))
        return None if before is None else await recount(row, DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING, stored, before.meets_on)

    passing = [(r, day) for r in await cutoffs_counted_from(db, code) if r["cutoff"] >= today and (day := await moved(r)) and day < today]
    if passing:
        named = listed(passing, lambda r, day: f"{r['submission_id']}: {_standing(r, day)}{_approved(r)}")
        change = f"moving meeting {code} from {stored} to {meets_on}" if meets_on else f"removing meeting {code} (on {stored})"
        raise Rejected(f"{field}: {change} puts the cut-off of {counted(len(passing), 'running draft', True)} before today ({named}): each would record it missed and slip {_KEEPS_APPROVED}. If the change "
                       "is right, make "
                       "it again with --accept-missed-cutoffs", field=field, rule="cutoffs_would_pass")


# A draft before the stage a cut-off bounds records it on reaching that stage (README, sessions; found by a fresh-user trial).
_KEEPS_APPROVED = ("(a draft at an earlier stage on the day it reaches the stage the cut-off bounds; one whose approved "
                   "date stands keeps it, and slips if that passes too, or, awaiting the Government's decision, when its session "
                   "opens, whichever comes first)")

class _Recount:
    """A cut-off counted again from its sitting's new day, by the rulebook limit (anchored as asked) that gives the one the
    registry recorded from the sitting's old day, over the working calendar a draft counts on, rest days moving it as
    the limit says (found by a trial: moved as many days as the sitting, a cut-off landing on a Sunday was taken as that
    Sunday, today, where the draft counted the Friday before, passed: the move was not refused, and the draft slipped).
    Moved as many days, then to the working day before, when no limit gives the recorded one (an older edition's)."""

    def __init__(self, db) -> None:
        self._db = db
        self._pinned: dict[str, PinnedRules] = {}

    async def __call__(self, row, anchor: DeadlineAnchor, was: date, now_on: date) -> date:
        version = row["process_version"]
        if version not in self._pinned:
            self._pinned[version] = await pinned_rules(self._db, PinInput(process_version=ProcessVersion(version), submission_id=row["submission_id"]))
        pinned, recorded = self._pinned[version], _counted(row)
        rule = pinned.rulebook.rule(Stage(row["cutoff_stage"]))
        for limit in (rule.time_limit, rule.meeting_cutoff):
            if limit is None or limit.anchor is not anchor:
                continue
            counted = partial(stage_deadline, limit, entered_at=start_of(was), workdays=pinned.working, rest_days=True)
            if counted(session_opens_on=was, meeting_on=was) == recorded:
                return counted(session_opens_on=now_on, meeting_on=now_on)
        return off_rest_day(recorded - (was - now_on), RestDay.PREVIOUS_WORKING_DAY, pinned.working)


def listed(rows: list[tuple], said: Callable[..., str], between: str = "; ", most: int = 5) -> str:
    """The drafts a refusal names, each a registry row and what goes with it: the first `most` with what `said` says of
    each; the classified ones counted, never named: an ID beside a session or a meeting tells what `legis status`
    withholds, their session (found by a breaker)."""
    shown = [row for row in rows if not row[0]["classified"]]
    hidden = len(rows) - len(shown)
    return between.join([said(*row) for row in shown[:most]] + (["..."] if len(shown) > most else [])
                        + ([f"{hidden} classified draft{'s' * (hidden != 1)}"] if hidden else []))


def _counted(row) -> date:
    """The cut-off a draft counts back from its sitting, as the registry recorded it: where its recorded cut-off is a date
    approved at its stage, which stands wherever the sitting goes, the counted one beside it (a row written before that
    was recorded: the approved date, which the sitting's cut-off is not before)."""
    return row["cutoff_counted"] or row["cutoff"]


def _standing(row, day: date) -> str:
    """"STAGE by DAY", the cut-off's day once moved; for a draft whose deadline in force is a date approved at its stage
    within that cut-off, that the date stands (found by a fresh-user trial: the approved date was said moved with it)."""
    if not row["approved_standing"]:
        return f"{row['cutoff_stage']} by {day}"
    if row["cutoff_counted"] is not None:
        return f"{row['cutoff_stage']} by {day}, its approved date {row['cutoff']} standing"
    moved = (row["cutoff"] - day).days
    return f"{row['cutoff_stage']}, its approved date {row['cutoff']} standing while its cut-offs move {moved} day{'s' if moved != 1 else ''} earlier"


def _approved(row) -> str:
    """", its approved date ... standing" for a draft whose deadline at the cut-off's stage is a date an authority approved
    (the registry's deadline is then not the cut-off): it keeps that date when the cut-off passes (README, sessions)."""
    approved = row["stage"] == row["cutoff_stage"] and row["stage_deadline"] is not None and row["stage_deadline"] != row["cutoff"]
    return f", its approved date {row['stage_deadline']} standing" if approved else ""


def refuse_held_meeting_counting(known: Sequence[StandingCommitteeMeeting], sessions: Sequence[TargetSession], held: StandingCommitteeMeeting,
                                 today: date) -> None:
    """A meeting the calendar did not hold, recorded as held on a past day (`--held`), that would be the meeting before a
    session not yet open: every draft aimed at that session would count its Standing Committee limits back from a day
    gone, and record them missed. Refused before anything is stored; such a meeting is most often mistyped (a wrong
    year), since a later one is announced before each session."""
    after = sorted([*known, held], key=lambda m: m.meets_on)
    counting = [s.code for s in sessions if s.opens_on > today and meeting_before_among(after, sessions, s) == held]
    if counting:
        raise Rejected(f"meets_on: meeting {held.code} held on {held.meets_on} would be the Standing Committee's last before session "
                       f"{', '.join(counting)}, which has not opened: every draft aimed at it would count its limits back from that "
                       f"day, gone, and record them missed. If the meeting is right, make the change again with "
                       "--accept-missed-cutoffs", field="meets_on", rule="cutoffs_would_pass")

