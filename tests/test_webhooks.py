"""Webhooks against a real HTTP receiver on 127.0.0.1: Standard Webhooks signatures checked independently, retries,
secret rotation, secrets sealed at rest, refused destinations, redirects, and classified drafts kept from `*`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import asyncpg
import asyncpg_trek
import pytest
from asyncpg_trek.asyncpg import AsyncpgBackend
from structlog.testing import capture_logs

from activities import destinations
from activities.database import migrate
from activities.destinations import AllowedHosts
from activities.webhooks import (
    EVENT_COLUMNS,
    ID_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_AGENT,
    WebhookActivities,
    new_secret,
    payload,
    redirect_target,
    signature,
)
from schemas.enums import Stage
from schemas.records import DeliveryInput, WebhookInput
from schemas.views import WebhookEvent
from store import subscribers
from tests.conftest import TEST_KEYS
from tests.drafts import start_request
from tests.polling import eventually
from tests.receiver import Received, Receiver
from tests.scenarios import approve
from tests.stack import RECEIVER_HOST
from workers.worker import create_worker
from workflows import client as drafts
from workflows.codec import KeyRingError
from workflows.webhook_delivery import WebhookDeliveryWorkflow, workflow_id_for

TOLERANCE_SECONDS = 5 * 60
ALLOWED = AllowedHosts.parse([RECEIVER_HOST])


@pytest.fixture
def receiver():
    servers: list[Receiver] = []

    def serve(*answers: int, location: str = "/moved") -> Receiver:
        server = Receiver(list(answers), location)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield serve
    for server in servers:
        server.released.set()
        server.shutdown()
        server.server_close()


def signed_by(secret: str, received: Received) -> list[bool]:
    """For each signature of the request, whether it is the spec's HMAC with `secret`, computed here from the spec."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{received.headers['webhook-id']}.{received.headers['webhook-timestamp']}.".encode() + received.body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return [hmac.compare_digest(expected, given) for given in received.headers["webhook-signature"].split(" ")]


async def subscribe(pool: asyncpg.Pool, agency_code: str, url: str, secret: str) -> int:
    async with pool.acquire() as db:
        return await subscribers.add(db, TEST_KEYS, agency_code=agency_code, url=url, secret=secret)


async def recorded(pool: asyncpg.Pool, submission_ids: list[str], count: int) -> list[asyncpg.Record]:
    return await eventually(lambda: pool.fetch("SELECT submission_id, seq FROM audit_events WHERE submission_id = ANY($1)", submission_ids),
                            lambda rows: len(rows) == count)


async def taken_by(hook: Receiver) -> list[Received]:
    return hook.taken()


def ministry() -> str:
    return "WH" + uuid.uuid4().hex[:6].upper()


@pytest.fixture
async def worker(dev_env, pool):
    """A worker on a queue of its own, for the drafts whose events are delivered; yields the queue."""
    task_queue = f"wh-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue, webhook_allowed_hosts=[RECEIVER_HOST]):
        yield task_queue


def test_the_signature_is_the_spec_s_published_example():
    """The test vector of the Standard Webhooks specification."""
    assert signature(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                     '{"test": 2432232314}') == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_payload_s_schema_names_every_column_sent_and_the_openapi_document_holds_it():
    assert set(WebhookEvent.model_fields) == {*EVENT_COLUMNS, "idempotency_key"}
    from api.app import create_app

    webhook = create_app().openapi()["webhooks"]["auditEvent"]["post"]
    assert webhook["operationId"] == "receiveAuditEvent" and "WebhookEvent" in json.dumps(webhook["requestBody"])
    # The headers a receiver verifies and deduplicates on are declared, not only said (found by an integrator's trial).
    assert [(p["name"], p["in"], p["required"]) for p in webhook["parameters"]] == [
        (name, "header", True) for name in (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER, IDEMPOTENCY_HEADER, "User-Agent")]
    assert "10 seconds" in webhook["description"]


