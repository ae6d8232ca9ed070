"""DraftLawWorkflow: one draft law on its statutory path; a shell around the pure draft core (`workflows.draft`).

For each message the shell asks the core (in the update's validator, so that a refused message never enters the history), applies it, and carries
out what the core returns: audit events written in order by an activity, the Web UI's search attributes and memo, consultation rounds started as
child workflows. It sleeps until the core's next alarm, and continues as new with the core's state when the server suggests it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from schemas import messages
    from schemas.calendar import SessionCalendar
    from schemas.consultation import ConsultationResult
    from schemas.refusal import RefusalKind, Refused
    from schemas.state import DraftLawInput, DraftState, SeenRequest
    from schemas.views import HistoryEntry, HistoryView, Receipt, StatusView, VersionsView
    from workflows import calendar_changes, draft, draft_activities, generations, idempotency, rounds, sittings
    from workflows import draft_views as views
    from workflows import search_attributes as sa
    from workflows.change import Applied, CheckRound, Log, Record, SetMemo, StartRound, UpdateVisibility, next_wake
    from workflows.codec import answered, refusal, refused_start, unreadable_carried
    from workflows.consultation import RESULT_SIGNAL
    from workflows.metrics import EventCounters
    from workflows.task_order import CATCHING_UP, TaskClock

TASK_QUEUE = "legis-submissions"
WORKFLOW_TYPE = "DraftLawWorkflow"
WORKFLOW_ID_PREFIX = "draft-law-"
ROUND_RESULT_PATCH = "round-result-checked"  # a round's result checked against the round first (earlier histories: unchecked)
RENEW_WHEN_SUGGESTED_PATCH = "continue-as-new-while-waiting"
RENEW_SIGNAL = "renew_run"
M = TypeVar("M")
MAX_OUTBOX = 50  # audit events waiting for the database, at most: past this, new messages are refused for now (`draft_busy`)
workflow_id_for = rounds.draft_workflow_id


# A start that does not decode (a plain `temporal workflow start`), or a model the workflow builds that does not validate, fails the
# workflow (in an update, the update) with its field and rule (RefusingPayloadConverter), instead of a task retrying for ever.
@workflow.defn(name=WORKFLOW_TYPE, failure_exception_types=[ValidationError])
class DraftLawWorkflow:
    @workflow.init
    def __init__(self, input: DraftLawInput) -> None:
        self._input = input
        # Another draft's state, carried by a raw start, is never this draft's, nor answered by its queries (found by breakers).
        self._foreign = input.carried is not None and (input.carried.submission_id != input.submission_id
                                                       or workflow.info().workflow_id != workflow_id_for(input.submission_id))
        self._state: DraftState | None = generations.of_carried(input.carried) if input.carried is not None and not self._foreign else None
        # Events not yet in the audit trail, each with the update that recorded it (a reset run may apply it again), in order.
        self._outbox: list[tuple[HistoryEntry, str | None]] = []
        # What the core asked for that needs waiting: rounds to start (by round ID) and rounds to check.
        self._starting: dict[str, StartRound] = {}
        self._checking: list[CheckRound] = []
        # Set when the server suggests a new run, or an operator asks one (`renew_run`): messages wait until the outbox is written and the run continues as new.
        self._draining = self._renewal_asked = False
        self._clock = TaskClock()  # which activations ran ahead of their task: validators refuse the next task's updates (task_order.py)
        # What a validator last let pass (request ID, message, state, time), which its handler need not ask again (not on replay).
        self._passed: tuple[object, ...] | None = None
        self._counters = EventCounters()
        if input.carried is None:
            self._generation, self._publication = generations.of_new_draft()

    @workflow.run
    async def run(self, input: DraftLawInput) -> StatusView:
        if input.unreadable_carried is not None:  # raised here, not in __init__, where the SDK's run coroutine would be left unawaited
            raise unreadable_carried(input.unreadable_carried)
        self._clock.start()
        if self._foreign:  # it wrote that draft's audit trail
            raise refused_start(Refused("carried", "carried_submission", f"a state carried is the state of submission {input.submission_id} "
                                        f"in workflow {workflow_id_for(input.submission_id)}, and this is another", RefusalKind.INVALID),
                                input.classified)
        if self._state is None:
            self._commit(await draft_activities.opened(input, self._generation, self._publication))
        else:  # a state carried into a run that took up a newer generation, counted again by its rules
            self._commit(calendar_changes.taken_up(input.carried, self._state, workflow.now()))
        while True:
            await self._flush()
            if self._ready.stage.is_terminal:
                break
            if workflow.info().is_continue_as_new_suggested() or self._draining or self._renewal_asked:
                # A fresh run takes the state, nothing lost or written twice; messages wait for it, none cut off (draft_busy).
                self._draining = True
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self._flush()
                if not self._ready.stage.is_terminal:
                    workflow.continue_as_new(
                        input.model_copy(update={"carried": self._ready, "passed": ()}),
                        memo=views.memo(self._ready),
                        search_attributes=workflow.info().typed_search_attributes,
                    )
                continue
            await self._wait_for_event_or_alarm()
        await draft_activities.tell_rounds(rounds.closing(self._ready))
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._flush()
        return self.status()

    # Updates: each asks the core in its validator, then applies -------------------------------------
    @workflow.update
    async def decide(self, decision: messages.Decision) -> Receipt:
        return await self._perform(draft.DECIDE, decision)

    @decide.validator
    def validate_decide(self, decision: messages.Decision) -> None:
        self._validate(draft.DECIDE, decision)

    @workflow.update
    async def file_dossier(self, filing: messages.DossierFiling) -> Receipt:
        return await self._perform(draft.FILE_DOSSIER, filing)

    @file_dossier.validator
    def validate_file_dossier(self, filing: messages.DossierFiling) -> None:
        self._validate(draft.FILE_DOSSIER, filing)

    @workflow.update
    async def request_postponement(self, request: messages.PostponementRequest) -> Receipt:
        return await self._perform(draft.REQUEST_POSTPONEMENT, request)

    @request_postponement.validator
    def validate_request_postponement(self, request: messages.PostponementRequest) -> None:
        self._validate(draft.REQUEST_POSTPONEMENT, request)

    @workflow.update
    async def decide_postponement(self, decision: messages.PostponementDecision) -> Receipt:
        return await self._perform(draft.DECIDE_POSTPONEMENT, decision)

    @decide_postponement.validator
    def validate_decide_postponement(self, decision: messages.PostponementDecision) -> None:
        self._validate(draft.DECIDE_POSTPONEMENT, decision)

    @workflow.update
    async def calendar_changed(self, calendar: SessionCalendar) -> Receipt:
        return await self._perform(draft.CALENDAR_CHANGED, calendar)

    @calendar_changed.validator
    def validate_calendar_changed(self, calendar: SessionCalendar) -> None:
        self._validate(draft.CALENDAR_CHANGED, calendar)

    @workflow.update
    async def raise_disagreement(self, point: messages.Disagreement) -> Receipt:
        return await self._perform(draft.RAISE_DISAGREEMENT, point)

    @raise_disagreement.validator
    def validate_raise_disagreement(self, point: messages.Disagreement) -> None:
        self._validate(draft.RAISE_DISAGREEMENT, point)

    @workflow.update
    async def rule_on_disagreement(self, ruling: messages.Ruling) -> Receipt:
        return await self._perform(draft.RULE_ON_DISAGREEMENT, ruling)

    @rule_on_disagreement.validator
    def validate_rule_on_disagreement(self, ruling: messages.Ruling) -> None:
        self._validate(draft.RULE_ON_DISAGREEMENT, ruling)

    @workflow.update
    async def remap_agency(self, remap: messages.AgencyRemap) -> Receipt:
        return await self._perform(draft.REMAP_AGENCY, remap)

    @remap_agency.validator
    def validate_remap_agency(self, remap: messages.AgencyRemap) -> None:
        self._validate(draft.REMAP_AGENCY, remap)

    @workflow.update
    async def change_programme(self, change: messages.ProgrammeChange) -> Receipt:
        return await self._perform(draft.CHANGE_PROGRAMME, change)

    @change_programme.validator
    def validate_change_programme(self, change: messages.ProgrammeChange) -> None:
        self._validate(draft.CHANGE_PROGRAMME, change)

    @workflow.update
    async def open_consultation(self, request: messages.ConsultationRequest) -> Receipt:
        receipt = await self._perform(draft.OPEN_CONSULTATION, request, rooms=True, told=False)
        # Sent again by another call at once, or delivered again to a new run (found by breakers): answered as that call is.
        if receipt.duplicate:
            await workflow.wait_condition(lambda: request.round_id not in self._starting)
            return self._as_first_told(answered(lambda: rounds.opened_once(idempotency.remembered(self._ready, self._request_id()), request.round_id)))
        start = self._starting[request.round_id]
        try:
            await draft_activities.start_round(start, request.round_id, adopt=self._ready.generation >= 28)
        finally:
            del self._starting[request.round_id]
        receipt = await self._told(rounds.round_started(self._ready, start, workflow.now(), self._request_id()))
        if self._ready.stage.is_terminal and self._ready.generation >= 18:  # ended while the round started: cancelled with it
            await workflow.get_external_workflow_handle(start.workflow_id).cancel()
        return receipt

    @open_consultation.validator
    def validate_open_consultation(self, request: messages.ConsultationRequest) -> None:
        self._validate(draft.OPEN_CONSULTATION, request)

    @workflow.update
    async def cancel_consultation(self, cancellation: messages.RoundCancellation) -> Receipt:
        if self._state is not None and self._state.generation >= 29:  # a round still starting is cancelled once it has started
            await workflow.wait_condition(lambda: cancellation.round_id not in self._starting)
        return await self._perform(draft.CANCEL_CONSULTATION, cancellation)

    @cancel_consultation.validator
    def validate_cancel_consultation(self, cancellation: messages.RoundCancellation) -> None:
        self._validate(draft.CANCEL_CONSULTATION, cancellation, starting=cancellation.round_id in self._starting)

    @workflow.signal(name=RESULT_SIGNAL)
    async def consultation_finished(self, result: ConsultationResult) -> None:
        # Taken once the rulebook is pinned: a worker that ran the draft ahead of its task had the state, its replay not yet (a trial).
        if self._state is None:
            await workflow.wait_condition(lambda: self._state is not None)
        self._commit(rounds.round_finished(self._ready, result, workflow.now(), checked=workflow.patched(ROUND_RESULT_PATCH)))

    @workflow.signal(name=RENEW_SIGNAL)
    def renew_run(self, renewal: messages.RunRenewal) -> None:  # an upgraded draft's run takes up this release's rules, with its state
        # Drained once the updates of its task are taken: Temporal reapplies to a reset run, in one task, the updates after
        # the renewal with it, which no caller sends again (found by a breaker of a draft's long life).
        asked, later = self._state is not None and not self._state.stage.is_terminal, workflow.patched(generations.RENEW_AFTER_ITS_TASK_PATCH)
        self._renewal_asked, self._draining = self._renewal_asked or asked and later, self._draining or asked and not later

    # Queries ---------------------------------------------------------------------------------------
    @workflow.query
    def status(self) -> StatusView:
        return views.status(self._ready, workflow.info().workflow_id, workflow.now())

    @workflow.query
    def versions(self) -> VersionsView:
        return views.versions(self._ready)

    @workflow.query
    def history(self) -> HistoryView:
        return views.history(self._ready)

    @workflow.query
    def request(self, request_id: str) -> SeenRequest | None:  # what `client.send` asks first: a retry then sends no update
        return idempotency.remembered(self._ready, request_id)

    # The shell's own work --------------------------------------------------------------------------
    @property
    def _ready(self) -> DraftState:
        if self._state is None:
            # BUSY, as the draft's updates refuse it meanwhile (`admissions`); a query's failure carries its text only.
            raise refusal(Refused("submission_id", "draft_not_ready", "the draft has not pinned its rulebook yet; retry shortly", RefusalKind.BUSY))
        return self._state

    def _request_id(self) -> str | None:
        return idempotency.request_id_of(info.id) if (info := workflow.current_update_info()) else None

    def _validate(self, op: draft.Operation[M], message: M, *, starting: bool = False) -> None:
        # Called first and always: the clock records this activation.
        if self._clock.behind():
            raise refusal(Refused("submission_id", CATCHING_UP, "the draft is catching up with its history; send the same message again",
                                  RefusalKind.BUSY))
        if self._draining or len(self._outbox) >= MAX_OUTBOX:
            # Not PostgreSQL alone: a write whose worker stopped waits for its timeout before another worker takes it (a breaker).
            busy = ("the draft is starting a new run; send the same message again in a moment" if self._draining else f"the draft's audit trail has "
                    f"{len(self._outbox)} events not yet written: PostgreSQL is slow or down, or the write waits for a worker (the one writing it stopped; "
                    f"Temporal gives it to another once its {draft_activities.ACTIVITY_TIMEOUT.seconds} s timeout passes); send it again once they are")
            raise refusal(Refused("submission_id", "draft_busy", f"{busy}; nothing was applied", RefusalKind.BUSY))
        try:
            if self._state is None:  # until the rulebook is pinned, only the message's shape: the handler checks again
                draft.rules.require(message, op.message)
                draft.admit(op, None, message, self._request_id())  # which the handler does not ask again (new input only)
            else:
                draft.validate(op, self._state, message, workflow.now(), self._request_id())
        except Refused as refused:
            # 29th generation: a round still starting is cancelled once started (a breaker: a reset run refused it, the round ran on).
            if not (starting and refused.rule == "round_awaiting_compilation" and self._ready.generation >= 29):
                raise refusal(refused, classified=self._input.classified) from None
        if self._state is not None:
            self._passed = (self._request_id(), message, self._state, workflow.now())

    async def _perform(self, op: draft.Operation[M], message: M, *, rooms: bool = False, told: bool = True) -> Receipt:
        if self._state is None or self._state.generation < 28:  # from the 28th, applied before the next update's validator asks
            await workflow.wait_condition(lambda: self._state is not None)
        if rooms and idempotency.remembered(self._ready, self._request_id()) is None:  # counted with no await before its commit
            answered(lambda: rounds.check_room(self._ready, len(self._starting)), classified=self._input.classified)
        passed, self._passed = self._passed, None
        # Compared item by item, the request ID first; a message and a state are most often the very same objects.
        checked = passed == (self._request_id(), message, self._state, workflow.now())
        update_id = info.id if (info := workflow.current_update_info()) else None
        performed = lambda: draft.receive(op, self._ready, message, workflow.now(), self._request_id(), checked=checked,  # noqa: E731
                                          update_id=update_id)
        receipt = await self._told(answered(performed, classified=self._input.classified))
        return self._as_first_told(receipt) if told else receipt

    def _as_first_told(self, receipt: Receipt) -> Receipt:
        if receipt.duplicate and (info := workflow.current_update_info()) and idempotency.delivered_again(self._ready, self._request_id(), info.id):
            return receipt.model_copy(update={"duplicate": False})
        return receipt

    async def _told(self, applied: Applied) -> Receipt:  # committed, the rounds told what the core tells them (a new lead, a new end)
        await draft_activities.tell_rounds(self._commit(applied).effects)
        return applied.receipt

    def _commit(self, applied: Applied) -> Applied:  # the core's new state taken, its effects that need no waiting carried out in order
        self._state, update = applied.state, info.id if (info := workflow.current_update_info()) else None
        for effect in applied.effects:
            if isinstance(effect, Record):
                self._outbox.append((effect.entry, update))
                self._counters.count(effect.entry)
            elif isinstance(effect, UpdateVisibility):
                updates = sa.describing(**views.visibility(applied.state))
                workflow.upsert_search_attributes(sa.changes(updates, workflow.info().typed_search_attributes))
            elif isinstance(effect, SetMemo):
                workflow.upsert_memo(effect.fields)
            elif isinstance(effect, StartRound):
                self._starting[effect.input.request.round_id] = effect
            elif isinstance(effect, CheckRound):
                self._checking.append(effect)
            elif isinstance(effect, Log):
                (workflow.logger.warning if effect.warning else workflow.logger.info)(effect.message, extra=effect.fields)
        workflow.set_current_details(views.details(applied.state))
        return applied

    async def _wait_for_event_or_alarm(self) -> None:
        wake = next_wake(self._ready)
        timeout = wake.at - workflow.now() if wake is not None else None
        if timeout is not None and timeout <= timedelta(0):
            await self._tick()
            return
        # Messages recording nothing grow a run too. Asked only when suggested, the patch reaches runs under way where that happens live.
        try:
            await workflow.wait_condition(lambda: bool(self._outbox) or self._ready.stage.is_terminal or self._draining or self._renewal_asked or (
                workflow.info().is_continue_as_new_suggested() and workflow.patched(RENEW_WHEN_SUGGESTED_PATCH)),
                timeout=timeout, timeout_summary=views.alarm_summary(self._ready, wake) if wake is not None else None)
        except TimeoutError:
            await self._tick()

    async def _tick(self) -> None:
        await draft_activities.tell_rounds(self._commit(draft.tick(self._ready, workflow.now())).effects)
        checks, self._checking = self._checking, []
        for check in checks:
            described = await draft_activities.describe(check.workflow_id, check.round_id)
            self._commit(rounds.round_checked(self._ready, check.round_id, described, workflow.now()))

    async def _flush(self) -> None:
        while self._outbox:
            batch = self._outbox[:draft_activities.batch_size(self._ready.generation)]
            # Activity inputs are not compared on replay: a history written before the cut-offs were recorded replays.
            await draft_activities.record(batch, views.registry_row(self._ready, workflow.info().workflow_id), sittings.registry_cutoffs(self._ready),
                                          self._ready.generation)
            del self._outbox[: len(batch)]
            # Messages arriving one after another would keep the outbox from ever emptying: the run stops taking them.
            self._draining = self._draining or workflow.info().is_continue_as_new_suggested()
