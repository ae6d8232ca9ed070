"""Webhook subscribers as operators manage them (`legis subscribers`); their deliveries are the workers' (activities.webhooks)."""

from __future__ import annotations

import asyncpg
from pydantic import BaseModel


class Subscriber(BaseModel):
    subscriber_id: int
    agency_code: str
    url: str
    active: bool
    delivered: int


async def add(db: asyncpg.Connection | asyncpg.Pool, *, agency_code: str, url: str, secret: str) -> int:
    """Register a subscriber, or give an existing one (same agency and URL) a new secret and make it active again."""
    return await db.fetchval(
        "INSERT INTO subscribers (agency_code, url, secret) VALUES ($1, $2, $3) "
        "ON CONFLICT (agency_code, url) DO UPDATE SET secret = EXCLUDED.secret, active = true RETURNING id",
        agency_code, url, secret,
    )


async def listed(db: asyncpg.Connection | asyncpg.Pool) -> list[Subscriber]:
    """Every subscriber and how many events it has received."""
    rows = await db.fetch(
        "SELECT s.id AS subscriber_id, s.agency_code, s.url, s.active, count(d.seq) AS delivered FROM subscribers s "
        "LEFT JOIN deliveries d ON d.subscriber_id = s.id GROUP BY s.id ORDER BY s.id"
    )
    return [Subscriber(**dict(row)) for row in rows]


async def deactivate(db: asyncpg.Connection | asyncpg.Pool, subscriber_id: int) -> bool:
    """Stop a subscriber (its record and delivery log are kept); False when there is no such subscriber."""
    return not (await db.execute("UPDATE subscribers SET active = false WHERE id = $1", subscriber_id)).endswith(" 0")
