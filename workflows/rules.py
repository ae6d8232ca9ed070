"""Who may do what to a draft, and when: the checks behind every update's validator, against the draft's state.

Each check raises `schemas.refusal.Refused`, naming the field of the message at fault and the rule it
breaks, so that a caller can correct the message without reading code. The HTTP API and the CLI send
messages to the draft and let these checks answer; they keep no copy of them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from schemas.calendar import SessionCalendar
from schemas.enums import (
    PASSED_STAGES,
    Actor,
    ConsultationKind,
    DeadlineAnchor,
    DocumentKind,
    EventKind,
    LawKind,
    Outcome,
    ProgrammeChangeKind,
    ProgrammeTrack,
    SessionProcedure,
    Stage,
    committee_refusal,
    procedures_for,
    remap_of_merged,
)
from schemas.messages import (
    AgencyRemap,
    ConsultationRequest,
    Decision,
    Disagreement,
    DocumentRef,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    RoundCancellation,
    Ruling,
)
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import Decider, StageRule
from schemas.state import MAX_OPEN_POINTS, MAX_OPEN_ROUNDS, MAX_POINTS, MAX_ROUNDS, DraftState
from workflows.deadlines import local_day, passes_at, start_of
from workflows.rounds import holds_the_decision
from workflows.sessions import (
    as_named,
    awaiting_session,
    check_named,
    last_day_of,
    next_kind,
    passed_at_its_debate,
    postponement_conflict,
    round_closes_at,
    statutory_deadline,
    window_of,
)
from workflows.sittings import at_an_ended_session, check_meeting, check_sitting, reconsideration_last_day, reconsidered
from workflows.stage_graph import is_earlier, referred, stage_path

INVALID, FORBIDDEN, CONFLICT, STALE, CLOSED = RefusalKind.INVALID, RefusalKind.FORBIDDEN, RefusalKind.CONFLICT, RefusalKind.STALE, RefusalKind.CLOSED
# The agency code of the Viet Nam Fatherland Front (Mặt trận Tổ quốc), which gives the social critique (DOMAIN.md).
FATHERLAND_FRONT = "MTTQ"


def require(message: object, model: type) -> None:
    # A JSON null passes the data converter as None; refuse it like any other malformed message.
    if not isinstance(message, model):
        raise Refused("input", "message_required", f"a {model.__name__} object is required, got {type(message).__name__}", INVALID)


def check_decision(state: DraftState, decision: Decision, now: datetime, *, imported: bool = False) -> None:
    """`imported`: a step a draft already under way had passed, entered with it; its documents may be on paper only."""
    require(decision, Decision)
    check_stage(state, decision.stage)
    check_occurred_on(state, decision.occurred_on, now, decision=True)
    check_named(state, decision.carry_to, "carry_to")
    if decision.outcome is Outcome.WITHDRAW:
        check_authority(state, state.rulebook.withdrawal, decision, "withdraw this draft", "withdrawal_authority")
        return
    rule = state.rulebook.rule(state.stage)
    if decision.outcome not in rule.outcomes:
        allowed = ", ".join(o.value for o in rule.outcomes)
        raise Refused("outcome", "outcome_allowed", f"{decision.outcome.value} is not an outcome of {state.stage.value}; allowed: {allowed}", INVALID)
    check_authority(state, rule.deciders, decision, f"decide {state.stage.value}", "stage_authority")
    if state.generation >= 29 and any(d.actor is decision.actor for d in state.rulebook.filing) and (
            given := [d.kind.value for d in decision.documents if d.kind in state.rulebook.filed_with_decisions]):
        raise Refused("documents", "given_by_its_body", f"{', '.join(given)}: given by the body that decides with its own decision, never "
                      f"with a decision of {decision.actor.value}, which files the dossier", INVALID)
    check_sitting(state, decision, now, imported=imported)
    check_meeting(state, decision, now, imported=imported)
    if decision.outcome is Outcome.APPROVE and state.open_points:
        points = ", ".join(sorted(p.point.point_id for p in state.open_points))
        raise Refused("outcome", "open_disagreements", f"{state.stage.value} cannot be approved while points await a ruling: {points}")
    if decision.outcome in (Outcome.APPROVE, Outcome.VOTE) and (holding := sorted(w.round.round_id for w in state.open_rounds if holds_the_decision(state, w))):
        raise Refused("outcome", "consultation_open", f"{state.stage.value} cannot be decided while consultation rounds await their compilation: {', '.join(holding)}")
    if state.stage is Stage.PROMULGATION and decision.outcome is Outcome.RETURN_FOR_REVISION:
        check_reconsideration(state, decision, now)
    if decision.outcome is Outcome.REFER_TO_ASSEMBLY:
        check_referral(state)
    if decision.outcome in (Outcome.APPROVE, Outcome.VOTE) and not imported and (missing := missing_documents(rule, state, decision.documents)):
        stale = filed_before(rule, state, missing)
        lacking = [", ".join(kind.value for kind in missing if kind not in stale)] if len(stale) < len(missing) else []
        if stale:
            lacking.append(f"{', '.join(kind.value for kind in stale)} filed anew (one filed for an earlier decision or stage does not count)")
        # What to do, said (found by a new user), to a body that files nothing as the lead ministry's filing (found by a
        # Government Office's trial: the Ministry of Justice was told to file its own report).
        them, files = "it" if len(missing) == 1 else "them", any(d.actor is decision.actor for d in state.rulebook.filing)
        raise Refused("documents", "required_documents", f"{state.stage.value} cannot be decided without {' and without '.join(lacking)}: "
                      f"give {them} in the decision's documents" + (f", or file {them} first (legis file; the lead ministry's filings)" if files
                      else "; only the lead ministry files documents beforehand (legis file)"), INVALID)
    if decision.outcome is Outcome.CARRY_OVER and (carry_to := as_named(state, decision.carry_to)):
        # One entered under way from a session that has ended goes to a session after its day (thirteenth generation).
        ended = imported and state.generation >= 13 and decision.occurred_on and at_an_ended_session(state, decision.occurred_on)
        after = decision.occurred_on if ended else state.target.opens_on
        if carry_to.opens_on <= after:
            raise Refused("carry_to", "later_session", f"must open after {'its day' if ended else 'the current target session'} ({after})", INVALID)
    if decision.outcome is Outcome.RETURN_FOR_REVISION and decision.return_to is not None and (
            decision.return_to not in rule.return_to or not is_earlier(state.path, decision.return_to, state.stage)):
        allowed = ", ".join(s.value for s in rule.return_to if s in state.path)
        raise Refused("return_to", "return_target", f"{state.stage.value} may return a draft only to: {allowed}", INVALID)


def check_reconsideration(state: DraftState, decision: Decision, now: datetime) -> None:
    """The President may send an ordinance back to the Standing Committee, within its window; never a law. Under a
    rulebook that refers an ordinance to the Assembly (editions 2025.5, 2015.5 on), only once: adopted again, it is
    promulgated or referred, and once the Assembly decided, promulgated."""
    if state.request.law_kind is not LawKind.ORDINANCE:
        raise Refused("outcome", "reconsideration_for_ordinances", "a law passed by the Assembly must be promulgated; only an ordinance may be sent back")
    rule = state.rulebook.rule(state.stage)
    if rule.refer_to is not None:
        check_assembly_undecided(state)
    window = state.rulebook.ordinance_reconsideration
    asked_on, adopted = decision.occurred_on or local_day(now), local_day(state.stage_since)
    # Its last day off a rest day as the rule says (twenty-second generation; found by a breaker: a window ending on a
    # Saturday refused the Monday after, the rule's NEXT_WORKING_DAY aside).
    last = reconsideration_last_day(state)
    if window is None or last is None or asked_on > last:
        # With its days (found by a committee's trial: neither the adoption's day nor the last was said).
        raise Refused("occurred_on" if decision.occurred_on else "outcome", "reconsideration_window",
                      f"reconsideration may be asked within {window.days if window else 0} days of the ordinance's adoption on {adopted}"
                      + (f", by {last} (Ha Noi)" if last else "") + f" ({window.source if window else 'no rule'})",
                      # A day the message gives is corrected (found by an operator's trial: 409, where the other rules of a day
                      # given answer 422); today's is what the draft's state allows.
                      INVALID if decision.occurred_on else CONFLICT)
    if rule.refer_to is not None and reconsidered(state):
        raise Refused("outcome", "reconsideration_once", "the Standing Committee adopted this ordinance again at the President's request; "
                      f"if he still disagrees, he refers it to the Assembly (REFER_TO_ASSEMBLY; {_article(rule.source)})")


def check_referral(state: DraftState) -> None:
    """The President refers an ordinance to the Assembly's nearest session only when he still disagrees with it after the
    Standing Committee adopted it again at his request (Law 64/2025/QH15 Art. 43(1); Law 80/2015/QH13 Art. 80(1))."""
    cited = _article(state.rulebook.rule(state.stage).source)
    if state.request.law_kind is not LawKind.ORDINANCE:
        raise Refused("outcome", "referral_for_ordinances", "a law passed by the Assembly must be promulgated; only an ordinance goes to it")
    check_assembly_undecided(state)
    if not reconsidered(state):
        raise Refused("outcome", "referral_after_reconsideration", "the President first asks the Standing Committee to reconsider the "
                      f"ordinance (RETURN_FOR_REVISION); only if he still disagrees once it is adopted again does it go to the Assembly ({cited})")


def check_assembly_undecided(state: DraftState) -> None:
    if referred(state.rulebook, state.path, state.request.law_kind):
        raise Refused("outcome", "assembly_decided", "the Assembly decided on this ordinance at the President's referral; it is promulgated")


def _article(source: str) -> str:
    return source.split(":")[0]


def check_filing(state: DraftState, filing: DossierFiling, now: datetime) -> None:
    require(filing, DossierFiling)
    check_stage(state, filing.stage)
    check_occurred_on(state, filing.occurred_on, now)
    try:
        check_authority(state, state.rulebook.filing, filing, "file documents", "filing_authority")
    except Refused as refused:
        if refused.field != "actor":
            raise
        # Said what to do (found by a committee's trial: its examination report was refused, with no word of where it goes).
        raise Refused("actor", "filing_authority", f"{refused.message}; a body that decides attaches its documents to its decision "
                      "(`documents`: its report with its APPROVE)", FORBIDDEN) from None
    if given := [d.kind.value for d in filing.documents if d.kind in state.rulebook.filed_with_decisions]:
        raise Refused("documents", "filed_with_decision", f"{', '.join(given)}: given by the deciding body with its decision, never filed", FORBIDDEN)


def check_postponement_request(state: DraftState, request: PostponementRequest, now: datetime) -> None:
    require(request, PostponementRequest)
    check_stage(state, request.stage)
    check_occurred_on(state, request.occurred_on, now)
    rule = state.rulebook.rule(state.stage)
    if state.deadline is None:
        raise Refused("stage", "postponable_deadline", f"{state.stage.value} has no deadline to move: a postponement moves the deadline of the stage the draft is at")
    if not rule.postponement_authority:
        raise Refused("stage", "postponable_deadline", f"the deadline of {state.stage.value} is statutory and cannot be moved")
    if state.pending_postponement is not None:
        raise Refused("stage", "one_request_at_a_time", f"a postponement to {state.pending_postponement.new_deadline} is already awaiting a decision")
    # An approved date after the sitting's cut-off stands until its authority decides again: a request for another
    # date, earlier ones included, is how the conflict is resolved (POSTPONEMENT_CONFLICT).
    conflict = postponement_conflict(state, now) if state.generation >= 2 else None
    if conflict is not None and request.new_deadline == state.deadline:
        raise Refused("new_deadline", "later_than_current", f"must be another date than the approved one ({state.deadline})", INVALID)
    if conflict is not None and request.new_deadline < conflict[0]:
        # Before the cut-off the draft would be counted late for a sitting whose cut-off is still ahead, and slip.
        raise Refused("new_deadline", "not_before_cutoff", f"must be on or after the cut-off {conflict[0]} for {conflict[1]}", INVALID)
    if conflict is None and request.new_deadline <= state.deadline:
        raise Refused("new_deadline", "later_than_current", f"must be after the deadline in force ({state.deadline}); an earlier "
                      "date only while an approved one is after the sitting's cut-off and that cut-off is ahead", INVALID)
    if state.generation >= 2 and passes_at(request.new_deadline) <= now:
        raise Refused("new_deadline", "not_in_past", f"{request.new_deadline} has passed already", INVALID)
    check_authority(state, rule.deciders + state.rulebook.filing, request, f"ask to postpone {state.stage.value}", "postponement_requester")


def check_postponement_decision(state: DraftState, decision: PostponementDecision, now: datetime) -> None:
    require(decision, PostponementDecision)
    check_stage(state, decision.stage)
    if state.pending_postponement is None:
        raise Refused("stage", "pending_request", f"no postponement of {state.stage.value} is awaiting a decision" + (  # a Government Office's trial
            "; to decide again on the date approved, its requester asks again (legis postpone), which is then decided" if state.postponement else ""))
    check_occurred_on(state, decision.occurred_on, now)
    asked_on = (asked.occurred_on or local_day(asked.at)) if (asked := state.last(EventKind.POSTPONEMENT_REQUESTED)) is not None else None
    if decision.occurred_on is not None and asked_on is not None and decision.occurred_on < asked_on:
        raise Refused("occurred_on", "not_before_request", f"{decision.occurred_on} is before the postponement was asked ({asked_on})", INVALID)
    check_authority(state, state.rulebook.rule(state.stage).postponement_authority, decision,
                    f"decide a postponement of {state.stage.value}", "postponement_authority")
    day = state.pending_postponement.new_deadline
    given = statutory_deadline(state) if state.generation >= 18 and state.postponement is None else None
    if decision.approved and given is not None and day < given:
        # The calendar may have moved the deadline since the date was asked (a session moved later): an approval never
        # brings it earlier than the rulebook and calendar give (found by a breaker: the draft then slipped off a session
        # ahead). An approved date stands whatever the calendar does: a request against it was checked against it.
        raise Refused("approved", "later_than_current", f"the date asked, {day}, is before the deadline the rulebook and calendar give "
                      f"now, {given} (moved since it was asked): refuse the request (approved: false), and ask again for a date still "
                      "needed", INVALID)


def check_disagreement(state: DraftState, point: Disagreement, now: datetime) -> None:
    require(point, Disagreement)
    check_open(state, "stage")
    book = state.rulebook
    if state.stage is not book.arbitration_stage:
        raise Refused("stage", "coordination_stage", f"disagreements are raised during {book.arbitration_stage.value}, not {state.stage.value}")
    if point.point_id in state.points_raised:
        raise Refused("point_id", "unique_point", f"point {point.point_id} was raised already", INVALID)
    if len(state.open_points) >= MAX_OPEN_POINTS or len(state.points_raised) >= MAX_POINTS:
        raise Refused("point_id", "points_bound", f"a draft holds at most {MAX_OPEN_POINTS} open points and {MAX_POINTS} in its life")
    check_authority(state, book.rule(state.stage).deciders, point, "raise a disagreement", "coordination_authority")


def check_ruling(state: DraftState, ruling: Ruling, now: datetime) -> None:
    require(ruling, Ruling)
    check_open(state, "point_id")
    point = next((p for p in state.open_points if p.point.point_id == ruling.point_id), None)
    if point is None:
        named = next((p.point.point_id for p in state.open_points if p.point.point_id.casefold() == ruling.point_id.casefold()), None)
        raise Refused("point_id", "open_point", f"no open point {ruling.point_id}"
                      + (f"; {named} differs from it only in letter case" if named else ""), RefusalKind.NOT_FOUND)
    book = state.rulebook
    level = next(d for d in book.arbitration if d.actor is point.with_actor)
    check_authority(state, (level,), ruling, f"rule on point {ruling.point_id} now", "arbitration_level")
    if ruling.escalate and level is book.arbitration[-1]:
        # A rule of its own (found by an upstream system's trial: under `arbitration_level`, FORBIDDEN where it refuses whom the
        # point does not await, it was a CONFLICT here): the last level's escalation is never taken, whatever the point's state.
        raise Refused("escalate", "no_higher_level", f"{level.actor.value} rules last; there is no one to escalate to: rule on the point "
                      "(escalate false, with the ruling)", INVALID)


def check_remap(state: DraftState, remap: AgencyRemap, now: datetime) -> None:
    require(remap, AgencyRemap)
    check_open(state, "old_code")
    # From the twenty-second generation the committee that leads the examination is remapped too (found by a committee's
    # trial: a draft naming a committee merged in 2025 waited for it, refused to the committee that took over its field).
    if remap.old_code == state.lead_ministry:
        return
    if state.generation >= 22 and remap.old_code == state.examining_committee:
        if (why := committee_refusal(remap.new_code)) is not None:  # as a start's (found by a breaker: remapped to a typo)
            raise Refused("new_code", "examining_committee_known", why, INVALID)
        return
    examined = f" and examined by {state.examining_committee}" if state.generation >= 22 and state.examining_committee else ""
    raise Refused("old_code", "old_code_leads", f"this draft is led by {state.lead_ministry}{examined}, not {remap.old_code}", INVALID)


def check_calendar(state: DraftState, calendar: SessionCalendar, now: datetime) -> None:
    require(calendar, SessionCalendar)


def check_programme_change(state: DraftState, change: ProgrammeChange, now: datetime) -> None:
    require(change, ProgrammeChange)
    book, stage = state.rulebook, state.stage
    check_authority(state, book.programme_changes, change, f"change the programme ({change.kind.value})", "programme_authority")
    check_open(state, "kind")
    check_occurred_on(state, change.occurred_on, now, ends_stage=change.kind is ProgrammeChangeKind.WITHDRAW)
    check_named(state, change.to_session, "to_session")
    after_assembly = PASSED_STAGES
    kind, target_opens_on = change.kind, state.target.opens_on
    if kind is ProgrammeChangeKind.ADD and stage is not Stage.LEGISLATIVE_PROGRAMME:
        raise Refused("kind", "add_awaiting_programme", f"only a draft awaiting the programme can be added; this one is at {stage.value}")
    moving = as_named(state, change.to_session)
    if kind is ProgrammeChangeKind.DEFER and moving is not None and moving.opens_on <= target_opens_on and not moving.extraordinary:
        raise Refused("to_session", "later_session",
                      f"a draft moves to a session after the current one ({target_opens_on}), or to an extraordinary session", INVALID)
    if kind in (ProgrammeChangeKind.DEFER, ProgrammeChangeKind.WITHDRAW) and stage in after_assembly:
        raise Refused("kind", "before_passage", f"the law has passed; it is at {stage.value}")
    if kind in (ProgrammeChangeKind.SHORTENED, ProgrammeChangeKind.SPECIAL):
        wanted = ProgrammeTrack(kind.value)
        if book.track(wanted) is None:
            raise Refused("kind", "track_known", f"{state.request.process_version.value} has no {wanted.value} procedure", INVALID)
        if state.track is wanted:
            raise Refused("kind", "track_changes", f"the draft is on the {wanted.value} track already")
        if stage in after_assembly:
            raise Refused("kind", "before_passage", f"the law has passed; it is at {stage.value}")
    if kind is ProgrammeChangeKind.SWITCH_PROCEDURE:
        check_switch(state, change, change.occurred_on or local_day(now))
    track, procedure = programme_after(state, change)
    new_path = stage_path(book, procedure, law_kind=state.request.law_kind, track=track, publication=state.publication,
                          referred=referred(book, state.path, state.request.law_kind))
    ruled = {r.stage for r in book.stages}
    unruled = [s.value for s in new_path if s not in ruled]
    if unruled:
        raise Refused("kind", "rulebook_edition", f"rulebook {book.version}, pinned by this draft, has no rule for {', '.join(unruled)}")


def check_switch(state: DraftState, change: ProgrammeChange, day: date) -> None:
    """A switch of the session procedure; `day`: the change's, in Ha Noi."""
    version, procedure, stage = state.request.process_version, state.procedure, state.stage
    assert change.procedure is not None
    if state.request.law_kind is LawKind.ORDINANCE:
        raise Refused("procedure", "laws_only", "an ordinance is adopted by the Standing Committee, not at sessions", INVALID)
    if change.procedure not in procedures_for(version):
        raise Refused("procedure", "procedure_known", f"{version.value} has no {change.procedure.value} procedure", INVALID)
    if change.procedure is procedure:
        raise Refused("procedure", "procedure_changes", f"the draft already follows {procedure.value}")
    if stage in PASSED_STAGES:
        raise Refused("procedure", "before_passage", f"the law has passed; it is at {stage.value}")
    more_sessions = procedures_for(version).index(change.procedure) > procedures_for(version).index(procedure)
    if stage is Stage.NA_SESSION and more_sessions and change.to_session is None:
        raise Refused("to_session", "next_session_named", "a draft split at its session needs the session that takes it up next", INVALID)
    if (moving := as_named(state, change.to_session)) and moving.opens_on <= state.target.opens_on and not passed_at_its_debate(state, change, day):
        debated = state.held if state.generation >= 10 and change.procedure is SessionProcedure.ONE_SESSION else None
        raise Refused("to_session", "later_session", f"must open after the current target session ({state.target.opens_on})"
                      + (f", or be {debated.code}, which debated the draft, on a day within a phase of it the calendar gives"
                         if debated else ""), INVALID)


