"""The PostgreSQL a command reads (the audit trail, reports, tokens, subscribers): LEGIS_DATABASE_URL, or the
embedded database that `legis dev` keeps in its data folder. Connecting and each statement wait at most `--timeout`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import asyncpg

from cli.app import chosen, settings
from cli.failures import Invalid, Unavailable, from_refusal
from schemas.refusal import Refused
from workers.settings import Settings

T = TypeVar("T")


@contextlib.contextmanager
def _url(config: Settings) -> Iterator[str]:
    if config.database_url:
        yield config.database_url
    elif (config.data_dir / "postgres").exists():
        from workers.dev_stack import embedded_postgres

        with embedded_postgres(config.data_dir) as url:
            yield url
    else:
        raise Invalid(f"LEGIS_DATABASE_URL: required, or an embedded database in {config.data_dir.resolve()}/postgres, which `legis dev` "
                      "creates there (it is relative to the current folder: run legis where `legis dev` runs, or set LEGIS_DATA_DIR)",
                      field="database_url", rule="database_configured")


@contextlib.asynccontextmanager
async def connection(config: Settings | None = None) -> AsyncIterator[asyncpg.Connection]:
    """One connection, closed when the block ends; PostgreSQL not answering is `Unavailable`, not a traceback."""
    config = config or settings()
    with _url(config) as url:
        try:
            db = await asyncpg.connect(url, timeout=chosen.timeout, command_timeout=chosen.timeout)
        except (OSError, TimeoutError, asyncpg.CannotConnectNowError, asyncpg.TooManyConnectionsError) as down:
            raise Unavailable(f"PostgreSQL does not answer ({str(down) or type(down).__name__}); is its URL right (LEGIS_DATABASE_URL, the profile), and is the "
                              "database running?", rule="database_reachable") from None
        except (ValueError, asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidCatalogNameError) as refused:
            raise Invalid(f"database_url: {refused}", field="database_url", rule="database_accepts") from None
        try:
            yield db
        except asyncpg.UndefinedTableError as unmigrated:
            raise Unavailable(f"the database is not migrated ({unmigrated}); run `legis migrate`", rule="database_migrated") from None
        except (asyncpg.PostgresConnectionError, asyncpg.ConnectionDoesNotExistError, TimeoutError) as lost:
            raise Unavailable(f"PostgreSQL stopped answering ({str(lost) or type(lost).__name__})", rule="database_reachable") from None
        finally:
            if not db.is_closed():
                await db.close(timeout=chosen.timeout)


async def checked(action: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run a check (or a read) that may raise a rule's `Refused`, as the CLI's failure for it (the database's own
    failures as `connection` has them: within `--timeout`, never blamed on Temporal); returns what `action` gives."""
    async with connection() as db:
        try:
            return await action(db)
        except Refused as refused:
            raise from_refusal(refused) from None


def read(action: Callable[[Any], Awaitable[T]]) -> T:
    """Run `action(connection)` for a command that needs only the database."""

    async def reading() -> T:
        async with connection() as db:
            return await action(db)

    return asyncio.run(reading())
