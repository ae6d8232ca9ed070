"""The gauge of drafts overdue now, by the agency expected to act, read from the registry (a classified
draft's ministry is never a label: it counts as CLASSIFIED)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg
import structlog
from temporalio.runtime import Runtime

from activities.reports import overdue_by_agency
from workflows.deadlines import local_day

log = structlog.get_logger(__name__)


async def publish_overdue(pool: asyncpg.Pool, runtime: Runtime, *, every_seconds: float = 30.0) -> None:
    """Refresh the gauge until cancelled; an agency that is no longer late goes back to zero."""
    gauge = runtime.metric_meter.create_gauge("legis_drafts_overdue", "drafts past their stage deadline now, by agency expected to act")
    seen: set[str] = set()
    while True:
        try:
            counts = await overdue_by_agency(pool, today=local_day(datetime.now().astimezone()))
        except (OSError, asyncpg.PostgresError) as unavailable:
            log.warning("overdue gauge not refreshed", error=type(unavailable).__name__)
        else:
            for agency in seen | counts.keys():
                gauge.set(counts.get(agency, 0), {"agency": agency or "none"})
            seen |= counts.keys()
        await asyncio.sleep(every_seconds)
