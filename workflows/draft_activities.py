"""The activities a draft's workflow calls, as it calls them: the rulebook pin (and a new draft's opening around it), the
audit trail's writes, a round's description; and its rounds' workflows, started as its children. Workflow code (deterministic); `DraftLawWorkflow` alone
calls these."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.audit import DEAD_LETTERED, AuditActivities
    from activities.rulebook import PinningActivities, load_pinned_rulebook
    from schemas.enums import ProcessVersion
    from schemas.messages import Message
    from schemas.records import (
        BATCH,
        DescribeInput,
        ExecutionStatus,
        LoadRulebookInput,
        PinInput,
        PinnedRules,
        RecordEventInput,
        RecordEventsInput,
        RegistryCutoffs,
        RegistryRow,
    )
    from schemas.refusal import RefusalKind, Refused
    from schemas.state import DraftLawInput
    from schemas.views import HistoryEntry
    from workflows import draft, rounds
    from workflows import draft_views as views
    from workflows.change import Applied, CancelRound, Effect, RemapRound, RescheduleRound, StartRound
    from workflows.codec import refusal, refused_start
    from workflows.consultation import REMAP_SIGNAL, WINDOW_MOVED_SIGNAL, ConsultationWorkflow

ACTIVITY_TIMEOUT = timedelta(seconds=30)
# A database outage must delay the audit trail, never lose it: retry without limit, backing off.
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
# An audit write the database refuses for its data fails without retry and is kept as a dead letter; the draft goes
# on with its later events. Before, such a write was retried for ever and held up everything behind it.
DEAD_LETTER_PATCH = "audit-dead-letters"


async def pin_rules(version: ProcessVersion, submission_id: str, generation: int) -> PinnedRules:
    """The rulebook of `version` (and, from generation 2, the calendars), fixed for the draft's whole life. Asked by
    reference, so that the history holds the edition's name, not its text; a result written by value (older histories,
    an older worker's activity) reads the same."""
    if generation >= 2:
        return await workflow.execute_activity_method(
            PinningActivities.pin_rules, PinInput(process_version=version, submission_id=submission_id, by_reference=True),
            start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY, summary=f"pin rulebook {version.value} and calendars",
        )
    book = await workflow.execute_activity(
        load_pinned_rulebook, LoadRulebookInput(process_version=version), start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY, summary=f"pin rulebook {version.value}",
    )
    return PinnedRules(rulebook=book)


async def opened(request: DraftLawInput, generation: int, publication: bool) -> Applied:
    """A new draft opened by the core (`draft.open_draft`) once its workflow ID is checked and its rulebook pinned and named
    in the memo, with its title where the start did not give it. Raises the start's refusal (`codec.refused_start`)."""
    expected_id = rounds.draft_workflow_id(request.submission_id)
    if workflow.info().workflow_id != expected_id:
        raise refused_start(Refused("workflow_id", "one_workflow_per_submission",
                                    f"must be {expected_id} for submission_id {request.submission_id}", RefusalKind.INVALID),
                            request.classified)
    pinned = await pin_rules(request.process_version, request.submission_id, generation)
    workflow.upsert_memo(views.rulebook_memo(pinned.rulebook))
    # `start_submission` gives the title in the start's memo; a draft started otherwise gets it here.
    named = views.title_memo(title=request.title, lead_ministry=request.lead_ministry, classified=request.classified)
    if named and workflow.memo_value("title", None) is None:
        workflow.upsert_memo(named)
    try:
        return draft.open_draft(request, pinned, workflow.now(), generation=generation, publication=publication)
    except Refused as refused:
        raise refused_start(refused, request.classified) from None


