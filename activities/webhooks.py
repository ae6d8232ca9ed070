"""Webhook delivery: each subscriber receives its drafts' events, signed, once, in order within a draft.

The payload is deliberately thin (what happened, to which draft, at which stage, by which body):
no titles, reasons, officials' names or documents, so that classified drafts leak nothing and the
receiver asks the API for details it is entitled to.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

import asyncpg
import httpx
import structlog
from temporalio import activity

from activities.audit import count_dead_letter
from schemas.records import DeliveryInput, DeliveryResult
from schemas.time import in_hanoi
from store import dead_letters
from store.dead_letters import Kind

log = structlog.get_logger(__name__)
# Answers by which a receiver refuses this event's body, whatever happens next: sending it again is sent in vain, so
# the event is kept as a dead letter and the draft's later events go on. Any other failure (5xx, 401, 404, 408,
# 429, no answer) says nothing about the event: it waits and is tried again, holding its draft's later events.
REFUSED_FOR_ITS_BODY = frozenset({400, 413, 415, 422})

SIGNATURE_HEADER = "X-Legis-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"

_PENDING = """
SELECT e.submission_id, e.seq, e.occurred_at, e.event, e.stage, e.to_stage, e.outcome, e.actor, e.deadline,
       e.label, e.escalation_level, e.requested_deadline, e.approved, e.late_request
FROM audit_events e
JOIN submissions s USING (submission_id)
JOIN subscribers sub ON sub.id = $1 AND sub.active AND (sub.agency_code = '*' OR sub.agency_code = s.lead_ministry)
WHERE e.recorded_at >= sub.created_at
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = $1 AND d.submission_id = e.submission_id AND d.seq = e.seq)
  AND NOT EXISTS (SELECT 1 FROM dead_letters dl WHERE dl.kind = 'WEBHOOK' AND dl.resolved_at IS NULL
                  AND dl.key = $1::text || ':' || e.submission_id || ':' || e.seq)
ORDER BY e.recorded_at, e.submission_id, e.seq
LIMIT $2
"""


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def payload(row: asyncpg.Record) -> dict:
    # Instants at the Ha Noi offset, as everywhere legis writes one; days as they are.
    event = {k: (in_hanoi(v).isoformat() if isinstance(v, datetime) else v.isoformat() if hasattr(v, "isoformat") else v)
             for k, v in dict(row).items() if v is not None}
    event["idempotency_key"] = f"{row['submission_id']}:{row['seq']}"
    return event


class WebhookActivities:
    def __init__(self, pool: asyncpg.Pool, *, timeout_seconds: float = 10.0) -> None:
        self._pool = pool
        self._timeout = timeout_seconds

    @activity.defn
    async def deliver_pending(self, request: DeliveryInput) -> DeliveryResult:
        subscriber = await self._pool.fetchrow("SELECT url, secret FROM subscribers WHERE id = $1", request.subscriber_id)
        if subscriber is None:
            return DeliveryResult(delivered=0, failed_drafts=0, pending=False)
        rows = await self._pool.fetch(_PENDING, request.subscriber_id, request.batch)
        blocked: set[str] = set()
        delivered = 0
        async with httpx.AsyncClient(timeout=self._timeout) as http:
            delivered = await self._post_in_order(http, request.subscriber_id, subscriber, rows, blocked)
        if rows:
            log.info("webhook delivery", subscriber_id=request.subscriber_id, delivered=delivered, refused_drafts=len(blocked))
        return DeliveryResult(delivered=delivered, failed_drafts=len(blocked), pending=len(rows) == request.batch)

    async def _post_in_order(self, http: httpx.AsyncClient, subscriber_id: int, subscriber, rows, blocked: set[str]) -> int:
        delivered = 0
        for row in rows:
            if row["submission_id"] in blocked:
                continue  # an earlier event of this draft was refused: keep the draft's order
            body = json.dumps(payload(row), ensure_ascii=False, sort_keys=True).encode()
            headers = {
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(subscriber["secret"], body),
                IDEMPOTENCY_HEADER: f"{row['submission_id']}:{row['seq']}",
            }
            try:
                response = await http.post(subscriber["url"], content=body, headers=headers)
                accepted = response.is_success
            except httpx.HTTPError:
                response, accepted = None, False
            if response is not None and response.status_code in REFUSED_FOR_ITS_BODY:
                await self._dead_letter(subscriber_id, row, body, response.status_code)
                continue
            if not accepted:
                blocked.add(row["submission_id"])
                continue
            await self._pool.execute(
                "INSERT INTO deliveries (subscriber_id, submission_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                subscriber_id, row["submission_id"], row["seq"],
            )
            delivered += 1
        return delivered

    async def _dead_letter(self, subscriber_id: int, row, body: bytes, status: int) -> None:
        classified = bool(await self._pool.fetchval("SELECT classified FROM submissions WHERE submission_id = $1", row["submission_id"]))
        letter, new = await dead_letters.record(
            self._pool, Kind.WEBHOOK, f"{subscriber_id}:{row['submission_id']}:{row['seq']}", submission_id=row["submission_id"],
            seq=row["seq"], event=row["event"], payload=body.decode(), subscriber_id=subscriber_id, classified=classified,
            reason=dead_letters.Reason(None, f"the receiver answered HTTP {status}, refusing this event's body"))
        if new:
            count_dead_letter(Kind.WEBHOOK)
        log.error("webhook event kept as a dead letter: the receiver refuses its body", dead_letter_id=letter, subscriber_id=subscriber_id,
                  submission_id=row["submission_id"], seq=row["seq"], status=status)
