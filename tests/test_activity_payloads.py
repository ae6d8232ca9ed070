"""An activity's payload, or a run's carried state, that does not decode (a worker of another release wrote it, during
a rolling upgrade) fails the workflow task, which is retried, never the draft's workflow; a client's message, and a
start by a client with the same input, are refused as before (workflows.codec.RefusingPayloadConverter)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from temporalio import activity
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError, WorkflowQueryFailedError
from temporalio.converter import ActivitySerializationContext, WorkflowSerializationContext
from temporalio.exceptions import ApplicationError, FailureError
from temporalio.service import RPCError
from temporalio.worker import Worker

from activities.rulebook import shipped_working_calendar
from schemas.enums import Stage
from schemas.messages import Decision
from schemas.records import PinInput, PinnedRules
from schemas.rulebook import load_rulebook
from schemas.state import RECENT_EVENTS, DraftLawInput
from tests.drafts import core_state, start_request
from tests.polling import eventually
from tests.scenarios import approve
from workers.worker import create_worker, sandbox_runner
from workflows import client as drafts
from workflows.codec import RefusingPayloadConverter, UnreadableActivityPayload
from workflows.draft_law import DraftLawWorkflow
from workflows.stage_graph import stage_path

ACTIVITY = ActivitySerializationContext(namespace="default", workflow_id="draft-law-X", workflow_type="DraftLawWorkflow",
                                        activity_type="pin_rules", activity_id="1", activity_task_queue="q", is_local=False)


def test_an_activity_payload_that_does_not_decode_is_not_a_refusal():
    converter = RefusingPayloadConverter()
    [payload] = converter.to_payloads([{"stage": "NOWHERE"}])
    with pytest.raises(UnreadableActivityPayload, match=r"does not decode: .*stage.*\(rule: ") as raised:
        converter.with_context(ACTIVITY).from_payloads([payload], [Decision])
    assert not isinstance(raised.value, FailureError) and "NOWHERE" not in str(raised.value)
    # A client's message, or a workflow's input, is refused as the drafts refuse a message.
    for refusing in (converter, converter.with_context(WorkflowSerializationContext(namespace="default", workflow_id="w"))):
        with pytest.raises(ApplicationError, match=r"\(rule: "):
            refusing.from_payloads([payload], [Decision])


def test_the_activity_converter_reads_what_decodes_and_refuses_again_in_a_workflows_context():
    converter = RefusingPayloadConverter()
    for_activity = converter.with_context(ACTIVITY)
    assert for_activity.with_context(ACTIVITY) is for_activity
    [payload] = converter.to_payloads([PinInput(process_version="LAW_2025", submission_id="S-1")])
    assert for_activity.from_payloads([payload], [PinInput]) == converter.from_payloads([payload], [PinInput])
    [unreadable] = converter.to_payloads([{"stage": "NOWHERE"}])
    with pytest.raises(ApplicationError, match=r"\(rule: "):
        for_activity.with_context(WorkflowSerializationContext(namespace="default", workflow_id="w")).from_payloads([unreadable], [Decision])


@activity.defn(name="pin_rules")
async def later_release_pin(request: PinInput) -> dict[str, Any]:
    # A pin as a later release might write it: this release's, with a field this release does not know.
    pin = PinnedRules(rulebook=load_rulebook(request.process_version), working=shipped_working_calendar(), by_reference=True)
    return {**pin.model_dump(mode="json"), "holidays_moved": []}


async def test_an_unreadable_activity_result_fails_the_task_and_the_draft_waits(dev_env):
    client, queue, request = dev_env.client, f"tq-{uuid.uuid4().hex[:8]}", start_request()
    handle = drafts.draft(client, request.submission_id)

    async def task_failures() -> list:
        return [e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]

    async with Worker(client, task_queue=queue, workflows=[DraftLawWorkflow], activities=[later_release_pin],
                      workflow_runner=sandbox_runner()):
        await drafts.start_submission(client, request, task_queue=queue)
        [failed, *_] = await eventually(task_failures, bool)
    try:
        cause = await client.data_converter.decode_failure(failed.workflow_task_failed_event_attributes.failure)
        assert "does not decode: holidays_moved: Extra inputs are not permitted (rule: extra_forbidden)" in f"{cause} {cause.__cause__}"
        assert (await handle.describe()).status is WorkflowExecutionStatus.RUNNING
    finally:
        await handle.terminate("test over")


def test_a_carried_state_that_does_not_validate_is_read_as_none_with_its_field_and_rule():
    started = DraftLawInput(**start_request().model_dump()).model_dump(mode="json")
    read = DraftLawInput.model_validate_json(json.dumps(started | {"carried": {"secret_field": "SECRET VALUE"}}))
    assert read.carried is None and read.unreadable_carried is not None
    assert (read.unreadable_carried.field, read.unreadable_carried.rule) == ("carried.generation", "missing")
    assert "SECRET VALUE" not in str(read.unreadable_carried) and "carried.secret_field (extra_forbidden)" in str(read.unreadable_carried)
    assert DraftLawInput.model_validate_json(json.dumps(started)).unreadable_carried is None
    # A start request's own fields are refused as before, whatever its carried state.
    with pytest.raises(ValidationError, match="submission_id"):
        DraftLawInput.model_validate_json(json.dumps(started | {"submission_id": None, "carried": {"secret_field": 1}}))


class LaterRelease(RefusingPayloadConverter):
    """Writes a draft's carried state as a later release might: with a field this release does not know."""

    def to_payloads(self, values: Sequence[Any]) -> list[Payload]:
        payloads = super().to_payloads(values)
        for value, payload in zip(values, payloads, strict=True):
            if isinstance(value, DraftLawInput) and value.carried is not None:
                written = json.loads(payload.data)
                self.write(written["carried"])
                payload.data = json.dumps(written).encode()
        return payloads

    def write(self, carried: dict) -> None:
        carried["holidays_moved"] = []


