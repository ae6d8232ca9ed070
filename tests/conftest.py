"""Environment fixtures: a real PostgreSQL (pgserver), a Temporal dev server and a time-skipping one."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pgserver
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.database import create_pool, migrate
from workers.dev_stack import temporal_binary
from workers.worker import create_worker
from workflows import search_attributes as sa
from workflows.codec import KeyRing, data_converter, new_key_entry

# The tests' clients and workers seal payloads as the project's do, with a key of the test run.
TEST_KEY_ENTRY = new_key_entry("test")
TEST_KEYS = KeyRing.parse(TEST_KEY_ENTRY)
TIME_SKIPPING_FLAGS = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Three test processes per core (`--maxprocesses` caps them): the tests mostly wait, on their servers, timers and
    subprocesses, so that one per core left the cores half idle (CI on 2 cores: 14:59 with two, 11:39 with six)."""
    return 3 * len(os.sched_getaffinity(0))


@pytest.fixture(scope="session")
def pg_server():
    with tempfile.TemporaryDirectory(prefix="legis-pg-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        try:
            yield server
        finally:
            server.cleanup()


@pytest.fixture(scope="session")
def database_url(pg_server) -> str:
    return pg_server.get_uri()


@pytest.fixture
async def fresh_database_url(pg_server, pool) -> str:
    """A database of its own, migrated, for a test that reads whole tables."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    await pool.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.get_uri(database=name)
    await migrate(url)
    connection = await asyncpg.connect(url)
    try:
        await number_subscribers_apart(connection)
    finally:
        await connection.close()
    return url


async def number_subscribers_apart(db) -> None:
    """Subscribers numbered from a start of this database's own, so that their delivery workflows (named by the number)
    do not meet another test database's on the shared Temporal server."""
    await db.execute(f"ALTER SEQUENCE subscribers_id_seq RESTART WITH {uuid.uuid4().int % 10**9 + 1}")


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    await migrate(database_url)
    pool = await create_pool(database_url)
    await number_subscribers_apart(pool)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=temporal_binary(),
        dev_server_extra_args=TIME_SKIPPING_FLAGS,
        search_attributes=sa.ALL,
        data_converter=data_converter(TEST_KEYS),
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def short_history_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server that suggests continue-as-new after 40 events: long lives in a few dozen messages."""
    env = await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=temporal_binary(),
        dev_server_extra_args=[*TIME_SKIPPING_FLAGS, "--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=40"],
        search_attributes=sa.ALL,
        data_converter=data_converter(TEST_KEYS),
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        search_attributes=sa.ALL,
        data_converter=data_converter(TEST_KEYS),
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def cli(dev_env, fresh_database_url, tmp_path):
    """`legis` (`tests.stack.Cli`) with a worker of its own, on a fresh database."""
    from tests.stack import cli_with_worker

    async with cli_with_worker(dev_env.client, fresh_database_url, tmp_path / "config") as run:
        yield run


@pytest.fixture
async def lead(pool):
    """The Authorization header of a lead ministry's token (BGDDT)."""
    from schemas.enums import CallerRole
    from tests.http_api import bearer

    return await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)


@pytest.fixture
async def api(dev_env, pool):
    """The HTTP API in this process (`tests.http_api.api_client`), with a worker of its own."""
    from tests.http_api import api_client

    async with api_client(dev_env.client, pool) as http:
        yield http


@pytest.fixture
async def ts_worker(time_skipping_env: WorkflowEnvironment, pool: asyncpg.Pool) -> AsyncIterator[str]:
    """A worker on a task queue of its own in the time-skipping environment; yields the queue."""
    task_queue = f"tq-{uuid.uuid4().hex[:8]}"
    async with create_worker(time_skipping_env.client, pool, task_queue=task_queue):
        yield task_queue


@pytest.fixture
async def worker_queue(dev_env: WorkflowEnvironment, pool: asyncpg.Pool) -> AsyncIterator[str]:
    """A worker on a task queue of its own against the dev server; yields the queue."""
    task_queue = f"dq-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        yield task_queue
