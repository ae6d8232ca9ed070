"""The worker that runs DraftLawWorkflow and its activities."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from datetime import timedelta

import asyncpg
from temporalio.client import Client
from temporalio.worker import Interceptor, Worker

from activities.audit import AuditActivities
from activities.database import create_pool, migrate
from activities.rulebook import load_pinned_rulebook
from activities.webhooks import WebhookActivities
from workers.settings import Settings, temporal_client
from workflows.draft_law import DraftLawWorkflow
from workflows.webhook_delivery import WebhookDeliveryWorkflow


def create_worker(
    client: Client,
    pool: asyncpg.Pool,
    *,
    task_queue: str,
    interceptors: Sequence[Interceptor] = (),
    max_cached_workflows: int = Settings.model_fields["max_cached_workflows"].default,
) -> Worker:
    audit = AuditActivities(pool)
    webhooks = WebhookActivities(pool)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[DraftLawWorkflow, WebhookDeliveryWorkflow],
        activities=[load_pinned_rulebook, audit.record_event, webhooks.deliver_pending],
        interceptors=interceptors,
        # Drafts wait weeks between events: keeping every one in memory buys nothing, so the cache
        # is bounded and an evicted draft replays its history when its next event arrives.
        max_cached_workflows=max_cached_workflows,
        # Graceful stop: in-flight activities get this long to finish before they are handed back.
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def run_worker(settings: Settings) -> None:
    """A worker against a configured Temporal and PostgreSQL, until SIGINT or SIGTERM."""
    if not settings.database_url:
        raise ValueError("LEGIS_DATABASE_URL: required for `legis worker` (only `legis dev` embeds PostgreSQL)")
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    client = await temporal_client(settings)
    await migrate(settings.database_url)
    pool = await create_pool(settings.database_url)
    try:
        async with create_worker(client, pool, task_queue=settings.task_queue, max_cached_workflows=settings.max_cached_workflows):
            await stop.wait()
    finally:
        await pool.close()