class LaterBounds(LaterRelease):
    """Writes a carried state over one of this release's bounds, as a later release raising it might (found by a breaker:
    the converter's walk of the whole input refused the new run, which failed the draft's workflow for good)."""

    def write(self, carried: dict) -> None:
        carried["recent"] = [carried["recent"][-1]] * (RECENT_EVENTS + 1)


@pytest.mark.parametrize(("release", "said"), [
    (LaterRelease, "carried.holidays_moved: Extra inputs are not permitted (rule: extra_forbidden)"),
    (LaterBounds, f"carried.recent: List should have at most {RECENT_EVENTS} items, not {RECENT_EVENTS + 1} (rule: too_long)"),
])
async def test_an_unreadable_carried_state_fails_the_new_runs_task_and_the_draft_waits(short_history_env, pool, release, said):
    client, queue, request = short_history_env.client, f"tq-{uuid.uuid4().hex[:8]}", start_request()
    later = Client(client.service_client, namespace=client.namespace,
                   data_converter=dataclasses.replace(client.data_converter, payload_converter_class=release))
    handle = drafts.draft(client, request.submission_id)
    async with create_worker(later, pool, task_queue=queue):
        with short_history_env.with_time_skipping_disabled():
            first = (await drafts.start_submission(client, request, task_queue=queue)).run_id
            # The server suggests a new run after 40 events: a few decisions take the draft there.
            for stage in stage_path(load_rulebook(request.process_version), request.session_procedure)[:8]:
                try:
                    await asyncio.wait_for(approve(client, request, [stage]), 30)
                except RPCError as refused:
                    # Sent as the run continued as new, or to the new run: one that cannot start takes no update.
                    assert "aborted" in refused.message or "Workflow Task in failed state" in refused.message
                if (await handle.describe()).run_id != first:
                    break
            continued = client.get_workflow_handle(handle.id, run_id=(await handle.describe()).run_id)
            assert continued.run_id != first

            async def task_failures() -> list:
                return [e async for e in continued.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]

            [failed, *_] = await eventually(task_failures, bool)
    try:
        cause = await client.data_converter.decode_failure(failed.workflow_task_failed_event_attributes.failure)
        assert f"the state this run was continued with does not decode: {said}" in f"{cause} {cause.__cause__}"
        assert (await continued.describe()).status is WorkflowExecutionStatus.RUNNING
    finally:
        await handle.terminate("test over")


async def test_a_client_starting_a_draft_with_an_unreadable_carried_state_is_refused(dev_env):
    client, queue, request = dev_env.client, f"tq-{uuid.uuid4().hex[:8]}", start_request()
    started = DraftLawInput(**request.model_dump()).model_dump(mode="json") | {"carried": {"holidays_moved": []}}
    async with Worker(client, task_queue=queue, workflows=[DraftLawWorkflow], workflow_runner=sandbox_runner()):
        handle = await client.start_workflow("DraftLawWorkflow", started, id=drafts.workflow_id_for(request.submission_id), task_queue=queue)
        with pytest.raises(WorkflowFailureError) as refused:
            await handle.result()
    assert "(rule: " in str(refused.value.cause) and refused.value.cause.type == "Refused"


async def test_a_raw_start_carrying_another_drafts_state_is_refused_and_writes_nothing_in_its_name(dev_env, pool):
    """Found by breakers: a raw start under submission B carrying draft A's state ran as A, and a decision sent to B was
    written in A's audit trail; refused, its queries still answered A's status, a classified draft's title included.
    Refused (`carried_submission`); A's trail holds nothing of it, and B's queries answer nothing of A."""
    client, queue = dev_env.client, f"tq-{uuid.uuid4().hex[:8]}"
    victim, forger = start_request(classified=True), start_request()
    started = DraftLawInput(**forger.model_dump(), carried=core_state(victim, at=Stage.APPRAISAL, now=datetime.now(UTC)))
    async with create_worker(client, pool, task_queue=queue):
        handle = await client.start_workflow("DraftLawWorkflow", started, id=drafts.workflow_id_for(forger.submission_id), task_queue=queue)
        with pytest.raises(WorkflowFailureError) as refused:
            await handle.result()
    cause = refused.value.cause
    assert cause.type == "Refused" and cause.details[0] == {"field": "carried", "rule": "carried_submission", "kind": "INVALID"}, cause
    assert victim.submission_id not in cause.message
    async with create_worker(client, pool, task_queue=queue):  # a query of a closed workflow replays it
        with pytest.raises(WorkflowQueryFailedError) as unanswered:
            await handle.query("status")
    assert victim.title not in str(unanswered.value) and "draft_not_ready" in str(unanswered.value), unanswered.value
    assert await pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = ANY($1::text[])",
                               [victim.submission_id, forger.submission_id]) == 0
