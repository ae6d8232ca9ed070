"""Against a real Temporal dev server and a real PostgreSQL: the audit trail, the registry, visibility."""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter
from typing import Any

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from schemas.enums import CallerRole, Outcome, Stage
from schemas.refusal import RefusalKind, Refused
from tests.drafts import decision, start_request
from tests.http_api import bearer, body, problem
from tests.polling import eventually
from workers.worker import create_worker
from workflows import client as drafts
from workflows import search_attributes as sa
from workflows.deadlines import passes_at

S = Stage


class CrashAfterCommit(Interceptor):
    """Fails each audit write once *after* it committed, as a worker dying before it reports would."""

    def __init__(self) -> None:
        self.crashes: Counter[int] = Counter()

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        outer = self

        class Inbound(ActivityInboundInterceptor):
            async def execute_activity(self, input: ExecuteActivityInput) -> Any:
                result = await super().execute_activity(input)
                info = activity.info()
                if info.activity_type == "record_events" and info.attempt == 1:
                    outer.crashes[input.args[0].entries[0].seq] += 1
                    raise RuntimeError("worker lost after the commit")
                return result

        return Inbound(next)


async def test_audit_trail_and_registry_follow_the_draft(dev_env, worker_queue, pool):
    client = dev_env.client
    request = start_request(prefix="IT")
    await drafts.start_submission(client, request, task_queue=worker_queue)
    for stage in (S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING):
        view = await drafts.decide(client, request.submission_id, decision(request, stage))
    assert view.to_stage is S.APPRAISAL and view.stage_deadline is not None

    rows = await _wait_rows(pool, request.submission_id, 4)
    assert [(r["event"], r["stage"], r["to_stage"]) for r in rows] == [
        ("SUBMITTED", "POLICY_PROPOSAL", "POLICY_PROPOSAL"),
        ("DECISION", "POLICY_PROPOSAL", "LEGISLATIVE_PROGRAMME"),
        ("DECISION", "LEGISLATIVE_PROGRAMME", "DRAFTING"),
        ("DECISION", "DRAFTING", "APPRAISAL"),
    ]
    drafting = rows[3]
    assert (drafting["actor"], drafting["agency_code"], drafting["role"]) == ("LEAD_MINISTRY", request.lead_ministry, "MINISTER")
    assert {d["kind"] for d in _json(drafting["documents"])} >= {"DRAFT_TEXT", "COVER_SUBMISSION"}
    registry = await pool.fetchrow("SELECT * FROM submissions WHERE submission_id = $1", request.submission_id)
    assert (registry["stage"], registry["stage_deadline"], registry["last_seq"]) == ("APPRAISAL", view.stage_deadline, 4)

    wanted = drafts.workflow_id_for(request.submission_id)
    by_stage_and_ministry = drafts.list_query(stage=S.APPRAISAL, ministry=request.lead_ministry)
    await eventually(lambda: _listed(client, by_stage_and_ministry), lambda ids: wanted in ids)
    assert wanted not in await _listed(client, drafts.list_query(stage=S.DRAFTING, ministry=request.lead_ministry))
    described = await drafts.draft(client, request.submission_id).describe()
    attrs = described.typed_search_attributes
    assert attrs.get(sa.STAGE) == "APPRAISAL" and attrs.get(sa.TARGET_SESSION) == "16-2"
    assert attrs.get(sa.STAGE_DEADLINE) == passes_at(view.stage_deadline)
    assert (await described.memo_value("title")) == request.title


async def test_a_retried_audit_write_leaves_exactly_one_row(dev_env, pool):
    crash = CrashAfterCommit()
    task_queue = f"retry-{uuid.uuid4().hex[:8]}"
    client = dev_env.client
    request = start_request(prefix="RETRY")
    async with create_worker(client, pool, task_queue=task_queue, interceptors=[crash]):
        await drafts.start_submission(client, request, task_queue=task_queue)
        await drafts.decide(client, request.submission_id, decision(request, S.POLICY_PROPOSAL, Outcome.REJECT))
        final = await drafts.draft(client, request.submission_id).result()
    assert final.stage is S.REJECTED
    assert crash.crashes == {1: 1, 2: 1}, "each write must have been retried once after committing"
    rows = await pool.fetch("SELECT seq, count(*) AS n FROM audit_events WHERE submission_id = $1 GROUP BY seq ORDER BY seq", request.submission_id)
    assert [(r["seq"], r["n"]) for r in rows] == [(1, 1), (2, 1)]


