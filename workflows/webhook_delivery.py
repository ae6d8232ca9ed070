"""WebhookDeliveryWorkflow: one per subscriber, sending it the events recorded in PostgreSQL, with backoff."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.webhooks import WebhookActivities
    from schemas.records import DeliveryInput, WebhookInput

WORKFLOW_TYPE = "WebhookDeliveryWorkflow"
# Rounds before continuing as new, so that a subscriber's history stays short however long it lives.
ROUNDS_PER_RUN = 500
# A delivery heartbeats while it runs (`activities.webhooks`): a worker that dies mid-delivery holds its subscriber's
# events this long, not the whole start-to-close (found by an outages breaker: 5 minutes).
HEARTBEAT_PATCH = "webhook-delivery-heartbeat"
HEARTBEAT_TIMEOUT = timedelta(seconds=20)
# A round in which the receiver took events backs off no further: it refused one draft's, not all (found by a re-check:
# every other draft's events waited up to five minutes behind one draft the receiver failed).
TAKEN_PATCH = "webhook-backoff-only-when-nothing-taken"


def workflow_id_for(subscriber_id: int) -> str:
    return f"webhook-delivery-{subscriber_id}"


@workflow.defn(name=WORKFLOW_TYPE)
class WebhookDeliveryWorkflow:
    @workflow.run
    async def run(self, request: WebhookInput) -> None:
        wait = request.poll_seconds
        for _ in range(ROUNDS_PER_RUN):
            result = await workflow.execute_activity_method(
                WebhookActivities.deliver_pending,
                DeliveryInput(subscriber_id=request.subscriber_id),
                start_to_close_timeout=timedelta(minutes=5),
                heartbeat_timeout=HEARTBEAT_TIMEOUT if workflow.patched(HEARTBEAT_PATCH) else None,
                summary=f"deliver to subscriber {request.subscriber_id}",
            )
            backing_off = bool(result.failed_drafts) and not (result.delivered and workflow.patched(TAKEN_PATCH))
            if backing_off:
                # The receiver refused: back off, doubling up to the ceiling, and try the same events again.
                wait = min(max(wait, request.poll_seconds) * 2, request.max_backoff_seconds)
            else:
                wait = request.poll_seconds
                if result.pending:
                    continue
            await workflow.sleep(timedelta(seconds=wait), summary="back off" if backing_off else "poll")
        workflow.continue_as_new(request)
