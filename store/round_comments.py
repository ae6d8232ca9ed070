"""The comments of a consultation round's opinions and the lead ministry's answers, as the round recorded them
(`round_comments`), read back with their texts (`texts`) a page at a time."""

from __future__ import annotations

import asyncpg

from schemas.consultation import CompilationRecord, OpinionRecord, RoundComment, RoundCommentsPage

PAGE = 50
# A comment holds up to 100,000 characters and its explanation 20,000: a page is also cut once its texts pass this many
# bytes (one comment at least), so that it stays under about 1.5 MB.
PAGE_BYTES = 1024 * 1024

_RECORD_COMMENT = """
INSERT INTO round_comments (submission_id, round_id, position, consultee, official, comment_id, article, text_sha256, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (submission_id, round_id, consultee, comment_id) DO NOTHING
"""
# An answer to a comment the round took before its comments were recorded finds no row, and is left out.
_RECORD_ANSWER = """
UPDATE round_comments SET response = $5, explanation_sha256 = $6, answered_at = $7
WHERE submission_id = $1 AND round_id = $2 AND consultee = $3 AND comment_id = $4
"""
_SIZES = """
SELECT c.position, coalesce(t.size_bytes, 0) + coalesce(e.size_bytes, 0) AS size_bytes
FROM round_comments c LEFT JOIN texts t ON t.sha256 = c.text_sha256 LEFT JOIN texts e ON e.sha256 = c.explanation_sha256
WHERE c.submission_id = $1 AND c.round_id = $2 AND c.position > $3 AND ($4::text IS NULL OR c.consultee = $4)
  AND ($6::integer IS NULL OR c.position <= $6)
ORDER BY c.position LIMIT $5
"""
_RECORDED = "SELECT EXISTS (SELECT 1 FROM round_comments WHERE submission_id = $1 AND round_id = $2)"
_READ = """
SELECT c.position, c.consultee, c.official, c.comment_id, c.article, t.body AS text, c.text_sha256, c.received_at, c.response,
       e.body AS explanation, c.explanation_sha256, c.answered_at
FROM round_comments c LEFT JOIN texts t ON t.sha256 = c.text_sha256 LEFT JOIN texts e ON e.sha256 = c.explanation_sha256
WHERE c.submission_id = $1 AND c.round_id = $2 AND c.position = ANY($3::integer[])
ORDER BY c.position
"""


async def record_opinion(pool: asyncpg.Pool, record: OpinionRecord) -> None:
    """The opinion's comments, once each (a retried record writes nothing twice)."""
    opinion = record.opinion
    await pool.executemany(_RECORD_COMMENT, [
        (record.submission_id, record.round_id, record.first + n, opinion.consultee, opinion.official, c.comment_id, c.article, c.text.sha256,
         record.at) for n, c in enumerate(opinion.comments)])


async def record_answers(pool: asyncpg.Pool, record: CompilationRecord) -> None:
    """The compilation's answer to each comment recorded (again the same, when retried)."""
    await pool.executemany(_RECORD_ANSWER, [
        (record.submission_id, record.round_id, r.consultee, r.comment_id, r.response.value,
         r.explanation.sha256 if r.explanation else None, record.at)
        for r in record.compilation.responses])


async def page(pool: asyncpg.Pool, submission_id: str, round_id: str, *, after: int = 0, consultee: str | None = None,
               limit: int = PAGE, through: int | None = None) -> RoundCommentsPage:
    """The round's comments after position `after` and up to `through` (the round's `recorded_through`, None for all; of one
    consultee, given one), in the order the round took them: at most `limit` (up to PAGE) and about PAGE_BYTES of texts
    (one comment at least); `next_after` where more follow."""
    limit = max(1, min(limit, PAGE))
    sizes = await pool.fetch(_SIZES, submission_id, round_id, after, consultee, limit + 1, through)
    kept, spent = [], 0
    for row in sizes[:limit]:
        spent += row["size_bytes"]
        if kept and spent > PAGE_BYTES:
            break
        kept.append(row["position"])
    rows = await pool.fetch(_READ, submission_id, round_id, kept) if kept else []
    return RoundCommentsPage(submission_id=submission_id, round_id=round_id, comments=tuple(RoundComment(**dict(row)) for row in rows),
                             next_after=kept[-1] if len(kept) < len(sizes) else None)


async def recorded(pool: asyncpg.Pool, submission_id: str, round_id: str) -> bool:
    """Whether the round recorded any comment: a round whose workflow is gone (past Temporal's retention) is known by them."""
    return await pool.fetchval(_RECORDED, submission_id, round_id)