def test_an_event_entered_afterwards_tells_the_day_it_happened():
    """Found by a breaker: a step entered afterwards or imported reached subscribers with the instant it was recorded
    only; its body says the day it happened (`occurred_on`, a Ha Noi date) and whether it was imported."""
    row = dict.fromkeys(EVENT_COLUMNS) | {"submission_id": "B-1", "seq": 3, "occurred_at": datetime(2026, 12, 2, 23, 30, tzinfo=UTC),
                                          "occurred_on": date(2026, 11, 20), "imported": True, "event": "DECISION",
                                          "stage": "APPRAISAL"}
    body = payload(row)
    assert WebhookEvent.model_validate(body).occurred_on == date(2026, 11, 20)
    assert (body["occurred_at"], body["occurred_on"], body["imported"]) == ("2026-12-03T06:30:00+07:00", "2026-11-20", True)
    assert "deadline" not in body and body["idempotency_key"] == "B-1:3"


async def test_a_failing_then_recovering_receiver_gets_each_event_once_in_order_signed_with_a_stable_id(dev_env, pool, receiver):
    client, hook, secret, agency = dev_env.client, receiver(503, 503, 503), new_secret(), ministry()
    subscriber_id = await subscribe(pool, agency, hook.url(), secret)
    other = start_request(ministry="BGDDT")  # another ministry's draft: not for this subscriber
    task_queue = f"wh-{uuid.uuid4().hex[:8]}"
    with capture_logs() as lines:
        async with create_worker(client, pool, task_queue=task_queue, webhook_allowed_hosts=[RECEIVER_HOST]):
            delivery = await client.start_workflow(WebhookDeliveryWorkflow.run, WebhookInput(subscriber_id=subscriber_id, poll_seconds=0.2,
                                                   max_backoff_seconds=1), id=workflow_id_for(subscriber_id), task_queue=task_queue)
            requests = [start_request(ministry=agency) for _ in range(2)]
            for request in [*requests, other]:
                await drafts.start_submission(client, request, task_queue=task_queue)
            await asyncio.gather(*(approve(client, r, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING]) for r in requests))
            ids = [r.submission_id for r in requests]
            expected = await recorded(pool, ids, 8)
            await eventually(lambda: taken_by(hook), lambda taken: len(taken) >= len(expected))
            await delivery.cancel()

    refused = [r for r in hook.received if r.status == 503]
    taken = hook.taken()
    assert len(refused) == 3
    messages = [r.headers["webhook-id"] for r in taken]
    assert sorted(messages) == sorted(f"{subscriber_id}:{r['submission_id']}:{r['seq']}" for r in expected)
    assert len(messages) == len(set(messages)), "an event was delivered twice"
    assert {r.headers["webhook-id"] for r in refused} <= set(messages), "a retried event changed its webhook-id"
    for request in hook.received:
        assert signed_by(secret, request) == [True]
        assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < TOLERANCE_SECONDS
        assert request.headers[IDEMPOTENCY_HEADER.lower()] == ":".join(request.headers["webhook-id"].split(":")[1:])
        assert "x-legis-signature" not in request.headers
        assert request.headers["user-agent"] == USER_AGENT and USER_AGENT.startswith("legis-webhooks/")  # an integrator's firewall knows it
    for submission_id in ids:
        seqs = [int(r.headers["webhook-id"].rsplit(":", 1)[1]) for r in taken if r.headers["webhook-id"].split(":")[1] == submission_id]
        assert seqs == sorted(seqs) == [1, 2, 3, 4]
    assert all(b'"title"' not in r.body and b'"reasons"' not in r.body for r in taken)
    for r in taken:  # as the OpenAPI document's `webhooks` says (an integrator asked for its schema)
        WebhookEvent.model_validate_json(r.body)
    # The decision that starts appraisal's clock tells its deadline (tenth generation; before, only the next event did).
    entered = [event for event in (json.loads(r.body) for r in taken) if event.get("to_stage") == "APPRAISAL"]
    due = dict(await pool.fetch("SELECT submission_id, stage_deadline::text FROM submissions WHERE submission_id = ANY($1)", ids))
    assert sorted(e["submission_id"] for e in entered) == sorted(ids) and all(e["to_stage_deadline"] == due[e["submission_id"]] for e in entered)
    # The operators are warned, with whom and why (found by a new user: only an info line counted the drafts refused).
    warned = [line for line in lines if line["event"] == "webhook receiver did not take events; they wait and are sent again"]
    assert warned and all(w["log_level"] == "warning" and w["subscriber_id"] == subscriber_id and w["cause"] == "HTTP 503" for w in warned)
    assert warned[0]["host"] == RECEIVER_HOST and warned[0]["waiting_drafts"] >= 1


