"""What upstream systems and officials send to a draft: the start request and every kind of event.

Each message is one pydantic model, validated the same way whatever carries it (the HTTP API, the
CLI, a Temporal client). Its strings follow `schemas.text`; its dates are Ha Noi dates.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from schemas.calendar import TargetSession, in_range
from schemas.enums import (
    Actor,
    ConsultationKind,
    DocumentKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeChangeKind,
    Role,
    SessionProcedure,
    Stage,
    procedures_for,
)
from schemas.text import Bytes, Flag, Official, Reasons, code, invalid, name, text
from schemas.time import Day

SUBMISSION_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SUBMISSION_ID_WORDS = "letters, digits, '.', '_' or '-', 1 to 64 characters, the first a letter or digit, e.g. BGDDT-2026-017"
SubmissionId = code(SUBMISSION_ID, SUBMISSION_ID_WORDS)
AgencyCode = code(r"^[A-Z][A-Z0-9_]{1,23}$", "capital letters, digits or '_', 2 to 24 characters, the first a letter, e.g. BTP")
Sha256 = code(r"^[0-9a-f]{64}$", "a SHA-256: 64 hexadecimal digits, in small letters")
# A document's hash as an official's tools print it (Windows' Get-FileHash and certutil write capitals: found by a
# ministry's trial), kept in small letters; a text's, which legis computes, is taken in small letters only.
DocumentSha256 = Annotated[code(r"^[0-9a-fA-F]{64}$", "a SHA-256: 64 hexadecimal digits, 0-9 and a-f in either case"), AfterValidator(str.lower)]
ROUND_ID = r"^[A-Za-z0-9._-]{1,40}$"
# The most parts of a law a vote may record as voted down (articles or chapters).
MAX_PARTS_NOT_PASSED = 200
ROUND_ID_WORDS = "letters, digits, '.', '_' or '-', 1 to 40 characters, e.g. Y-KIEN-BO-NGANH"
RoundId = code(ROUND_ID, ROUND_ID_WORDS)
# An HTTP header's value: printable ASCII, no spaces.
IDEMPOTENCY_KEY = r"^[\x21-\x7e]+$"
# A caller's request ID (the API's Idempotency-Key, the CLI's --request-id): one rule for both.
LONGEST_REQUEST_ID = 200
RequestId = code(rf"^[\x21-\x7e]{{1,{LONGEST_REQUEST_ID}}}$", f"printable ASCII without spaces, 1 to {LONGEST_REQUEST_ID} characters, e.g. dms-4711")
# The largest message a caller sends, in bytes of JSON: the API's body and the CLI's file alike.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
PointId = code(r"^[A-Za-z0-9._-]{1,40}$", "letters, digits, '.', '_' or '-', 1 to 40 characters")
Title = name(500, 5)
DocumentName = name(300)
# Where a document is read: an https address a browser opens as it is (non-ASCII characters percent-encoded).
DocumentUrl = code(r"^https://[\x21-\x7e]{1,492}$", "an https:// address of printable ASCII characters (others percent-encoded), "
                   "at most 500 characters, e.g. https://vbpl.vn/bogiaoducdaotao/Pages/du-thao.aspx?ItemID=1234")
PartName = name(100)
LawName = name(500)
MAX_REASON = 4000
# The fewest characters of a reason that must be given: "OK" or "x" says nothing of why.
MIN_REASON = 3
Reason = text(MAX_REASON, MIN_REASON)
Summary = text(2000, 3)
ShortReason = text(1000, 3)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Acting(Message):
    """Who acts: the body (actor), the concrete agency, the office its official holds, and the official."""

    actor: Actor
    agency_code: AgencyCode = Field(description="the concrete agency acting, e.g. BTP for the Ministry of Justice")
    role: Role
    official: Official = Field(description="who signed, name or staff ID")


class Dated(Message):
    """An event entered after it happened says when (a Ha Noi date); deadlines count from that day."""

    occurred_on: Day | None = Field(
        default=None, description="the day it happened, in Ha Noi, when entered afterwards; not in the future nor before the stage began"
    )

    @model_validator(mode="after")
    def _dated(self) -> Dated:
        if self.occurred_on is not None:
            in_range(self.occurred_on, "occurred_on")
        return self


class DocumentRef(Message):
    """A document of the dossier, by reference: its content never travels through the workflow."""

    kind: DocumentKind
    name: DocumentName = Field(description="the document's title or file name")
    sha256: DocumentSha256 = Field(description="SHA-256 of the document's bytes, hexadecimal (kept in small letters)")
    size_bytes: Bytes | None = Field(default=None, description="the document's size in bytes")
    # Added for the public's pages; left out of a message without it, so that earlier messages read the same.
    url: DocumentUrl | None = Field(default=None, exclude_if=lambda url: url is None,
                                    description="where the public and the officials read the document (the lead ministry's portal, the "
                                    "national legal database); the public consultation pages link its name there; none: not published")


class TextRef(Message):
    """A long text (an opinion's comment, an explanation) stored content-addressed in PostgreSQL, by its hash."""

    sha256: Sha256
    size_bytes: Bytes = Field(le=16 * 1024 * 1024, description="UTF-8 bytes of the text")


Documents = tuple[DocumentRef, ...]


class VoteCount(Message):
    """A National Assembly vote (biểu quyết). Passing needs more than half of all deputies (Constitution Art. 85)."""

    total_deputies: int = Field(gt=0, le=1000, strict=True, description="all deputies of the Assembly, not only those present")
    in_favour: int = Field(ge=0, le=1000, strict=True)
    against: int = Field(ge=0, le=1000, strict=True)
    abstaining: int = Field(ge=0, le=1000, strict=True)
    parts_not_passed: tuple[PartName, ...] = Field(
        default=(), max_length=MAX_PARTS_NOT_PASSED, description="articles or chapters voted down when the law passes in part, e.g. 'Điều 12'"
    )

    @model_validator(mode="after")
    def _counts_fit(self) -> VoteCount:
        if self.in_favour + self.against + self.abstaining > self.total_deputies:
            # Named by the field that holds the count (the vote sits in a decision under `vote`: not `vote.vote`).
            raise invalid("vote_counts_fit", "in_favour + against + abstaining exceeds total_deputies", "total_deputies")
        if self.parts_not_passed and not self.passed:
            raise invalid("parts_only_when_passed", "parts_not_passed only when the law as a whole passed", "parts_not_passed")
        return self

    @property
    def passed(self) -> bool:
        return 2 * self.in_favour > self.total_deputies

    @property
    def result(self) -> str:
        """The result in the words of the vote's event in the history (its label, when in part) and of `legis status`:
        "passed", "not passed", "passed in part; not passed: Điều 12"."""
        if self.parts_not_passed:
            return f"passed in part; not passed: {', '.join(self.parts_not_passed)}"
        return "passed" if self.passed else "not passed"


class StartRequest(Message):
    """What an upstream system sends to open a submission (hồ sơ dự án luật)."""

    submission_id: SubmissionId
    title: Title = Field(description="tên dự án luật, in Vietnamese with diacritics")
    law_kind: LawKind
    amended_law: LawName | None = Field(default=None, description="the law amended, for AMENDING_LAW")
    lead_ministry: AgencyCode
    process_version: ProcessVersion
    target_session: TargetSession
    session_procedure: SessionProcedure = SessionProcedure.ONE_SESSION
    classified: Flag = False
    examining_committee: AgencyCode | None = Field(
        default=None, exclude_if=lambda code: code is None,
        description="the National Assembly committee that leads the examination (cơ quan chủ trì thẩm tra; DOMAIN.md stage 6), "
                    "e.g. UBPLTP: only it acts as NA_COMMITTEE on this draft; unset, any committee does")
    passed: tuple[Decision, ...] = Field(
        default=(), max_length=60,
        description="for a draft already under way: the steps it has passed, in order, each with its occurred_on; "
        "the draft starts where they leave it, and the audit trail records them as imported",
    )

    @model_validator(mode="after")
    def _consistent(self) -> StartRequest:
        if self.law_kind is LawKind.AMENDING_LAW and not self.amended_law:
            raise invalid("amended_law_required", "required when law_kind is AMENDING_LAW", "amended_law")
        if self.law_kind is not LawKind.AMENDING_LAW and self.amended_law:
            raise invalid("amended_law_for_amendments", "only for law_kind AMENDING_LAW", "amended_law")
        if self.session_procedure not in procedures_for(self.process_version):
            raise invalid("procedure_known", f"{self.session_procedure.value} exists only under LAW_2015 (Art. 76)", "session_procedure")
        days = [step.occurred_on for step in self.passed]
        if (undated := next((i for i, day in enumerate(days) if day is None), None)) is not None:
            raise invalid("imported_steps_dated", "every step already passed needs its occurred_on", f"passed.{undated}.occurred_on")
        if (early := next((i for i in range(1, len(days)) if days[i] < days[i - 1]), None)) is not None:
            # The step before is the one out of place when it is later than every step after it, and those are in order
            # with the steps before it (a day in the future, a mistyped year): named, not the step after it, however few
            # steps follow it (one alone, the last, too: a trial's future day was blamed on the step after it).
            if days[early - 1] > max(days[early:]) and (early == 1 or days[early - 2] <= days[early]):
                raise invalid("imported_steps_in_order", f"steps already passed must be in the order they happened: {days[early - 1]} is "
                              f"after the day of every step after it ({days[early]}, the day of step {early + 1}, passed.{early}, the first)",
                              f"passed.{early - 1}.occurred_on")
            raise invalid("imported_steps_in_order", f"steps already passed must be in the order they happened: {days[early]} is before "
                          f"{days[early - 1]}, the day of step {early} (passed.{early - 1}; steps count from 1)", f"passed.{early}.occurred_on")
        return self



def classified_id_warning(request: StartRequest) -> str | None:
    """What the starter of a classified draft is told when its submission ID holds the lead ministry's code (BQP-2026-003):
    the ID is shown wherever the draft is listed, its ministry withheld beside it (found by a National Assembly Office's
    trial). Said, not refused: an ID chosen by a ministry's document system may hold its code, and it is the ID's to keep."""
    if not request.classified:
        return None
    code = request.lead_ministry.upper()
    # The code as a part of the ID, or beside its digits (BQP2026004, 2026BQP), not inside another word (BQPX).
    if not any(re.fullmatch(rf"\d*{re.escape(code)}\d*", part) for part in re.split(r"[^A-Za-z0-9]+", request.submission_id.upper())):
        return None
    return (f"submission_id {request.submission_id} holds its lead ministry's code, {request.lead_ministry}: every list, refusal and "
            "export that names the classified draft by its ID tells its ministry, which they withhold; start the draft under an ID "
            "that says nothing, as MAT-2026-014 (README, 'What stays readable')")


class Decision(Acting, Dated):
    """A decision by an official on the stage a draft stands at; the `decide` update."""

    stage: Stage = Field(description="the stage this decision is for; a draft that has moved on refuses it as stale")
    outcome: Outcome
    reasons: Reasons = Field(default="", description="required for a return, a rejection, a withdrawal and a referral to the Assembly")
    documents: Documents = Field(default=(), max_length=50)
    return_to: Stage | None = Field(default=None, description="for RETURN_FOR_REVISION: the stage that redoes the work")
    vote: VoteCount | None = None
    carry_to: TargetSession | None = Field(default=None, description="for CARRY_OVER: the session that takes the draft up again")

    @model_validator(mode="after")
    def _outcome_fields(self) -> Decision:
        if self.outcome is Outcome.VOTE and self.vote is None:
            raise invalid("vote_required", "required when outcome is VOTE", "vote")
        if self.outcome is not Outcome.VOTE and self.vote is not None:
            raise invalid("vote_only_for_votes", "only for outcome VOTE", "vote")
        if self.return_to is not None and self.outcome is not Outcome.RETURN_FOR_REVISION:
            raise invalid("return_to_only_for_returns", "only for outcome RETURN_FOR_REVISION", "return_to")
        if (self.carry_to is not None) != (self.outcome is Outcome.CARRY_OVER):
            raise invalid("carry_to_for_carry_over", "required for outcome CARRY_OVER, and only for it", "carry_to")
        if self.outcome in (Outcome.RETURN_FOR_REVISION, Outcome.REJECT, Outcome.WITHDRAW, Outcome.REFER_TO_ASSEMBLY) and not self.reasons.strip():
            raise invalid("reasons_required", f"required when outcome is {self.outcome.value}", "reasons")
        return self


StartRequest.model_rebuild()


class DossierFiling(Acting, Dated):
    """Documents added to the dossier at the current stage; the `file_dossier` update."""

    stage: Stage = Field(description="the stage the filing is for; must be the draft's current stage")
    documents: Documents = Field(min_length=1, max_length=50)


# A postponement's day, left out when none, so that a worker of an earlier release still reads a pending request that a
# state carries and the messages sent without it.
_POSTPONEMENT_DAY = "when entered afterwards, the day it was {} (Ha Noi); not in the future nor before the stage began"


class PostponementRequest(Acting, Dated):
    """Asking to move the current stage's deadline (xin lùi, xin hoãn); the `request_postponement` update."""

    stage: Stage = Field(description="the stage whose deadline should move; must be the current one")
    new_deadline: Day
    reason: Reason
    occurred_on: Day | None = Field(default=None, exclude_if=lambda day: day is None, description=_POSTPONEMENT_DAY.format(
        "asked, by which a request is judged late (asked in the rulebook's last days before the deadline)"))

    @model_validator(mode="after")
    def _new_deadline_in_range(self) -> PostponementRequest:
        in_range(self.new_deadline, "new_deadline")
        return self


class PostponementDecision(Acting, Dated):
    """Approving or refusing the pending postponement; the `decide_postponement` update."""

    stage: Stage
    approved: Flag
    reason: Reasons = Field(default="", description="required for a refusal (approved false)")
    occurred_on: Day | None = Field(default=None, exclude_if=lambda day: day is None,
                                    description=_POSTPONEMENT_DAY.format("decided") + ", nor before it was asked")


class RunRenewal(Message):
    """An operator asks a draft's run to continue as new with its state (`legis renew`), so that a run begun under an
    earlier release takes up this release's rules; the `renew_run` signal. Nothing is recorded in the audit trail."""

    asked_by: Official


class AgencyRemap(Message):
    """A ministry's code replaced by another (ministries merged in 2025); the `remap_agency` update."""

    old_code: AgencyCode
    new_code: AgencyCode
    changed_by: Official
    reason: ShortReason

    @model_validator(mode="after")
    def _differ(self) -> AgencyRemap:
        if self.old_code == self.new_code:
            raise invalid("codes_differ", "must differ from old_code", "new_code")
        return self


class Disagreement(Acting):
    """A point on which ministries still disagree after the Government Office's coordination; the
    `raise_disagreement` update. It goes to the Deputy Prime Minister in charge."""

    point_id: PointId
    summary: Summary
    parties: tuple[AgencyCode, ...] = Field(min_length=2, max_length=30, description="the agencies that disagree")


class Ruling(Acting):
    """The Deputy Prime Minister's or Prime Minister's answer on a point; the `rule_on_disagreement` update.

    A Deputy Prime Minister may instead escalate the point to the Prime Minister.
    """

    # Required unless the point is escalated, then at least `MIN_REASON` characters, as every reason that must be given
    # (`Reason`): the schema says so, and a short one is refused as short, not as missing (found by an upstream system's
    # trial: "OK" was refused `ruling_required`, under a schema of minLength 0).
    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"escalate": {"const": False}}},
        "then": {"required": ["ruling"], "properties": {"ruling": {"pattern": rf"\S[\s\S]{{{MIN_REASON - 2},}}\S"}}},
    })

    point_id: PointId
    escalate: Flag = False
    ruling: Reasons = Field(default="", description=f"required unless the point is escalated: at least {MIN_REASON} characters besides "
                            "the spaces around them")

    @model_validator(mode="after")
    def _ruling_or_escalation(self) -> Ruling:
        if not self.escalate and not self.ruling.strip():
            raise invalid("ruling_required", "required unless the point is escalated", "ruling")
        if not self.escalate and len(self.ruling.strip()) < MIN_REASON:
            raise PydanticCustomError("string_too_short", f"ruling: at least {MIN_REASON} characters unless the point is escalated (as any "
                                      "reason given), besides the spaces around them", {"field": "ruling", "min_length": MIN_REASON})
        return self


