"""What a classified draft's refusal tells a Temporal client (found by a Web UI trial: the Web UI's "Send an Update" and
`temporal workflow update execute` were answered "agency_code: BTC is not this draft's lead ministry" for every code but
the right one, an oracle of the lead ministry, and "DRAFTING cannot be decided without ...", of its dossier; and every
refusal carried the worker's stack trace, its paths, in clear)."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.enums import Stage
from tests.drafts import decision, start_request
from tests.scenarios import approve
from workflows import client as drafts
from workflows.draft_law import DraftLawWorkflow


@pytest.mark.parametrize("classified", [True, False])
async def test_a_refusal_names_a_classified_drafts_field_and_rule_only_its_sentence_sealed(time_skipping_env, ts_worker, classified):
    client = time_skipping_env.client
    request = start_request(ministry="BQP", classified=classified, prefix="MAT")
    await drafts.start_submission(client, request, task_queue=ts_worker)
    await approve(client, request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME])
    handle = client.get_workflow_handle_for(DraftLawWorkflow.run, drafts.workflow_id_for(request.submission_id))
    guess = decision(request, Stage.DRAFTING).model_copy(update={"agency_code": "BTC"})
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await handle.execute_update(DraftLawWorkflow.decide, guess)
    cause = caught.value.cause
    sentence = "BTC is not this draft's lead ministry"
    if classified:
        assert cause.message == "agency_code: refused by rule lead_ministry_only (details withheld: classified draft) (rule: lead_ministry_only)"
    else:
        assert sentence in cause.message
    # Whoever holds the keys (the API, which then withholds it from all but the lead ministry; the CLI) reads the sentence.
    refused = drafts.refused_by_the_draft(caught.value)
    assert (refused.field, refused.rule) == ("agency_code", "lead_ministry_only") and sentence in refused.message, refused.message
    assert cause.failure.stack_trace == "", cause.failure.stack_trace
