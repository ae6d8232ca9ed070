"""The audit trail's write rule (`activities.audit`), against PostgreSQL: each run's events land once, in order, whatever
the retries and resets; an event is never lost because another run, or its own run, took its number."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

from temporalio.testing import ActivityEnvironment

from activities.audit import AuditActivities
from schemas.enums import EventKind, ProcessVersion, Stage
from schemas.records import RecordEventsInput, RegistryRow
from schemas.views import HistoryEntry
from store import audit

S = Stage
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def entry(seq: int, minute: int, stage: Stage, to_stage: Stage) -> HistoryEntry:
    return HistoryEntry(seq=seq, at=T0 + timedelta(minutes=minute), event=EventKind.DECISION, stage=stage, to_stage=to_stage)


class Runs:
    """Writes one submission's events as the workflow's runs would, each run with its own ID."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self.submission_id = f"AUDIT-{uuid.uuid4().hex[:8]}"
        self.activities = AuditActivities(pool)

    async def write(self, run_id: str, *entries: HistoryEntry) -> None:
        row = RegistryRow(submission_id=self.submission_id, workflow_id=f"draft-law-{self.submission_id}", title="t", lead_ministry="BTP",
                          process_version=ProcessVersion.LAW_2025, target_session="16-2", stage=entries[-1].to_stage, stage_since=entries[-1].at,
                          stage_deadline=None, responsible="BTP", classified=False)
        environment = ActivityEnvironment()
        environment.info = dataclasses.replace(environment.info, workflow_run_id=run_id)
        await environment.run(self.activities.record_events, RecordEventsInput(entries=entries, registry=row))

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
