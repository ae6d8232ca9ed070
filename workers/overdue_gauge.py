"""The gauge of drafts overdue now, by the agency expected to act, read from the registry (a classified
draft's ministry is never a label: it counts as CLASSIFIED).

A gauge is there at zero before anything is overdue (Prometheus's advice for known label values): the bodies
that decide stages and CLASSIFIED from the first refresh, and every agency with an open draft."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg
import structlog
from temporalio.runtime import Runtime

from activities.reports import overdue_by_agency
from schemas.enums import Actor
from workflows.deadlines import local_day

log = structlog.get_logger(__name__)

# Lead ministries are named by their codes (they come with their drafts); the other bodies are known in advance.
KNOWN_AGENCIES = frozenset({actor.value for actor in Actor if actor not in (Actor.LEAD_MINISTRY, Actor.CONSULTEE)} | {"CLASSIFIED"})


async def publish_overdue(pool: asyncpg.Pool, runtime: Runtime, *, every_seconds: float = 30.0) -> None:
    """Refresh the gauge until cancelled; an agency that is no longer late goes back to zero."""
    gauge = runtime.metric_meter.create_gauge("legis_drafts_overdue", "drafts past their stage deadline now, by agency expected to act")
    seen: set[str] = set(KNOWN_AGENCIES)
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
