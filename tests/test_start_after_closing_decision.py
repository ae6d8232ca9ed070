"""Found by an upstream system's trial: the same start sent right after the decision that ended the draft
(its receipt already said `to_stage` WITHDRAWN, its status says WITHDRAWN) is answered 200 `created: false`, as for a draft
that runs, and that answer is kept under its Idempotency-Key for good (`api.routes.submissions` -> `workflows.client.closed`
takes a workflow still RUNNING, finishing its last task, as open). README, HTTP API, `POST /v1/submissions`: "the same
request again 200 while the draft runs, 409 `draft_closed` once it has ended"."""

from __future__ import annotations

from schemas.enums import Actor, CallerRole, Outcome, Role, Stage
from tests.drafts import decision, session_of_its_own, start_request
from tests.http_api import bearer, body


async def test_a_start_sent_just_after_the_closing_decision_is_never_200(api, pool):
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    answers = []
    for attempt in range(6):
        request = start_request(ministry="BGDDT", target=session_of_its_own())  # no other test announces it
        path = f"/v1/submissions/{request.submission_id}"
        assert (await api.post("/v1/submissions", json=body(request), headers=lead | {"Idempotency-Key": f"s-{attempt}"})).status_code == 201
        withdrawal = decision(request, Stage.POLICY_PROPOSAL, Outcome.WITHDRAW).model_copy(
            update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
        receipt = await api.post(f"{path}/decisions", json=body(withdrawal), headers=lead | {"Idempotency-Key": f"w-{attempt}"})
        assert receipt.json()["to_stage"] == "WITHDRAWN", receipt.text
        # At once, as a ministry's system re-sending its start would.
        again = await api.post("/v1/submissions", json=body(request), headers=lead | {"Idempotency-Key": f"again-{attempt}"})
        assert (await api.get(path, headers=lead)).json()["stage"] == "WITHDRAWN"
        answers.append((again.status_code, again.json().get("rule", again.json().get("created"))))
    assert answers == [(409, "draft_closed")] * 6
