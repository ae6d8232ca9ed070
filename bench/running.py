"""What the benchmark's parts share: printing, driving jobs a few at a time, a filing to send, percentiles, the test install."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Awaitable, Callable

import typer

from schemas.enums import Actor, DocumentKind, Role, Stage
from schemas.messages import DossierFiling
from tests.drafts import document

TEST_INSTALL = ".venv/bin/pip install --require-hashes -r requirements-test.lock"


def require_test_install(what: str, *modules: str) -> None:
    """Stop in one line, before any server starts, where `what` needs modules only the test install brings: a
    benchmark's `--help`, and the parts that need no more, take requirements.lock alone (found by a fresh-user trial)."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as missing:
            typer.echo(f"{what} needs the test install ({missing.name} is missing): {TEST_INSTALL}", err=True)
            raise typer.Exit(2) from None


def say(line: str) -> None:
    """Print a line of the benchmark's report at once (a long run is followed as it goes)."""
    print(line, flush=True)


async def bounded(n: int, concurrency: int, job: Callable[[int], Awaitable[None]], label: str) -> float:
    """Run job(0..n-1) with at most `concurrency` at once; prints progress; returns seconds."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)
    done = 0
    started = time.perf_counter()

    async def runner() -> None:
        nonlocal done
        while not queue.empty():
            await job(queue.get_nowait())
            done += 1
            if done % max(1, n // 10) == 0:
                say(f"  {label}: {done}/{n}")

    await asyncio.gather(*(runner() for _ in range(concurrency)))
    return time.perf_counter() - started


def filing(lead_ministry: str, i: int) -> DossierFiling:
    """A dossier filing at POLICY_PROPOSAL by `lead_ministry`, its document numbered `i`: an update every draft takes."""
    return DossierFiling(stage=Stage.POLICY_PROPOSAL, actor=Actor.LEAD_MINISTRY, agency_code=lead_ministry, role=Role.MINISTER,
                         official="bench", documents=(document(DocumentKind.POLICY_PROPOSAL, str(i)),))


def percentile(samples: list[float], q: float) -> float:
    """The sample at quantile `q` (0 to 1) of `samples`, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
