"""What a consultation round records in PostgreSQL of the opinions it takes and of its compilation, so that the
comments' texts and their answers can be read back (`store.round_comments`). Each is idempotent: retried, it writes
nothing twice."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from schemas.consultation import CompilationRecord, OpinionRecord
from store import round_comments


class RoundCommentActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn
    async def record_opinion_comments(self, record: OpinionRecord) -> None:
        """The comments of an opinion the round took, by their texts' references."""
        await round_comments.record_opinion(self._pool, record)

    @activity.defn
    async def record_compilation_answers(self, record: CompilationRecord) -> None:
        """The lead ministry's answer to each comment, as the round took its compilation."""
        await round_comments.record_answers(self._pool, record)
