"""The draft core through random long lives, without a server (hypothesis stateful testing).

Sessions are announced, moved and held; a two-session draft is debated and aims at the next session;
postponements are asked, approved and refused; rounds are opened, compiled or lost; decisions are
entered late with `occurred_on`; the state is carried to a new run; requests are retried. After every
step the invariants hold: the deadline in force is what the rulebook and the calendar give (or the
approved postponement), an approved postponement is never silently lost, no level of escalation is
raised twice while the draft stays overdue in a stage, an approved date after the session's cut-off is
raised to the Government Office, the carried state stays under its bound, and the audit events are
numbered without a gap or a double.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from schemas.calendar import CalendarDay, SessionCalendar, SessionPhase, StandingCommitteeMeeting, TargetSession, WorkingCalendar, WorkingYear
from schemas.consultation import Answer, CompilationSummary, ConsultationResult
from schemas.enums import (
    Actor,
    ConsultationKind,
    DocumentKind,
    EventKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeChangeKind,
    Role,
    SessionProcedure,
    Stage,
)
from schemas.messages import Decision, PostponementDecision, PostponementRequest
from schemas.records import ExecutionStatus, RegistryCutoffs
from schemas.refusal import RefusalKind, Refused
from schemas.state import NEWEST_GENERATION, STATE_BOUND, DraftState
from tests.drafts import NOW, OPENS_ON, PASSING_VOTE, consultation, core_request, core_state, decision, pinned, programme_change
from workflows import draft, rounds, sessions
from workflows import draft_views as views
from workflows.change import Applied, CheckRound, Record, StartRound
from workflows.deadlines import local_day, start_of

LEAVES = {EventKind.DECISION, EventKind.SESSION_SLIPPED, EventKind.PROGRAMME_CHANGED}


def board_view(state: DraftState) -> tuple:
    return views.registry_row(state, "draft-law-x"), sessions.registry_cutoffs(state)


def session(number: int, days: int) -> TargetSession:
    return TargetSession(legislature=16, session=number, opens_on=local_day(NOW) + timedelta(days=days))


class DraftLife(RuleBasedStateMachine):
    @initialize(procedure=st.sampled_from([SessionProcedure.ONE_SESSION, SessionProcedure.TWO_SESSIONS]))
    def open(self, procedure):
        self.now: datetime = NOW
        self.calendar = [session(2, 200), session(3, 380), session(4, 560)]
        self.request = core_request(ProcessVersion.LAW_2025, procedure, target=self.calendar[0])
        opened = draft.open_draft(self.request, pinned(self.request, sessions=self.calendar), self.now, generation=NEWEST_GENERATION)
        self.state: DraftState = opened.state
        self.recorded = [e.entry.seq for e in opened.effects if isinstance(e, Record)]
        self.approved: tuple | None = None  # (deadline, how many times the draft had left a stage or slipped then)
        self.leaves = 0
        self.last_request: tuple | None = None
        self.rounds = 0
        self.calendar_changes = 0
        # Escalation levels raised since the draft last became overdue in its stage, and any raised a second time.
        self.reached: set = set()
        self.raised_twice: list = []
        self.conflicts: list[int] = []  # the numbers of the POSTPONEMENT_CONFLICT events recorded
        self.meetings: list[StandingCommitteeMeeting] = []
        self.working = self.state.working
        # What the registry (and so the board) last recorded of the draft: it is written with each audit event.
        self.registered = board_view(self.state)
        self.unregistered: list = []  # operations that changed what the board shows without recording an event

    # Sending, and what every answer must satisfy -----------------------------------------------------

    def send(self, op, message, *, request_id: str | None = None):
        before = self.state
        try:
            applied = draft.perform(op, before, message, self.now, request_id)
        except Refused as refused:
            assert self.state is before
            self.after_validation_alike(op, before, message, request_id, refused)
            return None
        self.after_validation_alike(op, before, message, request_id, applied)
        self.absorb(applied, before)
        if request_id is not None:
            self.last_request = (op, message, request_id, applied.receipt)
        return applied

    def after_validation_alike(self, op, before: DraftState, message, request_id: str | None, outcome) -> None:
        """As the workflow does once its validator let a message pass: the handler, not checking again, does the same."""
        try:
            draft.validate(op, before, message, self.now, request_id)
        except Refused:
            return
        try:
            again = draft.perform(op, before, message, self.now, request_id, checked=True)
        except Refused as refused:
            assert isinstance(outcome, Refused) and refused.details == outcome.details
            return
        assert isinstance(outcome, Applied)
        assert (again.state, again.effects, again.receipt) == (outcome.state, outcome.effects, outcome.receipt)

    def absorb(self, applied, before: DraftState) -> None:
        entries = [e.entry for e in applied.effects if isinstance(e, Record)]
        assert [e.seq for e in entries] == list(range(before.seq + 1, before.seq + 1 + len(entries)))
        if applied.receipt is not None and not applied.receipt.duplicate:
            assert applied.receipt.events == len(entries)
            assert applied.receipt.first_seq == (entries[0].seq if entries else None)
        self.recorded += [e.seq for e in entries]
        if entries:
            self.registered = board_view(applied.state)
        elif board_view(applied.state) != self.registered:
            self.unregistered.append((self.registered, board_view(applied.state)))
        self.leaves += sum(e.event in LEAVES and e.to_stage not in (None, e.stage) or e.event is EventKind.SESSION_SLIPPED for e in entries)
        self.conflicts += [e.seq for e in entries if e.event is EventKind.POSTPONEMENT_CONFLICT]
        for e in entries:
            if e.event is EventKind.ESCALATION:
                if e.escalation_level in self.reached:
                    self.raised_twice.append((e.stage, e.escalation_level, e.deadline))
                self.reached.add(e.escalation_level)
            elif e.event in LEAVES and e.to_stage not in (None, e.stage) or e.event is EventKind.SESSION_SLIPPED:
                self.reached.clear()
        if not applied.state.overdue:
            self.reached.clear()
        self.state = applied.state
        for effect in applied.effects:
            if isinstance(effect, StartRound):
                self.absorb(rounds.round_started(self.state, effect, self.now), self.state)
            if isinstance(effect, CheckRound):
                self.absorb(rounds.round_checked(self.state, effect.round_id, ExecutionStatus.RUNNING, self.now), self.state)

    # What happens in a draft's life -------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=45))
    def time_passes(self, days):
        self.now += timedelta(days=days)
        self.absorb(draft.tick(self.state, self.now), self.state)

    @precondition(lambda self: self.state.deadline is not None)
    @rule(offset=st.integers(min_value=-3, max_value=20))
    def time_passes_to_around_the_deadline(self, offset):
        """Where the alarms are: a few days before the deadline to the end of its escalations."""
        self.now = max(self.now, start_of(self.state.deadline + timedelta(days=offset)) + timedelta(hours=9))
        self.absorb(draft.tick(self.state, self.now), self.state)

    @precondition(lambda self: not self.state.stage.is_terminal)
    @rule(late=st.integers(min_value=0, max_value=20), retry=st.booleans(), twice=st.booleans())
    def approve(self, late, retry, twice):
        self.approve_once(late, retry)
        if twice and not self.state.stage.is_terminal:
            self.approve_once(0, False)

    def approve_once(self, late, retry):
        stage = self.state.stage
        outcome = Outcome.VOTE if stage is Stage.NA_SESSION else Outcome.APPROVE
        message = decision(self.request, stage, outcome, vote=PASSING_VOTE if outcome is Outcome.VOTE else None)
        occurred = max(local_day(self.state.stage_since), local_day(self.now) - timedelta(days=late))
        self.send(draft.DECIDE, message.model_copy(update={"occurred_on": occurred if late else None}),
                  request_id=f"r{self.state.seq}" if retry else None)

    @precondition(lambda self: not self.state.stage.is_terminal and self.state.stage is not Stage.POLICY_PROPOSAL
                  and sum(n for _, n in self.state.returns) < 3
                  and Outcome.RETURN_FOR_REVISION in self.state.rulebook.rule(self.state.stage).outcomes)
    @rule()
    def return_for_revision(self):
        self.send(draft.DECIDE, decision(self.request, self.state.stage, Outcome.RETURN_FOR_REVISION))

    @precondition(lambda self: self.state.deadline is not None and self.state.pending_postponement is None)
    @rule(extra=st.integers(min_value=1, max_value=60))
    def ask_postponement(self, extra):
        self.send(draft.REQUEST_POSTPONEMENT, PostponementRequest(
            stage=self.state.stage, actor=Actor.LEAD_MINISTRY, agency_code=self.request.lead_ministry, role=Role.MINISTER,
            official="Bộ trưởng", new_deadline=self.state.deadline + timedelta(days=extra), reason="cần thêm thời gian"))

    @precondition(lambda self: self.state.deadline is not None and self.state.pending_postponement is None)
    @rule(extra=st.integers(min_value=1, max_value=10), after=st.integers(min_value=0, max_value=24))
    def postponement_approved_late(self, extra, after):
        """Asked for a date `extra` days after the deadline, approved `after` days after the deadline (often once the
        new date has passed too, with escalations raised for the old one), and then 15 days pass."""
        self.ask_postponement(extra)
        self.time_passes_to_around_the_deadline(after)
        if self.state.pending_postponement is not None:
            self.decide_postponement(True)
            self.time_passes(15)

    @precondition(lambda self: self.state.pending_postponement is not None)
    @rule(approved=st.booleans())
    def decide_postponement(self, approved):
        authority = self.state.rulebook.rule(self.state.stage).postponement_authority[-1]
        applied = self.send(draft.DECIDE_POSTPONEMENT, PostponementDecision(
            stage=self.state.stage, approved=approved, actor=authority.actor, agency_code="CP", role=authority.roles[0], official="x"))
        if applied is not None and approved:
            self.approved = (self.state.pending_postponement or applied.state.postponement).deadline, self.leaves

    @precondition(lambda self: self.calendar_changes < 6)
    @rule(which=st.integers(min_value=0, max_value=2), shift=st.integers(min_value=-60, max_value=60))
    def move_a_session(self, which, shift):
        self.calendar_changes += 1
        moved = self.calendar[which]
        self.calendar[which] = moved.model_copy(update={"opens_on": moved.opens_on + timedelta(days=shift)})
        self.tell_calendar()

    @precondition(lambda self: len(self.calendar) < 8)
    @rule()
    def announce_a_session(self):
        last = max(self.calendar, key=lambda s: s.opens_on)
        self.calendar.append(TargetSession(legislature=16, session=last.session + 1, opens_on=last.opens_on + timedelta(days=180)))
        self.tell_calendar()

    @precondition(lambda self: len(self.meetings) < 6)
    @rule(before=st.integers(min_value=5, max_value=60))
    def schedule_a_standing_committee_meeting(self, before):
        opens_on = self.state.target.opens_on
        self.meetings.append(StandingCommitteeMeeting(code=f"UBTVQH-{len(self.meetings) + 1}", meets_on=opens_on - timedelta(days=before)))
        self.tell_calendar()

    @rule(ahead=st.integers(min_value=0, max_value=500), near=st.sampled_from(["today", "cut-off", "deadline"]),
          off=st.booleans())
    def the_government_announces_rest_days(self, ahead, near, off):
        """A working day made a day off (nghỉ bù), or a day off given back: any day ahead, or one near the cut-off ahead
        or the deadline in force, where a rest day moves them."""
        cutoff = sessions.registry_cutoffs(self.state).cutoff
        around = {"today": local_day(self.now), "cut-off": cutoff, "deadline": self.state.deadline}[near]
        if around is None:
            return
        day = around + timedelta(days=ahead if near == "today" else ahead % 7 - 3)
        if day.weekday() >= 5 or day.year > 2027 or day < local_day(self.now):
            return
        years = {y.year: y for y in self.working.years}
        year = years.get(day.year) or WorkingYear(year=day.year, announced=True, source="test")
        kept = tuple(d for d in year.days_off if d.day != day)
        days_off = (*kept[-9:], CalendarDay(day=day, name="nghỉ bù")) if off else kept
        years[day.year] = year.model_copy(update={"days_off": days_off, "announced": True})
        self.working = WorkingCalendar(years=tuple(sorted(years.values(), key=lambda y: y.year)))
        self.tell_calendar()

    def tell_calendar(self):
        self.send(draft.CALENDAR_CHANGED, SessionCalendar(sessions=tuple(self.calendar), meetings=tuple(self.meetings), working=self.working,
                                                          changed_by="op"))

    @precondition(lambda self: self.state.stage in (Stage.POLICY_PROPOSAL, Stage.DRAFTING) and self.rounds < 3)
    @rule()
    def open_a_round(self):
        self.rounds += 1
        self.send(draft.OPEN_CONSULTATION, consultation(self.request, f"r{self.rounds}", kind=ConsultationKind.WRITTEN_OPINIONS))

    @precondition(lambda self: bool(self.state.open_rounds))
    @rule(lost=st.booleans())
    def a_round_ends(self, lost):
        watch = self.state.open_rounds[0]
        if lost:
            applied = rounds.round_checked(self.state, watch.round.round_id, ExecutionStatus.TERMINATED, self.now)
        else:
            applied = rounds.round_finished(self.state, ConsultationResult(
                round_id=watch.round.round_id, kind=watch.round.kind, opened_at=watch.round.opened_at, closed_at=self.now,
                answers=(Answer(consultee="BTC", at=self.now, comment_ids=("c1",)),), silent=("BNV", "BCA"),
                compilation=CompilationSummary(actor=Actor.LEAD_MINISTRY, agency_code=self.request.lead_ministry, role=Role.MINISTER,
                                               official="x", accepted=1, explained=0),
                compiled_at=self.now), self.now)
        self.absorb(applied, self.state)
        assert all(w.round.round_id != watch.round.round_id for w in self.state.open_rounds)

    @precondition(lambda self: self.state.stage in (Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW, Stage.GOVERNMENT_DECISION, Stage.EXAMINATION))
    @rule(which=st.integers(min_value=0, max_value=11))
    def defer_to_a_later_session(self, which):
        later = sorted(self.calendar, key=lambda s: s.opens_on)[which % len(self.calendar)]
        self.send(draft.CHANGE_PROGRAMME, programme_change(ProgrammeChangeKind.DEFER, to_session=later))

    @rule()
    def continue_as_new(self):
        carried = DraftState.model_validate_json(self.state.model_dump_json())
        assert carried == self.state
        self.state = carried

    @precondition(lambda self: self.last_request is not None)
    @rule()
    def retry_the_last_request(self):
        op, message, request_id, first = self.last_request
        before = self.state
        try:
            applied = draft.perform(op, before, message, self.now, request_id)
        except Refused:
            # Only when the ID fell out of the remembered window; the draft's own rules answered.
            assert all(r.request_id != request_id for r in before.seen)
            return
        if any(r.request_id == request_id for r in before.seen):
            assert applied.effects == [] and applied.state is before and applied.receipt.duplicate
            assert applied.receipt.model_copy(update={"duplicate": False}) == first

    # Invariants -------------------------------------------------------------------------------------

    @invariant()
    def events_are_numbered_without_gap_or_double(self):
        assert self.recorded == list(range(1, self.state.seq + 1))

    @invariant()
    def the_deadline_in_force_is_the_laws_or_the_approved_one(self):
        s = self.state
        if s.stage.is_terminal:
            assert s.deadline is None
        elif s.postponement is not None:
            assert s.deadline == s.postponement.deadline
        else:
            assert s.deadline == sessions.statutory_deadline(s), (s.stage, s.deadline, sessions.statutory_deadline(s))

    @invariant()
    def an_approved_postponement_is_never_silently_lost(self):
        if self.approved is not None and self.approved[1] == self.leaves and not self.state.stage.is_terminal:
            assert self.state.postponement is not None and self.state.postponement.deadline == self.approved[0]

    @invariant()
    def an_approved_date_after_the_cut_off_is_raised_to_the_government_office(self):
        s = self.state
        cutoff = sessions.statutory_deadline(s) if s.postponement is not None and sessions.calendar_anchored(s) else None
        if cutoff is not None and s.postponement.deadline > cutoff:
            assert any(seq > s.postponement.seq for seq in self.conflicts), (s.postponement, cutoff)

    @invariant()
    def a_level_of_escalation_is_raised_once_while_the_draft_stays_overdue(self):
        assert not self.raised_twice, self.raised_twice

    @invariant()
    def the_board_never_lags_the_draft(self):
        """What the registry shows of the draft (its row and cut-offs, written with each audit event) changes only with
        an event recorded, so that the board never keeps a stage, deadline or cut-off the draft no longer has."""
        assert not self.unregistered, self.unregistered[0]

    @invariant()
    def the_carried_state_stays_under_its_bound(self):
        assert len(self.state.model_dump_json().encode()) < STATE_BOUND


# Past the suite's 300 seconds: a failing example is shrunk for up to 300 seconds (Hypothesis's own limit), and a busy CI
# machine took longer, so the timeout killed the worker before the example was printed ("node down").
TestDraftLife = pytest.mark.timeout(900)(DraftLife.TestCase)
TestDraftLife.settings = settings(max_examples=80, stateful_step_count=80, deadline=None,
                                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_the_largest_state_the_limits_allow_stays_under_its_bound():
    """Every collection of the state at its maximum length, every text at its longest (three bytes a character)."""
    from schemas.calendar import CalendarDay, StandingCommitteeMeeting, WorkingCalendar, WorkingYear
    from schemas.consultation import MAX_COMMENTS_PER_ROUND
    from schemas.messages import Disagreement, DocumentRef, VoteCount
    from schemas.state import (
        MAX_MEETINGS,
        MAX_OPEN_POINTS,
        MAX_OPEN_ROUNDS,
        MAX_POINTS,
        MAX_ROUNDS,
        MAX_SESSIONS,
        RECENT_EVENTS,
        RECENT_VERSIONS,
        REMEMBERED_REQUESTS,
        RoundWatch,
        SeenRequest,
    )
    from schemas.views import DossierVersion, HistoryEntry, OpenPoint, OpenRound, Receipt
    from tests.drafts import core_state
    from workflows.change import kept

    wide = "Ệ"  # three bytes in UTF-8
    request = core_request().model_copy(update={"title": wide * 500, "amended_law": wide * 500, "law_kind": LawKind.AMENDING_LAW})
    state = core_state(request)
    documents = tuple(DocumentRef(kind=kind, name=wide * 300, sha256="0" * 64, size_bytes=2**62) for kind in DocumentKind)
    day = local_day(NOW)
    year = lambda y: WorkingYear(year=y, announced=False, source=wide * 500,  # noqa: E731
                                 holidays=tuple(CalendarDay(day=day.replace(year=y, month=1, day=i + 1), name=wide * 100) for i in range(20)),
                                 days_off=tuple(CalendarDay(day=day.replace(year=y, month=2, day=i + 1), name=wide * 100) for i in range(10)))
    entry = HistoryEntry(seq=1, at=NOW, event=EventKind.DECISION, stage=Stage.APPRAISAL, reasons=wide * 4000, documents=documents,
                         official=wide * 200, label=wide * 400, vote=VoteCount(total_deputies=500, in_favour=400, against=0, abstaining=0,
                                                                                parts_not_passed=tuple(wide * 100 for _ in range(200))))
    point = Disagreement(point_id="P" * 40, summary=wide * 2000, parties=tuple(f"A{i:02d}" for i in range(30)), actor=Actor.VPCP,
                         agency_code="VPCP", role=Role.DEPUTY_HEAD_OF_GOVERNMENT_OFFICE, official=wide * 200)
    receipt = Receipt(submission_id="S" * 64, request_id="R" * 200, first_seq=2**31, events=99, stage=Stage.APPRAISAL,
                      to_stage=Stage.APPRAISAL, stage_deadline=day, target_session="16-E99")
    round_ = OpenRound(round_id="R" * 40, kind=ConsultationKind.WRITTEN_OPINIONS, workflow_id="W" * 150, opened_at=NOW, closes_at=NOW)
    largest = state.model_copy(update={
        "working": WorkingCalendar(years=tuple(year(2026 + i) for i in range(8))),
        "sessions": tuple(session(1 + i % 99, i) for i in range(MAX_SESSIONS)),
        "meetings": tuple(StandingCommitteeMeeting(code="M" * 36 + f"{i:04d}", meets_on=day) for i in range(MAX_MEETINGS)),
        "dossier": documents,
        "filed_here": tuple(DocumentKind),
        "versions": tuple(DossierVersion(number=i + 1, seq=i + 1, at=NOW, documents=documents) for i in range(RECENT_VERSIONS)),
        "last_vote": entry.vote,
        "pending_postponement": PostponementRequest(stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER,
                                                    official=wide * 200, new_deadline=day, reason=wide * 4000),
        "open_points": tuple(OpenPoint(point=point, with_actor=Actor.PM) for _ in range(MAX_OPEN_POINTS)),
        "points_raised": tuple(f"{i:040d}" for i in range(MAX_POINTS)),
        "open_rounds": tuple(RoundWatch(round=round_, check_at=NOW, consultees="0" * 16) for _ in range(MAX_OPEN_ROUNDS)),
        "rounds_opened": tuple(f"{i:040d}" for i in range(MAX_ROUNDS)),
        "recent": tuple(kept(entry) for _ in range(RECENT_EVENTS)),
        "seen": tuple(SeenRequest(request_id="R" * 200, digest="0" * 16, receipt=receipt) for _ in range(REMEMBERED_REQUESTS)),
    })
    size = len(DraftState.model_validate_json(largest.model_dump_json()).model_dump_json().encode())
    assert size < STATE_BOUND, f"{size} bytes"
    assert MAX_COMMENTS_PER_ROUND * 100 < STATE_BOUND  # a round's comment IDs, the largest list a round keeps


def test_web_ui_details_give_the_stage_start_in_ha_noi_time():
    # 02:05 UTC on 1 December is 09:05 in Ha Noi (UTC+7), the same day.
    state = core_state(now=datetime(2026, 12, 1, 2, 5, tzinfo=UTC), at=Stage.DRAFTING)
    assert "**Stage:** DRAFTING since 2026-12-01 09:05 (Ha Noi)" in views.details(state)
    # 20:30 UTC is 03:30 the next day in Ha Noi.
    late = core_state(now=datetime(2026, 12, 1, 20, 30, tzinfo=UTC))
    assert views.details(late).split("\n\n")[1] == f"**Stage:** {late.stage.value} since 2026-12-02 03:30 (Ha Noi)"


def escalations_by_level(state: DraftState, steps) -> dict:
    """Apply (now, operation, message) steps in order, with the time's alarms before each; the levels raised, counted."""
    effects = []
    for now, op, message in steps:
        ticked = draft.tick(state, now)
        applied = ticked if op is None else draft.perform(op, ticked.state, message, now)
        effects += ticked.effects + (applied.effects if op is not None else [])
        state = applied.state
    return Counter(e.entry.escalation_level for e in effects if isinstance(e, Record) and e.entry.event is EventKind.ESCALATION)


