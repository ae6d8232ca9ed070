"""The HTTP API when its parts fail (found by a breaker of outages): a request whose API process was killed, or whose
answer PostgreSQL lost, is applied once when sent again under its Idempotency-Key (the claim it left lapses, where every
retry was told `request_in_progress` for the key's 30 days); PostgreSQL that takes connections and answers nothing gets
503 within the API's bound (every read hung); a message sent while no worker polls is said so (`worker_unavailable`),
not blamed on the draft."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pgserver
import psutil
import pytest
from pgserver._commands import pg_ctl

from activities.database import create_pool, migrate
from schemas.enums import CallerRole, LawKind, Stage
from tests.conftest import TEST_KEY_ENTRY
from tests.drafts import decision, start_request
from tests.http_api import api_client, bearer
from tests.polling import eventually
from tests.ports import free_port
from tests.stack import LEGIS, postgres_in, stopped
from workers.worker import create_worker
from workflows import client as drafts


def api_process(dev_env, database_url: str, task_queue: str, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "LEGIS_DATABASE_URL": database_url, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
           "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TASK_QUEUE": task_queue, "LEGIS_API_PORT": str(port),
           "LEGIS_HEALTH_PORT": "none", "LEGIS_METRICS_PORT": "none", "LEGIS_API_RATE_PER_TOKEN": "none",
           "LEGIS_API_RATE_PER_ADDRESS": "none", "LEGIS_DATA_DIR": str(log.parent / "data"), "LEGIS_API_TIMEOUT": "5"}
    with log.open("ab") as out:
        return subprocess.Popen([LEGIS, "api"], env=env, stdout=out, stderr=subprocess.STDOUT)


async def _ready(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/readyz")).status_code == 200
    except httpx.TransportError:
        return False


@contextlib.asynccontextmanager
async def own_postgres() -> AsyncIterator[tuple[pgserver.PostgresServer, asyncpg.Pool]]:
    """A PostgreSQL of the test's own, migrated, and a pool over it: stopped, frozen or lost without another test's."""
    with tempfile.TemporaryDirectory(prefix="legis-pg-own-") as data_dir:
        server = pgserver.get_server(data_dir, cleanup_mode="delete")
        try:
            await migrate(server.get_uri())
            pool = await create_pool(server.get_uri())
            try:
                yield server, pool
            finally:
                await asyncio.wait_for(pool.close(), 30)
        finally:
            server.cleanup()


async def sent_until_taken(http: httpx.AsyncClient, path: str, message: dict, headers: dict, times: int) -> tuple[httpx.Response, list]:
    """The message sent again, as a client honouring Retry-After does, until it is answered 200 or `times` answers came:
    the last answer, and each answer's status and rule."""
    answers = []
    for _ in range(times):
        retried = await http.post(path, json=message, headers=headers)
        answers.append((retried.status_code, retried.json().get("rule")))
        if retried.status_code == 200:
            break
        await asyncio.sleep(float(retried.headers.get("retry-after", "1")))
    return retried, answers


@pytest.mark.timeout(200)
async def started_with_no_worker_left(client, pool, api):
    """An ordinance started through the API while a worker ran, which stops once the draft has run its first task and
    pinned its rulebook: (its request, a Government token's headers)."""
    request = start_request(law_kind=LawKind.ORDINANCE)
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    async with create_worker(client, pool, task_queue=api.task_queue):
        assert (await api.post("/v1/submissions", json=json.loads(request.model_dump_json()), headers=lead)).status_code == 201
        await drafts.status(client, request.submission_id)
    return request, await bearer(pool, "CP", CallerRole.GOVERNMENT)


