"""Random and malformed start requests and decisions, sent through the client: each is refused with a
clear error or accepted; no workflow task ever fails; no audit row is lost."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from schemas.enums import Actor, DocumentKind, Outcome, Role, Stage
from schemas.messages import Decision
from tests.drafts import start_request
from workers.worker import create_worker
from workflows import client as drafts

junk = st.one_of(st.none(), st.integers(), st.text(max_size=8), st.lists(st.integers(), max_size=2))


def some(values):
    return st.one_of(st.sampled_from([v.value for v in values]), junk)


documents = st.lists(
    st.fixed_dictionaries(
        {"kind": some(DocumentKind), "name": st.text(min_size=0, max_size=20)},
        optional={"sha256": st.one_of(st.just("ab" * 32), st.text(max_size=64)), "size_bytes": st.integers(-5, 10**6)},
    ),
    max_size=4,
)
votes = st.fixed_dictionaries(
    {"total_deputies": st.integers(-1, 600), "in_favour": st.integers(-1, 600), "against": st.integers(0, 600), "abstaining": st.integers(0, 50)}
)
decisions = st.one_of(
    junk,
    st.fixed_dictionaries(
        {"stage": some(Stage), "outcome": some(Outcome), "actor": some(Actor), "role": some(Role),
         "agency_code": st.sampled_from(["BGDDT", "BTP", "CP", "UBTVQH", "QH", "VPCP", "ctn", ""]), "official": st.text(max_size=12)},
        optional={"reasons": st.text(max_size=30), "documents": documents, "vote": votes, "return_to": some(Stage)},
    ),
)
start_mutations = st.dictionaries(
    st.sampled_from(["title", "law_kind", "amended_law", "lead_ministry", "process_version", "session_procedure", "classified", "target_session", "extra"]),
    junk,
    max_size=3,
)

FIELDS = set(Decision.model_fields)


@pytest.fixture(scope="module")
async def fuzz_queue(dev_env, pool):
    task_queue = f"fuzz-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        yield task_queue


async def assert_no_task_failed(handle) -> None:
    failed = [e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    assert not failed, failed[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutation=start_mutations, sent=st.lists(decisions, min_size=1, max_size=6))
async def test_random_input_is_refused_clearly_or_accepted(dev_env, pool, fuzz_queue, mutation, sent):
    client = dev_env.client
    raw = start_request(prefix="FUZZ").model_dump(mode="json")
    raw.update(mutation)
    workflow_id = f"draft-law-{raw['submission_id']}"
    handle = await client.start_workflow("DraftLawWorkflow", raw, id=workflow_id, task_queue=fuzz_queue)

    accepted = 0
    for decision in sent:
        try:
            await handle.execute_update("decide", decision)
            accepted += 1
        except WorkflowUpdateFailedError as refused:
            cause = refused.cause
            assert isinstance(cause, ApplicationError)
            if cause.type == "Refused":
                assert cause.details[0]["field"] in FIELDS | {"input"} and cause.message.startswith(cause.details[0]["field"] + ": ")
            else:
                assert cause.type == "ValidationError" and "for Decision" in cause.message, cause
        except Exception as closed:
            # The start itself was refused: the workflow failed at once and takes no updates.
            with pytest.raises(WorkflowFailureError) as failed:
                await handle.result()
            assert "validation error" in str(failed.value.cause).lower(), closed
            break

    await assert_no_task_failed(handle)
    if (await handle.describe()).status.name != "FAILED":
        history = await drafts.history(client, raw["submission_id"])
        assert len(history.entries) == 1 + accepted + sum(e.event.value == "DEADLINE_PASSED" for e in history.entries)
        for _ in range(200):
            rows = await pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", raw["submission_id"])
            if rows == len(history.entries):
                break
            await asyncio.sleep(0.05)
        assert rows == len(history.entries)