def programme_after(state: DraftState, change: ProgrammeChange) -> tuple[ProgrammeTrack, SessionProcedure]:
    """The track and session procedure a programme change leaves the draft on."""
    moves_track = change.kind in (ProgrammeChangeKind.SHORTENED, ProgrammeChangeKind.SPECIAL)
    return ProgrammeTrack(change.kind.value) if moves_track else state.track, change.procedure or state.procedure


def check_consultation(state: DraftState, request: ConsultationRequest, now: datetime) -> None:
    require(request, ConsultationRequest)
    check_open(state, "kind")
    authority = (state, state.rulebook.filing, request, "open a consultation round", "consultation_authority")
    if state.generation >= 10:  # first: a caller who is not its lead ministry learns nothing of the draft's rounds
        check_authority(*authority)
        check_round_named(state, request)
    window = window_of(state, request.kind)
    if window is None or state.stage not in window.stages:
        where = ", ".join(s.value for s in window.stages) if window else "nowhere"
        raise Refused("kind", "consultation_stage", f"a {request.kind.value} round is opened at {where}, not at {state.stage.value}")
    if state.classified and request.kind is ConsultationKind.PUBLIC_POSTING:
        raise Refused("kind", "classified_not_posted", "a classified draft is never posted for public comment")
    if state.generation < 10:  # as it ran: before the authority's check
        check_round_named(state, request)
    if (full := len(state.open_rounds) >= MAX_OPEN_ROUNDS) or len(state.rounds_opened) >= MAX_ROUNDS:  # the bound reached named (a breaker)
        raise Refused("round_id", "rounds_bound", f"a draft holds at most {MAX_OPEN_ROUNDS} open rounds" if full else f"a draft opens {MAX_ROUNDS} rounds in its life at most")
    if request.window_days is not None and window.anchor is not DeadlineAnchor.STAGE_ENTRY:
        raise Refused("window_days", "window_fixed_by_session", f"a {request.kind.value} round closes {window.days} days before the session", INVALID)
    if request.window_days is not None and window.statutory_minimum and request.window_days < window.days:
        asked = "the public has" if request.kind is ConsultationKind.PUBLIC_POSTING else "consultees have"
        raise Refused("window_days", "statutory_minimum", f"{asked} at least {window.days} days ({window.source})", INVALID)
    if state.generation < 10:
        check_authority(*authority)
    if window.anchor is DeadlineAnchor.BEFORE_NA_SESSION and awaiting_session(state):
        raise Refused("kind", "next_session_announced", f"a {request.kind.value} round closes {window.days} days before the next session; "
                      f"no {next_kind(state)} after {state.target.code} is announced yet")
    if window.anchor is DeadlineAnchor.BEFORE_NA_SESSION and (closes_at := round_closes_at(state, window, 0, now)) <= now:
        raise Refused("kind", "window_passed", f"comments were due {window.days} days before session {state.target.code} ({last_day_of(closes_at)})")
    ruled = state.rulebook.window(request.kind)
    if ruled is not None and ruled.anchor is not window.anchor and (
            closes_at := round_closes_at(state, window, request.window_days or window.days, now)) > start_of(state.target.opens_on):
        # Comments on the revised draft the session debates (found by a breaker: a year's window ran half a year past it,
        # holding the revision's approval).
        raise Refused("window_days", "before_the_session", f"a {request.kind.value} round closes before session {state.target.code} opens "
                      f"on {state.target.opens_on}; these days end on {last_day_of(closes_at)}: ask fewer", INVALID)


