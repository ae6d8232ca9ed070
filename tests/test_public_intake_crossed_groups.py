"""Found by a breaker of the public intake's concurrency: two API processes whose groups hold the same comments in
opposite orders (two people each sending the same comment twice, through a load balancer, at the same moment) deadlock.
Each group's INSERT takes its comments in the order they arrived (`ORDER BY n`), so one statement holds the first comment's
index entry and waits for the second, the other the reverse; PostgreSQL ends one with DeadlockDetectedError, which
`store.intake.CommentIntake` hands to every comment of that group (up to 256) and `api.deps.database` does not take for an
outage: each is answered 500. Reproduced without the trigger below by two connections taking the same 100 comments in
opposite orders: 4 and 5 deadlocks in 40 statements. The trigger only makes the interleaving certain."""

from __future__ import annotations

import asyncio

import asyncpg

from store.intake import take_many
from tests.test_public_round_close import _incoming, _round

_SLOW_SECOND = """
CREATE FUNCTION slow_second_comment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- API process A's statement, between its two rows: it holds the first, and has not yet inserted the second.
    IF current_setting('application_name') = 'process-a' AND NEW.body = 'ý kiến y' THEN
        PERFORM pg_sleep(1);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER slow_second_comment BEFORE INSERT ON public_comments FOR EACH ROW EXECUTE FUNCTION slow_second_comment();
"""


async def test_two_groups_holding_the_same_comments_in_opposite_orders_are_both_taken(fresh_database_url):
    setup = await asyncpg.connect(fresh_database_url)
    a = await asyncpg.connect(fresh_database_url, server_settings={"application_name": "process-a"})
    b = await asyncpg.connect(fresh_database_url, server_settings={"application_name": "process-b"})
    try:
        await setup.execute(_SLOW_SECOND)
        sid = await _round(setup)
        x, y = _incoming(sid, "ý kiến x", b"p"), _incoming(sid, "ý kiến y", b"q")
        first = asyncio.create_task(take_many(a, [x, y]))
        await asyncio.sleep(0.3)  # A holds x and sleeps before y
        second = asyncio.create_task(take_many(b, [y, x]))
        outcomes = await asyncio.gather(first, second, return_exceptions=True)
        stored = await setup.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1", sid)
    finally:
        for connection in (setup, a, b):
            await connection.close()
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert not failed, f"a group failed: {failed!r}"
    in_a, in_b = outcomes
    assert [o.comment_id for o in in_a] == [o.comment_id for o in reversed(in_b)] and stored == 2
