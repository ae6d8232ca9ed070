"""Titles searched without their diacritics: officials type "dat dai" for "Luật Đất đai". Each title's fold
(`schemas.text.folded`) is kept beside it, written by the audit trail's registry upsert (computed in Python: a generated
column would have PostgreSQL fold the title again at every event); the titles recorded before are folded here by the
same function, so that a search finds old and new alike."""

from __future__ import annotations

import asyncpg

from schemas.text import folded


async def run_migration(connection: asyncpg.Connection) -> None:
    await connection.execute("ALTER TABLE submissions ADD COLUMN title_folded text")
    rows = await connection.fetch("SELECT submission_id, title FROM submissions WHERE title IS NOT NULL")
    await connection.executemany("UPDATE submissions SET title_folded = $2 WHERE submission_id = $1",
                                 [(row["submission_id"], folded(row["title"])) for row in rows])
