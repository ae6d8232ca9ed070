"""Webhook secrets sealed at rest (`store.subscribers`), the secret a rotation keeps, and the events withheld from a
subscriber (a classified draft's, from a subscriber whose agency may not read it).

A secret written before this revision was used as it is as the HMAC key; it is sealed in its Standard Webhooks form,
`whsec_` and the base64 of those same bytes, so that a receiver's key does not change. Sealing needs the payload keys:
`activities.database.migrate` is given them by the worker, `legis dev` and `legis migrate`.
"""

from __future__ import annotations

import base64

import asyncpg

from activities.database import MIGRATION_KEYS
from store.subscribers import seal
from workflows.codec import KeyRingError


async def run_migration(connection: asyncpg.Connection) -> None:
    await connection.execute("ALTER TABLE subscribers ADD COLUMN previous_secret text, ADD COLUMN previous_until timestamptz")
    await connection.execute("ALTER TABLE deliveries ADD COLUMN withheld boolean NOT NULL DEFAULT false")
    rows = await connection.fetch("SELECT id, secret FROM subscribers ORDER BY id")
    if not rows:
        return
    keys = MIGRATION_KEYS.get()
    if keys is None:
        raise KeyRingError(f"{len(rows)} webhook secrets are to be sealed: set LEGIS_ENCRYPTION_KEYS (or the key file) and migrate again")
    for row in rows:
        secret = "whsec_" + base64.b64encode(row["secret"].encode()).decode()
        await connection.execute("UPDATE subscribers SET secret = $2 WHERE id = $1", row["id"], seal(keys, row["id"], secret))
