"""Group commit: the audit writes of a worker's concurrent activities share one transaction.

A worker runs many drafts at once, and each draft's audit batch is one short transaction: PostgreSQL's work per
statement and per commit, and the pool's per acquisition, are most of what an event costs (`BENCHMARKS.md`, "The audit
trail's writes by themselves"). Writes that arrive while one is being committed wait for it and then go together, in
one pipelined `executemany` and one commit; a write that arrives when none is under way goes at once, so nothing waits
for a timer. A group that fails (a row refused for its data, a deadlock with another transaction, a lost connection)
commits nothing, and each of its writes is handed back to be written alone, as it would have been without the group:
one draft's refused event never holds up another's.
"""

from __future__ import annotations

import asyncio

import asyncpg

# The most writes in one group: a bound on the transaction's size (a draft's batch holds at most ten events).
MOST = 50
# A write waits at most so long for the group before its own to be committed, then goes alone: a group held up (one
# draft's row locked by another transaction, a slow disk) never holds up every draft of the worker (found by a breaker).
STALLED_SECONDS = 1.0


class GroupCommit:
    """Writes rows of one statement for concurrent callers of the same event loop, several callers' rows per
    transaction. `write` returns True when the rows are committed, False when the caller should write them alone (their
    group failed, or they waited `STALLED_SECONDS` without being taken into one); a write that went alone raises its own
    failure. A caller cancelled before its rows are taken into a group takes them back: nothing of it is written later."""

    def __init__(self, pool: asyncpg.Pool, statement: str) -> None:
        self._pool = pool
        self._statement = statement
        self._waiting: list[tuple[list[tuple], asyncio.Future[bool]]] = []
        self._committing: asyncio.Task[None] | None = None

    async def write(self, rows: list[tuple]) -> bool:
        entry = (rows, asyncio.get_running_loop().create_future())
        self._waiting.append(entry)
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_while_waiting())
        try:
            return await asyncio.wait_for(asyncio.shield(entry[1]), STALLED_SECONDS)
        except TimeoutError:
            if self._took_back(entry):
                return False
            return await entry[1]  # in the group being written: its outcome is that group's
        except asyncio.CancelledError:
            self._took_back(entry)
            raise

    def _took_back(self, entry: tuple[list[tuple], asyncio.Future[bool]]) -> bool:
        """Take a write back out of the queue if no group holds it yet."""
        for number, waiting in enumerate(self._waiting):
            if waiting is entry:
                del self._waiting[number]
                return True
        return False

    async def _commit_while_waiting(self) -> None:
        group: list[tuple[list[tuple], asyncio.Future[bool]]] = []
        try:
            while self._waiting:
                group, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
                try:
                    await self._pool.executemany(self._statement, [row for rows, _ in group for row in rows])
                except Exception as failure:
                    for _, written in group:
                        # A caller cancelled meanwhile (its activity timed out) has left its future done.
                        if not written.done():
                            written.set_exception(failure) if len(group) == 1 else written.set_result(False)
                else:
                    for _, written in group:
                        if not written.done():
                            written.set_result(True)
        finally:
            # Cancelled (the worker stopping): no caller is left waiting for a commit that will not come.
            for _, written in group + self._waiting:
                if not written.done():
                    written.cancel()
            self._waiting, self._committing = [], None
