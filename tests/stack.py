"""Running `legis dev` and the `legis` command from tests, on ports of their own."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from temporalio.client import Client

from activities.database import create_pool
from tests import cli_forks
from tests.conftest import TEST_KEY_ENTRY
from tests.ports import free_port
from workers.worker import create_worker

LEGIS = str(Path(sys.executable).parent / "legis")


# The tests' webhook receivers listen here, which LEGIS_WEBHOOK_ALLOWED_HOSTS must name (activities.destinations).
RECEIVER_HOST = "127.0.0.1"


async def start_stack(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(LEGIS, "dev", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    seen = ""
    async with asyncio.timeout(90):
        while "legis worker running" not in seen:
            line = await process.stdout.readline()
            assert line, f"legis dev ended early:\n{seen}"
            seen += line.decode()
    return process, seen


async def stop_stack(process: asyncio.subprocess.Process, env: dict[str, str] | None = None) -> str:
    """Ctrl-C, and nothing of the stack is left: its children, and the PostgreSQL of its data folder when `env` is given.
    Returns what it wrote while stopping."""
    ours = stack_processes(process, Path(env["LEGIS_DATA_DIR"]) if env else None)
    process.send_signal(signal.SIGINT)
    async with asyncio.timeout(60):
        said, _ = await process.communicate()
    assert process.returncode == 0
    left = await still_running(ours, within=5)
    assert not left, f"Ctrl-C left processes behind: {describe(left)}"
    return said.decode(errors="replace")


def running(process: psutil.Process) -> bool:
    """Alive and not a zombie (where the first process of a container reaps no orphans, the dead stay zombies)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def postgres_of(data_dir: Path) -> list[psutil.Process]:
    """The PostgreSQL processes working in this data folder's embedded database."""
    return postgres_in(data_dir / "postgres")


def postgres_in(pgdata: Path) -> list[psutil.Process]:
    """The PostgreSQL processes of the server whose data directory is `pgdata` (PostgreSQL runs in its data directory)."""
    pgdata = pgdata.resolve()
    found = []
    for candidate in psutil.process_iter(["name"]):
        try:
            if candidate.info["name"] == "postgres" and Path(candidate.cwd()).resolve() == pgdata and running(candidate):
                found.append(candidate)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def stack_processes(process: asyncio.subprocess.Process, data_dir: Path | None) -> list[psutil.Process]:
    """What a `legis dev` runs: its descendants, and the PostgreSQL daemon that pg_ctl started for its data folder."""
    children = psutil.Process(process.pid).children(recursive=True)
    return [*children, *(postgres_of(data_dir) if data_dir else [])]


async def still_running(processes: list[psutil.Process], *, within: float) -> list[psutil.Process]:
    """Those of `processes` still running after up to `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while (left := [p for p in processes if running(p)]) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
    return left


def describe(processes: list[psutil.Process]) -> str:
    named = []
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            named.append(f"{p.pid} {' '.join(p.cmdline())[:80] or p.name()}")
    return "; ".join(named)


def kill_left(processes: list[psutil.Process]) -> None:
    """SIGKILL, by PID, whichever of these processes (that a test started) still runs."""
    for p in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if running(p):
                p.kill()


async def legis(env, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(LEGIS, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return process.returncode, out.decode()


def stack_env(data_dir: Path) -> dict[str, str]:
    """Settings for a `legis dev` of a test's own: its data folder and free ports for everything it serves."""
    env = {**os.environ, "LEGIS_DATA_DIR": str(data_dir), "LEGIS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
           "LEGIS_UI_PORT": str(free_port()), "LEGIS_API_PORT": str(free_port()), "LEGIS_HEALTH_PORT": str(free_port()),
           "LEGIS_METRICS_PORT": str(free_port()), "COLUMNS": "200"}
    env.pop("LEGIS_DATABASE_URL", None)
    return env


def isolated_env(config_home: Path, **variables: str) -> dict[str, str]:
    """This process's environment without any LEGIS_* setting of the machine, with a configuration folder of the test's
    own (no profile of the user's applies), plus `variables`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LEGIS_")}
    return env | {"XDG_CONFIG_HOME": str(config_home), "COLUMNS": "200"} | variables


@dataclass
class Cli:
    """The `legis` command with settings of a test's own, forked from a process that has imported it (`tests.cli_forks`)
    or, with an environment the interpreter reads at its start, as installed; each call answers (exit code, stdout,
    stderr)."""

    env: dict[str, str]
    task_queue: str = field(default="")

    async def __call__(self, *args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        env = env or self.env
        given = stdin.encode() if isinstance(stdin, str) else stdin
        if cli_forks.forkable(env):
            code, out, err = await cli_forks.run(args, env, given)
            return code, out.decode(), err.decode()
        process = await asyncio.create_subprocess_exec(
            LEGIS, *args, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate(given)
        return process.returncode, out.decode(), err.decode()


@contextlib.asynccontextmanager
async def cli_with_worker(client: Client, database_url: str, config_home: Path) -> AsyncIterator[Cli]:
    """`legis` against a running Temporal server and a migrated database, with a worker on a task queue of its own."""
    task_queue = f"cli-{uuid.uuid4().hex[:8]}"
    env = isolated_env(config_home, LEGIS_TEMPORAL_ADDRESS=client.service_client.config.target_host, LEGIS_TASK_QUEUE=task_queue,
                       LEGIS_DATABASE_URL=database_url, LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY, LEGIS_WEBHOOK_ALLOWED_HOSTS=RECEIVER_HOST)
    pool = await create_pool(database_url)
    try:
        async with create_worker(client, pool, task_queue=task_queue, webhook_allowed_hosts=[RECEIVER_HOST]):
            yield Cli(env, task_queue)
    finally:
        await pool.close()


async def fresh_database(pg_server, pool) -> str:
    """A migrated database of its own on the test session's PostgreSQL, for tests that read whole tables."""
    from activities.database import migrate

    name = f"t_{uuid.uuid4().hex[:10]}"
    await pool.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.get_uri(database=name)
    await migrate(url)
    return url


async def stopped(process: subprocess.Popen) -> None:
    """A legis process stopped as Ctrl-C stops it, killed if it has not ended within 30 s."""
    process.send_signal(signal.SIGINT)
    try:
        await asyncio.to_thread(process.wait, 30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
