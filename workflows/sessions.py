"""Sessions as a draft lives them: which session it aims at, the cut-offs counted back from it, and slipping.

Pure functions of a draft's state (`schemas.state.DraftState`); no clock but the `now` they are given.
Dates are Ha Noi dates; a deadline is missed at the start of the next Ha Noi day (`passes_at`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from schemas.calendar import StandingCommitteeMeeting, TargetSession
from schemas.enums import ASSEMBLY_STAGES, DEBATING_SESSIONS, DeadlineAnchor, RestDay, Stage
from schemas.rulebook import ConsultationWindow, TimeLimit
from schemas.state import DraftState
from workflows.deadlines import WorkDays, earliest, holidays, local_day, off_rest_day, passes_at, shift_days, stage_deadline

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
    """The last announced Standing Committee meeting before the session opens: the one that discusses the draft."""
    return next((m for m in reversed(state.meetings) if m.meets_on < session.opens_on), None)


def awaiting_session(state: DraftState) -> bool:
    """Between sessions with no later session announced yet: nothing to count a cut-off back from."""
    return (
        state.generation >= 2 and state.held is not None and state.stage in ASSEMBLY_STAGES
        and state.target.opens_on <= state.held.opens_on
    )


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


def calendar_anchored(state: DraftState) -> bool:
    """Whether the current stage's deadline is counted back from the session or the meeting before it."""
    if state.stage.is_terminal:
        return False
    return any(limit.anchor in CALENDAR_ANCHORS for limit in limits(state))


def cutoff_missed(state: DraftState, now: datetime) -> bool:
    # An extraordinary session is called at short notice: a draft brought to it keeps its place
    # though the usual cut-offs cannot be met (they are still recorded as missed).
    if state.target.extraordinary:
        return False
    return calendar_anchored(state) and state.deadline is not None and passes_at(state.deadline) <= now


def session_to_slip_to(state: DraftState, now: datetime) -> TargetSession | None:
    """The next announced session whose cut-off is still ahead."""
    return next(
        (
            s for s in state.sessions
            if s.opens_on > state.target.opens_on and (cutoff := statutory_deadline(state, s)) is not None and passes_at(cutoff) > now
        ),
        None,
    )


def next_session_after(state: DraftState, session: TargetSession) -> TargetSession | None:
    """The first announced session that opens after `session`: where a draft goes after a debate there."""
    return next((s for s in state.sessions if s.opens_on > session.opens_on), None)


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
