"""The guard that keeps an update's acceptance first in its workflow task (workflows/task_order.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.task_order import TaskClock

T0 = datetime(2026, 11, 30, 10, 6, 22, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_updates_in_ordinary_workflow_tasks_are_taken():
    clock = TaskClock()
    clock._see(at(0), 3)  # the first workflow task
    assert not clock.refuses(at(32), 11)  # the update comes with the pinned rulebook
    assert not clock.refuses(at(32), 11)  # a second update in the same task
    clock._see(at(32), 11)  # the same task's activation, conditions checked
    assert not clock.refuses(at(33), 17)


def test_the_task_after_a_run_ahead_refuses_every_update_and_the_next_takes_them():
    clock = TaskClock()
    clock._see(at(0), 3)  # the first workflow task schedules the pin
    clock._see(at(0), 10)  # a query: the pin's result applied at the first task's time, history up to 10
    assert clock.refuses(at(32), 11)  # the task that sends the run-ahead commands brings the update
    assert clock.refuses(at(32), 11)  # and another one: refused too
    clock._see(at(32), 11)
    assert clock.refuses(at(32), 11)
    assert not clock.refuses(at(33), 17)  # sent again: a later task, nothing precedes its acceptance


def test_a_task_seen_only_by_a_refusing_validator_still_ends_the_refusal():
    clock = TaskClock()
    clock._see(at(0), 3)
    clock._see(at(0), 10)
    assert clock.refuses(at(32), 11)  # no conditions checked in this task: the validator saw it
    assert not clock.refuses(at(40), 16)  # the next update, in a speculative task of its own


def test_activations_of_one_task_with_the_same_history_are_not_a_run_ahead():
    clock = TaskClock()
    clock._see(at(0), 3)
    clock._see(at(0), 3)  # e.g. a query answered from the cache
    assert not clock.refuses(at(32), 11)
