"""Webhooks against a real HTTP receiver on 127.0.0.1 that fails, then recovers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from activities.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, new_secret
from schemas.enums import Stage
from schemas.records import WebhookInput
from tests.polling import eventually
from tests.drafts import start_request
from tests.scenarios import approve
from workers.worker import create_worker
from workflows import client as drafts
from workflows.webhook_delivery import WebhookDeliveryWorkflow, workflow_id_for


class Receiver(ThreadingHTTPServer):
    """Refuses the first `failures` requests with 503, then accepts and records every event."""

    def __init__(self, failures: int, secret: str) -> None:
        self.failures, self.secret = failures, secret
        self.accepted: list[dict] = []
        self.refused = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        server: Receiver = self.server  # type: ignore[assignment]
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(server.secret.encode(), body, hashlib.sha256).hexdigest()
        with server.lock:
            if server.failures > 0:
                server.failures -= 1
                server.refused += 1
                self.send_response(503)
            elif not hmac.compare_digest(expected, self.headers[SIGNATURE_HEADER]):
                self.send_response(401)
            else:
                event = json.loads(body)
                assert event["idempotency_key"] == self.headers[IDEMPOTENCY_HEADER]
                server.accepted.append(event)
                self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def receiver():
    server = Receiver(failures=3, secret=new_secret())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_failing_then_recovering_receiver_gets_each_event_once_in_order(dev_env, pool, receiver):
    client = dev_env.client
    ministry = "WH" + uuid.uuid4().hex[:6].upper()
    subscriber_id = await pool.fetchval(
        "INSERT INTO subscribers (agency_code, url, secret) VALUES ($1, $2, $3) RETURNING id", ministry, receiver.url, receiver.secret)
    other = start_request(ministry="BGDDT")  # another ministry's draft: not for this subscriber
    task_queue = f"wh-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, pool, task_queue=task_queue):
        delivery = await client.start_workflow(WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id, poll_seconds=0.2,
                                               max_backoff_seconds=1), id=workflow_id_for(subscriber_id), task_queue=task_queue)
        requests = [start_request(ministry=ministry) for _ in range(2)]
        for request in [*requests, other]:
            await drafts.start_submission(client, request, task_queue=task_queue)
        await asyncio.gather(*(approve(client, r, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING]) for r in requests))
        ids = [r.submission_id for r in requests]
        expected = await eventually(lambda: pool.fetch("SELECT submission_id, seq FROM audit_events WHERE submission_id = ANY($1)", ids),
                                   lambda rows: len(rows) == 8)
        await eventually(lambda: _accepted(receiver), lambda n: n >= len(expected))
        await delivery.cancel()

    keys = [e["idempotency_key"] for e in receiver.accepted]
    assert receiver.refused == 3
    assert sorted(keys) == sorted(f"{r['submission_id']}:{r['seq']}" for r in expected)
    assert len(keys) == len(set(keys)), "an event was delivered twice"
    for submission_id in ids:
        seqs = [e["seq"] for e in receiver.accepted if e["submission_id"] == submission_id]
        assert seqs == sorted(seqs) == [1, 2, 3, 4]
    assert all("title" not in e and "reasons" not in e for e in receiver.accepted)


async def _accepted(receiver: Receiver) -> int:
    with receiver.lock:
        return len(receiver.accepted)