async def record(outbox: list[tuple[HistoryEntry, str | None]], registry: RegistryRow, cutoffs: RegistryCutoffs | None, generation: int) -> None:
    """Write a batch of the outbox, events with the update that recorded each, to the audit trail (one event at a time in
    generation 1). Returns when it is written, or when the database refused some of it for their data and kept them as
    dead letters (a warning is logged)."""
    batch = [entry for entry, _ in outbox]
    try:
        if generation >= 2:
            await workflow.execute_activity_method(
                AuditActivities.record_events, RecordEventsInput(entries=tuple(batch), registry=registry, cutoffs=cutoffs,
                                                                 update_ids=tuple(update for _, update in outbox)),
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
                summary=f"audit #{batch[0].seq}-{batch[-1].seq} {batch[-1].event.value} {batch[-1].stage.value}",
            )
        else:
            await workflow.execute_activity_method(
                AuditActivities.record_event, RecordEventInput(entry=batch[0], registry=registry, cutoffs=cutoffs),
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
                summary=f"audit #{batch[0].seq} {batch[0].event.value} {batch[0].stage.value}",
            )
    except ActivityError as failed:
        # Only a write refused for its data ends without retry; the activity kept the refused events as dead
        # letters (and logged and counted them), and wrote the others of the batch. A history from before the
        # patch never failed here, so it replays the same.
        if not (isinstance(failed.cause, ApplicationError) and failed.cause.type == DEAD_LETTERED and workflow.patched(DEAD_LETTER_PATCH)):
            raise
        workflow.logger.warning("audit events kept as dead letters", extra={"first_seq": batch[0].seq, "last_seq": batch[-1].seq})


def batch_size(generation: int) -> int:
    return BATCH if generation >= 2 else 1


async def tell_rounds(effects: list[Effect]) -> None:
    """Tell the open rounds what the core tells them, in order: their draft's lead ministry's new code (`RemapRound`),
    their window's new end (`RescheduleRound`), that they are cancelled (`CancelRound`: the draft has ended, or the lead
    ministry cancelled the round). A round that has ended needs it no more."""
    for effect in effects:
        if isinstance(effect, RemapRound):
            await _tell(effect.workflow_id, REMAP_SIGNAL, effect.remap, "remap")
        elif isinstance(effect, RescheduleRound):
            await _tell(effect.workflow_id, WINDOW_MOVED_SIGNAL, effect.window, "window's new end")
        elif isinstance(effect, CancelRound):
            try:
                await workflow.get_external_workflow_handle(effect.workflow_id).cancel()
            except ApplicationError as gone:
                workflow.logger.info("round not cancelled: it has ended", extra={"round_workflow_id": effect.workflow_id, "reason": str(gone)})


async def _tell(workflow_id: str, signal: str, told: Message, what: str) -> None:
    try:
        await workflow.get_external_workflow_handle(workflow_id).signal(signal, told)
    except ApplicationError as gone:
        workflow.logger.info(f"round not told of the {what}: it has ended", extra={"round_workflow_id": workflow_id, "reason": str(gone)})


async def describe(workflow_id: str, round_id: str) -> ExecutionStatus:
    """How a consultation round's workflow stands, seen from the server (when its report is overdue)."""
    return await workflow.execute_activity_method(
        PinningActivities.describe_workflow, DescribeInput(workflow_id=workflow_id), start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY, summary=f"check round {round_id}",
    )


async def start_round(start: StartRound, round_id: str, *, adopt: bool = False) -> None:
    """Start a consultation round's workflow as the draft's child. Raises the draft's refusal `round_not_started` (through
    `rounds.not_started`) when a workflow runs under its ID already; with `adopt` (twenty-eighth generation), takes that
    workflow as the round if it is a round this draft started (`PinningActivities.started_by`): the draft does not know
    it (it would refuse its ID), so a run of it before a reset to a point before its opening started it, and it runs on with
    what it took (`workflows.generations`)."""
    try:
        child = await workflow.start_child_workflow(
            ConsultationWorkflow.run, start.input, id=start.workflow_id,
            # The round outlives a run of its draft that continues as new; it reports by signal.
            parent_close_policy=ParentClosePolicy.ABANDON, static_summary=start.summary,
        )
        # Nothing awaits its end here: a round cancelled (by its lead ministry, or with its draft) is not an error unseen.
        child.add_done_callback(lambda ended: ended.cancelled() or ended.exception())
    except WorkflowAlreadyStartedError:
        if not adopt or not await workflow.execute_activity_method(
                PinningActivities.started_by, DescribeInput(workflow_id=start.workflow_id, parent_id=workflow.info().workflow_id),
                start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY, summary=f"round {round_id} running already"):
            raise refusal(rounds.not_started(round_id)) from None
        workflow.logger.warning("round running under its ID already, taken as the draft's (a run reset before its opening)",
                                extra={"round_id": round_id})