@pytest.mark.parametrize("generation,most", [(NEWEST_GENERATION, 1), (2, 2)])
def test_a_postponement_approved_while_overdue_keeps_the_levels_reached(generation, most):
    """Asked the day before the deadline, approved 13 days after its new date (6 days after the old): the old date's
    escalations ran to the Deputy Prime Minister, the new date's last is still ahead. The second generation raised it
    again, as its histories recorded; the third does not."""
    state = core_state(at=Stage.APPRAISAL, generation=generation)
    deadline = state.deadline
    at = lambda days: start_of(deadline + timedelta(days=days)) + timedelta(hours=9)  # noqa: E731
    ask = PostponementRequest(stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="x",
                              new_deadline=deadline + timedelta(days=6), reason="cần thêm thời gian")
    answer = PostponementDecision(stage=Stage.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP",
                                  role=Role.DEPUTY_PRIME_MINISTER, official="x")
    raised = escalations_by_level(state, [(at(-1), draft.REQUEST_POSTPONEMENT, ask), (at(19), draft.DECIDE_POSTPONEMENT, answer),
                                          (at(40), None, None)])
    assert len(raised) == len(state.rulebook.follow_up.escalation) and max(raised.values()) == most, raised


@pytest.mark.parametrize("generation,most", [(NEWEST_GENERATION, 1), (2, 2)])
def test_a_session_moved_while_its_cut_off_stays_missed_keeps_the_levels_reached(generation, most):
    """A draft aimed at an extraordinary session keeps its place when a cut-off is missed, and escalates; the session
    moves 5 days later, its cut-off still past: no level is raised again (the second generation raised them all)."""
    target = TargetSession(legislature=16, session=9, opens_on=local_day(NOW) + timedelta(days=60), extraordinary=True)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target], generation=generation)
    deadline = state.deadline
    assert deadline == sessions.statutory_deadline(state) and sessions.calendar_anchored(state)
    at = lambda days: start_of(deadline + timedelta(days=days)) + timedelta(hours=9)  # noqa: E731
    moved = SessionCalendar(sessions=(target.model_copy(update={"opens_on": target.opens_on + timedelta(days=5)}),), changed_by="VPQH")
    raised = escalations_by_level(state, [(at(20), draft.CALENDAR_CHANGED, moved), (at(40), None, None)])
    assert len(raised) == len(state.rulebook.follow_up.escalation) and max(raised.values()) == most, raised


