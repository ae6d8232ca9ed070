"""Sessions as a draft lives them: which session it aims at, the cut-offs counted back from it, and slipping.

Pure functions of a draft's state (`schemas.state.DraftState`); no clock but the `now` they are given.
Dates are Ha Noi dates; a deadline is missed at the start of the next Ha Noi day (`passes_at`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from schemas.calendar import StandingCommitteeMeeting, TargetSession, check_session_number, check_session_order
from schemas.enums import (
    ASSEMBLY_STAGES,
    DEBATING_SESSIONS,
    SITTING_STAGES,
    ConsultationKind,
    Counting,
    DeadlineAnchor,
    EventKind,
    LawKind,
    Outcome,
    RestDay,
    SessionProcedure,
    Stage,
)
from schemas.messages import ProgrammeChange
from schemas.records import RegistryCutoffs
from schemas.refusal import Refused
from schemas.rulebook import ConsultationWindow, TimeLimit
from schemas.state import DraftState
from workflows.deadlines import WorkDays, earliest, holidays, local_day, off_rest_day, passes_at, shift_days, stage_deadline, start_of

CALENDAR_ANCHORS = (DeadlineAnchor.BEFORE_NA_SESSION, DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING)


def workdays(state: DraftState) -> WorkDays:
    """The working calendar the draft counts on: the announced one, or (first generation) its rulebook's holidays."""
    return state.working if state.generation >= 2 else holidays(state.rulebook.holidays)


def limits(state: DraftState, stage: Stage | None = None) -> tuple[TimeLimit, ...]:
    """The time limits of a stage that apply to this draft (a rulebook may reserve one for some kinds of draft)."""
    rule = state.rulebook.rule(stage or state.stage)
    found = tuple(limit for limit in (rule.time_limit, rule.meeting_cutoff) if limit is not None)
    if state.generation < 2:
        return found
    return tuple(limit for limit in found if limit.applies_to(state.request.law_kind, state.procedure))


def meeting_before(state: DraftState, session: TargetSession) -> StandingCommitteeMeeting | None:
    """The last announced Standing Committee meeting before the session opens: the one that discusses the draft. From the
    seventh generation it must also meet after the session before that one (`session_before`) has sat: None while no
    meeting between the two is announced, so that an ordinance aiming at a later session is not counted back from a
    meeting months before its time."""
    return meeting_before_among(state.meetings, _known(state) if state.generation >= 7 else (), session)


def meeting_before_among(meetings: Sequence[StandingCommitteeMeeting], sessions: Sequence[TargetSession],
                         session: TargetSession) -> StandingCommitteeMeeting | None:
    """`meeting_before` among `meetings` (in the order of their days), the one before `session` among `sessions` having
    sat (none given: any meeting before it); what `legis calendar` asks before it moves or removes a meeting."""
    earlier = session_before_among(sessions, session)
    after = (earlier.phases[-1].ends_on if earlier.phases else earlier.opens_on) if earlier else None
    return next((m for m in reversed(meetings) if m.meets_on < session.opens_on and (after is None or m.meets_on > after)), None)


def session_before(state: DraftState, session: TargetSession) -> TargetSession | None:
    """The last session announced (or the last one the draft had) that opens before `session`, other than `session` under
    another date; before a regular session, the last regular one (an extraordinary session called in between does not
    take the Committee's preparation of the regular one away)."""
    return session_before_among(_known(state), session)


def session_before_among(known: Sequence[TargetSession], session: TargetSession) -> TargetSession | None:
    """`session_before` among the sessions `known`."""
    return max((s for s in known if s.opens_on < session.opens_on and s.code != session.code
                and (session.extraordinary or not s.extraordinary)), key=lambda s: s.opens_on, default=None)


def _known(state: DraftState) -> tuple[TargetSession, ...]:
    return (*state.sessions, state.held) if state.held is not None else state.sessions


def awaiting_session(state: DraftState) -> bool:
    """Between sessions with no later session announced yet: nothing to count a cut-off back from."""
    return (
        state.generation >= 2 and state.held is not None and state.stage in ASSEMBLY_STAGES
        and state.target.opens_on <= state.held.opens_on
    )


