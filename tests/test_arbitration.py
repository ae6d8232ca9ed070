"""Disagreement between ministries: the Government Office raises it, the Deputy Prime Minister rules or
escalates, the Prime Minister rules last; the review cannot be approved while a point is open."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.enums import Actor, EventKind, Role, Stage
from schemas.messages import Disagreement, Ruling
from tests.drafts import decision, refusal_of, start_request
from tests.scenarios import approve
from workflows import client as drafts
from workflows.draft_law import DraftLawWorkflow

S = Stage
POINT = Disagreement(point_id="P1", summary="Thẩm quyền cấp phép: Bộ GD&ĐT hay Bộ LĐTBXH", parties=("BGDDT", "BNV"),
                     actor=Actor.VPCP, agency_code="VPCP", role=Role.DEPUTY_HEAD_OF_GOVERNMENT_OFFICE, official="Phó Chủ nhiệm")
DEPUTY_PM = dict(actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER, official="Phó Thủ tướng")
PM = dict(actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="Thủ tướng")


async def refused(handle, update, message) -> tuple[str, str]:
    return (await refused_with_kind(handle, update, message))[:2]


async def refused_with_kind(handle, update, message) -> tuple[str, str, str]:
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await handle.execute_update(update, message)
    return (*refusal_of(caught.value), caught.value.cause.details[0]["kind"])


async def open_points(client, request):
    return (await drafts.status(client, request.submission_id)).open_points


async def test_escalated_to_the_prime_minister_whose_ruling_unblocks_the_review(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    request = start_request()
    await drafts.start_submission(client, request, task_queue=ts_worker)
    handle = client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
    assert await refused(handle, DraftLawWorkflow.raise_disagreement, POINT) == ("stage", "coordination_stage")
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL])

    await handle.execute_update(DraftLawWorkflow.raise_disagreement, POINT)
    assert [p.with_actor for p in await open_points(client, request)] == [Actor.DEPUTY_PM]
    assert await refused(handle, DraftLawWorkflow.raise_disagreement, POINT) == ("point_id", "unique_point")
    # Found by fuzzing: p1 was a second point beside P1, which officials read as one; a ruling on p1 names P1.
    assert await refused(handle, DraftLawWorkflow.raise_disagreement, POINT.model_copy(update={"point_id": "p1"})) == ("point_id", "unique_point")
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await handle.execute_update(DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="p1", escalate=True, **DEPUTY_PM))
    assert refusal_of(caught.value) == ("point_id", "open_point") and "P1 differs from it only in letter case" in str(caught.value.cause)
    review = decision(request, S.GOVERNMENT_REVIEW)
    assert (await refused(handle, DraftLawWorkflow.decide, review)) == ("outcome", "open_disagreements")
    assert await refused_with_kind(handle, DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", ruling="x" * 5, **PM)) == (
        "actor", "arbitration_level", "FORBIDDEN")

    await handle.execute_update(DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", escalate=True, **DEPUTY_PM))
    assert [p.with_actor for p in await open_points(client, request)] == [Actor.PM]
    # A rule of its own, one kind wherever it refuses (found by an upstream system's trial: `arbitration_level` was 403 for
    # whom the point does not await and 409 here): the last level never escalates, a message to correct.
    assert await refused_with_kind(handle, DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", escalate=True, **PM)) == (
        "escalate", "no_higher_level", "INVALID")
    await handle.execute_update(DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", ruling="Giao Bộ GD&ĐT chủ trì cấp phép", **PM))
    assert await open_points(client, request) == ()
    assert (await drafts.decide(client, request.submission_id, review)).to_stage is S.GOVERNMENT_DECISION
    history = await drafts.history(client, request.submission_id)
    trail = [(e.event, e.actor) for e in history.entries if e.event.value.startswith("DISAGREEMENT")]
    assert trail == [(EventKind.DISAGREEMENT_RAISED, Actor.VPCP), (EventKind.DISAGREEMENT_ESCALATED, Actor.DEPUTY_PM),
                     (EventKind.DISAGREEMENT_RULED, Actor.PM)]
    assert history.entries[-2].reasons == "Giao Bộ GD&ĐT chủ trì cấp phép"