class ProgrammeChange(Acting, Dated):
    """The Standing Committee changing the legislative programme for this draft; the `change_programme` update."""

    kind: ProgrammeChangeKind
    reason: Reason
    to_session: TargetSession | None = Field(default=None, description="for DEFER (required), ADD and SWITCH_PROCEDURE: the session aimed at")
    procedure: SessionProcedure | None = Field(default=None, description="for SWITCH_PROCEDURE: the new procedure")

    @model_validator(mode="after")
    def _fields_for_kind(self) -> ProgrammeChange:
        if self.kind is ProgrammeChangeKind.DEFER and self.to_session is None:
            raise invalid("to_session_required", "required for DEFER", "to_session")
        if (self.procedure is not None) != (self.kind is ProgrammeChangeKind.SWITCH_PROCEDURE):
            raise invalid("procedure_for_switch", "required for SWITCH_PROCEDURE, and only for it", "procedure")
        if self.to_session is not None and self.kind not in (ProgrammeChangeKind.DEFER, ProgrammeChangeKind.ADD, ProgrammeChangeKind.SWITCH_PROCEDURE):
            raise invalid("to_session_for_kind", f"not for {self.kind.value}", "to_session")
        return self


# A round asks at most this many bodies.
MAX_CONSULTEES = 500
# The most articles (Điều) a draft posted for the public's comments has, as legis numbers them.
MAX_ARTICLE = 10_000