def test_a_calendar_change_that_moves_the_deadline_twice_keeps_the_levels_reached():
    """One calendar change moves an overdue draft's session so that its cut-off is today (still ahead, for a moment) and
    makes today a rest day, which moves the cut-off back to the working day before: overdue before and after, the draft
    raises no level again."""
    target = TargetSession(legislature=16, session=9, opens_on=local_day(NOW) + timedelta(days=60), extraordinary=True)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target])
    now = start_of(state.deadline + timedelta(days=20)) + timedelta(hours=9)
    today = local_day(now)
    assert today.weekday() == 1, "a Tuesday, whose day before is a working day"
    moved = SessionCalendar(sessions=(target.model_copy(update={"opens_on": today + timedelta(days=45)}),), changed_by="VPQH",
                            working=WorkingCalendar(years=(WorkingYear(year=today.year, announced=True, source="Bộ Nội vụ",
                                                                       days_off=(CalendarDay(day=today, name="nghỉ bù"),)),)))
    raised = escalations_by_level(state, [(now, draft.CALENDAR_CHANGED, moved), (now + timedelta(days=30), None, None)])
    assert len(raised) == len(state.rulebook.follow_up.escalation) and max(raised.values()) == 1, raised


@pytest.mark.parametrize("generation,raised", [(NEWEST_GENERATION, 1), (3, 0)])
def test_a_date_approved_after_the_sessions_cut_off_is_raised_when_approved(generation, raised):
    """Found by a new user: a postponement ten years past the target session was approved and nothing told the Government
    Office. From the fourth generation the approval raises the conflict (the approved date stays in force); the third
    raised it only when the calendar moved, as its histories recorded."""
    target = session(2, 200)
    state = core_state(core_request(target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target], generation=generation)
    cutoff = sessions.statutory_deadline(state)
    assert state.deadline == cutoff and sessions.calendar_anchored(state)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=cutoff + timedelta(days=3650), reason="chờ ý kiến các bộ"), NOW).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), NOW)
    conflicts = [e.entry for e in approved.effects if isinstance(e, Record) and e.entry.event is EventKind.POSTPONEMENT_CONFLICT]
    assert len(conflicts) == raised and approved.state.deadline == cutoff + timedelta(days=3650)
    if raised:
        assert conflicts[0].escalation_level.value == "VPCP" and f"after the cut-off {cutoff} for session 16-2" in conflicts[0].label
        assert approved.receipt.events == 2


