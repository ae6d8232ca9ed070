"""What a draft answers: its status, its events, the receipt of a message it applied. Each has a fixed upper size."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from schemas.calendar import StandingCommitteeMeeting, TargetSession
from schemas.enums import (
    Actor,
    ConsultationKind,
    DocumentKind,
    EscalationLevel,
    EventKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeTrack,
    Role,
    SessionProcedure,
    Stage,
)
from schemas.messages import Disagreement, DocumentRef, PostponementRequest, VoteCount
from schemas.time import Instant

# What a reader who may not read a classified draft's detail sees in its place (`api.permissions`).
REDACTED = "(classified)"


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeciderView(View):
    actor: Actor
    roles: tuple[Role, ...]


class PendingDecision(View):
    stage: Stage
    outcomes: tuple[Outcome, ...]
    deciders: tuple[DeciderView, ...]
    required_documents: tuple[DocumentKind, ...]
    missing_documents: tuple[DocumentKind, ...]
    # Left out when empty, so that a reader of an earlier release, which forbids fields it does not know, still reads it.
    filed_before: tuple[DocumentKind, ...] = Field(default=(), exclude_if=lambda kinds: not kinds)
    # Left out when none, as filed_before is.
    at_sitting_of: TargetSession | None = Field(
        default=None, exclude_if=lambda session: session is None,
        description="at a sitting stage (eighth generation): the session at whose sittings the Assembly decides, from its "
                    "opening (to the end of its last phase, where given); none elsewhere, and while no later session is announced")
    withdrawal: tuple[DeciderView, ...] = Field(
        default=(), exclude_if=lambda deciders: not deciders,
        description="who may withdraw the draft (rút dự án, outcome WITHDRAW) at this stage, besides its deciders' outcomes: the "
                    "rulebook's `withdrawal`, at any stage before the text is passed (none at PROMULGATION and PUBLICATION)")
    at_meeting: StandingCommitteeMeeting | None = Field(
        default=None, exclude_if=lambda meeting: meeting is None,
        description="an ordinance at STANDING_COMMITTEE_OPINION (nineteenth generation on): the Standing Committee meeting "
                    "that adopts or returns it, decided on its day or after (`at_the_meeting`); none elsewhere, and while no "
                    "meeting before its session is announced")
    reconsider_by: date | None = Field(
        default=None, exclude_if=lambda day: day is None,
        description="an ordinance at PROMULGATION while the President may send it back (RETURN_FOR_REVISION): the last Ha Noi "
                    "day he may ask the Standing Committee to reconsider it (đề nghị xem xét lại pháp lệnh; its window, calendar "
                    "days from the adoption); none elsewhere")

    def missing_said(self) -> str:
        """The missing kinds as the CLI's status and the Web UI's details list them: those never filed, then those filed
        before under a note of their own ("REVISION_REPORT; filed before, to file anew: DRAFT_TEXT"), so that the note
        is not read as the whole list's (found by a fresh-user trial)."""
        again = [k.value for k in self.missing_documents if k in self.filed_before]
        said = [", ".join(k.value for k in self.missing_documents if k not in self.filed_before)]
        return "; ".join([*filter(None, said), *([f"filed before, to file anew: {', '.join(again)}"] if again else [])])


class HistoryEntry(View):
    """One event in a draft's life: who did what, in what role, when, with what outcome."""

    seq: int = Field(ge=1)
    at: Instant = Field(description="when the event was recorded by the workflow")
    occurred_on: date | None = Field(default=None, description="the Ha Noi day it happened, when entered afterwards")
    imported: bool = Field(default=False, description="a step the draft had passed before it was entered into legis")
    event: EventKind
    stage: Stage = Field(description="the stage the event concerns")
    to_stage: Stage | None = None
    outcome: Outcome | None = None
    actor: Actor | None = None
    agency_code: str | None = None
    role: Role | None = None
    official: str | None = None
    reasons: str = ""
    documents: tuple[DocumentRef, ...] = ()
    vote: VoteCount | None = None
    loop: int = Field(default=0, ge=0, description="how many times the draft has been returned to to_stage")
    deadline: date | None = Field(default=None, description="the stage's deadline in force when the event happened")
    # Left out when none, so that a worker of an earlier release still reads a ninth generation's states and audit writes.
    to_stage_deadline: date | None = Field(default=None, exclude_if=lambda day: day is None,
                                           description="for an event that moves the draft to another stage (or starts it): "
                                           "that stage's deadline as the draft enters it; none where it has none yet (tenth generation "
                                           "on); for a deferral or an approved postponement that moves the deadline of the stage the "
                                           "draft stays at: the new deadline (eleventh generation on)")
    label: str | None = Field(default=None, description="for warnings and escalations: what the alarm was")
    escalation_level: EscalationLevel | None = None
    requested_deadline: date | None = Field(default=None, description="for postponements: the date asked for")
    approved: bool | None = Field(default=None, description="for a decided postponement")
    late_request: bool | None = Field(default=None, description="a postponement asked in the last days before the deadline (late_request_days) or after it")
    version: int | None = Field(default=None, description="the dossier version this event's documents created")
    about_version: int | None = Field(default=None, description="for a decision: the dossier version it was taken on")


