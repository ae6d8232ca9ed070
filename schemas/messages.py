"""Messages exchanged with DraftLawWorkflow: the start request, decisions, query results and activity inputs."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from schemas.rulebook import Rulebook
from schemas.enums import (
    Actor,
    ConsultationKind,
    DocumentKind,
    EscalationLevel,
    EventKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeChangeKind,
    ProgrammeTrack,
    Response,
    Role,
    SessionProcedure,
    Stage,
    procedures_for,
)

SubmissionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
AgencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,23}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetSession(Message):
    """A National Assembly session (kỳ họp), e.g. the 10th session of the 15th legislature."""

    legislature: int = Field(ge=1, le=99, description="khóa Quốc hội, e.g. 15")
    session: int = Field(ge=1, le=99, description="kỳ họp thứ, e.g. 10")
    opens_on: date = Field(description="opening date of the session")
    extraordinary: bool = Field(default=False, description="kỳ họp bất thường, called at short notice")

    @property
    def code(self) -> str:
        return f"{self.legislature}-{self.session}"


class StartRequest(Message):
    """What an upstream system sends to open a submission (hồ sơ dự án luật)."""

    submission_id: SubmissionId
    title: str = Field(min_length=5, max_length=500, description="tên dự án luật, in Vietnamese with diacritics")
    law_kind: LawKind
    amended_law: str | None = Field(default=None, max_length=500, description="the law amended, for AMENDING_LAW")
    lead_ministry: AgencyCode
    process_version: ProcessVersion
    target_session: TargetSession
    session_procedure: SessionProcedure = SessionProcedure.ONE_SESSION
    classified: bool = False

    @field_validator("title", "amended_law")
    @classmethod
    def _nfc(cls, value: str | None) -> str | None:
        # Ministries' systems send both composed and decomposed Vietnamese; compare and store one form.
        return None if value is None else unicodedata.normalize("NFC", value.strip())

    @model_validator(mode="after")
    def _amended_law_for_amendments(self) -> StartRequest:
        if self.law_kind is LawKind.AMENDING_LAW and not self.amended_law:
            raise ValueError("amended_law: required when law_kind is AMENDING_LAW")
        if self.law_kind is LawKind.NEW_LAW and self.amended_law:
            raise ValueError("amended_law: only for law_kind AMENDING_LAW")
        if self.session_procedure not in procedures_for(self.process_version):
            raise ValueError(f"session_procedure: {self.session_procedure.value} exists only under LAW_2015 (Art. 76)")
        return self


class DocumentRef(Message):
    """A document of the dossier, by reference: its content never travels through the workflow."""

    kind: DocumentKind
    name: str = Field(min_length=1, max_length=300)
    sha256: Sha256
    size_bytes: int | None = Field(default=None, ge=0)


class VoteCount(Message):
    """A National Assembly vote (biểu quyết). Passing needs more than half of all deputies (Constitution Art. 85)."""

    total_deputies: int = Field(gt=0, description="all deputies of the Assembly, not only those present")
    in_favour: int = Field(ge=0)
    against: int = Field(ge=0)
    abstaining: int = Field(ge=0)
    parts_not_passed: tuple[Annotated[str, StringConstraints(min_length=1, max_length=100)], ...] = Field(
        default=(), max_length=500, description="articles or chapters voted down when the law passes in part, e.g. 'Điều 12'"
    )

    @model_validator(mode="after")
    def _counts_fit(self) -> VoteCount:
        if self.in_favour + self.against + self.abstaining > self.total_deputies:
            raise ValueError("vote: in_favour + against + abstaining exceeds total_deputies")
        if self.parts_not_passed and not self.passed:
            raise ValueError("vote: parts_not_passed only when the law as a whole passed")
        return self

    @property
    def passed(self) -> bool:
        return 2 * self.in_favour > self.total_deputies


class Decision(Message):
    """A decision by an official on the stage a draft stands at; sent as the `decide` update."""

    stage: Stage = Field(description="the stage this decision is for; must be the draft's current stage")
    outcome: Outcome
    actor: Actor
    agency_code: AgencyCode = Field(description="the concrete agency acting, e.g. BTP for the Ministry of Justice")
    role: Role
    official: str = Field(min_length=1, max_length=200, description="who signed, name or staff ID")
    reasons: str = Field(default="", max_length=4000)
    documents: tuple[DocumentRef, ...] = ()
    return_to: Stage | None = Field(default=None, description="for RETURN_FOR_REVISION: the stage that redoes the work")
    vote: VoteCount | None = None
    carry_to: TargetSession | None = Field(default=None, description="for CARRY_OVER: the session that takes the draft up again")

    @model_validator(mode="after")
    def _outcome_fields(self) -> Decision:
        if self.outcome is Outcome.VOTE and self.vote is None:
            raise ValueError("vote: required when outcome is VOTE")
        if self.outcome is not Outcome.VOTE and self.vote is not None:
            raise ValueError("vote: only for outcome VOTE")
        if self.return_to is not None and self.outcome is not Outcome.RETURN_FOR_REVISION:
            raise ValueError("return_to: only for outcome RETURN_FOR_REVISION")
        if (self.carry_to is not None) != (self.outcome is Outcome.CARRY_OVER):
            raise ValueError("carry_to: required for outcome CARRY_OVER, and only for it")
        if self.outcome in (Outcome.RETURN_FOR_REVISION, Outcome.REJECT, Outcome.WITHDRAW) and not self.reasons.strip():
            raise ValueError(f"reasons: required when outcome is {self.outcome.value}")
        return self


class PostponementRequest(Message):
    """Asking to move the current stage's deadline (xin lùi, xin hoãn); sent as the `request_postponement` update."""

    stage: Stage = Field(description="the stage whose deadline should move; must be the current one")
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)
    new_deadline: date
    reason: str = Field(min_length=3, max_length=4000)