def awaits_later_session(state: DraftState) -> bool:
    """At a sitting stage after a debate (or an ordinance's referral with no session announced after it), whether the
    draft still aims at the session that debated it (`held`: by code, as a calendar change may move its day), where the
    Assembly decides at a later one. A law accelerated to one session is voted at the session that debated it.
    `awaiting_session`, which compares days only, as the generations before the eighth counted, is the rest of it."""
    if state.stage not in SITTING_STAGES or (state.request.law_kind is not LawKind.ORDINANCE and state.procedure is SessionProcedure.ONE_SESSION):
        return False
    return awaiting_session(state) or (state.held is not None and state.target.code == state.held.code)


def passed_at_its_debate(state: DraftState, change: ProgrammeChange, day: date) -> TargetSession | None:
    """Tenth generation: the session that debated a law, as the calendar announces it, when a switch of the law to one
    session (DOMAIN edge case 6) names it on `day` (Ha Noi), a day the calendar has it sitting (within one of its phases):
    the Assembly passes the law at the sitting that debated it, where it is voted whatever session is announced later.
    None otherwise: without phases the calendar cannot tell a sitting session from one that has ended."""
    held = state.held
    if state.generation < 10 or held is None or change.procedure is not SessionProcedure.ONE_SESSION or change.to_session is None:
        return None
    sitting = announced(state, held) or held
    return sitting if change.to_session.code == held.code and within_phase(sitting, day) else None


def as_named(state: DraftState, session: TargetSession | None) -> TargetSession | None:
    """A session a message names (a deferral's, a carry-over's), from the twelfth generation on as the draft knows it,
    found by its code: as the calendar announces it, or else as the session the draft aims at or last debated it (one the
    calendar no longer holds, or never announced), its opening day and phases whatever day the message gave. One the
    draft does not know is taken as the message gives it."""
    if session is None or state.generation < 12:
        return session
    known = (s for s in (state.target, state.held) if s is not None and s.code == session.code)
    return announced(state, session) or next(known, session)


def differs_from(named: TargetSession, session: TargetSession) -> str:
    """What a label adds when a message gave another opening day than the draft knows (`as_named`): " (the request said
    D)"."""
    return f" (the request said {session.opens_on})" if named.opens_on != session.opens_on else ""


def within_phase(session: TargetSession, day: date) -> bool:
    """Whether `day` (Ha Noi) lies within one of the session's phases, as the calendar gives them (none: never)."""
    return any(phase.starts_on <= day <= phase.ends_on for phase in session.phases)


def statutory_deadline(state: DraftState, session: TargetSession | None = None) -> date | None:
    """The current stage's deadline by the rulebook and calendar, if the draft aimed at `session` (its target by default)."""
    if state.stage.is_terminal or (session is None and awaiting_session(state)):
        return None
    session = session or state.target
    meeting = meeting_before(state, session)
    return earliest(*(
        stage_deadline(
            limit,
            entered_at=state.stage_since,
            session_opens_on=session.opens_on,
            meeting_on=meeting.meets_on if meeting else None,
            workdays=workdays(state),
            rest_days=state.generation >= 2,
        )
        for limit in limits(state)
    ))


_FROM = {DeadlineAnchor.STAGE_ENTRY: "from the day the draft reached the stage",
         DeadlineAnchor.COMPLETE_DOSSIER: "from the day the complete dossier arrived"}


def deadline_counted(state: DraftState) -> str | None:
    """How the statutory deadline in force is counted, in the words of `legis status` and the API's status: "30 calendar
    days from the day the complete dossier arrived", "45 calendar days before session 16-2 opens (2027-05-20); the last
    day counted, 2027-04-05, a rest day, moved to the working day before", with "[unverified: <its source>]" after a number
    the rulebook does not hold verified. None: no statutory deadline in force (none, or an approved date)."""
    if state.deadline is None or state.postponement is not None or state.stage.is_terminal or awaiting_session(state):
        return None
    meeting = meeting_before(state, state.target)
    for limit in limits(state):
        counted = [stage_deadline(limit, entered_at=state.stage_since, session_opens_on=state.target.opens_on,
                                  meeting_on=meeting.meets_on if meeting else None, workdays=workdays(state), rest_days=rest)
                   for rest in (False, True)]
        if counted[1] != state.deadline:
            continue
        days = f"{limit.days} {'calendar' if limit.counting is Counting.CALENDAR_DAYS else 'working'} days"
        said = (f"{days} before session {state.target.code} opens ({state.target.opens_on})" if limit.anchor is DeadlineAnchor.BEFORE_NA_SESSION
                else f"{days} before the Standing Committee meeting {meeting.code} ({meeting.meets_on})"
                if limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING and meeting else f"{days} {_FROM.get(limit.anchor, '')}")
        if counted[0] != counted[1]:
            said += (f"; the last day counted, {counted[0]}, a rest day, moved to the "
                     f"{'working day before' if counted[1] < counted[0] else 'next working day'}")
        # A number no law text read gives is said so, with its source (found by a National Assembly Office's trial).
        return said.strip() + (f" [unverified: {limit.source}]" if limit.unverified else "")
    return None


