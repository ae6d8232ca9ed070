"""Keep an update's acceptance where a replay will put it: first in its workflow task.

Why (temporalio 1.35.0; see tests/histories/cases/draft-stuck-after-restart.history.json):

A worker that answers a query for a run it does not hold, or holds without its last events, gets
the whole history; sdk-core applies every event in it, also those recorded after the last workflow
task started (an activity's result, a fired timer), and runs the workflow on them in an activation
of its own. The commands that run produces are sent with the next workflow task. If that task
brings an update, the update comes in a later activation, and is accepted after those commands.
A replay delivers the same events and the update in one activation, update first (sdk-core sorts
`DoUpdate` before resolutions; the Python SDK runs update jobs before the others), so the replay
accepts first and fails: `Update machine does not handle this event: ... WorkflowPropertiesModified`.

The guard: sdk-core moves the workflow clock (`workflow.now()`) only when it handles a workflow
task's start. An activation that is not a task's, but sees more history than the task before it,
has that task's time and a longer history: it ran ahead. The validators then refuse every update
of the next workflow task, with the retryable rule `catching_up`; the client sends it again and it
is accepted in a later task, where nothing precedes it. Validators never run on replay and a
refused update leaves no event, so this changes no history and needs no `workflow.patched`.

Residual: a signal arriving in that same task is applied after the run-ahead commands as well, and
replays before them. Signals cannot be refused; that case needs the SDK fixed (see the README).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow

CATCHING_UP = "catching_up"


class TaskClock:
    """Per-activation observations of (workflow time, history length), kept by one workflow instance."""

    def __init__(self) -> None:
        self._task_time: datetime | None = None  # time of the workflow task last seen
        self._task_length = 0  # history length when that task was first seen
        self._ran_ahead = False  # an activation after it saw more history at the same time
        self._refusing: datetime | None = None  # the task whose updates are refused
        self._observer: asyncio.Task | None = None

    def start(self) -> None:
        """Call first thing in the run method: observe every activation in which conditions are checked."""
        self._observer = asyncio.create_task(workflow.wait_condition(self._observe), name="task clock")

    def _observe(self) -> bool:
        self._see(workflow.now(), workflow.info().get_current_history_length())
        return False

    def _see(self, now: datetime, length: int) -> None:
        """Record an activation: the first at a new time is a workflow task's; a later one at the
        same time with more history ran ahead, and the next task's updates are refused."""
        if now != self._task_time:
            if self._ran_ahead:
                self._refusing = now
            self._task_time, self._task_length, self._ran_ahead = now, length, False
        elif length > self._task_length:
            self._ran_ahead = True

    def behind(self) -> bool:
        """For validators only: whether accepting an update now would put it behind run-ahead commands.

        A validator runs in the first activation of its workflow task (or the first that brings
        the update); it records that activation itself, since an activation whose only job is an
        update that is then refused checks no conditions.
        """
        return self.refuses(workflow.now(), workflow.info().get_current_history_length())

    def refuses(self, now: datetime, length: int) -> bool:
        self._see(now, length)
        return self._refusing == now
