"""The twenty-eighth generation (found by a breaker of a draft's long life): an update is applied in the task that
accepted it before the next update's validator asks, so that a reset run's reapplied updates, each depending on the one
before, are all applied; and a round the reset run opens again, whose workflow runs already, is taken as the draft's.
Its committed history (`tests.scenario_reset_reapplied`) replays in `tests.test_replay`; the same path against a server,
with the draft's audit trail, is `tests.test_reset_reapplies_in_turn`."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType

from tests.test_replay import HISTORIES_DIR, load_history, patch_ids
from workflows import generations

E = EventType


def test_the_twenty_eighth_generations_path_has_a_committed_history():
    history = load_history(HISTORIES_DIR / "reset_reapplied-s54.json")
    assert generations.APPLIED_IN_TURN_PATCH in patch_ids(history.events)
    kinds = [e.event_type for e in history.events]
    # The reset run's first task took the four updates again, each accepted and completed: none refused, none failed.
    after_reset = kinds.index(E.EVENT_TYPE_WORKFLOW_TASK_FAILED)
    taken = kinds[after_reset:kinds.index(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, kinds.index(E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, after_reset) + 1)]
    assert taken.count(E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) == 4, taken
    assert E.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED in kinds  # the round, running since before the reset, asked whose it is
    assert "started_by" in [e.activity_task_scheduled_event_attributes.activity_type.name for e in history.events
                            if e.event_type == E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]
    failed_updates = [e for e in history.events if e.event_type == E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
                      and e.workflow_execution_update_completed_event_attributes.outcome.HasField("failure")]
    assert not failed_updates
