"""Public comments taken into PostgreSQL in groups: the comments that arrive while one INSERT runs go together in the
next (group commit), so that a burst of thousands a second costs a few statements and commits, not one each.

Each comment keeps its own outcome: stored (its new number), a repeat (the number of the comment it repeats, whether
sent before or in the same group), or refused with the reason `store.public.why_refused` finds. With no other comment
waiting, a comment goes alone at once: a group never waits for company.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from schemas.public import PublicComment, PublicCommentReceipt
from schemas.refusal import RefusalKind, Refused
from store import held
from store.registry import FINAL_STAGES

# Comments in one statement at most: the statement stays short, and a group's comments wait for no more than that.
GROUP_MAX = 256

# The round is checked (known, open, its draft not classified nor at a final stage, the article within the draft) for every comment in the
# same statement as the insert, its row held shared until the comments commit: a round's close (`store.public.close`,
# an UPDATE) waits for the comments already taken, and those that come after it find it closed (found by a breaker of
# concurrency: a comment whose statement began before the close and committed after was thanked and left out of the
# totals). The outer query reads `public_comments` as it was before the insert, so `earlier` finds
# only comments stored before this statement: a comment repeating one of those is a repeat, and so is a comment that
# repeats one sent earlier in the same group (the first of them, by its place in the group, is the one stored). Only the
# new ones reach the INSERT, since a row that conflicts still takes a number from the sequence: a repeat would leave a gap
# in the numbers the public is thanked with (found by a fresh-user trial: 1, 4, 5 after two repeats); only two identical
# comments sent at once by two statements can still leave one. A repeat is found by its fingerprint alone, which names
# its round (`store.public.fingerprint`): found by round and fingerprint, PostgreSQL with no statistics yet took the
# article index, which begins with the round too, and read the round's every comment for each one taken. Each lookup is
# one probe of that index (a subquery PostgreSQL does not flatten, `OFFSET 0` and `LIMIT 1`): joined, a full group on a
# table of under about 50,000 comments was planned as a hash join over all of them (found by a breaker). The new ones
# are inserted in fingerprint order, so that two groups holding the same comments wait for each other in the same order
# (in the order they came, two API processes' groups deadlocked, and every comment of one was answered 500); the
# numbers within a group follow that order, the groups' the order they commit.
_TAKE_MANY = f"""
WITH incoming AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::bytea[]) WITH ORDINALITY
        AS i(submission_id, round_id, article, body, fingerprint, n)
), accepted AS (
    SELECT i.* FROM incoming i JOIN public_rounds r USING (submission_id, round_id) JOIN submissions s USING (submission_id)
    WHERE r.closed_at IS NULL AND now() < r.closes_at AND NOT s.classified AND s.ended IS NULL AND s.stage NOT IN {FINAL_STAGES}
      AND (i.article IS NULL OR r.articles IS NULL OR i.article <= r.articles)
    FOR SHARE OF r
), new AS (
    SELECT DISTINCT ON (fingerprint) * FROM accepted a
    WHERE NOT EXISTS (SELECT 1 FROM public_comments p WHERE p.fingerprint = a.fingerprint OFFSET 0)
    ORDER BY fingerprint, n
), taken AS (
    INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint)
    SELECT submission_id, round_id, article, body, fingerprint FROM new ORDER BY fingerprint
    ON CONFLICT (fingerprint) DO NOTHING
    RETURNING fingerprint, comment_id, received_at
)
SELECT i.n, a.n IS NOT NULL AS accepted, coalesce(t.comment_id, earlier.comment_id) AS comment_id,
       coalesce(t.received_at, earlier.received_at) AS received_at,
       t.comment_id IS NULL OR i.n > min(i.n) OVER (PARTITION BY i.fingerprint) AS repeated
FROM incoming i
LEFT JOIN accepted a ON a.n = i.n
LEFT JOIN taken t ON a.n IS NOT NULL AND t.fingerprint = i.fingerprint
LEFT JOIN LATERAL (SELECT comment_id, received_at FROM public_comments e WHERE e.fingerprint = i.fingerprint LIMIT 1) earlier
     ON a.n IS NOT NULL AND t.comment_id IS NULL
