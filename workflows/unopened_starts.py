"""A draft started with a payload key no worker holds: its start input sealed so, its first workflow task fails on every
attempt (`KeyRingError`), the draft never runs, and its submission ID, which names one draft for ever, is lost with it
(found by a re-check of a key rotation: an API and a CLI given another key than the workers'). The API and `legis start`
look at a new draft's first task for a moment; one that failed so is deleted, as never made, and the start is refused."""

from __future__ import annotations

import asyncio

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client

# How long a new draft's first workflow task is looked for: a worker that polls takes it within milliseconds; with none
# polling nothing can be told, and the start stands.
LOOK_SECONDS = 1.0
_EVERY_SECONDS = 0.1
# The failure a payload sealed with a key the worker lacks (or holds otherwise) fails a task with (`workflows.codec`): its
# type stays in clear where the codec seals its message.
KEY_FAILURE = "KeyRingError"


async def removed_if_unopened(client: Client, workflow_id: str, *, seconds: float = LOOK_SECONDS) -> bool:
    """Whether the draft just started under `workflow_id` was deleted because its worker could not open its start (its first
    workflow task failed with `KeyRingError`); False once that task completed or failed otherwise, or when no worker took
    it within `seconds`. Its history holds nothing of the draft's then: no activity ran, no audit row was written."""
    handle = client.get_workflow_handle(workflow_id)
    for _ in range(max(1, round(seconds / _EVERY_SECONDS))):
        async for event in handle.fetch_history_events():
            if event.HasField("workflow_task_completed_event_attributes"):
                return False
            if event.HasField("workflow_task_failed_event_attributes"):
                if event.workflow_task_failed_event_attributes.failure.application_failure_info.type != KEY_FAILURE:
                    return False
                await client.workflow_service.delete_workflow_execution(DeleteWorkflowExecutionRequest(
                    namespace=client.namespace, workflow_execution=WorkflowExecution(workflow_id=workflow_id)))
                return True
        await asyncio.sleep(_EVERY_SECONDS)
    return False