class PostponementDecision(Message):
    """Approving or refusing the pending postponement; sent as the `decide_postponement` update."""

    stage: Stage
    approved: bool
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)
    reason: str = Field(default="", max_length=4000)


class StandingCommitteeMeeting(Message):
    """A meeting (phiên họp) of the National Assembly Standing Committee."""

    code: str = Field(pattern=r"^[A-Za-z0-9._-]{1,40}$", description="e.g. UBTVQH-2027-04")
    meets_on: date


class SessionCalendar(Message):
    """Sessions and Standing Committee meetings as operators last set them; sent as the `calendar_changed` update."""

    sessions: tuple[TargetSession, ...] = Field(min_length=1)
    meetings: tuple[StandingCommitteeMeeting, ...] = ()
    changed_by: str = Field(min_length=1, max_length=200, description="the operator who changed the calendar")

    @model_validator(mode="after")
    def _distinct(self) -> SessionCalendar:
        codes = [s.code for s in self.sessions]
        if len(set(codes)) != len(codes):
            raise ValueError("sessions: each session may appear once")
        return self


class DeciderView(Message):
    actor: Actor
    roles: tuple[Role, ...]


class PendingDecision(Message):
    stage: Stage
    outcomes: tuple[Outcome, ...]
    deciders: tuple[DeciderView, ...]
    required_documents: tuple[DocumentKind, ...]
    missing_documents: tuple[DocumentKind, ...]


class HistoryEntry(Message):
    """One event in a draft's life: who did what, in what role, when, with what outcome."""

    seq: int = Field(ge=1)
    at: datetime
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
    label: str | None = Field(default=None, description="for warnings and escalations: what the alarm was")
    escalation_level: EscalationLevel | None = None
    requested_deadline: date | None = Field(default=None, description="for postponements: the date asked for")
    approved: bool | None = Field(default=None, description="for a decided postponement")
    late_request: bool | None = Field(default=None, description="a postponement asked in the last days before the deadline")
    version: int | None = Field(default=None, description="the dossier version this event's documents created")
    about_version: int | None = Field(default=None, description="for a decision: the dossier version it was taken on")


class StatusView(Message):
    submission_id: str
    workflow_id: str
    title: str
    lead_ministry: str
    process_version: ProcessVersion
    rulebook_version: str
    session_procedure: SessionProcedure
    target_session: TargetSession
    stage: Stage
    stage_since: datetime
    stage_deadline: date | None
    overdue: bool
    pending: PendingDecision | None
    revision_loops: int
    last_vote: VoteCount | None
    pending_postponement: PostponementRequest | None = None
    open_points: tuple[OpenPoint, ...] = Field(default=(), description="disagreements awaiting a ruling; they block the review")
    next_alarm: str | None = Field(default=None, description="the next warning or escalation and when it falls")
    track: ProgrammeTrack = ProgrammeTrack.REGULAR
    law_kind: LawKind = LawKind.NEW_LAW
    open_consultations: tuple[OpenRound, ...] = Field(default=(), description="consultation rounds not yet compiled; they block approval")
    classified: bool = Field(default=False, description="a classified draft: its title and documents are shown only to its lead ministry")


class OpenRound(Message):
    round_id: str
    kind: ConsultationKind
    workflow_id: str
    opened_at: datetime


class HistoryView(Message):
    submission_id: str
    entries: tuple[HistoryEntry, ...]


