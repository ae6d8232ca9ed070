"""The HTTP API against a real Temporal dev server and PostgreSQL: tokens, roles, refusals, reads."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.tokens import issue, revoke
from schemas.enums import CallerRole, ProgrammeChangeKind, Stage
from tests.conftest import TEST_KEY_ENTRY
from tests.drafts import compilation, consultation, decision, opinion, programme_change, start_request
from tests.polling import eventually
from tests.stack import LEGIS, free_port
from workers.worker import create_worker

API_DOC = Path(__file__).parent.parent / "api" / "openapi.json"


@pytest.fixture
async def api(dev_env, pool):
    task_queue = f"api-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        app = create_app(client=dev_env.client, pool=pool, task_queue=task_queue)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://legis.test") as http:
            yield http


async def bearer(pool, agency: str, role: CallerRole) -> dict[str, str]:
    _, token = await issue(pool, agency_code=agency, role=role, issued_by="test operator")
    return {"Authorization": f"Bearer {token}"}


async def refusals_of(pool, submission_id: str) -> list[dict]:
    rows = await pool.fetch("SELECT * FROM access_refusals WHERE submission_id = $1 ORDER BY id", submission_id)
    return [dict(r) for r in rows]


def body(model) -> dict:
    return json.loads(model.model_dump_json())


async def started_at_drafting(api, pool, ministry: str = "BGDDT", *, classified: bool = False):
    """A draft started by its ministry's system and carried to DRAFTING by the Government and UBTVQH."""
    request = start_request(ministry=ministry, classified=classified)
    lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
    response = await api.post("/v1/submissions", json=body(request), headers=lead)
    assert response.status_code == 200, response.text
    for stage, actor, agency in ((Stage.POLICY_PROPOSAL, CallerRole.GOVERNMENT, "CP"), (Stage.LEGISLATIVE_PROGRAMME, CallerRole.UBTVQH, "UBTVQH")):
        token = await bearer(pool, agency, actor)
        response = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, stage)), headers=token)
        assert response.status_code == 200, response.text
    return request, lead


async def test_start_is_idempotent_and_only_for_the_ministrys_own_drafts(api, pool):
    request = start_request(ministry="BGDDT")
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    first = await api.post("/v1/submissions", json=body(request), headers=lead)
    again = await api.post("/v1/submissions", json=body(request), headers=lead)
    assert first.status_code == again.status_code == 200
    assert first.json()["workflow_id"] == again.json()["workflow_id"] == f"draft-law-{request.submission_id}"

    other = start_request(ministry="BCT")
    refused = await api.post("/v1/submissions", json=body(other), headers=lead)
    assert refused.status_code == 403
    assert refused.json()["error"] | {"message": None} == {"status": 403, "field": "lead_ministry", "rule": "own_agency_only", "message": None, "errors": []}
    moj = await bearer(pool, "BTP", CallerRole.MOJ)
    assert (await api.post("/v1/submissions", json=body(other), headers=moj)).json()["error"]["rule"] == "only_lead_ministry_starts"


async def test_tokens_missing_unknown_and_revoked_are_refused_and_audited(api, pool):
    request = start_request()
    path = f"/v1/submissions/{request.submission_id}"
    missing = await api.get(path)
    assert (missing.status_code, missing.json()["error"]["field"], missing.json()["error"]["rule"]) == (401, "Authorization", "token_required")
    forged = await api.get(path, headers={"Authorization": "Bearer legis_abcdef012345_not-the-secret"})
    assert forged.json()["error"]["rule"] == "token_unknown"

    token_id, token = await issue(pool, agency_code="BGDDT", role=CallerRole.LEAD_MINISTRY, issued_by="test operator")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.post("/v1/submissions", json=body(request), headers=headers)).status_code == 200
    assert await revoke(pool, token_id, revoked_by="test operator")
    revoked = await api.get(path, headers=headers)
    assert (revoked.status_code, revoked.json()["error"]["rule"]) == (401, "token_revoked")

    rows = await refusals_of(pool, request.submission_id)
    assert [(r["status"], r["rule"], r["token_id"]) for r in rows] == [(401, "token_required", None), (401, "token_unknown", None), (401, "token_revoked", token_id)]
    stored = await pool.fetchval("SELECT secret_sha256 FROM api_tokens WHERE token_id = $1", token_id)
    assert token.split("_", 2)[2].encode() not in bytes(stored)