async def test_a_rotation_signs_with_both_secrets_during_the_overlap_and_with_the_new_one_after(dev_env, pool, receiver, worker):
    hook, old, agency = receiver(), new_secret(), ministry()
    subscriber_id = await subscribe(pool, agency, hook.url(), old)
    activities = WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED)
    new = new_secret()
    async with pool.acquire() as db:
        rotated = await subscribers.rotate(db, TEST_KEYS, subscriber_id, new, keep_old_for=timedelta(hours=24))
    assert rotated is not None and rotated.previous_until is not None
    first = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, first, task_queue=worker)
    await recorded(pool, [first.submission_id], 1)
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    assert signed_by(new, hook.received[-1]) == [True, False] and signed_by(old, hook.received[-1]) == [False, True]

    newest = new_secret()
    async with pool.acquire() as db:
        await subscribers.rotate(db, TEST_KEYS, subscriber_id, newest, keep_old_for=timedelta(0))
    second = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, second, task_queue=worker)
    await recorded(pool, [second.submission_id], 1)
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    assert signed_by(newest, hook.received[-1]) == [True]


async def test_no_secret_is_stored_in_clear(pool, receiver):
    secret, previous, url = new_secret(), new_secret(), receiver().url()
    subscriber_id = await subscribe(pool, ministry(), url, previous)
    async with pool.acquire() as db:
        await subscribers.rotate(db, TEST_KEYS, subscriber_id, secret, keep_old_for=timedelta(hours=1))
        table = "\n".join(str(dict(row)) for row in await db.fetch("SELECT * FROM subscribers"))
    for clear in (secret, previous):
        raw = base64.b64decode(clear.removeprefix("whsec_"))
        for form in (clear, clear.removeprefix("whsec_"), raw.hex(), base64.urlsafe_b64encode(raw).decode()):
            assert form not in table
    assert await subscribers.signing_secrets(pool, TEST_KEYS, subscriber_id) == (url, [secret, previous])


async def test_the_migration_seals_the_secrets_kept_in_clear_before(pg_server, pool):
    name = f"t_{uuid.uuid4().hex[:10]}"
    await pool.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.get_uri(database=name)
    connection = await asyncpg.connect(url)
    try:
        backend = AsyncpgBackend(connection)
        directory = Path(str(resources.files("activities").joinpath("migrations")))
        await asyncpg_trek.execute(backend, await asyncpg_trek.plan(backend, directory, "cutoffsv14", asyncpg_trek.Direction.up))
        subscriber_id = await connection.fetchval(
            "INSERT INTO subscribers (agency_code, url, secret) VALUES ('BGDDT', 'https://hooks.example/x', 'old-clear-secret') RETURNING id")
        with pytest.raises(KeyRingError, match="1 webhook secrets are to be sealed"):
            await migrate(url)
        assert await migrate(url, TEST_KEYS) == ["secretsv15", "runseqv16", "endedv17", "happenedv18", "idcasev19", "stagedeadlinev20", "titlefoldv21", "roundcommentsv22", "countedv23", "answerpagesv24", "updateidsv25", "roundfingerprintv26", "unansweredv27", "keyscopev28", "adoptedatv29", "lawkindv30", "refusalclassifiedv31", "tokenkeysv32", "deliverytroublev33", "senderkeyv34"]
        assert "old-clear-secret" not in str(dict(await connection.fetchrow("SELECT * FROM subscribers")))
        _, signing = await subscribers.signing_secrets(connection, TEST_KEYS, subscriber_id)
        assert signing == ["whsec_" + base64.b64encode(b"old-clear-secret").decode()]
    finally:
        await connection.close()