async def test_a_decision_retried_with_its_key_after_the_api_was_killed_mid_request_is_applied_once(dev_env, database_url, pool, tmp_path):
    task_queue = f"apikill-{uuid.uuid4().hex[:8]}"
    request = start_request(law_kind=LawKind.ORDINANCE)
    sid = request.submission_id
    # The draft is started and has pinned its rulebook; then no worker polls its queue for a while (a worker restarting,
    # a slow one): the API's update waits for an answer.
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
        await drafts.status(dev_env.client, sid)
    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    decided = json.loads(decision(request, Stage.POLICY_PROPOSAL).model_dump_json())
    key = f"apikill-{uuid.uuid4().hex[:8]}"
    headers = government | {"Idempotency-Key": key}
    path = f"/v1/submissions/{sid}/decisions"

    port = free_port()
    api = api_process(dev_env, database_url, task_queue, port, tmp_path / "api.log")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            await eventually(lambda: _ready(http), bool)
            sent = asyncio.create_task(http.post(path, json=decided, headers=headers))
            # The API has taken the key and is waiting for the draft's answer...
            await eventually(lambda: pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = $1", key), lambda n: n == 1)
            await asyncio.sleep(1)
            # ...when its process dies.
            api.send_signal(signal.SIGKILL)
            api.wait()
            with contextlib.suppress(httpx.TransportError):
                await sent
    finally:
        if api.poll() is None:
            api.kill()
            api.wait()

    # The API is started again, a worker polls again, and the client sends the same request with the same key.
    api = api_process(dev_env, database_url, task_queue, port, tmp_path / "api.log")
    try:
        async with create_worker(dev_env.client, pool, task_queue=task_queue):
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
                await eventually(lambda: _ready(http), bool)
                # A client that honours Retry-After for a minute: far longer than the request the dead process held.
                retried, answers = await sent_until_taken(http, path, decided, headers, 30)
                assert retried.status_code == 200, (
                    f"the retry under the same Idempotency-Key never ran: answers {answers[:3]}... x{len(answers)}; "
                    f"the dead API's claim of the key is still {await pool.fetchrow('SELECT status, created_at FROM idempotency_keys WHERE key = $1', key)}")
                assert retried.json()["to_stage"] == "LEGISLATIVE_PROGRAMME"
            history = await drafts.history(dev_env.client, sid)
            assert [e.event.value for e in history.entries] == ["SUBMITTED", "DECISION"]  # applied once
    finally:
        await stopped(api)


@pytest.mark.timeout(200)
async def test_postgresql_lost_while_a_keyed_decision_is_answered_gives_its_receipt_and_its_retry_the_same(dev_env):
    """The same claim left behind without any process dying: PostgreSQL goes away while the API waits for the draft's
    answer, so the answer cannot be kept under the key (README, "Logs, metrics, traces and health": "The API answers
    each request it cannot serve meanwhile 503 (`database_unavailable`...)"; "No caller's mistake may ever ... answer
    500"). Once PostgreSQL is back, the client's retry under the same key must get the receipt of the decision the
    draft applied, not `request_in_progress` for the key's 30 days."""
    # Long enough to cover PostgreSQL's stop and the worker's start (a CI run: at 5 s the status query asked before the
    # decision was answered `timed_out`, and the decision never sent).
    async with own_postgres() as (server, pool), api_client(dev_env.client, pool, worker=False, api_timeout=15) as api:
        request, government = await started_with_no_worker_left(dev_env.client, pool, api)
        sid = request.submission_id
        decided = json.loads(decision(request, Stage.POLICY_PROPOSAL).model_dump_json())
        key = f"pgkeyed-{uuid.uuid4().hex[:8]}"
        headers = government | {"Idempotency-Key": key}
        path = f"/v1/submissions/{sid}/decisions"
        # No worker for a moment: the API has claimed the key and waits for the draft's answer.
        sent = asyncio.create_task(api.post(path, json=decided, headers=headers))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = $1", key), lambda n: n == 1)
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
        async with create_worker(dev_env.client, pool, task_queue=api.task_queue):
            try:
                first = await asyncio.wait_for(sent, 60)
                first_answer = (first.status_code, first.text[:200])
            except Exception as failed:  # noqa: BLE001 - the in-process transport re-raises what a server answers 500
                first_answer = (500, f"internal_error: {type(failed).__name__} raised through the app")
            server.ensure_postgres_running()
            # Its audit trail written once PostgreSQL is back (before the worker stops: a retrying write holds it).
            await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", sid),
                             lambda written: written == 2, seconds=90)
            # The draft took the decision (its audit write waited for PostgreSQL, and is written now).
            history = await eventually(lambda: drafts.history(dev_env.client, sid), lambda h: len(h.entries) == 2)
            assert [e.event.value for e in history.entries] == ["SUBMITTED", "DECISION"]
            retried, answers = await sent_until_taken(api, path, decided, headers, 12)  # the claim lapses 45 s after it was made
        claim = await pool.fetchrow("SELECT status, created_at FROM idempotency_keys WHERE key = $1", key)
        # The draft applied it: its receipt is the answer, though PostgreSQL could not keep it under the key.
        assert (first_answer[0], retried.status_code) == (200, 200), (
            f"first answer {first_answer}; retries {answers}; the key's claim: {dict(claim) if claim else None}")
        assert retried.json()["to_stage"] == "LEGISLATIVE_PROGRAMME"
        # Applied once (read in the audit trail: no worker answers the draft's queries any more).
        assert await pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", sid) == 2


