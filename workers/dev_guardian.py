"""What `legis dev` leaves in its data folder's PostgreSQL, and the guardian that stops it if `legis dev` dies.

pgserver starts PostgreSQL with `pg_ctl start`: the server is a daemon in a session of its own, not a child of
`legis dev`, so neither the parent-death signal nor a process group reaches it. `legis dev` therefore runs this
module as a small process of its own (`python -m workers.dev_guardian PGDATA`), in its own session so that the
terminal's Ctrl-C does not reach it, reading a pipe from `legis dev`:

- `legis dev` writes `exit` once it has stopped everything itself (Ctrl-C, SIGTERM): the guardian just ends;
- the pipe ends without `exit` when `legis dev` died without cleaning up (kill -9, a crash): the guardian does
  what pgserver's own clean-up would have done, under pgserver's lock: it removes the dead `legis dev` from the
  data folder's handle list and, when no other live process (another `legis` command) still uses the server,
  stops PostgreSQL (fast shutdown, then harder).

A PostgreSQL server is recognised by what it is, not only by the number in `postmaster.pid`, which may name a
process that died long ago or a PID since reused by an unrelated program: a process named `postgres` whose
working directory is the data folder (PostgreSQL changes into its data directory at start).
"""

from __future__ import annotations

import os
import signal
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

HANDLES = ".handle_pids.json"  # pgserver's list of the processes that hold a handle on the server
PID_FILE = "postmaster.pid"


def alive(process: psutil.Process) -> bool:
    """Running and not a zombie (a dead child that nobody reaped still has its PID)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def pid_alive(pid: int) -> bool:
    try:
        return alive(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def is_postgres_of(process: psutil.Process, pgdata: Path) -> bool:
    try:
        return alive(process) and process.name() == "postgres" and Path(process.cwd()).resolve() == pgdata.resolve()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def postgres_processes(pgdata: Path) -> list[psutil.Process]:
    """Every live PostgreSQL process (server or backend) working in this data folder."""
    return [p for p in psutil.process_iter() if is_postgres_of(p, pgdata)]


def recorded_pid(pgdata: Path) -> int | None:
    """The PID that `postmaster.pid` names, if the file is there and readable."""
    try:
        return int((pgdata / PID_FILE).read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def postmaster_of(pgdata: Path) -> psutil.Process | None:
    """The PostgreSQL server that `postmaster.pid` names, if that process really is a PostgreSQL of this folder."""
    pid = recorded_pid(pgdata)
    if pid is None:
        return None
    try:
        process = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None
    return process if is_postgres_of(process, pgdata) else None


def wait_gone(process: psutil.Process, seconds: float) -> bool:
    """Whether the process ended within `seconds`. Polls: a process that is not our child, or that nobody reaps
    (a container whose first process reaps no orphans), stays a zombie, which `psutil.wait` would wait out."""
    deadline = time.monotonic() + seconds
    while alive(process):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def stop_process(process: psutil.Process, signals: tuple[signal.Signals, ...], *, grace: float) -> None:
    """Send each signal in turn, waiting up to `grace` seconds after each; SIGKILL if it still runs."""
    for signum in (*signals, signal.SIGKILL):
        try:
            process.send_signal(signum)
        except psutil.NoSuchProcess:
            return
        if wait_gone(process, grace if signum != signal.SIGKILL else 5):
            return


def stop_postgres(process: psutil.Process) -> None:
    """Fast shutdown (SIGINT: sessions end, a checkpoint is written), then immediate (SIGQUIT), then SIGKILL."""
    stop_process(process, (signal.SIGINT, signal.SIGQUIT), grace=30)


@contextmanager
def pgserver_lock() -> Iterator[None]:
    """pgserver's own inter-process lock, which it holds while it reads or writes a server's handle list."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from pgserver.postgres_server import PostgresServer
    with PostgresServer._lock:
        yield


def live_handles(pgdata: Path, *, without: int | None = None) -> list[int]:
    """Rewrite pgserver's handle list with only the processes still alive (and not `without`); return it."""
    from pgserver.utils import DiskList

    handles = DiskList(pgdata / HANDLES)
    kept = [pid for pid in handles.get() if pid != without and pid_alive(pid)]
    if kept != handles.get():
        handles.put(kept)
    return kept


def release(pgdata: Path, dead: int) -> psutil.Process | None:
    """What pgserver's clean-up of process `dead` would have done; the PostgreSQL stopped, if one was."""
    if not pgdata.exists():
        return None
    with pgserver_lock():
        if live_handles(pgdata, without=dead):
            return None  # another `legis` command still uses the server; the last one to leave stops it
        postmaster = postmaster_of(pgdata)
        if postmaster is not None:
            stop_postgres(postmaster)
        return postmaster


def say(text: str) -> None:
    # Nobody reads the terminal of a `legis dev` that was killed.
    with suppress(BrokenPipeError, OSError):
        print(f"legis dev guardian: {text}", file=sys.stderr, flush=True)


def main() -> None:
    pgdata = Path(sys.argv[1])
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is `legis dev`'s to handle, never the guardian's
    said = sys.stdin.buffer.read()  # until `legis dev` closes the pipe, or dies
    if said.strip() == b"exit":
        return
    stopped = release(pgdata, parent)
    if stopped is not None:
        say(f"`legis dev` (pid {parent}) ended without stopping its PostgreSQL; stopped it (pid {stopped.pid})")


if __name__ == "__main__":
    main()
