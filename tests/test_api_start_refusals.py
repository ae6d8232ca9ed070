"""Starts the HTTP API refuses before anything starts, for what the draft's own first task would not see: the process
version in force when the draft started, and Temporal's payload limit."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from schemas.enums import CallerRole, DocumentKind, Outcome, ProcessVersion, Stage
from schemas.messages import DocumentRef
from tests.drafts import decision, start_request
from tests.http_api import bearer, body, problem


async def test_a_draft_follows_the_process_version_in_force_when_it_started(api, pool):
    """Found by an operator's trial: a new draft started today under LAW_2015 (replaced by LAW_2025 on 2025-04-01) stood at
    LAW_MAKING_PROPOSAL, a stage the law in force no longer has, with its limits; and a LAW_2025 draft entered under way
    with its policy approved in 2024 was started. Both refused, nothing started; a LAW_2015 draft under way since before
    the replacement starts."""
    old = start_request(ProcessVersion.LAW_2015)
    lead = await bearer(pool, old.lead_ministry, CallerRole.LEAD_MINISTRY)
    refused = problem(await api.post("/v1/submissions", json=body(old), headers=lead), 422, "version_in_force", "process_version")
    assert "LAW_2015 was replaced on 2025-04-01" in refused["detail"], refused
    early = start_request()
    step = decision(early, Stage.POLICY_PROPOSAL).model_copy(update={"occurred_on": date(2024, 3, 10)})
    problem(await api.post("/v1/submissions", json=body(early) | {"passed": [body(step)]}, headers=lead), 422, "version_in_force",
            "passed.0.occurred_on")
    for request in (old, early):
        problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)
    proposed = decision(old, Stage.LAW_MAKING_PROPOSAL).model_copy(update={"occurred_on": date(2025, 3, 10)})
    started = await api.post("/v1/submissions", json=body(old) | {"passed": [body(proposed)]}, headers=lead)
    assert started.status_code == 201 and (await api.get(started.headers["location"], headers=lead)).json()["stage"] == "LEGISLATIVE_PROGRAMME"


async def test_a_start_over_temporals_payload_limit_is_refused_naming_the_limit(api, pool):
    """Found by a breaker: a start of 3.7 MB, within the API's 4 MiB, was refused "Temporal refused the request: Blob data
    size exceeds limit.", naming neither the limit nor what to send less of."""
    request = start_request()
    day = datetime.now(UTC).date() - timedelta(days=10)
    documents = tuple(DocumentRef(kind=DocumentKind.COMMENTS_COMPILATION, name=f"{i:02d} " + "Bản tổng hợp ý kiến góp ý của các bộ, ngành " * 6,
                                  sha256=f"{i:064x}", url="https://vbpl.vn/" + "d" * 480) for i in range(50))
    returned = decision(request, Stage.POLICY_PROPOSAL, Outcome.RETURN_FOR_REVISION).model_copy(update={
        "occurred_on": day, "return_to": Stage.POLICY_PROPOSAL, "reasons": "Cần hoàn thiện hồ sơ chính sách. " * 120, "documents": documents})
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    sent = body(request) | {"passed": [body(returned)] * 45}
    assert 2 * 1024 * 1024 < len(json.dumps(sent).encode()) < 4 * 1024 * 1024
    refused = problem(await api.post("/v1/submissions", json=sent, headers=lead), 422, "temporal_accepts", "body")
    assert "at most 2 MB on a default server" in refused["detail"] and "passed" in refused["detail"], refused
    problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)