def check_round_named(state: DraftState, request: ConsultationRequest) -> None:
    """A round's ID names one round of the draft (tenth generation on: whatever its letter case, which officials read as
    one), and the lead ministry is not among those it asks (tenth generation on)."""
    if request.round_id in state.rounds_opened:
        raise Refused("round_id", "unique_round", f"round {request.round_id} was opened already", CONFLICT)
    if state.generation < 10:
        return
    if same := next((r for r in state.rounds_opened if r.casefold() == request.round_id.casefold()), None):
        raise Refused("round_id", "unique_round", f"round {same} was opened already; a round's ID is one whatever its letter case", CONFLICT)
    if state.lead_ministry in request.consultees:
        raise Refused("consultees", "not_own_consultee", f"{state.lead_ministry} is the lead ministry: it answers the comments, it is not "
                      "asked for them", INVALID)


def check_open(state: DraftState, field: str) -> None:
    if state.stage.is_terminal:
        raise Refused(field, "draft_closed", f"the draft is {state.stage.value}; its record is final", CLOSED)


def check_stage(state: DraftState, claimed: Stage) -> None:
    check_open(state, "stage")
    if claimed is not state.stage:
        # Stale, whichever way the draft went: the caller's view of it is not the draft's. Judged by the path, a return loop
        # went wrong (a message for APPRAISAL after a return to DRAFTING names a stage ahead on the path, though it left it).
        raise Refused("stage", "current_stage_only", f"the draft is at {state.stage.value}, not {claimed.value}", STALE)


