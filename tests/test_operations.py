"""Workers as production runs them: two `legis worker` processes on one task queue, JSON logs,
Prometheus metrics, health endpoints and SIGTERM, against a real Temporal and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from schemas.enums import Stage
from tests.conftest import TEST_KEY_ENTRY
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.ports import free_port
from workers.dev_stack import temporal_binary
from workers.health import worker_health_app
from workflows import client as drafts

LEGIS = str(Path(sys.executable).parent / "legis")
DRAFT_COUNT = 8
STAGES = (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME)


async def start_worker(env: dict[str, str]) -> tuple[asyncio.subprocess.Process, list[dict]]:
    process = await asyncio.create_subprocess_exec(LEGIS, "worker", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    lines: list[dict] = []

    async def read() -> None:
        async for raw in process.stdout:
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                lines.append({"event": "not json", "raw": raw.decode(errors="replace")})

    process.reader = asyncio.create_task(read())
    try:
        await eventually(lambda: asyncio.sleep(0, lines), lambda seen: any(line.get("event") == "worker running" for line in seen), seconds=60)
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise
    return process, lines


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:_total)?\{{(.*)\}} ([0-9.e+]+)$", line)
        if match and all(f'{k}="{v}"' in match.group(1) for k, v in labels.items()):
            total += float(match.group(2))
    return total


@pytest.mark.timeout(240)
async def test_two_worker_processes_share_the_queue_log_json_export_metrics_and_stop_on_sigterm(dev_env, fresh_database_url):
    # One draft overdue in the registry, for the gauge of drafts overdue by agency.
    connection = await asyncpg.connect(fresh_database_url)
    await connection.execute(
        "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage, stage_since,"
        " stage_deadline, classified, last_seq, responsible) VALUES ('OVERDUE-1', 'draft-law-OVERDUE-1', 'BXD', 'LAW_2025', '16-2',"
        " 'DRAFTING', now() - interval '90 days', current_date - 10, false, 5, 'BXD'),"
        " ('SECRET-1', 'draft-law-SECRET-1', 'BQP', 'LAW_2025', '16-2', 'DRAFTING', now() - interval '90 days', current_date - 10,"
        " true, 5, 'BQP')"
    )
    await connection.close()

    task_queue = f"ops-{uuid.uuid4().hex[:8]}"
    base = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
            "LEGIS_DATABASE_URL": fresh_database_url, "LEGIS_TASK_QUEUE": task_queue, "LEGIS_LOG_JSON": "true",
            # No cache: every workflow task replays the draft's history, which must not repeat a log line.
            "LEGIS_MAX_CACHED_WORKFLOWS": "0"}
    ports = [{"LEGIS_HEALTH_PORT": str(free_port()), "LEGIS_METRICS_PORT": str(free_port())} for _ in range(2)]
    workers: list[tuple[asyncio.subprocess.Process, list[dict]]] = []
    try:
        # Started one by one inside the try: a worker that fails to start leaves none running behind it.
        for p in ports:
            workers.append(await start_worker(base | p))
        async with httpx.AsyncClient(timeout=10) as http:
            for p in ports:
                ready = await http.get(f"http://127.0.0.1:{p['LEGIS_HEALTH_PORT']}/readyz")
                assert ready.status_code == 200 and ready.json()["checks"] == {"temporal": "ok", "postgres": "ok", "worker": "ok"}

            requests = [start_request(prefix="OPS") for _ in range(DRAFT_COUNT)]
            for request in requests:
                await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
            for stage in STAGES:
                await asyncio.gather(*(drafts.decide(dev_env.client, r.submission_id, decision(r, stage)) for r in requests))
            expected_rows = DRAFT_COUNT * (1 + len(STAGES))

            def all_lines() -> list[dict]:
                return [line for _, lines in workers for line in lines]

            recorded = await eventually(
                lambda: asyncio.sleep(0, [line for line in all_lines() if line.get("event") == "audit events recorded"]),
                lambda seen: sum(line["last_seq"] - line["first_seq"] + 1 for line in seen) >= expected_rows,
            )
            logs = all_lines()
            # Both processes took work from the one task queue.
            per_worker = [sum(1 for line in lines if line.get("event") == "audit events recorded") for _, lines in workers]
            assert all(count > 0 for count in per_worker), per_worker
            for line in recorded:
                assert line["activity"] == "record_events" and line["attempt"] >= 1
                # Written inside the activity's span: its trace ID, though no traces are exported.
                assert len(line["trace_id"]) == 32 and len(line["span_id"]) == 16
                assert line["workflow_id"] == f"draft-law-{line['submission_id']}" and line["run_id"]
            # The workflow's own lines: one per decision, though every task replayed the whole history.
            decided = Counter(line["submission_id"] for line in logs if line.get("event") == "decision recorded")
            assert decided == {r.submission_id: len(STAGES) for r in requests}
            assert all(line.get("run_id") and line.get("workflow_id") for line in logs if line.get("event") == "decision recorded")

            scraped = [(await http.get(f"http://127.0.0.1:{p['LEGIS_METRICS_PORT']}/metrics")).text for p in ports]
            assert sum(metric(text, "legis_decisions", stage="POLICY_PROPOSAL", outcome="APPROVE") for text in scraped) == DRAFT_COUNT
            assert sum(metric(text, "legis_decisions") for text in scraped) == DRAFT_COUNT * len(STAGES)
            assert all('service_name="legis-worker"' in text and 'service_name="temporal-core-sdk"' not in text for text in scraped)
            # The SDK's own metrics come out of the same endpoint.
            assert sum(metric(text, "temporal_activity_execution_latency_seconds_count", activity_type="record_events") for text in scraped) >= len(recorded)
            assert all(metric(text, "legis_drafts_overdue", agency="BXD") == 1 for text in scraped)
            assert all(metric(text, "legis_drafts_overdue", agency="CLASSIFIED") == 1 and 'agency="BQP"' not in text for text in scraped)
    finally:
        for process, _ in workers:
            process.send_signal(signal.SIGTERM)
        for process, lines in workers:
            async with asyncio.timeout(30):
                await process.wait()
                await process.reader
            assert process.returncode == 0, lines[-5:]
            assert any(line.get("event", "").startswith("stopping") for line in lines)
            assert lines[-1].get("event") == "worker stopped", lines[-3:]  # a clean stop says so last (found by a trial)


async def test_a_worker_that_cannot_reach_temporal_is_not_said_ready_to_work(pool):
    """Found by an outages breaker: with Temporal stopped, the worker's readiness said `worker: ok` beside a failing
    `temporal` (its answer was 503 all the same): a worker whose polls reach no server takes no work."""
    server = await WorkflowEnvironment.start_local(dev_server_existing_path=temporal_binary())
    app = worker_health_app(server.client, pool, polling=lambda: True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker") as http:
        up = await http.get("/readyz")
        assert up.status_code == 200 and up.json()["checks"] == {"temporal": "ok", "postgres": "ok", "worker": "ok"}, up.json()
        await server.shutdown()
        down = await http.get("/readyz")
    assert down.status_code == 503 and down.json()["checks"]["postgres"] == "ok", down.json()
    assert down.json()["checks"]["temporal"].startswith("failing: does not answer"), down.json()
    assert down.json()["checks"]["worker"] == "failing: cannot poll while Temporal does not answer", down.json()
