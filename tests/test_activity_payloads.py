"""An activity's payload that does not decode (a worker of another release wrote it, during a rolling upgrade) fails
the workflow task, which is retried, never the draft's workflow; a client's message is refused as before
(workflows.codec.RefusingPayloadConverter)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus
from temporalio.converter import ActivitySerializationContext, WorkflowSerializationContext
from temporalio.exceptions import ApplicationError, FailureError
from temporalio.worker import Worker

from activities.rulebook import shipped_working_calendar
from schemas.messages import Decision
from schemas.records import PinInput, PinnedRules
from schemas.rulebook import load_rulebook
from tests.drafts import start_request
from tests.polling import eventually
from workers.worker import sandbox_runner
from workflows import client as drafts
from workflows.codec import RefusingPayloadConverter, UnreadableActivityPayload
from workflows.draft_law import DraftLawWorkflow

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
