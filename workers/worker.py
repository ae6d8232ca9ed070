"""The worker that runs DraftLawWorkflow and its activities."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib.util
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import asyncpg
import structlog
from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.worker import Interceptor, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.audit import AuditActivities
from activities.database import close_pool, create_pool, give_up, migrate
from activities.destinations import AllowedHosts
from activities.public import PublicActivities
from activities.round_comments import RoundCommentActivities
from activities.rulebook import PinningActivities, load_pinned_rulebook
from activities.webhooks import WebhookActivities
from workers import heap
from workers.database_down import DatabaseDown
from workers.ended_drafts import watch_ended
from workers.health import serving, worker_health_app
from workers.log_config import drop_signals_quietly
from workers.log_context import ActivityLogContext
from workers.one_message import OneMessageEach
from workers.overdue_gauge import publish_overdue
from workers.settings import WORKER_SERVICE, Settings, metrics_runtime, temporal_client
from workers.tracing import start_tracing
from workflows.codec import KeyRing, keys_of
from workflows.consultation import ConsultationWorkflow
from workflows.draft_law import DraftLawWorkflow
from workflows.shared_decoding import PASSED_THROUGH
from workflows.webhook_delivery import WebhookDeliveryWorkflow

log = structlog.get_logger(__name__)
WORKFLOWS = (DraftLawWorkflow, ConsultationWorkflow, WebhookDeliveryWorkflow)
# Graceful stop: in-flight activities get this long to finish before they are handed back.
ACTIVITIES_GRACE = timedelta(seconds=10)
# How long a stop waits for the worker, the activities' grace included: a Temporal server that answers nothing, or one
# that leaves a poll open through the worker's shutdown (a race of the server's matching, temporalio/temporal#11841),
# would otherwise hold the process until that poll's minute ends.
STOP_SECONDS = ACTIVITIES_GRACE.total_seconds() + 10
# How long a stop waits for the work beside the worker (the overdue gauge, the watch for ended drafts) to end.
OPERATIONS_END_SECONDS = 2.0


# The sandbox reloads a workflow's own module for every run, so that module-level state cannot leak between runs:
# about 185 KB per cached draft for legis's shell. The project's modules hold no mutable module-level state (the
# draft's whole state is one model, held by the instance), and the draft core, which is all of the logic, was passed
# through already; so they are passed through too (`PASSED_THROUGH`), and the sandbox keeps its restrictions on what
# is imported inside it.
# Its restriction of builtins (`open`, `input`, `breakpoint`), which reaches passed-through code as well, is left out:
# to enforce it, the sandbox replaces `builtins.isinstance` and `issubclass` for the whole process while any
# activation runs, a Python-level wrapper around every call in every thread (the activities' and the client's too),
# which cost a draft's lifecycle about 15 ms of the worker's CPU (a bare workflow's 14 ms: BENCHMARKS.md). The
# project's workflow code is checked for those calls, for clocks, randomness and the environment, and for imports at
# run time, by tests/test_workflow_determinism.py; its committed histories replay in this sandbox in CI.
def sandbox_runner(*passed_through: str) -> SandboxedWorkflowRunner:
    """The workers' sandbox: Temporal's default restrictions with the project's modules (and `passed_through`) passed
    through, and builtins left alone."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH, *passed_through)
    return SandboxedWorkflowRunner(restrictions=dataclasses.replace(
        restrictions, invalid_module_members=restrictions.invalid_module_members.with_child_unrestricted("__builtins__")))


def create_worker(
    client: Client,
    pool: asyncpg.Pool,
    *,
    task_queue: str,
    interceptors: Sequence[Interceptor] = (),
    max_cached_workflows: int = Settings.model_fields["max_cached_workflows"].default,
    max_concurrent_activities: int = Settings.model_fields["max_concurrent_activities"].default,
    max_concurrent_workflow_tasks: int = Settings.model_fields["max_concurrent_workflow_tasks"].default,
    webhook_allowed_hosts: Sequence[str] = (),
    keys: KeyRing | None = None,
    pin_by_reference: bool = Settings.model_fields["pin_by_reference"].default,
) -> Worker:
    """A worker of every workflow and activity; `keys` open the webhook secrets (by default, the client's payload keys;
    a worker without keys holds the deliveries back)."""
    drop_signals_quietly()
    audit = AuditActivities(pool)
    public = PublicActivities(pool)
    comments = RoundCommentActivities(pool)
    webhooks = WebhookActivities(pool, keys or keys_of(client.data_converter), allowed=AllowedHosts.parse(webhook_allowed_hosts))
    pinning = PinningActivities(pool, client, by_reference=pin_by_reference)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=list(WORKFLOWS),
        workflow_runner=sandbox_runner(),
        activities=[load_pinned_rulebook, pinning.pin_rules, pinning.describe_workflow, pinning.started_by, audit.record_event,
                    audit.record_events, webhooks.deliver_pending,
                    public.register_public_round, public.close_public_round, public.tally_public_answers,
                    comments.record_opinion_comments, comments.record_compilation_answers],
        interceptors=[ActivityLogContext(), DatabaseDown(pool), OneMessageEach(), *interceptors],
        max_concurrent_activities=max_concurrent_activities,
        max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
        # Drafts wait weeks between events: keeping every one in memory buys nothing, so the cache
        # is bounded and an evicted draft replays its history when its next event arrives.
        max_cached_workflows=max_cached_workflows,
        graceful_shutdown_timeout=ACTIVITIES_GRACE,
    )


