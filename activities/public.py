"""A PUBLIC_POSTING round's dealings with PostgreSQL, where the public's comments live: registered when it opens,
totalled when it closes, the answers tallied when the lead ministry compiles. Each is idempotent: retried, it writes
nothing twice and answers the same."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from schemas.public import PublicRoundInput, PublicTally, PublicTotals
from store import public


class PublicActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn
    async def register_public_round(self, round_: PublicRoundInput) -> None:
        """The round opens for the public's comments (the HTTP API takes them until `closes_at`)."""
        await public.register(self._pool, round_)

    @activity.defn
    async def close_public_round(self, round_: PublicRoundInput) -> PublicTotals:
        """The window closed: no more comments; how many came, on how many articles."""
        return await public.close(self._pool, round_.submission_id, round_.round_id)

    @activity.defn
    async def tally_public_answers(self, round_: PublicRoundInput) -> PublicTally:
        """The lead ministry compiled: answers are final; how many comments were accepted, explained, left unanswered."""
        return await public.compiled(self._pool, round_.submission_id, round_.round_id)
