"""A token pasted where a name or an ID belongs is refused (`not_a_secret`), naming the field and the token by its ID
only. Found by a trial: a start whose submission ID was its caller's token was taken (201), the secret then listed to
every agency, sent to webhooks and shown in Temporal's workflow list; a filing whose official was a token put it in
the audit trail for good."""

from __future__ import annotations

import json

import pytest
from temporalio.client import WorkflowUpdateFailedError

from schemas.enums import CallerRole, Response, Stage
from schemas.refusal import Refused
from tests.drafts import (
    NOW,
    compilation,
    compilation_body,
    consultation,
    core_request,
    core_state,
    decision,
    draft_text,
    opinion,
    opinion_body,
    passed_through,
    refusal_of,
    start_request,
)
from tests.holding import HoldClose
from tests.http_api import bearer, body, problem, started_at_drafting
from tests.polling import eventually
from tests.test_public_consultation import posted_draft, public_api
from workflows import client as drafts
from workflows import draft, round_client

TOKEN = "legis_67e8b53208eb_a8iYRXCzoppHT9Pj8veH67tL52bPvFE1kClGrDfueow"


def secret_part(token: str) -> str:
    """What follows `legis_<12 hex>_`: base64url, which may itself hold "_"."""
    return token[len("legis_") + 13:]


def test_a_message_holding_a_token_is_refused_naming_the_field_and_the_token_s_id_only():
    request = core_request()
    state = core_state(request, at=Stage.POLICY_PROPOSAL)
    for official in (TOKEN, f"Bộ trưởng {TOKEN}", f"x{TOKEN}"):
        with pytest.raises(Refused) as refused:
            draft.validate(draft.DECIDE, state, decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"official": official}), NOW)
        assert (refused.value.field, refused.value.rule) == ("official", "not_a_secret"), refused.value
        assert "legis_67e8b53208eb_[redacted]" in refused.value.message and "a8iYRX" not in refused.value.message
    draft.validate(draft.DECIDE, state, decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"official": "legis_team"}), NOW)
    steps = passed_through(request, [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME], NOW.date())
    entered = steps.model_copy(update={"passed": (steps.passed[0], steps.passed[1].model_copy(update={"reasons": TOKEN}))})
    with pytest.raises(Refused) as refused:
        draft.admissions.admits_no_secret(entered)
    assert (refused.value.field, refused.value.rule) == ("passed.1.reasons", "not_a_secret")


