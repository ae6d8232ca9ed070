"""What a classified draft's consultation round tells a Temporal client when it refuses: its field and rule only, as its
draft does (found by a breaker: who was asked, who had answered and the window, in clear)."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.enums import Stage
from tests.drafts import compilation, consultation, opinion, start_request
from tests.scenarios import approve
from workflows import client as drafts
from workflows import round_client
from workflows.consultation import ConsultationWorkflow


async def test_a_classified_drafts_round_refuses_with_its_field_and_rule_only(time_skipping_env, ts_worker):
    """The draft's refusals name a classified draft's field and rule only, "so that a raw update from the Web UI or
    `temporal workflow update execute` learns nothing of its ministry or dossier" (README); its rounds' refusals still
    say, in clear, who was asked and who has answered, and until when the round takes opinions."""
    client = time_skipping_env.client
    request = start_request(ministry="BQP", classified=True, prefix="MATR")
    await drafts.start_submission(client, request, task_queue=ts_worker)
    await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    await drafts.open_consultation(client, request.submission_id, consultation(request, "R1"))
    await round_client.submit_opinion(client, request.submission_id, "R1", opinion("BNV", "c1"))
    handle = await round_client.round_workflow(client, request.submission_id, "R1")
    said = []
    for update, message in ((ConsultationWorkflow.submit_opinion, opinion("BNV", "c2")),
                            (ConsultationWorkflow.submit_opinion, opinion("BTP", "c3")),
                            (ConsultationWorkflow.compile, compilation(request))):
        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(update, message)
        said.append(caught.value.cause.message)
    assert all("details withheld: classified draft" in s for s in said), said
    assert not any(code in s for s in said for code in ("BNV", "BTP", "2026-", "2027-")), said
    # The lead ministry's system, through the API, and the CLI, which hold the keys, read the sentence sealed in the details.
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await handle.execute_update(ConsultationWorkflow.submit_opinion, opinion("BNV", "c4"))
    assert "BNV" in drafts.refused_by_the_draft(caught.value).message
