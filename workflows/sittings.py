"""The Assembly decides at its sitting, and the Standing Committee adopts an ordinance at its meeting: the day of a decision
against the sessions and meetings the draft knows (eighth and nineteenth generations on; Law 64/2025/QH15 Arts. 37-42).
Pure, as `workflows.rules`, which asks it of every decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from schemas.calendar import StandingCommitteeMeeting
from schemas.enums import SITTING_STAGES, LawKind, Outcome, Stage
from schemas.messages import Decision
from schemas.records import RegistryCutoffs
from schemas.refusal import RefusalKind, Refused
from schemas.state import DraftState
from workflows import sessions
from workflows.deadlines import local_day, stage_deadline
from workflows.sessions import (
    aimed_by_the_draft,
    awaits_later_session,
    last_sitting_day,
    meeting_before,
    next_kind,
    sitting_on,
    within_phase,
    workdays,
)

INVALID, CONFLICT = RefusalKind.INVALID, RefusalKind.CONFLICT


def at_an_ended_session(state: DraftState, day: date) -> bool:
    """Thirteenth generation, for a step of a draft entered under way: whether its day puts it at a session that has
    ended, which the calendar no longer holds: while no session after the one that debated the draft is announced, or
    before the session the draft chose itself from the calendar (`sessions.aimed_by_the_draft`)."""
    return awaits_later_session(state) or (day < state.target.opens_on and aimed_by_the_draft(state))


def check_sitting(state: DraftState, decision: Decision, now: datetime, *, imported: bool = False) -> None:
    """The Assembly decides at a sitting stage in plenary: at the session the draft aims at, from its opening, and within
    one of its phases where the calendar gives them, and, after a debate, at a later session than the one that
    debated it (eighth generation on; Law 64/2025/QH15 Arts. 39-42). The decision's day is its `occurred_on`, or today,
    in Ha Noi. `imported`: a step of a draft entered under way, whose session the calendar may no longer hold (it keeps
    no session that has ended): one dated before the session the draft chose itself from the calendar is checked only to
    be after the sitting that debated the draft (thirteenth generation; before, not at all while no later session was
    announced, and against the next one announced otherwise).

    Raises Refused `occurred_on`: `after_session_opens` (INVALID for a day given, CONFLICT for today), `within_session`
    (INVALID: a day after the session's last phase, or none given once it has ended; a day between two phases, CONFLICT
    for today); `stage`: `session_announced`
    (CONFLICT) while no session after the one that debated the draft is announced."""
    if state.generation < 8 or state.stage not in SITTING_STAGES or decision.outcome is Outcome.WITHDRAW:
        return
    target, day = state.target, decision.occurred_on or local_day(now)
    if imported and state.generation >= 13 and at_an_ended_session(state, day):
        # Taken at a session that has ended, which the calendar no longer holds: not at a session the draft knows sat
        # that day, nor at the sitting that debated the draft.
        held = state.held if state.held is not None and state.held.opens_on <= day <= last_sitting_day(state.held) else None
        if (sat := sitting_on(state, day) or held) is not None:
            raise Refused("occurred_on", "after_session_opens", f"the Assembly decides {state.stage.value} at a later session than "
                          f"{sat.code}, which {'debated the draft and ' if sat == state.held and state.request.law_kind is not LawKind.ORDINANCE else ''}"
                          f"sat on {day} (Ha Noi): correct the "
                          "step's occurred_on", INVALID)
        return
    if awaits_later_session(state):
        if imported:
            return
        after = (f"at its nearest session after the referral, and none after {state.held.code} is announced yet"
                 if state.request.law_kind is LawKind.ORDINANCE else
                 f"at a later session than {state.held.code}, which debated it, and no {next_kind(state)} after it is announced yet")
        raise Refused("stage", "session_announced", f"the Assembly decides {state.stage.value} {after} (legis calendar set-session)",
                      CONFLICT)
    if day < target.opens_on:
        # A step of a draft entered under way is dated by the start request: its target session's day, or its own.
        correct = ("correct the step's occurred_on" + (f", or the start request's target_session.opens_on if session {target.code} "
                   "opened earlier" if target.code == state.request.target_session.code else "") if imported else
                   f"record the decision once it is taken, or, if session {target.code} opened earlier than the calendar says, "
                   f"correct its date first (legis calendar set-session {target.code})")
        raise Refused("occurred_on", "after_session_opens", f"the Assembly decides {state.stage.value} at a sitting of session "
                      f"{target.code}, which opens on {target.opens_on}; the decision's day, {day} (Ha Noi), is before it: {correct}",
                      INVALID if decision.occurred_on else CONFLICT)
    if target.phases and not within_phase(target, day):
        if day > (last := last_sitting_day(target)):
            said = f"{day} is after it" if decision.occurred_on else "give the day the Assembly decided"
            raise Refused("occurred_on", "within_session", f"session {target.code} sat until {last}: {said} (occurred_on, Ha Noi)", INVALID)
        phases = ", ".join(f"{phase.starts_on} to {phase.ends_on}" for phase in target.phases)
        raise Refused("occurred_on", "within_session", f"session {target.code} sits {phases}: {day} (Ha Noi) is between its phases, not "
                      "a sitting day", INVALID if decision.occurred_on else CONFLICT)


def adopting_meeting(state: DraftState) -> StandingCommitteeMeeting | None:
    """The Standing Committee meeting at which it adopts or returns an ordinance at STANDING_COMMITTEE_OPINION, where one is
    announced (nineteenth generation on): the one the draft's limits count back from (`sessions.meeting_before`); once the
    President has asked it to reconsider the ordinance, the first meeting on or after the day the ordinance came back
    (twenty-second generation on; Law 64/2025/QH15 Art. 43(1): found by a committee's trial, a reconsideration asked in
    December was tied to the April meeting before the session, and refused at January's). None for a law, at another
    stage, or before."""
    if state.generation < 19 or state.stage is not Stage.STANDING_COMMITTEE_OPINION or state.request.law_kind is not LawKind.ORDINANCE:
        return None
    if state.generation >= 22 and reconsidered(state):
        back = local_day(state.stage_since)
        return next((m for m in state.meetings if m.meets_on >= back), None)
    return meeting_before(state, state.target)


def reconsidered(state: DraftState) -> bool:
    """Whether the President has sent the ordinance back to the Standing Committee (the only return to its opinion)."""
    return dict(state.returns).get(Stage.STANDING_COMMITTEE_OPINION, 0) > 0


def reconsideration_last_day(state: DraftState) -> date | None:
    """The last Ha Noi day on which the President may ask the Standing Committee to reconsider the ordinance at
    PROMULGATION: the rulebook's window (`ordinance_reconsideration`, calendar days from its adoption, the stage's start),
    off a rest day as its rule says from the twenty-second generation on; None where the rulebook gives none."""
    window = state.rulebook.ordinance_reconsideration
    if window is None:
        return None
    if state.generation < 22:
        return local_day(state.stage_since) + timedelta(days=window.days)
    return stage_deadline(window, entered_at=state.stage_since, session_opens_on=state.target.opens_on, workdays=workdays(state), rest_days=True)


def registry_cutoffs(state: DraftState) -> RegistryCutoffs:
    """`sessions.registry_cutoffs`, with the meeting that adopts an ordinance (`adopting_meeting`): the board lists it
    there, a law's opinion at the next meeting (found by an official's trial and a breaker); a reconsidered ordinance
    comes before that meeting, not the one before its session (found by a breaker: listed under April's meeting too)."""
    cutoffs = sessions.registry_cutoffs(state)
    if (meeting := adopting_meeting(state)) is None:
        return cutoffs
    return cutoffs.model_copy(update={"adopted_at": meeting.code} | ({"committee_meeting": meeting.code} if reconsidered(state) else {}))


def check_meeting(state: DraftState, decision: Decision, now: datetime, *, imported: bool = False) -> None:
    """The Standing Committee adopts an ordinance at its meeting: a decision at STANDING_COMMITTEE_OPINION on an ordinance
    is not dated before the meeting the draft's limits count back from (`sessions.meeting_before`), where one is announced
    (nineteenth generation on; found by a ministry's trial: an ordinance was adopted four months before its meeting, and
    the President's 15 days ran from then), unless it is dated the day of another meeting the calendar holds (found by a
    National Assembly Office's trial: adopted at an earlier meeting than planned, or at one held before legis knew of it,
    the ordinance could not be recorded at its day). The day is the decision's `occurred_on`, or today, in Ha Noi; a step
    of a draft entered under way, whose meeting the calendar may no longer hold, is not asked. A law's opinion is not
    asked: the Committee gives it at any of its monthly meetings (DOMAIN.md, stage 7), which the calendar need not list,
    and no limit of a law counts back from one (correction 1).

    Raises Refused `occurred_on` `at_the_meeting` (INVALID for a day given, CONFLICT for today)."""
    if imported or decision.outcome is Outcome.WITHDRAW or (meeting := adopting_meeting(state)) is None:
        return
    day = decision.occurred_on or local_day(now)
    if day < meeting.meets_on and all(held.meets_on != day for held in state.meetings):
        raise Refused("occurred_on", "at_the_meeting", f"the Standing Committee adopts or returns the ordinance at its meeting "
                      f"{meeting.code} on {meeting.meets_on}; the decision's day, {day} (Ha Noi), is before it and no other meeting "
                      f"is on the calendar that day: record the decision once it is taken, or, if the Committee decided at a meeting "
                      f"held on {day}, put that meeting on the calendar first: legis calendar set-meeting {meeting.code} --on {day} "
                      f"--held if it was {meeting.code}, held earlier than announced, else legis calendar set-meeting <its code> --on "
                      f"{day} --held",
                      INVALID if decision.occurred_on else CONFLICT)


def kept_by_its_session(state: DraftState, steps: Sequence[Decision]) -> bool:
    """Whether one of `steps` (of a draft entered under way) was taken at a sitting before any session announced after the
    one the draft aims at opened: at that session, which took the draft whatever cut-off it had missed."""
    after = min((s.opens_on for s in state.sessions if s.opens_on > state.target.opens_on), default=None)
    return any(step.stage in SITTING_STAGES and (after is None or step.occurred_on < after) for step in steps)