def test_a_date_approved_before_the_cut_off_raises_nothing():
    """At a stage whose limit counts from its start (APPRAISAL), a postponement is no conflict with the session."""
    state = core_state(at=Stage.APPRAISAL)
    assert not sessions.calendar_anchored(state)
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.MINISTER, official="x",
        new_deadline=state.deadline + timedelta(days=20), reason="cần thêm thời gian"), NOW).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.APPRAISAL, approved=True, actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER, official="x"), NOW)
    assert [e.entry.event for e in approved.effects if isinstance(e, Record)] == [EventKind.POSTPONEMENT_DECIDED]


def test_a_regular_session_above_12_is_refused_where_a_message_names_it():
    """Found by a new user: a start aimed at session 16-13 was accepted, though no list could filter by it (a regular
    session is numbered 1 to 12; 16-E13 is an extraordinary one). The start, a carry-over and a programme change are
    refused from the fourth generation; a third-generation draft replays the messages it took."""
    thirteenth = TargetSession(legislature=16, session=13, opens_on=local_day(NOW) + timedelta(days=200))
    request = core_request(target=thirteenth)
    with pytest.raises(Refused) as refused:
        draft.open_draft(request, pinned(request), NOW, generation=NEWEST_GENERATION)
    assert (refused.value.field, refused.value.rule) == ("target_session.session", "regular_session_ordinal")
    assert "16-E13" in refused.value.message
    assert draft.open_draft(request, pinned(request), NOW, generation=3).state.target.code == "16-13"
    extraordinary = thirteenth.model_copy(update={"extraordinary": True})
    assert draft.open_draft(core_request(target=extraordinary), pinned(request), NOW, generation=NEWEST_GENERATION).state.target.code == "16-E13"
    for generation in (NEWEST_GENERATION, 3):
        state = core_state(at=Stage.APPRAISAL, generation=generation)
        moved = programme_change(ProgrammeChangeKind.DEFER, to_session=thirteenth)
        if generation == 3:
            assert draft.perform(draft.CHANGE_PROGRAMME, state, moved, NOW).state.target.code == "16-13"
            continue
        with pytest.raises(Refused) as refused:
            draft.validate(draft.CHANGE_PROGRAMME, state, moved, NOW)
        assert (refused.value.field, refused.value.rule) == ("to_session.session", "regular_session_ordinal")
    at_session = core_state(at=Stage.NA_SESSION)
    carried = Decision(**{**decision(request, Stage.NA_SESSION, Outcome.REJECT).model_dump(), "outcome": Outcome.CARRY_OVER, "carry_to": thirteenth})
    with pytest.raises(Refused) as refused:
        draft.validate(draft.DECIDE, at_session, carried, NOW)
    assert (refused.value.field, refused.value.rule) == ("carry_to.session", "regular_session_ordinal")


