"""Running `legis dev` and the `legis` command from tests, on ports of their own."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import psutil

LEGIS = str(Path(sys.executable).parent / "legis")


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


def stack_env(data_dir: Path) -> dict[str, str]:
    """Settings for a `legis dev` of a test's own: its data folder and free ports for everything it serves."""
    env = {**os.environ, "LEGIS_DATA_DIR": str(data_dir), "LEGIS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
           "LEGIS_UI_PORT": str(free_port()), "LEGIS_API_PORT": str(free_port()), "LEGIS_HEALTH_PORT": str(free_port()),
           "LEGIS_METRICS_PORT": str(free_port()), "COLUMNS": "200"}
    env.pop("LEGIS_DATABASE_URL", None)
    return env
