"""Webhook subscribers as operators manage them (`legis subscribers`); their deliveries are the workers' (activities.webhooks).

A subscriber's signing secret is never stored in clear: it is sealed with the payload key ring (`workflows.codec.KeyRing`,
AES-256-GCM, LEGIS_ENCRYPTION_KEYS) and bound to the subscriber's ID, written `<key id>:<base64 nonce and ciphertext>`.
While a secret is rotated, the one it replaces is kept, sealed the same way, until `previous_until`: deliveries then
carry a signature with each.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta

import asyncpg
from pydantic import BaseModel, Field

from workflows.codec import KeyRing


class Subscriber(BaseModel):
    subscriber_id: int
    agency_code: str
    url: str
    active: bool
    delivered: int
    waiting: int = Field(description="events recorded for it and not delivered yet (its dead letters apart): a receiver down shows here")
    dead_letters: int = Field(default=0, description="its events kept as open dead letters (refused for their body): "
                              "`legis dead-letters list`, then `retry` once the receiver is fixed")
    last_delivered_at: datetime | None
    failure: str | None = Field(default=None, description="why its events wait: the latest delivery round's failure (\"held by the worker: url, https_only\": "
                                "the worker cannot send to it; \"HTTP 503\": the receiver's answer), none once a round sends all it fetched")
    failing_since: datetime | None = Field(default=None, description="since when its delivery rounds fail")


class Rotated(BaseModel):
    subscriber_id: int
    previous_until: datetime | None


def seal(keys: KeyRing, subscriber_id: int, secret: str) -> str:
    key_id, sealed = keys.seal(secret.encode(), _bound(subscriber_id))
    return f"{key_id}:{base64.b64encode(sealed).decode()}"


def unseal(keys: KeyRing, subscriber_id: int, sealed: str) -> str:
    """The secret `seal` sealed. Raises KeyRingError (a ValueError) when its key is not in the ring, ValueError when it
    does not open (altered, or moved from another subscriber's row)."""
    key_id, _, data = sealed.partition(":")
    try:
        return keys.open(key_id, base64.b64decode(data, validate=True), _bound(subscriber_id)).decode()
    except binascii.Error:
        raise ValueError(f"subscriber {subscriber_id}: its secret is not sealed") from None


def _bound(subscriber_id: int) -> bytes:
    return f"webhook-subscriber-{subscriber_id}".encode()


class SubscriberExists(Exception):
    """An active subscriber has this agency and URL already (its secret is not replaced: `rotate` does that, with overlap)."""

    def __init__(self, subscriber_id: int) -> None:
        super().__init__(f"subscriber {subscriber_id}")
        self.subscriber_id = subscriber_id


async def add(db: asyncpg.Connection, keys: KeyRing, *, agency_code: str, url: str, secret: str) -> int:
    """Register a subscriber, or make a removed one (same agency and URL) active again with a new secret.

    Either way it receives the events recorded from now on: `created_at` is when its current subscription began, so that a
    subscriber added again is not sent what was recorded while it was removed, nor what waited for it when it was removed
    (its open dead letters stay its own, to retry). Raises SubscriberExists when an active one has that agency and URL: replacing its secret at once would make its
    receiver refuse every event signed after."""
    async with db.transaction():
        existing = await db.fetchrow("SELECT id, active FROM subscribers WHERE agency_code = $1 AND url = $2 FOR UPDATE", agency_code, url)
        if existing is not None and existing["active"]:
            raise SubscriberExists(existing["id"])
        subscriber_id = await db.fetchval(
            "INSERT INTO subscribers (agency_code, url, secret) VALUES ($1, $2, '') "
            "ON CONFLICT (agency_code, url) DO UPDATE SET active = true, created_at = now() RETURNING id",
            agency_code, url,
        )
        await db.execute("UPDATE subscribers SET secret = $2, previous_secret = NULL, previous_until = NULL WHERE id = $1",
                         subscriber_id, seal(keys, subscriber_id, secret))
    return subscriber_id


class SubscriberRemoved(Exception):
    """The subscriber was removed: it signs nothing, and adding it again gives it a new secret anyway."""

    def __init__(self, subscriber_id: int, agency_code: str, url: str) -> None:
        super().__init__(f"subscriber {subscriber_id}")
        self.subscriber_id, self.agency_code, self.url = subscriber_id, agency_code, url


async def rotate(db: asyncpg.Connection, keys: KeyRing, subscriber_id: int, secret: str, *, keep_old_for: timedelta) -> Rotated | None:
    """Sign with `secret` from now on, and with the current one too for `keep_old_for` (none when zero); the one an earlier
    rotation kept is dropped. None when there is no such subscriber; raises SubscriberRemoved when it was removed."""
    row = await db.fetchrow(
        "UPDATE subscribers SET previous_secret = CASE WHEN $3 > interval '0' THEN secret END, "
        "previous_until = CASE WHEN $3 > interval '0' THEN now() + $3 END, secret = $2 WHERE id = $1 AND active RETURNING previous_until",
        subscriber_id, seal(keys, subscriber_id, secret), keep_old_for,
    )
    if row is not None:
        return Rotated(subscriber_id=subscriber_id, previous_until=row["previous_until"])
    removed = await db.fetchrow("SELECT agency_code, url FROM subscribers WHERE id = $1", subscriber_id)
    if removed is not None:
        raise SubscriberRemoved(subscriber_id, removed["agency_code"], removed["url"])
    return None


async def signing_secrets(db: asyncpg.Connection | asyncpg.Pool, keys: KeyRing, subscriber_id: int) -> tuple[str, list[str]] | None:
    """An active subscriber's URL and the secrets its deliveries are signed with now (the newest first); None when it is
    unknown or removed."""
    row = await db.fetchrow(
        "SELECT url, secret, CASE WHEN previous_until > now() THEN previous_secret END AS previous FROM subscribers "
        "WHERE id = $1 AND active", subscriber_id)
    if row is None:
        return None
    return row["url"], [unseal(keys, subscriber_id, s) for s in (row["secret"], row["previous"]) if s is not None]


async def subscribed_since(db: asyncpg.Connection | asyncpg.Pool, subscriber_id: int) -> datetime | None:
    """When an active subscriber's current subscription began (added, or last added again); None when unknown or removed."""
    return await db.fetchval("SELECT created_at FROM subscribers WHERE id = $1 AND active", subscriber_id)


async def listed(db: asyncpg.Connection | asyncpg.Pool) -> list[Subscriber]:
    """Every subscriber and how many events it has received (not those withheld from it)."""
    rows = await db.fetch(_LISTED)
    return [Subscriber(**dict(row)) for row in rows]


# What waits is what the delivery would send (`activities.webhooks`): the events of its drafts since it subscribed (last added),
# and those of its dead letters handed back, neither delivered nor withheld nor kept as an open dead letter; not a
# classified draft's for a subscriber that is not its lead ministry's (`activities.webhooks.may_receive`: withheld once
# a round fetches it; found by an operator's trial, counted as waiting until then). Nothing waits for a removed subscriber.
_LISTED = """
SELECT s.id AS subscriber_id, s.agency_code, s.url, s.active,
       (SELECT count(*) FROM deliveries d WHERE d.subscriber_id = s.id AND NOT d.withheld) AS delivered,
       (SELECT max(d.delivered_at) FROM deliveries d WHERE d.subscriber_id = s.id AND NOT d.withheld) AS last_delivered_at,
       CASE WHEN NOT s.active THEN 0 ELSE (
           SELECT count(*) FROM audit_events e JOIN submissions r USING (submission_id)
           WHERE (s.agency_code = '*' OR s.agency_code = r.lead_ministry)
             AND (NOT r.classified OR s.agency_code = r.lead_ministry)
             AND (e.recorded_at >= s.created_at OR EXISTS (SELECT 1 FROM dead_letters dl WHERE dl.kind = 'WEBHOOK' AND dl.resolved_at IS NOT NULL
                                                           AND dl.key = s.id::text || ':' || e.submission_id || ':' || e.seq))
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = s.id AND d.submission_id = e.submission_id AND d.seq = e.seq)
             AND NOT EXISTS (SELECT 1 FROM dead_letters dl WHERE dl.kind = 'WEBHOOK' AND dl.resolved_at IS NULL
                             AND dl.key = s.id::text || ':' || e.submission_id || ':' || e.seq)) END AS waiting,
       (SELECT count(*) FROM dead_letters dl WHERE dl.kind = 'WEBHOOK' AND dl.resolved_at IS NULL AND dl.subscriber_id = s.id) AS dead_letters,
       s.failure, s.failing_since
FROM subscribers s ORDER BY s.id
"""


async def note_failure(db: asyncpg.Connection | asyncpg.Pool, subscriber_id: int, failure: str | None) -> None:
    """Record why a delivery round left the subscriber's events waiting (`failure`, kept from its first failing round's
    moment on), or, with None, that a round sent all it fetched."""
    if failure is None:
        await db.execute("UPDATE subscribers SET failure = NULL, failing_since = NULL WHERE id = $1 AND failure IS NOT NULL", subscriber_id)
    else:
        await db.execute("UPDATE subscribers SET failure = $2, failing_since = coalesce(failing_since, now()) WHERE id = $1",
                         subscriber_id, failure[:300])


async def active_of(db: asyncpg.Connection | asyncpg.Pool, agency_code: str) -> list[int]:
    """The IDs of the active subscribers of an agency's drafts, in order."""
    return [row["id"] for row in await db.fetch("SELECT id FROM subscribers WHERE active AND agency_code = $1 ORDER BY id", agency_code)]


async def deactivate(db: asyncpg.Connection | asyncpg.Pool, subscriber_id: int) -> bool:
    """Stop a subscriber (its record and delivery log are kept); False when there is no such subscriber."""
    return not (await db.execute("UPDATE subscribers SET active = false WHERE id = $1", subscriber_id)).endswith(" 0")
