"""A draft whose audit trail has `MAX_OUTBOX` events waiting refuses new messages `draft_busy`, and says why they may
wait: PostgreSQL slow or down, or the write waiting for a worker (found by a breaker: after `kill -9` of the worker
holding a draft's audit write, messages were refused for about 30 s as "PostgreSQL slow or down" while PostgreSQL
answered; the server gives the write to another worker once its timeout passes)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from schemas.enums import Stage
from schemas.views import Receipt
from tests.drafts import decision, draft_text, start_request
from workers.worker import create_worker
from workflows import client as drafts
from workflows import draft as core
from workflows.draft_law import MAX_OUTBOX


class HeldWrites(Interceptor):
    """Holds every audit write until `released`, as a worker that took the write and stopped answering would."""

    def __init__(self) -> None:
        self.released = asyncio.Event()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        outer = self

        class Inbound(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput) -> Any:
                if activity.info().activity_type == "record_events":
                    await outer.released.wait()
                return await super().execute_activity(input)

        return Inbound(next)


@pytest.mark.timeout(180)
async def test_a_draft_busy_with_its_audit_trail_says_the_write_may_wait_for_a_worker(dev_env, pool):
    held, queue = HeldWrites(), f"held-{uuid.uuid4().hex[:8]}"
    client, request = dev_env.client, start_request(prefix="HELD")
    async with create_worker(client, pool, task_queue=queue, interceptors=[held]):
        try:
            await drafts.start_submission(client, request, task_queue=queue)
            for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME):
                await drafts.decide(client, request.submission_id, decision(request, stage))
            handle, refused = drafts.draft(client, request.submission_id), None
            for number in range(MAX_OUTBOX + 5):
                filing = draft_text(request)
                filing = filing.model_copy(update={"documents": (filing.documents[0].model_copy(update={"sha256": f"{number:064x}"}),)})
                try:
                    await handle.execute_update(core.FILE_DOSSIER.name, filing, id=str(uuid.uuid4()), result_type=Receipt)
                except WorkflowUpdateFailedError as failed:
                    refused = drafts.refused_by_the_draft(failed)
                    break
        finally:
            held.released.set()
    assert refused is not None and refused.rule == "draft_busy", f"never refused after {MAX_OUTBOX + 5} filings: {refused}"
    said = refused.message
    assert f"{MAX_OUTBOX} events not yet written" in said and "PostgreSQL is slow or down" in said, said
    assert "waits for a worker" in said and "nothing was applied" in said, said
