"""Found by the public consultation benchmark: the intake's PostgreSQL CPU per comment grew with the round (1.6 ms, then
6.5 ms within 45 s). A repeat was looked for by round and fingerprint, and PostgreSQL with no statistics on the table
yet (a new deployment, a table autovacuum has not reached) took the article index, which begins with the round too: it
read the round's every comment for each comment taken, 2.6 s for a group of 40 at 100,000. A plan kept for the
statement from when the table was small read it all again. The fingerprint now names its round and finds a repeat alone,
and the statement is planned for the table as it is. A round's answers, likewise, no longer read the whole round each."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import asyncpg
import pytest

import activities.database
from schemas.public import GroupAnswer, PublicComment
from store import public
from store.intake import GROUP_MAX, take_many
from tests.test_public_round_close import _incoming, _round

COMMENTS = ["submission_id", "round_id", "article", "body", "fingerprint"]


async def _tuples_read(connection: asyncpg.Connection) -> int:
    """Rows of public_comments this transaction has read, by a scan of the table or of any of its indexes."""
    return await connection.fetchval(
        "SELECT (SELECT seq_tup_read FROM pg_stat_xact_user_tables WHERE relname = 'public_comments') "
        "+ (SELECT sum(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index WHERE indrelid = 'public_comments'::regclass)")


async def test_a_group_taken_reads_its_own_comments_not_its_round(fresh_database_url):
    """40 new comments and a repeat, on a round of 20,000 comments with no statistics, after the statement was used
    while the round was small: a few rows read for each, as on an empty round, the repeat found."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        # No statistics, as in a deployment's first consultation before autovacuum reaches the table.
        await connection.execute("ALTER TABLE public_comments SET (autovacuum_enabled = false)")
        sid = await _round(connection)
        early = [(await take_many(connection, [_incoming(sid, f"sớm {n}", b"a")]))[0] for n in range(8)]
        await connection.copy_records_to_table("public_comments", columns=COMMENTS,
                                               records=[(sid, "r", n % 40 + 1, f"ý kiến {n}", os.urandom(32)) for n in range(20_000)])
        async with connection.transaction():
            before = await _tuples_read(connection)
            outcomes = await take_many(connection, [_incoming(sid, f"ý kiến mới {n}", b"b") for n in range(40)] + [_incoming(sid, "sớm 3", b"a")])
            read = await _tuples_read(connection) - before
    finally:
        await connection.close()
    assert [o.repeated for o in outcomes] == [False] * 40 + [True] and outcomes[-1].comment_id == early[3].comment_id
    assert read < 500, f"{read:,} rows of public_comments read to take 41 comments"


