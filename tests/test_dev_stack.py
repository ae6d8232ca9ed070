"""`legis dev` as a newcomer runs it: everything starts, Ctrl-C stops it all, a second run resumes the drafts;
and after a crash (kill -9, a stale pid file, a server left running) it starts again by itself."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from tests.drafts import EXAMPLES, example_text
from tests.stack import (
    describe,
    kill_left,
    legis,
    postgres_of,
    stack_env,
    stack_processes,
    start_stack,
    still_running,
    stop_stack,
)
from workers.dev_stack import addresses
from workers.health import serving
from workers.settings import Settings


async def test_dev_stack_stops_cleanly_and_resumes_drafts(tmp_path):
    env = stack_env(tmp_path / "data")
    ui_port = env["LEGIS_UI_PORT"]
    sid = f"DEV-{uuid.uuid4().hex[:8]}"
    request = tmp_path / "start.json"
    request.write_text(example_text("start-request.json").replace("BGDDT-2026-017", sid), encoding="utf-8")

    process, banner = await start_stack(env)
    try:
        assert f"Temporal Web UI: http://127.0.0.1:{ui_port}/namespaces/default/workflows" in banner
        assert f"board: http://127.0.0.1:{env['LEGIS_API_PORT']}/board " in banner
        assert f"public consultation pages: http://127.0.0.1:{env['LEGIS_API_PORT']}/public" in banner
        # No key configured: one is generated in the data folder, and every data file is its owner's alone.
        data = tmp_path / "data"
        assert f"payload keys: {data / 'encryption.keys'}" in banner
        # As root, pgserver runs PostgreSQL as a user of its own, which passes through the folder (x), and lists nothing
        # in it (found by a trial: pgserver left it 0755).
        assert oct(data.stat().st_mode & 0o777) == ("0o711" if os.geteuid() == 0 else "0o700")
        assert owner_only(data / "postgres")
        assert {"encryption.keys", "temporal.db", "temporal.log"} <= {p.name for p in data.iterdir()}
        assert all(owner_only(path) for path in data.iterdir()), {p.name: oct(p.stat().st_mode) for p in data.iterdir()}
        # The dev stack serves what production does: the HTTP API, the worker's readiness and metrics.
        async with httpx.AsyncClient(base_url="http://127.0.0.1", timeout=10) as http:
            assert (await http.get(f"http://127.0.0.1:{env['LEGIS_API_PORT']}/readyz")).json()["status"] == "ready"
            assert (await http.get(f"http://127.0.0.1:{env['LEGIS_HEALTH_PORT']}/readyz")).json()["checks"]["worker"] == "ok"
            assert "temporal_num_pollers" in (await http.get(f"http://127.0.0.1:{env['LEGIS_METRICS_PORT']}/metrics")).text
        assert (await legis(env, "start", str(request)))[0] == 0
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "01-policy-proposal.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
        code, second = await legis(env, "dev")
        assert code == 1 and "is already in use by another `legis dev`" in second, second
        # The embedded database's address, for a second `legis worker` (found by a fresh-user trial: only in the code).
        [database_url] = re.findall(r"^embedded PostgreSQL: (\S+) \(LEGIS_DATABASE_URL for another `legis worker`", banner, re.M)
        connection = await asyncpg.connect(database_url)
        try:
            assert await connection.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", sid) >= 2
        finally:
            await connection.close()
    finally:
        stopping = await stop_stack(process, env)
    # A clean stop says so last, after the worker's and the servers' own lines (found by a trial: it ended on the SDK's
    # "Beginning worker shutdown", which read as a hang).
    assert "legis dev stopped" in stopping.strip().splitlines()[-1], stopping[-600:]

    process, _ = await start_stack(env)
    try:
        code, out = await legis(env, "status", sid, "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "02-programme.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "DRAFTING", out
        code, out = await legis(env, "history", sid, "--json")
        assert [e["seq"] for e in json.loads(out)["entries"]] == [1, 2, 3]
    finally:
        await stop_stack(process, env)


def owner_only(path: Path) -> bool:
    return path.stat().st_mode & 0o077 == 0


def start_request(tmp_path: Path, sid: str) -> Path:
    request = tmp_path / f"{sid}.json"
    request.write_text(example_text("start-request.json").replace("BGDDT-2026-017", sid), encoding="utf-8")
    return request


async def assert_serving(env: dict[str, str]) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.get(f"http://127.0.0.1:{env['LEGIS_API_PORT']}/readyz")).json()["status"] == "ready"


async def test_dev_stack_recovers_from_kill_9(tmp_path):
    """kill -9 of `legis dev` leaves nothing running (Temporal, PostgreSQL), and `legis dev` starts again on the
    same data folder and ports, with the draft started before the crash where it was."""
    data_dir = tmp_path / "data"
    env = stack_env(data_dir)
    sid = f"DEV-{uuid.uuid4().hex[:8]}"
    process, _ = await start_stack(env)
    ours = stack_processes(process, data_dir)
    try:
        assert {"temporal", "postgres"} <= {p.name() for p in ours}, describe(ours)
        assert (await legis(env, "start", str(start_request(tmp_path, sid))))[0] == 0
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "01-policy-proposal.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out

        process.send_signal(signal.SIGKILL)
        await process.wait()
        left = await still_running(ours, within=15)
        assert not left, f"kill -9 of `legis dev` left these running: {describe(left)}"

        process, _ = await start_stack(env)
        ours += stack_processes(process, data_dir)
        await assert_serving(env)
        code, out = await legis(env, "status", sid, "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
    finally:
        if process.returncode is None:
            await stop_stack(process, env)
        kill_left(ours)


async def test_dev_stack_adopts_a_postgres_left_running(tmp_path):
    """Its guardian killed too, `legis dev`'s PostgreSQL outlives it: the next `legis dev` adopts that server, says
    so, and stops it on Ctrl-C (pgserver's handle list still names the dead `legis dev`)."""
    data_dir = tmp_path / "data"
    env = stack_env(data_dir)
    process, _ = await start_stack(env)
    ours = stack_processes(process, data_dir)
    try:
        guardians = [p for p in ours if "workers.dev_guardian" in " ".join(p.cmdline())]
        assert len(guardians) == 1, describe(ours)
        postgres = postgres_of(data_dir)
        others = [p for p in ours if p not in postgres]
        guardians[0].kill()
        process.send_signal(signal.SIGKILL)
        await process.wait()
        left = await still_running(others, within=15)
        assert not left, describe(left)
        server = int((data_dir / "postgres" / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        assert server in {p.pid for p in postgres_of(data_dir)}, describe(postgres)

        process, banner = await start_stack(env)
        ours += stack_processes(process, data_dir)
        assert "adopting the PostgreSQL server already running in the data folder" in banner, banner
        await assert_serving(env)
        await stop_stack(process, env)
        assert not postgres_of(data_dir)
    finally:
        if process.returncode is None:
            await stop_stack(process, env)
        kill_left(ours)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def test_dev_stack_starts_over_a_stale_postmaster_pid(tmp_path):
    """A `postmaster.pid` left by a server that died with the machine names a PID that is gone, or by now another
    program's: neither stops `legis dev`, and that other program is left alone (pgserver alone would take it for the
    server, fail to connect, and at exit send it SIGTERM)."""
    data_dir = tmp_path / "data"
    env = stack_env(data_dir)
    pid_file = data_dir / "postgres" / "postmaster.pid"
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    process, _ = await start_stack(env)
    ours = stack_processes(process, data_dir)
    try:
        left_by_crash = pid_file.read_text(encoding="utf-8").splitlines()
        await stop_stack(process, env)
        assert not pid_file.exists()
        for stale in (bystander.pid, dead_pid()):
            pid_file.write_text("\n".join([str(stale), *left_by_crash[1:]]) + "\n", encoding="utf-8")
            process, banner = await start_stack(env)
            ours += stack_processes(process, data_dir)
            assert "set aside a stale postmaster.pid" in banner, banner
            assert (pid_file.parent / "postmaster.pid.stale").read_text(encoding="utf-8").startswith(f"{stale}\n")
            await assert_serving(env)
            await stop_stack(process, env)
            assert bystander.poll() is None, "the program whose PID the stale file named was signalled"
    finally:
        if process.returncode is None:
            await stop_stack(process, env)
        kill_left(ours)
        bystander.kill()
        bystander.wait()


async def test_dev_stack_stops_a_temporal_server_left_running(tmp_path):
    """A Temporal dev server that outlived its `legis dev` (no parent-death signal outside Linux, or a server that
    ignored it) is found through `temporal.pid` and stopped, with a log line, before the new one starts."""
    from workers.dev_stack import dev_server_command, record_server
    from workers.settings import Settings

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = stack_env(data_dir)
    settings = Settings(data_dir=data_dir, temporal_address=env["LEGIS_TEMPORAL_ADDRESS"], ui_port=int(env["LEGIS_UI_PORT"]))
    left = subprocess.Popen(dev_server_command(settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    process = None
    try:
        record_server(settings, left)
        port = int(env["LEGIS_TEMPORAL_ADDRESS"].rpartition(":")[2])
        async with asyncio.timeout(60):
            while not listening(port):
                assert left.poll() is None, "the Temporal dev server did not start"
                await asyncio.sleep(0.2)
        process, banner = await start_stack(env)
        assert "stopping the Temporal dev server that an earlier `legis dev` of this data folder left running" in banner, banner
        assert f"pid={left.pid}" in banner, banner
        assert left.poll() is not None
        await assert_serving(env)
    finally:
        if process is not None and process.returncode is None:
            await stop_stack(process, env)
        if left.poll() is None:
            left.kill()
        left.wait()


async def test_dev_stack_refuses_a_port_taken_by_another_program(tmp_path):
    """A port that no `legis dev` of this data folder holds is another program's: a clear error, nothing started."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        code, out = await legis({**stack_env(tmp_path / "data"), "LEGIS_TEMPORAL_ADDRESS": address}, "dev")
    assert code == 1, out
    assert f"{address} (LEGIS_TEMPORAL_ADDRESS, the Temporal frontend) is already in use by another program" in out, out
    assert not (tmp_path / "data" / "temporal.pid").exists()


def test_dev_stack_prints_the_board_and_the_public_pages(tmp_path):
    printed = "\n".join(addresses(Settings(data_dir=tmp_path, http_host="127.0.0.1", api_port=8000), None))
    assert "HTTP API: http://127.0.0.1:8000/docs" in printed
    assert "board: http://127.0.0.1:8000/board (sign in with a token" in printed
    assert "public consultation pages: http://127.0.0.1:8000/public" in printed
    # The Web UI's setting the codec server needs, beside it (found by a Government Office's trial: only the README said it).
    assert 'turning on the Web UI\'s "Include cross-origin credentials"' in printed


async def test_a_server_that_cannot_bind_raises_in_its_block_and_the_event_loop_goes_on():
    """uvicorn exits the process when it cannot bind; from a task that escaped the event loop and hung `legis dev` (found
    by a fresh-user trial). It is now an error of the `serving` block, which its caller's cleanup handles."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(RuntimeError, match="could not serve HTTP on 127.0.0.1"):
            async with serving(Starlette(), "127.0.0.1", taken.getsockname()[1]):
                pass
    await asyncio.sleep(0.1)  # the event loop is still this test's
