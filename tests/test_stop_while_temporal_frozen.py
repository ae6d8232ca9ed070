"""Found by CI: a `legis worker` told to stop (SIGTERM) still ran 40 s later, its last lines the health server's: the
SDK's shutdown waits for every poll the worker has open to end, and a Temporal server that answers nothing (or leaves
one poll open through the worker's shutdown, a race of its matching service: temporalio/temporal#11841) holds it until
the poll's minute is out. README, "Logs, metrics, traces and health": a stop waits at most `STOP_SECONDS`, then says so
and ends with `worker stopped`."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psutil
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.conftest import TEST_KEY_ENTRY, TEST_KEYS
from tests.ports import free_port
from tests.test_api_outages import suspended
from tests.test_operations import start_worker
from workers.dev_stack import temporal_binary
from workers.worker import STOP_SECONDS
from workflows import search_attributes as sa
from workflows.codec import data_converter

# A loaded machine's margin beyond the worker's own bound.
MARGIN_SECONDS = 15


@asynccontextmanager
async def own_temporal() -> AsyncIterator[tuple[str, list[psutil.Process]]]:
    """A Temporal dev server of this test's own (it is frozen): its address and its processes."""
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary(), search_attributes=sa.ALL,
                                                data_converter=data_converter(TEST_KEYS))
    try:
        started = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
        assert started, "no Temporal dev server process found"
        yield env.client.service_client.config.target_host, started
    finally:
        await env.shutdown()


@pytest.mark.timeout(240)
async def test_sigterm_stops_a_worker_while_temporal_answers_nothing(database_url):
    async with own_temporal() as (address, server):
        env = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": address,
               "LEGIS_DATABASE_URL": database_url, "LEGIS_TASK_QUEUE": f"ops-{uuid.uuid4().hex[:8]}", "LEGIS_LOG_JSON": "true",
               "LEGIS_HEALTH_PORT": str(free_port()), "LEGIS_METRICS_PORT": str(free_port())}
        process, lines = await start_worker(env)
        try:
            with suspended(server):
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), STOP_SECONDS + MARGIN_SECONDS)
                except TimeoutError:
                    pytest.fail(f"`legis worker` still runs {STOP_SECONDS + MARGIN_SECONDS} s after SIGTERM while Temporal answers "
                                f"nothing; its last lines: {[line.get('event') for line in lines[-4:]]}")
            await process.reader
            said = [line.get("event") for line in lines]
            assert any(event.startswith("the worker did not stop in time") for event in said), said[-6:]
            assert said[-1] == "worker stopped", said[-6:]
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