ORDER BY i.n
"""


@dataclass(frozen=True)
class Incoming:
    submission_id: str
    round_id: str
    comment: PublicComment
    fingerprint: bytes


async def take_many(db: asyncpg.Pool | asyncpg.Connection, group: list[Incoming], *, again: bool = True) -> list[PublicCommentReceipt | Refused]:
    """Store a group of comments in one statement; for each, its receipt or why it was refused, in the group's order.
    Comments that nothing refuses once the statement is done (their round registered meanwhile) are sent `again`, once.
    Given a connection in a transaction, the statement's `plan_cache_mode` stays set until that transaction ends."""
    from store.public import why_refused

    async with held(db) as connection, connection.transaction():
        # A plan PostgreSQL kept for the statement would be made once, for the table as it was then: made while the table
        # was small, it read the whole table for each group (tests/test_public_rows_read.py).
        await connection.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        rows = await connection.fetch(_TAKE_MANY, [c.submission_id for c in group], [c.round_id for c in group],
                                      [c.comment.article for c in group], [c.comment.text for c in group], [c.fingerprint for c in group])
    outcomes: list[PublicCommentReceipt | Refused | None] = []
    for row, incoming in zip(rows, group, strict=True):
        if not row["accepted"]:
            outcomes.append(await why_refused(db, incoming.submission_id, incoming.round_id, incoming.comment.article))
        elif row["comment_id"] is None:
            # The same comment sent at once by another statement: this one waited for it, and its snapshot misses the row.
            found = await db.fetchrow("SELECT comment_id, received_at FROM public_comments WHERE fingerprint = $1", incoming.fingerprint)
            outcomes.append(PublicCommentReceipt(comment_id=found["comment_id"], repeated=True, received_at=found["received_at"])
                            if found else await why_refused(db, incoming.submission_id, incoming.round_id, incoming.comment.article))
        else:
            outcomes.append(PublicCommentReceipt(comment_id=row["comment_id"], repeated=row["repeated"], received_at=row["received_at"]))
    unrefused = [n for n, outcome in enumerate(outcomes) if outcome is None]
    if unrefused:
        retried = (await take_many(db, [group[n] for n in unrefused], again=False) if again
                   else [Refused("round_id", "round_opening", "the consultation is opening; send the comment again in a moment",
                                 RefusalKind.BUSY)] * len(unrefused))
        for n, outcome in zip(unrefused, retried, strict=True):
            outcomes[n] = outcome
    return outcomes


class CommentIntake:
    """One API process's queue of comments for PostgreSQL: one group at a time in flight, the next gathering meanwhile."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._waiting: list[tuple[Incoming, asyncio.Future[PublicCommentReceipt | Refused]]] = []
        self._draining: asyncio.Task | None = None

    async def take(self, incoming: Incoming) -> PublicCommentReceipt:
        """Store the comment with the others waiting; raises `Refused` as `take_many` finds it refused."""
        outcome: asyncio.Future[PublicCommentReceipt | Refused] = asyncio.get_running_loop().create_future()
        self._waiting.append((incoming, outcome))
        if self._draining is None or self._draining.done():
            self._draining = asyncio.create_task(self._drain())
        found = await asyncio.shield(outcome)
        if isinstance(found, Refused):
            raise found
        return found

    async def _drain(self) -> None:
        while self._waiting:
            group, self._waiting = self._waiting[:GROUP_MAX], self._waiting[GROUP_MAX:]
            try:
                outcomes = await take_many(self._pool, [incoming for incoming, _ in group])
            except BaseException as failed:  # the database down, or this task cancelled: every waiting caller learns it
                for _, outcome in group:
                    if not outcome.done():
                        outcome.set_exception(failed if isinstance(failed, Exception) else ConnectionError("the intake stopped"))
                if not isinstance(failed, Exception):
                    raise
                continue
            for (_, outcome), found in zip(group, outcomes, strict=True):
                if not outcome.done():
                    outcome.set_result(found)
