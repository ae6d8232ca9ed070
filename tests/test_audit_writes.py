"""The audit trail's write rule (`activities.audit`), against PostgreSQL: each run's events land once, in order, whatever
the retries and resets; an event is never lost because another run, or its own run, took its number."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities import audit as audit_activity
from activities.audit import AuditActivities
from schemas.enums import EventKind, ProcessVersion, Stage
from schemas.records import RecordEventsInput, RegistryRow
from schemas.views import HistoryEntry
from store import audit, dead_letters
from store.dead_letters import Kind

S = Stage
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def entry(seq: int, minute: int, stage: Stage, to_stage: Stage, **fields) -> HistoryEntry:
    return HistoryEntry(seq=seq, at=T0 + timedelta(minutes=minute), event=EventKind.DECISION, stage=stage, to_stage=to_stage, **fields)


def silent(seq: int, minute: int, consultee: str) -> HistoryEntry:
    return HistoryEntry(seq=seq, at=T0 + timedelta(minutes=minute), event=EventKind.CONSULTEE_SILENT, stage=S.DRAFTING, agency_code=consultee)


class Runs:
    """Writes one submission's events as the workflow's runs would, each run with its own ID."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self.submission_id = f"AUDIT-{uuid.uuid4().hex[:8]}"
        self.activities = AuditActivities(pool)

    async def write(self, run_id: str, *entries: HistoryEntry) -> None:
        row = RegistryRow(submission_id=self.submission_id, workflow_id=f"draft-law-{self.submission_id}", title="t", lead_ministry="BTP",
                          process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=entries[-1].to_stage or entries[-1].stage,
                          stage_since=entries[-1].at,
                          stage_deadline=None, responsible="BTP", classified=False)
        environment = ActivityEnvironment()
        environment.info = dataclasses.replace(environment.info, workflow_run_id=run_id)
        await environment.run(self.activities.record_events, RecordEventsInput(entries=entries, registry=row))

    async def legacy(self, *entries: HistoryEntry) -> None:
        """Rows as written before the runs were recorded (no run ID, no number in a run)."""
        for e in entries:
            await self.pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, agency_code) "
                                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", self.submission_id, e.seq, f"draft-law-{self.submission_id}",
                                    e.at, e.event.value, e.stage.value, e.to_stage.value if e.to_stage else None, e.agency_code)

    async def events(self) -> list[tuple[datetime, str | None]]:
        return [(e.at, e.agency_code) for e in (await audit.history(self.pool, self.submission_id)).entries]

    async def trail(self) -> list[tuple[int, Stage, Stage | None, datetime]]:
        return [(e.seq, e.stage, e.to_stage, e.at) for e in (await audit.history(self.pool, self.submission_id)).entries]


async def test_a_retried_batch_lands_once(pool):
    runs = Runs(pool)
    first = (entry(1, 0, S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME), entry(2, 1, S.LEGISLATIVE_PROGRAMME, S.DRAFTING))
    await runs.write("A", *first)
    await runs.write("A", *first)
    assert [seq for seq, *_ in await runs.trail()] == [1, 2]


async def test_resets_keep_every_event_of_every_run_once(pool):
    runs = Runs(pool)
    one, a2 = entry(1, 0, S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME), entry(2, 1, S.LEGISLATIVE_PROGRAMME, S.DRAFTING)
    await runs.write("A", one, a2)
    # Run B, reset before A's #2: it replays #1 (the same event, kept once) and decides #2 again, later; then goes on.
    b2, b3 = entry(2, 5, S.LEGISLATIVE_PROGRAMME, S.DRAFTING), entry(3, 6, S.DRAFTING, S.APPRAISAL)
    await runs.write("B", one)
    await runs.write("B", b2)
    # B's #3 finds its number taken by B's own #2, placed after A's: it is a new event all the same.
    await runs.write("B", b3)
    # Run C, reset from B after B's #2 was decided but before its write finished: C writes B's #2 again (the same
    # event, wherever B placed it), then its own #3.
    c3 = entry(3, 9, S.DRAFTING, S.APPRAISAL)
    await runs.write("C", b2)
    await runs.write("C", c3)
    # A retry of any of them changes nothing.
    await runs.write("B", b3)
    await runs.write("C", c3)
    assert await runs.trail() == [(1, *one_of(one)), (2, *one_of(a2)), (3, *one_of(b2)), (4, *one_of(b3)), (5, *one_of(c3))]
    registry = await pool.fetchrow("SELECT stage, last_seq FROM submissions WHERE submission_id = $1", runs.submission_id)
    assert (registry["stage"], registry["last_seq"]) == ("APPRAISAL", 5)


