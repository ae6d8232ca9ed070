"""No poison message: an audit event the database refuses for its data becomes a dead letter, the draft's later
events are written, a metric and a log line raise it, and `legis dead-letters retry` writes it in its place once the
cause is fixed. Against a real PostgreSQL and a Temporal dev server, through the installed `legis` command."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig

from activities.database import create_pool
from activities.webhooks import new_secret
from cli.dead_letters import _retry
from schemas.enums import Outcome, Stage
from store import dead_letters, subscribers
from tests.conftest import TEST_KEY_ENTRY, TEST_KEYS
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.stack import RECEIVER_HOST, Cli, isolated_env
from workers.worker import create_worker
from workflows import client as drafts
from workflows.client import connect

# A rule the database holds and the message does not know: the register keeps reasons of at most 200 bytes (say, a
# column sized for a form's field). The draft core allows 4,000 characters, so the database refuses the event for
# its data alone: sending it again changes nothing until the rule changes.
REGISTER_RULE = "ALTER TABLE audit_events ADD CONSTRAINT reasons_fit_the_register CHECK (octet_length(reasons) <= 200)"
LONG_REASONS = "Hồ sơ chưa đủ điều kiện trình thẩm định; đề nghị bổ sung báo cáo đánh giá tác động chính sách. " * 4


@pytest.fixture
async def stack(dev_env, fresh_database_url, tmp_path):
    """A worker whose runtime keeps its metrics in a buffer, on a task queue and database of the test's own."""
    buffer = MetricBuffer(10_000)
    client = await connect(dev_env.client.service_client.config.target_host, keys=TEST_KEYS,
                           runtime=Runtime(telemetry=TelemetryConfig(metrics=buffer)))
    task_queue = f"dead-{uuid.uuid4().hex[:8]}"
    pool = await create_pool(fresh_database_url)
    env = isolated_env(tmp_path / "config", LEGIS_TEMPORAL_ADDRESS=client.service_client.config.target_host, LEGIS_TASK_QUEUE=task_queue,
                       LEGIS_DATABASE_URL=fresh_database_url, LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY, LEGIS_WEBHOOK_ALLOWED_HOSTS=RECEIVER_HOST)
    try:
        async with create_worker(client, pool, task_queue=task_queue, webhook_allowed_hosts=[RECEIVER_HOST]):
            yield client, pool, Cli(env, task_queue), buffer
    finally:
        await pool.close()


def dead_letters_counted(buffer: MetricBuffer) -> dict[str, int]:
    counted: dict[str, int] = {}
    for update in buffer.retrieve_updates():
        if update.metric.name == "legis_dead_letters":  # exported as legis_dead_letters_total
            kind = update.attributes["kind"]
            counted[kind] = counted.get(kind, 0) + update.value
    return counted


async def seqs(pool, submission_id: str) -> list[int]:
    return [r["seq"] for r in await pool.fetch("SELECT seq FROM audit_events WHERE submission_id = $1 ORDER BY seq", submission_id)]


async def returned_too_long(stack):
    """A draft returned at POLICY_PROPOSAL with reasons over the register's rule (REGISTER_RULE, added here): its return's
    audit event (seq 2) is refused by the database. Returns its start request."""
    client, pool, cli, _ = stack
    await pool.execute(REGISTER_RULE)
    request = start_request(prefix="DEAD")
    await drafts.start_submission(client, request, task_queue=cli.task_queue)
    returned = decision(request, Stage.POLICY_PROPOSAL, Outcome.RETURN_FOR_REVISION).model_copy(update={"reasons": LONG_REASONS})
    await drafts.decide(client, request.submission_id, returned)
    return request


