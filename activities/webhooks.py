"""Webhook delivery: each subscriber receives its drafts' events, signed, once, in order within a draft.

The payload is deliberately thin (what happened, to which draft, at which stage, by which body):
no titles, reasons, officials' names or documents, so that classified drafts leak nothing and the
receiver asks the API for details it is entitled to. A classified draft's events go only to subscribers whose agency
may read the draft (`api.permissions.agency_reads_classified`: its own lead ministry); for the others, a subscriber to
every draft (`*`) included, they are recorded as withheld and never sent.

Each request follows Standard Webhooks (standardwebhooks.com): `webhook-id` names the message, the same on every retry
(`<subscriber>:<submission>:<seq>`); `webhook-timestamp` is when it was sent, in Unix seconds; `webhook-signature` is
`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the subscriber's `whsec_` secret, and a second one, after
a space, with the secret a rotation keeps (`store.subscribers.rotate`). The destination is checked before each round
(`activities.destinations`) and the round's requests go to the address checked; redirects are not followed.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version

import asyncpg
import httpx
import structlog
from standardwebhooks.webhooks import Webhook
from temporalio import activity

from activities import destinations
from activities.audit import count_dead_letter
from api.permissions import agency_reads_classified
from schemas.records import DeliveryInput, DeliveryResult
from schemas.time import in_hanoi
from store import dead_letters, subscribers
from store.dead_letters import Kind
from workflows.codec import KeyRing

log = structlog.get_logger(__name__)
# Answers by which a receiver refuses this event's body, whatever happens next: sending it again is sent in vain, so
# the event is kept as a dead letter and the draft's later events go on. Any other failure (5xx, 401, 404, 408,
# 429, a redirect, no answer) says nothing about the event: it waits and is tried again, holding its draft's later events.
REFUSED_FOR_ITS_BODY = frozenset({400, 413, 415, 422})

ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER = "webhook-id", "webhook-timestamp", "webhook-signature"
# The event's key, the same for every subscriber (`<submission>:<seq>`), as before Standard Webhooks.
IDEMPOTENCY_HEADER = "Idempotency-Key"
# The longest redirect target a warning writes: a log line is for a person to read, and the receiver chooses the header.
LOCATION_LOGGED = 200

EVENT_COLUMNS = ("submission_id", "seq", "occurred_at", "occurred_on", "imported", "event", "stage", "to_stage", "outcome", "actor",
                 "deadline", "to_stage_deadline", "label", "escalation_level", "requested_deadline", "approved", "late_request")

_PENDING = f"""
SELECT {", ".join("e." + c for c in EVENT_COLUMNS)}, s.classified, s.lead_ministry, sub.agency_code AS subscriber_agency
FROM audit_events e
JOIN submissions s USING (submission_id)
JOIN subscribers sub ON sub.id = $1 AND sub.active AND (sub.agency_code = '*' OR sub.agency_code = s.lead_ministry)
WHERE (e.recorded_at >= sub.created_at  -- since it was (last) added: not what was recorded before, or while it was removed
       -- a dead letter handed back (`legis dead-letters retry`), also one kept before the subscriber was removed and added again
       OR EXISTS (SELECT 1 FROM dead_letters dl WHERE dl.kind = 'WEBHOOK' AND dl.resolved_at IS NOT NULL
                  AND dl.key = $1::text || ':' || e.submission_id || ':' || e.seq))
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = $1 AND d.submission_id = e.submission_id AND d.seq = e.seq)
  AND NOT EXISTS (SELECT 1 FROM dead_letters dl WHERE dl.kind = 'WEBHOOK' AND dl.resolved_at IS NULL
                  AND dl.key = $1::text || ':' || e.submission_id || ':' || e.seq)
  AND NOT (e.submission_id = ANY($3::text[]))  -- drafts held this round: an earlier event of theirs failed