def check_occurred_on(state: DraftState, day: date | None, now: datetime, *, decision: bool = False, ends_stage: bool = False) -> None:
    """An event entered afterwards happened at this stage: not in the future, not before the stage began; a `decision`,
    from the twelfth generation on, not before a decision already taken at this stage (a vote failed, a carry-over), and
    a decision or another message that `ends_stage` (a withdrawal from the programme), from the fourteenth, not before a
    postponement asked or decided there (the stage was still open to postpone). Days in Ha Noi. Raises Refused
    `occurred_on` (INVALID): `not_in_future`, `not_before_stage`, `not_before_last_decision`, `not_before_postponement`."""
    if day is None:
        return
    if day > local_day(now):
        raise Refused("occurred_on", "not_in_future", f"{day} is after today ({local_day(now)}, Ha Noi)", INVALID)
    if day < local_day(state.stage_since):
        raise Refused("occurred_on", "not_before_stage", f"{day} is before the draft reached {state.stage.value} ({local_day(state.stage_since)})", INVALID)
    if decision and state.generation >= 12 and state.decided_here_on is not None and day < state.decided_here_on:
        raise Refused("occurred_on", "not_before_last_decision", f"{day} is before the decision taken at {state.stage.value} on "
                      f"{state.decided_here_on}, already recorded", INVALID)
    if (decision or ends_stage) and state.generation >= 14 and state.postponed_here_on is not None and day < state.postponed_here_on:
        raise Refused("occurred_on", "not_before_postponement", f"{day} is before the postponement of {state.stage.value} asked or "
                      f"decided on {state.postponed_here_on}, already recorded: the stage was still open then", INVALID)


