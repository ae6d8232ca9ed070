"""`python -m bench` stopped (SIGTERM from a cancelled job or `kill`, or its own worker ending) leaves nothing running:
its `legis worker`, its Temporal dev server and its PostgreSQL (a daemon started by `pg_ctl`, not its child) stop with
it, and its data folder is removed. Its `--help` needs only the packages of `requirements.lock`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import psutil

from tests.stack import describe, kill_left, still_running

REPOSITORY = Path(__file__).resolve().parents[1]
# A benchmark's module run as `python -m` where the modules of the packages `absent` name cannot be imported, as in an
# environment installed from requirements.lock alone.
WITHOUT = """
import importlib.abc, runpy, sys
absent = set(sys.argv[2].split())
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in absent:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Absent())
module, sys.argv = sys.argv[1], [sys.argv[1], *sys.argv[3:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def _locked(lock: str) -> set[str]:
    """The distributions a lock file pins, by their normalised names."""
    pinned = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", (REPOSITORY / lock).read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[-_.]+", "-", name).lower() for name in pinned}


def _test_only_modules() -> set[str]:
    """The top-level modules of the packages only the test install has (requirements-test.lock, not requirements.lock)."""
    only = _locked("requirements-test.lock") - _locked("requirements.lock")
    return {module for module, names in packages_distributions().items() if any(re.sub(r"[-_.]+", "-", n).lower() in only for n in names)}


def _run_without_test_install(module: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT, module, " ".join(sorted(_test_only_modules())), *args], cwd=REPOSITORY,
                          capture_output=True, text=True, timeout=120)


def test_a_benchmarks_help_needs_no_test_install():
    """Found by a fresh-user trial: `python -m bench --help` in an environment installed from requirements.lock failed
    with an import error (pytest, through the tests' recorded histories; aiohttp for `bench.public_comments`). Its help
    needs only requirements.lock; a part that needs the test install says so in one line before anything starts."""
    for module in ("bench", "bench.public_comments"):
        shown = _run_without_test_install(module, "--help")
        assert shown.returncode == 0 and "Usage:" in shown.stdout, (module, shown.stdout[-2000:], shown.stderr[-2000:])
    for module, args, part in (("bench", ("--only", "replay"), "the replay part"), ("bench.public_comments", (), "python -m bench.public_comments")):
        refused = _run_without_test_install(module, *args)
        assert refused.returncode == 2 and refused.stdout == "" and "Traceback" not in refused.stderr, (module, refused.stdout, refused.stderr)
        assert re.fullmatch(rf"{part} needs the test install \(\w+ is missing\): \.venv/bin/pip install --require-hashes -r "
                            r"requirements-test\.lock", refused.stderr.splitlines()[-1]), (module, refused.stderr)


def test_a_benchmarks_help_prints_no_warning_without_a_runtime_dir():
    """Found by a fresh-user trial: on a machine without XDG_RUNTIME_DIR (a container, a service) every benchmark began
    with platformdirs' warning, from pgserver's import, which `legis dev` silences: pgserver keeps only a lock file there."""
    environment = {name: value for name, value in os.environ.items() if name != "XDG_RUNTIME_DIR"}
    for module in ("bench", "bench.public_comments"):
        shown = subprocess.run([sys.executable, "-m", module, "--help"], cwd=REPOSITORY, env=environment, capture_output=True,
                               text=True, timeout=120)
        assert shown.returncode == 0 and "Warning" not in shown.stderr, (module, shown.stderr[-2000:])


def _postgres_under(folder: Path) -> list[psutil.Process]:
    found = []
    for candidate in psutil.process_iter(["name"]):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            if candidate.info["name"] == "postgres" and folder.resolve() in Path(candidate.cwd()).resolve().parents:
                found.append(candidate)
    return found


async def _worker_started(bench: psutil.Process, within: float) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        with contextlib.suppress(psutil.NoSuchProcess):
            if any("worker" in child.cmdline() for child in bench.children()):
                return True
        await asyncio.sleep(0.2)
    return False


async def test_a_benchmark_stopped_by_sigterm_leaves_no_server_running(tmp_path):
    # The memory part runs a `legis worker` of its own beside the dev server and PostgreSQL: every kind of process.
    # Its output goes to a file: a server left running would hold a pipe open after the benchmark ended.
    log = tmp_path / "bench.log"
    with log.open("wb") as out:
        bench = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench", "--only", "memory", "--waiting", "400", "--cache", "200",
            cwd=REPOSITORY, env={**os.environ, "TMPDIR": str(tmp_path)}, stdout=out, stderr=asyncio.subprocess.STDOUT)
    started = psutil.Process(bench.pid)
    processes: list[psutil.Process] = []
    try:
        assert await _worker_started(started, within=120), "the benchmark's `legis worker` did not start"
        processes = [*started.children(recursive=True), *_postgres_under(tmp_path)]
        assert any(p.name() == "postgres" for p in processes) and len(processes) >= 3, describe(processes)
        bench.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bench.wait(), timeout=90)
        printed = log.read_text(errors="replace")
        assert bench.returncode == 128 + signal.SIGTERM, printed[-2000:]
        assert "stopped (SIGTERM)" in printed
        assert "Task was destroyed" not in printed, printed[-2000:]
        left = await still_running(processes, within=10)
        assert not left, f"still running after the benchmark stopped: {describe(left)}"
        assert not list(tmp_path.glob("legis-bench-*")), "the benchmark's data folder was left behind"
    finally:
        if bench.returncode is None:
            bench.kill()
            await bench.wait()
        kill_left([*processes, *_postgres_under(tmp_path)])


async def test_a_benchmark_whose_worker_ends_says_so_and_stops(tmp_path):
    # The worker cannot bind its metrics endpoint on an address of no interface here (TEST-NET-1), and ends at once;
    # the benchmark waited for its drafts for ever.
    log = tmp_path / "bench.log"
    with log.open("wb") as out:
        bench = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench", "--only", "memory", "--waiting", "400", "--cache", "200", cwd=REPOSITORY,
            env={**os.environ, "TMPDIR": str(tmp_path), "LEGIS_HTTP_HOST": "192.0.2.1"}, stdout=out, stderr=asyncio.subprocess.STDOUT)
    try:
        await asyncio.wait_for(bench.wait(), timeout=120)
        printed = log.read_text(errors="replace")
        assert bench.returncode == 1, printed[-2000:]
        assert "stopped: the benchmark's `legis worker` ended (exit status 2" in printed, printed[-2000:]
        assert not _postgres_under(tmp_path)
        assert not list(tmp_path.glob("legis-bench-*")), "the benchmark's data folder was left behind"
    finally:
        if bench.returncode is None:
            bench.kill()
            await bench.wait()
        kill_left(_postgres_under(tmp_path))