@pytest.mark.parametrize(("url", "rule", "says"), [
    ("https://127.0.0.1/hook", "no_loopback", "127.0.0.1 is a loopback address"),
    ("https://[::1]/hook", "no_loopback", "::1 is a loopback address"),
    ("https://localhost/hook", "no_loopback", "localhost resolves to"),
    ("https://10.1.2.3/hook", "no_private", "10.1.2.3 is a private address (10.0.0.0/8)"),
    ("https://172.20.0.1/hook", "no_private", "(172.16.0.0/12)"),
    ("https://192.168.1.1/hook", "no_private", "(192.168.0.0/16)"),
    ("https://[fd12::1]/hook", "no_private", "(fc00::/7)"),
    ("https://169.254.169.254/latest/meta-data", "no_link_local", "169.254.169.254 is a link-local address"),
    ("https://[fe80::1]/hook", "no_link_local", "(fe80::/10)"),
    ("https://0.0.0.0/hook", "no_unspecified", "an unspecified address"),
    ("https://[::]/hook", "no_unspecified", "an unspecified address"),
    ("https://239.1.1.1/hook", "no_multicast", "a multicast address"),
    ("https://[ff02::1]/hook", "no_multicast", "a multicast address"),
    ("https://100.64.0.1/hook", "no_shared", "carrier-grade NAT"),
    ("https://[::ffff:192.168.0.1]/hook", "no_private", "(192.168.0.0/16)"),
    ("https://[64:ff9b::a00:1]/hook", "no_private", "carries the IPv4 address 10.0.0.1 (NAT64, 64:ff9b::/96)"),
    ("https://[64:ff9b::a9fe:a9fe]/latest/meta-data", "no_link_local", "carries the IPv4 address 169.254.169.254 (NAT64"),
    ("https://[64:ff9b:1::a00:1]/hook", "no_local_nat64", "a local-use NAT64 address"),
    ("https://[2002:a00:1::]/hook", "no_private", "carries the IPv4 address 10.0.0.1 (6to4, 2002::/16)"),
    ("https://[2002:7f00:1::]/hook", "no_loopback", "carries the IPv4 address 127.0.0.1 (6to4"),
    ("https://[::ffff:0:7f00:1]/hook", "no_loopback", "carries the IPv4 address 127.0.0.1 (SIIT, ::ffff:0:0:0/96)"),
    ("https://[::127.0.0.1]/hook", "no_loopback", "carries the IPv4 address 127.0.0.1 (IPv4-compatible, ::/96)"),
    ("https://[fec0::1]/hook", "no_private", "(fec0::/10)"),
    ("https://192.0.2.10/hook", "public_address", "not a globally routable address"),
    ("http://hooks.example/hook", "https_only", "plain http to hooks.example"),
    ("ftp://hooks.example/hook", "http_url", "must start with http:// or https://"),
    ("https://user:pw@hooks.example/hook", "no_credentials_in_url", "user name or password"),
    ("https://no-such-host.invalid/hook", "host_resolves", "no-such-host.invalid does not resolve"),
    # Found in a user trial: URLs httpx parses but no request can be sent to as registered.
    ("https://hooks.example:99999/hook", "url_port", "port 99999 is not a port; a port is from 1 to 65535"),
    ("https://hooks.example:0/hook", "url_port", "port 0 is not a port"),
    ("https://[2001:db8::1]:70000/hook", "url_port", "port 70000"),
    ("https://hooks.example/a b", "url_characters", "holds ' ' at position 24"),
    ("https://hooks.example/a%zz", "url_characters", "holds '%' at position 24"),
    ("https://hooks.example/ho\u0300ok", "url_characters", "holds '\u0300'"),
    ("https://hooks.example/hook\n", "url_characters", "holds '\\n'"),
    ("https://hooks.example/" + "a" * 3000, "url_length", "is 3,022 characters long; a webhook URL has at most 2,000"),
])
async def test_destinations_that_are_not_public_are_refused_with_field_and_rule(url, rule, says):
    with pytest.raises(destinations.DestinationRefused) as refused:
        await destinations.check(url, AllowedHosts())
    assert (refused.value.field, refused.value.rule) == ("url", rule)
    assert str(refused.value).startswith("url: ") and says in str(refused.value)


async def test_an_address_resolved_at_delivery_is_judged_by_the_ipv4_address_it_carries(monkeypatch):
    """A name may resolve, when the round is sent, to an IPv6 form a translator or a tunnel takes to private space."""
    async def resolves(host, port, **_):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0))]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolves)
    with pytest.raises(destinations.DestinationRefused) as refused:
        await destinations.check("https://hooks.example/hook", AllowedHosts())
    assert refused.value.rule == "no_link_local"
    assert "hooks.example resolves to 64:ff9b::a9fe:a9fe, a link-local address" in str(refused.value)
    assert (await destinations.check("https://[64:ff9b::808:808]/hook", AllowedHosts())).url.host == "64:ff9b::808:808"


