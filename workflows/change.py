"""One operation on a draft's state, and the effects it leaves for the workflow to carry out, in order.

Pure: no Temporal, no I/O, no clock but the `now` an operation is given (`workflows.draft` uses it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from schemas.calendar import TargetSession
from schemas.consultation import ConsultationInput, RoundWindow
from schemas.enums import Actor, EscalationLevel, EventKind, Stage
from schemas.messages import AgencyRemap, DocumentRef
from schemas.rulebook import EscalationStep
from schemas.state import KEPT_REASONS, LATEST_KINDS, MAX_SLIPS_HERE, RECENT_EVENTS, RECENT_VERSIONS, DraftState, Slip, dossier_key, filed_into
from schemas.views import DossierVersion, HistoryEntry, Receipt
from workflows import sessions
from workflows.deadlines import local_day, passes_at, start_of
from workflows.follow_up import Alarm, alarms

# Effects, carried out by the workflow in order -----------------------------------------------------


@dataclass(frozen=True)
class Record:
    entry: HistoryEntry


@dataclass(frozen=True)
class UpdateVisibility:
    """Upsert the search attributes (at least the stage) from the state the operation ends with."""


@dataclass(frozen=True)
class SetMemo:
    fields: dict[str, str]


@dataclass(frozen=True)
class StartRound:
    input: ConsultationInput
    workflow_id: str
    summary: str
    # Its window runs from its opening where the rulebook counts one back from the session (`sessions.window_of`), as
    # decided when it opened: the draft's procedure may switch while its child starts (found by a breaker).
    from_opening: bool = False


@dataclass(frozen=True)
class CancelRound:
    workflow_id: str


@dataclass(frozen=True)
class RemapRound:
    """Tell an open round its draft's lead ministry has a new code, so that it takes the compilation from it."""
    workflow_id: str
    remap: AgencyRemap


@dataclass(frozen=True)
class RescheduleRound:
    """Tell an open round its window ends as the session it counts back from now gives (sixteenth generation)."""
    workflow_id: str
    window: RoundWindow


@dataclass(frozen=True)
class CheckRound:
    round_id: str
    workflow_id: str


@dataclass(frozen=True)
class Log:
    message: str
    fields: dict[str, str]
    warning: bool = False


Effect = Record | UpdateVisibility | SetMemo | StartRound | CancelRound | RemapRound | RescheduleRound | CheckRound | Log


@dataclass
class Applied:
    state: DraftState
    effects: list[Effect]
    receipt: Receipt | None = None


