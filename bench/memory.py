"""The worker's memory while drafts wait: a separate `legis worker`, its RSS with drafts cached and evicted."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import psutil
from temporalio.client import Client

from bench.running import bounded, filing, percentile, say
from tests.drafts import start_request
from tests.ports import free_port
from workflows import client as drafts
from workflows.client import connect
from workflows.codec import KeyRing, new_key_entry


async def memory(address: str, database_url: str, pool: asyncpg.Pool, waiting: int, cache: int) -> None:
    """RSS of a separate `legis worker`: its cost per cached draft (the slope between half and all of `cache` drafts, every
    one of them cached), then with `waiting` drafts waiting, at most `cache` of them cached. The worker and this client
    seal payloads with a key of this run, as every deployment does."""
    say(f"\n## Worker memory with {waiting} drafts waiting for a decision (a separate `legis worker`, cache {cache} drafts)")
    queue = f"mem-{uuid.uuid4().hex[:6]}"
    key = new_key_entry("bench")
    client = await connect(address, keys=KeyRing.parse(key))
    env = {**os.environ, "LEGIS_TEMPORAL_ADDRESS": address, "LEGIS_DATABASE_URL": database_url, "LEGIS_ENCRYPTION_KEYS": key,
           "LEGIS_TASK_QUEUE": queue, "LEGIS_LOG_LEVEL": "WARNING", "LEGIS_MAX_CACHED_WORKFLOWS": str(cache),
           # Ports of its own: a `legis worker` or `legis dev` running beside the benchmark holds the default ones.
           "LEGIS_HEALTH_PORT": str(free_port()), "LEGIS_METRICS_PORT": str(free_port())}
    worker = subprocess.Popen([str(Path(sys.executable).parent / "legis"), "worker"], env=env)
    try:
        await asyncio.sleep(3)
        rss = lambda: psutil.Process(worker.pid).memory_info().rss  # noqa: E731
        idle = rss()
        prefix = f"MEM{uuid.uuid4().hex[:6]}"
        requests = [start_request(prefix=prefix) for _ in range(max(waiting, cache))]
        half, measured = cache // 2, {}
        for upto in sorted({half, cache, waiting}):
            await _waiting(client, pool, queue, prefix, requests, upto, worker)
            measured[upto] = rss()
            say(f"  RSS with {upto} drafts waiting: {measured[upto] / 2**20:.0f} MB")
        per_draft = (measured[cache] - measured[half]) / (cache - half)
        say(f"worker RSS: idle {idle / 2**20:.0f} MB; per cached draft {per_draft / 1024:.0f} KB (from {half} to {cache} drafts, all "
            f"cached; target 150 KB); with {waiting} drafts waiting, at most {cache} cached: {measured[waiting] / 2**20:.0f} MB "
            f"(target < 250 MB for 10,000)")
        samples = []
        for request in requests[:20]:
            _still_running(worker)
            started = time.perf_counter()
            await drafts.file_dossier(client, request.submission_id, filing(request.lead_ministry, 0))
            samples.append((time.perf_counter() - started) * 1000)
        say(f"an event for one of the first drafts (evicted from the cache when {waiting} > {cache}): "
            f"p50 {percentile(samples, 0.5):.1f} ms, max {max(samples):.1f} ms over {len(samples)}")
    finally:
        worker.terminate()
        worker.wait(60)


class WorkerEnded(RuntimeError):
    """The memory part's `legis worker` ended before the drafts it was to hold were waiting."""


def _still_running(worker: subprocess.Popen, when: str = "") -> None:
    """Raises WorkerEnded, with its exit status and `when`, if `worker` has ended."""
    if (code := worker.poll()) is not None:
        raise WorkerEnded(f"the benchmark's `legis worker` ended (exit status {code}; its own words are above){when}")


async def _waiting(client: Client, pool: asyncpg.Pool, queue: str, prefix: str, requests: list, upto: int,
                   worker: subprocess.Popen) -> None:
    """Start drafts until `upto` of `requests` are waiting at their first stage. Raises WorkerEnded when `worker`, which
    takes them there, has ended."""
    already = await pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id LIKE $1", f"{prefix}-%")

    async def start(i: int) -> None:
        await drafts.start_submission(client, requests[already + i], task_queue=queue)

    seconds = await bounded(upto - already, 50, start, "started")
    say(f"  {upto - already} starts in {seconds:.0f} s")
    count = already
    while count < upto:
        _still_running(worker, f" with {count} of {upto} drafts waiting")
        await asyncio.sleep(2)
        count = await pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id LIKE $1", f"{prefix}-%")
    await asyncio.sleep(3)