class OpenPoint(View):
    point: Disagreement
    with_actor: Actor = Field(description="who must rule now: DEPUTY_PM, then PM")


class OpenRound(View):
    round_id: str
    kind: ConsultationKind
    workflow_id: str
    opened_at: Instant
    closes_at: Instant | None = Field(default=None, description="when the round stops taking opinions")


class ApprovedPostponement(View):
    """A deadline moved by the authority the rulebook names; it stands until that authority decides again."""

    deadline: date
    approved_by: Actor
    seq: int = Field(ge=1, description="the event that approved it")


class NextAlarm(View):
    at: Instant = Field(description="when it falls, with its UTC offset")
    event: EventKind
    label: str


class NextCutoff(View):
    day: date = Field(description="the last day, in Ha Noi, for the draft to be through `stage` and keep its sitting")
    stage: Stage = Field(description="the stage on the draft's path whose time limit counts back from the sitting")
    sitting: str = Field(description="the session (16-2) or Standing Committee meeting (UBTVQH-52) it is counted back from")
    approved_postponement: bool = Field(default=False, description="true when `day` is the date of an approved postponement "
                                        "at the current stage, the deadline in force, within the cut-off counted back from "
                                        "`sitting` (not counted back from it)")


class StatusView(View):
    submission_id: str
    workflow_id: str
    title: str
    lead_ministry: str
    examining_committee: str | None = Field(default=None, exclude_if=lambda code: code is None,
                                            description="the committee that leads the examination, as the start named it")
    process_version: ProcessVersion
    rulebook_version: str
    session_procedure: SessionProcedure
    target_session: TargetSession | None = Field(description="none: withheld (a classified draft, shown to a reader other than its "
                                                          "lead ministry)")
    target_session_name: str = Field(default="", description="the target session as officials name it, e.g. 'the 9th extraordinary "
                                     "session of the 15th National Assembly (kỳ họp bất thường lần thứ 9, Quốc hội khóa XV)'")
    stage: Stage
    stage_name_vi: str = Field(default="", description="the stage's name as officials say it (the rulebook's name_vi; a final state's: Đã công bố, Không được thông qua, Đã rút)")
    stage_since: Instant
    stage_deadline: date | None = Field(description="the deadline in force, after any approved postponement; a Ha Noi date")
    deadline_counted: str | None = Field(default=None, description="how the statutory deadline in force is counted, e.g. '30 calendar "
                                         "days from the day the complete dossier arrived', and whether a rest day moved its last day; "
                                         "none: no deadline, or an approved date")
    overdue: bool
    pending: PendingDecision | None
    revision_loops: int
    last_vote: VoteCount | None
    pending_postponement: PostponementRequest | None = None
    pending_postponement_late: bool = Field(default=False, description="the pending postponement was asked in the last days before "
                                            "the deadline, or after it (xin lùi sát hạn), as its POSTPONEMENT_REQUESTED event says")
    # Found by a Government Office's trial: a ministry reading the status could not tell who decides its request.
    pending_postponement_deciders: tuple[DeciderView, ...] = Field(
        default=(), description="who may decide the pending postponement, with their roles (the stage's rule's postponement_authority "
        "in the draft's rulebook edition); empty with none pending")
    postponement: ApprovedPostponement | None = Field(default=None, description="the approved postponement in force at this stage")
    open_points: tuple[OpenPoint, ...] = Field(default=(), description="disagreements awaiting a ruling; they block the review")
    escalated_to: EscalationLevel | None = Field(default=None, description="while the draft is overdue, the highest level of the "
                                                 "escalation ladder raised for the deadline in force (the history says when); none "
                                                 "before the first escalation")
    next_alarm: NextAlarm | None = Field(default=None, description="the next warning or escalation and when it falls")
    next_cutoff: NextCutoff | None = Field(default=None, description="the first cut-off ahead on the draft's path, the one the board marks "
                                           "it by (while an approved date conflicts with its sitting, the sitting's own); none past "
                                           "every cut-off, or with no session announced to count from")
    track: ProgrammeTrack = ProgrammeTrack.REGULAR
    law_kind: LawKind = LawKind.NEW_LAW
    open_consultations: tuple[OpenRound, ...] = Field(default=(), description="consultation rounds not yet compiled; they block approval")
    classified: bool = Field(default=False, description="a classified draft: its title and documents are shown only to its lead ministry")
    events_recorded: int = Field(default=0, description="events in the draft's audit trail so far")
    warnings: tuple[str, ...] = Field(default=(), description="what an official should know, e.g. a deadline in a year whose rest days are not announced")
    final_step: HistoryEntry | None = Field(default=None, exclude_if=lambda step: step is None,
                                            description="a final draft's: the event that ended its path (promulgated, rejected, "
                                            "withdrawn): who decided, in what role, when; absent while the draft is on its path")
    # Told by Temporal, not by the draft (whose query answers as it stood when it ended); left out while it runs.
    ended: str | None = Field(default=None, exclude_if=lambda ended: ended is None,
                              description="how the draft's workflow ended outside its own rules: TERMINATED (by hand), TIMED_OUT, FAILED or "
                              "CANCELED; it takes no more messages and nothing is pending. Absent while it runs or once it closed by its rules")


