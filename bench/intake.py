"""Sustained intake of public comments through the HTTP API, for `bench.public_comments`.

`legis api` runs in processes of its own (so that their CPU is counted apart), as many as asked, each on its own port of
127.0.0.1: several API processes behind a load balancer is how the API scales (it keeps no state but the per-client
rate, see the README). The load generator stands in for the balancer and spreads its connections evenly over them.

The load generator is `wrk` (Debian's package) when it is installed: a C program that costs a few tens of µs of CPU per
request, so that the machine's two cores go to the API and PostgreSQL; else an asyncio client (aiohttp), which costs
about 300 µs per request on this machine. Either is bounded: wrk by its duration, the client by a count and a time.
Every comment's text is its own, so none is taken as a repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import psutil

if TYPE_CHECKING:  # a package of the test install: imported where a benchmark sends requests, so that `--help` runs without it
    import aiohttp

LUA = Path(__file__).with_name("comments.lua")
ARTICLES = 120


def say(line: str) -> None:
    print(line, flush=True)


def cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def children_cpu() -> float:
    """CPU of this process's children that have ended and been waited for (the wrk processes)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def comment_text(i: int) -> str:
    return (f"Ý kiến số {i}: đề nghị cơ quan soạn thảo làm rõ phạm vi điều chỉnh, thời hạn giải quyết thủ tục và trách nhiệm "
            f"của cơ quan nhà nước có thẩm quyền; bổ sung quy định chuyển tiếp cho các trường hợp đang giải quyết ({i % 977}).")


@dataclass
class ApiProcesses:
    """`legis api` processes, one per port, each logging to a file of its own."""

    processes: list[subprocess.Popen]
    ports: list[int]
    logs: list[Path]

    @classmethod
    def start(cls, count: int, first_port: int, env: dict[str, str], log_dir: Path) -> ApiProcesses:
        legis = str(Path(sys.executable).parent / "legis")
        processes, ports, logs = [], [], []
        for n in range(count):
            port, log = first_port + n, log_dir / f"legis-bench-api-{n}.log"
            with open(log, "w") as out:
                # Each its own metrics port too, as replicas of a deployment each have theirs.
                processes.append(subprocess.Popen([legis, "api"], env={**env, "LEGIS_API_PORT": str(port), "LEGIS_METRICS_PORT": str(port + 100)},
                                                  stdout=out, stderr=subprocess.STDOUT))
            ports.append(port)
            logs.append(log)
        return cls(processes, ports, logs)

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def psutil(self) -> list[psutil.Process]:
        return [psutil.Process(p.pid) for p in self.processes]

    async def ready(self) -> None:
        import aiohttp

        async with aiohttp.ClientSession() as probe:
            for process, base, log in zip(self.processes, self.bases, self.logs, strict=True):
                for _ in range(300):
                    if process.poll() is not None:
                        raise SystemExit(f"legis api exited ({process.returncode}); see {log}")
                    with contextlib.suppress(aiohttp.ClientError):
                        async with probe.get(f"{base}/healthz") as up:
                            if up.status == 200:
                                break
                    await asyncio.sleep(0.1)
                else:
                    raise SystemExit(f"legis api did not answer on {base}; see {log}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


async def post_comments(bases: list[str], sid: str, round_id: str, count: int, concurrency: int, seconds_max: float,
                        first: int = 0) -> tuple[int, int, float]:
    """Send `count` comments (numbered from `first`, so that no two calls send the same text) with `concurrency` requests
    in flight at most, spread over the API processes, stopping at `seconds_max`; returns (taken, refused, seconds)."""
    import aiohttp

    next_index, taken, failed, last = first, 0, 0, first + count
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    deadline = started + seconds_max

    async def sender(session: aiohttp.ClientSession, url: str) -> None:
        nonlocal next_index, taken, failed
        while next_index < last and time.perf_counter() < deadline:
            i = next_index
            next_index += 1
            async with session.post(url, json={"article": i % ARTICLES + 1 if i % 10 else None, "text": comment_text(i)}) as answer:
                await answer.read()
                if answer.status == 201:
                    taken += 1
                else:
                    failed += 1
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1

    urls = [f"{base}/v1/public/consultations/{sid}/{round_id}/comments" for base in bases]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(sender(session, urls[n % len(urls)]) for n in range(concurrency)))
    if statuses:
        say(f"refused by status: {statuses}")
    return taken, failed, time.perf_counter() - started


async def wrk(bases: list[str], sid: str, round_id: str, connections: int, seconds: float, prefix: str) -> list[str]:
    """One wrk process per API process, all at once, for `seconds`; their summary lines."""
    per = max(1, connections // len(bases))
    runs = [await asyncio.create_subprocess_exec(
        "wrk", "-t1", f"-c{per}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(LUA),
        f"{base}/v1/public/consultations/{sid}/{round_id}/comments", "--", f"{prefix}-{n}",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT) for n, base in enumerate(bases)]
    outputs = await asyncio.gather(*(run.communicate() for run in runs))
    return [line for out, _ in outputs for line in out.decode().splitlines() if line.startswith("wrk:")]


@dataclass(frozen=True)
class Intake:
    taken: int
    seconds: float
    api_us: float
    postgres_us: float
    generator_us: float
    notes: str

    @property
    def rate(self) -> float:
        return self.taken / self.seconds

    @property
    def capacity(self) -> float:
        """Comments a second this machine's cores would take at these CPU figures, with nothing else running."""
        return capacity(self.api_us + self.postgres_us + self.generator_us)


def capacity(cpu_us_per_comment: float) -> float:
    return (os.cpu_count() or 1) * 1e6 / max(cpu_us_per_comment, 1)


async def held(pool: asyncpg.Pool, sid: str, round_id: str) -> int:
    return await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1 AND round_id = $2", sid, round_id)


async def intake(apis: ApiProcesses, pg: list[psutil.Process], pool: asyncpg.Pool, sid: str, round_id: str, *, connections: int,
                 seconds: float, count: int, prefix: str, first: int, use_wrk: bool) -> Intake:
    """One measured stretch of intake: comments stored (counted in PostgreSQL), and the CPU each side spent per comment
    (the load generator's includes this process's, where the benchmark's Temporal worker idles)."""
    api, me = apis.psutil(), psutil.Process()
    stored_before = await held(pool, sid, round_id)
    before = (cpu(api), cpu(pg), children_cpu() + cpu([me]), time.perf_counter())
    if use_wrk:
        notes = "; ".join(await wrk(apis.bases, sid, round_id, connections, seconds, prefix))
    else:
        _, refused, _ = await post_comments(apis.bases, sid, round_id, count, connections, seconds, first=first)
        notes = f"aiohttp: {refused} refused"
    after = (cpu(api), cpu(pg), children_cpu() + cpu([me]), time.perf_counter())
    taken = await held(pool, sid, round_id) - stored_before
    per = [(after[k] - before[k]) * 1e6 / max(taken, 1) for k in range(3)]
    return Intake(taken, after[3] - before[3], per[0], per[1], per[2], notes)


def wrk_installed() -> bool:
    return shutil.which("wrk") is not None and os.access(LUA, os.R_OK)
