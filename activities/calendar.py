"""The session calendar in PostgreSQL, which operators edit and running drafts are told about."""

from __future__ import annotations

import json

import asyncpg

from schemas.calendar import SessionPhase, StandingCommitteeMeeting, TargetSession


async def set_session(connection: asyncpg.Connection, session: TargetSession, *, changed_by: str) -> None:
    await connection.execute(
        """
        INSERT INTO na_sessions (code, legislature, session, opens_on, extraordinary, changed_by, phases)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
        ON CONFLICT (code) DO UPDATE SET opens_on = EXCLUDED.opens_on, extraordinary = EXCLUDED.extraordinary,
                                         changed_by = EXCLUDED.changed_by, phases = EXCLUDED.phases, updated_at = now()
        """,
        session.code, session.legislature, session.session, session.opens_on, session.extraordinary, changed_by,
        json.dumps([phase.model_dump(mode="json") for phase in session.phases]),
    )


async def announced_otherwise(connection: asyncpg.Connection | asyncpg.Pool, target: TargetSession) -> str | None:
    """What to tell whoever starts a draft aimed at `target` when the calendar announces its session on another day: the
    draft aims at the announced day (README, "Sessions as a draft lives them"), which its history's note alone said
    (found by a fresh-user trial). None when the calendar does not hold the session, or holds it on that day."""
    announced = await connection.fetchval("SELECT opens_on FROM na_sessions WHERE code = $1", target.code)
    if announced is None or announced == target.opens_on:
        return None
    return f"session {target.code} opens on {announced} as announced: the draft aims at that day (the request said {target.opens_on})"


# What a draft is told of the calendar: the sessions and meetings from a while back onwards, within its state's bounds.
_RECENT = "opens_on >= current_date - 730"
_BOUND = 200


async def sessions(connection: asyncpg.Connection, *, upcoming_only: bool = False) -> list[TargetSession]:
    rows = await connection.fetch(
        "SELECT legislature, session, opens_on, extraordinary, phases FROM na_sessions"
        + (f" WHERE {_RECENT} ORDER BY opens_on LIMIT {_BOUND}" if upcoming_only else " ORDER BY opens_on")
    )
    return [TargetSession(**dict(r) | {"phases": tuple(SessionPhase.model_validate(p) for p in json.loads(r["phases"]))}) for r in rows]


async def remove_session(connection: asyncpg.Connection, code: str) -> bool:
    """Take a session off the calendar (set by mistake, or not to be held); False when none has that code."""
    return await connection.fetchval("DELETE FROM na_sessions WHERE code = $1 RETURNING true", code) is not None


async def set_meeting(connection: asyncpg.Connection, meeting: StandingCommitteeMeeting, *, changed_by: str) -> None:
    async with connection.transaction():
        # The same meeting stored in small letters before codes were kept in capitals is moved, not doubled.
        await connection.execute("DELETE FROM standing_committee_meetings WHERE upper(code) = upper($1) AND code <> $1", meeting.code)
        await connection.execute(
            """
            INSERT INTO standing_committee_meetings (code, meets_on, changed_by) VALUES ($1, $2, $3)
            ON CONFLICT (code) DO UPDATE SET meets_on = EXCLUDED.meets_on, changed_by = EXCLUDED.changed_by, updated_at = now()
            """,
            meeting.code, meeting.meets_on, changed_by,
        )


async def remove_meeting(connection: asyncpg.Connection, code: str) -> str | None:
    """Take a meeting off the calendar (set by mistake, or called off); returns its code as stored, or None when none has
    that code, in capitals or not (one stored in small letters before codes were set in capitals)."""
    return await connection.fetchval("DELETE FROM standing_committee_meetings WHERE upper(code) = upper($1) RETURNING code", code)


async def meetings(connection: asyncpg.Connection, *, upcoming_only: bool = False) -> list[StandingCommitteeMeeting]:
    rows = await connection.fetch(
        "SELECT code, meets_on FROM standing_committee_meetings"
        + (f" WHERE {_RECENT.replace('opens_on', 'meets_on')} ORDER BY meets_on LIMIT {_BOUND * 2}" if upcoming_only else " ORDER BY meets_on")
    )
    return [StandingCommitteeMeeting(**dict(r)) for r in rows]