def test_an_ordinance_over_two_sessions_is_refused_at_the_start():
    """Found by a fresh-user trial: an ordinance started TWO_SESSIONS was taken (and `legis status` said TWO_SESSIONS),
    though a programme change may not switch one (`laws_only`). From the seventh generation the start is refused; the
    sixth took it, and is replayed as it ran."""
    request = core_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS,
                            law_kind=LawKind.ORDINANCE)
    with pytest.raises(Refused) as refused:
        draft.open_draft(request, pinned(request), NOW, generation=NEWEST_GENERATION)
    assert (refused.value.field, refused.value.rule, refused.value.kind) == ("session_procedure", "laws_only", RefusalKind.INVALID)
    assert draft.open_draft(request, pinned(request), NOW, generation=6).state.procedure is SessionProcedure.TWO_SESSIONS


def test_a_new_drafts_target_session_is_checked_before_it_starts_and_an_announced_one_says_its_date():
    """Found by a fresh-user trial: a start aimed at a session not on the calendar was taken with an opening day already
    past (every cut-off missed at once: the draft slipped) or before a later session announced; one aimed at an announced
    session under another day silently took the calendar's. The check before a start (`check_target`, which the API and
    `legis start` ask beside `open_draft`) refuses the first two as `legis calendar set-session` would, and a session
    announced that has already opened too (a draft under way may name a session sitting now); the draft itself does not
    ask it, so that a first task run after the day turns does not fail. The start records the day it took (seventh
    generation)."""
    second, third = session(2, 200), session(3, 380)
    past = TargetSession(legislature=16, session=1, opens_on=local_day(NOW) - timedelta(days=3))
    out_of_order = TargetSession(legislature=16, session=4, opens_on=third.opens_on - timedelta(days=10))
    for target, calendar, broken in ((past, [second, third], "not_in_past"), (past, [past.model_copy(), second], "not_in_past"),
                                     (out_of_order, [second, third], "sessions_in_order")):
        request = core_request(target=target)
        with pytest.raises(Refused) as refused:
            draft.check_target(request, pinned(request, sessions=calendar), NOW)
        assert (refused.value.field, refused.value.rule) == ("target_session.opens_on", broken)
        assert draft.open_draft(request, pinned(request, sessions=calendar), NOW, generation=NEWEST_GENERATION).state.target == target
    from tests.scenarios import under_way_request
    sitting = under_way_request().model_copy(update={"target_session": past})
    draft.check_target(sitting, pinned(sitting, sessions=[past.model_copy(), second]), NOW)
    named = core_request(target=second.model_copy(update={"opens_on": second.opens_on + timedelta(days=16)}))
    draft.check_target(named, pinned(named, sessions=[second, third]), NOW)
    opened = draft.open_draft(named, pinned(named, sessions=[second, third]), NOW, generation=NEWEST_GENERATION)
    [submitted] = [e.entry for e in opened.effects if isinstance(e, Record)][:1]
    assert opened.state.target == second and submitted.label == (
        f"aimed at session 16-2, which opens on {second.opens_on} as announced (the request said {second.opens_on + timedelta(days=16)})")


