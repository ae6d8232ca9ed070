"""What an announced session calendar does to a draft (part of the draft core: pure, no Temporal, no clock).

A session or Standing Committee meeting announced, moved or withdrawn moves the draft's target and its deadline,
records why, and may make it slip; rest days the Government announces count from then on (second generation).
"""

from __future__ import annotations

from schemas.calendar import SessionCalendar
from schemas.enums import EventKind
from schemas.records import RegistryCutoffs
from workflows import sessions
from workflows.change import Change


def apply_calendar(change: Change, calendar: SessionCalendar) -> None:
    s = change.state
    s.sessions = tuple(sorted(calendar.sessions, key=lambda x: x.opens_on))
    meeting_was = sessions.meeting_before(s, s.target)
    s.meetings = tuple(sorted(calendar.meetings, key=lambda m: m.meets_on))
    if sessions.meeting_before(s, s.target) != meeting_was:
        # From the fourth generation a conflict is recorded after the change that causes it; earlier ones replay as they ran.
        change.recompute(conflict=not change.checks_approved_dates)
        meeting = sessions.meeting_before(s, s.target)
        change.record(EventKind.MEETING_SCHEDULED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"Standing Committee meeting before session {s.target.code}: "
                            + (f"{meeting.code} on {meeting.meets_on}" if meeting else "none announced"))
        if change.checks_approved_dates:
            change.raise_conflict()
    announced = sessions.announced(s, s.target)
    if announced is not None and announced.opens_on != s.target.opens_on:
        was = s.target.opens_on
        s.target = announced
        change.recompute(conflict=not change.checks_approved_dates)
        change.record(EventKind.SESSION_RESCHEDULED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"session {announced.code} now opens {announced.opens_on} (was {was})")
        if change.checks_approved_dates:
            change.raise_conflict()
    elif announced is not None:
        s.target = announced  # its phases may have changed; nothing counts from them
    if change.gen2:
        apply_working_calendar(change, calendar)
        if sessions.awaiting_session(s):
            change.aim_after_debate()
            if not sessions.awaiting_session(s):
                if (deadline := sessions.statutory_deadline(s)) is not None:
                    change.move_deadline(deadline)
                change.record(EventKind.SESSION_RESCHEDULED, official=calendar.changed_by, deadline=s.deadline,
                              label=f"aimed at session {s.target.code} (opens {s.target.opens_on}), the next after {s.held.code}")
    if sessions.cutoff_missed(s, change.now):
        change.slip()


def apply_working_calendar(change: Change, calendar: SessionCalendar) -> None:
    """Rest days the Government announced (or moved) count from now on: a deadline they move is recorded, and (fifth
    generation) so is a cut-off ahead they move while the deadline stays, or an approved date's conflict they end."""
    s = change.state
    if calendar.working is None or calendar.working == s.working:
        return
    cutoffs, conflict, recorded = sessions.registry_cutoffs(s), sessions.postponement_conflict(s), s.seq
    s.working = calendar.working
    before = s.deadline
    change.recompute()
    if s.deadline != before:
        change.record(EventKind.DEADLINE_RECOUNTED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"rest days announced: the deadline is now {s.deadline} (was {before})")
    elif change.records_cutoffs and s.seq == recorded and (now := sessions.registry_cutoffs(s)) != cutoffs:
        # The registry, and the board that reads it, learn a cut-off only with an event.
        if conflict is not None and sessions.postponement_conflict(s) is None:
            moved = (f"the cut-off for {conflict[1]} is now {sessions.statutory_deadline(s)} (was {conflict[0]}): the approved date "
                     f"{s.deadline} no longer falls after it")
        else:
            moved = f"the cut-off ahead is now {_cutoff(now)} (was {_cutoff(cutoffs)})"
        change.record(EventKind.DEADLINE_RECOUNTED, official=calendar.changed_by, deadline=s.deadline, label=f"rest days announced: {moved}")


def _cutoff(cutoffs: RegistryCutoffs) -> str:
    if cutoffs.cutoff is None or cutoffs.cutoff_stage is None:
        return "none"
    return f"{cutoffs.cutoff} for {cutoffs.cutoff_stage.value} (sitting {cutoffs.cutoff_sitting})"
