"""An activity that fails because PostgreSQL does not answer is logged as one line naming it, not with a traceback: the
SDK logs every failed attempt with its traceback (the driver's, about 65 lines), and an outage of a minute with drafts in
flight filled the log with them (found by a fresh-user trial). The failure is BENIGN to the SDK, which then logs it at
DEBUG only, and counts it in none of its metrics: it is counted here, `legis_database_unavailable_total` (found by an
operator's trial: no alert fired through an outage), retried as before, and readiness says PostgreSQL is failing meanwhile."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from activities.database import DATABASE_DOWN, within

DATABASE_UNAVAILABLE = "DatabaseUnavailable"
# How long an attempt cancelled at its timeout gives PostgreSQL to answer `SELECT 1` before it is said not to.
PROBE_SECONDS = 2.0
log = structlog.get_logger(__name__)


class DatabaseDown(Interceptor):
    """`pool`: the worker's, asked whether PostgreSQL answers when an attempt is cancelled at its timeout."""

    def __init__(self, pool: asyncpg.Pool | None = None) -> None:
        self._pool = pool

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _OneLine(next, self._pool)


class _OneLine(ActivityInboundInterceptor):
    def __init__(self, next: ActivityInboundInterceptor, pool: asyncpg.Pool | None) -> None:
        super().__init__(next)
        self._pool = pool

    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except DATABASE_DOWN as down:
            raise _down(type(down).__name__) from None
        except asyncio.CancelledError:
            # An attempt still waiting for a PostgreSQL that takes connections and answers nothing (a statement on a pooled
            # connection, a group commit) is cancelled at its start-to-close timeout: the SDK logged it with three chained
            # tracebacks (found by a breaker, PostgreSQL frozen). Said as the outage it is when PostgreSQL does not answer now.
            if not await self._timed_out_on_the_database():
                raise
            raise _down("no answer within the activity's timeout") from None

    async def _timed_out_on_the_database(self) -> bool:
        details = activity.cancellation_details()
        if self._pool is None or details is None or not details.timed_out:
            return False  # cancelled by request, for a shutdown, a pause or a reset: the SDK's own handling stands
        try:
            await within(self._pool.fetchval("SELECT 1"), PROBE_SECONDS)
        except (*DATABASE_DOWN, asyncpg.PostgresError):
            return True
        return False


def _down(error: str) -> ApplicationError:
    log.warning("PostgreSQL does not answer; the activity is retried", error=error, attempt=activity.info().attempt)
    # The worker runtime's meter labels it with the namespace, task queue and activity type, as the SDK's own counters.
    activity.metric_meter().create_counter(
        "legis_database_unavailable", "activity attempts that failed because PostgreSQL did not answer").add(1)
    return ApplicationError(f"PostgreSQL does not answer ({error}); the activity is retried", type=DATABASE_UNAVAILABLE,
                            category=ApplicationErrorCategory.BENIGN)
