"""What a draft reads once when it starts (its rulebook and the calendars), and how it checks on its rounds.

Done as activities, so that what was read is pinned in the draft's history and replays the same.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources

import asyncpg
from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from activities import calendar
from schemas.calendar import WorkingCalendar
from schemas.enums import Outcome, RestDay, Stage
from schemas.messages import Decision, StartRequest
from schemas.records import DescribeInput, ExecutionStatus, LoadRulebookInput, PinInput, PinnedRules
from schemas.refusal import RefusalKind, Refused
from schemas.rulebook import Rulebook, load_rulebook
from schemas.state import NEWEST_GENERATION
from workflows import admissions, draft
from workflows.deadlines import off_rest_day


@cache
def shipped_working_calendar() -> WorkingCalendar:
    """The working days announced so far, as shipped with this release (`schemas/calendars/working_days.json`)."""
    text = resources.files("schemas.calendars").joinpath("working_days.json").read_text(encoding="utf-8")
    return WorkingCalendar.model_validate_json(text)


def asked_deadline_warning(new_deadline: date, *, extended_by: int | None = None) -> str | None:
    """A postponement asked to a rest day, said to whoever asked (the CLI and the API alike), not refused: an authority
    may approve a date it chooses, and a date approved as asked is kept as it is (DOMAIN.md, edge case 4). `extended_by`:
    the days `legis postpone --extend` added, whose caller typed no day (found by a new user: told the day was mistyped),
    told the days that reach the next working day instead."""
    calendar = shipped_working_calendar()
    if extended_by is None:
        return calendar.rest_day_warning("the deadline asked falls", new_deadline, "ask again with the right one (a date approved is kept as it is)")
    working = off_rest_day(new_deadline, RestDay.NEXT_WORKING_DAY, calendar)
    again = (f"ask --extend {extended_by + (working - new_deadline).days} for the next working day, {working.isoformat()}, unless this "
             "day is meant (a date approved is kept as it is)")
    return calendar.rest_day_warning(f"the deadline --extend {extended_by} gives falls", new_deadline, again, typed=False)


def default_return_warning(decision: Decision, to_stage: Stage) -> str | None:
    """A return for revision that names no stage to return to goes to the rulebook's first for its stage that the draft
    has passed: said to whoever decided (the CLI and the API alike), where it went (found by a ministry's trial: the
    Government's return sent a draft back to DRAFTING, and a new appraisal, without a word)."""
    if decision.outcome is not Outcome.RETURN_FOR_REVISION or decision.return_to is not None:
        return None
    return (f"return_to not given: the draft returns to {to_stage.value}, the rulebook's default for {decision.stage.value}; "
            "give return_to to send it to another stage the rulebook allows (legis rulebook show)")


@activity.defn
async def load_pinned_rulebook(request: LoadRulebookInput) -> Rulebook:
    """The first generation's pinning: the rulebook alone (drafts started before the draft core replay it)."""
    return load_rulebook(request.process_version)


async def pinned_rules(connection: asyncpg.Connection | asyncpg.Pool, request: PinInput) -> PinnedRules:
    """What a draft starting now pins: its process version's rulebook, the calendars as announced, what the audit trail
    holds of it already and whether the registry records it closed."""
    sessions = await calendar.sessions(connection, upcoming_only=True)
    meetings = await calendar.meetings(connection, upcoming_only=True)
    known = await connection.fetchrow("SELECT stage, last_seq FROM submissions WHERE submission_id = $1", request.submission_id)
    closed = known is not None and Stage(known["stage"]).is_terminal
    return PinnedRules(rulebook=load_rulebook(request.process_version), sessions=tuple(sessions), meetings=tuple(meetings),
                       working=shipped_working_calendar(), recorded=known["last_seq"] if known else 0,
                       closed_as=Stage(known["stage"]) if closed else None, by_reference=request.by_reference)


# By the registry's index on lower(submission_id), and the IDs starts claimed (migration idcasev19). The claim and its
# reading are two statements: the second sees a claim another start committed while the first waited on it.
_FOLDED = "SELECT submission_id FROM submissions WHERE lower(submission_id) = lower($1) AND submission_id <> $1 LIMIT 1"
_CLAIM = ("INSERT INTO submission_ids (folded, submission_id, lead_ministry, classified, law_kind) VALUES (lower($1), $1, $2, $3, $4) "
          "ON CONFLICT (folded) DO NOTHING")
_CLAIMED = "SELECT submission_id FROM submission_ids WHERE folded = lower($1)"
# Whether a starter of `lead_ministry` may be told the ID taken: its draft is not classified, or is that ministry's own.
_SHOWN = """SELECT EXISTS (SELECT 1 FROM submission_ids WHERE submission_id = $1 AND (NOT classified OR lead_ministry = $2))
             OR EXISTS (SELECT 1 FROM submissions WHERE submission_id = $1 AND (NOT classified OR lead_ministry = $2))"""


async def check_start(connection: asyncpg.Connection | asyncpg.Pool, request: StartRequest, now: datetime, *, withhold: bool = True) -> None:
    """What the first task of a new draft would refuse of a start request, asked (by the HTTP API and the CLI) before a
    submission Temporal does not know yet is started, so that a refused start starts nothing and leaves its submission ID
    free: the steps of a draft already under way checked against the rulebook's path and the calendars as announced, the
    session it aims at, a submission the registry records closed (its workflow gone past Temporal's retention): the
    draft core's `open_draft`; and the target session's day (`draft.check_target`), which only this check asks. Raises
    Refused as the draft would; unless told not to `withhold` (the caller is the lead ministry starting its own draft),
    naming a classified draft's field and rule only, as the draft does for a reader who may not read it. A calendar changed
    before the draft's first task runs may still make it refuse what passed here. Also refuses (CONFLICT,
    `submission_id_case`) a submission ID that differs only in letter case from one taken (two upstream systems writing
    BGDDT-2026-018 and bgddt-2026-018 mean one draft): one the registry holds, or one a start claimed; a start that
    passes claims its ID (`submission_ids`), so that of two starts close together the second is refused. A start holding
    an API token's secret is refused first (`not_a_secret`: its ID would be the workflow's, shown to every reader), and a
    step of a body that is one agency under another's code (`body_agency_code`), a step withdrawing a law passed
    (`before_passage`), and a step naming a document kind twice (`kind_once`, as a decision sent is refused: found by a breaker, the dossier kept one and dropped the other unseen)."""
    admissions.admits_no_secret(request)
    admissions.admits_body_code(request)
    admissions.admits_examining_committee(request)
    for number, step in enumerate(request.passed):
        try:
            admissions.admits_decision(None, step)
        except Refused as refused:
            raise refused.within(f"passed.{number}") from None
    taken = await connection.fetchval(_FOLDED, request.submission_id)
    if taken is None:
        pinned = await pinned_rules(connection, PinInput(process_version=request.process_version, submission_id=request.submission_id))
        try:
            draft.open_draft(request, pinned, now, generation=NEWEST_GENERATION)
            draft.check_target(request, pinned, now)
        except Refused as refused:
            raise refused.withheld() if request.classified and withhold else refused from None
        await connection.execute(_CLAIM, request.submission_id, request.lead_ministry, request.classified, request.law_kind.value)
        taken = await connection.fetchval(_CLAIMED, request.submission_id)
    if taken is not None and taken != request.submission_id:
        # Named only where the registry shows whose it is and the starter may see it: never another agency's classified draft.
        shown = await connection.fetchval(_SHOWN, taken, request.lead_ministry)
        said = f"submission ID {taken} is taken" if shown else "a submission ID is taken"
        raise Refused("submission_id", "submission_id_case", f"{said}, differing from {request.submission_id} only in letter case (IDs are "
                      f"compared without it); {f'use {taken} for that draft, or ' if shown else ''}choose another ID", RefusalKind.CONFLICT)


class PinningActivities:
    def __init__(self, pool: asyncpg.Pool, client: Client, *, by_reference: bool = True) -> None:
        """`by_reference`: whether a pin asked by reference is written so (`LEGIS_PIN_BY_REFERENCE`)."""
        self._pool = pool
        self._client = client
        self._by_reference = by_reference

    @activity.defn
    async def pin_rules(self, request: PinInput) -> PinnedRules:
        """The rulebook of the draft's process version (by reference when asked) and the calendars as announced now."""
        async with self._pool.acquire() as connection:
            pinned = await pinned_rules(connection, request)
        return pinned.model_copy(update={"by_reference": request.by_reference and self._by_reference})

    @activity.defn
    async def started_by(self, request: DescribeInput) -> bool:
        """Whether the workflow running under `workflow_id` is a consultation round that `parent_id`'s draft started (a run
        of it before a reset); a workflow of another kind, or another's, is not (found by a breaker: one squatting a
        round's ID)."""
        try:
            described = await self._client.get_workflow_handle(request.workflow_id).describe()
        except RPCError as missing:
            if missing.status is RPCStatusCode.NOT_FOUND:
                return False
            raise
        return (described.workflow_type == "ConsultationWorkflow" and described.parent_id == request.parent_id
                and described.status in (None, WorkflowExecutionStatus.RUNNING))

    @activity.defn
    async def describe_workflow(self, request: DescribeInput) -> ExecutionStatus:
        """How a child workflow stands now; NOT_FOUND when the server no longer knows it."""
        try:
            described = await self._client.get_workflow_handle(request.workflow_id).describe()
        except RPCError as missing:
            if missing.status is RPCStatusCode.NOT_FOUND:
                return ExecutionStatus.NOT_FOUND
            raise
        status = described.status or WorkflowExecutionStatus.RUNNING
        return ExecutionStatus(status.name)
