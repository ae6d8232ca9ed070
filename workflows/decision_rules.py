"""Who may decide what, and with which documents: the checks behind the update validators.

Every refusal names the field of the message at fault and the rule it breaks, so that a caller
can correct the message without reading code.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from schemas.enums import Actor, DocumentKind, Outcome, Stage
from schemas.messages import (
    DeciderView,
    Decision,
    Disagreement,
    OpenPoint,
    Ruling,
    DossierFiling,
    PendingDecision,
    PostponementDecision,
    PostponementRequest,
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
