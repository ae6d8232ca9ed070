"""A round's result signal that reaches a new draft a worker ran ahead of its task (README, "Updates that arrive after a
worker ran a draft ahead"): found by a new user's trial of the recorded case with a signal in place of the update. A worker
killed while the rulebook was pinned, a status query answered by the next one (which applied the pin's result for it),
then `consultation_finished`: live, the draft had its state and asked the round-result patch; replayed, the signal came
before the pin's result in one task, the state was not there yet and the patch was not asked, so that every replay, and
every task of the draft after its worker's cache lost it, failed (TMPRL1100). The handler now waits for the pin whatever
the timing, and asks the patch then."""

from __future__ import annotations

from temporalio.worker import Replayer

from cli.replay import load_history
from tests.conftest import TEST_KEYS
from tests.record_histories import HISTORIES
from tests.reproduce_update_while_pinning import ran_ahead
from workers.worker import sandbox_runner
from workflows.codec import data_converter
from workflows.draft_law import ROUND_RESULT_PATCH, DraftLawWorkflow

RESULT_AFTER_RUN_AHEAD = HISTORIES / "cases" / "draft-result-signal-after-run-ahead.json"


async def test_a_round_result_signalled_after_a_run_ahead_replays():
    history = load_history(RESULT_AFTER_RUN_AHEAD)
    assert ran_ahead(history)
    signalled = [e.event_id for e in history.events if e.HasField("workflow_execution_signaled_event_attributes")]
    markers = [e.event_id for e in history.events if e.HasField("marker_recorded_event_attributes")
               and ROUND_RESULT_PATCH.encode() in e.marker_recorded_event_attributes.details["patch-data"].payloads[0].data]
    assert signalled and markers and signalled[0] < markers[0]  # the live run asked the patch once it had the signal
    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=data_converter(TEST_KEYS), workflow_runner=sandbox_runner())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
