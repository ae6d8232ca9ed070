"""Inputs and results of activities: the audit trail's rows, the pinned rules, webhook deliveries."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from schemas.calendar import StandingCommitteeMeeting, TargetSession, WorkingCalendar
from schemas.enums import ProcessVersion, Stage
from schemas.messages import LONGEST_REQUEST_ID
from schemas.rulebook import Rulebook, edition, shipped
from schemas.time import Instant
from schemas.views import HistoryEntry


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExecutionEnd(str, Enum):
    """How a draft's workflow ended outside its own rules, as Temporal names it (the registry's `ended`)."""

    TERMINATED = "TERMINATED"  # by hand (`temporal workflow terminate`)
    TIMED_OUT = "TIMED_OUT"
    FAILED = "FAILED"  # a start the draft refused, say
    CANCELED = "CANCELED"


class RegistryRow(Record):
    """The read model's row for one submission, as the workflow last saw it."""

    submission_id: str
    workflow_id: str
    title: str | None = Field(description="`(classified)` for a classified draft to all but its lead ministry, which reads null "
                              "(the registry holds no classified title: its status gives it)")
    lead_ministry: str
    process_version: ProcessVersion
    target_session: str
    stage: Stage
    stage_since: Instant
    stage_deadline: date | None
    responsible: str = Field(description="the agency expected to act: the lead ministry's code, the examining committee's code where "
                                         "the draft's start names it (not for a classified draft), else the deciding body")
    classified: bool
    # Read from the registry, never written by a draft: left out of the audit writes' inputs.
    ended: ExecutionEnd | None = Field(default=None, exclude_if=lambda ended: ended is None,
                                       description="how the draft's workflow ended outside its own rules (terminated by hand, timed out, "
                                       "failed, cancelled), as Temporal reported it within a minute or so; it is no longer open")


class RegistryCutoffs(Record):
    """A draft against the sittings ahead, as the draft itself counts it (`workflows.sessions`), for the board's marks."""

    cutoff: date | None = Field(default=None, description="the last day of the next cut-off the draft must meet to keep its session")
    cutoff_stage: Stage | None = Field(default=None, description="the stage that cut-off is for")
    cutoff_sitting: str | None = Field(default=None, description="the session or Standing Committee meeting it is counted back from")
    committee_meeting: str | None = Field(default=None, description="the Standing Committee meeting the draft still comes before")
    # Left out when none, so that a worker of an earlier release still reads the inputs of drafts that have none.
    adopted_at: str | None = Field(default=None, exclude_if=lambda meeting: meeting is None,
                                   description="an ordinance at STANDING_COMMITTEE_OPINION: the Standing Committee meeting that adopts "
                                   "it (`sittings.adopting_meeting`), which the board lists it under")
    counted: date | None = Field(default=None, exclude_if=lambda day: day is None, description="when `cutoff` is a date approved "
                                 "at the draft's stage within the cut-off counted back from the sitting, that counted cut-off "
                                 "(which moves with the sitting, where the approved date stands)")


class RecordEventInput(Record):
    """Activity input: append one audit row and bring the registry row up to that event."""

    entry: HistoryEntry
    registry: RegistryRow
    # Added with the board's marks; absent from the inputs of histories written before (the row keeps none recorded).
    cutoffs: RegistryCutoffs | None = None
    # Kept with a dead letter, so that its retry is the event a reset run reapplying its update finds (found by a breaker:
    # written again without it, the event was written twice). Left out when none, as the workflows' inputs give none.
    # As long as a draft's update ID grows: a request ID of its longest, with the nonce `workflows.idempotency.update_id_for` adds
    # (found by a breaker: bounded to the request ID's 200, a long key's letter was never kept, and the writes stalled).
    update_id: str | None = Field(default=None, max_length=LONGEST_REQUEST_ID + len(" legis-") + 32, exclude_if=lambda update_id: update_id is None,
                                  description="the Temporal update that recorded the event, for a dead letter's retry")


# Events written in one activity at most: an outbox that fills while the database is slow is written in a few batches.
BATCH = 10