class Change:
    """One operation on a draft: a copy of its state to change, and the effects in the order they happened.

    The state's collections are tuples, replaced and never changed in place, so the shallow copy
    leaves the state the operation started from as it was.
    """

    def __init__(self, state: DraftState, now: datetime, since: datetime | None = None) -> None:
        self.state = state.model_copy()
        self.now = now
        # When what the operation does happened: its message's day when entered afterwards (`occurred_on`), else now.
        self.since = since or now
        self.effects: list[Effect] = []
        # The alarms raised while the draft has been overdue in its stage (third generation): one operation may move the
        # deadline several times (a calendar change), through dates still ahead, before it settles on one already past.
        self.reached = frozenset(state.fired) if state.overdue and self.keeps_reached_levels else frozenset()

    def record(self, event: EventKind, **fields) -> HistoryEntry:
        s = self.state
        fields.setdefault("stage", s.stage)
        entry = HistoryEntry(seq=s.seq + 1, at=fields.pop("at", self.now), event=event, **fields)
        s.seq = entry.seq
        s.recent = (*s.recent, kept(entry))[-RECENT_EVENTS:]
        if s.generation >= 24 and event in LATEST_KINDS:
            s.latest = (*(e for e in s.latest if e.event is not event), kept(entry))
        self.effects.append(Record(entry))
        return entry

    def entered(self, entry: HistoryEntry) -> None:
        """Tenth generation: the event that moved the draft to its stage carries that stage's deadline, so that its webhook
        tells a receiver the new limit at once (before, only the next event recorded it)."""
        if self.state.generation >= 10:
            self._tell_deadline(entry)

    def dated(self, entry: HistoryEntry) -> None:
        """Eleventh generation: an event that moved the deadline of the stage the draft stays at (a deferral, an approved
        postponement) carries the new one, as an event that enters a stage does (before, only the next event told it)."""
        if self.state.generation >= 11 and self.state.deadline != entry.deadline:
            self._tell_deadline(entry)

    def _tell_deadline(self, entry: HistoryEntry) -> None:
        s = self.state
        if s.deadline is None:
            return
        dated = entry.model_copy(update={"to_stage_deadline": s.deadline})
        self.effects = [Record(dated) if isinstance(e, Record) and e.entry is entry else e for e in self.effects]
        s.recent = tuple(kept(dated) if e.seq == entry.seq else e for e in s.recent)
        s.latest = tuple(kept(dated) if e.seq == entry.seq else e for e in s.latest)

    def refresh(self) -> None:
        self.effects.append(UpdateVisibility())

    def log(self, message: str, *, warning: bool = False, **fields: str) -> None:
        self.effects.append(Log(message, {"submission_id": self.state.submission_id, **fields}, warning))

    @property
    def gen2(self) -> bool:
        return self.state.generation >= 2

    @property
    def keeps_reached_levels(self) -> bool:
        return self.state.generation >= 3

    @property
    def checks_approved_dates(self) -> bool:
        """Fourth generation: an approved date after the session's cut-off is raised when it is approved, not only when
        the calendar moves; a regular session numbered above 12 is refused in new messages."""
        return self.state.generation >= 4

    @property
    def records_cutoffs(self) -> bool:
        """Fifth generation: rest days count first, once; a cut-off ahead they move (not the deadline in force) is recorded."""
        return self.state.generation >= 5

    @property
    def lets_limits_wait(self) -> bool:
        """Seventh generation: the meeting before a session meets after the session before it opens, a deadline the
        calendar no longer gives (no such meeting) is lifted (before, the last one counted stayed in force), and a cut-off
        ahead a calendar change moves with nothing else recorded is recorded (`calendar_changes`)."""
        return self.state.generation >= 7

    # What several operations share ------------------------------------------------------------

    def enter(self, stage: Stage, since: datetime) -> None:
        s = self.state
        s.stage, s.stage_since, s.overdue, s.fired, s.unraised, s.filed_here, s.decided_here_on = stage, since, False, (), (), (), None
        s.deadline_since, s.late_before_move = None, False
        s.postponed_here_on, s.slipped_here = None, ()
        self.reached = frozenset()
        s.pending_postponement, s.postponement = None, None
        s.deadline = sessions.statutory_deadline(s)
        if s.generation >= 27:
            # Its warnings past when it is entered pass unraised, but the last while the deadline is ahead, as a draft
            # entered under way has them (found by a National Assembly Office's trial: a vote entered afterwards recorded
            # the promulgation's warnings, days before legis knew of the vote, and the same vote imported none).
            s.fired = s.unraised = passed_unraised(s, self.now)
        if stage.is_terminal and s.generation >= 8:
            # The workflow cancels them once the draft ends (`rounds.closing`); the audit trail says so (eighth generation).
            for watch in s.open_rounds:
                self.record(EventKind.CONSULTATION_CANCELLED, label=f"round {watch.round.round_id} ({watch.round.kind.value}) cancelled: "
                            f"the draft is {stage.value} and asks nobody's opinion any more")
        self.refresh()

    def file(self, documents: tuple[DocumentRef, ...], seq: int) -> int | None:
        """Add documents to the dossier; a change of any content hash makes a new version, whose number is returned."""
        s = self.state
        s.filed_here = (*s.filed_here, *dict.fromkeys(doc.kind for doc in documents if doc.kind not in s.filed_here))
        apart = s.generation >= 21
        held = {dossier_key(doc, compilations_apart=apart): doc for doc in s.dossier}
        if s.generation >= 29:
            # The same bytes filed again with their address, or a name corrected, are taken (twenty-ninth generation; found by
            # a lead ministry's trial: told to file its text again with its url, it did, and the dossier kept the one without).
            documents = tuple(_as_known(held.get(dossier_key(doc, compilations_apart=apart)), doc) for doc in documents)
            if all(held.get(dossier_key(doc, compilations_apart=apart)) == doc for doc in documents):
                return None
        elif all((kept := held.get(dossier_key(doc, compilations_apart=apart))) is not None and kept.sha256 == doc.sha256 for doc in documents):
            return None
        filed_into(held, documents, compilations_apart=apart)
        s.dossier = tuple(held.values())
        s.dossier_version += 1
        version = DossierVersion(number=s.dossier_version, seq=seq, at=self.now, documents=s.dossier)
        s.versions = (*s.versions, version)[-RECENT_VERSIONS:]
        return s.dossier_version

    def move_deadline(self, deadline: date, *, quiet: bool = False, since: datetime | None = None) -> None:
        """A deadline moved (a postponement, a calendar change): it gets its own alarms, but no warning already past
        (with `quiet`, no alarm already past at all: they were raised for the deadline before; from the twenty-sixth
        generation, but the last warning past when it was not, `passed_unraised`). A draft overdue before
        and after the move is still late on the same work: the escalation levels it reached are not raised again
        (third generation; before, a level still ahead for the new date was raised a second time)."""
        s, now = self.state, self.now
        # A deadline lifted (seventh generation) keeps what it had raised: set again, it is the same work, still late.
        if self.keeps_reached_levels and (s.overdue or s.deadline is None and self.lets_limits_wait):
            self.reached |= frozenset(s.fired)
        # Twenty-sixth generation: a stage whose warnings all passed unraised was never warned (found by a Government Office's
        # trial: a draft entered overdue, its deadline moved to two days ahead, was not warned); one warned at all stays
        # covered by what passed before (found by a breaker: else an earlier, milder warning came after the last one raised).
        raised = frozenset(s.fired) - frozenset(s.unraised)
        raised_before = raised if not any(key.startswith(f"{EventKind.WARNING.value}:") for key in raised) else frozenset(s.fired)
        moved_from, s.deadline = s.deadline, deadline
        if s.generation >= 17:
            s.deadline_since = since or self.since
        # Eighteenth generation: a draft late before the move is late on the same work, its ladder not started again.
        s.late_before_move = s.generation >= 18 and s.overdue
        s.overdue = passes_at(deadline) <= now
        if s.generation >= 26 and s.late_before_move and s.overdue and moved_from is not None and deadline > moved_from:
            # Counted later, both passed: late on this work since the old deadline ended, its alarms dated from then (found by a
            # re-check: told the 2025 days, a deadline recounted to 3 September 2025 "passed" today; by a breaker: counted
            # earlier, an alarm dated before the draft was late, so that one keeps the day of the change).
            s.deadline_since = passes_at(moved_from)
        s.fired = ()
        # Quiet, from the twenty-sixth generation, of every alarm past but the last warning not raised for the deadline before.
        warned = passed_unraised(s, now, quiet=quiet and s.generation < 26, raised_before=raised_before)
        s.fired = tuple(a.key for a in due_later(s)
                        if a.at <= now and (a.key in warned or quiet and (s.generation < 26 or a.event is not EventKind.WARNING))
                        or s.overdue and a.key in self.reached)
        if s.generation >= 26:
            s.unraised = tuple(key for key in warned if key not in raised_before)
        self.refresh()

    def recompute(self, *, conflict: bool = True) -> None:
        """The calendar changed under the current stage: its cut-off follows, unless an approved postponement stands
        (a conflict with the new cut-off is raised, unless the caller raises it after recording the change itself)."""
        s = self.state
        if self.gen2 and s.postponement is not None:
            if conflict:
                self.raise_conflict()
            self.refresh()
            return
        # A first-generation draft counted only cut-offs again; a later one counts every limit on the calendars it has now.
        deadline = sessions.statutory_deadline(s) if self.gen2 or sessions.calendar_anchored(s) else s.deadline
        if deadline != s.deadline and deadline is not None:
            self.move_deadline(deadline)
            return
        if deadline is None and s.deadline is not None and self.lets_limits_wait:
            # No sitting left to count back from (the meeting withdrawn, or one prepared an earlier session): the limit
            # waits for one, as it does for a session not yet announced. The alarms it raised stay raised (`move_deadline`).
            s.deadline, s.overdue = None, False
        self.refresh()

    def raise_conflict(self) -> None:
        """An approved postponement whose date is after the cut-off of the sitting the draft aims at: raised to the
        Government Office as POSTPONEMENT_CONFLICT, never resolved by overwriting (the approved date stays in force)."""
        s = self.state
        if not self.gen2 or (found := sessions.postponement_conflict(s, self.now)) is None:
            return
        assert s.postponement is not None
        cutoff, sitting = found if self.checks_approved_dates else (found[0], f"session {s.target.code}")  # as earlier ones ran
        level, office = conflict_raised_to(s)
        self.record(EventKind.POSTPONEMENT_CONFLICT, deadline=s.deadline, escalation_level=level,
                    label=f"the approved date {s.postponement.deadline} is after the cut-off {cutoff} for {sitting}; "
                          f"{office} resolves it with {s.postponement.approved_by.value}")

    def slip(self, occurred_on: date | None = None, *, opened: datetime | None = None, at: datetime | None = None) -> bool:
        """A missed cut-off moves the draft to the next announced session whose cut-off is still ahead; `occurred_on`: the
        day (Ha Noi) the cut-off passed, when the slip is recorded on a later one (a draft entered under way). `opened`:
        the moment its session opened with the draft short of it (`sessions.opened_without`), the next session's cut-off
        ahead then; `at`: the moment a step of a draft entered under way was taken, the next session's cut-off ahead then
        (thirty-first generation; found by a breaker: a session whose cut-off was ahead on the step's day, passed since,
        was passed over)."""
        s = self.state
        following = sessions.session_to_slip_to(s, opened or at or self.now)
        if following is None:
            return False
        missed, approved = s.target, s.postponement
        if s.generation >= 29 and s.deadline is not None:
            slipped = Slip(missed=missed, announced=any(t.code == missed.code for t in s.sessions), deadline=s.deadline, to=following.code)
            s.slipped_here = (*s.slipped_here, slipped)[-MAX_SLIPS_HERE:]
        s.target, s.postponement = following, None
        deadline = sessions.statutory_deadline(s)
        assert deadline is not None
        self.move_deadline(deadline, since=start_of(occurred_on) if occurred_on else None)
        why = ""
        if opened is not None:
            why = f": it opened with the draft at {s.stage.value}" + (f"; the date {approved.deadline} approved by {approved.approved_by.value} "
                                                                         "lapses with it" if approved is not None else "")
        self.record(EventKind.SESSION_SLIPPED, deadline=s.deadline, occurred_on=occurred_on,
                    label=f"slipped from session {missed.code} (opens {missed.opens_on}) to {following.code} (opens {following.opens_on}){why}")
        sessions_named = {} if s.classified else {"from": missed.code, "to": following.code}  # withheld as its history withholds them
        self.log("missed cut-off, slipped to the next session", warning=True, **sessions_named)
        return True

    def slip_undone(self, decided_on: date | None) -> Undone | None:
        """Twenty-ninth generation: the slip a decision entered afterwards undoes, dated on or before the deadline whose
        passing slipped the draft at its stage (counted again from the session as the calendar now has it, if it moved):
        slipped twice, the first whose deadline it met; while the draft still aims where its slips took it (not since deferred
        or carried over), and that session is still announced and has not opened (found by a Government Office's trial: the
        Government decided in time, its decision was entered after the slip, and the draft stayed aimed a session later,
        its examination counted back from it; then by a breaker)."""
        s = self.state
        if s.generation < 29 or decided_on is None or not s.slipped_here or s.target.code != s.slipped_here[-1].to:
            return None
        today, calendar = local_day(self.now), {t.code: t for t in s.sessions}
        for slipped in s.slipped_here:
            session = calendar.get(slipped.missed.code, None if slipped.announced else slipped.missed)
            if session is None or session.opens_on <= today:
                continue
            deadline = slipped.deadline if session.opens_on == slipped.missed.opens_on else sessions.statutory_deadline(s, session)
            if deadline is not None and decided_on <= deadline:
                return Undone(session, deadline, slipped, decided_on)
        return None

    def aim_again(self, undone: Undone | None) -> None:
        """The draft aimed again at the session a slip undone (`slip_undone`) took it from, said in its history."""
        if undone is None:
            return
        s, met = self.state, f"met the deadline {undone.deadline} whose passing slipped it"
        if undone.deadline != undone.slipped.deadline:  # the session moved since: its cut-off counted again, which slipped nothing
            met = f"met the cut-off {undone.deadline} counted as the session now opens (the deadline {undone.slipped.deadline} slipped it)"
        slipped_to, s.target, s.slipped_here = s.target, undone.session, ()
        # With the deadline it met, the one in force at its stage as the draft aims again (found by a Government Office's trial).
        self.record(EventKind.SESSION_RESCHEDULED, deadline=undone.deadline, occurred_on=undone.decided_on,
                    label=f"aimed at session {undone.session.code} (opens {undone.session.opens_on}) again, not {slipped_to.code}: the "
                          f"decision entered afterwards, dated {undone.decided_on}, {met}")
        self.refresh()

    def said_aimed_after_debate(self, debated: TargetSession, occurred_on: date | None) -> None:
        """Thirtieth generation: the session the draft aims at after its debate at `debated`, recorded (SESSION_RESCHEDULED)
        as a calendar change that announces it records it (found by a National Assembly Office's trial: with the next
        session announced already, the debate's decision moved the draft to it and its history never said so)."""
        s = self.state
        if s.generation >= 30 and s.target.code != debated.code:
            self.record(EventKind.SESSION_RESCHEDULED, deadline=s.deadline, occurred_on=occurred_on,
                        label=f"aimed at session {s.target.code} (opens {s.target.opens_on}), the next after {debated.code}")

    def aim_after_debate(self, *, taken_on: Sequence[date] = ()) -> None:
        """After a debate at a session, the draft aims at the next announced session (if one is announced yet): a regular
        one from the twentieth generation, or an extraordinary one a later step entered under way was taken at (its day
        among `taken_on`; `sessions.next_session_after`)."""
        s = self.state
        assert s.held is not None
        following = sessions.next_session_after(s, s.held, taken_on=taken_on)
        if following is not None:
            s.target = following