async def test_the_api_refuses_a_token_as_a_submission_id_an_official_or_a_comment(api, pool):
    lead = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    secret = lead["Authorization"].removeprefix("Bearer ")
    started = body(start_request(ministry="BTC")) | {"submission_id": secret}
    refused = problem(await api.post("/v1/submissions", json=started, headers=lead), 422, "not_a_secret", "submission_id")
    assert secret not in json.dumps(refused) and secret_part(secret) not in json.dumps(refused)
    assert secret not in (await api.get("/v1/submissions", headers=lead)).text
    request, lead = await started_at_drafting(api, pool, "BYT")
    path = f"/v1/submissions/{request.submission_id}"
    filing = body(draft_text(request)) | {"official": f"Bộ trưởng ({secret})"}
    problem(await api.post(f"{path}/dossier", json=filing, headers=lead), 422, "not_a_secret", "official")
    assert secret not in (await api.get(f"{path}/history", headers=lead)).text
    assert (await api.post(f"{path}/consultations", json=body(consultation(request, "r1", ("BTC",))), headers=lead)).status_code == 200
    written = body(opinion_body("BTC", "c1"))
    written["comments"][0]["text"] = f"token của hệ thống: {secret}"
    consultee = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    problem(await api.post(f"{path}/consultations/r1/opinions", json=written, headers=consultee), 422, "not_a_secret", "comments.0.text")
    assert (await api.post(f"{path}/consultations/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=consultee)).status_code == 200
    answered = body(compilation_body(request, ("BTC", "c1", Response.EXPLAINED)))
    answered["responses"][0]["explanation"] = secret
    problem(await api.post(f"{path}/consultations/r1/compilation", json=answered, headers=lead), 422, "not_a_secret",
            "responses.0.explanation")


def test_a_name_that_only_looks_like_a_token_is_taken():
    """Found by a breaker: a dossier file named "legis_202612051030_du-thao.docx" was refused, its twelve digits read as a
    token's ID; a token's secret is 43 characters."""
    request = core_request()
    filing = draft_text(request)
    for name in ("legis_202612051030_du-thao.docx", "legis_team", "legis_67e8b53208eb_short", TOKEN[:-1]):
        named = filing.model_copy(update={"documents": (filing.documents[0].model_copy(update={"name": name}),)})
        draft.admissions.admits_no_secret(named)
    for glued in (f"{TOKEN}.", f"{TOKEN}-v2.docx"):  # the secret's alphabet has "-": what follows cannot be told from it
        with pytest.raises(Refused):
            draft.admissions.admits_no_secret(filing.model_copy(update={"official": glued}))


async def test_a_token_as_an_idempotency_key_is_refused_before_it_becomes_a_request_id(api, pool):
    """Found by a breaker: the key is the draft's request ID, kept in its state and in Temporal's update IDs, in clear."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    secret = lead["Authorization"].removeprefix("Bearer ")
    filed = await api.post(f"/v1/submissions/{request.submission_id}/dossier", json=body(draft_text(request)),
                           headers=lead | {"Idempotency-Key": secret})
    answer = problem(filed, 422, "not_a_secret", "Idempotency-Key")
    assert secret_part(secret) not in json.dumps(answer), answer


async def test_a_token_in_a_public_comment_or_in_an_answer_to_the_public_is_refused(time_skipping_env, pool):
    """Found by a breaker: the lead ministry's answer to the public's comments took a token as its official or its
    explanation, which the public page then showed to anyone; a public comment took one too."""
    hold = HoldClose()
    async with public_api(time_skipping_env, pool, hold) as api:
        request, lead = await posted_draft(api, pool, "cong-khai")
        secret, sid = lead["Authorization"].removeprefix("Bearer "), request.submission_id
        problem(await api.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"article": 3, "text": f"token: {secret}"}),
                422, "not_a_secret", "text")
        assert (await api.post(f"/v1/public/consultations/{sid}/cong-khai/comments", json={"article": 3, "text": "Đề nghị sửa"})).status_code == 201
        hold.release.set()
        await eventually(lambda: api.get(f"/v1/submissions/{sid}/consultations/cong-khai", headers=lead), lambda read: read.json()["closed"])
        answer = {"agency_code": "BGDDT", "official": "Vụ trưởng", "article": 3, "response": "EXPLAINED", "explanation": f"xem {secret}"}
        problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", json=answer, headers=lead), 422, "not_a_secret",
                "explanation")
        answered = await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", json=answer | {"explanation": "đã có"}, headers=lead)
        assert answered.status_code == 200, answered.text
        assert secret not in (await api.get(f"/v1/public/consultations/{sid}/cong-khai")).text


async def test_a_token_as_a_raw_update_s_id_is_refused_leaving_no_trace_in_the_history(api, pool, dev_env):
    """Found by a re-check: an update sent by a raw Temporal client with a token as its update ID was applied, the token
    then in clear in Temporal's history and Web UI. Refused by the validator, the update leaves no trace."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    secret = lead["Authorization"].removeprefix("Bearer ")
    handle = drafts.draft(dev_env.client, request.submission_id)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("file_dossier", draft_text(request), id=secret)
    assert refusal_of(refused.value) == ("request_id", "not_a_secret")
    assert secret_part(secret) not in (await handle.fetch_history()).to_json()


async def test_a_token_as_a_raw_update_s_id_to_a_round_is_refused_leaving_no_trace_in_its_history(api, pool, dev_env):
    """Found by a review: the round's validators checked the message only, so that a raw Temporal client's update ID
    holding a token went into the round's history, as the draft's once did."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    opened = await api.post(f"/v1/submissions/{request.submission_id}/consultations", json=body(consultation(request, "r1", ("BTC", "BNV"))),
                            headers=lead)
    assert opened.status_code == 200, opened.text
    secret = lead["Authorization"].removeprefix("Bearer ")
    handle = await round_client.round_workflow(dev_env.client, request.submission_id, "r1")
    for update, message in (("submit_opinion", opinion("BTC", "c1")), ("compile", compilation(request))):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(update, message, id=secret)
        assert refusal_of(refused.value) == ("request_id", "not_a_secret"), update
    assert secret_part(secret) not in (await handle.fetch_history()).to_json()