ORDER BY e.recorded_at, e.submission_id, e.seq
LIMIT $2
"""
# Fetches of a round after drafts were held by the receiver's answer: a draft whose events fail, however many wait, holds
# up no other's (found by an integrator's trial: a draft with a batch's worth waiting behind a 503 filled every round, and
# another draft's new event waited for minutes); bounded, so that a round ends within its activity's time.
FETCHES_PER_ROUND = 10


def signature(signing: Sequence[str], message_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header: one `v1,<base64>` signature for each secret in `signing`, separated by spaces."""
    sent_at = datetime.fromtimestamp(timestamp, UTC)
    return " ".join(Webhook(secret).sign(message_id, sent_at, body) for secret in signing)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id(subscriber_id: int, row: asyncpg.Record) -> str:
    return f"{subscriber_id}:{row['submission_id']}:{row['seq']}"


def payload(row: asyncpg.Record) -> dict:
    # Instants at the Ha Noi offset, as everywhere legis writes one; days as they are.
    event = {k: (in_hanoi(v).isoformat() if isinstance(v, datetime) else v.isoformat() if hasattr(v, "isoformat") else v)
             for k, v in ((c, row[c]) for c in EVENT_COLUMNS) if v is not None}
    event["idempotency_key"] = f"{row['submission_id']}:{row['seq']}"
    return event


def may_receive(row: asyncpg.Record) -> bool:
    """May the subscriber receive this event? A classified draft's only when its agency may read the draft."""
    return not row["classified"] or agency_reads_classified(row["subscriber_agency"], lead_ministry=row["lead_ministry"])


# What a receiver's firewall or log knows the requests by (found by an integrator's trial: "python-httpx/0.28.1").
USER_AGENT = f"legis-webhooks/{version('legis')}"
# How long a receiver has to answer a request, seconds: a slower one is sent the event again (README: Webhooks).
RECEIVER_TIMEOUT = 10.0
# A round sends no request after this many seconds of them, all its batches counted, well within the delivery activity's
# start-to-close (5 minutes): what is left goes in the next round.
ROUND_SECONDS = 120.0