def kept(entry: HistoryEntry) -> HistoryEntry:
    """An event as the state keeps it among its latest: its documents, the parts voted down and the end of long texts
    stay in the audit trail, which holds the event whole."""
    trimmed = {"documents": (), "reasons": entry.reasons[:KEPT_REASONS], "label": entry.label[:KEPT_REASONS] if entry.label else entry.label}
    if entry.vote is not None and entry.vote.parts_not_passed:
        trimmed["vote"] = entry.vote.model_copy(update={"parts_not_passed": ()})
    return entry.model_copy(update=trimmed)


def due_later(state: DraftState) -> list[Alarm]:
    """The alarms of the current deadline not raised yet, in time order."""
    if state.deadline is None:
        return []
    late_from = (state.deadline_since or state.stage_since) if state.generation >= 18 and not state.late_before_move else None
    schedule = alarms(state.rulebook.follow_up, window_start=state.stage_since, deadline=state.deadline, late_from=late_from,
                      ladder=ladder(state))
    return [a for a in schedule if a.key not in state.fired]


def conflict_raised_to(state: DraftState) -> tuple[EscalationLevel, str]:
    """Whom an approved date's conflict with its sitting is raised to: the Government Office; from the eighteenth
    generation, for a date the Standing Committee approved (an Assembly stage's), the National Assembly Office (found by
    an official's trial: a committee's examination date was raised to the Government Office)."""
    postponement = state.postponement
    if state.generation >= 18 and postponement is not None and postponement.approved_by is Actor.UBTVQH:
        return EscalationLevel.VPQH, "the National Assembly Office"
    return EscalationLevel.VPCP, "the Government Office"