class RegistryRow(Message):
    """The read model's row for one submission, as the workflow last saw it."""

    submission_id: str
    workflow_id: str
    title: str | None = Field(description="None for classified drafts")
    lead_ministry: str
    process_version: ProcessVersion
    target_session: str
    stage: Stage
    stage_since: datetime
    stage_deadline: date | None
    responsible: str = Field(description="the agency expected to act: the lead ministry's code, else the deciding body")
    classified: bool


class RecordEventInput(Message):
    """Activity input: append one audit row and bring the registry row up to that event."""

    entry: HistoryEntry
    registry: RegistryRow


class LoadRulebookInput(Message):
    process_version: ProcessVersion


class DossierFiling(Message):
    """Documents added to the dossier at the current stage; sent as the `file_dossier` update."""

    stage: Stage = Field(description="the stage the filing is for; must be the draft's current stage")
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)
    documents: tuple[DocumentRef, ...] = Field(min_length=1)


class DeliveryInput(Message):
    """Activity input: send one subscriber the events it has not received yet."""

    subscriber_id: int
    batch: int = Field(default=200, ge=1, le=10_000)


class DeliveryResult(Message):
    delivered: int
    failed_drafts: int = Field(description="drafts whose next event was refused; their later events wait")
    pending: bool = Field(description="more events were waiting than the batch could take")


class WebhookInput(Message):
    """Input of the delivery workflow of one subscriber."""

    subscriber_id: int
    poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    max_backoff_seconds: float = Field(default=300.0, gt=0)


class AgencyRemap(Message):
    """A ministry's code replaced by another (ministries merged in 2025); sent as the `remap_agency` update."""

    old_code: AgencyCode
    new_code: AgencyCode
    changed_by: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=3, max_length=1000)

    @model_validator(mode="after")
    def _differ(self) -> AgencyRemap:
        if self.old_code == self.new_code:
            raise ValueError("new_code: must differ from old_code")
        return self


class DossierVersion(Message):
    """The whole dossier (latest document of each kind) after one filing that changed it."""

    number: int = Field(ge=1)
    seq: int = Field(ge=1, description="the history event that created it")
    at: datetime
    documents: tuple[DocumentRef, ...]


class VersionsView(Message):
    submission_id: str
    versions: tuple[DossierVersion, ...]


class Disagreement(Message):
    """A point on which ministries still disagree after the Government Office's coordination; the
    `raise_disagreement` update. It goes to the Deputy Prime Minister in charge."""

    point_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,40}$")
    summary: str = Field(min_length=3, max_length=2000)
    parties: tuple[AgencyCode, ...] = Field(min_length=2, description="the agencies that disagree")
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)


class Ruling(Message):
    """The Deputy Prime Minister's or Prime Minister's answer on a point; the `rule_on_disagreement` update.

    A Deputy Prime Minister may instead escalate the point to the Prime Minister.
    """

    point_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,40}$")
    escalate: bool = False
    ruling: str = Field(default="", max_length=4000)
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _ruling_or_escalation(self) -> Ruling:
        if not self.escalate and len(self.ruling.strip()) < 3:
            raise ValueError("ruling: required unless the point is escalated")
        return self


class OpenPoint(Message):
    point: Disagreement
    with_actor: Actor = Field(description="who must rule now: DEPUTY_PM, then PM")


class DraftState(Message):
    """Everything a draft's workflow knows, carried into its next run when its history grows long."""

    rulebook: Rulebook
    stage: Stage
    stage_since: datetime
    deadline: date | None
    overdue: bool
    dossier: tuple[DocumentRef, ...]
    versions: tuple[DossierVersion, ...]
    returns: tuple[tuple[Stage, int], ...]
    last_vote: VoteCount | None
    pending_postponement: PostponementRequest | None
    target: TargetSession
    lead_ministry: str
    calendar: tuple[TargetSession, ...]
    meetings: tuple[StandingCommitteeMeeting, ...]
    fired: tuple[str, ...]
    history: tuple[HistoryEntry, ...]
    open_points: tuple[OpenPoint, ...] = ()
    points_raised: tuple[str, ...] = ()
    path: tuple[Stage, ...] | None = Field(default=None, description="the draft's path, once programme changes made it differ")
    track: ProgrammeTrack = ProgrammeTrack.REGULAR
    procedure: SessionProcedure | None = None
    open_rounds: tuple[OpenRound, ...] = ()
    rounds_opened: tuple[str, ...] = ()


class DraftLawInput(StartRequest):
    """The workflow's input: the upstream start request, plus the state a run hands to the next.

    Upstream systems send a plain StartRequest; `carried` is set only by the workflow itself when it
    continues as new.
    """

    carried: DraftState | None = None