def test_a_conflict_names_the_sitting_its_cut_off_counts_from_and_follows_the_change_that_caused_it():
    """Found by a new user: an ordinance's conflict said "for session 16-2" where its cut-off counts back from the
    Standing Committee meeting; a moved session's conflict was recorded before the move; `status` did not say."""
    target, meeting = session(2, 200), StandingCommitteeMeeting(code="UBTVQH-52", meets_on=local_day(NOW) + timedelta(days=170))
    state = core_state(core_request(law_kind=LawKind.ORDINANCE, target=target), at=Stage.GOVERNMENT_DECISION, sessions=[target],
                       meetings=[meeting])
    cutoff = state.deadline
    assert cutoff == sessions.statutory_deadline(state) and cutoff < meeting.meets_on
    asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER, official="x",
        new_deadline=cutoff + timedelta(days=10), reason="chờ ý kiến các bộ"), NOW).state
    approved = draft.perform(draft.DECIDE_POSTPONEMENT, asked, PostponementDecision(
        stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x"), NOW)
    [conflict] = [e.entry for e in approved.effects if isinstance(e, Record) and e.entry.event is EventKind.POSTPONEMENT_CONFLICT]
    assert f"after the cut-off {cutoff} for Standing Committee meeting UBTVQH-52 before session 16-2" in conflict.label
    assert any(f"is after the cut-off {cutoff}" in w for w in views.status(approved.state, "w", NOW).warnings)
    moved = SessionCalendar(sessions=(target.model_copy(update={"opens_on": target.opens_on + timedelta(days=3)}),), meetings=(meeting,),
                            changed_by="VPQH")
    recorded = [e.entry.event for e in draft.perform(draft.CALENDAR_CHANGED, approved.state, moved, NOW).effects if isinstance(e, Record)]
    assert recorded == [EventKind.SESSION_RESCHEDULED, EventKind.POSTPONEMENT_CONFLICT]


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 6])
def test_the_meeting_before_a_session_meets_after_the_session_before_it(generation):
    """Found by a new user: an ordinance aiming at 16-3, with the only meeting announced one that prepares 16-2, was
    counted back from that meeting, due eight months before its time. From the seventh generation the meeting before a
    session must meet after the session before it opens: the limit waits for one, and a meeting announced between the
    two sets it (the sixth generation counts as it did, so that its histories replay)."""
    second, third = session(2, 200), session(3, 400)
    early = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=second.opens_on - timedelta(days=30))
    request = core_request(law_kind=LawKind.ORDINANCE, target=third)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, generation=generation, sessions=[second, third], meetings=[early])
    between = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=third.opens_on - timedelta(days=25))
    told = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(second, third), meetings=(early, between),
                                                                        changed_by="VPQH"), NOW)
    [scheduled] = [e.entry for e in told.effects if isinstance(e, Record) and e.entry.event is EventKind.MEETING_SCHEDULED]
    expected = "none announced" if generation != 6 else f"UBTVQH-52 on {early.meets_on}"
    assert scheduled.label == f"Standing Committee meeting before session 16-3: UBTVQH-60 on {between.meets_on} (was {expected})"
    assert told.state.deadline == sessions.statutory_deadline(told.state) and told.state.deadline < between.meets_on - timedelta(days=9)
    assert sessions.registry_cutoffs(told.state).committee_meeting == "UBTVQH-60"
    assert not any("Standing Committee meeting is announced" in w for w in views.status(told.state, "w", NOW).warnings)
    if generation == 6:
        assert state.deadline is not None and state.deadline < early.meets_on
        assert sessions.registry_cutoffs(state).committee_meeting == "UBTVQH-52"
        return
    assert state.deadline is None and sessions.meeting_before(state, third) is None
    assert "no Standing Committee meeting is announced between 16-2 and 16-3: the limit counted back from it waits for one" in " ".join(
        views.status(state, "w", NOW).warnings)
    # The meeting between withdrawn: the limit waits again, its deadline lifted.
    withdrawn = draft.perform(draft.CALENDAR_CHANGED, told.state, SessionCalendar(sessions=(second, third), meetings=(early,),
                                                                                  changed_by="VPQH"), NOW)
    assert withdrawn.state.deadline is None and not withdrawn.state.overdue
    assert [e.entry.label for e in withdrawn.effects if isinstance(e, Record)] == [
        f"Standing Committee meeting before session 16-3: none announced (was UBTVQH-60 on {between.meets_on})"]
    assert sessions.registry_cutoffs(state) == RegistryCutoffs()
    assert [e.entry.event for e in draft.tick(state, start_of(early.meets_on)).effects
            if isinstance(e, Record)] == []
    # Told of the session before its own only now, a draft counting from a meeting before that session lets it go.
    alone = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[third], meetings=[early])
    assert alone.deadline is not None and sessions.registry_cutoffs(alone).committee_meeting == "UBTVQH-52"
    told = draft.perform(draft.CALENDAR_CHANGED, alone, SessionCalendar(sessions=(second, third), meetings=(early,), changed_by="VPQH"), NOW)
    [scheduled] = [e.entry for e in told.effects if isinstance(e, Record) and e.entry.event is EventKind.MEETING_SCHEDULED]
    assert scheduled.label == f"Standing Committee meeting before session 16-3: none announced (was UBTVQH-52 on {early.meets_on})"
    assert told.state.deadline is None and sessions.registry_cutoffs(told.state).committee_meeting is None