def ladder(state: DraftState) -> tuple[EscalationStep, ...] | None:
    """The escalation ladder of the stage the draft is at, where its rulebook gives one (editions 2025.7 and 2015.7: the
    Assembly's stages climb to the National Assembly Office and the Standing Committee, the President's promulgation to
    the head of the President's Office); None: the follow-up's."""
    own = None if state.stage.is_terminal else state.rulebook.rule(state.stage).escalation_ladder
    return own.escalation if own is not None else None


def passed_unraised(state: DraftState, now: datetime, *, quiet: bool = False, raised_before: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The keys of the warnings of a deadline just set (a draft entered under way, a deadline moved) whose time has
    already passed, left unraised; but, from the eighteenth generation and unless `quiet`, the last of them while the
    deadline is still ahead and it was not raised for the deadline before (`raised_before`): a draft entered, or a
    deadline moved, days before the deadline is warned at once (found by an official's trial: a draft entered with its
    appraisal due in three days was never warned), and a deadline moved by a rest day is not warned twice."""
    past = [a for a in due_later(state) if a.at <= now and a.event is EventKind.WARNING]
    if past and not quiet and state.generation >= 18 and passes_at(state.deadline) > now and past[-1].key not in raised_before:
        past.pop()
    return tuple(a.key for a in past)


def raise_due(change: Change, until: datetime | None = None) -> None:
    """Raise the alarms due by the change's time (or `until`, earlier: the day a step of a draft entered under way was
    taken, thirty-first generation), each recorded at the change's time; a missed cut-off slips the draft."""
    s, now, opened = change.state, until or change.now, sessions.opened_without(change.state)
    for alarm in due_later(s):
        if alarm.at > now or opened is not None and opened < alarm.at:  # its session opened first (thirtieth generation)
            break
        s.fired = (*s.fired, alarm.key)
        if alarm.event is EventKind.DEADLINE_PASSED:
            s.overdue = True
        # Thirteenth generation: an alarm raised on a later day than it fell due (a draft entered under way already
        # overdue, a worker that was down) says the day it fell due, as an event entered afterwards does; from the
        # seventeenth, not before its stage began nor before its deadline was set (a draft reaching a stage whose cut-off
        # had passed, or whose cut-off a calendar change put behind it, was late from then).
        fell_due = max(local_day(alarm.at), local_day(s.deadline_since or s.stage_since)) if s.generation >= 17 else local_day(alarm.at)
        late = s.generation >= 13 and fell_due < local_day(change.now)
        occurred_on = fell_due if late else None
        change.record(alarm.event, deadline=s.deadline, label=alarm.label, escalation_level=alarm.level, occurred_on=occurred_on)
        # A label may name the session (a cut-off's), which a classified draft's history withholds: its log says the kind.
        change.log(alarm.event.value if s.classified else alarm.label, warning=True, stage=s.stage.value, deadline=str(s.deadline))
        # The slip happened with the cut-off it follows, whose day it says (fifteenth generation).
        if alarm.event is EventKind.DEADLINE_PASSED and sessions.cutoff_missed(s, now) and change.slip(occurred_on if s.generation >= 15 else None,
                                                                                                   at=until):
            return
    if (opened := sessions.opened_without(s)) is not None and opened <= now:  # dated as a late alarm is, not before its stage
        slipped_on = max(local_day(opened), local_day(s.deadline_since or s.stage_since))
        change.slip(slipped_on if slipped_on < local_day(change.now) else None, opened=opened)


