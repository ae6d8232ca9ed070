"""The PostgreSQL connection pool and the schema migrations applied before a worker starts."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import TypeVar

import asyncpg
import asyncpg_trek
import structlog
from asyncpg_trek.asyncpg import AsyncpgBackend

from schemas.refusal import Refused
from workflows.codec import KeyRing

log = structlog.get_logger(__name__)

T = TypeVar("T")

SCHEMA_REVISION = "senderkeyv34"
# The payload keys a migration that seals data reads (secretsv15 seals the webhook secrets); set by `migrate`.
MIGRATION_KEYS: ContextVar[KeyRing | None] = ContextVar("migration_keys", default=None)


# What PostgreSQL not answering raises through asyncpg: the socket gone (a Unix socket's file missing is an OSError too), a
# connection lost or refused, the server starting or full, a pooled connection the server shut down under asyncpg
# ("cannot switch to state ...; another operation is in progress": found by a breaker, the first page answered 500).
DATABASE_DOWN = (OSError, asyncpg.exceptions.ConnectionDoesNotExistError, asyncpg.exceptions.CannotConnectNowError,
                 asyncpg.exceptions.TooManyConnectionsError, asyncpg.exceptions.InterfaceError, asyncpg.exceptions.InternalClientError)
# What PostgreSQL gives up on: a statement past its `statement_timeout`, a lock not got within `lock_timeout`. To a caller
# waiting for an answer (the API) it has not answered in time (found by a breaker: 500, an applied decision's answer
# included); an activity retries it as the failure it is.
DATABASE_GAVE_UP = (asyncpg.exceptions.QueryCanceledError, asyncpg.exceptions.LockNotAvailableError)


async def within(call: Awaitable[T], seconds: float) -> T:
    """`call` awaited at most `seconds` (TimeoutError after them), run as a task of its own, cancelled and left to end on
    any failure: a cancelled query's connection is given back to the pool only once the server answers asyncpg's cancel
    request, which a server that takes connections and answers nothing never does (found by breakers: every read of the
    API hung, and a readiness probe, waiting for that)."""
    task = asyncio.ensure_future(call)
    try:
        return await asyncio.wait_for(asyncio.shield(task), seconds)
    except BaseException:  # a timeout, a failure, or the caller itself cancelled (its client gone)
        give_up(task)
        raise


# Calls given up on, kept until they end so that their tasks are not collected while they still run.
_unawaited: set[asyncio.Task] = set()


def give_up(task: asyncio.Task) -> None:
    """`task` cancelled and left to end by itself, kept until it has (a query PostgreSQL does not answer ends once the
    pool drops its connection: `close_pool`)."""
    if task.done():
        return
    task.cancel()
    _unawaited.add(task)
    task.add_done_callback(_ended)


def _ended(task: asyncio.Task) -> None:
    _unawaited.discard(task)
    if not task.cancelled():
        task.exception()  # read, so that asyncio does not log it as never retrieved


# A PostgreSQL that takes connections and never answers (a hung host, a stopped process) is given up on within these
# seconds for a new connection (asyncpg's own default is 60), before an activity's 30 s start-to-close cancels it: a
# TimeoutError, so that the activity fails as the database down and is counted for its alert (found by a breaker: every
# attempt was cancelled, counted nowhere). No bound on a statement: the API waits for some longer (`api.routes.public`).
CONNECT_SECONDS = 10.0


async def create_pool(database_url: str, *, max_size: int = 10) -> asyncpg.Pool:
    """Connections are made as they are needed and kept while used (no floor: a pool that keeps one connects again in the
    background while PostgreSQL is down, logging a traceback every few seconds)."""
    return await asyncpg.create_pool(database_url, min_size=0, max_size=max_size, reset=_session_unchanged, timeout=CONNECT_SECONDS)


async def close_pool(pool: asyncpg.Pool) -> None:
    """Close `pool` as a process stops: gracefully within `CONNECT_SECONDS`, then by closing its connections' sockets (found
    by an operator's trial: told to stop while PostgreSQL took connections and answered nothing, a worker and the API
    waited in `Pool.close` for as long as it stayed frozen, never logging their last line)."""
    try:
        async with asyncio.timeout(CONNECT_SECONDS):
            await pool.close()
    except TimeoutError:
        log.warning("PostgreSQL did not answer the pool's close: its connections are dropped", within_seconds=CONNECT_SECONDS)
        pool.terminate()


async def _session_unchanged(connection: asyncpg.Connection) -> None:
    """legis never changes a pooled connection's session (no SET, LISTEN, cursors or advisory locks; a `SET LOCAL` ends
    with its transaction), so a released connection skips asyncpg's reset query, a round trip per use; asyncpg still rolls
    back an unfinished transaction."""


async def migrate(database_url: str, keys: KeyRing | None = None) -> list[str]:
    """Bring the database to SCHEMA_REVISION; returns the revisions applied (none when already there).

    `keys` seal what a migration moves out of clear; without them, such a migration fails (KeyRingError, a ValueError)
    when it finds something to seal, and nothing of it is applied. Raises Refused (CONFLICT, `schema_known`) for a
    database a later release has migrated, whose revision this release does not know, and changes nothing."""
    directory = _migrations()
    connection = await asyncpg.connect(database_url)
    try:
        # One migrator at a time, so that workers starting together do not race each other.
        await connection.execute("SELECT pg_advisory_lock(7216401)")
        await _known(connection, directory)
        backend = AsyncpgBackend(connection)
        plan = await asyncpg_trek.plan(backend, directory, SCHEMA_REVISION, asyncpg_trek.Direction.up)
        token = MIGRATION_KEYS.set(keys)
        try:
            await asyncpg_trek.execute(backend, plan)
        finally:
            MIGRATION_KEYS.reset(token)
        return [step.to_rev for step in plan]
    finally:
        await connection.close()


async def refuse_schema_not_current(database_url: str) -> None:
    """What `legis api` asks before it serves, since it migrates nothing: raises Refused (CONFLICT) `schema_known` for a
    database a later release has migrated, as `migrate` does, and `schema_current` for one this release's migrations have
    not brought to SCHEMA_REVISION (found by a breaker: the API served it, answered 500 to every public comment, and its
    readiness said ready)."""
    connection = await asyncpg.connect(database_url)
    try:
        await _known(connection, _migrations())
        current = (await connection.fetchval("SELECT to_revision FROM public.migrations ORDER BY id DESC LIMIT 1")
                   if await connection.fetchval("SELECT to_regclass('public.migrations')") else None)
    finally:
        await connection.close()
    if current != SCHEMA_REVISION:
        raise Refused("database_url", "schema_current", f"the database is at schema revision {current or '(none)'}, before this release's "
                      f"{SCHEMA_REVISION}: migrate it first (`legis migrate`, or start a worker, which migrates as it starts; README: "
                      "Upgrading to a new release)")


def _migrations() -> Path:
    return Path(str(resources.files("activities").joinpath("migrations")))


# The migration files asyncpg_trek reads ("20261122_initial_up_audit_v1.sql"), and the revision it starts from.
_MIGRATION_FILE = re.compile(r"^\d{8}_\w+_up_(?P<to>\w+)\.(sql|py)$")
_INITIAL = "initial"


async def _known(connection: asyncpg.Connection, directory: Path) -> None:
    """Refuse a database whose schema revision none of this release's migrations reaches: a later release migrated it
    (found by an upgrade trial: the previous release, started again on it, stopped with a traceback). asyncpg_trek keeps
    its revisions in `public.migrations`, whatever the connection's search path."""
    if await connection.fetchval("SELECT to_regclass('public.migrations')") is None:
        return
    current = await connection.fetchval("SELECT to_revision FROM public.migrations ORDER BY id DESC LIMIT 1")
    known = {found["to"] for path in directory.iterdir() if (found := _MIGRATION_FILE.match(path.name))} | {_INITIAL}
    if current and current not in known:
        raise Refused("database_url", "schema_known", f"the database is at schema revision {current}, which this release "
                      f"(schema revision {SCHEMA_REVISION}) does not know: a later release has migrated it. Run that release or "
                      "a later one, or restore the backup taken before the upgrade (README: Upgrading to a new release)")