def check_round_cancellation(state: DraftState, cancellation: RoundCancellation, now: datetime) -> None:
    require(cancellation, RoundCancellation)
    check_open(state, "round_id")
    check_authority(state, state.rulebook.filing, cancellation, "cancel a consultation round", "consultation_authority")
    round_id = cancellation.round_id
    if round_id not in state.rounds_opened:
        named = next((r for r in state.rounds_opened if r.lower() == round_id.lower()), None)  # as the API's 404 names it
        raise Refused("round_id", "round_unknown", f"no consultation round {round_id} of this draft"
                      + (f"; {named} differs from it only in letter case" if named else ""), RefusalKind.NOT_FOUND)
    if not any(w.round.round_id == round_id for w in state.open_rounds):
        cancelled = any(e.event is EventKind.CONSULTATION_CANCELLED and (e.label or "").startswith(f"round {round_id} ") for e in state.recent)
        raise Refused("round_id", "round_awaiting_compilation", f"round {round_id} " + (
            "has been cancelled already" if cancelled else "has handed back its result, or has been cancelled, or is still starting"), CONFLICT)


def latest(bound: date | None, day: date) -> date:
    """A bound on what a stage records next that only moves later: a postponement dated before one recorded leaves it."""
    return day if bound is None else max(bound, day)


