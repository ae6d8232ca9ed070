"""A body that is one agency (the Ministry of Justice, the Government, the Standing Committee ...) acts under its own
agency code only (`schemas.enums.BODY_CODES`). Found by an integrator: `legis tokens issue BTC MOJ` was taken, and the
Ministry of Finance's token then appraised a draft, recorded in the audit trail as MOJ/BTC."""

from __future__ import annotations

from datetime import date

import pytest

from api.tokens import issue
from schemas.enums import BODY_CODES, Actor, CallerRole, ProcessVersion, Stage
from schemas.messages import StartRequest
from schemas.refusal import Refused
from tests.drafts import NOW, core_request, core_state, decision, passed_through, pinned, start_request
from tests.http_api import bearer, body, problem
from workflows import draft


@pytest.mark.parametrize("actor", sorted(BODY_CODES, key=lambda a: a.value))
def test_a_body_s_message_under_another_agency_s_code_is_refused_naming_agency_code(actor: Actor):
    request = core_request()
    wrong = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"actor": actor, "agency_code": "BTC"})
    with pytest.raises(Refused) as refused:
        draft.admit(draft.DECIDE, None, wrong)  # before the draft's rulebook is pinned: the message alone
    assert (refused.value.field, refused.value.rule) == ("agency_code", "body_agency_code"), refused.value
    assert f"agency code {BODY_CODES[actor]}, not BTC" in refused.value.message


def test_the_stage_s_rules_speak_first_then_the_body_s_code():
    """An actor that may not act at the stage is told so (its field is `actor`); one that may, under another's code, is told
    its code."""
    request = core_request()
    state = core_state(request, at=Stage.POLICY_PROPOSAL)
    for actor, field, rule in ((Actor.MOJ, "actor", "stage_authority"), (Actor.GOVERNMENT, "agency_code", "body_agency_code")):
        wrong = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"actor": actor, "agency_code": "BTC"})
        with pytest.raises(Refused) as refused:
            draft.validate(draft.DECIDE, state, wrong, NOW)
        assert (refused.value.field, refused.value.rule) == (field, rule), refused.value


def test_a_lead_ministry_or_consultee_may_be_any_agency_a_committee_the_assemblys_and_a_body_its_own_code():
    request = core_request()
    state = core_state(request, at=Stage.POLICY_PROPOSAL)
    right = decision(request, Stage.POLICY_PROPOSAL)
    assert right.actor is Actor.GOVERNMENT and right.agency_code == "CP"
    draft.validate(draft.DECIDE, state, right, NOW)
    for actor in (Actor.LEAD_MINISTRY, Actor.CONSULTEE):
        draft.admissions.admits_body_code(right.model_copy(update={"actor": actor, "agency_code": "BTP"}))
    # The Assembly's committee is one of its committees (found by a committee's trial: a ministry's token as NA_COMMITTEE
    # examined the ministry's own law); a merged one names the committee that took over its field.
    draft.admissions.admits_body_code(right.model_copy(update={"actor": Actor.NA_COMMITTEE, "agency_code": "UBVHXH"}))
    for code, said in (("BYT", "BYT is not a committee of the National Assembly"), ("UBXH", "UBXH was merged into UBVHXH in 2025")):
        with pytest.raises(Refused) as refused:
            draft.admissions.admits_body_code(right.model_copy(update={"actor": Actor.NA_COMMITTEE, "agency_code": code}))
        assert (refused.value.field, refused.value.rule) == ("agency_code", "body_agency_code") and said in refused.value.message


def test_a_step_of_a_draft_under_way_under_another_agency_s_code_is_refused_by_its_place():
    request = core_request()
    steps = passed_through(request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME], NOW.date())
    draft.admissions.admits_body_code(steps)
    wrong = steps.model_copy(update={"passed": (steps.passed[0], steps.passed[1].model_copy(update={"agency_code": "QH"}))})
    with pytest.raises(Refused) as refused:
        draft.admissions.admits_body_code(wrong)
    assert (refused.value.field, refused.value.rule) == ("passed.1.agency_code", "body_agency_code")
    assert "UBTVQH is one body, acting under agency code UBTVQH, not QH" in refused.value.message


