"""Who may decide what, and with which documents: the checks behind the update validators.

Every refusal names the field of the message at fault and the rule it breaks, so that a caller
can correct the message without reading code.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from schemas.enums import (
    Actor,
    ConsultationKind,
    DeadlineAnchor,
    DocumentKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeChangeKind,
    ProgrammeTrack,
    SessionProcedure,
    Stage,
    procedures_for,
)
from schemas.messages import (
    ConsultationRequest,
    DeciderView,
    Decision,
    Disagreement,
    OpenPoint,
    Ruling,
    DossierFiling,
    PendingDecision,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
)
from schemas.rulebook import Decider, Rulebook
from workflows.stage_graph import is_earlier


class DecisionRefused(ValueError):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message} (rule: {rule})")
        self.field = field
        self.rule = rule


def check_decision(
    book: Rulebook,
    path: tuple[Stage, ...],
    *,
    stage: Stage,
    lead_ministry: str,
    dossier: Collection[DocumentKind],
    decision: Decision,
    open_points: Collection[str] = (),
    target_opens_on: date = date.min,
    open_rounds: Collection[str] = (),
    law_kind: LawKind = LawKind.NEW_LAW,
    days_at_stage: int = 0,
) -> None:
    _check_stage(stage, decision.stage)
    if decision.outcome is Outcome.WITHDRAW:
        _check_authority(book.withdrawal, decision.actor, decision.role, decision.agency_code, lead_ministry, "withdraw this draft", "withdrawal_authority")
        return
    rule = book.rule(stage)
    if decision.outcome not in rule.outcomes:
        allowed = ", ".join(o.value for o in rule.outcomes)
        raise DecisionRefused("outcome", "outcome_allowed", f"{decision.outcome.value} is not an outcome of {stage.value}; allowed: {allowed}")
    _check_authority(rule.deciders, decision.actor, decision.role, decision.agency_code, lead_ministry, f"decide {stage.value}", "stage_authority")
    if decision.outcome is Outcome.APPROVE and open_points:
        raise DecisionRefused("outcome", "open_disagreements",
                              f"{stage.value} cannot be approved while points await a ruling: {', '.join(sorted(open_points))}")
    if decision.outcome in (Outcome.APPROVE, Outcome.VOTE) and open_rounds:
        raise DecisionRefused("outcome", "consultation_open",
                              f"{stage.value} cannot be decided while consultation rounds await their compilation: {', '.join(sorted(open_rounds))}")
    if stage is Stage.PROMULGATION and decision.outcome is Outcome.RETURN_FOR_REVISION:
        _check_reconsideration(book, law_kind, days_at_stage)
    if decision.outcome in (Outcome.APPROVE, Outcome.VOTE):
        missing = missing_documents(rule.required_documents, dossier, decision.documents)
        if missing:
            names = ", ".join(kind.value for kind in missing)
            raise DecisionRefused("documents", "required_documents", f"{stage.value} cannot be decided without {names}")
    if decision.outcome is Outcome.CARRY_OVER and decision.carry_to is not None and decision.carry_to.opens_on <= target_opens_on:
        raise DecisionRefused("carry_to", "later_session", f"must open after the current target session ({target_opens_on})")
    if decision.outcome is Outcome.RETURN_FOR_REVISION and decision.return_to is not None:
        if decision.return_to not in rule.return_to or not is_earlier(path, decision.return_to, stage):
            allowed = ", ".join(s.value for s in rule.return_to if s in path)
            raise DecisionRefused("return_to", "return_target", f"{stage.value} may return a draft only to: {allowed}")


def _check_reconsideration(book: Rulebook, law_kind: LawKind, days_at_stage: int) -> None:
    """The President may send an ordinance back to the Standing Committee, within its window; never a law."""
    if law_kind is not LawKind.ORDINANCE:
        raise DecisionRefused("outcome", "reconsideration_for_ordinances", "a law passed by the Assembly must be promulgated; only an ordinance may be sent back")
    window = book.ordinance_reconsideration
    if window is None or days_at_stage > window.days:
        raise DecisionRefused("outcome", "reconsideration_window",
                              f"reconsideration may be asked within {window.days if window else 0} days of the ordinance's adoption ({window.source if window else 'no rule'})")


def check_programme_change(
    book: Rulebook,
    path: tuple[Stage, ...],
    *,
    stage: Stage,
    track: ProgrammeTrack,
    procedure: SessionProcedure,
    version: ProcessVersion,
    law_kind: LawKind,
    target_opens_on: date,
    lead_ministry: str,
    change: ProgrammeChange,
) -> None:
    _check_authority(book.programme_changes, change.actor, change.role, change.agency_code, lead_ministry,
                     f"change the programme ({change.kind.value})", "programme_authority")
    if stage.is_terminal:
        raise DecisionRefused("kind", "draft_closed", f"the draft is {stage.value}")
    after_assembly = (Stage.PROMULGATION, Stage.PUBLICATION)
    kind = change.kind
    if kind is ProgrammeChangeKind.ADD and stage is not Stage.LEGISLATIVE_PROGRAMME:
        raise DecisionRefused("kind", "add_awaiting_programme", f"only a draft awaiting the programme can be added; this one is at {stage.value}")
    moving = change.to_session
    if kind is ProgrammeChangeKind.DEFER and moving is not None and moving.opens_on <= target_opens_on and not moving.extraordinary:
        raise DecisionRefused("to_session", "later_session",
                              f"a draft moves to a session after the current one ({target_opens_on}), or to an extraordinary session")
    if kind in (ProgrammeChangeKind.DEFER, ProgrammeChangeKind.WITHDRAW) and stage in after_assembly:
        raise DecisionRefused("kind", "before_passage", f"the law has passed; it is at {stage.value}")
    if kind in (ProgrammeChangeKind.SHORTENED, ProgrammeChangeKind.SPECIAL):
        wanted = ProgrammeTrack(kind.value)
        rule = book.track(wanted)
        if rule is None:
            raise DecisionRefused("kind", "track_known", f"{version.value} has no {wanted.value} procedure")
        if track is wanted:
            raise DecisionRefused("kind", "track_changes", f"the draft is on the {wanted.value} track already")
        if stage in after_assembly:
            raise DecisionRefused("kind", "before_passage", f"the law has passed; it is at {stage.value}")
    if kind is ProgrammeChangeKind.SWITCH_PROCEDURE:
        assert change.procedure is not None
        if law_kind is LawKind.ORDINANCE:
            raise DecisionRefused("procedure", "laws_only", "an ordinance is adopted by the Standing Committee, not at sessions")
        if change.procedure not in procedures_for(version):
            raise DecisionRefused("procedure", "procedure_known", f"{version.value} has no {change.procedure.value} procedure")
        if change.procedure is procedure:
            raise DecisionRefused("procedure", "procedure_changes", f"the draft already follows {procedure.value}")
        if stage in after_assembly:
            raise DecisionRefused("procedure", "before_passage", f"the law has passed; it is at {stage.value}")
        more_sessions = procedures_for(version).index(change.procedure) > procedures_for(version).index(procedure)
        if stage is Stage.NA_SESSION and more_sessions and change.to_session is None:
            raise DecisionRefused("to_session", "next_session_named", "a draft split at its session needs the session that takes it up next")
        if change.to_session is not None and change.to_session.opens_on <= target_opens_on:
            raise DecisionRefused("to_session", "later_session", f"must open after the current target session ({target_opens_on})")


def check_consultation(
    book: Rulebook, *, stage: Stage, lead_ministry: str, classified: bool, rounds_opened: Collection[str], request: ConsultationRequest
) -> int:
    """Checks a round's opening; returns its window in days (the statutory one, or the longer one asked)."""
    window = book.window(request.kind)
    if window is None or stage not in window.stages:
        where = ", ".join(s.value for s in window.stages) if window else "nowhere"
        raise DecisionRefused("kind", "consultation_stage", f"a {request.kind.value} round is opened at {where}, not at {stage.value}")
    if classified and request.kind is ConsultationKind.PUBLIC_POSTING:
        raise DecisionRefused("kind", "classified_not_posted", "a classified draft is never posted for public comment")
    if request.round_id in rounds_opened:
        raise DecisionRefused("round_id", "unique_round", f"round {request.round_id} was opened already")
    if request.window_days is not None and window.anchor is not DeadlineAnchor.STAGE_ENTRY:
        raise DecisionRefused("window_days", "window_fixed_by_session", f"a {request.kind.value} round closes {window.days} days before the session")
    if request.window_days is not None and request.window_days < window.days:
        raise DecisionRefused("window_days", "statutory_minimum", f"consultees have at least {window.days} days ({window.source})")
    _check_authority(book.filing, request.actor, request.role, request.agency_code, lead_ministry, "open a consultation round", "consultation_authority")
    return request.window_days or window.days


