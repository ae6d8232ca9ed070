"""The application's metrics, counted by the workflow through the Temporal runtime: read from a
metric buffer while a draft is decided, warned, overrun and escalated in the time-skipping server."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig

from schemas.enums import Stage
from tests.conftest import TEST_KEYS
from tests.drafts import start_request
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts
from workflows.client import connect

S = Stage


async def test_decisions_warnings_escalations_and_missed_deadlines_are_counted(time_skipping_env, pool):
    env = time_skipping_env
    buffer = MetricBuffer(10_000)
    client = await connect(env.client.service_client.config.target_host, keys=TEST_KEYS, runtime=Runtime(telemetry=TelemetryConfig(metrics=buffer)))
    task_queue = f"metrics-{uuid.uuid4().hex[:8]}"
    request = start_request()
    async with create_worker(client, pool, task_queue=task_queue):
        with env.with_time_skipping_disabled():
            await drafts.start_submission(env.client, request, task_queue=task_queue)
        await approve(env.client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING])
        # Appraisal's 30 days run out: warnings, the deadline passed, then the escalation ladder.
        await env.fast_forward(drafts.draft(env.client, request.submission_id), timedelta(days=60))
        history = await drafts.history(env.client, request.submission_id)

    counted: Counter[tuple[str, str]] = Counter()
    for update in buffer.retrieve_updates():
        if update.metric.name.startswith("legis_"):
            counted[(update.metric.name, update.attributes.get("stage", ""))] += update.value
    recorded = Counter(e.event.value for e in history.entries)
    assert counted[("legis_decisions", "POLICY_PROPOSAL")] == 1 and counted[("legis_decisions", "DRAFTING")] == 1
    assert counted[("legis_warnings", "APPRAISAL")] == recorded["WARNING"] >= 1
    assert counted[("legis_deadlines_missed", "APPRAISAL")] == recorded["DEADLINE_PASSED"] == 1
    assert counted[("legis_escalations", "APPRAISAL")] == recorded["ESCALATION"] >= 2
