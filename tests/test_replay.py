"""The determinism gate: committed histories of whole lifecycles replay against today's workflow code."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from schemas.state import DraftLawInput
from tests.conftest import TEST_KEYS
from tests.record_histories import HISTORIES as HISTORIES_DIR
from tests.record_histories import load_history
from workflows.codec import data_converter
from workflows.draft_law import WORKFLOW_TYPE, DraftLawWorkflow

HISTORIES = sorted(HISTORIES_DIR.glob("*.json"))


def test_histories_are_committed():
    assert {p.stem.split("-")[0] for p in HISTORIES} >= {
        "law_2025_one_session", "law_2015_two_sessions", "returned_twice", "withdrawn", "failed_vote_rejected",
        "postponed", "slipped_to_next_session", "consulted_and_reprogrammed", "ordinance_reconsidered", "law_2015_three_sessions",
    }


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_committed_history_replays(path: Path):
    # With the workers' own converter: the committed histories were recorded before payloads were sealed, and the
    # codec passes their payloads through.
    replayer = Replayer(workflows=[DraftLawWorkflow], data_converter=data_converter(TEST_KEYS))
    result = await replayer.replay_workflow(load_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@workflow.defn(name=WORKFLOW_TYPE, sandboxed=False)
class TimerFirstDraftLaw:
    """A non-deterministic edit of the real workflow: it sleeps before pinning its rulebook."""

    @workflow.run
    async def run(self, request: DraftLawInput) -> None:
        await workflow.sleep(timedelta(seconds=1))


async def test_a_nondeterministic_change_fails_the_gate():
    replayer = Replayer(workflows=[TimerFirstDraftLaw], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(load_history(HISTORIES_DIR / "consulted_and_reprogrammed-s2.json"), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "nondeterminism" in type(result.replay_failure).__name__.lower() or "Nondeterminism" in str(result.replay_failure)
