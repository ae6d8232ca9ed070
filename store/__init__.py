"""Reads and writes of PostgreSQL that are not a workflow's activities: what the HTTP API and the CLI share."""

from __future__ import annotations

import contextlib

import asyncpg


def held(db: asyncpg.Pool | asyncpg.Connection) -> contextlib.AbstractAsyncContextManager[asyncpg.Connection]:
    """A connection of `db`: one of the pool's (the API's), or the connection itself (the CLI's)."""
    return db.acquire() if isinstance(db, asyncpg.Pool) else contextlib.nullcontext(db)