@pytest.mark.timeout(150)
async def test_a_decision_while_no_worker_polls_is_not_said_to_wait_for_the_drafts_first_task(dev_env, pool):
    """With every worker of the queue stopped (a restart, a crash), Temporal answers an update FAILED_PRECONDITION "no
    poller seen for task queue recently, worker may be down". The API says the draft "has not run its first task yet"
    (`draft_not_ready`), of a draft that has run many: an operator reading it looks at the draft, not at the workers
    (README, "HTTP API": `draft_not_ready` is "while it pins its rulebook"; a worker unavailable is its own case)."""
    async with api_client(dev_env.client, pool, worker=False) as api:
        request, government = await started_with_no_worker_left(dev_env.client, pool, api)
        sid = request.submission_id
        answer = await api.post(f"/v1/submissions/{sid}/decisions", json=json.loads(decision(request, Stage.POLICY_PROPOSAL).model_dump_json()),
                                headers=government | {"Idempotency-Key": f"nopoller-{uuid.uuid4().hex[:8]}"})
        assert answer.status_code in (503, 504), answer.text
        said = answer.json()
        assert "first task" not in said["detail"] and said["rule"] != "draft_not_ready", said


# `api.deps.database` gives PostgreSQL 10 s; the bound here leaves room for a loaded machine.
BOUND_SECONDS = 30


@contextlib.contextmanager
def frozen(pgdata: Path):
    """Every process of the server stopped (SIGSTOP) for the block, then continued, whatever happens."""
    held = postgres_in(pgdata)
    assert held, "no PostgreSQL process found"
    with suspended(held):
        yield


@contextlib.contextmanager
def suspended(held: list[psutil.Process]):
    """`held` stopped (SIGSTOP) for the block, then continued, whatever happens."""
    for process in held:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for process in held:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(signal.SIGCONT)


@pytest.mark.timeout(150)
@pytest.mark.parametrize("path", ["/v1/submissions/{sid}", "/v1/submissions/{sid}/history", "/v1/submissions?size=5"])
async def test_reads_answer_503_within_their_bound_while_postgresql_does_not_answer(dev_env, path):
    async with own_postgres() as (server, pool), api_client(dev_env.client, pool) as api:
        request = start_request(law_kind=LawKind.ORDINANCE)
        operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
        lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
        assert (await api.post("/v1/submissions", json=json.loads(request.model_dump_json()), headers=lead)).status_code == 201
        target = path.format(sid=request.submission_id)
        # A read as any comes: the pool keeps the connection it used, idle, for the next request.
        assert (await api.get(target, headers=operator)).status_code == 200
        with frozen(Path(server.pgdata)):
            began = asyncio.get_running_loop().time()
            try:
                answer = await asyncio.wait_for(api.get(target, headers=operator), BOUND_SECONDS)
            except TimeoutError:
                answer = None
            took = asyncio.get_running_loop().time() - began
        assert answer is not None, f"GET {path}: no answer within {BOUND_SECONDS} s while PostgreSQL does not answer"
        assert answer.status_code == 503 and answer.json()["rule"] == "database_unavailable", (answer.status_code, answer.text[:300])
        assert took < BOUND_SECONDS
