"""The draft core: what each message does to a draft, as pure functions of its state, the message and `now`.

No Temporal, no I/O, no clock. An operation checks the message against the state (`workflows.rules`),
then returns the next state and the effects in the order they happened: audit events to record,
search attributes and memo to refresh, consultation rounds to start or cancel. The workflow
(`workflows.draft_law`) is a shell that asks, applies and carries out.

A draft's generation (`workflows.generations`) says which behaviour its histories recorded: the first was
started before this core, the second added the calendar read at the start, the next session after a debate,
an approved postponement that stands when a session moves, rest days and rounds watched until they report,
the third keeps the escalation levels a draft reached when its deadline moves and it stays overdue, and the fourth
raises an approved date after the session's cut-off when it is approved and refuses a regular session numbered above 12.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

from schemas.calendar import SessionCalendar, TargetSession, check_session_number, check_session_order
from schemas.enums import BETWEEN_SESSIONS, SITTING_STAGES, Actor, EventKind, LawKind, Outcome, ProgrammeChangeKind, SessionProcedure, Stage
from schemas.messages import (
    AgencyRemap,
    ConsultationRequest,
    Decision,
    Disagreement,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    RoundCancellation,
    Ruling,
    StartRequest,
)
from schemas.records import PinnedRules
from schemas.refusal import RefusalKind, Refused
from schemas.state import DraftState, SeenRequest
from schemas.views import ApprovedPostponement, OpenPoint, Receipt
from workflows import admissions, calendar_changes, rounds, rules, sessions, sittings
from workflows.change import Applied, Change, CheckRound, Record, RemapRound, SetMemo, passed_unraised, raise_due
from workflows.deadlines import local_day, start_of
from workflows.follow_up import is_late_request
from workflows.idempotency import check_retry, digest, remember, remembered
from workflows.stage_graph import next_stage, place_on_new_path, referred, resolve, stage_path

M = TypeVar("M")


# Operations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation(Generic[M]):
    """One kind of message a draft takes: its update's name, its check and what it does."""

    name: str
    message: type[M]
    check: Callable[[DraftState, M, datetime], None]
    apply: Callable[[Change, M], None]
    # What only new input must meet, asked by the update's validator alone (`validate`), never by `perform`: a history
    # that recorded a message before the rule existed replays as it ran, and the message type still decodes it. Given the
    # draft's state, or None before its rulebook is pinned (then only what the message says alone is asked).
    admits: Callable[[DraftState | None, M], None] | None = None
    # Sent to every running draft by legis itself (`cli.broadcast`): its request is forgotten before a caller's (`remember`).
    broadcast: bool = False


def perform(op: Operation[M], state: DraftState, message: M, now: datetime, request_id: str | None = None, *,
            checked: bool = False, update_id: str | None = None) -> Applied:
    """Check and apply a message; a request ID seen before returns its first receipt, applying nothing. `checked`: the
    caller has just had `validate` pass for this very state, message, `now` and request ID, so the check is not repeated.
    `update_id`: the update that carries it, remembered with the request (`delivered_again`)."""
    seen = remembered(state, request_id)
    if seen is not None:
        check_retry(seen, message)
        return Applied(state, [], seen.receipt.model_copy(update={"duplicate": True}))
    if not checked:
        op.check(state, message, now)
    occurred_on = getattr(message, "occurred_on", None)  # a message entered afterwards says the day it happened
    change = Change(state, now, start_of(occurred_on) if occurred_on else None)
    op.apply(change, message)
    rounds.follow_sessions(change)
    s = change.state
    recorded = [e.entry for e in change.effects if isinstance(e, Record)]
    receipt = Receipt(
        submission_id=s.submission_id, request_id=request_id, first_seq=recorded[0].seq if recorded else None,
        events=len(recorded), stage=state.stage, to_stage=s.stage, stage_deadline=s.deadline, target_session=s.target.code,
        classified=s.classified,
    )
    if request_id is not None:
        s.seen = remember(s, SeenRequest(request_id=request_id, digest=digest(message), receipt=receipt, update_id=update_id,
                                         broadcast=op.broadcast and s.generation >= 32))
    return Applied(s, change.effects, receipt)