async def test_the_operator_s_allowed_hosts_open_names_and_networks():
    assert (await destinations.check("http://localhost:8080/hook", AllowedHosts.parse(["localhost"]))).url.host == "127.0.0.1"
    pinned = await destinations.check("http://127.0.0.1:9/hook", AllowedHosts.parse(["127.0.0.0/8"]))
    assert (pinned.url.host, pinned.request_options()["headers"]["Host"]) == ("127.0.0.1", "127.0.0.1:9")
    with pytest.raises(ValueError, match="LEGIS_WEBHOOK_ALLOWED_HOSTS: 'a b' is neither"):
        AllowedHosts.parse(["a b"])


async def test_a_name_that_resolves_to_loopback_at_delivery_is_refused_and_nothing_is_sent(dev_env, pool, receiver, worker):
    """Registered while allowed (or when the name resolved elsewhere), the name is resolved again before sending: its
    events wait, and the activity does not fail."""
    hook, agency = receiver(), ministry()
    subscriber_id = await subscribe(pool, agency, hook.url(host="localhost", scheme="https"), new_secret())
    request = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, request, task_queue=worker)
    await recorded(pool, [request.submission_id], 1)
    # No host allowed: the name's loopback address is refused before any connection (with 127.0.0.1 allowed, this machine's
    # `localhost` is that address, sent to, and only the https the receiver does not speak kept the event back).
    with capture_logs() as lines:
        result = await WebhookActivities(pool, TEST_KEYS, allowed=AllowedHosts()).deliver_pending(DeliveryInput(subscriber_id=subscriber_id))
    assert (result.delivered, result.failed_drafts) == (0, 1)
    assert hook.received == []
    assert [line["rule"] for line in lines if line["event"] == "webhook deliveries held: the subscriber cannot be sent to"] == ["no_loopback"]
    assert not await pool.fetchval("SELECT count(*) FROM deliveries WHERE subscriber_id = $1", subscriber_id)
    # The operator's list says why they wait (found by a new user: said in the worker's log alone).
    [held] = [s for s in await subscribers.listed(pool) if s.subscriber_id == subscriber_id]
    assert (held.waiting, held.failure) == (1, "held by the worker: url, no_loopback") and held.failing_since is not None

    by_name = AllowedHosts.parse(["localhost"])  # the operator names it: sent to the address checked, Host kept
    await pool.execute("UPDATE subscribers SET url = $2 WHERE id = $1", subscriber_id, hook.url(host="localhost"))
    assert (await WebhookActivities(pool, TEST_KEYS, allowed=by_name).deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    assert hook.received[-1].headers["host"] == f"localhost:{hook.server_address[1]}"
    [sent] = [s for s in await subscribers.listed(pool) if s.subscriber_id == subscriber_id]
    assert (sent.waiting, sent.failure, sent.failing_since) == (0, None, None)


@pytest.mark.parametrize(("url", "rule"), [("http://127.0.0.1:99999/hook", "url_port"), ("http://127.0.0.1:9911/a b", "url_characters")])
async def test_a_url_stored_before_it_was_refused_holds_its_events_and_fails_no_activity(dev_env, pool, worker, url, rule):
    """Found in a user trial: a URL with an impossible port, registered before `add` refused it, failed the delivery
    activity on every attempt (OverflowError from the socket). Its events wait, held, with the field and rule logged."""
    agency = ministry()
    subscriber_id = await subscribe(pool, agency, url, new_secret())  # the store takes what it is given, as before the check
    request = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, request, task_queue=worker)
    await recorded(pool, [request.submission_id], 1)
    with capture_logs() as lines:
        result = await WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED).deliver_pending(DeliveryInput(subscriber_id=subscriber_id))
    assert (result.delivered, result.failed_drafts) == (0, 1)
    held = [line for line in lines if line["event"] == "webhook deliveries held: the subscriber cannot be sent to"]
    assert [(h["log_level"], h["field"], h["rule"]) for h in held] == [("error", "url", rule)], lines
    assert held[0]["error"].startswith("url: "), held  # as `url_sendable`'s reads (a breaker: the field had gone)
    assert not await pool.fetchval("SELECT count(*) FROM deliveries WHERE subscriber_id = $1", subscriber_id)