def test_the_session_before_is_another_sitting_that_has_sat():
    """Found by a breaker: the draft's own session, moved earlier or named with another date, was taken for the session
    before it (no meeting between: "none announced", the deadline lifted); a meeting between two phases of the session
    before counted; an extraordinary session called between the meeting and a regular session took the meeting away."""
    second, third = session(2, 200), session(3, 380)
    meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=third.opens_on - timedelta(days=5))
    state = core_state(core_request(target=third), at=Stage.GOVERNMENT_DECISION, sessions=[second, third], meetings=[meeting])
    moved = third.model_copy(update={"opens_on": third.opens_on - timedelta(days=1)})
    told = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(second, moved), meetings=(meeting,), changed_by="VPQH"), NOW)
    assert [e.entry.event for e in told.effects if isinstance(e, Record)] == [EventKind.SESSION_RESCHEDULED]
    assert sessions.meeting_before(state, third.model_copy(update={"opens_on": third.opens_on + timedelta(days=3)})) == meeting
    phased = second.model_copy(update={"phases": (SessionPhase(starts_on=second.opens_on, ends_on=second.opens_on + timedelta(days=10)),
                                                  SessionPhase(starts_on=second.opens_on + timedelta(days=30),
                                                               ends_on=second.opens_on + timedelta(days=40)))})
    between_phases = StandingCommitteeMeeting(code="UBTVQH-55", meets_on=second.opens_on + timedelta(days=20))
    ordinance = core_state(core_request(law_kind=LawKind.ORDINANCE, target=third), at=Stage.GOVERNMENT_DECISION, sessions=[phased, third],
                           meetings=[between_phases])
    assert sessions.meeting_before(ordinance, third) is None and ordinance.deadline is None
    called = TargetSession(legislature=16, session=1, extraordinary=True, opens_on=meeting.meets_on + timedelta(days=2))
    assert sessions.meeting_before(state.model_copy(update={"sessions": (second, called, third)}), third) == meeting
    assert sessions.meeting_before(state.model_copy(update={"sessions": (second, called, third)}), called) == meeting  # any kind before it


def test_an_overdue_draft_whose_meeting_is_withdrawn_and_announced_again_raises_nothing_twice():
    """Found by a breaker: the deadline lifted with the meeting forgot the alarms it had raised; announced again, the
    same deadline raised DEADLINE_PASSED and every level of escalation a second time."""
    second, third = session(2, 60), session(3, 240)
    meeting = StandingCommitteeMeeting(code="UBTVQH-60", meets_on=third.opens_on - timedelta(days=25))
    told = lambda *meetings: SessionCalendar(sessions=(second, third), meetings=meetings, changed_by="VPQH")  # noqa: E731
    state = core_state(core_request(law_kind=LawKind.ORDINANCE, target=third), at=Stage.GOVERNMENT_DECISION, sessions=[second, third],
                       meetings=[meeting])
    late = start_of(state.deadline + timedelta(days=20)) + timedelta(hours=9)
    ticked = draft.tick(state, late)
    assert sum(1 for e in ticked.effects if isinstance(e, Record) and e.entry.event is EventKind.ESCALATION) == 4
    lifted = draft.perform(draft.CALENDAR_CHANGED, ticked.state, told(), late).state
    assert lifted.deadline is None and not lifted.overdue
    again = draft.perform(draft.CALENDAR_CHANGED, lifted, told(meeting), late + timedelta(days=1)).state
    assert again.deadline == state.deadline and again.overdue
    assert [e for e in draft.tick(again, late + timedelta(days=1, hours=1)).effects if isinstance(e, Record)] == []


def test_a_state_carried_into_the_seventh_generation_is_counted_again_and_says_so():
    """Found by a breaker: a sixth-generation state carried to a new run takes up the seventh generation, but kept the
    deadline counted from a meeting before an earlier session until it passed, and then slipped. Taken up, it is counted
    again by the new rules, and the change is recorded (DEADLINE_RECOUNTED) so that the registry and the board follow;
    nothing happens to a state that does not change generation."""
    from workflows import calendar_changes

    second, third = session(2, 200), session(3, 380)
    early = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=second.opens_on - timedelta(days=30))
    sixth = core_state(core_request(law_kind=LawKind.ORDINANCE, target=third), at=Stage.GOVERNMENT_DECISION, generation=6,
                       sessions=[second, third], meetings=[early])
    assert sixth.deadline is not None
    taken = calendar_changes.taken_up(sixth, sixth.model_copy(update={"generation": 7}), NOW)
    [recount] = [e.entry for e in taken.effects if isinstance(e, Record)]
    assert taken.state.deadline is None and taken.state.generation == 7 and sessions.registry_cutoffs(taken.state) == RegistryCutoffs()
    assert recount.event is EventKind.DEADLINE_RECOUNTED and recount.label.startswith(
        f"counted again by this release's rules: the deadline is now none: the limit waits for a sitting to count back from (was {sixth.deadline})")
    assert calendar_changes.taken_up(sixth, sixth.model_copy(update={"generation": 6}), NOW).effects == []
    # A law counts back from the session: only the meeting it is grouped under on the board changes.
    law = core_state(core_request(target=third), at=Stage.GOVERNMENT_DECISION, generation=6, sessions=[second, third], meetings=[early])
    [regrouped] = [e.entry for e in calendar_changes.taken_up(law, law.model_copy(update={"generation": 7}), NOW).effects if isinstance(e, Record)]
    assert regrouped.label == ("counted again by this release's rules: the Standing Committee meeting it comes before is now none "
                               "(was UBTVQH-52)") and regrouped.deadline == law.deadline
    assert calendar_changes.taken_up(law, law, NOW).effects == []


def test_the_revised_draft_is_filed_between_sessions_and_a_returned_draft_comes_back_revised():
    """At INTER_SESSION_REVISION the draft filed at drafting does not stand for the revised one: the decision is refused
    until the lead ministry files it (or the decision attaches it); a draft returned to DRAFTING needs a new draft, cover
    submission and request for appraisal, while what the stage asked before that is not renewed still counts."""
    from schemas.messages import DossierFiling
    from tests.drafts import document

    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION)
    assert {doc.kind for doc in state.dossier} >= {DocumentKind.DRAFT_TEXT} and state.filed_here == ()
    bare = decision(request, Stage.INTER_SESSION_REVISION).model_copy(update={"documents": ()})
    with pytest.raises(Refused, match="without REVISION_REPORT and without DRAFT_TEXT filed anew"):
        draft.validate(draft.DECIDE, state, bare, NOW)
    # The status says which missing kind the dossier holds from before, as the Web UI's details do.
    pending = views.status(state, "w", NOW).pending
    assert (pending.missing_documents, pending.filed_before) == ((DocumentKind.REVISION_REPORT, DocumentKind.DRAFT_TEXT), (DocumentKind.DRAFT_TEXT,))
    assert "**Missing documents:** REVISION_REPORT, DRAFT_TEXT (filed before: file it anew)" in views.details(state)
    filing = DossierFiling(stage=Stage.INTER_SESSION_REVISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                           official="x", documents=(document(DocumentKind.DRAFT_TEXT, "revised"), document(DocumentKind.REVISION_REPORT)))
    draft.validate(draft.FILE_DOSSIER, state, filing, NOW)
    filed = draft.perform(draft.FILE_DOSSIER, state, filing, NOW).state
    assert set(filed.filed_here) == {DocumentKind.DRAFT_TEXT, DocumentKind.REVISION_REPORT}
    carried = DraftState.model_validate_json(filed.model_dump_json())  # what a run continued as new starts from
    draft.validate(draft.DECIDE, carried, bare, NOW)
    moved = draft.perform(draft.DECIDE, carried, bare, NOW).state
    assert moved.stage is Stage.NA_SESSION and moved.filed_here == ()
    assert "filed_before" not in views.status(moved, "w", NOW).pending.model_dump()  # as an earlier release's reader expects it

    at_appraisal = core_state(request, at=Stage.APPRAISAL)
    returned = draft.perform(draft.DECIDE, at_appraisal, decision(request, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION), NOW).state
    assert returned.stage is Stage.DRAFTING
    assert views.status(returned, "w", NOW).pending.missing_documents == (DocumentKind.APPRAISAL_REQUEST, DocumentKind.COVER_SUBMISSION, DocumentKind.DRAFT_TEXT)


