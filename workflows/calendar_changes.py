"""What an announced session calendar does to a draft (part of the draft core: pure, no Temporal, no clock).

A session or Standing Committee meeting announced, moved or withdrawn moves the draft's target and its deadline,
records why, and may make it slip; rest days the Government announces count from then on (second generation); a
cut-off ahead that moves with nothing else recorded is recorded (seventh generation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import EventKind
from schemas.records import RegistryCutoffs
from schemas.state import DraftState
from workflows import sessions, sittings
from workflows.change import Applied, Change, conflict_raised_to


def apply_calendar(change: Change, calendar: SessionCalendar) -> None:
    s = change.state
    conflict = _Conflict(s, change.now)  # as the message found it, before its rest days too
    # Fifth generation: rest days first, so that a session or meeting the same message moves is counted once, on the days
    # in force (earlier ones counted it on the old days, then again).
    counted = _Counted.of(s, change.now) if change.records_cutoffs and calendar.working is not None and calendar.working != s.working else None
    before = counted or (_Counted.of(s, change.now) if change.lets_limits_wait else None)
    if counted is not None:
        s.working = calendar.working
    # Before the sessions change: from the seventh generation the meeting before a session depends on the one before it.
    meeting_was, adopting_was = sessions.meeting_before(s, s.target), sittings.adopting_meeting(s)
    s.sessions = tuple(sorted(calendar.sessions, key=lambda x: x.opens_on))
    s.meetings = tuple(sorted(calendar.meetings, key=lambda m: m.meets_on))
    # Ninth generation: the session first, so that the meeting recorded is the one before the session as it now opens (the
    # eighth and earlier named the one before it as it opened, and none when only the session's move changed it).
    steps = (_session_moved, _meeting_moved) if s.generation >= 9 else (_meeting_moved, _session_moved)
    for step in steps:
        step(change, calendar, conflict, meeting_was)
    if change.gen2:
        if counted is not None:
            _recount(change, calendar, counted)
        else:
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
    if before is not None and s.seq == before.seq and (moved := _board_moved(_shown(s), before.cutoffs)):
        # Seventh generation: a session the draft does not aim at moved a cut-off ahead (the revision after a debate
        # counts back from the next session), which the registry and the board learn only with an event.
        change.record(EventKind.DEADLINE_RECOUNTED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"calendar changed: {'; '.join(moved)}")
    elif s.generation >= 23 and sittings.reconsidered(s) and (adopting := sittings.adopting_meeting(s)) != adopting_was:
        # Recorded beside the message's other events too (found by a breaker: the meeting before the session recorded, the
        # one reconsidering the ordinance called off in the same message, unsaid).
        change.record(EventKind.DEADLINE_RECOUNTED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"calendar changed: {_adopting_moved(_on(adopting), _on(adopting_was))}")


def _meeting_moved(change: Change, calendar: SessionCalendar, conflict: _Conflict, meeting_was: StandingCommitteeMeeting | None) -> None:
    s = change.state
    if sessions.meeting_before(s, s.target) == meeting_was:
        return
    # From the fourth generation a conflict is recorded after the change that causes it; earlier ones replay as they ran.
    change.recompute(conflict=not change.checks_approved_dates)
    meeting = sessions.meeting_before(s, s.target)
    # Eighth generation: only for a draft that still comes before the Committee (earlier ones recorded it past it too).
    if s.generation < 8 or sessions.comes_before_committee(s):
        # Twenty-fifth generation: saying a conflict it ends, as a session moved says it (found by a National Assembly
        # Office's trial: the office's inbox dropped the draft, and its audit trail never said why).
        change.record(EventKind.MEETING_SCHEDULED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"Standing Committee meeting before session {s.target.code}: "
                            + (f"{meeting.code} on {meeting.meets_on}" if meeting else "none announced")
                            + (_conflict_ended(change, conflict) if s.generation >= 25 else ""))
    if change.checks_approved_dates:
        conflict.raise_if_changed(change)


def _session_moved(change: Change, calendar: SessionCalendar, conflict: _Conflict, meeting_was: StandingCommitteeMeeting | None) -> None:
    s = change.state
    announced = sessions.announced(s, s.target)
    if announced is not None and announced.opens_on != s.target.opens_on:
        was = s.target.opens_on
        s.target = announced
        change.recompute(conflict=not change.checks_approved_dates)
        change.record(EventKind.SESSION_RESCHEDULED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"session {announced.code} now opens {announced.opens_on} (was {was}){_conflict_ended(change, conflict)}")
        if change.checks_approved_dates:
            conflict.raise_if_changed(change)
    elif announced is not None:
        s.target = announced  # its phases may have changed; nothing counts from them


def _conflict_ended(change: Change, conflict: _Conflict) -> str:
    """Eighteenth generation: a session moved so that the approved date no longer falls after its cut-off says the
    conflict raised for it has ended, to whom it was raised (found by an official's trial: the office told of a conflict
    was never told it ended). Resolved, not merely past its cut-off."""
    s = change.state
    # From the twenty-fifth generation, the conflict as the office's page shows it, its cut-off passed or not (found by a
    # breaker: one whose cut-off had passed left the page with a meeting's move, unsaid).
    was = conflict.told if s.generation < 25 else conflict.shown
    if s.generation < 18 or was is None or s.postponement is None:
        return ""
    cutoff, ended = sessions.statutory_deadline(s), f": the conflict raised to {conflict_raised_to(s)[1]} has ended"
    if sessions.postponement_conflict(s) is not None:
        # Said by the change that put the cut-off behind it, once (found by a re-check: said again at every later change).
        if s.generation < 29 or conflict.told is None or sessions.postponement_conflict(s, change.now) is not None:
            return ""
        # Twenty-ninth generation: brought forward past its cut-off, as the office's inbox drops it (found by a Government
        # Office's trial: the draft left the inbox, its audit trail silent).
        conflict.told = conflict.shown = None
        slips = (f"when session {first.code} opens on {first.opens_on}, before the approved date {s.deadline}"
                 if (first := sessions.opening_first(s, s.deadline)) else f"if the approved date {s.deadline} passes too")
        return f"; the cut-off now counted, {cutoff} (was {was[0]}, for {was[1]}), has passed: no approved date can meet it{ended}; the draft slips {slips}"
    if s.generation < 25:
        return f"; the approved date {s.deadline} no longer falls after the cut-off for {was[1]}, now {cutoff}{ended}"
    conflict.told = conflict.shown = None  # said once, whether the session's move or the meeting's ended it
    if cutoff is None:  # the meeting called off: no cut-off until one is announced
        return (f"; the approved date {s.deadline} no longer falls after a cut-off: {was[1]}, whose cut-off was {was[0]}, counts no "
                f"more, and no Standing Committee meeting is announced before session {s.target.code}{ended}")
    return f"; the approved date {s.deadline} falls within the cut-off now counted, {cutoff} (was {was[0]}, for {was[1]}){ended}"


def apply_working_calendar(change: Change, calendar: SessionCalendar) -> None:
    """Rest days the Government announced (or moved) count from now on: a deadline they move is recorded (second to
    fourth generations, as they ran; the fifth: `_recount`)."""
    s = change.state
    if calendar.working is None or calendar.working == s.working:
        return
    s.working = calendar.working
    before = s.deadline
    change.recompute()
    if s.deadline != before:
        change.record(EventKind.DEADLINE_RECOUNTED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"rest days announced: the deadline is now {s.deadline} (was {before})")


def taken_up(carried: DraftState, state: DraftState, now: datetime) -> Applied:
    """A state carried into a run that takes up the seventh generation (or a later one) from an earlier one: its deadline
    and the cut-off ahead counted again by the rules it takes up (an approved date stays in force), and recorded when
    they move (DEADLINE_RECOUNTED), so that its alarms, the registry and the board follow; likewise the meeting that
    reconsiders an ordinance, taking up the twenty-second, and the meeting the board lists it under, the twenty-third.
    Nothing for other runs."""
    change = Change(state, now)
    if carried.generation < 22 <= state.generation and not state.stage.is_terminal and (
            (meeting := sittings.adopting_meeting(state)) != (was_meeting := sittings.adopting_meeting(carried))):
        # An ordinance sent back, reconsidered at the next meeting from the twenty-second generation (found by a breaker: the
        # board kept the meeting before its session, written with no event).
        change.record(EventKind.DEADLINE_RECOUNTED, deadline=state.deadline, label="counted again by this release's rules: the Standing "
                      f"Committee reconsiders the ordinance at its meeting {meeting.code if meeting else 'announced next'} "
                      f"(was {was_meeting.code if was_meeting else 'none'})")
        return Applied(change.state, change.effects)
    if carried.generation < 23 <= state.generation and not state.stage.is_terminal and sittings.reconsidered(state) and (
            (shown := sittings.registry_cutoffs(state).committee_meeting) != sessions.registry_cutoffs(state).committee_meeting):
        # The registry listed it under the meeting before its session, as the twenty-second generation wrote it (a breaker).
        change.record(EventKind.DEADLINE_RECOUNTED, deadline=state.deadline, label="counted again by this release's rules: the board "
                      f"lists the ordinance under the Standing Committee meeting that reconsiders it, {shown}")
        return Applied(change.state, change.effects)
    if 7 <= carried.generation < 25 <= state.generation and not state.stage.is_terminal and (
            moved := _board_moved(sittings.registry_cutoffs(state), sittings.registry_cutoffs(carried))):
        # An approved date standing while the limit waits for a meeting is no cut-off from the twenty-fifth generation (a
        # breaker: the board kept the cut-off the status no longer showed); an earlier state is counted again below.
        change.record(EventKind.DEADLINE_RECOUNTED, deadline=state.deadline, label=f"counted again by this release's rules: {'; '.join(moved)}")
        return Applied(change.state, change.effects)
    if carried.generation >= 7 or not change.lets_limits_wait or state.stage.is_terminal:
        return Applied(state, [])
    was = _Counted.of(carried, now)
    change.recompute(conflict=False)
    s, moved = change.state, []
    if s.deadline != was.deadline:
        moved.append(f"the deadline is now {s.deadline or 'none: the limit waits for a sitting to count back from'} (was {was.deadline})")
    moved += _board_moved(sessions.registry_cutoffs(s), was.cutoffs)
    if not moved:
        return Applied(state, [])
    change.record(EventKind.DEADLINE_RECOUNTED, deadline=s.deadline, label=f"counted again by this release's rules: {'; '.join(moved)}")
    return Applied(s, change.effects)


class _Conflict:
    """An approved date's conflict with its sitting, as the Government Office was last told of it: as the calendar
    message found it (its cut-off and sitting), then as raised within the message. After a change of the meeting or
    the session it is raised again only when it differs from that (ninth generation; before, after every such change),
    so that a conflict gone and back within one message, the same, is not raised twice."""

    def __init__(self, s: DraftState, now: datetime) -> None:
        self.told = sessions.postponement_conflict(s, now)
        # As the office's page shows it (`store.board`): until the approved date is decided again or within its cut-off.
        self.shown = sessions.postponement_conflict(s)

    def raise_if_changed(self, change: Change) -> None:
        if change.state.generation < 9:
            change.raise_conflict()
            return
        found = sessions.postponement_conflict(change.state, change.now)
        if found is not None and found != self.told:
            change.raise_conflict()
            self.told = self.shown = found


@dataclass(frozen=True)
class _Counted:
    """What a draft counted before new rest days: its deadline, what the registry shows, its conflict, its last event."""

    deadline: date | None
    cutoffs: RegistryCutoffs
    conflict: tuple[date, str] | None
    seq: int

    @classmethod
    def of(cls, s: DraftState, now: datetime) -> _Counted:
        return cls(s.deadline, _shown(s), sessions.postponement_conflict(s, now), s.seq)


def _recount(change: Change, calendar: SessionCalendar, was: _Counted) -> None:
    """Fifth generation: what new rest days moved, recorded once, when the message recorded nothing else (a session's or
    meeting's event carries the new counts with it): a conflict they make or move (raised again only then), else the
    deadline and the cut-off ahead they move, so that the registry and the board, which learn them with an event, follow."""
    s = change.state
    if s.seq != was.seq:
        return
    change.recompute(conflict=False)
    conflict, now = sessions.postponement_conflict(s, change.now), _shown(s)
    if conflict is not None and conflict != was.conflict:
        change.raise_conflict()
        return
    moved = []
    if s.deadline != was.deadline:
        moved.append(f"the deadline is now {s.deadline} (was {was.deadline})")
    # Resolved, not merely past its cut-off (fourteenth generation: a passed cut-off ends the conflict, not the approved date's lateness).
    if was.conflict is not None and conflict is None and sessions.postponement_conflict(s) is None:
        moved.append(f"the cut-off for {was.conflict[1]} is now {sessions.statutory_deadline(s)} (was {was.conflict[0]}): the approved date "
                     f"{s.deadline} no longer falls after it")
    elif _board_moved(now, was.cutoffs) and now.cutoff != s.deadline:
        moved.append(f"the cut-off ahead is now {_cutoff(now)} (was {_cutoff(was.cutoffs)})")
    if moved:
        change.record(EventKind.DEADLINE_RECOUNTED, official=calendar.changed_by, deadline=s.deadline,
                      label=f"rest days announced: {'; '.join(moved)}")


def _board_moved(now: RegistryCutoffs, was: RegistryCutoffs) -> list[str]:
    """What moved of what the board shows of a draft: its cut-off ahead, the Standing Committee meeting it comes before."""
    moved = []
    if (now.cutoff, now.cutoff_stage, now.cutoff_sitting) != (was.cutoff, was.cutoff_stage, was.cutoff_sitting):
        moved.append(f"the cut-off ahead is now {_cutoff(now)} (was {_cutoff(was)})")
    if now.committee_meeting != was.committee_meeting:
        moved.append(f"the Standing Committee meeting it comes before is now {now.committee_meeting or 'none'} (was {was.committee_meeting or 'none'})")
    if now.adopted_at != was.adopted_at:
        moved.append(_adopting_moved(now.adopted_at, was.adopted_at))
    return moved


def _on(meeting: StandingCommitteeMeeting | None) -> str | None:
    """A meeting as a calendar change names it, its day with it (found by a re-check: "now UBTVQH-80 (was UBTVQH-80)")."""
    return f"{meeting.code} on {meeting.meets_on}" if meeting else None


def _adopting_moved(now: str | None, was: str | None) -> str:
    return f"the Standing Committee meeting that adopts the ordinance is now {now or 'none'} (was {was or 'none'})"


def _shown(s: DraftState) -> RegistryCutoffs:
    """What the board shows of a draft, compared before and after a calendar change: from the twenty-third generation as
    the registry holds it, the meeting that reconsiders an ordinance included (`sittings.registry_cutoffs`)."""
    return sittings.registry_cutoffs(s) if s.generation >= 23 else sessions.registry_cutoffs(s)


def _cutoff(cutoffs: RegistryCutoffs) -> str:
    if cutoffs.cutoff is None or cutoffs.cutoff_stage is None:
        return "none"
    return f"{cutoffs.cutoff} for {cutoffs.cutoff_stage.value} (sitting {cutoffs.cutoff_sitting})"
