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
from bench.core import pinned_rules, recorded
from schemas.messages import Decision, StartRequest
from schemas.records import RecordEventsInput
from schemas.state import NEWEST_GENERATION, DraftLawInput
from workflows import draft, sessions
from workflows import draft_views as views

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
            # Each lifecycle's batches under a submission ID of its own, made before the clock starts.
            inputs = [[_under_new_id(lifecycle) for _ in range(concurrency)] for _ in range(waves)]
            before = cpu()
            for wave in inputs:
                await asyncio.gather(*(_write_in_order(environment, write, batches) for batches in wave))
            after = cpu()
            spent[side]["worker"] += after["client+worker"] - before["client+worker"]
            spent[side]["postgres"] += after["postgres"] - before["postgres"]
    done = waves * concurrency * ROUNDS
    for side, used in spent.items():
        say(f"{side:>31}: CPU ms per lifecycle, the activity's worker {used['worker'] / done * 1000:.2f}, "
            f"PostgreSQL {used['postgres'] / done * 1000:.2f}")


async def _write_in_order(environment: ActivityEnvironment, write: Callable, batches: list[RecordEventsInput]) -> None:
    for batch in batches:
        await environment.run(write, batch)


def _under_new_id(lifecycle: list[RecordEventsInput]) -> list[RecordEventsInput]:
    submission_id = f"AUDIT-{uuid.uuid4().hex[:10]}"
    names = {"submission_id": submission_id, "workflow_id": f"draft-law-{submission_id}"}
    return [batch.model_copy(update={"registry": batch.registry.model_copy(update=names)}) for batch in lifecycle]


def _batches(request: StartRequest, decisions: Callable[[StartRequest], list[Decision]]) -> list[RecordEventsInput]:
    """The audit batches of one lifecycle, one per step (the opening, then each decision), as a draft writes them when
    each decision's events are written before the next decision arrives."""
    now = datetime.now(UTC)
    steps = [draft.open_draft(DraftLawInput(**request.model_dump()), pinned_rules(request), now, generation=NEWEST_GENERATION)]
    for made in decisions(request):
        now += timedelta(minutes=1)
        steps.append(draft.perform(draft.DECIDE, steps[-1].state, made, now, str(uuid.uuid4())))
    return [RecordEventsInput(entries=entries, registry=views.registry_row(step.state, "bench"), cutoffs=sessions.registry_cutoffs(step.state))
            for step in steps if (entries := recorded(step))]