class ConsultationRequest(Acting):
    """A round of opinions asked by the lead ministry (lấy ý kiến); the `open_consultation` update."""

    round_id: RoundId
    kind: ConsultationKind
    consultees: tuple[AgencyCode, ...] = Field(default=(), max_length=MAX_CONSULTEES, description="who is asked; empty only for PUBLIC_POSTING")
    window_days: int | None = Field(default=None, ge=1, le=365, strict=True, description="days the round stays open: never shorter than a "
                                       "statutory window (15 for written opinions), and a social critique's 30 are a default from editions 2025.8 "
                                       "(the law sets none)")
    # Found by two public consultation trials: a comment on "Điều 9999" was taken of any draft, none able to say its count.
    articles: int | None = Field(default=None, ge=1, le=MAX_ARTICLE, strict=True, exclude_if=lambda count: count is None,
                                 description="a public posting's: the articles (Điều) of the draft posted; a comment of the public on a "
                                 "later one is refused (article_in_draft). None: not given, any article to 10,000 taken")

    @model_validator(mode="after")
    def _consultees(self) -> ConsultationRequest:
        if len(set(self.consultees)) != len(self.consultees):
            raise invalid("consultee_once", "each may be asked once", "consultees")
        if not self.consultees and self.kind is not ConsultationKind.PUBLIC_POSTING:
            raise invalid("consultees_required", f"required for {self.kind.value}", "consultees")
        if self.articles is not None and self.kind is not ConsultationKind.PUBLIC_POSTING:
            raise invalid("articles_for_posting", "only a PUBLIC_POSTING is commented on by article", "articles")
        return self


class RoundCancellation(Acting):
    """A consultation round opened by mistake (a consultee mistyped, the wrong kind or window) cancelled by the lead
    ministry before its compilation; the `cancel_consultation` update. The round asks nobody any more, its answers are
    not taken, and the stage is no longer held by it; its ID stays used."""

    round_id: RoundId
    reason: Reason
