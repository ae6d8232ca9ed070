"""Why a subscriber's events wait, and since when, in `legis subscribers list` (found by a new user: a receiver answering
503, or a worker holding the deliveries, showed as events waiting, and why only in the worker's log)."""

from __future__ import annotations

from schemas.records import DeliveryInput
from store import subscribers
from tests.conftest import TEST_KEYS
from tests.test_webhooks import (
    ALLOWED,
    WebhookActivities,
    drafts,
    ministry,
    new_secret,
    receiver,
    recorded,
    start_request,
    subscribe,
    worker,
)

__all__ = ["receiver", "worker"]  # the fixtures, used by name


async def test_the_subscribers_list_says_why_events_wait_and_since_when(dev_env, pool, receiver, worker):
    """Found by a new user: a receiver answering 503 showed as events waiting, and why only in the worker's log."""
    hook, agency = receiver(503, 503), ministry()
    subscriber_id = await subscribe(pool, agency, hook.url(), new_secret())
    request = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, request, task_queue=worker)
    await recorded(pool, [request.submission_id], 1)
    activities = WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED)

    async def listed():
        return next(s for s in await subscribers.listed(pool) if s.subscriber_id == subscriber_id)

    await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))
    first = await listed()
    assert (first.waiting, first.failure) == (1, "HTTP 503") and first.failing_since is not None
    await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))
    assert (await listed()).failing_since == first.failing_since  # since the first round that failed
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    assert (await listed()).model_dump(include={"waiting", "failure", "failing_since"}) == {"waiting": 0, "failure": None, "failing_since": None}