async def test_classified_draft_keeps_its_title_out_of_registry_memo_and_search(dev_env, worker_queue, pool, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    client = dev_env.client
    request = start_request(prefix="SECRET", classified=True).model_copy(update={"title": "Luật về bảo vệ bí mật quốc phòng X"})
    await drafts.start_submission(client, request, task_queue=worker_queue)
    await drafts.decide(client, request.submission_id, decision(request, S.POLICY_PROPOSAL))
    await _wait_rows(pool, request.submission_id, 2)
    registry = await pool.fetchrow("SELECT * FROM submissions WHERE submission_id = $1", request.submission_id)
    assert registry["title"] is None and registry["classified"]
    described = await drafts.draft(client, request.submission_id).describe()
    assert "title" not in described.raw_description.workflow_execution_info.memo.fields
    assert described.typed_search_attributes.get(sa.LEAD_MINISTRY) is None
    assert described.typed_search_attributes.get(sa.STAGE) == "LEGISLATIVE_PROGRAMME"
    logged = caplog.text + capsys.readouterr().out
    assert request.submission_id in logged and request.title not in logged


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


async def _wait_rows(pool, submission_id: str, n: int):
    return await eventually(
        lambda: pool.fetch("SELECT * FROM audit_events WHERE submission_id = $1 ORDER BY seq", submission_id),
        lambda rows: len(rows) >= n,
    )



async def test_malformed_start_fails_the_workflow_with_the_field_named(dev_env, worker_queue):
    client = dev_env.client
    raw = start_request(prefix="BAD").model_dump(mode="json")
    raw["target_session"]["opens_on"] = "not a date"
    handle = await client.start_workflow("DraftLawWorkflow", raw, id=f"draft-law-{raw['submission_id']}", task_queue=worker_queue)
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    assert "target_session.opens_on" in str(failed.value.cause)
    assert not [e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]


async def test_a_draft_whose_start_was_not_a_draft_s_is_answered_as_ended(dev_env, worker_queue, api, pool, cli, tmp_path):
    """Found by a fresh-user trial: after a raw `temporal workflow start` whose input the payload converter refused, the
    same submission's start answered 500 over HTTP and a traceback from the CLI (reading that input back failed), and
    its status `query_failed` ("Encoded failure"). Each now says the draft has ended, with its field and rule."""
    request = start_request(prefix="RAW")
    raw = request.model_dump(mode="json") | {"title": "x"}
    handle = await dev_env.client.start_workflow("DraftLawWorkflow", raw, id=drafts.workflow_id_for(request.submission_id), task_queue=worker_queue)
    with pytest.raises(WorkflowFailureError):
        await handle.result()
    sid, ended = request.submission_id, "the draft has ended (FAILED: title:"

    with pytest.raises(Refused) as refused:
        await drafts.start_submission(dev_env.client, request, task_queue=worker_queue)
    assert (refused.value.rule, refused.value.kind) == ("draft_closed", RefusalKind.CLOSED) and ended in str(refused.value)
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    assert ended in problem(await api.post("/v1/submissions", json=body(request), headers=lead), 409, "draft_closed")["detail"]
    for read in (f"/v1/submissions/{sid}", f"/v1/submissions/{sid}/history", f"/v1/submissions/{sid}/versions"):
        assert ended in problem(await api.get(read, headers=lead), 409, "draft_closed")["detail"]
    started = tmp_path / "start.json"
    started.write_text(request.model_dump_json())
    # Its history and versions too (a fresh-user trial: the audit trail holds none of it, and they said "no draft", exit 4).
    for command in (("start", str(started)), ("status", sid), ("history", sid), ("versions", sid)):
        code, _, err = await cli(*command)
        assert code == 3 and ended in err and "(rule: draft_closed)" in err and "Traceback" not in err, (command, err)
    # Listed as a workflow of unknown details, not as a classified draft's (it carries no draft's attributes at all).
    # The latest workflows first: among a thousand of the test server's, whose ten thousand took too long under a loaded CI.
    code, out, err = await cli("list", "--limit", "1000", "--output", "json")
    assert code == 0, (out, err)
    [row] = [row for row in json.loads(out) if row["workflow_id"] == drafts.workflow_id_for(sid)]
    assert (row["status"], row["stage"], row["title"], row["lead_ministry"], row["target_session"]) == (
        "FAILED", "", "(unknown)", "(unknown)", "(unknown)"), row


async def test_a_draft_started_with_no_input_is_answered_as_not_a_draft(dev_env, worker_queue, api, pool, cli, tmp_path):
    """A raw start with no input (or several) cannot even make the workflow: its every task fails and it stays running.
    Its start again answered 500 over HTTP and a traceback from the CLI (a breaker); it is refused, naming what to do."""
    request = start_request(prefix="NONE")
    handle = await dev_env.client.start_workflow("DraftLawWorkflow", args=[], id=drafts.workflow_id_for(request.submission_id),
                                                 task_queue=worker_queue)
    try:
        with pytest.raises(Refused) as refused:
            await drafts.start_submission(dev_env.client, request, task_queue=worker_queue)
        assert (refused.value.rule, refused.value.kind) == ("not_a_draft", RefusalKind.CONFLICT)
        lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
        assert "terminate" in problem(await api.post("/v1/submissions", json=body(request), headers=lead), 409, "not_a_draft")["detail"]
        started = tmp_path / "start.json"
        started.write_text(request.model_dump_json())
        code, _, err = await cli("start", str(started))
        assert code == 3 and "(rule: not_a_draft)" in err and "Traceback" not in err, err
    finally:
        await handle.terminate("a test's raw start")


@pytest.mark.parametrize("classified", [False, True])
async def test_start_under_a_foreign_workflow_id_is_refused_readably_and_logged(dev_env, worker_queue, caplog, classified):
    """Its failure is a refusal as readable as a refused message's (a sealed one, of a draft that never ran, the codec
    server withholds from every token), and the worker's log names the field and the rule. A classified draft's, which
    enters the history in clear, names its field and rule only."""
    caplog.set_level(logging.WARNING)
    request = start_request(prefix="ID", classified=classified)
    handle = await dev_env.client.start_workflow("DraftLawWorkflow", request, id=f"my-own-id-{request.submission_id}", task_queue=worker_queue)
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    said = ("workflow_id: refused by rule one_workflow_per_submission (details withheld: classified draft) (rule: one_workflow_per_submission)"
            if classified else
            f"workflow_id: must be draft-law-{request.submission_id} for submission_id {request.submission_id} (rule: one_workflow_per_submission)")
    assert failed.value.cause.message == said and failed.value.cause.type == "Refused"
    [ended] = [e async for e in handle.fetch_history_events() if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED]
    raw = ended.workflow_execution_failed_event_attributes.failure
    assert raw.message == said and not raw.HasField("encoded_attributes")
    [logged] = [r for r in caplog.records if r.getMessage().startswith("start refused") and f"my-own-id-{request.submission_id}" in r.getMessage()]
    assert (logged.levelname, logged.field, logged.rule) == ("WARNING", "workflow_id", "one_workflow_per_submission")


async def test_a_draft_is_findable_in_the_web_ui_from_its_start(dev_env, pool):
    client = dev_env.client
    open_draft, classified = start_request(prefix="EARLY"), start_request(prefix="EARLY", classified=True)
    # Nobody polls this queue yet: what the Web UI shows now comes from the start alone.
    task_queue = f"early-{uuid.uuid4().hex[:8]}"
    for request in (open_draft, classified):
        await drafts.start_submission(client, request, task_queue=task_queue)

    described = await drafts.draft(client, open_draft.submission_id).describe()
    attrs = described.typed_search_attributes
    assert (attrs.get(sa.STAGE), attrs.get(sa.PROCESS_VERSION), attrs.get(sa.LEAD_MINISTRY), attrs.get(sa.TARGET_SESSION)) == (
        "POLICY_PROPOSAL", "LAW_2025", open_draft.lead_ministry, "16-2")
    assert attrs.get(sa.STAGE_DEADLINE) is None
    assert await described.memo_value("title") == open_draft.title
    hidden = await drafts.draft(client, classified.submission_id).describe()
    assert hidden.typed_search_attributes.get(sa.STAGE) == "POLICY_PROPOSAL"
    assert hidden.typed_search_attributes.get(sa.LEAD_MINISTRY) is None and hidden.typed_search_attributes.get(sa.TARGET_SESSION) is None
    assert "title" not in hidden.raw_description.workflow_execution_info.memo.fields
    wanted = drafts.workflow_id_for(open_draft.submission_id)
    query = drafts.list_query(stage=S.POLICY_PROPOSAL, ministry=open_draft.lead_ministry)
    await eventually(lambda: _listed(client, query), lambda ids: wanted in ids)

    async with create_worker(client, pool, task_queue=task_queue):
        await drafts.decide(client, open_draft.submission_id, decision(open_draft, S.POLICY_PROPOSAL, Outcome.WITHDRAW))
        await drafts.draft(client, open_draft.submission_id).result()
    described = await drafts.draft(client, open_draft.submission_id).describe()
    assert await described.memo_value("title") == open_draft.title
    assert (await described.memo_value("rulebook")).startswith("LAW_2025 ")
    events = [e async for e in drafts.draft(client, open_draft.submission_id).fetch_history_events()]
    # The worker adds the pinned rulebook to the memo, and writes the title no second time.
    assert sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED for e in events) == 1
    await drafts.draft(client, classified.submission_id).terminate("test over")


async def test_a_draft_started_without_a_memo_gets_its_title_from_the_worker(dev_env, worker_queue):
    request = start_request(prefix="BARE")
    # As `temporal workflow start` would: no memo, no search attributes.
    handle = await dev_env.client.start_workflow(
        "DraftLawWorkflow", request, id=drafts.workflow_id_for(request.submission_id), task_queue=worker_queue)
    await drafts.decide(dev_env.client, request.submission_id, decision(request, S.POLICY_PROPOSAL, Outcome.WITHDRAW))
    await handle.result()
    described = await handle.describe()
    assert await described.memo_value("title") == request.title
    assert described.typed_search_attributes.get(sa.LEAD_MINISTRY) == request.lead_ministry


async def _listed(client, query: str) -> list[str]:
    return [wf.id async for wf in client.list_workflows(query)]
