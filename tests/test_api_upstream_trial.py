"""Found by an upstream system's trial of the HTTP API: a body too large went unrecorded,
a key twice in a nested object was named without its path, and the Bearer
scheme without its token was told only Bearer is accepted."""

from __future__ import annotations

import json
import re
import uuid

import httpx

from api import tokens
from api.plumbing import MAX_BODY_BYTES
from cli.failures import Invalid
from cli.jsonfile import read_json
from schemas.enums import CallerRole, Stage
from tests.drafts import decision, start_request
from tests.http_api import api_client, bearer, body, problem, served_api
from tests.log_lines import LogLines


async def test_a_body_too_large_is_logged_and_recorded_as_every_refusal_is_without_the_body(pool, monkeypatch):
    """The README: every refusal but a rate limit's is logged (`attempt refused`) and written to `access_refusals`; a 413,
    refused before any route by the body's limit, was neither (a 415 was), by its Content-Length or sent in chunks."""
    logs = LogLines()
    monkeypatch.setattr(tokens, "log", logs)
    path = f"/v1/submissions/BIG-{uuid.uuid4().hex[:8]}/decisions"

    async def chunks():
        for _ in range(5):
            yield b"[" * (MAX_BODY_BYTES // 4)

    async with served_api(pool) as base, httpx.AsyncClient(base_url=base, timeout=30) as api:
        declared = await api.post(path, content=b"[" * (MAX_BODY_BYTES + 1), headers={"Content-Type": "application/json",
                                                                                     "X-Request-ID": "too-large-1"})
        chunked = await api.post(path, content=chunks(), headers={"Content-Type": "application/json", "X-Request-ID": "too-large-2"})
    for answer, request_id in ((declared, "too-large-1"), (chunked, "too-large-2")):
        problem(answer, 413, "body_too_large", "body")
        assert answer.headers["x-request-id"] == request_id and len(answer.headers.get_list("x-request-id")) == 1
    rows = await pool.fetch("SELECT * FROM access_refusals WHERE action = $1 ORDER BY id", f"POST {path}")
    assert [(r["status"], r["field"], r["rule"]) for r in rows] == [(413, "body", "body_too_large")] * 2, rows
    assert all("[[" not in r["message"] for r in rows)  # what the body held is not kept
    logged = [line for line in logs if line["event"] == "attempt refused" and line["action"] == f"POST {path}"]
    assert [(line["status"], line["rule"]) for line in logged] == [(413, "body_too_large")] * 2, logs


async def test_a_key_given_twice_or_holding_a_lone_surrogate_is_named_by_its_path(dev_env, pool, tmp_path):
    """Every other refusal of a body names the field's dotted path (`documents.0.kind`); a key given twice in a nested
    object was named `kind` alone. The CLI, which reads a message file as the API reads a body, names it alike."""
    request = start_request()
    moj = body(decision(request, Stage.APPRAISAL)) | {"documents": [{"kind": "APPRAISAL_REPORT", "name": "Báo cáo", "sha256": "a" * 64}]}
    sent = json.dumps(moj)
    twice = sent.replace('"kind": "APPRAISAL_REPORT"', '"kind": "APPRAISAL_REPORT", "kind": "POLICY_PROPOSAL"')
    lone = sent.replace('"kind": "APPRAISAL_REPORT"', '"kind": "APPRAISAL_REPORT", "x\\ud800": 1')
    top = sent[:-1] + ', "outcome": "APPROVE"}'
    cases = ((twice, "duplicate_key", "documents.0.kind"), (lone, "valid_unicode", "documents.0.x\\ud800"), (top, "duplicate_key", "outcome"))
    async with api_client(dev_env.client, pool, worker=False) as http:
        token = await bearer(pool, "BTP", CallerRole.MOJ)
        for text, rule, field in cases:
            answer = await http.post(f"/v1/submissions/{request.submission_id}/decisions", content=text.encode(),
                                     headers=token | {"Content-Type": "application/json"})
            problem(answer, 422, rule, field)
    for text, rule, field in cases:
        file = tmp_path / "decision.json"
        file.write_text(text, encoding="utf-8")
        try:
            read_json(file)
        except Invalid as refused:
            assert (refused.field, refused.rule) == (field, rule), refused.message
        else:
            raise AssertionError(f"{field} not refused")


async def test_the_bearer_scheme_without_its_token_is_a_token_missing(dev_env, pool):
    """`Authorization: Bearer` (or `bearer`) alone was answered `bearer_only`, "only the Bearer scheme is accepted": the
    scheme was Bearer, its token was missing. The codec server says the same (it said `token_malformed`)."""
    path = "/v1/submissions/BGDDT-2026-001"
    async with api_client(dev_env.client, pool, worker=False) as http:
        for header in ("Bearer", "bearer", "BEARER", "Bearer "):
            refused = problem(await http.get(path, headers={"Authorization": header}), 401, "token_required", "Authorization")
            assert "without its token" in refused["detail"], refused
        problem(await http.get(path, headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "bearer_only", "Authorization")
        problem(await http.get(path), 401, "token_required", "Authorization")
        for header, rule in (("Bearer", "token_required"), ("Basic dXNlcjpwYXNz", "bearer_only")):
            codec = await http.post("/codec/decode", json={"payloads": []}, headers={"Authorization": header})
            assert codec.status_code == 401 and codec.json()["rule"] == rule, codec.text


async def test_a_ruling_too_short_is_refused_by_its_length_which_the_document_states(dev_env, pool):
    """`"ruling": "OK"` was refused `ruling_required`, "required unless the point is escalated", under a schema of
    minLength 0. A ruling, as every reason that must be given (`Reason`), has at least 3 characters: one shorter is
    refused as such, and the OpenAPI document says it, for a ruling not escalated."""
    ruling = {"point_id": "P1", "actor": "PM", "agency_code": "CP", "role": "PRIME_MINISTER", "official": "Thủ tướng"}
    async with api_client(dev_env.client, pool, worker=False) as http:
        pm = await bearer(pool, "CP", CallerRole.PM)
        path = f"/v1/submissions/{start_request().submission_id}/rulings"
        for short in ("OK", "x", " OK "):
            refused = problem(await http.post(path, json=ruling | {"ruling": short}, headers=pm), 422, "string_too_short", "ruling")
            assert "at least 3 characters" in refused["detail"], refused
        problem(await http.post(path, json=ruling, headers=pm), 422, "ruling_required", "ruling")
        document = (await http.get("/openapi.json")).json()
    schema = document["components"]["schemas"]["Ruling"]
    assert "at least 3 characters" in schema["properties"]["ruling"]["description"]
    assert schema["if"] == {"properties": {"escalate": {"const": False}}}, schema
    pattern = re.compile(schema["then"]["properties"]["ruling"]["pattern"])
    assert schema["then"]["required"] == ["ruling"] and [bool(pattern.search(t)) for t in ("OK", " OK ", "abc", "Giao Bộ")] == [False, False, True, True]
