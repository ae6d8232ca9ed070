"""What the API and the CLI answer for Temporal's own answers about a draft that cannot take a message this moment (found
by a fuzzer of the API, twenty messages at once to a draft of a long history): an update Temporal rejected before the
draft took it, and its limits of messages in flight per workflow. Both are the draft busy, to be sent again, never a
conflict kept under an Idempotency-Key nor "Temporal does not answer". Mapped directly, as the live case needs load."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from fastapi_problem.error import Problem
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import _from_rpc, temporal
from api.problems import problem_body
from cli import temporal as cli_temporal
from workflows import client as drafts

# Temporal's failure of an update a workflow task completed without taking (its server's `unprocessedUpdateFailure`).
UNPROCESSED = ApplicationError("Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow Update is not "
                               "supported by the worker.", type="UnprocessedUpdate", non_retryable=True)
FULL = ["limit on number of concurrent in-flight updates has been reached (10)",
        "consistent query buffer is full, this may be caused by too many queries and workflow not able to process query fast enough"]
HTTP = SimpleNamespace(path_params={"submission_id": "FZ-1"}, app=SimpleNamespace(state=SimpleNamespace(timeout=5, task_queue="q")))


def test_an_update_temporal_rejected_unprocessed_is_sent_again_by_the_client():
    """It was answered 409 `refused` (CONFLICT): a caller following the README drops the message, and the API kept the
    409 under its Idempotency-Key for 30 days. Nothing was applied: the client sends it again, as it does a draft busy."""
    assert drafts.unprocessed(WorkflowUpdateFailedError(UNPROCESSED)) and drafts._busy(WorkflowUpdateFailedError(UNPROCESSED))
    assert not drafts.unprocessed(WorkflowUpdateFailedError(ApplicationError("refused", type="Refused")))


def test_an_update_still_unprocessed_after_the_retries_is_answered_busy():
    async def update():
        raise WorkflowUpdateFailedError(UNPROCESSED)

    with pytest.raises(Problem) as raised:
        asyncio.run(temporal(HTTP, update()))
    answered = json.loads(problem_body(raised.value))
    assert (answered["status"], answered["rule"], answered["kind"]) == (503, "draft_busy", "BUSY"), answered
    failed = cli_temporal._from_update(WorkflowUpdateFailedError(UNPROCESSED))
    assert (failed.as_json()["rule"], failed.as_json()["kind"]) == ("draft_busy", "BUSY"), failed.as_json()


@pytest.mark.parametrize("message", FULL)
def test_a_draft_with_as_many_messages_in_flight_as_temporal_takes_is_busy_not_temporal_down(message):
    rpc = RPCError(message, RPCStatusCode.RESOURCE_EXHAUSTED, b"")
    answered = json.loads(problem_body(_from_rpc(HTTP, rpc, "submission_id")))
    assert (answered["status"], answered["rule"], answered["kind"]) == (503, "draft_busy", "BUSY"), answered
    failed = asyncio.run(cli_temporal._from_rpc(None, SimpleNamespace(temporal_address="127.0.0.1:7233", task_queue="q"), rpc, None))
    assert (failed.as_json()["rule"], failed.as_json()["kind"]) == ("draft_busy", "BUSY"), failed.as_json()
    # No worker polling fills them too (found by a breaker): said as what to check if it goes on.
    assert "check that a worker polls task queue q" in answered["detail"] and "task queue q" in failed.as_json()["message"], failed.as_json()
    # Temporal's own exhaustion (its rate limits) is still Temporal's.
    other = RPCError("namespace rate limit exceeded", RPCStatusCode.RESOURCE_EXHAUSTED, b"")
    assert json.loads(problem_body(_from_rpc(HTTP, other, "submission_id")))["rule"] == "temporal_unavailable"


def test_a_message_the_draft_refused_for_now_is_not_said_to_be_applied_later():
    """Found by a breaker: refused `draft_busy` while PostgreSQL was down, the CLI added that the draft "may still apply it
    when a worker answers"; nothing waits to be applied. A message no worker answered still may be."""
    from cli.drafts import send_again
    from cli.failures import Unavailable

    busy = send_again(Unavailable("submission_id: the draft's audit trail has 50 events not yet written", field="submission_id",
                                  rule="draft_busy"), "draft", "k1")
    assert "Nothing was applied: send it again with --request-id k1" in busy.message and "may still apply" not in busy.message
    assert busy.field == "submission_id"
    silent = send_again(Unavailable("no answer within 5 s", rule="worker_answers"), "draft", "k1")
    assert "may still apply it when a worker answers" in silent.message