async def test_legis_tokens_issue_refuses_a_body_under_another_agency_s_code(cli):
    for agency, role in (("BTC", "MOJ"), ("QH", "UBTVQH"), ("BTP", "government"), ("VPQH", "VPCP"), ("BYT", "NA_COMMITTEE"), ("UBXH", "NA_COMMITTEE")):
        code, out, err = await cli("tokens", "issue", agency, role, "--by", "VPCP operator")
        assert code == 2 and "(rule: body_agency_code)" in err and "legis_" not in out, (agency, role, out, err)
    code, _, err = await cli("tokens", "issue", "BTC", "MOJ", "--by", "VPCP operator")
    assert "agency_code: MOJ is one body, acting under agency code BTP, not BTC; a token acting as MOJ is issued to BTP" in err, err
    # The public comments on the public page with no token (found by a public trial: a round's warning advised one).
    code, out, err = await cli("tokens", "issue", "PUBLIC", "CONSULTEE", "--by", "VPCP operator")
    assert code == 2 and "(rule: public_not_an_agency)" in err and "legis_" not in out, (out, err)
    for agency, role in (("BTP", "MOJ"), ("BTP", "LEAD_MINISTRY"), ("VPQH", "OPERATOR"), ("BTC", "CONSULTEE"), ("UBVHXH", "NA_COMMITTEE")):
        code, out, err = await cli("tokens", "issue", agency, role, "--by", "VPCP operator")
        assert code == 0 and "legis_" in out, (agency, role, err)


async def test_a_token_issued_before_the_rule_cannot_decide_as_a_body_through_the_api(api, pool):
    """A token of the Ministry of Finance as the Government, issued before `legis tokens issue` refused it: the draft refuses
    its decision (422), and nothing is recorded."""
    request = start_request(ministry="BGDDT")
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    _, secret = await issue(pool, agency_code="BTC", role=CallerRole.GOVERNMENT, issued_by="an older release")
    path = f"/v1/submissions/{request.submission_id}"
    wrong = body(decision(request, Stage.POLICY_PROPOSAL)) | {"agency_code": "BTC"}
    refused = problem(await api.post(f"{path}/decisions", json=wrong, headers={"Authorization": f"Bearer {secret}"}), 422,
                      "body_agency_code", "agency_code")
    assert "GOVERNMENT is one body, acting under agency code CP, not BTC" in refused["detail"]
    status = (await api.get(path, headers=lead)).json()
    assert status["stage"] == Stage.POLICY_PROPOSAL.value
    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    response = await api.post(f"{path}/decisions", json=body(decision(request, Stage.POLICY_PROPOSAL)), headers=government)
    assert response.status_code == 200 and response.json()["to_stage"] == Stage.LEGISLATIVE_PROGRAMME.value, response.text


def test_a_law_2015_draft_examined_in_2024_by_the_committee_of_that_day_can_be_entered_under_way():
    """Found by a breaker: a LAW_2015 draft whose examination the Committee on Social Affairs (UBXH) led in October 2024,
    before the 2025 merger, was refused under the code it had then; a step of a draft under way names it as it acted."""
    request = core_request(ProcessVersion.LAW_2015)
    stages = [Stage.LAW_MAKING_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW,
              Stage.GOVERNMENT_DECISION, Stage.EXAMINATION]
    under_way = passed_through(request, stages, date(2024, 10, 15))
    steps = [*under_way.passed[:-1], under_way.passed[-1].model_copy(update={"agency_code": "UBXH"})]
    under_way = StartRequest.model_validate({**under_way.model_dump(), "passed": [s.model_dump() for s in steps]})
    draft.admissions.admits_version_in_force(under_way, NOW)  # a LAW_2015 draft under way, as it ran
    assert draft.open_draft(under_way, pinned(under_way), NOW, generation=26).state.stage is Stage.STANDING_COMMITTEE_OPINION
    draft.admissions.admits_body_code(under_way)