def _filing(request, stage, *documents):
    from schemas.messages import DossierFiling

    return DossierFiling(stage=stage, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER, official="x",
                         documents=documents)


def _bare(request, stage, outcome=Outcome.APPROVE, **fields):
    return decision(request, stage, outcome, **fields).model_copy(update={"documents": ()})


@pytest.mark.parametrize(("version", "stage"), [(ProcessVersion.LAW_2025, Stage.POLICY_PROPOSAL), (ProcessVersion.LAW_2015, Stage.LAW_MAKING_PROPOSAL)])
def test_a_proposal_returned_to_its_own_stage_is_not_approved_unrevised(version, stage):
    """Found by a breaker: a proposal returns for revision to its own stage, which the draft never left, so what was filed
    before the return still counted; a decision spends what was filed for it."""
    from tests.drafts import document

    request = core_request(version)
    state = core_state(request, at=stage)
    proposal = tuple(document(kind, "v1") for kind in state.rulebook.rule(stage).renewed_documents)
    state = draft.perform(draft.FILE_DOSSIER, state, _filing(request, stage, *proposal), NOW).state
    returned = draft.perform(draft.DECIDE, state, decision(request, stage, Outcome.RETURN_FOR_REVISION), NOW).state
    assert returned.stage is stage and dict(returned.returns)[stage] == 1 and returned.filed_here == ()
    assert set(views.status(returned, "w", NOW).pending.missing_documents) == {d.kind for d in proposal}
    with pytest.raises(Refused, match="filed anew"):
        draft.validate(draft.DECIDE, returned, _bare(request, stage), NOW)
    revised = tuple(document(kind, "v2") for kind in state.rulebook.rule(stage).renewed_documents)
    draft.validate(draft.DECIDE, draft.perform(draft.FILE_DOSSIER, returned, _filing(request, stage, *revised), NOW).state, _bare(request, stage), NOW)


def test_the_record_of_a_failed_vote_does_not_stand_for_the_next_vote():
    """Found by a breaker: a failed vote and a carry-over keep the draft at NA_SESSION; the failed vote's record counted
    for the vote at the next session."""
    from tests.drafts import FAILING_VOTE

    request = core_request()
    state = core_state(request, at=Stage.NA_SESSION)
    state = draft.perform(draft.DECIDE, state, decision(request, Stage.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE, label="failed"), NOW).state
    later = TargetSession(legislature=16, session=3, opens_on=state.target.opens_on + timedelta(days=150))
    carry = decision(request, Stage.NA_SESSION, Outcome.RETURN_FOR_REVISION)
    carry = Decision.model_validate({**carry.model_dump(), "outcome": Outcome.CARRY_OVER, "carry_to": later.model_dump()})
    carried = draft.perform(draft.DECIDE, state, carry, NOW).state
    assert carried.stage is Stage.NA_SESSION and carried.target.code == later.code and carried.filed_here == ()
    with pytest.raises(Refused, match="VOTE_RECORD filed anew"):
        draft.validate(draft.DECIDE, carried, _bare(request, Stage.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE), NOW)


def test_the_draft_filed_again_unchanged_counts_as_filed_for_the_decision():
    """A breaker asked whether filing again the very draft filed at drafting (same SHA-256) should stand for the revised
    one between sessions. It does, as a filing the official makes for this decision: the filing is recorded (no new
    dossier version), and the same bytes attached to the decision count too. Only what was filed before the stage's
    last entry or decision does not."""
    from tests.drafts import document

    request = core_request(procedure=SessionProcedure.TWO_SESSIONS)
    state = core_state(request, at=Stage.INTER_SESSION_REVISION)
    old = {d.kind: d for d in state.dossier}[DocumentKind.DRAFT_TEXT]
    report = document(DocumentKind.REVISION_REPORT, "new")
    bare = _bare(request, Stage.INTER_SESSION_REVISION)
    with pytest.raises(Refused, match=r"without REVISION_REPORT and without DRAFT_TEXT filed anew \(one filed for an earlier decision or stage does not count\) \(rule"):
        draft.validate(draft.DECIDE, state, bare, NOW)
    applied = draft.perform(draft.FILE_DOSSIER, state, _filing(request, Stage.INTER_SESSION_REVISION, old, report), NOW)
    assert applied.state.filed_here == (DocumentKind.DRAFT_TEXT, DocumentKind.REVISION_REPORT)
    assert applied.state.dossier_version == state.dossier_version + 1  # the report is new; the draft text is not
    draft.validate(draft.DECIDE, applied.state, bare, NOW)
    draft.validate(draft.DECIDE, state, bare.model_copy(update={"documents": (old, report)}), NOW)


def test_status_warns_of_a_cut_off_passed():
    """Found by a fresh-user trial: a draft whose cut-off ahead has passed (no later session announced to slip to) said so
    in `legis status`'s table only; its JSON, which scripts read, showed nothing amiss."""
    for target, said in ((None, "the draft slips to the next session announced"),
                         (TargetSession(legislature=16, session=13, opens_on=OPENS_ON, extraordinary=True),
                          "the draft keeps its place at the extraordinary session")):
        state = core_state(core_request(target=target), at=Stage.DRAFTING)
        cutoff = sessions.registry_cutoffs(state).cutoff
        passed = f"the cut-off {cutoff} for GOVERNMENT_DECISION, counted back from {state.target.code}, has passed: {said}"
        assert not any("has passed" in w for w in views.status(state, "w", start_of(cutoff)).warnings)
        assert any(w.startswith(passed) for w in views.status(state, "w", start_of(cutoff + timedelta(days=1))).warnings)