async def test_a_request_that_cannot_be_made_for_a_reason_not_foreseen_holds_the_events_too(dev_env, pool, worker, receiver,
                                                                                            monkeypatch):
    """What made the URLs above fail (the socket's OverflowError) is now refused before sending, but a URL may hold what
    no rule foresaw: any failure to make the request that is not an answer nor a network failure holds the subscriber's
    events (`url_sendable`) rather than failing the activity on every attempt. The socket's failure is put back here."""
    agency, hook = ministry(), receiver()
    subscriber_id = await subscribe(pool, agency, hook.url(), new_secret())
    request = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, request, task_queue=worker)
    await recorded(pool, [request.submission_id], 1)

    async def unmakeable(*_, **__):
        raise OverflowError("getsockaddrarg: port must be 0-65535.")

    monkeypatch.setattr("httpx.AsyncClient.post", unmakeable)
    with capture_logs() as lines:
        result = await WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED).deliver_pending(DeliveryInput(subscriber_id=subscriber_id))
    assert (result.delivered, result.failed_drafts) == (0, 1)
    held = [line for line in lines if line["event"] == "webhook deliveries held: the subscriber cannot be sent to"]
    assert [(h["field"], h["rule"]) for h in held] == [("url", "url_sendable")], lines
    assert "OverflowError" in held[0]["error"] and not hook.received
    assert not await pool.fetchval("SELECT count(*) FROM deliveries WHERE subscriber_id = $1", subscriber_id)
    monkeypatch.undo()
    assert (await WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED).deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1


@pytest.mark.parametrize(("written", "registered"), [
    ("HTTPS://Hooks.Example:443/x", "https://hooks.example/x"), ("https://hooks.example", "https://hooks.example/"),
    ("https://hooks.example/a?b=C#part", "https://hooks.example/a?b=C"), ("http://127.0.0.1:80", "http://127.0.0.1/"),
    ("https://hooks.example:8443/Hook", "https://hooks.example:8443/Hook")])
def test_a_url_is_registered_in_its_normal_form(written, registered):
    """One receiver written several ways is one subscriber (RFC 3986 6.2.2, 6.2.3; a fragment is never sent)."""
    assert destinations.normal_form(written) == registered


async def test_a_subscriber_added_again_receives_what_is_recorded_from_then_on(dev_env, pool, receiver, worker):
    """Found in a user trial: a subscriber removed and added again received the events recorded while it was removed,
    although delivery covers what is recorded since the subscriber was added. Its dead letters stay its own to retry."""
    hook, agency = receiver(), ministry()
    url, activities = hook.url(), WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED)

    async def started() -> str:
        request = start_request(ministry=agency)
        await drafts.start_submission(dev_env.client, request, task_queue=worker)
        await recorded(pool, [request.submission_id], 1)
        return request.submission_id

    def sent_drafts() -> list[str]:
        return [r.headers["webhook-id"].split(":")[1] for r in hook.taken()]

    subscriber_id = await subscribe(pool, agency, url, new_secret())
    before = await started()
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    lettered = await started()  # kept as a dead letter for it, as a receiver's 422 would keep it
    await pool.execute("INSERT INTO dead_letters (kind, key, submission_id, seq, event, subscriber_id, payload, reason) "
                       "VALUES ('WEBHOOK', $1, $2, 1, 'SUBMITTED', $3, '{}', 'HTTP 422')", f"{subscriber_id}:{lettered}:1", lettered, subscriber_id)
    assert await subscribers.deactivate(pool, subscriber_id)
    while_removed = await started()
    assert await subscribe(pool, agency, url, new_secret()) == subscriber_id  # the same subscriber, active again
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 0
    listed = next(s for s in await subscribers.listed(pool) if s.subscriber_id == subscriber_id)
    assert (listed.waiting, listed.dead_letters) == (0, 1)  # its refused event counted apart (found by an integrator)
    after = await started()
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    await pool.execute("UPDATE dead_letters SET resolved_at = now() WHERE key = $1", f"{subscriber_id}:{lettered}:1")  # handed back
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1
    assert sent_drafts() == [before, after, lettered] and while_removed not in sent_drafts()