def check_named(state: DraftState, session: TargetSession | None, field: str) -> None:
    """A session a message names, from the fourth generation on (`schemas.calendar.check_session_number`): a draft of an
    earlier one replays the messages it took; from the twelfth, one the draft does not know (`as_named`) in order with the
    sessions announced, as a start's is (`schemas.calendar.check_session_order`, `FIELD.opens_on`, `sessions_in_order`)."""
    if session is not None and state.generation >= 4:
        check_session_number(session, field)
    if session is not None and state.generation >= 12 and as_named(state, session) is session:
        try:
            check_session_order(state.sessions, session)
        except Refused as refused:
            raise refused.within(field) from None


def postponement_conflict(state: DraftState, now: datetime | None = None) -> tuple[date, str] | None:
    """The cut-off an approved postponement's date falls after, and the sitting it is counted back from ("session 16-2",
    or "Standing Committee meeting UBTVQH-52 before session 16-2" for a limit counted from the meeting); None without
    a postponement, or with one that still fits; given `now`, from the fourteenth generation on, None once the cut-off
    has passed (Ha Noi day): no date can meet it then, and the draft slips if the approved date passes too."""
    cutoff = statutory_deadline(state)
    if state.postponement is None or cutoff is None or not calendar_anchored(state) or state.postponement.deadline <= cutoff:
        return None
    if now is not None and state.generation >= 14 and passes_at(cutoff) <= now:
        return None
    anchored = [limit for limit in limits(state) if limit.anchor in CALENDAR_ANCHORS]
    meeting = meeting_before(state, state.target)
    if meeting and all(limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING for limit in anchored):
        return cutoff, f"Standing Committee meeting {meeting.code} before session {state.target.code}"
    return cutoff, f"session {state.target.code}"


def calendar_anchored(state: DraftState) -> bool:
    """Whether the current stage's deadline is counted back from the session or the meeting before it."""
    if state.stage.is_terminal:
        return False
    return any(limit.anchor in CALENDAR_ANCHORS for limit in limits(state))


def slips_when_missed(extraordinary: bool) -> bool:
    """An extraordinary session is called at short notice: a draft brought to it keeps its place though the usual
    cut-offs cannot be met (they are still recorded as missed). A draft aimed at a regular session slips."""
    return not extraordinary


def cutoff_missed(state: DraftState, now: datetime) -> bool:
    if not slips_when_missed(state.target.extraordinary) or limit_waits_for_meeting(state):
        return False
    return calendar_anchored(state) and state.deadline is not None and passes_at(state.deadline) <= now


def limit_waits_for_meeting(state: DraftState) -> bool:
    """Twenty-fifth generation: the current stage's limits all count back from the Standing Committee meeting before the
    draft's session, and none is announced. A date approved meanwhile is the deadline in force, not a cut-off: passed,
    the draft is late, and does not slip (found by a breaker: the status said no cut-off, then the draft slipped)."""
    if state.generation < 25 or state.stage.is_terminal or meeting_before(state, state.target) is not None:
        return False
    anchored = [limit for limit in limits(state) if limit.anchor in CALENDAR_ANCHORS]
    return bool(anchored) and all(limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING for limit in anchored)


@dataclass(frozen=True)
class Cutoff:
    """The next cut-off a draft must meet to keep its session: the stage it must finish, the last day, and the sitting
    it is counted back from (the session's code, or the Standing Committee meeting's)."""

    stage: Stage
    day: date
    sitting: str


