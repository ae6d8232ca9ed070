"""`legis dev` as a newcomer runs it: everything starts, Ctrl-C stops it all, a second run resumes the drafts."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import uuid
from pathlib import Path

import psutil

LEGIS = str(Path(sys.executable).parent / "legis")
EXAMPLES = Path(__file__).resolve().parent.parent / "schemas" / "examples"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_stack(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(LEGIS, "dev", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    seen = ""
    async with asyncio.timeout(90):
        while "legis worker running" not in seen:
            line = await process.stdout.readline()
            assert line, f"legis dev ended early:\n{seen}"
            seen += line.decode()
    return process, seen


async def stop_stack(process: asyncio.subprocess.Process) -> None:
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGINT)
    async with asyncio.timeout(60):
        await process.communicate()
    assert process.returncode == 0
    await asyncio.sleep(1)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE], "Ctrl-C left processes behind"


async def legis(env, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(LEGIS, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return process.returncode, out.decode()


async def test_dev_stack_stops_cleanly_and_resumes_drafts(tmp_path):
    port, ui_port = free_port(), free_port()
    env = {**os.environ, "LEGIS_DATA_DIR": str(tmp_path / "data"), "LEGIS_TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
           "LEGIS_UI_PORT": str(ui_port), "COLUMNS": "200"}
    env.pop("LEGIS_DATABASE_URL", None)
    sid = f"DEV-{uuid.uuid4().hex[:8]}"
    request = tmp_path / "start.json"
    request.write_text((EXAMPLES / "start-request.json").read_text(encoding="utf-8").replace("BGDDT-2026-017", sid), encoding="utf-8")

    process, banner = await start_stack(env)
    try:
        assert f"Temporal Web UI: http://127.0.0.1:{ui_port}/namespaces/default/workflows" in banner
        assert (await legis(env, "start", str(request)))[0] == 0
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "01-policy-proposal.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
        code, second = await legis(env, "dev")
        assert code == 1 and "already in use" in second
    finally:
        await stop_stack(process)

    process, _ = await start_stack(env)
    try:
        code, out = await legis(env, "status", sid, "--json")
        assert code == 0 and json.loads(out)["stage"] == "LEGISLATIVE_PROGRAMME", out
        code, out = await legis(env, "decide", sid, str(EXAMPLES / "02-programme.json"), "--json")
        assert code == 0 and json.loads(out)["stage"] == "DRAFTING", out
        code, out = await legis(env, "history", sid, "--json")
        assert [e["seq"] for e in json.loads(out)["entries"]] == [1, 2, 3]
    finally:
        await stop_stack(process)