async def test_decisions_only_by_the_role_that_decides_at_the_stage(api, pool):
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}/decisions"
    moj = await bearer(pool, "BTP", CallerRole.MOJ)

    early = await api.post(path, json=body(decision(request, Stage.APPRAISAL)), headers=moj)
    assert (early.status_code, early.json()["error"]["field"], early.json()["error"]["rule"]) == (403, "stage", "role_decides_at_stage")

    in_anothers_name = await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=moj)
    assert (in_anothers_name.status_code, in_anothers_name.json()["error"]["rule"]) == (403, "callers_own_role")

    another_ministry = await bearer(pool, "BCT", CallerRole.LEAD_MINISTRY)
    sent = decision(request, Stage.DRAFTING).model_copy(update={"agency_code": "BCT"})
    refused = await api.post(path, json=body(sent), headers=another_ministry)
    assert (refused.status_code, refused.json()["error"]["rule"]) == (403, "lead_ministry_of_draft")

    approved = await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=lead, )
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "APPRAISAL"
    appraised = await api.post(path, json=body(decision(request, Stage.APPRAISAL)), headers=moj)
    assert appraised.json()["stage"] == "GOVERNMENT_REVIEW"

    rules = [r["rule"] for r in await refusals_of(pool, request.submission_id)]
    assert rules == ["role_decides_at_stage", "callers_own_role", "lead_ministry_of_draft"]


async def test_the_drafts_own_refusals_come_back_as_409_with_field_and_rule(api, pool):
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}/decisions"
    without_documents = decision(request, Stage.DRAFTING).model_copy(update={"documents": ()})
    refused = await api.post(path, json=body(without_documents), headers=lead)
    assert refused.status_code == 409
    assert refused.json()["error"]["field"] == "documents"
    assert refused.json()["error"]["rule"]
    history = await api.get(f"/v1/submissions/{request.submission_id}/history", headers=lead)
    assert [e["event"] for e in history.json()["entries"]] == ["SUBMITTED", "DECISION", "DECISION"]


async def test_malformed_bodies_name_the_field_and_rule(api, pool):
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    request = body(start_request())
    short_title = await api.post("/v1/submissions", json=request | {"title": "Ab"}, headers=lead)
    assert short_title.status_code == 422
    assert (short_title.json()["error"]["field"], short_title.json()["error"]["rule"]) == ("title", "string_too_short")
    amending = await api.post("/v1/submissions", json=request | {"law_kind": "AMENDING_LAW"}, headers=lead)
    assert (amending.status_code, amending.json()["error"]["field"]) == (422, "amended_law")
    not_json = await api.post("/v1/submissions", content=b"{", headers=lead | {"Content-Type": "application/json"})
    assert not_json.status_code == 422
    unknown = await api.get("/v1/submissions/NO-SUCH-DRAFT", headers=lead)
    assert (unknown.status_code, unknown.json()["error"]["rule"]) == (404, "draft_unknown")


async def test_operators_read_everything_but_classified_details_and_write_nothing(api, pool):
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    path = f"/v1/submissions/{request.submission_id}"

    seen_by_operator = (await api.get(path, headers=operator)).json()
    assert seen_by_operator["title"] == "(classified)" and seen_by_operator["stage"] == "DRAFTING"
    assert (await api.get(path, headers=lead)).json()["title"] == request.title
    history = (await api.get(f"{path}/history", headers=operator)).json()
    assert all(d["name"] == "(classified)" for e in history["entries"] for d in e["documents"])
    assert request.title not in json.dumps(history, ensure_ascii=False)

    write = await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=operator)
    assert (write.status_code, write.json()["error"]["rule"]) == (403, "operators_read_only")

    assert seen_by_operator["lead_ministry"] == "(classified)"
    listed = (await api.get("/v1/submissions", params={"stage": "DRAFTING", "limit": 500}, headers=operator)).json()
    shown = [d for d in listed["drafts"] if d["submission_id"] == request.submission_id]
    assert shown and shown[0]["title"] is None and shown[0]["lead_ministry"] == "(classified)"
    # Whose it is stays classified: filtering on the ministry finds it only for that ministry.
    by_ministry = {"stage": "DRAFTING", "ministry": "BQP"}
    assert request.submission_id not in json.dumps((await api.get("/v1/submissions", params=by_ministry, headers=operator)).json())
    own = (await api.get("/v1/submissions", params=by_ministry, headers=lead)).json()["drafts"]
    assert [d["lead_ministry"] for d in own if d["submission_id"] == request.submission_id] == ["BQP"]
    refusals = (await api.get("/v1/refusals", params={"submission_id": request.submission_id}, headers=operator)).json()
    assert [r["rule"] for r in refusals] == ["operators_read_only"]
    assert (await api.get("/v1/refusals", headers=lead)).status_code == 403


