"""Found by the public consultation benchmark: the intake's PostgreSQL CPU per comment grew with the round (1.6 ms, then
6.5 ms within 45 s). A repeat was looked for by round and fingerprint, and PostgreSQL with no statistics on the table
yet (a new deployment, a table autovacuum has not reached) took the article index, which begins with the round too: it
read the round's every comment for each comment taken, 2.6 s for a group of 40 at 100,000. A plan kept for the
statement from when the table was small read it all again. The fingerprint now names its round and finds a repeat alone,
and the statement is planned for the table as it is."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import asyncpg

import activities.database
from schemas.public import PublicComment
from store import public
from store.intake import take_many
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