def validate(op: Operation[M], state: DraftState, message: M, now: datetime, request_id: str | None = None) -> None:
    """What an update's validator asks: would `perform` refuse this message?"""
    seen = remembered(state, request_id)
    if seen is not None:
        check_retry(seen, message)
        return
    admit(op, state, message, request_id)
    op.check(state, message, now)
    admissions.admits_body_code(message)  # after the stage's rules, which name an actor that may not act here at all


def admit(op: Operation[M], state: DraftState | None, message: M, request_id: str | None = None) -> None:
    """What only new input must meet, asked by the update's validator alone: no API token's secret in it nor in its
    request ID (`admissions.admits_no_secret`: a refused update leaves no trace in Temporal's history, where its ID would
    stand in clear), a request ID of at most 200 characters (`admissions.admits_request_id`), no bidirectional control nor line separator in
    its texts (`admissions.admits_nothing_misread`), no text that shows nothing
    (`admissions.admits_texts_showing_something`), no date before a programme change at its stage
    (`admissions.admits_after_programme_change`), and the operation's own (`Operation.admits`); with no state (the rulebook
    not pinned yet), a body that is one agency under its own code (`admissions.admits_body_code`), which `validate` asks
    after the stage's rules otherwise."""
    written = message.model_dump_json()  # one JSON for the checks of its texts, on every update's path
    admissions.admits_no_secret(message, request_id, written=written)
    admissions.admits_request_id(request_id)
    admissions.admits_nothing_misread(message, written=written)
    admissions.admits_texts_showing_something(message, written=written)
    if state is None:
        admissions.admits_body_code(message)  # else asked by `validate` after the stage's rules
    admissions.admits_after_programme_change(state, message)
    if op.admits is not None:
        op.admits(state, message)


