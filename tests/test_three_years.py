"""One draft through three simulated years (issue 12, point 8): five sessions, two of them moved, twenty consultation
rounds each with an opinion of about 1 MB, more than two thousand events, several runs continued as new. The draft
answers throughout, no workflow task fails, no payload comes near Temporal's limit, and the audit trail is complete."""

from __future__ import annotations

import asyncio
import gc
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from schemas.calendar import SessionCalendar, TargetSession
from schemas.consultation import OpinionBody
from schemas.enums import Actor, DocumentKind, Outcome, ProcessVersion, Response, Role, SessionProcedure, Stage
from schemas.messages import DossierFiling
from store import audit, texts
from tests.conftest import TIME_SKIPPING_FLAGS
from tests.drafts import PASSING_VOTE, compilation, consultation, decision, document, opinion, start_request
from tests.polling import eventually
from tests.scenarios import approve, until_sitting
from workers import heap
from workers.dev_stack import temporal_binary
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client
from workflows import search_attributes as sa
from workflows.deadlines import local_day

S = Stage
ROUNDS = 20
CONSULTEES = tuple(f"B{i:02d}" for i in range(30))

UNHANDLED_COMMAND = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND


async def run_ids(client, workflow_id: str) -> list[str]:
    return [wf.run_id async for wf in client.list_workflows(f"WorkflowId = '{workflow_id}'")]


@pytest.fixture(scope="module")
async def thousand_events_env():
    """Continue-as-new suggested every thousand history events: a few runs in this draft's life, not hundreds.

    The test's process settles its heap as `legis worker` does (workers/heap.py): a full collection in a test process
    that has run other modules before walks all their objects (0.5 s for 3 million here, alone), and on a loaded CI
    machine one in a new run's first activation passed the SDK's 2-second deadlock limit."""
    threshold = gc.get_threshold()
    heap.settle()
    env = await WorkflowEnvironment.start_time_skipping_v2(
        dev_server_existing_path=temporal_binary(),
        dev_server_extra_args=[*TIME_SKIPPING_FLAGS, "--dynamic-config-value", "limit.historyCount.suggestContinueAsNew=1000"],
        search_attributes=sa.ALL, data_converter=pydantic_data_converter,
    )
    yield env
    await env.shutdown()
    gc.unfreeze()
    gc.set_threshold(*threshold)


