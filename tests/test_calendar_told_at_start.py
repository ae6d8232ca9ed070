"""A calendar change reaches a draft that is starting as it is made (found by a breaker of concurrency): `legis calendar`
stored the change and told the drafts the registry counts running, and a draft between reading the calendar (its first
task) and its first registry row (its first audit write) kept the old day for ever. A start claims its ID before its
draft reads the calendar (`activities.rulebook.check_start`, as the API and `legis start` do), and the change tells the
drafts claimed and not yet in the registry too."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from activities.database import create_pool
from activities.rulebook import check_start
from store.registry import drafts_to_tell
from tests.drafts import start_request
from tests.holding import HoldActivity
from tests.polling import eventually
from workers.worker import create_worker
from workflows import client as drafts


async def test_a_draft_starting_as_its_session_moves_is_told_the_new_day(cli, dev_env, fresh_database_url):
    request = start_request()
    announced = request.target_session.opens_on
    moved = announced + timedelta(days=21)
    code, _, err = await cli("calendar", "set-session", "16-2", "--opens-on", str(announced), "--by", "VPQH")
    assert code == 0, err
    # The draft's first audit write is slow (a busy PostgreSQL, a write retried): held until the calendar has moved.
    hold, task_queue = HoldActivity("record_events"), f"race-cal-{uuid.uuid4().hex[:8]}"
    pool = await create_pool(fresh_database_url)
    db = await asyncpg.connect(fresh_database_url)
    try:
        async with create_worker(dev_env.client, pool, task_queue=task_queue, interceptors=[hold]):
            await check_start(pool, request, datetime.now(UTC))
            await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
            # Its rulebook and the calendars are pinned: it answers its status.
            await eventually(lambda: _status(dev_env.client, request.submission_id), lambda s: s is not None)
            # A start claimed that never ran is passed over, not a failure of the change.
            await check_start(pool, start_request(), datetime.now(UTC))
            moving = asyncio.create_task(cli("calendar", "set-session", "16-2", "--opens-on", str(moved), "--by", "VPQH"))
            await asyncio.sleep(1)
            hold.release.set()
            code, out, err = await moving
            assert code == 0 and "running draft" in out, (out, err)
            await eventually(lambda: db.fetchval("SELECT last_seq FROM submissions WHERE submission_id = $1", request.submission_id),
                             lambda seq: seq is not None)
            status = await drafts.status(dev_env.client, request.submission_id)
            # The calendar says 16-2 opens on `moved`; the draft aimed at 16-2 counts from that day.
            assert status.target_session.opens_on == moved, (status.target_session, out, err)
    finally:
        await db.close()
        await pool.close()


async def _status(client, submission_id):
    try:
        return await drafts.status(client, submission_id)
    except Exception:
        return None


async def test_a_draft_is_among_the_drafts_to_tell_from_its_start_to_its_end(dev_env, fresh_database_url):
    """Found by a breaker of this change: the running drafts and the starting ones were read in two statements, and a
    draft registered between them was in neither. One statement: before its first registry row the draft is told as
    starting (which Temporal may not know, a start that never ran), after it as running, in one list or the other."""
    request = start_request()
    hold, task_queue = HoldActivity("record_events"), f"race-gap-{uuid.uuid4().hex[:8]}"
    pool = await create_pool(fresh_database_url)
    try:
        async with create_worker(dev_env.client, pool, task_queue=task_queue, interceptors=[hold]):
            await check_start(pool, request, datetime.now(UTC))
            await drafts.start_submission(dev_env.client, request, task_queue=task_queue)
            targets, maybe_absent = await drafts_to_tell(pool, led_by=request.lead_ministry)
            assert request.submission_id in targets and request.submission_id in maybe_absent
            hold.release.set()
            await eventually(lambda: pool.fetchval("SELECT last_seq FROM submissions WHERE submission_id = $1", request.submission_id),
                             lambda seq: seq is not None)
            targets, maybe_absent = await drafts_to_tell(pool, led_by=request.lead_ministry)
            assert targets.count(request.submission_id) == 1 and request.submission_id not in maybe_absent
            assert request.submission_id not in (await drafts_to_tell(pool, led_by="KHAC"))[0]
    finally:
        await pool.close()
