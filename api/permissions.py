"""Who may do what through the HTTP API: pure rules, checked before anything reaches a draft.

A caller acts as one agency in one role. It may only send messages in its own name (actor and
agency code), a lead ministry only on the drafts it leads, and a decision only at a stage where its
role is among the deciders. Operators read everything except classified details, and write nothing.
The workflow then applies the rulebook's own checks (outcomes, roles of officials, documents).
"""

from __future__ import annotations

from schemas.enums import Actor, CallerRole
from schemas.consultation import ConsultationView, Opinion
from schemas.messages import DocumentRef, StartRequest
from schemas.records import RegistryRow
from schemas.views import HistoryEntry, HistoryView, StatusView, VersionsView
from workflows.consultation import PUBLIC
from api.tokens import Caller

REDACTED = "(classified)"


class Forbidden(Exception):
    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule


def check_start(caller: Caller, request: StartRequest) -> None:
    if caller.role is not CallerRole.LEAD_MINISTRY:
        raise Forbidden("role", "only_lead_ministry_starts", f"only a lead ministry starts a submission; this token acts as {caller.role.value}")
    if request.lead_ministry != caller.agency_code:
        raise Forbidden(
            "lead_ministry", "own_agency_only", f"this token acts for {caller.agency_code}; it cannot open a draft led by {request.lead_ministry}"
        )


def check_acting(caller: Caller, *, actor: Actor, agency_code: str, draft: StatusView) -> None:
    """A message the caller sends in an actor's name, on one draft."""
    if caller.role is CallerRole.OPERATOR:
        raise Forbidden("role", "operators_read_only", "operator tokens read; decisions come from the agencies' own tokens")
    if actor is not caller.role.actor:
        raise Forbidden("actor", "callers_own_role", f"this token acts as {caller.role.value}, not {actor.value}")
    if agency_code != caller.agency_code:
        raise Forbidden("agency_code", "callers_own_agency", f"this token acts for {caller.agency_code}, not {agency_code}")
    if caller.role is CallerRole.LEAD_MINISTRY and draft.lead_ministry != caller.agency_code:
        raise Forbidden("submission_id", "lead_ministry_of_draft", f"{draft.submission_id} is not led by {caller.agency_code}")


def check_deciding(caller: Caller, *, actor: Actor, agency_code: str, draft: StatusView) -> None:
    """A decision: acting rules, and the caller's role must decide at the draft's current stage."""
    check_acting(caller, actor=actor, agency_code=agency_code, draft=draft)
    deciders = {d.actor for d in draft.pending.deciders} if draft.pending else set()
    if actor not in deciders:
        raise Forbidden(
            "stage", "role_decides_at_stage",
            f"{actor.value} does not decide at {draft.stage.value}" + (f" (deciders: {', '.join(sorted(d.value for d in deciders))})" if deciders else ""),
        )


def check_opinion(caller: Caller, *, opinion: Opinion, draft: StatusView) -> None:
    """A consultee answers in its own name; the public's comments come through the lead ministry's system."""
    if caller.role is CallerRole.OPERATOR:
        raise Forbidden("role", "operators_read_only", "operator tokens read; opinions come from the consultees' own tokens")
    if opinion.consultee == PUBLIC:
        if not (caller.role is CallerRole.LEAD_MINISTRY and caller.agency_code == draft.lead_ministry):
            raise Forbidden("consultee", "public_through_lead_ministry", "comments of the public are forwarded by the lead ministry's system")
    elif opinion.consultee != caller.agency_code:
        raise Forbidden("consultee", "callers_own_agency", f"this token answers for {caller.agency_code}, not {opinion.consultee}")


def check_reports(caller: Caller) -> None:
    if caller.role not in (CallerRole.OPERATOR, CallerRole.VPCP, CallerRole.UBTVQH):
        raise Forbidden("role", "reports_for_offices", "reports are for operators, the Government Office and the Standing Committee")


def check_refusals(caller: Caller) -> None:
    if caller.role is not CallerRole.OPERATOR:
        raise Forbidden("role", "operators_only", "refused attempts are for operators")


def sees_classified(caller: Caller, *, lead_ministry: str) -> bool:
    return caller.role is CallerRole.LEAD_MINISTRY and caller.agency_code == lead_ministry


def status_for(caller: Caller, view: StatusView) -> StatusView:
    if not view.classified or sees_classified(caller, lead_ministry=view.lead_ministry):
        return view
    return view.model_copy(update={"title": REDACTED, "lead_ministry": REDACTED, "pending_postponement": None, "open_points": ()})


def registry_row_for(caller: Caller, row: RegistryRow) -> RegistryRow:
    if not row.classified or sees_classified(caller, lead_ministry=row.lead_ministry):
        return row
    responsible = REDACTED if row.responsible == row.lead_ministry else row.responsible
    return row.model_copy(update={"lead_ministry": REDACTED, "responsible": responsible})


def history_for(caller: Caller, view: HistoryView, draft: StatusView) -> HistoryView:
    if not draft.classified or sees_classified(caller, lead_ministry=draft.lead_ministry):
        return view
    return view.model_copy(update={"entries": tuple(_redact_entry(e) for e in view.entries)})


def versions_for(caller: Caller, view: VersionsView, draft: StatusView) -> VersionsView:
    if not draft.classified or sees_classified(caller, lead_ministry=draft.lead_ministry):
        return view
    return view.model_copy(
        update={"versions": tuple(v.model_copy(update={"documents": _redact_documents(v.documents)}) for v in view.versions)}
    )


def round_for(caller: Caller, view: ConsultationView, draft: StatusView) -> ConsultationView:
    if not draft.classified or sees_classified(caller, lead_ministry=draft.lead_ministry):
        return view
    redacted = tuple(
        received.model_copy(update={"opinion": received.opinion.model_copy(update={
            "official": REDACTED, "documents": _redact_documents(received.opinion.documents),
            "comments": tuple(c.model_copy(update={"text": REDACTED}) for c in received.opinion.comments)})})
        for received in view.opinions
    )
    return view.model_copy(update={"opinions": redacted})


def _redact_entry(entry: HistoryEntry) -> HistoryEntry:
    return entry.model_copy(
        update={"reasons": REDACTED if entry.reasons else "", "official": REDACTED if entry.official else None,
                "documents": _redact_documents(entry.documents)}
    )


def _redact_documents(documents: tuple[DocumentRef, ...]) -> tuple[DocumentRef, ...]:
    return tuple(d.model_copy(update={"name": REDACTED}) for d in documents)
