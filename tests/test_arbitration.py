"""Disagreement between ministries: the Government Office raises it, the Deputy Prime Minister rules or
escalates, the Prime Minister rules last; the review cannot be approved while a point is open."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.enums import Actor, EventKind, Role, Stage
from schemas.messages import Disagreement, Ruling
from tests.drafts import decision, start_request
from tests.scenarios import approve
from workflows import client as drafts
from workflows.draft_law import DraftLawWorkflow

S = Stage
POINT = Disagreement(point_id="P1", summary="Thẩm quyền cấp phép: Bộ GD&ĐT hay Bộ LĐTBXH", parties=("BGDDT", "BNV"),
                     actor=Actor.VPCP, agency_code="VPCP", role=Role.DEPUTY_HEAD_OF_GOVERNMENT_OFFICE, official="Phó Chủ nhiệm")
DEPUTY_PM = dict(actor=Actor.DEPUTY_PM, agency_code="CP", role=Role.DEPUTY_PRIME_MINISTER, official="Phó Thủ tướng")
PM = dict(actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="Thủ tướng")


async def refused(handle, update, message) -> dict:
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await handle.execute_update(update, message)
    return caught.value.cause.details[0]


async def test_escalated_to_the_prime_minister_whose_ruling_unblocks_the_review(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    request = start_request()
    await drafts.start_submission(client, request, task_queue=ts_worker)
    handle = client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
    assert await refused(handle, DraftLawWorkflow.raise_disagreement, POINT) == {"field": "stage", "rule": "coordination_stage"}
    await approve(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL])

    view = await handle.execute_update(DraftLawWorkflow.raise_disagreement, POINT)
    assert [p.with_actor for p in view.open_points] == [Actor.DEPUTY_PM]
    assert await refused(handle, DraftLawWorkflow.raise_disagreement, POINT) == {"field": "point_id", "rule": "unique_point"}
    review = decision(request, S.GOVERNMENT_REVIEW)
    assert (await refused(handle, DraftLawWorkflow.decide, review)) == {"field": "outcome", "rule": "open_disagreements"}
    assert await refused(handle, DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", ruling="x" * 5, **PM)) == {
        "field": "actor", "rule": "arbitration_level"}

    view = await handle.execute_update(DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", escalate=True, **DEPUTY_PM))
    assert [p.with_actor for p in view.open_points] == [Actor.PM]
    assert await refused(handle, DraftLawWorkflow.rule_on_disagreement, Ruling(point_id="P1", escalate=True, **PM)) == {
        "field": "escalate", "rule": "arbitration_level"}
    view = await handle.execute_update(DraftLawWorkflow.rule_on_disagreement,
                                       Ruling(point_id="P1", ruling="Giao Bộ GD&ĐT chủ trì cấp phép", **PM))
    assert view.open_points == ()
    assert (await drafts.decide(client, request.submission_id, review)).stage is S.GOVERNMENT_DECISION
    history = await drafts.history(client, request.submission_id)
    trail = [(e.event, e.actor) for e in history.entries if e.event.value.startswith("DISAGREEMENT")]
    assert trail == [(EventKind.DISAGREEMENT_RAISED, Actor.VPCP), (EventKind.DISAGREEMENT_ESCALATED, Actor.DEPUTY_PM),
                     (EventKind.DISAGREEMENT_RULED, Actor.PM)]
    assert history.entries[-2].reasons == "Giao Bộ GD&ĐT chủ trì cấp phép"
