"""DraftLawWorkflow along whole paths, in the time-skipping environment, with the audit in a real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from schemas.enums import DEBATING_SESSIONS, SITTING_STAGES, Actor, DocumentKind, EventKind, Outcome, ProcessVersion, Role, SessionProcedure, Stage
from schemas.messages import AgencyRemap, Decision, DossierFiling, StartRequest
from schemas.refusal import Refused
from schemas.rulebook import load_rulebook
from schemas.views import StatusView
from store import audit
from tests.drafts import FAILING_VOTE, PASSING_VOTE, decision, document, refusal_of, start_request
from tests.polling import eventually
from tests.scenarios import announce_following, until_sitting
from workflows import client as drafts
from workflows.deadlines import passes_at
from workflows.draft_law import DraftLawWorkflow

S = Stage


async def open_draft(client: Client, task_queue: str, request: StartRequest):
    await drafts.start_submission(client, request, task_queue=task_queue)
    return drafts.draft(client, request.submission_id)


async def approve_through(client: Client, request: StartRequest, stages: list[Stage]) -> StatusView:
    aimed = None
    for stage in stages:
        if stage in SITTING_STAGES:
            await until_sitting(client, request.submission_id)
        outcome = Outcome.VOTE if stage is S.NA_SESSION else Outcome.APPROVE
        receipt = await drafts.decide(client, request.submission_id, decision(request, stage, outcome, vote=PASSING_VOTE if outcome is Outcome.VOTE else None))
        # A debate aiming the draft at the next session announced records it (thirtieth generation).
        moved = stage in DEBATING_SESSIONS and aimed is not None and receipt.target_session != aimed
        assert (receipt.stage, receipt.events) == (stage, 1 + moved) and receipt.to_stage is not stage, f"{stage} did not move"
        aimed = receipt.target_session
    return await drafts.status(client, request.submission_id)


async def audit_rows(pool: asyncpg.Pool, submission_id: str) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM audit_events WHERE submission_id = $1 ORDER BY seq", submission_id)


def stages_entered(history) -> list[Stage]:
    return [e.to_stage for e in history.entries if e.to_stage is not None]


PATH_2025 = [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION,
             S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION]


async def test_law_2025_full_path_to_promulgation(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request(ProcessVersion.LAW_2025)
    handle = await open_draft(client, ts_worker, request)

    await approve_through(client, request, PATH_2025[:4])
    # The lead ministry files its report on the appraisal; the Government Office adds only its own.
    filing = DossierFiling(stage=S.GOVERNMENT_REVIEW, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry,
                           role=Role.MINISTER, official="Bộ trưởng", documents=(document(DocumentKind.APPRAISAL_ACCEPTANCE_REPORT),))
    await drafts.file_dossier(client, request.submission_id, filing)
    assert (await drafts.status(client, request.submission_id)).pending.missing_documents == (DocumentKind.REVIEW_REPORT,)
    review = decision(request, S.GOVERNMENT_REVIEW).model_copy(update={"documents": (document(DocumentKind.REVIEW_REPORT),)})
    await drafts.decide(client, request.submission_id, review)
    await approve_through(client, request, PATH_2025[5:])

    final = await handle.result()
    assert final.stage is S.PROMULGATED and final.pending is None
    history = await drafts.history(client, request.submission_id)
    assert stages_entered(history) == [S.POLICY_PROPOSAL, *PATH_2025[1:], S.PROMULGATED]
    vote = next(e for e in history.entries if e.outcome is Outcome.VOTE)
    assert vote.vote == PASSING_VOTE and vote.actor is Actor.NA

    rows = await audit_rows(pool, request.submission_id)
    assert [r["seq"] for r in rows] == [e.seq for e in history.entries]
    assert [(r["event"], r["stage"], r["outcome"]) for r in rows] == [
        (e.event.value, e.stage.value, e.outcome.value if e.outcome else None) for e in history.entries
    ]
    registry = await pool.fetchrow("SELECT * FROM submissions WHERE submission_id = $1", request.submission_id)
    assert registry["stage"] == "PROMULGATED" and registry["title"] == request.title and registry["last_seq"] == rows[-1]["seq"]


async def test_law_2015_two_sessions_full_path(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request(ProcessVersion.LAW_2015, SessionProcedure.TWO_SESSIONS)
    handle = await open_draft(client, ts_worker, request)
    path = [S.LAW_MAKING_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION,
            S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_FIRST_SESSION, S.INTER_SESSION_REVISION, S.NA_SESSION, S.PROMULGATION, S.PUBLICATION]
    assert (await drafts.status(client, request.submission_id)).stage is S.LAW_MAKING_PROPOSAL
    await announce_following(client, request, 1)
    await approve_through(client, request, path)
    final = await handle.result()
    assert final.stage is S.PROMULGATED and final.rulebook_version == load_rulebook(ProcessVersion.LAW_2015).version
    assert stages_entered(await drafts.history(client, request.submission_id)) == [*path, S.PROMULGATED]


async def test_return_for_revision_loops_back_and_counts(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:3])
    await drafts.decide(client, request.submission_id, decision(request, S.APPRAISAL, Outcome.RETURN_FOR_REVISION))
    view = await drafts.status(client, request.submission_id)
    assert view.stage is S.DRAFTING and view.revision_loops == 1
    await approve_through(client, request, [S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW])
    await drafts.decide(client, request.submission_id,
                        decision(request, S.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=S.GOVERNMENT_REVIEW))
    view = await drafts.status(client, request.submission_id)
    assert view.stage is S.GOVERNMENT_REVIEW and view.revision_loops == 2
    await approve_through(client, request, [S.GOVERNMENT_REVIEW, *PATH_2025[5:]])
    final = await handle.result()
    assert final.stage is S.PROMULGATED and final.revision_loops == 2
    returns = [e for e in (await drafts.history(client, request.submission_id)).entries if e.outcome is Outcome.RETURN_FOR_REVISION]
    assert [(e.stage, e.to_stage, e.loop) for e in returns] == [(S.APPRAISAL, S.DRAFTING, 1), (S.GOVERNMENT_DECISION, S.GOVERNMENT_REVIEW, 1)]
    assert len(await audit_rows(pool, request.submission_id)) == len((await drafts.history(client, request.submission_id)).entries)


async def test_withdrawal_by_the_submitter(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:6])
    withdraw = decision(request, S.EXAMINATION, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    assert (await drafts.decide(client, request.submission_id, withdraw)).to_stage is S.WITHDRAWN
    assert (await handle.result()).stage is S.WITHDRAWN
    rows = await audit_rows(pool, request.submission_id)
    assert (rows[-1]["outcome"], rows[-1]["to_stage"], rows[-1]["actor"]) == ("WITHDRAW", "WITHDRAWN", "LEAD_MINISTRY")


async def test_failed_vote_keeps_the_draft_until_the_assembly_decides(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:8])
    await until_sitting(client, request.submission_id)
    await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE))
    view = await drafts.status(client, request.submission_id)
    assert view.stage is S.NA_SESSION and view.last_vote == FAILING_VOTE and not view.last_vote.passed
    assert (await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.REJECT))).to_stage is S.REJECTED
    assert (await handle.result()).stage is S.REJECTED


async def test_bad_decision_is_refused_and_the_draft_stays_healthy(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:1])

    wrong = [
        (decision(request, S.APPRAISAL), "stage", "current_stage_only"),
        (decision(request, S.LEGISLATIVE_PROGRAMME).model_copy(update={"actor": Actor.MOJ}), "actor", "stage_authority"),
        (decision(request, S.LEGISLATIVE_PROGRAMME).model_copy(update={"documents": ()}), "documents", "required_documents"),
    ]
    for bad, field, rule in wrong:
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await drafts.decide(client, request.submission_id, bad)
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError) and cause.non_retryable and refusal_of(refused.value) == (field, rule)
        assert str(cause.message).startswith(f"{field}: ")

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await client.get_workflow_handle(handle.id).execute_update("decide", None)
    assert refusal_of(refused.value) == ("input", "message_required")

    assert (await drafts.decide(client, request.submission_id, decision(request, S.LEGISLATIVE_PROGRAMME))).to_stage is S.DRAFTING
    events = [e async for e in handle.fetch_history_events()]
    assert not [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    # Refused in the validator, the bad decisions never entered the history or the audit trail.
    assert sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED for e in events) == 2
    # SUBMITTED and the two accepted decisions: nothing of the refused ones.
    await eventually(lambda: _count(pool, request.submission_id), lambda n: n == 3)


async def test_repeated_start_returns_the_same_draft(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    request = start_request()
    first = await drafts.start_submission(client, request, task_queue=ts_worker)
    again = await drafts.start_submission(client, request, task_queue=ts_worker)
    assert (again.workflow_id, again.run_id, again.created, again.differs) == (first.workflow_id, first.run_id, False, ())
    assert first.created
    handle = drafts.draft(client, request.submission_id)
    await drafts.decide(client, request.submission_id, decision(request, S.POLICY_PROPOSAL, Outcome.REJECT))
    await handle.result()
    # Closed, it is no longer "open already": the same start is refused, naming its final state, and starts nothing.
    with pytest.raises(Refused) as refused:
        await drafts.start_submission(client, request, task_queue=ts_worker)
    assert (refused.value.rule, refused.value.message) == ("draft_closed", "the draft is REJECTED; its record is final")
    assert (await handle.describe()).run_id == first.run_id


async def test_unanswered_stage_records_its_deadline_at_the_right_virtual_time(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    view = await approve_through(client, request, PATH_2025[:9])
    assert view.stage is S.PROMULGATION and view.stage_deadline is not None
    history = await eventually(lambda: drafts.history(client, request.submission_id),
                               lambda h: any(e.event is EventKind.DEADLINE_PASSED for e in h.entries), 30)
    passed = next(e for e in history.entries if e.event is EventKind.DEADLINE_PASSED)
    assert passed.stage is S.PROMULGATION
    assert passes_at(view.stage_deadline) <= passed.at < passes_at(view.stage_deadline) + timedelta(minutes=1)
    assert (await drafts.status(client, request.submission_id)).overdue
    await drafts.decide(client, request.submission_id, decision(request, S.PROMULGATION))
    await drafts.decide(client, request.submission_id, decision(request, S.PUBLICATION))
    assert (await handle.result()).stage is S.PROMULGATED


async def _count(pool, submission_id) -> int:
    return await pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", submission_id)


async def test_a_merged_ministry_takes_over_the_draft(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:2])
    remap = AgencyRemap(old_code=request.lead_ministry, new_code="BKHCN", changed_by="VPCP operator",
                        reason="Nghị định hợp nhất bộ (2025)")
    await handle.execute_update(DraftLawWorkflow.remap_agency, remap)
    assert (await drafts.status(client, request.submission_id)).lead_ministry == "BKHCN"
    old_ministry = decision(request, S.DRAFTING)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await drafts.decide(client, request.submission_id, old_ministry)
    assert refusal_of(refused.value) == ("agency_code", "lead_ministry_only")
    assert (await drafts.decide(client, request.submission_id, old_ministry.model_copy(update={"agency_code": "BKHCN"}))).to_stage is S.APPRAISAL
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update(DraftLawWorkflow.remap_agency, remap)  # no longer led by the old code
    remapped = await eventually(
        lambda: pool.fetchrow("SELECT e.label, s.lead_ministry FROM audit_events e JOIN submissions s USING (submission_id) "
                              "WHERE e.submission_id = $1 AND e.event = 'AGENCY_REMAPPED'", request.submission_id),
        lambda row: row is not None and row["lead_ministry"] == "BKHCN")
    assert remapped["label"] == f"lead ministry {request.lead_ministry} is now BKHCN"


async def test_each_filing_that_changes_a_document_is_a_new_version(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:3])  # three approvals, each attaching new documents
    back = await drafts.decide(client, request.submission_id, decision(request, S.APPRAISAL, Outcome.RETURN_FOR_REVISION))
    assert back.to_stage is S.DRAFTING
    same = decision(request, S.DRAFTING)  # the same documents again: no new version
    redraft = same.model_copy(update={"documents": tuple(d if d.kind is not DocumentKind.DRAFT_TEXT else document(DocumentKind.DRAFT_TEXT, "v2")
                                                          for d in same.documents)})
    await drafts.decide(client, request.submission_id, redraft)
    assert [v.number for v in (await drafts.versions(client, request.submission_id)).versions] == [2, 3, 4]  # the latest the draft keeps
    versions = (await eventually(lambda: audit.versions(pool, request.submission_id), lambda v: len(v.versions) == 4)).versions
    assert [v.number for v in versions] == [1, 2, 3, 4]
    texts = [next(d.sha256 for d in v.documents if d.kind is DocumentKind.DRAFT_TEXT) for v in versions[2:]]
    assert texts == [document(DocumentKind.DRAFT_TEXT).sha256, document(DocumentKind.DRAFT_TEXT, "v2").sha256]
    decisions = [e for e in (await drafts.history(client, request.submission_id)).entries if e.event is EventKind.DECISION]
    assert [(e.about_version, e.version) for e in decisions] == [(None, 1), (1, 2), (2, 3), (3, None), (3, 4)]


async def test_a_failed_vote_carried_over_to_the_next_session(time_skipping_env, ts_worker, pool):
    client = time_skipping_env.client
    request = start_request()
    handle = await open_draft(client, ts_worker, request)
    await approve_through(client, request, PATH_2025[:8])
    await until_sitting(client, request.submission_id)
    await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.VOTE, vote=FAILING_VOTE))
    next_session = request.target_session.model_copy(update={"session": 3, "opens_on": request.target_session.opens_on + timedelta(days=150)})
    by_the_assembly = decision(request, S.NA_SESSION, Outcome.REJECT).model_dump()
    carry = Decision.model_validate({**by_the_assembly, "outcome": "CARRY_OVER", "carry_to": next_session.model_dump()})
    same_session = carry.model_copy(update={"carry_to": request.target_session})
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await drafts.decide(client, request.submission_id, same_session)
    assert refusal_of(refused.value) == ("carry_to", "later_session")
    carried = await drafts.decide(client, request.submission_id, carry)
    assert carried.to_stage is S.NA_SESSION and carried.target_session == "16-3"
    await until_sitting(client, request.submission_id)
    assert (await drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE))).to_stage is S.PROMULGATION
    await drafts.decide(client, request.submission_id, decision(request, S.PROMULGATION))
    await drafts.decide(client, request.submission_id, decision(request, S.PUBLICATION))
    assert (await handle.result()).stage is S.PROMULGATED
    carried = [e for e in (await drafts.history(client, request.submission_id)).entries if e.outcome is Outcome.CARRY_OVER]
    assert len(carried) == 1 and carried[0].label.startswith("carried over to session 16-3")