async def test_an_event_the_database_refuses_is_a_dead_letter_and_the_trail_goes_on(stack, caplog, capsys):
    client, pool, cli, buffer = stack
    caplog.set_level(logging.INFO)
    request = await returned_too_long(stack)
    sid = request.submission_id
    # Later events are written behind it: the approvals after the return.
    await drafts.decide(client, sid, decision(request, Stage.POLICY_PROPOSAL))
    await drafts.decide(client, sid, decision(request, Stage.LEGISLATIVE_PROGRAMME))
    assert await eventually(lambda: seqs(pool, sid), lambda found: found == [1, 3, 4]), await seqs(pool, sid)

    letters = await pool.fetch("SELECT * FROM dead_letters WHERE submission_id = $1", sid)
    assert len(letters) == 1
    letter = letters[0]
    assert (letter["kind"], letter["seq"], letter["event"], letter["sqlstate"]) == ("AUDIT", 2, "DECISION", "23514")
    assert "reasons_fit_the_register" in letter["reason"] and letter["resolved_at"] is None
    # The registry moved on with the later events.
    assert await pool.fetchval("SELECT stage FROM submissions WHERE submission_id = $1", sid) == "DRAFTING"

    # The draft never failed a workflow task and runs on; its history shows the write that failed without retry.
    handle = drafts.draft(client, sid)
    kinds = [e.event_type async for e in handle.fetch_history_events()]
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds and EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED in kinds
    assert (await handle.describe()).status.name == "RUNNING"

    assert dead_letters_counted(buffer) == {"AUDIT": 1}
    logged = caplog.text + capsys.readouterr().out
    line = next(line for line in logged.splitlines() if "kept as a dead letter" in line)
    assert sid in line and "23514" in line and "reasons_fit_the_register" in line
    assert "Hồ sơ" not in logged  # the refused texts stay out of the log

    code, out, err = await cli("dead-letters", "list", "--output", "json")
    assert code == 0, err
    listed = json.loads(out)
    assert [(x["id"], x["seq"], x["kind"]) for x in listed] == [(letter["id"], 2, "AUDIT")]
    assert listed[0]["created_at"].endswith("+07:00")
    code, out, _ = await cli("dead-letters", "show", str(letter["id"]), "--output", "json")
    shown = json.loads(out)
    assert code == 0 and shown["message"]["entry"]["reasons"] == LONG_REASONS and shown["message"]["entry"]["seq"] == 2
    code, out, _ = await cli("dead-letters", "show", str(letter["id"]))
    assert code == 0 and "reasons_fit_the_register" in out

    # Retried while the cause stands: refused again, exit 3, still open; nothing written.
    code, out, err = await cli("dead-letters", "retry", str(letter["id"]))
    assert code == 3 and f"refused: dead_letter_id: the database still refuses dead letter {letter['id']}" in err
    assert "(rule: database_accepts)" in err and out == ""  # said once, on standard error (found by a trial: twice)
    code, out, _ = await cli("dead-letters", "retry", str(letter["id"]), "--output", "json")
    failure = json.loads(out)
    assert code == 3 and failure["rule"] == "database_accepts" and failure["problems"][0]["outcome"] == "refused"
    assert await seqs(pool, sid) == [1, 3, 4]

    # The cause fixed (the register's rule widened), the retry writes the event in its own place: no gap.
    await pool.execute("ALTER TABLE audit_events DROP CONSTRAINT reasons_fit_the_register")
    code, out, err = await cli("dead-letters", "retry", str(letter["id"]))
    assert code == 0 and f"dead letter {letter['id']}: written" in out, err
    assert await seqs(pool, sid) == [1, 2, 3, 4]
    written = await pool.fetchrow("SELECT event, outcome, reasons, stage FROM audit_events WHERE submission_id = $1 AND seq = 2", sid)
    assert dict(written) == {"event": "DECISION", "outcome": "RETURN_FOR_REVISION", "reasons": LONG_REASONS, "stage": "POLICY_PROPOSAL"}
    # The registry stays where the later events brought it.
    assert await pool.fetchval("SELECT stage FROM submissions WHERE submission_id = $1", sid) == "DRAFTING"
    history = await drafts.history(client, sid)
    trail = await pool.fetch("SELECT seq, event, outcome FROM audit_events WHERE submission_id = $1 ORDER BY seq", sid)
    assert [(e.seq, e.event.value, e.outcome.value if e.outcome else None) for e in history.entries] == [tuple(r) for r in trail]

    code, out, _ = await cli("dead-letters", "list", "--output", "json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = await cli("dead-letters", "list", "--all", "--output", "json")
    resolved = json.loads(out)[0]
    assert resolved["resolved_at"] and resolved["retries"] == 3 and resolved["last_error"] is None
    code, out, _ = await cli("dead-letters", "retry", str(letter["id"]), "--output", "json")
    assert code == 0 and json.loads(out)["results"] == [{"id": letter["id"], "outcome": "already_resolved"}]
    code, _, err = await cli("dead-letters", "retry", "999999")
    assert code == 4 and "no dead letter 999999" in err


async def test_a_webhook_event_the_receiver_refuses_is_a_dead_letter_and_later_events_are_delivered(stack):
    import http.server
    import threading

    from schemas.records import WebhookInput
    from workflows.webhook_delivery import WebhookDeliveryWorkflow

    client, pool, cli, buffer = stack
    received: list[str] = []
    refuse = {"2"}  # the receiver refuses the second event's body (422), whatever happens

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            seq = str(body["seq"])
            self.send_response(422 if seq in refuse else 204)
            self.end_headers()
            if seq not in refuse:
                received.append(seq)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        async with pool.acquire() as db:
            subscriber_id = await subscribers.add(db, TEST_KEYS, agency_code="*", url=f"http://127.0.0.1:{server.server_address[1]}/events",
                                                  secret=new_secret())
        request = start_request(prefix="HOOK")
        await drafts.start_submission(client, request, task_queue=cli.task_queue)
        for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME):
            await drafts.decide(client, request.submission_id, decision(request, stage))
        delivery = await client.start_workflow(WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id, poll_seconds=0.5),
                                               id=f"webhook-delivery-dead-{uuid.uuid4().hex[:8]}", task_queue=cli.task_queue)
        await eventually(lambda: _value(received), lambda got: got == ["1", "3"])
        letter = await pool.fetchrow("SELECT id, kind, seq, reason FROM dead_letters WHERE subscriber_id = $1", subscriber_id)
        assert (letter["kind"], letter["seq"]) == ("WEBHOOK", 2) and "HTTP 422" in letter["reason"]
        assert dead_letters_counted(buffer) == {"WEBHOOK": 1}

        # Whose letter it is shows in the list (found by a new user: two subscribers' letters of one event looked the same).
        code, out, err = await cli("dead-letters", "list", "--kind", "WEBHOOK", "--submission-id", request.submission_id)
        cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│")]
        assert code == 0 and "subscriber" in out and [cells[0][0], cells[0][5]] == [str(letter["id"]), str(subscriber_id)], (out, err)
        # A removed subscriber's letter stays open (found by a new user: marked resolved, it was never sent again).
        await pool.execute("UPDATE subscribers SET active = false WHERE id = $1", subscriber_id)
        code, _, err = await cli("dead-letters", "retry", str(letter["id"]))
        assert code == 3 and f"cannot retry dead letter {letter['id']}: subscriber {subscriber_id} was removed" in err, err
        assert "`legis subscribers add " in err and "(rule: subscriber_active)" in err
        code, out, _ = await cli("dead-letters", "retry", str(letter["id"]), "--output", "json")
        # Found by a new user: its kind was null, which a script reads as an outage.
        assert (code, json.loads(out)["kind"], json.loads(out)["rule"]) == (3, "CONFLICT", "subscriber_active"), out and await pool.fetchval("SELECT resolved_at FROM dead_letters WHERE id = $1", letter["id"]) is None
        code, _, err = await cli("dead-letters", "retry", str(letter["id"]), "999999999")
        assert code == 4 and err.startswith("not found: dead_letter_id: no dead letter 999999999; none of the letters given was retried"), err
        await pool.execute("UPDATE subscribers SET active = true WHERE id = $1", subscriber_id)

        refuse.clear()  # the receiver fixed
        code, out, err = await cli("dead-letters", "retry", str(letter["id"]))
        assert code == 0 and "handed to delivery" in out, err
        # Asked again before the receiver has answered: what was done, not "already resolved" (found by a fresh-user trial).
        code, out, err = await cli("dead-letters", "retry", str(letter["id"]))
        assert code == 0 and out.strip() == f"dead letter {letter['id']}: already handed to delivery", (out, err)
        await eventually(lambda: _value(received), lambda got: got == ["1", "3", "2"])
        await delivery.cancel()
    finally:
        server.shutdown()


