"""Long histories: with the server's suggestion threshold lowered, a draft continues as new, several
times, carrying its whole state, its pending deadlines and its audit numbering."""

from __future__ import annotations

import uuid
from datetime import timedelta

from temporalio.api.enums.v1 import EventType

from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import EventKind, Outcome, Response, Stage
from schemas.messages import Ruling
from store import audit
from tests.drafts import FAILING_VOTE, compilation, consultation, decision, opinion, postponement, postponement_decision, start_request
from tests.polling import eventually
from tests.scenarios import approve, past_window, split_and_pass_in_part, until_sitting
from tests.test_arbitration import DEPUTY_PM, PM, POINT
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client
from workflows import search_attributes as sa
from workflows.draft_law import DraftLawWorkflow

S = Stage


async def test_a_draft_through_every_loop_continues_as_new_and_loses_nothing(short_history_env, pool):
    env = short_history_env
    client = env.client
    request = start_request()
    task_queue = f"can-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, pool, task_queue=task_queue):
        with env.with_time_skipping_disabled():
            await drafts.start_submission(client, request, task_queue=task_queue)
        handle = client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
        await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        # A consultation round: one consultee answers, one stays silent until the window closes.
        sid = request.submission_id
        await drafts.open_consultation(client, sid, consultation(request, "r1", ("BTC", "BNV")))
        await round_client.submit_opinion(client, sid, "r1", opinion("BTC", "c1"))
        await past_window(env, request, "r1")  # 16 days fell short of a window opened on a Friday (CI, once)
        await eventually(lambda: round_client.consultation(client, sid, "r1"), lambda view: view.closed)
        await round_client.compile_round(client, sid, "r1", compilation(request, ("BTC", "c1", Response.EXPLAINED)))
        await eventually(lambda: drafts.status(client, sid), lambda view: not view.open_consultations)
        await approve(client, request, [S.DRAFTING])
        # Returned by appraisal, redrafted; the appraisal deadline postponed, then overrun.
        await drafts.decide(client, request.submission_id, decision(request, S.APPRAISAL, Outcome.RETURN_FOR_REVISION))
        await approve(client, request, [S.DRAFTING])
        deadline = (await drafts.status(client, request.submission_id)).stage_deadline
        await drafts.request_postponement(client, request.submission_id, postponement(request, deadline + timedelta(days=10)))
        await drafts.decide_postponement(client, request.submission_id, postponement_decision(True))
        await env.fast_forward(handle, timedelta(days=60))
        status = await drafts.status(client, request.submission_id)
        assert status.overdue and status.stage_deadline == deadline + timedelta(days=10)
        await approve(client, request, [S.APPRAISAL])
        # Ministries still disagree: the Deputy Prime Minister escalates, the Prime Minister rules.
        await drafts.raise_disagreement(client, sid, POINT)
        await drafts.rule_on_disagreement(client, sid, Ruling(point_id="P1", escalate=True, **DEPUTY_PM))
        await drafts.rule_on_disagreement(client, sid, Ruling(point_id="P1", ruling="Giao Bộ GD&ĐT chủ trì", **PM))
        await approve(client, request, [S.GOVERNMENT_REVIEW])
        # The session is brought forward past the cut-off: the draft slips to the next one.
        soon = request.target_session.model_copy(update={"opens_on": status.stage_since.date()})
        later = TargetSession(legislature=16, session=3, opens_on=request.target_session.opens_on + timedelta(days=200))
        await drafts.send(client, request.submission_id, "calendar_changed", SessionCalendar(sessions=(soon, later), changed_by="op"))
        # Sent back by the Government, then through the Assembly with a failed vote first.
        await drafts.decide(client, request.submission_id, decision(request, S.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION,
                                                                    return_to=S.GOVERNMENT_REVIEW))
        await approve(client, request, [S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION])
        await until_sitting(client, request.submission_id)
        await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE))
        await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.RETURN_FOR_REVISION))
        await approve(client, request, [S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION,
                                        S.STANDING_COMMITTEE_OPINION])
        # Debated at this session, the draft is split over two: revised, then voted (in part) at the next one.
        next_session = TargetSession(legislature=16, session=4, opens_on=later.opens_on + timedelta(days=180))
        await split_and_pass_in_part(client, request, next_session)
        final = await handle.result()
        # The workflow keeps its latest events; the audit trail keeps them all.
        history = await eventually(lambda: audit.history(pool, request.submission_id),
                                   lambda h: bool(h.entries) and h.entries[-1].to_stage is S.PROMULGATED)
        recent = (await drafts.history(client, request.submission_id)).entries
        summary = [(e.seq, e.event, e.stage, e.to_stage, e.reasons[:500]) for e in history.entries[-len(recent):]]
        assert len(recent) < len(history.entries) and [(e.seq, e.event, e.stage, e.to_stage, e.reasons) for e in recent] == summary

    assert final.stage is S.PROMULGATED and final.revision_loops == 3 and final.target_session.code == "16-4"
    assert [e.seq for e in history.entries] == list(range(1, len(history.entries) + 1))
    kinds = {e.event for e in history.entries}
    assert {EventKind.POSTPONEMENT_DECIDED, EventKind.DEADLINE_PASSED, EventKind.ESCALATION, EventKind.SESSION_SLIPPED,
            EventKind.CONSULTEE_SILENT, EventKind.CONSULTATION_COMPILED, EventKind.DISAGREEMENT_RULED, EventKind.PROGRAMME_CHANGED} <= kinds
    runs = 0
    async for _ in client.list_workflows(f"WorkflowId = '{handle.id}'"):
        runs += 1
    assert runs >= 3, f"expected several runs, saw {runs}"
    assert final.events_recorded == len(history.entries)
    described = await handle.describe()
    assert await described.memo_value("title") == request.title
    assert described.typed_search_attributes.get(sa.STAGE) == "PROMULGATED"
    first_run = client.get_workflow_handle(handle.id, run_id=await _first_run_id(client, handle.id))
    first_events = [e.event_type async for e in first_run.fetch_history_events()]
    assert first_events[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW


async def _first_run_id(client, workflow_id: str) -> str:
    runs = [wf async for wf in client.list_workflows(f"WorkflowId = '{workflow_id}'")]
    return min(runs, key=lambda wf: wf.start_time).run_id