def check_authority(state: DraftState, allowed: Collection[Decider], message, action: str, rule: str) -> None:
    """The message's actor must be allowed, its official's role among that actor's roles, and a lead ministry this draft's."""
    actor, role, agency_code = message.actor, message.role, message.agency_code
    decider = next((d for d in allowed if d.actor is actor), None)
    if decider is None:
        who = ", ".join(d.actor.value for d in allowed)
        raise Refused("actor", rule, f"{actor.value} may not {action}; only {who}", FORBIDDEN)
    if role not in decider.roles:
        roles = ", ".join(r.value for r in decider.roles)
        raise Refused("role", rule, f"a {role.value} of {actor.value} may not {action}; roles allowed: {roles}", FORBIDDEN)
    if actor is Actor.LEAD_MINISTRY and agency_code != state.lead_ministry:
        raise Refused("agency_code", "lead_ministry_only", f"{agency_code} is not this draft's lead ministry", FORBIDDEN)
    # Found by a committee official's trial: any committee's token decided any draft's examination. A draft started
    # before the field, or without it, is examined by any committee, as it was.
    if actor is Actor.NA_COMMITTEE and (lead := state.examining_committee) is not None and agency_code != lead:
        raise Refused("agency_code", "examining_committee_only", f"{agency_code} is not the committee that leads this draft's "
                      f"examination ({lead}){remap_of_merged(lead)}", FORBIDDEN)