class HistoryView(View):
    submission_id: str
    entries: tuple[HistoryEntry, ...]
    first_seq: int = Field(default=1, description="the workflow keeps the latest events only; the audit trail holds all")
    # Left out when none, as `next_after` (every answer of the workflow's `history` query).
    raised_before_stage_ended: dict[int, date] = Field(
        default_factory=dict, exclude_if=lambda raised: not raised, max_length=1000,
        description="the alarms among these entries (WARNING, DEADLINE_PASSED, ESCALATION, by `seq`) raised before the decision "
                    "ending their stage was entered, which is dated on or before their day: that decision's day (Ha Noi). The "
                    "stage had ended by then; absent when there is none")
    raised_before_deadline_moved: dict[int, date] = Field(
        default_factory=dict, exclude_if=lambda raised: not raised, max_length=1000,
        description="the alarms among these entries (by `seq`) raised before a postponement of their stage, approved and entered "
                    "afterwards, moved the deadline they count from past their day, dated before it: that approval's day (Ha Noi). "
                    "The deadline had moved by then; absent when there is none")
    # Left out when none (every page the workflow's `history` query answers), so that an API of an earlier release reads it.
    next_after: int | None = Field(default=None, exclude_if=lambda after: after is None,
                                   description="a page of the audit trail with more after it: pass this as `after` for the next "
                                   "(also the `Link` header's `next`); absent on the last page")


class DossierVersion(View):
    """The whole dossier (latest document of each kind) after one filing that changed it."""

    number: int = Field(ge=1)
    seq: int = Field(ge=1, description="the history event that created it")
    at: Instant
    occurred_on: date | None = Field(default=None, description="the Ha Noi day its filing happened, when entered afterwards")
    documents: tuple[DocumentRef, ...]


class VersionsView(View):
    submission_id: str
    versions: tuple[DossierVersion, ...]
    next_after: int | None = Field(default=None, exclude_if=lambda after: after is None,
                                   description="a page with more versions after it: pass this as `after` for the next "
                                   "(also the `Link` header's `next`); absent on the last page")


class Receipt(View):
    """The answer to a message a draft applied: what it recorded and where the draft stands after it.

    Sent again, with the same request ID, the message is not applied twice: the receipt of its first
    application comes back, marked `duplicate`, even after the draft continued as new.
    """

    submission_id: str
    request_id: str | None = None
    duplicate: bool = False
    first_seq: int | None = Field(default=None, description="the first audit event it recorded")
    events: int = Field(default=0, description="how many events it recorded")
    stage: Stage = Field(description="where the draft stood when the message arrived")
    to_stage: Stage = Field(description="where the draft stands after the message (its stage again when it stayed; an audit event's "
                                        "`to_stage` is set only where the event moved the draft)")
    stage_deadline: date | None = None
    target_session: str = ""
    classified: bool = False
    warnings: tuple[str, ...] = Field(
        default=(), max_length=2, exclude_if=lambda said: not said,
        description="said, not refused: what the sender should check (a deadline asked on a rest day); the API's alone")


class WebhookEvent(View):
    """What a webhook subscriber receives for each audit event: one signed JSON `POST` (Standard Webhooks headers
    `webhook-id`, `webhook-timestamp`, `webhook-signature`). What happened and nothing more: no title, reasons, names or
    documents. A field with no value is left out. Instants at the Ha Noi offset (+07:00), days as Ha Noi dates."""

    submission_id: str
    seq: int = Field(ge=1, description="the event's number in the draft's audit trail")
    occurred_at: Instant = Field(description="when it was recorded")
    occurred_on: date | None = Field(default=None, description="the day it happened, for an event entered afterwards")
    imported: bool | None = Field(default=None, description="a step of a draft entered under way")
    event: EventKind
    stage: Stage = Field(description="the stage the draft was at")
    to_stage: Stage | None = Field(default=None, description="the stage it went to")
    outcome: Outcome | None = None
    actor: Actor | None = Field(default=None, description="the body that acted")
    deadline: date | None = Field(default=None, description="the deadline in force at the stage left (or stayed at)")
    to_stage_deadline: date | None = Field(default=None, description="the deadline of the stage entered, or moved at the stage stayed at")
    label: str | None = Field(default=None, description="the warning's or the change's words, e.g. '5 days before the deadline'")
    escalation_level: EscalationLevel | None = None
    requested_deadline: date | None = Field(default=None, description="the date a postponement asked")
    approved: bool | None = Field(default=None, description="whether a postponement was approved")
    late_request: bool | None = Field(default=None, description="a postponement asked within the last days before the deadline")
    idempotency_key: str = Field(description="<submission id>:<seq>: the same event whatever the subscriber and the attempt")