def check_filing(book: Rulebook, *, stage: Stage, lead_ministry: str, filing: DossierFiling) -> None:
    _check_stage(stage, filing.stage)
    _check_authority(book.filing, filing.actor, filing.role, filing.agency_code, lead_ministry, "file documents", "filing_authority")


def check_postponement_request(
    book: Rulebook,
    *,
    stage: Stage,
    deadline: date | None,
    lead_ministry: str,
    pending: PostponementRequest | None,
    request: PostponementRequest,
) -> None:
    _check_stage(stage, request.stage)
    rule = book.rule(stage)
    if deadline is None:
        raise DecisionRefused("stage", "postponable_deadline", f"{stage.value} has no deadline to move")
    if not rule.postponement_authority:
        raise DecisionRefused("stage", "postponable_deadline", f"the deadline of {stage.value} is statutory and cannot be moved")
    if pending is not None:
        raise DecisionRefused("stage", "one_request_at_a_time", f"a postponement to {pending.new_deadline} is already awaiting a decision")
    if request.new_deadline <= deadline:
        raise DecisionRefused("new_deadline", "later_than_current", f"must be after the deadline in force ({deadline})")
    _check_authority(rule.deciders + book.filing, request.actor, request.role, request.agency_code, lead_ministry,
                     f"ask to postpone {stage.value}", "postponement_requester")