async def test_postponements_and_reports_through_http(api, pool):
    request, lead = await started_at_drafting(api, pool, "BTC")
    drafted = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)
    assert drafted.json()["stage"] == "APPRAISAL"
    ask = {
        "stage": "APPRAISAL", "actor": "MOJ", "agency_code": "BTP", "role": "MINISTER",
        "official": "Nguyễn Văn B", "new_deadline": "2027-03-01", "reason": "chờ ý kiến các bộ",
    }
    moj = await bearer(pool, "BTP", CallerRole.MOJ)
    assert (await api.post(f"/v1/submissions/{request.submission_id}/postponements", json=ask, headers=lead)).json()["error"]["rule"] == "callers_own_role"
    asked = await api.post(f"/v1/submissions/{request.submission_id}/postponements", json=ask, headers=moj)
    assert asked.status_code == 200, asked.text
    assert asked.json()["pending_postponement"]["new_deadline"] == "2027-03-01"

    operator = await bearer(pool, "VPQH", CallerRole.OPERATOR)
    report = await api.get("/v1/reports/deadlines", params={"since": "2026-01-01", "until": "2030-01-01"}, headers=operator)
    assert report.status_code == 200 and report.json()[-1]["agency"] == "ALL"
    backwards = await api.get("/v1/reports/deadlines", params={"since": "2027-01-01", "until": "2026-01-01"}, headers=operator)
    assert (backwards.status_code, backwards.json()["error"]["field"]) == (422, "until")
    assert (await api.get("/v1/reports/deadlines", params={"since": "2026-01-01", "until": "2030-01-01"}, headers=lead)).status_code == 403


async def test_health_and_readiness(api):
    assert (await api.get("/healthz")).json()["status"] == "ok"
    ready = await api.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"temporal": "ok", "postgres": "ok"}


def test_committed_openapi_document_is_current():
    assert json.loads(API_DOC.read_text(encoding="utf-8")) == create_app().openapi(), "run `legis openapi > api/openapi.json`"


async def test_consultation_and_programme_changes_through_http(api, pool):
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid = request.submission_id
    round_request = body(consultation(request, "r1", ("BTC", "BNV")))
    opened = await api.post(f"/v1/submissions/{sid}/consultations", json=round_request, headers=lead)
    assert opened.status_code == 200 and opened.json()["open_consultations"][0]["round_id"] == "r1"

    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    for_another = await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion("BNV", "c1")), headers=btc)
    assert (for_another.status_code, for_another.json()["error"]["rule"]) == (403, "callers_own_agency")
    answered = await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion("BTC", "c1")), headers=btc)
    assert answered.status_code == 200 and answered.json()["awaiting"] == ["BNV"]
    unknown = await api.get(f"/v1/submissions/{sid}/consultations/r9", headers=lead)
    assert (unknown.status_code, unknown.json()["error"]["rule"]) == (404, "round_unknown")
    early = await api.post(f"/v1/submissions/{sid}/consultations/r1/compilation", json=body(compilation(request)), headers=lead)
    assert (early.status_code, early.json()["error"]["rule"]) == (409, "round_still_open")

    change = body(programme_change(ProgrammeChangeKind.SHORTENED))
    by_lead = await api.post(f"/v1/submissions/{sid}/programme-changes", json=change, headers=lead)
    assert (by_lead.status_code, by_lead.json()["error"]["rule"]) == (403, "callers_own_role")
    ubtvqh = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
    moved = await api.post(f"/v1/submissions/{sid}/programme-changes", json=change, headers=ubtvqh)
    assert moved.status_code == 200 and moved.json()["track"] == "SHORTENED" and moved.json()["stage"] == "DRAFTING"


async def test_legis_api_serves_in_its_own_process(dev_env, fresh_database_url):
    """`legis api` as production runs it: its own Temporal client and database pool, on a port of its own."""
    port = free_port()
    env = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host, "LEGIS_DATABASE_URL": fresh_database_url,
           "LEGIS_API_PORT": str(port), "LEGIS_LOG_JSON": "true"}
    process = await asyncio.create_subprocess_exec(LEGIS, "api", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            async def ready():
                try:
                    return (await http.get("/readyz")).status_code
                except httpx.TransportError:
                    return None
            assert await eventually(ready, lambda status: status == 200, seconds=30) == 200
            refused = await http.get("/v1/submissions")
            assert (refused.status_code, refused.json()["error"]["rule"]) == (401, "token_required")
            assert (await http.get("/openapi.json")).json()["info"]["title"] == "legis"
    finally:
        process.terminate()
        # uvicorn shuts down gracefully, then re-raises SIGTERM so that the exit status tells why it stopped.
        assert await asyncio.wait_for(process.wait(), 20) in (0, -signal.SIGTERM)