def open_draft(request: StartRequest, pinned: PinnedRules, now: datetime, *, generation: int, publication: bool = True) -> Applied:
    """A new draft at its first stage (or, for a draft under way, where its imported steps leave it).

    Raises Refused (CLOSED) for a submission the registry records as closed: a submission ID names one draft for ever;
    (INVALID) for a regular target session numbered above 12 (fourth generation on), for an ordinance over more than one
    session (seventh generation on), and for an imported step the rulebook's path refuses (its field under `passed.N`);
    (INVALID, `not_a_secret`) for a start holding an API token's secret (fifteenth generation on: one started past the
    API and the CLI, by a raw Temporal client). A run started again for a submission not closed (its workflow
    terminated, say) numbers its events on from those the audit trail holds."""
    if pinned.closed_as is not None:
        raise Refused("submission_id", "draft_closed", f"submission {request.submission_id} was closed as {pinned.closed_as.value}; "
                      "its record is final and it cannot be started again", RefusalKind.CLOSED)
    if generation >= 15:
        admissions.admits_no_secret(request)
    if generation >= 4:
        check_session_number(request.target_session, "target_session")
    if generation >= 7 and request.law_kind is LawKind.ORDINANCE and request.session_procedure is not SessionProcedure.ONE_SESSION:
        # As a programme change may not switch one (`rules.check_switch`); an earlier generation took it and ignored it.
        raise Refused("session_procedure", "laws_only", "an ordinance is adopted by the Standing Committee, not over sessions of the "
                      "Assembly: ONE_SESSION (the default)", RefusalKind.INVALID)
    book = pinned.rulebook
    path = stage_path(book, request.session_procedure, law_kind=request.law_kind, publication=publication)
    announced = tuple(sorted(pinned.sessions, key=lambda s: s.opens_on))
    target = next((s for s in announced if s.code == request.target_session.code), request.target_session)
    # A draft under way entered the system with its real dates: its first stage began on its first step's day.
    since = start_of(request.passed[0].occurred_on) if request.passed and request.passed[0].occurred_on else now
    state = DraftState(
        generation=generation, request=request.model_copy(update={"passed": ()}), rulebook=book, working=pinned.working,
        publication=publication, lead_ministry=request.lead_ministry, procedure=request.session_procedure, path=path,
        stage=path[0], stage_since=since, target=target, sessions=announced,
        meetings=tuple(sorted(pinned.meetings, key=lambda m: m.meets_on)), seq=pinned.recorded,
    )
    change = Change(state, now)
    change.enter(path[0], since)
    differs = generation >= 7 and target.opens_on != request.target_session.opens_on
    # Thirty-first generation: the submission is its lead ministry's, named as every other step names who took it (found by
    # an inspector's audit: the trail never said who had opened the draft).
    submitter = {"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry} if generation >= 31 else {}
    submitted = change.record(EventKind.SUBMITTED, to_stage=path[0], label=f"aimed at session {target.code}, which opens on {target.opens_on} as "
                  f"announced (the request said {request.target_session.opens_on})" if differs else None, **submitter)
    change.entered(submitted)
    for number, step in enumerate(request.passed):
        try:
            if generation >= 21:  # as `check_start` asks it, for a start past the API and the CLI
                admissions.admits_decision(change.state, step)
            if generation >= 31:
                admissions.admits_vote(step)
                # What time raised before the step was taken, as a draft sent its steps one by one would have: a cut-off
                # passed slips it (found by a Government Office's trial: a Government decision dated after its session's
                # cut-off left the imported draft aimed at that session). Not where a later step was taken at a sitting of
                # that session (before the next opened): the session kept the draft on its agenda (`sittings`).
                if not sittings.kept_by_its_session(change.state, request.passed[number:]) and sessions.cutoff_missed(
                        change.state, until := start_of(step.occurred_on)):
                    raise_due(change, until)
            rules.check_decision(change.state, step, now, imported=True)
        except Refused as refused:
            raise refused.within(f"passed.{number}") from None
        # A debate sends the draft to an extraordinary session only where a later step was taken at it; else as a draft
        # debated now (found by two breakers of the twentieth generation).
        taken_on = tuple(later.occurred_on for later in request.passed[number + 1:] if later.stage in SITTING_STAGES and later.occurred_on)
        apply_decision(change, step, imported=True, taken_on=taken_on)
        if generation < 27:  # from the twenty-seventh, as any stage entered (`Change.enter`)
            change.state.fired = passed_unraised(change.state, now)
            change.state.unraised = change.state.fired if generation >= 26 else ()
    return Applied(change.state, change.effects)


def check_target(request: StartRequest, pinned: PinnedRules, now: datetime) -> None:
    """The session a new submission aims at, checked before it starts (by the HTTP API and `legis start`, beside
    `open_draft`; not by the draft, whose first task may run after the day turns): one not on the calendar in order with
    those announced, as `legis calendar set-session` would take it; and, but for a draft under way (whose session may be
    sitting), not one that opened before today (Ha Noi), at the day the calendar gives it; and the process version in
    force when the draft started (`admissions.admits_version_in_force`). Raises Refused (INVALID) `target_session.opens_on` `sessions_in_order`, `not_in_past`; `version_in_force`."""
    admissions.admits_version_in_force(request, now)
    announced = next((s for s in pinned.sessions if s.code == request.target_session.code), None)
    target, today = announced or request.target_session, local_day(now)
    if announced is None:
        try:
            check_session_order(pinned.sessions, target)
        except Refused as refused:
            raise refused.within("target_session") from None
    if not request.passed and target.opens_on < today:
        raise Refused("target_session.opens_on", "not_in_past", f"session {target.code} opened on {target.opens_on}, before today ({today} "
                      "in Ha Noi): aim a new draft at a session ahead, or enter a draft under way with the steps it has passed (passed)",
                      RefusalKind.INVALID)


def apply_decision(change: Change, decision: Decision, *, imported: bool = False, taken_on: tuple[date, ...] = ()) -> None:
    s, now = change.state, change.now
    seq = s.seq + 1
    about_version = s.dossier_version or None
    version = change.file(decision.documents, seq)
    return_to = None
    if decision.outcome is Outcome.RETURN_FOR_REVISION:
        return_to = rules.return_target(s, decision)
        s.returns = _counted(s.returns, return_to)
    if decision.vote is not None:
        s.last_vote = decision.vote
    carry_to = sessions.as_named(s, decision.carry_to)
    if carry_to is not None:
        s.target = carry_to
        change.refresh()
    label = _decision_label(decision, carry_to)
    if s.generation >= 21 and decision.outcome is Outcome.RETURN_FOR_REVISION and s.postponement is not None:
        # Said, not kept nor dropped unseen (found by a ministry's trial): whoever approved it decides again if needed.
        label = (f"the date {s.postponement.deadline} approved by {s.postponement.approved_by.value} lapses with the stage; "
                 "ask it again if the draft needs it when it is back here")
    if decision.outcome is Outcome.REFER_TO_ASSEMBLY:
        s.path = stage_path(s.rulebook, s.procedure, law_kind=s.request.law_kind, track=s.track, publication=s.publication, referred=True)
        label = sessions.aim_at_nearest(s, decision.occurred_on or local_day(now))
    to_stage = resolve(s.path, s.stage, decision.outcome, return_to=return_to, vote_passed=decision.vote.passed if decision.vote else None,
                       refer_to=s.rulebook.rule(s.stage).refer_to)
    undone = change.slip_undone(decision.occurred_on if decision.outcome is not Outcome.WITHDRAW else None)
    entry = change.record(
        EventKind.DECISION, to_stage=to_stage, outcome=decision.outcome, actor=decision.actor, agency_code=decision.agency_code,
        role=decision.role, official=decision.official, reasons=decision.reasons, documents=decision.documents, vote=decision.vote,
        loop=dict(s.returns).get(return_to, 0) if return_to else 0, deadline=undone.deadline if undone else s.deadline, label=label,
        version=version, about_version=about_version, occurred_on=decision.occurred_on, imported=imported,
    )
    change.log("decision recorded", stage=s.stage.value, outcome=decision.outcome.value, to_stage=to_stage.value)
    # What was filed for this decision is spent: a decision that keeps the draft at its stage (returned to it, a vote
    # failed, carried over) is taken again on documents filed after it.
    s.filed_here = ()
    if s.generation >= 12:
        s.decided_here_on = decision.occurred_on or local_day(now)
    change.aim_again(undone)
    if to_stage is not s.stage:
        aimed = s.target
        if sessions.after_debate(s, s.stage, to_stage):
            # Thirteenth generation: a debate entered under way at a session that has ended leaves the draft holding the
            # one that debated it before, where the session it had chosen would be taken for a sitting it never had.
            if not (imported and s.generation >= 13 and decision.occurred_on and sittings.at_an_ended_session(s, decision.occurred_on)):
                s.held = s.target
            change.aim_after_debate(taken_on=taken_on)
        change.enter(to_stage, start_of(decision.occurred_on) if decision.occurred_on else now)
        change.entered(entry)
        change.said_aimed_after_debate(aimed, decision.occurred_on)


def _counted(counts: tuple[tuple[Stage, int], ...], stage: Stage) -> tuple[tuple[Stage, int], ...]:
    totals = dict(counts)
    totals[stage] = totals.get(stage, 0) + 1
    return tuple(totals.items())


def _decision_label(decision: Decision, carry_to: TargetSession | None) -> str | None:
    if decision.carry_to is not None and carry_to is not None:
        return f"carried over to session {carry_to.code} (opens {carry_to.opens_on}){sessions.differs_from(carry_to, decision.carry_to)}"
    if decision.vote is not None and decision.vote.passed and decision.vote.parts_not_passed:
        return decision.vote.result
    return None


def apply_filing(change: Change, filing: DossierFiling) -> None:
    seq = change.state.seq + 1
    version = change.file(filing.documents, seq)
    change.record(EventKind.DOSSIER_FILED, version=version, actor=filing.actor, agency_code=filing.agency_code, role=filing.role,
                  official=filing.official, documents=filing.documents, occurred_on=filing.occurred_on)


def apply_postponement_request(change: Change, request: PostponementRequest) -> None:
    s = change.state
    assert s.deadline is not None
    s.pending_postponement = request
    if s.generation >= 14:
        s.postponed_here_on = rules.latest(s.postponed_here_on, request.occurred_on or local_day(change.now))
    change.record(EventKind.POSTPONEMENT_REQUESTED, actor=request.actor, agency_code=request.agency_code, role=request.role,
                  official=request.official, reasons=request.reason, deadline=s.deadline, requested_deadline=request.new_deadline,
                  late_request=is_late_request(s.rulebook.follow_up, deadline=s.deadline, asked_on=request.occurred_on or local_day(change.now)),
                  occurred_on=request.occurred_on)


def apply_postponement_decision(change: Change, decision: PostponementDecision) -> None:
    s = change.state
    asked = s.pending_postponement
    assert asked is not None
    # An earlier date resolving a conflict gets the alarms already past for it (the deadline passed, escalations): none
    # was raised for it. Only such a request asks a date before an approved one (`rules.check_postponement_request`).
    resolving = s.postponement is not None and s.deadline is not None and asked.new_deadline < s.deadline
    s.pending_postponement = None
    if s.generation >= 14:
        s.postponed_here_on = rules.latest(s.postponed_here_on, decision.occurred_on or local_day(change.now))
    entry = change.record(EventKind.POSTPONEMENT_DECIDED, actor=decision.actor, agency_code=decision.agency_code, role=decision.role,
                          official=decision.official, reasons=decision.reason, deadline=s.deadline,
                          requested_deadline=asked.new_deadline, approved=decision.approved, occurred_on=decision.occurred_on)
    if decision.approved:
        change.move_deadline(asked.new_deadline, quiet=change.gen2 and not resolving)
        change.dated(entry)
        if change.gen2:
            s.postponement = ApprovedPostponement(deadline=asked.new_deadline, approved_by=decision.actor, seq=entry.seq)
        if change.checks_approved_dates:
            change.raise_conflict()  # against the cut-off in force now


def apply_disagreement(change: Change, point: Disagreement) -> None:
    s = change.state
    first = s.rulebook.arbitration[0].actor
    s.open_points = (*s.open_points, OpenPoint(point=point, with_actor=first))
    s.points_raised = (*s.points_raised, point.point_id)
    change.record(EventKind.DISAGREEMENT_RAISED, actor=point.actor, agency_code=point.agency_code, role=point.role,
                  official=point.official, reasons=point.summary,
                  label=f"point {point.point_id}: {', '.join(point.parties)} disagree; to {first.value}")


def apply_ruling(change: Change, ruling: Ruling) -> None:
    s = change.state
    point = next(p for p in s.open_points if p.point.point_id == ruling.point_id)
    others = tuple(p for p in s.open_points if p is not point)
    if ruling.escalate:
        levels = [d.actor for d in s.rulebook.arbitration]
        above = levels[levels.index(point.with_actor) + 1]
        s.open_points = (*others, point.model_copy(update={"with_actor": above}))
        event, label = EventKind.DISAGREEMENT_ESCALATED, f"point {ruling.point_id}: escalated to {above.value}"
    else:
        s.open_points = others
        event, label = EventKind.DISAGREEMENT_RULED, f"point {ruling.point_id}: ruled by {ruling.actor.value}"
    change.record(event, actor=ruling.actor, agency_code=ruling.agency_code, role=ruling.role, official=ruling.official,
                  reasons=ruling.ruling, label=label)


def apply_remap(change: Change, remap: AgencyRemap) -> None:
    s = change.state
    if remap.old_code != s.lead_ministry:  # the examining committee's code (twenty-second generation: `rules.check_remap`)
        s.committee = remap.new_code
        change.record(EventKind.AGENCY_REMAPPED, agency_code=remap.new_code, official=remap.changed_by, reasons=remap.reason,
                      label=f"examining committee {remap.old_code} is now {remap.new_code}")
        change.refresh()
        return
    s.lead_ministry = remap.new_code
    change.record(EventKind.AGENCY_REMAPPED, agency_code=remap.new_code, official=remap.changed_by, reasons=remap.reason,
                  label=f"lead ministry {remap.old_code} is now {remap.new_code}")
    if not s.classified:
        change.effects.append(SetMemo({"lead_ministry": remap.new_code}))
    if s.generation >= 10:  # its open rounds take the compilation from the new code (before, from the old one only)
        change.effects.extend(RemapRound(w.round.workflow_id, remap) for w in s.open_rounds)
        s.open_rounds = tuple(rounds.remapped(w, remap.new_code) for w in s.open_rounds)
    change.refresh()


def apply_programme_change(change: Change, programme: ProgrammeChange) -> None:
    s, now = change.state, change.now
    was, old_target, kind = s.stage, s.target, programme.kind
    to_stage, label = was, kind.value
    if kind is ProgrammeChangeKind.WITHDRAW:
        to_stage, label = Stage.WITHDRAWN, "withdrawn from the programme"
    elif kind is ProgrammeChangeKind.ADD:
        to_stage, label = next_stage(s.path, was), "added to the programme"
    elif kind is ProgrammeChangeKind.DEFER:
        label = "brought to an extraordinary session" if programme.to_session and programme.to_session.extraordinary else "deferred"
    else:
        track, procedure = rules.programme_after(s, programme)
        label = f"{s.procedure.value} -> {procedure.value}" if kind is ProgrammeChangeKind.SWITCH_PROCEDURE else f"moved to the {track.value} procedure"
        s.track, s.procedure = track, procedure
        new_path = stage_path(s.rulebook, procedure, law_kind=s.request.law_kind, track=track, publication=s.publication,
                              referred=referred(s.rulebook, s.path, s.request.law_kind))
        to_stage = place_on_new_path(was, s.path, new_path)
        s.path = new_path
    # Voted at the sitting that debated it (its phases as announced): a session announced later does not take it away.
    debate = sessions.passed_at_its_debate(s, programme, programme.occurred_on or local_day(now)) if kind is ProgrammeChangeKind.SWITCH_PROCEDURE else None
    lapses = programme.to_session is not None and kind is ProgrammeChangeKind.DEFER and s.generation >= 22 and (
        (held := s.postponement) is not None and held.approved_by is programme.actor)
    if lapses:  # its authority decides again (found by a committee's trial: a draft deferred to October was held to May's date)
        s.postponement, label = None, f"{label}; the date {held.deadline} approved by {held.approved_by.value} lapses with the programme change"
    if programme.to_session is not None:
        named = sessions.as_named(s, programme.to_session)
        s.target, s.held = (debate, None) if debate else (named, s.held)
        # Before the twelfth generation the session named is the message's own: its label says nothing more.
        label += f"; aimed at session {s.target.code} (opens {s.target.opens_on}){sessions.differs_from(named, programme.to_session)}"
    entry = change.record(EventKind.PROGRAMME_CHANGED, stage=was, to_stage=to_stage, actor=programme.actor, agency_code=programme.agency_code,
                  role=programme.role, official=programme.official, reasons=programme.reason, deadline=s.deadline, label=label,
                  occurred_on=programme.occurred_on)
    if to_stage is not was:
        if change.gen2 and to_stage in BETWEEN_SESSIONS:
            s.held = old_target
        change.enter(to_stage, start_of(programme.occurred_on) if programme.occurred_on else now)
        change.entered(entry)
    elif s.target != old_target or (lapses and s.generation >= 23) or (kind is ProgrammeChangeKind.SWITCH_PROCEDURE and s.generation >= 24):
        # Counted again: the lapsed date kept at its session (23rd); the stage's limit under the procedure switched to (24th).
        change.recompute()
        change.dated(entry)
    else:
        change.refresh()


def receive(op: Operation[M], state: DraftState, message: M, now: datetime, request_id: str | None = None, *,
            checked: bool = False, update_id: str | None = None) -> Applied:
    """What an update does: `perform`, then, from the twenty-first generation, raise the alarms it made due now (a stage
    reached past its cut-off: the deadline passed, the slip to the next session), in its receipt, which says where the
    draft stands after both (found by an official's trial: the answer named the session the draft had just slipped from,
    and the cut-off passed, which the tick after it changed)."""
    applied = perform(op, state, message, now, request_id, checked=checked, update_id=update_id)
    if applied.receipt.duplicate or applied.state.generation < 21:
        return applied
    change = Change(applied.state, now)
    raise_due(change)
    recorded = [e.entry for e in change.effects if isinstance(e, Record)]
    if not recorded:
        return applied
    rounds.follow_sessions(change)
    s = change.state
    receipt = applied.receipt.model_copy(update={
        "first_seq": applied.receipt.first_seq or recorded[0].seq, "events": applied.receipt.events + len(recorded), "to_stage": s.stage,
        "stage_deadline": s.deadline, "target_session": s.target.code})
    if request_id is not None:  # a retry is answered as the first call was
        s.seen = (*s.seen[:-1], s.seen[-1].model_copy(update={"receipt": receipt}))
    return Applied(s, [*applied.effects, *change.effects], receipt)


def tick(state: DraftState, now: datetime) -> Applied:
    """Time passed: raise the alarms now due (a missed cut-off slips the draft), and check the rounds due."""
    change = Change(state, now)
    s = change.state
    raise_due(change)
    rounds.follow_sessions(change)  # a slip aims the draft at the next session
    if change.gen2:
        change.effects.extend(CheckRound(w.round.round_id, w.round.workflow_id) for w in s.open_rounds if w.check_at <= now)
    return Applied(s, change.effects)


DECIDE = Operation("decide", Decision, rules.check_decision, apply_decision, admissions.admits_new_decision)
FILE_DOSSIER = Operation("file_dossier", DossierFiling, rules.check_filing, apply_filing, admissions.admits_documents)
REQUEST_POSTPONEMENT = Operation("request_postponement", PostponementRequest, rules.check_postponement_request, apply_postponement_request,
                                 admissions.admits_after_last_postponement)
DECIDE_POSTPONEMENT = Operation("decide_postponement", PostponementDecision, rules.check_postponement_decision, apply_postponement_decision,
                                admissions.admits_refusal_reason)
CALENDAR_CHANGED = Operation("calendar_changed", SessionCalendar, rules.check_calendar, calendar_changes.apply_calendar, broadcast=True)
RAISE_DISAGREEMENT = Operation("raise_disagreement", Disagreement, rules.check_disagreement, apply_disagreement, admissions.admits_point)
RULE_ON_DISAGREEMENT = Operation("rule_on_disagreement", Ruling, rules.check_ruling, apply_ruling)
REMAP_AGENCY = Operation("remap_agency", AgencyRemap, rules.check_remap, apply_remap, broadcast=True)
CHANGE_PROGRAMME = Operation("change_programme", ProgrammeChange, rules.check_programme_change, apply_programme_change)
OPEN_CONSULTATION = Operation("open_consultation", ConsultationRequest, rules.check_consultation, rounds.apply_consultation,
                              admissions.admits_round)
CANCEL_CONSULTATION = Operation("cancel_consultation", RoundCancellation, rules.check_round_cancellation, rounds.apply_cancellation)