def missing_documents(rule: StageRule, state: DraftState, attached: Collection[DocumentRef] = ()) -> tuple[DocumentKind, ...]:
    """The kinds `rule` requires that neither the dossier nor `attached` holds. A renewed kind (the stage's own report,
    the revised draft) counts only when filed since the draft entered its stage or since the last decision taken there,
    or attached. Filing a document is the official's statement that it stands for the decision: the same bytes as an
    earlier one count."""
    given = {doc.kind for doc in attached}
    held = {doc.kind for doc in state.dossier}
    return tuple(kind for kind in rule.required_documents
                 if kind not in given and kind not in (state.filed_here if kind in rule.renewed_documents else held))


def filed_before(rule: StageRule, state: DraftState, missing: Collection[DocumentKind]) -> tuple[DocumentKind, ...]:
    """Of the `missing` kinds, the renewed ones the dossier holds: filed for an earlier decision or stage, not for this one."""
    held = {doc.kind for doc in state.dossier}
    return tuple(kind for kind in missing if kind in rule.renewed_documents and kind in held)


def return_target(state: DraftState, decision: Decision) -> Stage:
    """The stage a return for revision sends the draft to: the one named, else the rulebook's default."""
    if decision.return_to is not None:
        return decision.return_to
    return next(s for s in state.rulebook.rule(decision.stage).return_to if s in state.path)