def cutoff_ahead(state: DraftState) -> Cutoff | None:
    """The first cut-off on the draft's path from its current stage on: at the current stage, the draft's own deadline
    (a postponement included); at a later one, the deadline the draft will set when it enters that stage, counted by
    the same `stage_deadline` over the same limits (by kind of law), calendars and rest-day rules; a stage after a
    debate ahead counts back from the session after the draft's (sixth generation; before, from the draft's own). None
    when no stage ahead counts back from a sitting, or no session is announced to count from."""
    if state.stage.is_terminal or awaiting_session(state) or state.stage not in state.path:
        return None
    session = state.target
    meeting = meeting_before(state, session)
    for stage in state.path[state.path.index(state.stage):]:
        anchored = [limit for limit in limits(state, stage) if limit.anchor in CALENDAR_ANCHORS]
        if stage is state.stage:
            if anchored and state.deadline is not None:
                if limit_waits_for_meeting(state):
                    # An approved date standing meanwhile is no cut-off counted back from the session (found by a
                    # National Assembly Office's trial: "on track", within a cut-off "counted back from 16-3").
                    return None
                on_meeting = all(limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING for limit in anchored)
                return Cutoff(stage, state.deadline, meeting.code if on_meeting and meeting else session.code)
        else:
            found = [(day, limit) for limit in anchored if (day := stage_deadline(
                limit, entered_at=state.stage_since, session_opens_on=session.opens_on, meeting_on=meeting.meets_on if meeting else None,
                workdays=workdays(state), rest_days=state.generation >= 2)) is not None]
            if found:
                day, limit = min(found, key=lambda pair: pair[0])
                on_meeting = limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING
                return Cutoff(stage, day, meeting.code if on_meeting and meeting else session.code)
        if state.generation >= 6 and stage in DEBATING_SESSIONS:
            # After its debate the draft aims at the next session (`Change.aim_after_debate`): the revision between
            # the two counts back from that one, or from none while it is not announced.
            if (session := next_session_after(state, session)) is None:
                return None
            meeting = meeting_before(state, session)
    return None


def comes_before_committee(state: DraftState) -> bool:
    """Whether the Committee's opinion, or a cut-off counted back from its meeting, lies ahead on the draft's path."""
    if state.stage.is_terminal or state.stage not in state.path:
        return False
    ahead = state.path[state.path.index(state.stage):]
    return Stage.STANDING_COMMITTEE_OPINION in ahead or any(
        limit.anchor is DeadlineAnchor.BEFORE_STANDING_COMMITTEE_MEETING for stage in ahead for limit in limits(state, stage))


def committee_meeting_ahead(state: DraftState) -> StandingCommitteeMeeting | None:
    """The Standing Committee meeting the draft still comes before: the one before its session, while the Committee's
    opinion, or a cut-off counted back from that meeting, lies ahead on its path."""
    return meeting_before(state, state.target) if comes_before_committee(state) else None


def registry_cutoffs(state: DraftState) -> RegistryCutoffs:
    """What the board marks the draft by: its next cut-off and the Committee meeting it comes before, as it counts them.
    While an approved date conflicts with its sitting's cut-off (POSTPONEMENT_CONFLICT), the cut-off is the sitting's,
    not the approved date in force (the board marks the draft at risk until the approved date passes: `web.marks`); while
    one stands within it, the cut-off is that date, and `counted` the sitting's."""
    cutoff, meeting, counted = cutoff_ahead(state), committee_meeting_ahead(state), None
    if cutoff is not None and state.generation >= 2 and (conflict := postponement_conflict(state)):  # a conflict is the current stage's
        cutoff = replace(cutoff, day=conflict[0])
    elif cutoff is not None and cutoff.stage is state.stage and state.postponement is not None and cutoff.day == state.postponement.deadline:
        counted = statutory_deadline(state)  # the approved date stands within it
    return RegistryCutoffs(cutoff=cutoff.day if cutoff else None, cutoff_stage=cutoff.stage if cutoff else None,
                           cutoff_sitting=cutoff.sitting if cutoff else None, committee_meeting=meeting.code if meeting else None,
                           counted=counted)


def _on_the_governments_side(state: DraftState) -> bool:
    """Thirtieth generation: the draft is at a stage whose limit counts back from its session, the committee's examination
    and a sitting of the session still ahead on its path."""
    if state.generation < 30 or not calendar_anchored(state) or state.stage not in state.path:
        return False
    ahead = state.path[state.path.index(state.stage) + 1:]
    return Stage.EXAMINATION in ahead and any(stage in SITTING_STAGES for stage in ahead)


def sat_without(state: DraftState, day: date) -> TargetSession | None:
    """The session the draft aims at, where its last phase ended before `day` (Ha Noi) while the draft waited for it on the
    Assembly's side of its path (at a sitting, or at a stage before one, past the Government's side); None otherwise, and
    for a session whose phases are not announced, whose end is not known. Nothing moves such a draft by itself: the
    Assembly's decision is recorded with its day, or the Standing Committee defers the draft (found by a National
    Assembly Office's trial: a law left at NA_SESSION after its session rose was said to be on track)."""
    target = state.target
    if state.stage.is_terminal or state.stage not in state.path or not target.phases or day <= last_sitting_day(target):
        return None
    if awaits_later_session(state) or _on_the_governments_side(state):
        return None
    return target if any(stage in SITTING_STAGES for stage in state.path[state.path.index(state.stage):]) else None


