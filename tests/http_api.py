"""Helpers for tests of the HTTP API: an app over the test environment, tokens, bodies and the problem shape."""

from __future__ import annotations

import contextlib
import itertools
import json
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
from temporalio.client import Client

from api.app import create_app
from api.tokens import issue
from schemas.enums import CallerRole, Stage
from schemas.refusal import RefusalKind
from tests.drafts import decision, start_request
from tests.ports import free_port
from workers.health import serving
from workers.settings import Settings
from workers.worker import create_worker

# The rates per client are kept in the process's memory across tests: each client an address of its own, never one
# drawn again (two drawn at random met once in 250, and a test's first comment was refused as over the rate).
_ADDRESSES = itertools.count(1)


def unused_address() -> str:
    """A loopback address no other client of this test process has had (from 127.1.0.1 on: the tests' fixed ones are 127.0.0.x)."""
    n = next(_ADDRESSES)
    return f"127.{1 + (n >> 16 & 127)}.{n >> 8 & 255}.{n & 255}"


@contextlib.asynccontextmanager
async def api_client(client: Client, pool: asyncpg.Pool, *, worker: bool = True, task_queue: str | None = None,
                     **settings: object) -> AsyncIterator[httpx.AsyncClient]:
    """The API in this process over `client` and `pool`, with a worker on a task queue of its own (or none; or the queue
    `task_queue`, another API's), named by the HTTP client's `task_queue`."""
    task_queue = task_queue or f"api-{uuid.uuid4().hex[:8]}"
    configured = Settings(**{"api_rate_per_token": "none", "api_rate_per_address": "none", "api_refusals_recorded": "none", **settings})
    async with contextlib.AsyncExitStack() as stack:
        if worker:
            await stack.enter_async_context(create_worker(client, pool, task_queue=task_queue))
        app = create_app(client=client, pool=pool, task_queue=task_queue, settings=configured)
        transport = httpx.ASGITransport(app=app, client=(unused_address(), 50000))
        http = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://legis.test"))
        http.task_queue = task_queue
        yield http


async def bearer(pool: asyncpg.Pool, agency: str, role: CallerRole, **fields: object) -> dict[str, str]:
    _, token = await issue(pool, agency_code=agency, role=role, issued_by="test operator", **fields)
    return {"Authorization": f"Bearer {token}"}


async def refusals_of(pool: asyncpg.Pool, submission_id: str) -> list[dict]:
    """The refused attempts `access_refusals` holds for a draft, oldest first."""
    rows = await pool.fetch("SELECT * FROM access_refusals WHERE submission_id = $1 ORDER BY id", submission_id)
    return [dict(r) for r in rows]


def body(model) -> dict:
    return json.loads(model.model_dump_json())


def problem(response: httpx.Response, status: int, rule: str | None = None, field: str | None = None) -> dict:
    """The RFC 9457 problem of `response`, checked for its status, content type, members and (if given) rule and field."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json", response.headers
    answer = response.json()
    assert answer["status"] == status and answer["type"] == f"urn:legis:rule:{answer['rule']}" and answer["title"] == answer["rule"]
    assert answer["field"] and answer["rule"] and answer["detail"], answer
    assert answer.get("kind") in {kind.value for kind in RefusalKind}, answer  # every problem says what the caller can do
    if rule is not None:
        assert answer["rule"] == rule, answer
    if field is not None:
        assert answer["field"] == field, answer
    return answer


async def started_at_drafting(api, pool, ministry: str = "BGDDT", *, classified: bool = False):
    """A draft started by its ministry's system and carried to DRAFTING by the Government and UBTVQH."""
    request = start_request(ministry=ministry, classified=classified)
    lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
    response = await api.post("/v1/submissions", json=body(request), headers=lead)
    assert response.status_code == 201, response.text
    for stage, actor, agency in ((Stage.POLICY_PROPOSAL, CallerRole.GOVERNMENT, "CP"), (Stage.LEGISLATIVE_PROGRAMME, CallerRole.UBTVQH, "UBTVQH")):
        token = await bearer(pool, agency, actor)
        response = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, stage)), headers=token)
        assert response.status_code == 200, response.text
    return request, lead


@contextlib.asynccontextmanager
async def served_api(pool, **settings: str) -> AsyncIterator[str]:
    """The API's app (no Temporal client) served as `legis dev` serves it (`workers.health.serving`) on a free port of
    127.0.0.1, with no rate limits but those `settings` name; yields its base URL."""
    config = Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none", **settings)
    port = free_port()
    async with serving(create_app(pool=pool, settings=config), "127.0.0.1", port, **config.http_options()):
        yield f"http://127.0.0.1:{port}"