def check_postponement_decision(
    book: Rulebook, *, stage: Stage, lead_ministry: str, pending: PostponementRequest | None, decision: PostponementDecision
) -> None:
    _check_stage(stage, decision.stage)
    if pending is None:
        raise DecisionRefused("stage", "pending_request", f"no postponement of {stage.value} is awaiting a decision")
    _check_authority(book.rule(stage).postponement_authority, decision.actor, decision.role, decision.agency_code,
                     lead_ministry, f"decide a postponement of {stage.value}", "postponement_authority")


def check_disagreement(
    book: Rulebook, *, stage: Stage, lead_ministry: str, known_points: Collection[str], point: Disagreement
) -> None:
    if stage is not book.arbitration_stage:
        raise DecisionRefused("stage", "coordination_stage",
                              f"disagreements are raised during {book.arbitration_stage.value}, not {stage.value}")
    if point.point_id in known_points:
        raise DecisionRefused("point_id", "unique_point", f"point {point.point_id} was raised already")
    _check_authority(book.rule(stage).deciders, point.actor, point.role, point.agency_code, lead_ministry,
                     "raise a disagreement", "coordination_authority")


def check_ruling(book: Rulebook, *, lead_ministry: str, open_points: dict[str, OpenPoint], ruling: Ruling) -> None:
    point = open_points.get(ruling.point_id)
    if point is None:
        raise DecisionRefused("point_id", "open_point", f"no open point {ruling.point_id}")
    level = next(d for d in book.arbitration if d.actor is point.with_actor)
    _check_authority((level,), ruling.actor, ruling.role, ruling.agency_code, lead_ministry,
                     f"rule on point {ruling.point_id} now", "arbitration_level")
    if ruling.escalate and level is book.arbitration[-1]:
        raise DecisionRefused("escalate", "arbitration_level", f"{level.actor.value} rules last; there is no one to escalate to")


def return_target(book: Rulebook, path: tuple[Stage, ...], decision: Decision) -> Stage:
    """The stage a return for revision sends the draft to: the one named, else the rulebook's default."""
    if decision.return_to is not None:
        return decision.return_to
    return next(s for s in book.rule(decision.stage).return_to if s in path)


def missing_documents(
    required: Collection[DocumentKind], dossier: Collection[DocumentKind], attached: Collection = ()
) -> tuple[DocumentKind, ...]:
    present = set(dossier) | {doc.kind for doc in attached}
    return tuple(kind for kind in required if kind not in present)


def pending_decision(book: Rulebook, stage: Stage, dossier: Collection[DocumentKind]) -> PendingDecision | None:
    if stage.is_terminal:
        return None
    rule = book.rule(stage)
    return PendingDecision(
        stage=stage,
        outcomes=rule.outcomes,
        deciders=tuple(DeciderView(actor=d.actor, roles=d.roles) for d in rule.deciders),
        required_documents=rule.required_documents,
        missing_documents=missing_documents(rule.required_documents, dossier),
    )


def _check_stage(current: Stage, claimed: Stage) -> None:
    if current.is_terminal:
        raise DecisionRefused("stage", "draft_closed", f"the draft is {current.value} and takes no more decisions")
    if claimed is not current:
        raise DecisionRefused("stage", "current_stage_only", f"the draft is at {current.value}, not {claimed.value}")


def _check_authority(
    allowed: Collection[Decider], actor: Actor, role, agency_code: str, lead_ministry: str, action: str, rule: str
) -> None:
    decider = next((d for d in allowed if d.actor is actor), None)
    if decider is None:
        who = ", ".join(d.actor.value for d in allowed)
        raise DecisionRefused("actor", rule, f"{actor.value} may not {action}; only {who}")
    if role not in decider.roles:
        roles = ", ".join(r.value for r in decider.roles)
        raise DecisionRefused("role", rule, f"a {role.value} of {actor.value} may not {action}; roles allowed: {roles}")
    if actor is Actor.LEAD_MINISTRY and agency_code != lead_ministry:
        raise DecisionRefused("agency_code", "lead_ministry_only", f"{agency_code} is not this draft's lead ministry ({lead_ministry})")