@pytest.mark.parametrize(("location", "logged"), [
    ("/moved", "http://127.0.0.1:{port} (path and query left out)"),
    # Found in a user trial: the warning said to register the URL the redirect names, but not the URL. Its user name,
    # password, path, query and fragment stay out of the log (tokens and signatures travel there); its length is bounded.
    ("https://user:pw-s3cret@hooks.example/new/s3cret?token=s3cret#s3cret", "https://hooks.example (path and query left out)"),
    ("https://" + "a" * 250 + ".example/", "https://" + "a" * 191 + "…"),
])
async def test_a_redirect_is_not_followed_and_the_event_waits(dev_env, pool, receiver, worker, location, logged):
    hook, agency = receiver(302, location=location), ministry()
    subscriber_id = await subscribe(pool, agency, hook.url(), new_secret())
    request = start_request(ministry=agency)
    await drafts.start_submission(dev_env.client, request, task_queue=worker)
    await recorded(pool, [request.submission_id], 1)
    activities = WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED)
    with capture_logs() as lines:
        result = await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))
    assert (result.delivered, result.failed_drafts) == (0, 1)
    assert [r.path for r in hook.received] == ["/hook"], "the redirect was followed"
    warned = [line for line in lines if line["event"].startswith("webhook receiver answered a redirect")]
    assert [w["location"] for w in warned] == [logged.format(port=hook.server_address[1])], lines
    assert "s3cret" not in str(lines) and len(warned[0]["location"]) <= 200
    assert (await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))).delivered == 1  # tried again, same ID
    assert hook.received[0].headers["webhook-id"] == hook.received[1].headers["webhook-id"]


@pytest.mark.parametrize(("location", "logged"), [
    (None, "(no Location header)"), ("", "(no Location header)"), ("http://[::1", "(not a URL)"), ("\x01x", "(not a URL)"),
    ("../other?a=1", "https://hooks.example (path and query left out)"), ("//u@elsewhere.example:8443/#f", "https://elsewhere.example:8443"),
    ("http://hooks.example/", "http://hooks.example"),
])
def test_a_redirect_target_is_logged_without_what_may_be_secret(location, logged):
    assert redirect_target(location, "https://hooks.example/legis/hook?kept=1") == logged


async def test_a_subscriber_to_every_draft_gets_no_classified_draft_s_events(dev_env, pool, receiver, worker):
    everything, own, agency = receiver(), receiver(), ministry()
    every_id = await subscribe(pool, "*", everything.url(), new_secret())
    own_id = await subscribe(pool, agency, own.url(), new_secret())
    classified, ordinary = start_request(ministry=agency, classified=True), start_request(ministry=agency)
    for request in (classified, ordinary):
        await drafts.start_submission(dev_env.client, request, task_queue=worker)
    await recorded(pool, [classified.submission_id, ordinary.submission_id], 2)
    # Waiting for the lead ministry's subscriber, never for `*`, before any round has withheld it (found by an operator's
    # trial: `legis subscribers list` counted it waiting for `*` until then).
    listed = {s.subscriber_id: s.waiting for s in await subscribers.listed(pool)}
    assert (listed[every_id], listed[own_id]) == (1, 2), listed
    activities = WebhookActivities(pool, TEST_KEYS, allowed=ALLOWED)
    for subscriber_id in (every_id, own_id):
        await activities.deliver_pending(DeliveryInput(subscriber_id=subscriber_id))

    def drafts_in(hook: Receiver) -> set[str]:
        return {r.headers["webhook-id"].split(":")[1] for r in hook.taken()} & {classified.submission_id, ordinary.submission_id}

    assert drafts_in(everything) == {ordinary.submission_id}
    assert drafts_in(own) == {classified.submission_id, ordinary.submission_id}
    withheld = await pool.fetch("SELECT submission_id FROM deliveries WHERE subscriber_id = $1 AND withheld", every_id)
    assert [r["submission_id"] for r in withheld] == [classified.submission_id]
    again = await activities.deliver_pending(DeliveryInput(subscriber_id=every_id))
    assert drafts_in(everything) == {ordinary.submission_id} and not again.pending