def opening_first(state: DraftState, day: date) -> TargetSession | None:
    """The session whose opening ends the draft's place before `day` (a date approved or asked at its stage) would: its own,
    where the draft is on the Government's side of its path and the session opens on or before `day`, so that what is
    said of the date names the opening (thirtieth generation; found by a re-check: "slips if that date passes" of a date
    after the opening). None otherwise."""
    return state.target if _on_the_governments_side(state) and state.target.opens_on <= day else None


def opened_without(state: DraftState) -> datetime | None:
    """Thirtieth generation: the moment (Ha Noi midnight) the session the draft aims at opens, an extraordinary one too,
    while the draft is still on the Government's side of its path, at a stage it reached before then, and another
    session is announced whose cut-off is ahead then: the draft slips at that moment, the date approved that kept its
    place lapsing (found by a Government Office's trial: a date the Prime Minister approved after the opening kept a
    draft the Government had not decided aimed at a session already sitting; then by a breaker: a draft slipped to an
    extraordinary session stayed aimed at it once it sat). A draft reaching the stage after the opening slips by its
    cut-off, passed. On the Assembly's side the Standing Committee, which sets the session's agenda, approves such a
    date. None otherwise."""
    if not _on_the_governments_side(state) or (opening := start_of(state.target.opens_on)) <= state.stage_since:
        return None
    return opening if session_to_slip_to(state, opening) is not None else None


def opening_label(state: DraftState) -> str:
    """What the draft says of the opening it slips at, as its next alarm (`opened_without`)."""
    return f"session {state.target.code} opens: the draft slips to the next unless it has moved on"


def session_to_slip_to(state: DraftState, now: datetime) -> TargetSession | None:
    """The next announced session whose cut-off is still ahead, an extraordinary one too before the draft's first debate:
    its cut-off ahead, the draft is not overdue there. After a debate, from the thirty-first generation, a regular one, as
    the debate's next session is (`goes_to`; found by a National Assembly Office's trial: a two-session law whose next
    session was brought forward slipped onto an extraordinary session nobody had put it on)."""
    after_debate = state.generation >= 31 and state.held is not None
    return next(
        (
            s for s in state.sessions
            if s.opens_on > state.target.opens_on and (not after_debate or goes_to(state, s))
            and (cutoff := statutory_deadline(state, s)) is not None and passes_at(cutoff) > now
        ),
        None,
    )


def next_session_after(state: DraftState, session: TargetSession, *, taken_on: Sequence[date] = ()) -> TargetSession | None:
    """The first announced session that opens after `session`: where a draft goes after a debate there (a regular one,
    from the twentieth generation, or an extraordinary one that a later step entered under way was taken at: a day of
    `taken_on` from its opening, before the next regular session's)."""
    later = [s for s in state.sessions if s.opens_on > session.opens_on]
    regular = next((s for s in later if goes_to(state, s)), None)
    return next((s for s in later if s is regular or any(s.opens_on <= day and (regular is None or day < regular.opens_on)
                                                        for day in taken_on)), None)


def next_kind(state: DraftState) -> str:
    """The kind of session a draft waits for after a debate, in the words that say it is not announced yet: "regular
    session" from the twentieth generation (`goes_to`; found by a breaker: "no session ... is announced" beside an
    extraordinary one announced), "session" before."""
    return "regular session" if state.generation >= 20 else "session"


def goes_to(state: DraftState, session: TargetSession) -> bool:
    """Whether a draft goes to `session` of its own accord after a debate there. From the twentieth generation, a regular
    session only: an extraordinary one is called at short notice for the items the Standing
    Committee puts on it (a programme change or a carry-over naming it; DOMAIN.md, edge case 7), and a draft aimed at one
    by the calendar alone was overdue the day it was debated, its cut-off long past, and kept its place there (found by a
    committee official's trial: a two-session law debated at 16-2 was aimed at 16-E1, 40 days on)."""
    return state.generation < 20 or not session.extraordinary


