"""Liveness and readiness over HTTP, for the worker (and the API): what an orchestrator probes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import asyncpg
import uvicorn
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from temporalio.client import Client

from activities.database import within

PROBE_SECONDS = 3.0


class Health(BaseModel):
    status: str
    checks: dict[str, str]


async def dependency_checks(client: Client, pool: asyncpg.Pool) -> dict[str, str]:
    async def temporal() -> None:
        await client.service_client.check_health()

    async def postgres() -> None:
        await pool.fetchval("SELECT 1")

    results = {}
    for name, check in (("temporal", temporal), ("postgres", postgres)):
        try:
            # Given up on at its bound, not waited for through its cancellation (found by a breaker: the first probe after
            # PostgreSQL froze hung as long as it stayed frozen).
            await within(check(), PROBE_SECONDS)
            results[name] = "ok"
        except Exception as failed:  # any failure means "not ready"; its kind is what an operator needs
            results[name] = f"failing: does not answer ({type(failed).__name__})"
    return results


READY_AGAIN_SECONDS = 5


def readiness_response(checks: dict[str, str]) -> JSONResponse:
    ready = all(result == "ok" for result in checks.values())
    body = Health(status="ready" if ready else "not ready", checks=checks)
    # A 503 says when to ask again, as every other 503 does (README).
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=None if ready else {"Retry-After": str(READY_AGAIN_SECONDS)})


def worker_check(polling: bool, *, temporal: str) -> str:
    """The worker's own line of its readiness: a worker whose polls cannot reach Temporal takes no work, though it runs
    (found by an outages breaker: it said `ok` beside a failing `temporal`)."""
    if not polling:
        return "failing: not polling"
    return "ok" if temporal == "ok" else "failing: cannot poll while Temporal does not answer"


def worker_health_app(client: Client, pool: asyncpg.Pool, polling: Callable[[], bool]) -> Starlette:
    async def alive(request: Request) -> JSONResponse:
        return JSONResponse(Health(status="ok", checks={}).model_dump())

    async def ready(request: Request) -> JSONResponse:
        checks = await dependency_checks(client, pool)
        checks["worker"] = worker_check(polling(), temporal=checks["temporal"])
        return readiness_response(checks)

    return Starlette(routes=[Route("/healthz", alive), Route("/readyz", ready)])


async def _serve(server: uvicorn.Server) -> None:
    """uvicorn exits the process (SystemExit) when it cannot bind: raised from a task, that would escape the event loop,
    skip every cleanup and leave the process hanging with its signals no longer handled (found by a fresh-user trial:
    `legis dev` with two settings on one port could only be killed)."""
    try:
        await server.serve()
    except SystemExit:
        raise RuntimeError("uvicorn exited") from None


@contextlib.asynccontextmanager
async def serving(app, host: str, port: int, *, proxy_headers: bool = False, forwarded_allow_ips: list[str] | None = None,
                  http: type | str = "auto") -> AsyncIterator[uvicorn.Server]:
    """Serve an ASGI app in this event loop for the duration of the block; X-Forwarded-For believed only from the proxies
    `forwarded_allow_ips` names, with `proxy_headers`; `http`, uvicorn's protocol (`Settings.http_options`)."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False, lifespan="off",
                                           proxy_headers=proxy_headers, forwarded_allow_ips=forwarded_allow_ips, http=http))
    task = asyncio.create_task(_serve(server))
    while not server.started:
        if task.done():
            # uvicorn logs why (e.g. the port is taken) and exits.
            with contextlib.suppress(RuntimeError):
                task.result()
            raise RuntimeError(f"could not serve HTTP on {host}:{port} (is the port taken?)")
        await asyncio.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        await task
