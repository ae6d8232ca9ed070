"""An activity that fails because PostgreSQL does not answer fails with one line naming it, not the driver's traceback:
the SDK logs every failed attempt with its traceback, and an outage of a minute with drafts in flight filled the log
with them (about 65 lines each, found by a fresh-user trial). It is retried as before."""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from activities.database import DATABASE_DOWN

DATABASE_UNAVAILABLE = "DatabaseUnavailable"


class DatabaseDown(Interceptor):
    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _OneLine(next)


class _OneLine(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        try:
            return await super().execute_activity(input)
        except DATABASE_DOWN as down:
            raise ApplicationError(f"PostgreSQL does not answer ({type(down).__name__}); the activity is retried",
                                   type=DATABASE_UNAVAILABLE) from None
