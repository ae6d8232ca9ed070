"""An audit write cancelled at its timeout while PostgreSQL is frozen is logged as the outage it is, one warning line
without a traceback (README, "Health"), not the SDK's "Completing activity as failed" with three chained tracebacks
(found by a breaker: CancelledError -> TimeoutError in `GroupCommit.write` -> CancelledError: Activity cancelled)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateStage

from schemas.enums import LawKind, Stage
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.test_api_outages import frozen, own_postgres
from workers.worker import create_worker
from workflows import client as drafts
from workflows.draft_activities import ACTIVITY_TIMEOUT


@pytest.mark.timeout(180)
async def test_an_audit_write_cancelled_at_its_timeout_while_postgresql_is_frozen_is_one_warning_line(dev_env, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    client, queue = dev_env.client, f"frozen-{uuid.uuid4().hex[:8]}"
    request = start_request(prefix="FROZEN", law_kind=LawKind.ORDINANCE)
    sid = request.submission_id
    async with own_postgres() as (server, pool), create_worker(client, pool, task_queue=queue):
        await drafts.start_submission(client, request, task_queue=queue)
        # Its first event written: the pool keeps the connection it used, idle, for the next write.
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", sid), lambda n: n == 1)
        with frozen(Path(server.pgdata)):
            await drafts.draft(client, sid).start_update("decide", decision(request, Stage.POLICY_PROPOSAL),
                                                           wait_for_stage=WorkflowUpdateStage.ACCEPTED)
            # The write waits for PostgreSQL until its attempt is cancelled at the timeout, then the probe's 2 s.
            await asyncio.sleep(ACTIVITY_TIMEOUT.total_seconds() + 8)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", sid),
                         lambda n: n == 2, seconds=90)
    failed = [r for r in caplog.records if r.getMessage().startswith("Completing activity as failed") and r.levelno >= logging.WARNING]
    assert not failed, "\n".join(f"{r.levelname} {r.getMessage()} {r.exc_info[1]!r}" for r in failed)
    said = caplog.text + capsys.readouterr().out
    assert "PostgreSQL does not answer; the activity is retried" in said and "no answer within the activity's timeout" in said, said[-3000:]
