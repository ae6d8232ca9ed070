"""The registry of drafts (`submissions`, one row per draft as its audit trail last left it), read for operators."""

from __future__ import annotations

import asyncpg


async def running_drafts_led_by(db: asyncpg.Connection | asyncpg.Pool, agency_code: str) -> list[str]:
    """Submission IDs of the drafts not yet in a final state whose lead ministry is `agency_code`."""
    rows = await db.fetch(
        "SELECT submission_id FROM submissions WHERE lead_ministry = $1 AND stage NOT IN ('PROMULGATED', 'REJECTED', 'WITHDRAWN') "
        "ORDER BY submission_id",
        agency_code,
    )
    return [row["submission_id"] for row in rows]
