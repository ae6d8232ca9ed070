"""A round's result lost with an unopenable signal by the README's repair is handed back (found by a breaker of repairs):
reset past the bad signal without reapplying signals, the draft held its stage for a round that had completed, which could
not be compiled again, until its window's end and more. `legis consult hand-back` gives the draft the round's own result
again, once; a round still running, or one the draft no longer awaits, is refused."""

from __future__ import annotations

import uuid

import pytest
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType, ResetReapplyExcludeType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest, SignalWorkflowExecutionRequest

from schemas.enums import EventKind, Response
from schemas.refusal import Refused
from tests.drafts import compilation, consultation, opinion, start_request
from tests.polling import eventually
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client
from workflows.draft_law import RENEW_SIGNAL


@pytest.fixture
async def repair_queue(dev_env, pool):
    task_queue = f"hand-back-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        yield task_queue


async def test_a_round_whose_result_a_reset_dropped_is_handed_back_once(dev_env, repair_queue):
    client, request = dev_env.client, start_request()
    sid, workflow_id = request.submission_id, drafts.workflow_id_for(request.submission_id)
    await drafts.start_submission(client, request, task_queue=repair_queue)
    await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC",)))
    await round_client.submit_opinion(client, sid, "r1", opinion("BTC", "c1"))
    await eventually(lambda: drafts.status(client, sid), lambda v: len(v.open_consultations) == 1)
    with pytest.raises(Refused) as running:
        await round_client.hand_back(client, sid, "r1")
    assert (running.value.field, running.value.rule) == ("round_id", "round_completed")
    handle = drafts.draft(client, sid)
    before_bad = max([e.event_id async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED])
    # A signal sealed under a key no process has: the draft's tasks fail; the round is compiled meanwhile, its result after it.
    execution = (await handle.describe()).raw_description.workflow_execution_info.execution
    sealed_elsewhere = Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"key-nobody-has",
                                         "legis-workflow-id": workflow_id.encode()}, data=b"\x00not sealed by us")
    await client.workflow_service.signal_workflow_execution(SignalWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=execution, signal_name=RENEW_SIGNAL, input=Payloads(payloads=[sealed_elsewhere]),
        identity="test", request_id=str(uuid.uuid4())))
    await round_client.compile_round(client, sid, "r1", compilation(request, ("BTC", "c1", Response.ACCEPTED)), lead_ministry=request.lead_ministry)

    async def signals() -> int:
        return sum([e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED async for e in handle.fetch_history_events()])
    await eventually(signals, lambda n: n == 2)
    # The README's repair.
    await client.workflow_service.reset_workflow_execution(ResetWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=execution, reason="unopenable signal", workflow_task_finish_event_id=before_bad,
        request_id=str(uuid.uuid4()), reset_reapply_exclude_types=[ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL]))
    held = await eventually(lambda: drafts.status(client, sid), lambda v: v is not None, seconds=30)
    assert [r.round_id for r in held.open_consultations] == ["r1"]  # the result was lost with the bad signal

    result = await round_client.hand_back(client, sid, "r1")
    assert [a.consultee for a in result.answers] == ["BTC"]
    await eventually(lambda: drafts.status(client, sid), lambda v: not v.open_consultations)
    history = await drafts.history(client, sid)
    assert sum(e.event is EventKind.CONSULTATION_COMPILED for e in history.entries) == 1
    with pytest.raises(Refused) as again:
        await round_client.hand_back(client, sid, "r1")
    assert (again.value.field, again.value.rule) == ("round_id", "round_awaited")


async def test_a_message_sent_with_a_request_id_to_a_draft_whose_task_fails_is_told_so(cli, dev_env, tmp_path):
    """Found by a breaker of repairs: after an unopenable signal, `legis decide --request-id` waited out its timeout and
    was told that no worker answered, to see their logs, where the same command without it said the task is failing."""
    from schemas.enums import Stage
    from tests.drafts import decision

    client, request = dev_env.client, start_request()
    sid = request.submission_id
    await drafts.start_submission(client, request, task_queue=cli.task_queue)
    await eventually(lambda: drafts.status(client, sid), lambda v: v.stage is Stage.POLICY_PROPOSAL)
    handle = drafts.draft(client, sid)
    await client.workflow_service.signal_workflow_execution(SignalWorkflowExecutionRequest(
        namespace=client.namespace, workflow_execution=(await handle.describe()).raw_description.workflow_execution_info.execution,
        signal_name=RENEW_SIGNAL, identity="test", request_id=str(uuid.uuid4()), input=Payloads(payloads=[Payload(
            metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"key-nobody-has",
                      "legis-workflow-id": drafts.workflow_id_for(sid).encode()}, data=b"\x00not sealed by us")])))
    await eventually(lambda: handle.describe(), lambda d: d.raw_description.pending_workflow_task.attempt > 1)
    (tmp_path / "decision.json").write_text(decision(request, Stage.POLICY_PROPOSAL).model_dump_json(), encoding="utf-8")
    code, _, err = await cli("--timeout", "5", "decide", sid, str(tmp_path / "decision.json"), "--request-id", "after-bad")
    assert code == 5 and "(rule: draft_task_failing)" in err and "worker's log" in err, err