async def test_the_migration_names_the_round_in_the_fingerprints_stored_before_it(fresh_database_url):
    """A comment stored before migration roundfingerprintv26 (its fingerprint the hash of sender, article and text) and
    sent again after it is a repeat, numbered as it was; the same comment sent to another round is not."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        await connection.execute("DROP INDEX public_comments_fingerprint_idx; "
                                 "CREATE UNIQUE INDEX public_comments_repeat_idx ON public_comments (submission_id, round_id, fingerprint)")
        sid = await _round(connection)
        await connection.execute("INSERT INTO public_rounds (submission_id, round_id, lead_ministry, articles, opened_at, closes_at) "
                                 "VALUES ($1, 'r2', 'BGDDT', 40, now(), now() + interval '1 day')", sid)
        comment = PublicComment(article=1, text="Đề nghị làm rõ phạm vi điều chỉnh.")
        stored_before = hashlib.sha256(b"sender" + f"{comment.article}\x00{comment.text}".encode()).digest()
        first = await connection.fetchval("INSERT INTO public_comments (submission_id, round_id, article, body, fingerprint) "
                                          "VALUES ($1, 'r', 1, $2, $3) RETURNING comment_id", sid, comment.text, stored_before)
        migration = Path(activities.database.__file__).parent / "migrations" / "20261214_updateidsv25_up_roundfingerprintv26.sql"
        await connection.execute(migration.read_text())
        again = await public.take(connection, sid, "r", PublicComment(article=1, text=f"  {comment.text} "), b"sender")
        other_round = await public.take(connection, sid, "r2", comment, b"sender")
    finally:
        await connection.close()
    assert again.repeated and again.comment_id == first
    assert not other_round.repeated and other_round.comment_id != first


async def _flushed_reads(pool: asyncpg.Pool) -> int:
    """Rows of public_comments read so far by the pool's one connection, as PostgreSQL's statistics count them."""
    await pool.execute("SELECT pg_stat_force_next_flush()")
    return await pool.fetchval("SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) + (SELECT coalesce(sum(idx_tup_read), 0) "
                               "FROM pg_stat_user_indexes WHERE relname = 'public_comments') FROM pg_stat_user_tables WHERE relname = 'public_comments'")


async def test_each_answer_says_how_many_are_left_reading_its_own_group_only(fresh_database_url):
    """Found by the benchmark at a million comments: each of a round's answers counted the round's unanswered comments
    again, reading the whole round (0.7 s of the 0.8 an answer took). They are counted at its first answer, then lessened
    by each: the same figures, the later answers reading their own group's comments only."""
    pool = await asyncpg.create_pool(fresh_database_url, min_size=1, max_size=1)
    try:
        sid = await _round(pool)
        await pool.copy_records_to_table("public_comments", columns=COMMENTS,
                                         records=[(sid, "r", None if n % 10 == 3 else n % 40 + 1, f"ý kiến {n}", os.urandom(32)) for n in range(20_000)])
        await pool.execute("UPDATE public_rounds SET closed_at = now() WHERE submission_id = $1", sid)
        left, reads = [], []
        for group in ({"article": 1}, {"whole_draft": True}, {"article": 2}):
            before = await _flushed_reads(pool)
            answered = await public.answer(pool, sid, "r", GroupAnswer(agency_code="BGDDT", official="Vụ trưởng", response="ACCEPTED", **group))
            reads.append(await _flushed_reads(pool) - before)
            left.append((answered.answered, answered.unanswered,
                         await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1 AND answer_id IS NULL", sid)))
    finally:
        await pool.close()
    assert [(n, unanswered) for n, unanswered, _ in left] == [(500, 19_500), (2_000, 17_500), (500, 17_000)]
    assert all(unanswered == counted for _, unanswered, counted in left), left
    assert reads[0] >= 20_000 and all(r < 6_000 for r in reads[1:]), reads


# As the first test allows: under 500 rows for 41 comments, about 12 a comment.
ROWS_PER_COMMENT = 12


@pytest.mark.parametrize("analyzed", [False, True], ids=["no statistics", "analyzed"])
async def test_a_full_group_reads_a_few_rows_a_comment_beside_another_rounds_comments(fresh_database_url, analyzed):
    """Found by a breaker: a new round's first full group, while another round holds 20,000 comments, read all of them
    (the repeats' lookup joined, planned as a hash join over the table, with statistics or without). Its own are read."""
    connection = await asyncpg.connect(fresh_database_url)
    try:
        await connection.execute("ALTER TABLE public_comments SET (autovacuum_enabled = false)")
        other = await _round(connection)
        await connection.copy_records_to_table("public_comments", columns=COMMENTS,
                                               records=[(other, "r", n % 40 + 1, f"ý kiến {n}", os.urandom(32)) for n in range(20_000)])
        if analyzed:
            await connection.execute("ANALYZE public_comments")
        sid = await _round(connection)
        async with connection.transaction():
            before = await _tuples_read(connection)
            outcomes = await take_many(connection, [_incoming(sid, f"ý kiến mới {n}", b"b") for n in range(GROUP_MAX)])
            read = await _tuples_read(connection) - before
    finally:
        await connection.close()
    assert not any(o.repeated for o in outcomes)
    assert read < ROWS_PER_COMMENT * GROUP_MAX, f"{read:,} rows of public_comments read to take {GROUP_MAX} comments"
