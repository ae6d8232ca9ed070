"""A bare Temporal workflow doing as many activities, updates and timers as a draft's lifecycle, with no domain logic."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from schemas.records import BATCH
    from workflows import search_attributes as sa
    from workflows.draft_activities import ACTIVITY_TIMEOUT


@activity.defn
async def bare_activity(payload: dict[str, Any]) -> bool:
    return True


@workflow.defn
class BareLifecycleWorkflow:
    """Mirrors DraftLawWorkflow's shape: one activity at start, one write per batch of updates received (as a draft
    writes its audit events), a timer while waiting at the stages that have a deadline. With `visible`, it also makes the Temporal calls a draft makes to be
    readable in the Web UI: a memo, search attributes and a summary given when it starts, a patch marker, a memo upsert
    and a search-attribute upsert after its first activity, a search-attribute upsert at every update, and a summary
    on each activity and timer, as a draft names its rulebook pin, its audit writes and its alarms."""

    @workflow.init
    def __init__(self, updates: int, timed_steps: list[int], visible: bool = False) -> None:
        self._received: list[dict[str, Any]] = []
        self._written = 0
        # Known before the first update's handler runs (it may come in the first workflow task), which upserts as a draft's does.
        self._visible = visible

    @workflow.run
    async def run(self, updates: int, timed_steps: list[int], visible: bool = False) -> int:
        if visible:
            workflow.patched("bench-visible")
        await workflow.execute_activity(bare_activity, {}, start_to_close_timeout=ACTIVITY_TIMEOUT, summary=self._summary("pin rulebook BENCH"))
        if visible:
            workflow.upsert_memo({"rulebook": "bench"})
            workflow.upsert_search_attributes([sa.STAGE.value_set("BENCH-0")])
        await workflow.execute_activity(bare_activity, {}, start_to_close_timeout=ACTIVITY_TIMEOUT, summary=self._summary("audit #1-1 BENCH"))
        while self._written < updates:
            timed = self._written in timed_steps
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: len(self._received) > self._written,
                    timeout=timedelta(days=30) if timed else None,
                    timeout_summary=self._summary("next alarm of BENCH") if timed else None,
                )
            while self._written < len(self._received):
                # What arrived while the last write ran goes in one write, as a draft's audit events do (up to BATCH).
                batch = self._received[self._written:self._written + BATCH]
                await workflow.execute_activity(bare_activity, {"entries": batch}, start_to_close_timeout=ACTIVITY_TIMEOUT,
                                                summary=self._summary(f"audit #{self._written + 1}-{self._written + len(batch)} BENCH"))
                self._written += len(batch)
        return self._written

    def _summary(self, text: str) -> str | None:
        return text if self._visible else None

    @workflow.update
    async def step(self, payload: dict[str, Any]) -> int:
        self._received.append(payload)
        if self._visible:
            workflow.upsert_search_attributes([sa.STAGE.value_set(f"BENCH-{len(self._received)}")])
        return len(self._received)
