"""A statement PostgreSQL cancels (its `statement_timeout`, as production databases often set one) is the database not
answering: 503 with Retry-After, and an applied decision's receipt still given (found by a breaker of processes: 500)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx

from activities.database import create_pool
from schemas.enums import CallerRole, LawKind, Stage
from tests.drafts import consultation, decision, start_request
from tests.http_api import api_client, bearer, body, problem
from tests.polling import eventually
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts


@contextlib.asynccontextmanager
async def _pool_with_statement_timeout(fresh_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool over a database of the test's own whose DBA set `statement_timeout` (1 s), as production databases often
    have: a statement that waits longer (a lock held by a migration, a vacuum, an operator's transaction) is cancelled by
    the server, `QueryCanceledError`."""
    admin = await asyncpg.connect(fresh_database_url)
    try:
        await admin.execute(f"ALTER DATABASE \"{admin._params.database}\" SET statement_timeout = '1s'")
    finally:
        await admin.close()
    own = await create_pool(fresh_database_url)
    try:
        yield own
    finally:
        await own.close()


async def _raise(failure: BaseException):
    raise failure


async def answer_of(call) -> httpx.Response:
    """The API's answer; an exception the app let out (the in-process transport raises it where a served API answers 500
    `internal_error`) as this test's failure, naming it."""
    try:
        return await call
    except (asyncpg.PostgresError, OSError) as failure:
        raise AssertionError(f"the API answered 500 internal_error: {type(failure).__name__}: {failure}") from None


async def test_a_read_cancelled_by_the_databases_statement_timeout_is_503_not_500(dev_env, fresh_database_url):
    """A request whose token lookup waits on a lock longer than the database's statement_timeout: the server cancels
    it (QueryCanceledError) and the API answered 500 `internal_error` ("a failure of the server's own (a bug)"), with a
    traceback; the same wait without the timeout is 503 `database_unavailable` with Retry-After after 10 s. README: 503
    while "PostgreSQL [is] unavailable", "not a bare 500"."""
    async with _pool_with_statement_timeout(fresh_database_url) as own, api_client(dev_env.client, own, worker=False) as api:
        operator = await bearer(own, "VPCP", CallerRole.OPERATOR)
        assert (await api.get("/v1/submissions", headers=operator)).status_code == 200
        async with own.acquire() as blocker, blocker.transaction():
            await blocker.execute("SET LOCAL statement_timeout = 0")
            await blocker.execute("LOCK TABLE api_tokens IN ACCESS EXCLUSIVE MODE")
            response = await answer_of(api.get("/v1/submissions", headers=operator))
        assert response.status_code == 503, response.text
        problem(response, 503, "database_unavailable")
        assert response.headers["retry-after"]


async def test_an_applied_decision_whose_answer_cannot_be_kept_for_the_statement_timeout_gets_its_receipt(dev_env, fresh_database_url):
    """A keyed decision the draft applied, whose answer the API then could not record in `idempotency_keys` (its row
    locked past the database's statement_timeout): the caller was answered 500 `internal_error` for a decision that was
    applied, and its retries `request_in_progress` (409) until the claim lapsed. README: "PostgreSQL lost before the
    answer was written: its caller still gets the answer when there is one" (as `_keep` does for an outage, not for a
    statement the server cancelled)."""
    request = start_request(law_kind=LawKind.ORDINANCE)
    async with _pool_with_statement_timeout(fresh_database_url) as own, api_client(dev_env.client, own, worker=False) as api:
        async with create_worker(dev_env.client, own, task_queue=api.task_queue):
            await drafts.start_submission(dev_env.client, request, task_queue=api.task_queue)
            await drafts.status(dev_env.client, request.submission_id)
        government = await bearer(own, "CP", CallerRole.GOVERNMENT)
        key = f"kept-{uuid.uuid4().hex[:8]}"
        sent = asyncio.create_task(api.post(f"/v1/submissions/{request.submission_id}/decisions",
                                            json=body(decision(request, Stage.POLICY_PROPOSAL)),
                                            headers=government | {"Idempotency-Key": key}))
        # The API has claimed the key and waits for a worker to apply the decision (the test's own look, with no timeout:
        # on a loaded machine the server cancelled it)...
        looker = await asyncpg.connect(fresh_database_url, server_settings={"statement_timeout": "0"})
        try:
            await eventually(lambda: looker.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = $1", key), lambda n: n == 1)
        finally:
            await looker.close()
        async with own.acquire() as blocker, blocker.transaction():
            await blocker.execute("SET LOCAL statement_timeout = 0")
            # ...while another session holds the claim's row (a cleanup job, an operator's transaction)...
            await blocker.execute("SELECT 1 FROM idempotency_keys WHERE key = $1 FOR UPDATE", key)
            # ...and a worker comes back and applies it.
            async with create_worker(dev_env.client, own, task_queue=api.task_queue):
                answered = await asyncio.wait_for(asyncio.gather(sent, return_exceptions=True), 60)
                applied = [e.event.value for e in (await drafts.history(dev_env.client, request.submission_id)).entries]
    assert applied == ["SUBMITTED", "DECISION"]  # the draft took the decision
    response = await answer_of(asyncio.sleep(0, answered[0]) if isinstance(answered[0], httpx.Response) else _raise(answered[0]))
    assert response.status_code == 200, response.text
    assert response.json()["to_stage"] == "LEGISLATIVE_PROGRAMME"


async def test_an_opened_round_gets_its_receipt_when_its_warnings_cannot_be_read(dev_env, fresh_database_url):
    """The API looks up which consultees have no token (`agencies_without_tokens`) after the draft opened the round. A
    statement PostgreSQL cancels there (its `statement_timeout`; the tokens' table locked by an operator's transaction)
    turned the applied opening into 503 `database_unavailable` (found by a breaker): the caller was told to retry a round
    that is open. The receipt comes without the warning."""
    request = start_request()
    async with _pool_with_statement_timeout(fresh_database_url) as own, api_client(dev_env.client, own, worker=False) as api:
        async with create_worker(dev_env.client, own, task_queue=api.task_queue):
            await drafts.start_submission(dev_env.client, request, task_queue=api.task_queue)
            await approve(dev_env.client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
        lead = await bearer(own, request.lead_ministry, CallerRole.LEAD_MINISTRY)
        key = f"round-{uuid.uuid4().hex[:8]}"
        sent = asyncio.create_task(api.post(f"/v1/submissions/{request.submission_id}/consultations",
                                            json=body(consultation(request, "R1")), headers=lead | {"Idempotency-Key": key}))
        # Authenticated, the key claimed, the API waits for a worker to apply the opening...
        async def claimed() -> int:  # the test's own look, which the database's 1 s is not for (CI: cancelled on a loaded machine)
            async with own.acquire() as looking, looking.transaction():
                await looking.execute("SET LOCAL statement_timeout = 0")
                return await looking.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = $1", key)

        await eventually(claimed, lambda n: n == 1)
        async with own.acquire() as blocker, blocker.transaction():
            await blocker.execute("SET LOCAL statement_timeout = 0")
            await blocker.execute("LOCK TABLE api_tokens IN ACCESS EXCLUSIVE MODE")
            async with create_worker(dev_env.client, own, task_queue=api.task_queue):
                answered = await asyncio.wait_for(asyncio.gather(sent, return_exceptions=True), 60)
                opened = [r.round_id for r in (await drafts.status(dev_env.client, request.submission_id)).open_consultations]
    assert opened == ["R1"]  # the draft opened the round
    response = answered[0]
    if not isinstance(response, httpx.Response):
        response = await answer_of(_raise(response))
    assert response.status_code == 200, response.text
