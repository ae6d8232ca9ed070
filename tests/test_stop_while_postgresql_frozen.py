"""Found by an operator's trial: a `legis worker` told to stop (SIGTERM) while PostgreSQL takes connections and
answers nothing (a partition, frozen storage: SIGSTOP here) does not stop. Its worker shuts down, then `pool.close()`
waits for the server's answer for as long as the server stays frozen (asyncpg: "Pool.close() is taking over 60
seconds to complete"); no `worker stopped` line. In the trial a second worker, with audit writes in flight, went on
taking new attempts of them (attempt 2 to 9) for three and a half minutes after SIGTERM.

README, "Logs, metrics, traces and health": "Shutdown: SIGTERM (or Ctrl-C) stops polling; activities in flight get
10 s to finish, then are handed back to the server, which retries them on another worker. The log says `stopping`,
then, last, `worker stopped` once it has." The same README promises that nothing else waits on a frozen PostgreSQL
longer than about 10 s (probes 3 s, the API 10 s, new connections 10 s)."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.runtime import Runtime, TelemetryConfig

from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from tests.test_api_outages import frozen, own_postgres
from tests.test_operations import start_worker
from workers.settings import Settings
from workers.worker import OPERATIONS_END_SECONDS, create_worker, operations

# The worker's own grace (10 s) and a loaded machine's margin.
STOPS_WITHIN = 40


async def stops_when_told(process: asyncio.subprocess.Process, pgdata: str) -> bool:
    """SIGTERM sent to `process` while PostgreSQL at `pgdata` is frozen: whether it ends within `STOPS_WITHIN` seconds."""
    with frozen(Path(pgdata)):
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOPS_WITHIN)
            return True
        except TimeoutError:
            return False


@pytest.mark.timeout(240)
async def test_sigterm_stops_a_worker_while_postgresql_is_frozen(dev_env):
    async with own_postgres() as (server, _pool):
        health = free_port()
        env = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
               "LEGIS_DATABASE_URL": server.get_uri(), "LEGIS_TASK_QUEUE": f"ops-{uuid.uuid4().hex[:8]}", "LEGIS_LOG_JSON": "true",
               "LEGIS_HEALTH_PORT": str(health), "LEGIS_METRICS_PORT": str(free_port())}
        process, lines = await start_worker(env)
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                # A probe as any orchestrator sends: the pool keeps the connection it used, idle.
                assert (await http.get(f"http://127.0.0.1:{health}/readyz")).status_code == 200
            stopped = await stops_when_told(process, server.pgdata)
            said = [line.get("event") for line in lines[-4:]]
            assert stopped, f"`legis worker` still runs {STOPS_WITHIN} s after SIGTERM while PostgreSQL is frozen; its last lines: {said}"
            assert lines[-1].get("event") == "worker stopped", said
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


@pytest.mark.timeout(120)
async def test_what_runs_beside_a_worker_ends_while_postgresql_is_frozen(dev_env):
    """Found by a breaker (two times in four, and once by CI): told to stop, a worker first stopped what runs beside it
    (the overdue gauge, the watch for ended drafts) and waited for them, and one in a query PostgreSQL does not answer
    never ended: the worker went on taking activities until PostgreSQL answered again (a query cancelled on a connection
    PostgreSQL does not answer ends once it answers the cancel). Here PostgreSQL is frozen before they start, so that both
    wait on it, each on a connection the pool holds already."""
    async with own_postgres() as (server, pool):
        worker = create_worker(dev_env.client, pool, task_queue=f"ops-{uuid.uuid4().hex[:8]}")
        await asyncio.gather(*(pool.fetchval("SELECT pg_sleep(0.2)") for _ in range(3)))
        with frozen(Path(server.pgdata)):
            loop = asyncio.get_running_loop()
            began = loop.time()
            try:
                async with asyncio.timeout(STOPS_WITHIN):
                    async with operations(Settings(health_port=None), dev_env.client, pool, worker, Runtime(telemetry=TelemetryConfig())):
                        await asyncio.sleep(1)
            except TimeoutError:
                pytest.fail(f"what runs beside the worker still runs {STOPS_WITHIN} s after it was told to stop, PostgreSQL frozen")
            assert loop.time() - began < 1 + OPERATIONS_END_SECONDS + 3


@pytest.mark.timeout(240)
async def test_sigterm_stops_the_api_while_postgresql_is_frozen(dev_env):
    """The same trial on `legis api`: SIGTERM while PostgreSQL was frozen; uvicorn's "Application shutdown complete"
    came only once PostgreSQL was thawed, 50 s later."""
    import sys

    legis = str(Path(sys.executable).parent / "legis")
    async with own_postgres() as (server, _pool):
        port = free_port()
        env = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
               "LEGIS_DATABASE_URL": server.get_uri(), "LEGIS_API_PORT": str(port), "LEGIS_METRICS_PORT": str(free_port())}
        process = await asyncio.create_subprocess_exec(legis, "api", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            said = b""
            async with asyncio.timeout(60):
                while b"Uvicorn running" not in said:
                    line = await process.stdout.readline()
                    assert line, said.decode(errors="replace")
                    said += line
            async with httpx.AsyncClient(timeout=10) as http:
                assert (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200
            stopped = await stops_when_told(process, server.pgdata)
            assert stopped, f"`legis api` still runs {STOPS_WITHIN} s after SIGTERM while PostgreSQL is frozen"
            # It says so once its application has shut down, as a worker does (found by an operator's trial: uvicorn's lines alone).
            said = (await process.stdout.read()).decode(errors="replace")
            assert "api stopped" in said.split("Waiting for application shutdown", 1)[-1], said[-1500:]
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