@dataclass(frozen=True)
class Wake:
    """When the draft must next act by itself, and the alarm due then (None: the check of a round it awaits, or the
    opening of its session, `opening`)."""

    at: datetime
    alarm: Alarm | None
    opening: bool = False


def next_wake(state: DraftState) -> Wake | None:
    """When the draft must next act by itself: its next alarm, the opening of a session it has not reached
    (`sessions.opened_without`), or the next check of a round it awaits."""
    checks = [w.check_at for w in state.open_rounds if state.generation >= 2]
    alarm, opened = next(iter(due_later(state)), None), sessions.opened_without(state)
    if opened is not None and (alarm is None or opened < alarm.at) and (not checks or opened <= min(checks)):
        return Wake(opened, None, opening=True)
    if alarm is not None and (not checks or alarm.at <= min(checks)):
        return Wake(alarm.at, alarm)
    return Wake(min(checks), None) if checks else None


@dataclass(frozen=True)
class Undone:
    """A slip a decision entered afterwards undoes: the session the draft aims at again, the deadline the decision met."""

    session: TargetSession
    deadline: date
    slipped: Slip
    decided_on: date


def _as_known(kept: DocumentRef | None, doc: DocumentRef) -> DocumentRef:
    """`doc` filed again: the same bytes keep what the dossier knows of them that the filing leaves out, their address and
    size (found by a breaker: filed again without its size, a text made a new version and lost it)."""
    if kept is None or kept.sha256 != doc.sha256:
        return doc
    return doc.model_copy(update={field: getattr(kept, field) for field in ("url", "size_bytes") if getattr(doc, field) is None})