def aimed_by_the_draft(state: DraftState) -> bool:
    """Whether the session the draft aims at is one it chose from the calendar after its last sitting (the first announced
    after the session that debated it, or, for an ordinance, after its referral), not one a message named (the start's,
    or a carry-over's, the decision before)."""
    last = state.last(EventKind.DECISION)
    if (announced(state, state.target) is None or state.target.code == state.request.target_session.code
            or (last is not None and last.outcome is Outcome.CARRY_OVER)):
        return False
    after = state.held.opens_on if state.held is not None else local_day(state.stage_since)
    # The first after it of any kind, where a step entered under way went; or, from the twentieth generation, the first
    # regular one, where a debate sends a draft.
    return state.target in (next((s for s in state.sessions if s.opens_on > after), None),
                            next((s for s in state.sessions if s.opens_on > after and goes_to(state, s)), None))


def sitting_on(state: DraftState, day: date) -> TargetSession | None:
    """A session the draft knows (its start's, the one that debated it, one announced) that sat on `day` by its phases."""
    known = [state.request.target_session, *([state.held] if state.held else []), *state.sessions]
    return next((session for session in known if session.phases and within_phase(session, day)), None)


def last_sitting_day(session: TargetSession) -> date:
    """The last day a session sits, where the calendar gives its phases; else the day it opens."""
    return session.phases[-1].ends_on if session.phases else session.opens_on


def aim_at_nearest(state: DraftState, day: date) -> str:
    """An ordinance referred to the Assembly on `day` aims at its nearest session: the first known to open after that day.
    With none announced yet, it waits behind the last one held, as a draft between sessions does, and aims at the next
    one the calendar announces. Returns what the history says of it."""
    known = sorted({*state.sessions, state.target}, key=lambda s: s.opens_on)
    nearest = next((s for s in known if s.opens_on > day), None)
    if nearest is not None:
        state.target = nearest
        return f"referred to the Assembly's nearest session, {nearest.code} (opens {nearest.opens_on})"
    state.held = known[-1]
    return f"referred to the Assembly's nearest session: none announced after {state.held.code} yet"


def announced(state: DraftState, session: TargetSession) -> TargetSession | None:
    """The session as last announced (its date may have moved), found by its code."""
    return next((s for s in state.sessions if s.code == session.code), None)


def after_debate(state: DraftState, left: Stage, entered: Stage) -> bool:
    """A draft leaving a debating session for the revision after it has had that session."""
    return state.generation >= 2 and left in DEBATING_SESSIONS and entered in ASSEMBLY_STAGES and entered is not left


def window_of(state: DraftState, kind: ConsultationKind) -> ConsultationWindow | None:
    """The window of a round of `kind` opened at the draft's stage. One the rulebook counts back from the next session
    holds where the stage's own limit counts back from it for this draft (the delegations' 20 days beside the revised
    draft's 45, LAW_2015 Art. 75(2)(d)); where that limit does not apply (a three-session law's first revision, Art. 76(2),
    which sets no day count: DOMAIN.md correction 5), from the twenty-fourth generation the round runs from its opening
    for the rulebook's days as a default its opener may change (found by a new engineer: it was held to the 20 days and
    refused `window_passed` after them)."""
    window = state.rulebook.window(kind)
    if window is None or state.generation < 24 or window.anchor is not DeadlineAnchor.BEFORE_NA_SESSION or state.stage not in window.stages:
        return window
    limit = state.rulebook.rule(state.stage).time_limit
    if limit is None or limit.anchor is not DeadlineAnchor.BEFORE_NA_SESSION or limit.applies_to(state.request.law_kind, state.procedure):
        return window
    return window.model_copy(update={"anchor": DeadlineAnchor.STAGE_ENTRY, "statutory_minimum": False})


def round_closes_at(state: DraftState, window: ConsultationWindow, days: int, now: datetime) -> datetime:
    """When a round stops taking opinions: after its window, or the set number of days before the target session."""
    counted_on = workdays(state)
    backward = window.anchor is DeadlineAnchor.BEFORE_NA_SESSION
    if backward:
        last_day = shift_days(state.target.opens_on, -window.days, window.counting, counted_on)
    else:
        last_day = shift_days(local_day(now), days, window.counting, counted_on)
    if state.generation >= 2:
        # A window ends like any statutory period: on a rest day, at the close of the next working day; one that
        # closes N days before a session, on the working day before (never fewer than N days).
        last_day = off_rest_day(last_day, RestDay.PREVIOUS_WORKING_DAY if backward else RestDay.NEXT_WORKING_DAY, counted_on)
    return passes_at(last_day)


def last_day_of(closes_at: datetime) -> date:
    return local_day(closes_at - timedelta(seconds=1))