class ProgrammeChange(Message):
    """The Standing Committee changing the legislative programme for this draft; the `change_programme` update."""

    kind: ProgrammeChangeKind
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=3, max_length=4000)
    to_session: TargetSession | None = Field(default=None, description="for DEFER (required), ADD and SWITCH_PROCEDURE: the session aimed at")
    procedure: SessionProcedure | None = Field(default=None, description="for SWITCH_PROCEDURE: the new procedure")

    @model_validator(mode="after")
    def _fields_for_kind(self) -> ProgrammeChange:
        if self.kind is ProgrammeChangeKind.DEFER and self.to_session is None:
            raise ValueError("to_session: required for DEFER")
        if (self.procedure is not None) != (self.kind is ProgrammeChangeKind.SWITCH_PROCEDURE):
            raise ValueError("procedure: required for SWITCH_PROCEDURE, and only for it")
        if self.to_session is not None and self.kind not in (ProgrammeChangeKind.DEFER, ProgrammeChangeKind.ADD, ProgrammeChangeKind.SWITCH_PROCEDURE):
            raise ValueError(f"to_session: not for {self.kind.value}")
        return self


RoundId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,40}$")]


class ConsultationRequest(Message):
    """A round of opinions asked by the lead ministry (lấy ý kiến); the `open_consultation` update."""

    round_id: RoundId
    kind: ConsultationKind
    consultees: tuple[AgencyCode, ...] = Field(default=(), max_length=500, description="who is asked; empty only for PUBLIC_POSTING")
    window_days: int | None = Field(default=None, ge=1, le=365, description="longer than the statutory window if wished; never shorter")
    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _consultees(self) -> ConsultationRequest:
        if len(set(self.consultees)) != len(self.consultees):
            raise ValueError("consultees: each may be asked once")
        if not self.consultees and self.kind is not ConsultationKind.PUBLIC_POSTING:
            raise ValueError(f"consultees: required for {self.kind.value}")
        return self


class Comment(Message):
    comment_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,40}$")
    text: str = Field(min_length=1, max_length=4000)


class Opinion(Message):
    """A consultee's written opinion (ý kiến góp ý); the consultation round's `submit_opinion` update."""

    consultee: AgencyCode = Field(description="the agency answering; PUBLIC for a comment from the public posting")
    official: str = Field(min_length=1, max_length=200)
    comments: tuple[Comment, ...] = Field(default=(), max_length=200, description="none: agrees with the draft")
    documents: tuple[DocumentRef, ...] = ()

    @model_validator(mode="after")
    def _distinct(self) -> Opinion:
        ids = [c.comment_id for c in self.comments]
        if len(set(ids)) != len(ids):
            raise ValueError("comments: comment_id must be distinct")
        return self


class CommentResponse(Message):
    consultee: AgencyCode
    comment_id: str = Field(pattern=r"^[A-Za-z0-9._-]{1,40}$")
    response: Response
    explanation: str = Field(default="", max_length=4000, description="required when the comment is EXPLAINED, not accepted")

    @model_validator(mode="after")
    def _explained(self) -> CommentResponse:
        if self.response is Response.EXPLAINED and len(self.explanation.strip()) < 3:
            raise ValueError("explanation: required when response is EXPLAINED")
        return self


class Compilation(Message):
    """The lead ministry's compilation (bản tổng hợp, tiếp thu, giải trình): an answer to every comment."""

    actor: Actor
    agency_code: AgencyCode
    role: Role
    official: str = Field(min_length=1, max_length=200)
    responses: tuple[CommentResponse, ...] = ()
    document: DocumentRef | None = Field(default=None, description="the compilation as a COMMENTS_COMPILATION document")


class ReceivedOpinion(Message):
    opinion: Opinion
    at: datetime


class ConsultationInput(Message):
    """Input of a consultation round's child workflow."""

    submission_id: str
    parent_workflow_id: str
    request: ConsultationRequest
    lead_ministry: str
    closes_at: datetime = Field(description="when silence is recorded: midnight in Ha Noi after the window's last day")


class ConsultationView(Message):
    round_id: str
    kind: ConsultationKind
    closes_at: datetime
    closed: bool
    awaiting: tuple[str, ...] = Field(description="consultees that have not answered")
    opinions: tuple[ReceivedOpinion, ...]
    silent: tuple[str, ...]
    unanswered_comments: tuple[str, ...] = Field(description="consultee/comment IDs the compilation must still answer")
    compiled: bool


class ConsultationResult(Message):
    """What a finished round hands back to its draft: every opinion, the silent, and the compilation."""

    round_id: str
    kind: ConsultationKind
    opened_at: datetime
    closed_at: datetime
    opinions: tuple[ReceivedOpinion, ...]
    silent: tuple[str, ...]
    compilation: Compilation
    compiled_at: datetime
