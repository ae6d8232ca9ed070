"""Long texts stored by their SHA-256 (opinions' comments, explanations): written before the message that names them."""

from __future__ import annotations

import hashlib

import asyncpg

from schemas.messages import TextRef


def reference(text: str) -> TextRef:
    encoded = text.encode("utf-8")
    return TextRef(sha256=hashlib.sha256(encoded).hexdigest(), size_bytes=len(encoded))


async def put(pool: asyncpg.Pool | asyncpg.Connection, texts: list[str]) -> list[TextRef]:
    """Store each text once (content-addressed); returns their references in the same order."""
    refs = [reference(text) for text in texts]
    if texts:
        await pool.executemany(
            "INSERT INTO texts (sha256, body, size_bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
            [(ref.sha256, text, ref.size_bytes) for ref, text in zip(refs, texts, strict=True)],
        )
    return refs


async def get(pool: asyncpg.Pool, sha256: str) -> str | None:
    return await pool.fetchval("SELECT body FROM texts WHERE sha256 = $1", sha256)
