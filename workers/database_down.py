"""An activity that fails because PostgreSQL does not answer is logged as one line naming it, not with a traceback: the
SDK logs every failed attempt with its traceback (the driver's, about 65 lines), and an outage of a minute with drafts in
flight filled the log with them (found by a fresh-user trial). The failure is BENIGN to the SDK, which then logs it at
DEBUG only, and counts it in none of its metrics: it is counted here, `legis_database_unavailable_total` (found by an
operator's trial: no alert fired through an outage), retried as before, and readiness says PostgreSQL is failing meanwhile."""

from __future__ import annotations

from typing import Any

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from activities.database import DATABASE_DOWN

DATABASE_UNAVAILABLE = "DatabaseUnavailable"
log = structlog.get_logger(__name__)


class DatabaseDown(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _OneLine(next)


class _OneLine(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except DATABASE_DOWN as down:
            log.warning("PostgreSQL does not answer; the activity is retried", error=type(down).__name__, attempt=activity.info().attempt)
            # The worker runtime's meter labels it with the namespace, task queue and activity type, as the SDK's own counters.
            activity.metric_meter().create_counter(
                "legis_database_unavailable", "activity attempts that failed because PostgreSQL did not answer").add(1)
            raise ApplicationError(f"PostgreSQL does not answer ({type(down).__name__}); the activity is retried",
                                   type=DATABASE_UNAVAILABLE, category=ApplicationErrorCategory.BENIGN) from None
