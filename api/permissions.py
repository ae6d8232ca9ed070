"""Who may speak for whom through the HTTP API: pure rules about the caller's token, checked before a message is sent.

A caller acts as one agency in one role. It may only send messages in its own name (actor and
agency code); operators read everything except classified details, and write nothing. Everything
about the draft itself (who decides at which stage, whether a lead ministry leads this draft, which
documents are needed) is the draft core's rule (`workflows.rules`), answered by the draft.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from api.tokens import Caller
from schemas.consultation import PUBLIC, ConsultationView, OpinionBody
from schemas.enums import Actor, CallerRole, EventKind
from schemas.messages import Acting, DocumentRef, PostponementRequest, StartRequest
from schemas.records import RegistryRow
from schemas.refusal import RefusalKind, Refused
from schemas.views import REDACTED, HistoryEntry, HistoryView, OpenPoint, Receipt, StatusView, VersionsView
from store.audit import ALARMS


def forbidden(field: str, rule: str, message: str) -> Refused:
    return Refused(field, rule, message, RefusalKind.FORBIDDEN)


def check_start(caller: Caller, request: StartRequest) -> None:
    if caller.role is not CallerRole.LEAD_MINISTRY:
        raise forbidden("role", "only_lead_ministry_starts", f"only a lead ministry starts a submission; this token acts as {caller.role.value}")
    if request.lead_ministry != caller.agency_code:
        raise forbidden(
            "lead_ministry", "own_agency_only", f"this token acts for {caller.agency_code}; it cannot open a draft led by {request.lead_ministry}"
        )


def check_may_act(caller: Caller) -> None:
    """The caller acts at all: an operator reads (asked before a message is built in its name, which has no actor)."""
    if caller.role is CallerRole.OPERATOR:
        raise forbidden("role", "operators_read_only", "operator tokens read; decisions come from the agencies' own tokens")


def check_acting(caller: Caller, message: Acting) -> None:
    """A message the caller sends in an actor's name: its own role and agency, and never an operator's."""
    check_may_act(caller)
    if message.actor is not caller.role.actor:
        raise forbidden("actor", "callers_own_role", f"this token acts as {caller.role.value}, not {message.actor.value}")
    if message.agency_code != caller.agency_code:
        raise forbidden("agency_code", "callers_own_agency", f"this token acts for {caller.agency_code}, not {message.agency_code}")


def receipt_for(caller: Caller, receipt: Receipt) -> Receipt:
    """A receipt names the session a classified draft aims at, which is itself classified (the Web UI withholds it too)."""
    if not receipt.classified or caller.role is CallerRole.LEAD_MINISTRY:
        return receipt
    return receipt.model_copy(update={"target_session": REDACTED})


def check_opinion(caller: Caller, *, opinion: OpinionBody, draft: StatusView) -> None:
    """A consultee answers in its own name; the public's comments come through the lead ministry's system."""
    if caller.role is CallerRole.OPERATOR:
        raise forbidden("role", "operators_read_only", "operator tokens read; opinions come from the consultees' own tokens")
    if opinion.consultee == PUBLIC:
        if not (caller.role is CallerRole.LEAD_MINISTRY and caller.agency_code == draft.lead_ministry):
            raise forbidden("consultee", "public_through_lead_ministry", "comments of the public are forwarded by the lead ministry's system")
    elif opinion.consultee != caller.agency_code:
        # A letter on paper is entered by an official (found by a ministry's trial: this said no way to do it).
        raise forbidden("consultee", "callers_own_agency", f"this token answers for {caller.agency_code}, not {opinion.consultee}; an "
                        "opinion received by letter is entered by an official with `legis consult opinion` (its `occurred_on`, the day "
                        "it was received)")


def reads_reports(caller: Caller) -> bool:
    """Whether `caller` reads a report at all (`reported_ministry` says whose drafts): the board links the reports for
    these roles alone (found by a committee's trial: its tokens were offered a page that refused them)."""
    return caller.role in (CallerRole.OPERATOR, CallerRole.VPCP, CallerRole.UBTVQH, CallerRole.LEAD_MINISTRY)


def reported_ministry(caller: Caller, ministry: str | None) -> str | None:
    """The lead ministry whose drafts a report counts for `caller` (None: every agency's): operators, the Government Office
    and the Standing Committee read any, a lead ministry's token its own drafts' (found by a ministry's trial: it could not
    read how its own drafts kept their deadlines), the others none (403 `reports_for_offices`)."""
    if caller.role in (CallerRole.OPERATOR, CallerRole.VPCP, CallerRole.UBTVQH):
        return ministry
    if not reads_reports(caller):
        raise forbidden("role", "reports_for_offices",
                        "reports are for operators, the Government Office, the Standing Committee and each lead ministry for its own drafts")
    if ministry not in (None, caller.agency_code):
        raise forbidden("ministry", "own_ministry_only", f"this token reads the report of {caller.agency_code}'s drafts, not {ministry}'s")
    return caller.agency_code


def check_refusals(caller: Caller) -> None:
    if caller.role is not CallerRole.OPERATOR:
        raise forbidden("role", "operators_only", "refused attempts are for operators")


def leads(caller: Caller) -> bool:
    return caller.role is CallerRole.LEAD_MINISTRY


def agency_reads_classified(agency_code: str, *, lead_ministry: str) -> bool:
    """A classified draft's details are for its own lead ministry alone: its tokens acting as the lead ministry, and its
    webhook subscribers (a subscriber to every draft, `*`, is no ministry's)."""
    return agency_code == lead_ministry


class Draft(Protocol):
    """What the rules of reading ask of a draft: a status view, a registry row or `Registered`."""

    @property
    def classified(self) -> bool: ...

    @property
    def lead_ministry(self) -> str: ...


class Registered(NamedTuple):
    """A draft's classification as the registry holds it (`store.registry.classification`)."""

    classified: bool
    lead_ministry: str


# Who reads through `legis status`, `history`, `versions` and `consult show`: an operator of the Government Office or the
# National Assembly Office, as the README puts them, reading as the API's operators read.
CLI_READER = Caller(token_id="cli", agency_code="VPCP", role=CallerRole.OPERATOR)


def sees_classified(caller: Caller, *, lead_ministry: str) -> bool:
    return caller.role is CallerRole.LEAD_MINISTRY and agency_reads_classified(caller.agency_code, lead_ministry=lead_ministry)


def check_leads(caller: Caller, draft: StatusView, action: str) -> None:
    """The caller acts as the draft's own lead ministry; refused first, naming nothing of the draft (a classified
    draft's lead ministry, its rounds), before anything else is asked of it."""
    if not sees_classified(caller, lead_ministry=draft.lead_ministry):
        # A lead ministry's token of another agency is refused for its agency, which it knows, not for its role.
        field = "agency_code" if caller.role is CallerRole.LEAD_MINISTRY else "role"
        raise forbidden(field, "lead_ministry_only", f"{action} is for the draft's lead ministry alone (after a remap of its code, "
                        "`legis remap-agency`, a token of the new code sends it)")


def refused_for(caller: Caller, refused: Refused, *, classified: bool, lead_ministry: str) -> Refused:
    """A draft's refusal explains itself from what the draft holds (its lead ministry, session, dates, open points): for
    a classified draft, a caller who may not read it learns the field and the rule only."""
    if not classified or sees_classified(caller, lead_ministry=lead_ministry):
        return refused
    return refused.withheld()


# The bodies that neither decide nor follow a draft as the process runs: another ministry, a consultee.
_OUTSIDERS = frozenset({CallerRole.LEAD_MINISTRY, CallerRole.CONSULTEE})


def outsider(caller: Caller) -> bool:
    """Whether `caller` reads drafts from outside their path (another ministry, a consultee): of a classified draft not
    its own, it reads no deadline (`_outsider`)."""
    return caller.role in _OUTSIDERS


def _outsider(caller: Caller, lead_ministry: str) -> bool:
    """Whether `caller` reads a classified draft from outside its path: its deadlines are withheld from it too, since one
    counted back from a sitting names the session, and moves with it, and so is when it falls due, passes and climbs the
    ladder (found by a National Assembly Office's trial: another ministry's token read a classified draft's deadline,
    16-2's cut-off to the day; then by a re-check: the days of its alarms and its overdue flag told the same). Who
    decides its stages and the offices that follow it up read them: follow-up needs the deadline."""
    return outsider(caller) and not sees_classified(caller, lead_ministry=lead_ministry)


# The events whose day is a deadline's or a sitting's (an alarm falls on the deadline's days; a calendar event is
# recorded as the session or meeting moves): an outsider's history of a classified draft leaves them out.
_TIMED = ALARMS | {EventKind.SESSION_RESCHEDULED, EventKind.SESSION_SLIPPED, EventKind.MEETING_SCHEDULED, EventKind.DEADLINE_RECOUNTED,
                   EventKind.POSTPONEMENT_CONFLICT, EventKind.CONSULTATION_RESCHEDULED}


def status_for(caller: Caller, view: StatusView) -> StatusView:
    if not view.classified or sees_classified(caller, lead_ministry=view.lead_ministry):
        return view
    redacted = _redacted_status(view)
    if _outsider(caller, view.lead_ministry):
        redacted = redacted.model_copy(update={"stage_deadline": None, "postponement": None, "pending_postponement": None, "next_alarm": None,
                                               "overdue": False, "escalated_to": None})
    # Who must rule on a point reads that it waits, by its number (found by a breaker: the Deputy Prime Minister's inbox
    # sent him here for a classified draft's point, withheld): its summary and the lead ministry's code stay withheld.
    awaiting = tuple(_redact_point(p, view.lead_ministry) for p in view.open_points if p.with_actor is caller.role.actor)
    return redacted.model_copy(update={"open_points": awaiting}) if awaiting else redacted


def _redact_point(point: OpenPoint, lead_ministry: str) -> OpenPoint:
    said = point.point
    return point.model_copy(update={"point": said.model_copy(update={
        "summary": REDACTED, "official": REDACTED, "parties": tuple(REDACTED if p == lead_ministry else p for p in said.parties)})})


def registry_row_for(caller: Caller, row: RegistryRow) -> RegistryRow:
    if not row.classified or sees_classified(caller, lead_ministry=row.lead_ministry):
        return row
    responsible = REDACTED if row.responsible == row.lead_ministry else row.responsible
    return row.model_copy(update={"title": REDACTED, "lead_ministry": REDACTED, "responsible": responsible, "target_session": REDACTED}
                          | ({"stage_deadline": None} if _outsider(caller, row.lead_ministry) else {}))


def history_for(caller: Caller, view: HistoryView, draft: Draft) -> HistoryView:
    """`draft` as the draft answers (or the registry holds it), before `status_for`: its lead ministry is what the entries
    must not name."""
    if not draft.classified or sees_classified(caller, lead_ministry=draft.lead_ministry):
        return view
    redacted = _redacted_history(view, draft.lead_ministry)
    if not _outsider(caller, draft.lead_ministry):
        return redacted
    undated = {"deadline": None, "to_stage_deadline": None, "requested_deadline": None}
    return redacted.model_copy(update={"entries": tuple(e.model_copy(update=undated) for e in redacted.entries if e.event not in _TIMED),
                                       "raised_before_stage_ended": {}, "raised_before_deadline_moved": {}})


def exported(status: StatusView, history: HistoryView) -> tuple[StatusView, HistoryView]:
    """What an export (Akoma Ntoso) may carry: it leaves legis for readers it cannot name, so a classified draft's is
    redacted for everyone, as for any reader but its lead ministry."""
    if not status.classified:
        return status, history
    return _redacted_status(status), _redacted_history(history, status.lead_ministry)


def versions_for(caller: Caller, view: VersionsView, draft: Draft) -> VersionsView:
    if not draft.classified or sees_classified(caller, lead_ministry=draft.lead_ministry):
        return view
    return view.model_copy(
        update={"versions": tuple(v.model_copy(update={"documents": _redact_documents(v.documents)}) for v in view.versions)}
    )


def round_for(caller: Caller, view: ConsultationView, draft: Draft) -> ConsultationView:
    """A classified draft's round, for any reader but its lead ministry: who answered and how much, without the
    officials who signed or the lead ministry's code where it was asked itself. The round's view carries no comment
    texts (PostgreSQL keeps them, by reference) nor documents."""
    if not draft.classified or sees_classified(caller, lead_ministry=draft.lead_ministry):
        return view
    lead = draft.lead_ministry

    def code(consultee: str) -> str:
        return REDACTED if consultee == lead else consultee

    def comment(key: str) -> str:
        consultee, _, comment_id = key.partition("/")
        return f"{code(consultee)}/{comment_id}"

    answers = tuple(a.model_copy(update={"consultee": code(a.consultee), "official": REDACTED if a.official else ""})
                    for a in view.answers)
    return view.model_copy(update={
        "answers": answers, "awaiting": tuple(map(code, view.awaiting)), "silent": tuple(map(code, view.silent)),
        "unanswered_comments": tuple(map(comment, view.unanswered_comments))})


def check_reads_comments(caller: Caller, draft: Draft) -> None:
    """What the consultees wrote to a classified draft, and the lead ministry's answers, are for its lead ministry alone:
    any other reader learns who answered and how much from the round's view (`round_for`)."""
    if draft.classified and not sees_classified(caller, lead_ministry=draft.lead_ministry):
        raise forbidden("submission_id", "classified_comments", "the comments of a classified draft's rounds are read by its lead "
                        "ministry alone; the round's view says who answered and how many comments")


def _redacted_status(view: StatusView) -> StatusView:
    """Its target session (and the cut-off counted back from it, the sitting its pending decision is taken at, and how
    its deadline is counted) is withheld as the Web UI's attributes withhold it; a warning may name it, so each says only that there is one; its
    final step as its history shows it."""
    asked = view.pending_postponement
    return view.model_copy(update={
        "final_step": _redact_entry(view.final_step, view.lead_ministry) if view.final_step else None,
        "title": REDACTED, "lead_ministry": REDACTED, "open_points": (), "target_session": None, "next_cutoff": None,
        "examining_committee": REDACTED if view.examining_committee else None,  # the committee tells the draft's field
        "pending_postponement": _redact_request(asked, view.lead_ministry) if asked else None,
        # The sitting it is decided at names the session, or the meeting counted back from it (found by a breaker).
        "pending": view.pending.model_copy(update={"at_sitting_of": None, "at_meeting": None}) if view.pending else None,
        "target_session_name": REDACTED, "warnings": tuple(REDACTED for _ in view.warnings),
        # How the deadline is counted names the session or the meeting it counts back from (found by an official's trial).
        "deadline_counted": REDACTED if view.deadline_counted else None})


def _redact_request(asked: PostponementRequest, lead_ministry: str) -> PostponementRequest:
    """A postponement awaiting its decision, as the history shows its request: the date asked, who (the lead ministry
    not by its code), no official nor reason (found by a ministry's trial: the authority that decides it read none
    awaiting, its inbox empty, and a late request could pass its deadline unseen)."""
    led = asked.actor is Actor.LEAD_MINISTRY or asked.agency_code == lead_ministry
    return asked.model_copy(update={"agency_code": REDACTED if led else asked.agency_code, "official": REDACTED, "reason": REDACTED})


def _redacted_history(view: HistoryView, lead_ministry: str) -> HistoryView:
    return view.model_copy(update={"entries": tuple(_redact_entry(e, lead_ministry) for e in view.entries)})


def _redact_entry(entry: HistoryEntry, lead_ministry: str) -> HistoryEntry:
    """The lead ministry's own steps keep their actor and role but not its code, nor the Assembly committee's theirs (the
    committee tells the draft's field, as the status withholds it; found by a breaker); a label may name the ministry or
    the target session (a session aimed at, a ministry re-mapped), so none is shown."""
    # A remap names the code it gave, a lead ministry's or the committee's, whichever it was then (found by a breaker).
    led = entry.actor in (Actor.LEAD_MINISTRY, Actor.NA_COMMITTEE) or entry.agency_code == lead_ministry or entry.event is EventKind.AGENCY_REMAPPED
    return entry.model_copy(
        update={"reasons": REDACTED if entry.reasons else "", "official": REDACTED if entry.official else None,
                "documents": _redact_documents(entry.documents), "agency_code": REDACTED if led else entry.agency_code,
                "label": REDACTED if entry.label else None}
    )


def _redact_documents(documents: tuple[DocumentRef, ...]) -> tuple[DocumentRef, ...]:
    """A classified draft's documents by kind and digest only: a document's address names it as its title does, and its
    host the ministry (found by a hunt for leaks: the URL was shown to every token)."""
    return tuple(d.model_copy(update={"name": REDACTED, "url": None}) for d in documents)