def configured_worker(settings: Settings, client: Client, pool: asyncpg.Pool, *, interceptors: Sequence[Interceptor] = ()) -> Worker:
    return create_worker(
        client,
        pool,
        task_queue=settings.task_queue,
        interceptors=interceptors,
        max_cached_workflows=settings.max_cached_workflows,
        max_concurrent_activities=settings.max_concurrent_activities,
        max_concurrent_workflow_tasks=settings.max_concurrent_workflow_tasks,
        webhook_allowed_hosts=settings.webhook_allowed_hosts,
        pin_by_reference=settings.pin_by_reference,
    )


def uncompiled(modules: Sequence[ModuleType]) -> list[str]:
    """The modules with no up-to-date bytecode beside their source."""
    stale = []
    for module in modules:
        source = Path(str(module.__file__))
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
            stale.append(module.__name__)
    return stale


@contextlib.asynccontextmanager
async def running(worker: Worker, *, within: float = STOP_SECONDS) -> AsyncIterator[Worker]:
    """`async with worker`, whose stop waits at most `within` seconds (found by CI: a worker told to stop still ran 40 s
    later, its last line the health server's). Past that it says so and leaves the worker's polls to the server, which
    gives a task it hands out to no one back after its timeout. A worker that fails runs no longer: the block is
    cancelled, and its error raised once the worker has stopped."""
    inside, stopping = asyncio.current_task(), asyncio.Event()

    def ended(run: asyncio.Task) -> None:
        if not stopping.is_set() and not run.cancelled() and run.exception() is not None and inside is not None:
            inside.cancel()

    run = asyncio.create_task(worker.run())
    run.add_done_callback(ended)
    try:
        yield worker
    finally:
        stopping.set()
        try:
            async with asyncio.timeout(within):
                await worker.shutdown()
        except TimeoutError:
            log.warning("the worker did not stop in time (an activity still running, or a Temporal server that does not answer): "
                        "stopped without waiting further", within_seconds=within)
        else:
            if not run.cancelled() and (failed := run.exception()) is not None:
                raise failed


@contextlib.asynccontextmanager
async def operations(settings: Settings, client: Client, pool: asyncpg.Pool, worker: Worker, runtime: Runtime | None) -> AsyncIterator[None]:
    """Beside a running worker: its health endpoint, the overdue gauge (metrics go out through the runtime) and the
    registry's watch for drafts ended outside their rules (`workers.ended_drafts`)."""
    async with contextlib.AsyncExitStack() as stack:
        if settings.health_port is not None:
            app = worker_health_app(client, pool, polling=lambda: worker.is_running and not worker.is_shutdown)
            await stack.enter_async_context(serving(app, settings.http_host, settings.health_port))
        tasks = [asyncio.create_task(watch_ended(client, pool))]
        if runtime is not None:
            tasks.append(asyncio.create_task(publish_overdue(pool, runtime)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            # One in a query PostgreSQL does not answer ends only once the pool drops its connection, after the worker has
            # stopped (found by a breaker: a worker told to stop went on taking activities until PostgreSQL answered again).
            _, pending = await asyncio.wait(tasks, timeout=OPERATIONS_END_SECONDS)
            for task in pending:
                give_up(task)


async def run_worker(settings: Settings) -> None:
    """A worker against a configured Temporal and PostgreSQL, until SIGINT or SIGTERM."""
    if not settings.database_url:
        raise ValueError("LEGIS_DATABASE_URL: required for `legis worker` (only `legis dev` embeds PostgreSQL)")
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    # The sandbox imports the workflow modules afresh for every new draft: without bytecode it compiles them each time.
    stale = uncompiled([sys.modules[workflow.__module__] for workflow in WORKFLOWS])
    if stale:
        # Under PYTHONDONTWRITEBYTECODE an editable install never writes it (found by a new user: told to leave -e alone).
        log.warning("workflow modules have no compiled bytecode: each new draft compiles them again (about 7 ms of CPU)",
                    modules=stale, fix="install with `pip install .` (not -e), or run `python -m compileall` on the workflows package"
                    + ("; PYTHONDONTWRITEBYTECODE is set, so Python writes none as it imports them" if sys.flags.dont_write_bytecode else ""))
    runtime = metrics_runtime(settings, WORKER_SERVICE)
    tracing = start_tracing(settings, WORKER_SERVICE)
    client = await temporal_client(settings, runtime=runtime, interceptors=tracing.client_interceptors())
    await migrate(settings.database_url, settings.key_ring())
    pool = await create_pool(settings.database_url)
    try:
        worker = configured_worker(settings, client, pool, interceptors=tracing.worker_interceptors())
        heap.settle()
        # The worker stops first (it takes no more work), then what runs beside it.
        async with operations(settings, client, pool, worker, runtime), running(worker):
            log.info("worker running", task_queue=settings.task_queue, health_port=settings.health_port, metrics_port=settings.metrics_port)
            await stop.wait()
            log.info("stopping: in-flight activities get 10 s")
    finally:
        await close_pool(pool)
        tracing.close()
    # The last line of a clean stop, so that a log that ends does not read as a hang (found by a trial).
    log.info("worker stopped", task_queue=settings.task_queue)