def one_of(e: HistoryEntry) -> tuple[Stage, Stage | None, datetime]:
    return e.stage, e.to_stage, e.at


async def test_events_of_one_moment_are_told_apart_by_what_they_say(pool):
    # A round's result records each silent consultee at the round's close, one moment: a reset run that numbers them one
    # further (an alarm came first) must not take one consultee's event for another's.
    runs = Runs(pool)
    one = entry(1, 0, S.POLICY_PROPOSAL, S.DRAFTING)
    await runs.write("A", one, silent(2, 10, "BTC"), silent(3, 10, "BCA"), silent(4, 10, "BNG"))
    alarm = HistoryEntry(seq=2, at=T0 + timedelta(minutes=5), event=EventKind.WARNING, stage=S.DRAFTING, label="5 days left")
    await runs.write("B", one, alarm, silent(3, 10, "BTC"), silent(4, 10, "BCA"), silent(5, 10, "BNG"))
    late = T0 + timedelta(minutes=10)
    assert await runs.events() == [(T0, None), (late, "BTC"), (late, "BCA"), (late, "BNG"),
                                   (T0 + timedelta(minutes=5), None), (late, "BTC"), (late, "BCA"), (late, "BNG")]


async def test_a_reset_over_rows_written_before_runs_were_recorded_loses_nothing(pool):
    runs = Runs(pool)
    one, two, three = entry(1, 0, S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME), entry(2, 1, S.LEGISLATIVE_PROGRAMME, S.DRAFTING), \
        entry(3, 2, S.DRAFTING, S.APPRAISAL)
    await runs.legacy(one, two, three)
    # The run that wrote them retries after the upgrade: the same events, kept once.
    await runs.write("A", two, three)
    # A reset run replays #1 and decides #2 and #3 again, later: new events.
    b2, b3 = entry(2, 5, S.LEGISLATIVE_PROGRAMME, S.DRAFTING), entry(3, 6, S.DRAFTING, S.APPRAISAL)
    await runs.write("B", one, b2, b3)
    assert [(seq, at) for seq, _, _, at in await runs.trail()] == [(1, one.at), (2, two.at), (3, three.at), (4, b2.at), (5, b3.at)]


async def test_a_reset_run_does_not_fill_an_earlier_gap_behind_its_own_events(pool):
    runs = Runs(pool)
    await pool.execute("ALTER TABLE audit_events ADD CONSTRAINT test_poison CHECK (label IS DISTINCT FROM 'poison') NOT VALID")
    try:
        a = [entry(1, 0, S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME), entry(2, 1, S.LEGISLATIVE_PROGRAMME, S.DRAFTING),
             entry(3, 2, S.DRAFTING, S.APPRAISAL), entry(4, 3, S.APPRAISAL, S.GOVERNMENT_REVIEW, label="poison"),
             entry(5, 4, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION)]
        with pytest.raises(ApplicationError, match="dead letter"):
            await runs.write("A", *a)
        # A's #4 is a dead letter, its number a gap. A reset run decides #2 on: its events go after A's, in order.
        r = [entry(2, 10, S.LEGISLATIVE_PROGRAMME, S.DRAFTING), entry(3, 11, S.DRAFTING, S.APPRAISAL), entry(4, 12, S.APPRAISAL, S.GOVERNMENT_REVIEW)]
        await runs.write("R", *r)
        assert [(seq, at) for seq, _, _, at in await runs.trail()] == \
            [(1, a[0].at), (2, a[1].at), (3, a[2].at), (5, a[4].at), (6, r[0].at), (7, r[1].at), (8, r[2].at)]
        # The dead letter, written again once its data is fixed, fills its own gap.
        await pool.execute("ALTER TABLE audit_events DROP CONSTRAINT test_poison")
        [listed] = await dead_letters.listed(pool, submission_id=runs.submission_id, kind=Kind.AUDIT)
        async with pool.acquire() as db:
            assert await audit_activity.retry(db, await dead_letters.one(db, listed.id))
        assert [seq for seq, *_ in await runs.trail()] == [1, 2, 3, 4, 5, 6, 7, 8]
    finally:
        await pool.execute("ALTER TABLE audit_events DROP CONSTRAINT IF EXISTS test_poison")