class RecordEventsInput(Record):
    """Activity input: append events in order (at most `BATCH`) and bring the registry row up to the last."""

    entries: tuple[HistoryEntry, ...] = Field(min_length=1, max_length=BATCH)
    registry: RegistryRow
    cutoffs: RegistryCutoffs | None = None
    # Added to tell an update a reset run applies again from a new one; an input from before names none.
    update_ids: tuple[str | None, ...] = Field(default=(), max_length=BATCH, description="the Temporal update that recorded each "
                                               "event, by position (None: a timer's, a signal's); none given: none known")

    def updates(self) -> tuple[str | None, ...]:
        """The update ID of each entry, by position."""
        return self.update_ids if len(self.update_ids) == len(self.entries) else (None,) * len(self.entries)


class LoadRulebookInput(Record):
    """Input of the first generation's pinning activity, which read the rulebook alone."""

    process_version: ProcessVersion


class PinInput(Record):
    process_version: ProcessVersion
    submission_id: str = Field(default="", description="to read what the audit trail already holds of it")
    by_reference: bool = Field(default=False, description="answer with the rulebook's edition in place of its text (PinnedRules.by_reference)")


class RulebookEdition(Record):
    """A rulebook named by its edition (`schemas.rulebook.edition` finds it among those this release ships)."""

    process_version: ProcessVersion
    version: str
    digest: str = Field(pattern=r"^[0-9a-f]{12}$")


class PinnedRules(Record):
    """What a draft reads once, when it starts: its rulebook and the calendars as announced then."""

    rulebook: Rulebook
    sessions: tuple[TargetSession, ...] = ()
    meetings: tuple[StandingCommitteeMeeting, ...] = ()
    working: WorkingCalendar = WorkingCalendar()
    recorded: int = Field(default=0, ge=0, description="events the audit trail already holds for this submission (a run started again)")
    closed_as: Stage | None = Field(default=None, description="the final state the registry recorded, if the submission was closed")
    by_reference: bool = Field(default=False, description="written with the rulebook's edition (RulebookEdition) in place of its text: "
                               "a draft's history then holds 16 KB less, and every reader finds the text in the editions shipped")

    @field_validator("rulebook", mode="before")
    @classmethod
    def _edition_read(cls, value: Any) -> Any:
        # A rulebook's own fields never include a digest: a value with one names an edition.
        if isinstance(value, dict) and "digest" in value:
            named = RulebookEdition.model_validate(value)
            found = edition(named.process_version, named.digest)
            if found.version != named.version:
                raise LookupError(f"rulebook {named.process_version.value} edition {named.digest} is {found.version} here, not {named.version}")
            return found
        return value

    @field_serializer("rulebook", return_type=Any)
    def _edition_written(self, book: Rulebook) -> Any:
        # Only a shipped edition is named: any other rulebook (a copy changed in a test, say) is written whole.
        if self.by_reference and shipped(book):
            return RulebookEdition(process_version=book.process_version, version=book.version, digest=book.digest)
        return book


class ExecutionStatus(str, Enum):
    """How a child workflow stands, as the server describes it (NOT_FOUND: its history is gone)."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    TERMINATED = "TERMINATED"
    CONTINUED_AS_NEW = "CONTINUED_AS_NEW"
    TIMED_OUT = "TIMED_OUT"
    NOT_FOUND = "NOT_FOUND"


class DescribeInput(Record):
    workflow_id: str
    # Asked by `PinningActivities.started_by`: the workflow that started it (a round's draft).
    parent_id: str | None = Field(default=None, exclude_if=lambda parent: parent is None)


class DeliveryInput(Record):
    """Activity input: send one subscriber the events it has not received yet."""

    subscriber_id: int
    batch: int = Field(default=200, ge=1, le=10_000)


class DeliveryResult(Record):
    delivered: int
    failed_drafts: int = Field(description="drafts whose next event was refused; their later events wait")
    pending: bool = Field(description="more events were waiting than the batch could take")


class WebhookInput(Record):
    """Input of the delivery workflow of one subscriber."""

    subscriber_id: int
    poll_seconds: float = Field(default=5.0, gt=0, le=3600)
    max_backoff_seconds: float = Field(default=300.0, gt=0)
