"""Group commit (`activities.group_commit`), against PostgreSQL: concurrent drafts' audit batches share transactions,
and a batch the database refuses in a group is written alone, without holding up the others."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.audit import DEAD_LETTERED, AuditActivities
from activities.database import create_pool
from activities.group_commit import STALLED_SECONDS as GROUP_COMMIT_STALLED
from schemas.enums import EventKind, ProcessVersion, Stage
from schemas.records import RecordEventsInput, RegistryRow
from schemas.views import HistoryEntry
from tests.polling import eventually
from tests.test_dead_letters import LONG_REASONS, REGISTER_RULE

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
PATH = (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL)


def batch(submission_id: str, first_seq: int, reasons: str = "") -> RecordEventsInput:
    """Two decisions of one draft, from stage number `first_seq - 1` on."""
    entries = tuple(HistoryEntry(seq=seq, at=T0 + timedelta(minutes=seq), event=EventKind.DECISION, stage=PATH[seq - 1],
                                 to_stage=PATH[seq], reasons=reasons) for seq in (first_seq, first_seq + 1))
    row = RegistryRow(submission_id=submission_id, workflow_id=f"draft-law-{submission_id}", title="t", lead_ministry="BTP",
                      process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=PATH[first_seq + 1],
                      stage_since=entries[-1].at, stage_deadline=None, responsible="BTP", classified=False)
    return RecordEventsInput(entries=entries, registry=row)


async def write_at_once(activities: AuditActivities, batches: list[RecordEventsInput]) -> list[int | BaseException]:
    environment = ActivityEnvironment()
    return await asyncio.gather(*(environment.run(activities.record_events, b) for b in batches), return_exceptions=True)


async def test_concurrent_drafts_batches_share_commits_and_each_lands_whole(pool):
    drafts = [f"GROUP-{uuid.uuid4().hex[:8]}" for _ in range(6)]
    activities = AuditActivities(pool)
    assert await write_at_once(activities, [batch(d, 1) for d in drafts]) == [2] * 6
    assert await write_at_once(activities, [batch(d, 2) for d in drafts]) == [2] * 6  # #2 again (a retry) and #3
    rows = await pool.fetch("SELECT submission_id, seq, xmin::text AS tx FROM audit_events WHERE submission_id = ANY($1) ORDER BY 1, 2", drafts)
    assert [(r["submission_id"], r["seq"]) for r in rows] == [(d, seq) for d in sorted(drafts) for seq in (1, 2, 3)]
    # Each draft's rows of one write land together; the drafts written at once share fewer commits than one each.
    assert len({r["tx"] for r in rows}) < 2 * len(drafts)
    registry = await pool.fetch("SELECT last_seq, stage FROM submissions WHERE submission_id = ANY($1)", drafts)
    assert {(r["last_seq"], r["stage"]) for r in registry} == {(3, Stage.APPRAISAL.value)}


@pytest.fixture
async def register_rule_pool(fresh_database_url):
    connection = await asyncpg.connect(fresh_database_url)
    try:
        await connection.execute(REGISTER_RULE)
    finally:
        await connection.close()
    pool = await create_pool(fresh_database_url)
    yield pool
    await pool.close()


async def test_a_batch_refused_in_a_group_is_a_dead_letter_and_the_others_land(register_rule_pool):
    pool = register_rule_pool
    drafts = [f"GROUP-{uuid.uuid4().hex[:8]}" for _ in range(4)]
    results = await write_at_once(AuditActivities(pool), [batch(d, 1, LONG_REASONS if i == 2 else "") for i, d in enumerate(drafts)])
    refused = results[2]
    assert isinstance(refused, ApplicationError) and refused.type == DEAD_LETTERED and refused.non_retryable
    assert results[:2] + results[3:] == [2, 2, 2]
    written = await pool.fetch("SELECT submission_id, seq FROM audit_events ORDER BY 1, 2")
    assert [(r["submission_id"], r["seq"]) for r in written] == sorted((d, seq) for d in drafts if d != drafts[2] for seq in (1, 2))
    letters = await pool.fetch("SELECT submission_id, seq FROM dead_letters ORDER BY seq")
    assert [(r["submission_id"], r["seq"]) for r in letters] == [(drafts[2], 1), (drafts[2], 2)]


async def test_a_group_held_up_by_a_lock_does_not_hold_up_the_other_drafts_and_a_cancelled_write_is_taken_back(pool):
    """Found by a breaker: one draft's registry row locked by another transaction held the group, and with it every
    other draft of the worker, for as long as the lock lasted; and a write cancelled while it waited (its activity timed
    out) was still committed later."""
    held, other, cancelled = (f"GROUP-{uuid.uuid4().hex[:8]}" for _ in range(3))
    activities, environment = AuditActivities(pool), ActivityEnvironment()
    assert await environment.run(activities.record_events, batch(held, 1)) == 2
    locker = await pool.acquire()
    try:
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("SELECT 1 FROM submissions WHERE submission_id = $1 FOR UPDATE", held)
        blocked = asyncio.create_task(environment.run(activities.record_events, batch(held, 2)))
        # Its group is being written, waiting for the lock; the next write waits for the group.
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                                               "datname = current_database() AND query LIKE '%legis audit write%'"),
                         lambda waiting: waiting >= 1)
        gave_up = asyncio.create_task(environment.run(activities.record_events, batch(cancelled, 1)))
        await eventually(lambda: asyncio.sleep(0, len(activities._group._waiting)), lambda queued: queued == 1)
        gave_up.cancel()
        async with asyncio.timeout(GROUP_COMMIT_STALLED + 3):
            assert await environment.run(activities.record_events, batch(other, 1)) == 2  # alone, past the stalled group
        assert not blocked.done()
        await transaction.rollback()
    finally:
        await pool.release(locker)
    assert await blocked == 2
    with pytest.raises(asyncio.CancelledError):
        await gave_up
    # Once no group is being written, none will be: the cancelled write is either in the table now or never.
    await eventually(lambda: asyncio.sleep(0, activities._group._committing), lambda committing: committing is None)
    rows = await pool.fetch("SELECT submission_id, seq FROM audit_events WHERE submission_id = ANY($1) ORDER BY 1, 2", [held, other, cancelled])
    assert [(r["submission_id"], r["seq"]) for r in rows] == sorted([(held, 1), (held, 2), (held, 3), (other, 1), (other, 2)])
