"""A lead ministry entering its own classified draft already under way is told why a step is refused (found by an
upstream system's trial: "details withheld: classified draft", where a live decision on the same draft is told why).

The README (Errors, classified drafts): "A refusal explains itself from what the draft holds ..., so to anyone but the
lead ministry a classified draft's refusals give the field and the rule only". Live, the lead ministry is told why (a
decision for the wrong stage of its own classified draft: "the draft is at APPRAISAL, not DRAFTING"); but a start of
its own classified draft under way, refused for one of its steps by a rule the draft checks (the step's decider, a
step dated in the future), tells the lead ministry that sent it "details withheld: classified draft", while a rule the
message's model checks (the steps' order) explains itself. The lead ministry cannot tell which decider the rulebook
wanted, nor which day is "today" for the check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.enums import Actor, CallerRole, Outcome, Role, Stage
from tests.drafts import decision, start_request
from tests.http_api import bearer, body, problem


def _hanoi_today():
    return (datetime.now(UTC) + timedelta(hours=7)).date()


async def test_the_lead_ministry_is_told_why_its_own_classified_import_is_refused(api, pool):
    request = start_request(classified=True)
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    today = _hanoi_today()
    policy = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"occurred_on": today - timedelta(days=60)})
    # The programme decided by the Government Office: the rulebook gives it to the Standing Committee.
    programme = decision(request, Stage.LEGISLATIVE_PROGRAMME).model_copy(update={
        "actor": Actor.VPCP, "agency_code": "VPCP", "role": Role.HEAD_OF_GOVERNMENT_OFFICE, "occurred_on": today - timedelta(days=30)})
    refused = problem(await api.post("/v1/submissions", json=body(request) | {"passed": [body(policy), body(programme)]}, headers=lead),
                      422, "stage_authority", "passed.1.actor")
    assert "withheld" not in refused["detail"] and "UBTVQH" in refused["detail"], refused

    # A step dated in the future: which day is today, for the check?
    ahead = decision(request, Stage.LEGISLATIVE_PROGRAMME).model_copy(update={"occurred_on": today + timedelta(days=3)})
    refused = problem(await api.post("/v1/submissions", json=body(request) | {"passed": [body(policy), body(ahead)]}, headers=lead),
                      422, "not_in_future", "passed.1.occurred_on")
    assert "withheld" not in refused["detail"] and str(today) in refused["detail"], refused

    # The same lead ministry is told why when the draft is not classified, and when the steps' order is wrong.
    plain = request.model_copy(update={"classified": False, "submission_id": request.submission_id + "P"})
    told = problem(await api.post("/v1/submissions", json=body(plain) | {"passed": [body(policy), body(programme)]}, headers=lead),
                   422, "stage_authority", "passed.1.actor")
    assert "UBTVQH" in told["detail"], told
    problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)


async def test_the_lead_ministry_is_told_why_a_live_decision_on_its_classified_draft_is_refused(api, pool):
    """The contrast the test above relies on: live, the lead ministry reads the reason."""
    request = start_request(classified=True)
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    wrong = decision(request, Stage.DRAFTING, Outcome.APPROVE)
    refused = problem(await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(wrong), headers=lead),
                      409, "current_stage_only", "stage")
    assert "withheld" not in refused["detail"], refused
