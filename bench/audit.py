"""What the audit trail costs per lifecycle, by itself: the throughput benchmark's lifecycle's audit batches written to
PostgreSQL by the audit activity, outside Temporal (`--only audit`). The CPU of this process (the activity's own work)
and of PostgreSQL, beside the same calls to an activity that writes nothing, so that the write's share of the
throughput benchmark's difference between a draft and the bare workflow can be read off."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from activities.audit import AuditActivities
from activities.rulebook import shipped_working_calendar
from schemas.messages import Decision, StartRequest
from schemas.records import PinnedRules, RecordEventsInput
from schemas.rulebook import load_rulebook
from schemas.state import NEWEST_GENERATION, DraftLawInput
from schemas.views import HistoryEntry
from workflows import draft
from workflows import draft_views as views
from workflows.change import Applied, Record

ROUNDS = 3


@activity.defn(name="record_events")
async def _writes_nothing(request: RecordEventsInput) -> int:
    return len(request.entries)


async def audit(pool: asyncpg.Pool, lifecycles: int, concurrency: int, start_request: Callable[[], StartRequest],
                decisions: Callable[[StartRequest], list[Decision]], cpu: Callable[[], dict[str, float]],
                say: Callable[[str], None]) -> None:
    """Write about `lifecycles` lifecycles' audit batches (in whole waves of `concurrency` at once, one at least),
    alternating `ROUNDS` times with the same calls to an activity that writes nothing; prints CPU ms per lifecycle of
    this process and of PostgreSQL."""
    lifecycle = _batches(start_request(), decisions)
    waves = max(1, lifecycles // concurrency)
    say(f"\n## The audit trail's writes, outside Temporal ({waves * concurrency} lifecycles per side and round, {concurrency} at once, "
        f"{ROUNDS} rounds): {sum(len(b.entries) for b in lifecycle)} events in {len(lifecycle)} batches per lifecycle")
    sides = {"written to PostgreSQL": AuditActivities(pool).record_events, "an activity that writes nothing": _writes_nothing}
    spent = {side: {"worker": 0.0, "postgres": 0.0} for side in sides}
    environment = ActivityEnvironment()
    for _ in range(ROUNDS):
        for side, write in sides.items():
            before = cpu()
            for _ in range(waves):
                await asyncio.gather(*(_one_lifecycle(environment, write, lifecycle) for _ in range(concurrency)))
            after = cpu()
            spent[side]["worker"] += after["client+worker"] - before["client+worker"]
            spent[side]["postgres"] += after["postgres"] - before["postgres"]
    done = waves * concurrency * ROUNDS
    for side, used in spent.items():
        say(f"{side:>31}: CPU ms per lifecycle, the activity's worker {used['worker'] / done * 1000:.2f}, "
            f"PostgreSQL {used['postgres'] / done * 1000:.2f}")


async def _one_lifecycle(environment: ActivityEnvironment, write: Callable, lifecycle: list[RecordEventsInput]) -> None:
    """One lifecycle's batches in order, under a submission ID of its own."""
    submission_id = f"AUDIT-{uuid.uuid4().hex[:10]}"
    for batch in lifecycle:
        row = batch.registry.model_copy(update={"submission_id": submission_id, "workflow_id": f"draft-law-{submission_id}"})
        await environment.run(write, batch.model_copy(update={"registry": row}))


def _batches(request: StartRequest, decisions: Callable[[StartRequest], list[Decision]]) -> list[RecordEventsInput]:
    """The audit batches of one lifecycle, one per step (the opening, then each decision), as a draft writes them when
    each decision's events are written before the next decision arrives."""
    pinned = PinnedRules(rulebook=load_rulebook(request.process_version), working=shipped_working_calendar())
    now = datetime.now(UTC)
    steps = [draft.open_draft(DraftLawInput(**request.model_dump()), pinned, now, generation=NEWEST_GENERATION)]
    for made in decisions(request):
        now += timedelta(minutes=1)
        steps.append(draft.perform(draft.DECIDE, steps[-1].state, made, now, str(uuid.uuid4())))
    return [RecordEventsInput(entries=entries, registry=views.registry_row(step.state, "bench"), cutoffs=views.registry_cutoffs(step.state))
            for step in steps if (entries := _entries(step))]


def _entries(applied: Applied) -> tuple[HistoryEntry, ...]:
    return tuple(effect.entry for effect in applied.effects if isinstance(effect, Record))