class WebhookActivities:
    def __init__(self, pool: asyncpg.Pool, keys: KeyRing | None, *, allowed: destinations.AllowedHosts = destinations.AllowedHosts(),
                 timeout_seconds: float = RECEIVER_TIMEOUT) -> None:
        self._pool = pool
        self._keys = keys
        self._allowed = allowed
        self._timeout = timeout_seconds

    @activity.defn
    async def deliver_pending(self, request: DeliveryInput) -> DeliveryResult:
        beating = asyncio.create_task(_heartbeats())
        try:
            return await self._deliver(request)
        finally:
            beating.cancel()

    async def _deliver(self, request: DeliveryInput) -> DeliveryResult:
        # The subscription these events are for, read before them: one removed, or removed and added again, meanwhile is
        # sent nothing more of them (`_post_in_order`).
        since = await subscribers.subscribed_since(self._pool, request.subscriber_id)
        blocked: set[str] = set()
        delivered = withheld = fetched = 0
        ends_by = time.monotonic() + ROUND_SECONDS  # the whole round's, whatever its batches (found by a breaker: each batch's)
        for _ in range(FETCHES_PER_ROUND):
            held_before = len(blocked)
            rows = await self._pool.fetch(_PENDING, request.subscriber_id, request.batch, sorted(blocked))
            sendable = [row for row in rows if may_receive(row)]
            kept_back = [row for row in rows if not may_receive(row)]
            await self._withhold(request.subscriber_id, kept_back)
            sent, reached = await self._send(request.subscriber_id, since, sendable, blocked, ends_by) if sendable and since else (0, True)
            delivered, withheld, fetched = delivered + sent, withheld + len(kept_back), fetched + len(rows)
            if len(rows) < request.batch or len(blocked) == held_before or not reached:
                # All fetched; a full batch taken with no draft newly held (the next round goes on); or a receiver not
                # reached, or a subscriber that cannot be sent to, which more requests would only weigh on.
                break
        if fetched and not blocked and reached:  # all it fetched sent, not cut off by the round's time
            await subscribers.note_failure(self._pool, request.subscriber_id, None)
        if fetched:
            log.info("webhook delivery", subscriber_id=request.subscriber_id, delivered=delivered, withheld=withheld,
                     refused_drafts=len(blocked))
        return DeliveryResult(delivered=delivered, failed_drafts=len(blocked), pending=len(rows) == request.batch)

    async def _send(self, subscriber_id: int, since: datetime, rows: list[asyncpg.Record], blocked: set[str],
                    ends_by: float) -> tuple[int, bool]:
        """The events delivered, and whether the receiver answered every request sent to it: not when it could not be
        reached, nor when the subscriber's URL or secret could not be used (then the round fetches no more)."""
        if self._keys is None:
            return await self._held(subscriber_id, rows, blocked, "encryption_keys", "encryption_keys_configured",
                         "this worker has no payload keys (LEGIS_ENCRYPTION_KEYS) to open the subscriber's secret"), False
        try:
            found = await subscribers.signing_secrets(self._pool, self._keys, subscriber_id)
            if found is None:
                return 0, False  # removed meanwhile
            url, signing = found
            destination = await destinations.check(url, self._allowed)
        except destinations.DestinationRefused as refused:
            return await self._held(subscriber_id, rows, blocked, refused.field, refused.rule, f"{refused.field}: {refused.message}"), False
        except ValueError as unopened:  # KeyRingError too: the key that sealed it is not in the ring
            return await self._held(subscriber_id, rows, blocked, "secret", "secret_opens", str(unopened)), False
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as http:
            return await self._post_in_order(http, destination, url, (subscriber_id, since), signing, rows, blocked, ends_by)

    async def _post_in_order(self, http: httpx.AsyncClient, destination: destinations.Destination, registered: str,
                             subscription: tuple[int, datetime], signing: list[str], rows: list[asyncpg.Record],
                             blocked: set[str], ends_by: float) -> tuple[int, bool]:
        subscriber_id, since = subscription
        delivered, failure, reached = 0, None, True
        options = destination.request_options()
        for row in rows:
            if time.monotonic() > ends_by:
                # Waited for past the round's time (a receiver that does not answer, a slow one): the others' events go in
                # the next round (found by an operator's trial: 30 drafts each waited for 10 s outlasted the delivery's 5
                # minutes, which began again for ever, and the warning below was never logged).
                reached = False
                break
            if await subscribers.subscribed_since(self._pool, subscriber_id) != since:
                # Removed (or removed and added again) while this round ran, each request taking up to its timeout: a
                # removed subscriber is sent nothing more (found by a breaker of concurrency: the round's 5 other events were).
                break
            if row["submission_id"] in blocked:
                continue  # an earlier event of this draft was refused: keep the draft's order
            body = json.dumps(payload(row), ensure_ascii=False, sort_keys=True)
            sent_at, message = int(time.time()), message_id(subscriber_id, row)
            headers = options["headers"] | {
                "Content-Type": "application/json",
                ID_HEADER: message,
                TIMESTAMP_HEADER: str(sent_at),
                SIGNATURE_HEADER: signature(signing, message, sent_at, body),
                IDEMPOTENCY_HEADER: f"{row['submission_id']}:{row['seq']}",
            }
            try:
                # The whole request within the timeout: httpx's bounds each read (found by a breaker: an answer sent a byte
                # at a time was never timed out).
                async with asyncio.timeout(self._timeout):
                    response = await http.post(destination.url, content=body.encode(), headers=headers, extensions=options.get("extensions"))
                accepted = response.is_success
            except (httpx.HTTPError, TimeoutError) as unreached:
                # Not reached (no connection, no answer in time, the connection dropped): that draft is held as a refused
                # one is, the others go on (found by breakers: ended at the first, or the second in a row, a receiver
                # hanging on the oldest drafts' events held every other draft's for good), and no more batches are fetched.
                response, accepted, reached = None, False, False
                failure = failure or f"{type(unreached).__name__}: {str(unreached)[:200] or 'no answer in time'}"
            except Exception as unsendable:  # anything else is the destination's fault, not the receiver's
                # Not an answer or a network failure but a request that cannot be made (a URL stored before `check`
                # refused what it holds: a socket refusing its port). Held as a refused destination is, rather than
                # failing the activity on every attempt for ever.
                return delivered + await self._held(subscriber_id, rows, blocked, destinations.FIELD, "url_sendable",
                                         f"{destinations.FIELD}: the request cannot be made ({type(unsendable).__name__}: {str(unsendable)[:200]})"), False
            if response is not None and response.status_code in REFUSED_FOR_ITS_BODY:
                await self._dead_letter(subscriber_id, row, body, response.status_code)
                continue
            if response is not None and response.is_redirect:
                log.warning("webhook receiver answered a redirect, which is not followed: register the URL it names",
                            subscriber_id=subscriber_id, status=response.status_code,
                            location=redirect_target(response.headers.get("location"), registered))
            if not accepted:
                failure = failure or (None if response is None else f"HTTP {response.status_code}")
                blocked.add(row["submission_id"])
                continue
            await self._pool.execute(
                "INSERT INTO deliveries (subscriber_id, submission_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                subscriber_id, row["submission_id"], row["seq"],
            )
            delivered += 1
        if blocked:
            # An operator's sign that a receiver is down or failing; the events wait for it and nothing is lost.
            log.warning("webhook receiver did not take events; they wait and are sent again", subscriber_id=subscriber_id,
                        host=destination.host, cause=failure, waiting_drafts=len(blocked))
            await subscribers.note_failure(self._pool, subscriber_id, failure or "the receiver did not take events")
        return delivered, reached

    async def _held(self, subscriber_id: int, rows: list[asyncpg.Record], blocked: set[str], field: str, rule: str, error: str) -> int:
        """The subscriber's URL or secret cannot be used: nothing is sent, and its drafts' events wait (the workflow backs
        off) until an operator fixes it, as `legis subscribers list` says; returns the events delivered, none."""
        blocked.update(row["submission_id"] for row in rows)
        log.error("webhook deliveries held: the subscriber cannot be sent to", subscriber_id=subscriber_id, field=field, rule=rule, error=error)
        await subscribers.note_failure(self._pool, subscriber_id, f"held by the worker: {field}, {rule}")
        return 0

    async def _withhold(self, subscriber_id: int, rows: list[asyncpg.Record]) -> None:
        if rows:
            await self._pool.execute(
                "INSERT INTO deliveries (subscriber_id, submission_id, seq, withheld) SELECT $1, unnest($2::text[]), unnest($3::int[]), true "
                "ON CONFLICT DO NOTHING", subscriber_id, [r["submission_id"] for r in rows], [r["seq"] for r in rows])

    async def _dead_letter(self, subscriber_id: int, row, body: str, status: int) -> None:
        letter, new = await dead_letters.record(
            self._pool, Kind.WEBHOOK, message_id(subscriber_id, row), submission_id=row["submission_id"],
            seq=row["seq"], event=row["event"], payload=body, subscriber_id=subscriber_id, classified=row["classified"],
            reason=dead_letters.Reason(None, f"the receiver answered HTTP {status}, refusing this event's body"))
        if new:
            count_dead_letter(Kind.WEBHOOK)
        log.error("webhook event kept as a dead letter: the receiver refuses its body", dead_letter_id=letter, subscriber_id=subscriber_id,
                  submission_id=row["submission_id"], seq=row["seq"], status=status)


async def _heartbeats() -> None:
    """Heartbeats at half the heartbeat timeout for as long as the delivery runs, whatever each request waits for (a
    receiver may take its whole timeout per event); none for a run that set no heartbeat timeout (before its patch), nor
    outside an activity."""
    timeout = activity.info().heartbeat_timeout if activity.in_activity() else None
    if not timeout:
        return
    while True:
        activity.heartbeat()
        await asyncio.sleep(timeout.total_seconds() / 2)


def redirect_target(location: str | None, registered: str) -> str:
    """Where a redirect points, as safe to log: resolved against the URL registered (its name, not the address the round
    was sent to), its scheme, host and port only: tokens and signatures travel in the user name, the password, the query
    and the path too (chat services' hook URLs carry theirs in the path); at most LOCATION_LOGGED characters. The
    receiver writes the header: what is not a URL is said so, not copied."""
    if not location:
        return "(no Location header)"
    try:
        target = httpx.URL(registered).join(location)
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return "(not a URL)"
    said = f"{target.scheme}://{target.netloc.decode('ascii', 'replace')}"
    said += " (path and query left out)" if target.raw_path not in (b"", b"/") else ""
    return said if len(said) <= LOCATION_LOGGED else said[:LOCATION_LOGGED - 1] + "…"