async def _value(value):
    return list(value)


async def test_one_dead_letter_retried_twice_at_once_is_written_once_and_both_are_told_so(stack):
    """Found by a breaker of concurrency: two operators retrying one audit dead letter at once; the second write met the
    first's row as a unique violation, and its command failed saying nothing of the letter."""
    client, pool, cli, _ = stack
    request = await returned_too_long(stack)
    sid = request.submission_id
    await drafts.decide(client, sid, decision(request, Stage.POLICY_PROPOSAL))
    assert await eventually(lambda: seqs(pool, sid), lambda found: found == [1, 3]), await seqs(pool, sid)
    letter = await pool.fetchval("SELECT id FROM dead_letters WHERE submission_id = $1", sid)
    await pool.execute("ALTER TABLE audit_events DROP CONSTRAINT reasons_fit_the_register")
    # One operator's retry is writing the event (its statement not yet committed) as the other's starts.
    first, other = await pool.acquire(), await pool.acquire()
    try:
        transaction = first.transaction()
        await transaction.start()
        assert (await asyncio.wait_for(_retry(first, await dead_letters.one(first, letter)), 10))["outcome"] == "written"
        second = asyncio.create_task(_retry(other, await dead_letters.one(other, letter)))
        for _ in range(100):
            if await pool.fetchval("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the second retry never waited")
        await transaction.commit()
        told = await asyncio.wait_for(second, 10)
    finally:
        await pool.release(first)
        await pool.release(other)
    assert await seqs(pool, sid) == [1, 2, 3]
    # The second is told the event is in the trail (`already_recorded`), not an error.
    assert told["outcome"] == "already_recorded", told


async def test_letters_retried_in_their_drafts_order_are_answered_in_the_order_given(stack):
    """Found by an operator's trial: `legis dead-letters retry 1 2 3 4` answered 1, 3, 2, 4 (the order they were retried
    in, draft by draft)."""
    _, pool, cli, _ = stack
    async with pool.acquire() as db:
        subscriber_id = await subscribers.add(db, TEST_KEYS, agency_code="BGDDT", url=f"http://{RECEIVER_HOST}:9/hook", secret=new_secret())
    letters = [(await dead_letters.record(pool, dead_letters.Kind.WEBHOOK, f"{subscriber_id}:{sid}:1", submission_id=sid, seq=1, event="DECISION",
                                          payload="{}", reason=dead_letters.Reason(None, "HTTP 422"), classified=False,
                                          subscriber_id=subscriber_id))[0] for sid in ("ORDER-B", "ORDER-A", "ORDER-C")]
    code, out, err = await cli("dead-letters", "retry", *map(str, letters))
    assert code == 0 and [line.split(":")[0] for line in out.splitlines()] == [f"dead letter {n}" for n in letters], (out, err)