async def test_a_draft_lives_three_years(thousand_events_env, pool):
    env, client = thousand_events_env, thousand_events_env.client
    task_queue = f"years-{uuid.uuid4().hex[:8]}"
    start = local_day(datetime.now(UTC))
    sessions = [TargetSession(legislature=16, session=n, opens_on=start + timedelta(days=days))
                for n, days in zip(range(2, 7), (200, 700, 1250, 1400, 1600), strict=True)]
    request = start_request(ProcessVersion.LAW_2025, SessionProcedure.TWO_SESSIONS, target=sessions[0])
    sid = request.submission_id
    handle = drafts.draft(client, sid)
    big_texts = 0

    async def tell(changed):
        await drafts.tell_calendar(client, sid, SessionCalendar(sessions=tuple(changed), changed_by="VPQH"))

    async def consult(round_no: int) -> None:
        nonlocal big_texts
        round_id = f"r{round_no}"
        with env.with_time_skipping_disabled():
            await drafts.open_consultation(client, sid, consultation(request, round_id, CONSULTEES))
            big = OpinionBody(consultee=CONSULTEES[0], official="Thứ trưởng", comments=[
                {"comment_id": f"c{i}", "article": i + 1, "text": f"Điều {i + 1}. " + "góp ý chi tiết về dự thảo " * 3800} for i in range(10)])
            refs = await texts.put(pool, big.texts())
            big_texts += sum(r.size_bytes for r in refs)
            await round_client.submit_opinion(client, sid, round_id, big.by_reference(refs))
            for consultee in CONSULTEES[1:-5]:
                await round_client.submit_opinion(client, sid, round_id, opinion(consultee, "c1"))
        # The last five stay silent until the window closes. On this server the round keeps a clock of its own.
        round_handle = await round_client.round_workflow(client, sid, round_id)
        closes_at = (await round_client.consultation(client, sid, round_id)).closes_at
        await env.fast_forward(round_handle, closes_at - await env.get_current_time(round_handle) + timedelta(hours=1))
        answers = [(CONSULTEES[0], f"c{i}", Response.ACCEPTED) for i in range(10)] + [(c, "c1", Response.EXPLAINED) for c in CONSULTEES[1:-5]]
        await eventually(lambda: round_client.consultation(client, sid, round_id), lambda view: view.closed)
        await round_client.compile_round(client, sid, round_id, compilation(request, *answers))
        await eventually(lambda: drafts.status(client, sid), lambda view: not view.open_consultations)

    async def file_versions(n: int, stage: Stage, label: str) -> None:
        """Versions of the text filed by the ministry's system, eight at a time (the server takes ten updates in flight)."""
        def filing(i: int) -> DossierFiling:
            return DossierFiling(stage=stage, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                                 official="Vụ trưởng", documents=(document(DocumentKind.DRAFT_TEXT, f"{label}-{i}"),))

        with env.with_time_skipping_disabled():
            for first in range(0, n, 8):
                await asyncio.gather(*(drafts.file_dossier(client, sid, filing(i)) for i in range(first, min(n, first + 8))))

    async with create_worker(client, pool, task_queue=task_queue):
        with env.with_time_skipping_disabled():
            await drafts.start_submission(client, request, task_queue=task_queue)
            await tell(sessions)
        for round_no in range(1, 4):
            await consult(round_no)
        await approve(client, request, [S.POLICY_PROPOSAL])
        # A year awaiting the Standing Committee's programme.
        await env.fast_forward(handle, timedelta(days=365))
        await approve(client, request, [S.LEGISLATIVE_PROGRAMME])
        # Drafting, with many consultation rounds and versions of the text.
        for round_no in range(4, 14):
            await consult(round_no)
            await file_versions(75, S.DRAFTING, f"y1r{round_no}")
            await env.fast_forward(handle, timedelta(days=40))
        await approve(client, request, [S.DRAFTING])
        await drafts.decide(client, sid, decision(request, S.APPRAISAL, Outcome.RETURN_FOR_REVISION))
        for round_no in range(14, ROUNDS + 1):
            await consult(round_no)
            await file_versions(75, S.DRAFTING, f"y2r{round_no}")
            await env.fast_forward(handle, timedelta(days=40))
        # The first session is moved later; the draft reaches the Government past its cut-off and slips.
        sessions[1] = sessions[1].model_copy(update={"opens_on": sessions[1].opens_on + timedelta(days=20)})
        with env.with_time_skipping_disabled():
            await tell(sessions)
        await approve(client, request, [S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW])
        view = await eventually(lambda: drafts.status(client, sid), lambda v: v.target_session.opens_on > start + timedelta(days=200))
        assert view.stage is S.GOVERNMENT_DECISION and not view.overdue
        await approve(client, request, [S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_FIRST_SESSION])
        # Between the sessions: the next one is moved too; the delegations comment; the revision; the vote.
        debated = (await drafts.status(client, sid)).target_session
        later = [s for s in sessions if s.opens_on > debated.opens_on]
        sessions[sessions.index(later[0])] = later[0].model_copy(update={"opens_on": later[0].opens_on + timedelta(days=15)})
        with env.with_time_skipping_disabled():
            await tell(sessions)
        await env.fast_forward(handle, timedelta(days=120))
        await file_versions(200, S.INTER_SESSION_REVISION, "between")
        await approve(client, request, [S.INTER_SESSION_REVISION])
        await until_sitting(client, sid)
        await drafts.decide(client, sid, decision(request, S.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE))
        await approve(client, request, [S.PROMULGATION, S.PUBLICATION])
        final = await handle.result()

    assert final.stage is S.PROMULGATED
    history = await eventually(lambda: audit_all(pool, sid), lambda entries: len(entries) == final.events_recorded)
    assert local_day(history[-1].at) - start > timedelta(days=3 * 365), "three years on the draft's own clock"
    assert [e.seq for e in history] == list(range(1, final.events_recorded + 1))
    assert final.events_recorded >= 2000 and big_texts >= 19 * 1_000_000
    runs = await run_ids(client, handle.id)
    assert len(runs) >= 4, f"{len(runs)} runs"
    largest = 0
    for run_id in runs:
        async for event in client.get_workflow_handle(handle.id, run_id=run_id).fetch_history_events():
            # No task the worker failed; the server's own UNHANDLED_COMMAND (a timer fired while the run was closing, so the
            # server hands the task back with it) is how Temporal orders them, not a failure of the draft's code.
            failed = event.workflow_task_failed_event_attributes
            assert event.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED or failed.cause == UNHANDLED_COMMAND, failed.failure.message
            largest = max(largest, event.ByteSize())
    assert largest < 1024 * 1024, f"an event of {largest} bytes"


async def audit_all(pool, submission_id: str) -> list:
    entries: list = []
    while page := (await audit.history(pool, submission_id, after=entries[-1].seq if entries else 0)).entries:
        entries.extend(page)
    return entries
