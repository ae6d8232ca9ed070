"""Found by a breaker of concurrency: a public comment whose statement started before its round closed, and committed
after, is thanked with a number but left out of the totals the round's close reads (`store.public.close`: its UPDATE and
its count are two statements, and the intake's INSERT reads the round with no lock). At a window's end, or as a withdrawn
draft's round closes early, the round's totals then disagree with the comments PostgreSQL holds, and a comment is
taken after `round_closed` was in force."""

from __future__ import annotations

import asyncio
import uuid

from schemas.public import PublicComment
from store import public
from store.intake import Incoming, take_many


async def _round(pool) -> str:
    sid = f"CLOSE-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', '16-2', 'DRAFTING', now(), false, 1)",
                       sid, f"draft-law-{sid}")
    await pool.execute("INSERT INTO public_rounds (submission_id, round_id, lead_ministry, articles, opened_at, closes_at) "
                       "VALUES ($1, 'r', 'BGDDT', 40, now(), now() + interval '1 day')", sid)
    return sid


def _incoming(sid: str, text: str, sender: bytes) -> Incoming:
    comment = PublicComment(article=1, text=text)
    return Incoming(sid, "r", comment, public.fingerprint(sid, "r", sender, comment))


async def _blocked(pool, sid: str) -> None:
    for _ in range(200):
        if await pool.fetchval("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO public_comments%'"):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the second API process's statement never waited")


async def test_a_comment_thanked_as_its_round_closes_is_in_the_rounds_totals(pool):
    sid = await _round(pool)
    # API process A's group is in its statement (the same person's comment, sent twice through a load balancer, is in both
    # groups); its commit comes a moment later.
    first = await pool.acquire()
    transaction = first.transaction()
    await transaction.start()
    mine = await take_many(first, [_incoming(sid, "góp ý", b"a")])
    # API process B's group meets A's row and waits for it; its snapshot saw the round open.
    second = asyncio.create_task(take_many(pool, [_incoming(sid, "góp ý", b"a"), _incoming(sid, "góp ý khác", b"b")]))
    await _blocked(pool, sid)
    # The window ends: the round's close activity marks it closed and reads its totals, while A has not committed.
    closing = asyncio.create_task(public.close(pool, sid, "r"))
    await asyncio.sleep(0.5)
    await transaction.commit()
    await pool.release(first)
    taken = await second
    totals = await closing
    thanked = {o.comment_id for o in [*mine, *taken] if not isinstance(o, Exception)}
    stored = await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1", sid)
    # Every comment the public was thanked for is one the round counted: counted, or refused as `round_closed`.
    assert totals.comments == stored == len(thanked), (totals, stored, thanked, mine, taken)
