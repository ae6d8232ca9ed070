"""The HTTP API against a real Temporal dev server and PostgreSQL: tokens, roles, refusals as problems, reads."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from activities.rulebook import shipped_working_calendar
from api.app import create_app
from api.tokens import issue, revoke
from schemas.enums import Actor, CallerRole, Outcome, Role, Stage
from tests.conftest import TEST_KEY_ENTRY
from tests.drafts import decision, example_text, start_request
from tests.http_api import api_client, bearer, body, problem, refusals_of, started_at_drafting
from tests.polling import eventually
from tests.ports import free_port
from tests.scenarios import failing_draft
from tests.stack import LEGIS
from workers.worker import create_worker
from workflows import client as drafts


async def test_start_answers_201_with_location_then_200_and_409_naming_what_differs(api, pool):
    request = start_request(ministry="BGDDT")
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    first = await api.post("/v1/submissions", json=body(request), headers=lead)
    again = await api.post("/v1/submissions", json=body(request), headers=lead)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.headers["location"] == again.headers["location"] == f"/v1/submissions/{request.submission_id}"
    assert first.json() == {"submission_id": request.submission_id, "workflow_id": f"draft-law-{request.submission_id}", "created": True,
                            "warnings": []}
    assert again.json()["created"] is False
    assert (await api.get(first.headers["location"], headers=lead)).json()["title"] == request.title

    retitled = body(request) | {"title": "Luật Nhà giáo"}
    differs = problem(await api.post("/v1/submissions", json=retitled, headers=lead), 409, "submission_exists", "title")
    assert "title" in differs["detail"]

    other = start_request(ministry="BCT")
    problem(await api.post("/v1/submissions", json=body(other), headers=lead), 403, "own_agency_only", "lead_ministry")
    moj = await bearer(pool, "BTP", CallerRole.MOJ)
    problem(await api.post("/v1/submissions", json=body(other), headers=moj), 403, "only_lead_ministry_starts")
    # Recorded under the ID they asked for, which the body carries (found by a new user: `submission_id` null).
    assert [(r["action"], r["rule"]) for r in await refusals_of(pool, request.submission_id)] == [("start_submission", "submission_exists")]
    assert [r["rule"] for r in await refusals_of(pool, other.submission_id)] == ["own_agency_only", "only_lead_ministry_starts"]
    # A body refused by its own rules (422, before the route runs) too (found by a new user: a step's refusal had none).
    untitled = start_request()
    problem(await api.post("/v1/submissions", json=body(untitled) | {"title": " "}, headers=lead), 422, field="title")
    assert [(r["action"], r["status"], r["field"]) for r in await refusals_of(pool, untitled.submission_id)] == [("start_submission", 422, "title")]


async def test_tokens_missing_unknown_revoked_expired_or_not_bearer_are_401_with_a_challenge(api, pool):
    request = start_request()
    path = f"/v1/submissions/{request.submission_id}"
    missing = await api.get(path)
    problem(missing, 401, "token_required", "Authorization")
    assert missing.headers["www-authenticate"] == 'Bearer realm="legis"'
    basic = await api.get(path, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    problem(basic, 401, "bearer_only")
    forged = await api.get(path, headers={"Authorization": "Bearer legis_abcdef012345_not-the-secret"})
    problem(forged, 401, "token_unknown")
    assert 'error="invalid_token"' in forged.headers["www-authenticate"]

    token_id, token = await issue(pool, agency_code="BGDDT", role=CallerRole.LEAD_MINISTRY, issued_by="test operator")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.post("/v1/submissions", json=body(request), headers=headers)).status_code == 201
    assert await revoke(pool, token_id, revoked_by="test operator")
    # Revoked in the evening, UTC: the next day in Ha Noi, the day the refusal names.
    await pool.execute("UPDATE api_tokens SET revoked_at = '2026-12-04T20:00:00Z' WHERE token_id = $1", token_id)
    assert problem(await api.get(path, headers=headers), 401, "token_revoked")["detail"].endswith("revoked on 2026-12-05 (Ha Noi)")
    expired = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY, expires_at=datetime.now(UTC) - timedelta(seconds=1))
    problem(await api.get(path, headers=expired), 401, "token_expired")

    rows = await refusals_of(pool, request.submission_id)
    assert [(r["status"], r["rule"]) for r in rows] == [(401, "token_required"), (401, "bearer_only"), (401, "token_unknown"),
                                                        (401, "token_revoked"), (401, "token_expired")]
    # Whom a revoked token acted for is known (found by a new user: its refusal's agency and role were blank).
    assert (rows[3]["token_id"], rows[3]["agency_code"], rows[3]["role"]) == (token_id, "BGDDT", "LEAD_MINISTRY")
    stored = await pool.fetchval("SELECT secret_sha256 FROM api_tokens WHERE token_id = $1", token_id)
    assert token.split("_", 2)[2].encode() not in bytes(stored)


async def test_a_token_sent_as_a_path_part_or_a_parameter_keeps_its_id_only_in_answers_and_the_audit_trail(api, pool):
    """Found in a user trial: `GET /v1/submissions/<a whole token>` stored the token whole in `access_refusals`, which
    `legis refusals` and `GET /v1/refusals` print; the logs had it as `legis_<id>_[redacted]`, and so does all the rest."""
    token_id, token = await issue(pool, agency_code="VPCP", role=CallerRole.OPERATOR, issued_by="test operator")
    operator = {"Authorization": f"Bearer {token}"}
    secret, redacted = token.removeprefix(f"legis_{token_id}_"), f"legis_{token_id}_[redacted]"
    before = await pool.fetchval("SELECT coalesce(max(id), 0) FROM access_refusals")
    assert len(token) <= 64, "a token fits a submission ID's pattern: it reaches the route, not `path_pattern`"
    # Refused before any call to Temporal, which would carry it as a workflow's ID (a breaker found it in the spans).
    answers = [problem(await api.get(f"/v1/submissions/{token}", headers=operator), 422, "not_a_secret", "submission_id"),
               problem(await api.get(f"/v1/submissions/{token}/history", headers=operator), 422, "not_a_secret"),
               problem(await api.get(f"/v1/submissions?{token}=1", headers=operator), 422, "unknown_parameter"),
               problem(await api.post(f"/v1/submissions/{token}/decisions", json={"stage": token}, headers=operator), 422)]
    for answer in answers:
        assert secret not in json.dumps(answer), answer
    assert answers[2]["field"] == redacted, answers[2]
    rows = await pool.fetch("SELECT * FROM access_refusals WHERE id > $1 ORDER BY id", before)
    assert len(rows) == len(answers) and any(row["submission_id"] == redacted for row in rows), [dict(r) for r in rows]
    assert not [row for row in rows if secret in json.dumps(dict(row), default=str)], rows
    listed = await api.get("/v1/refusals", headers=operator)
    assert listed.status_code == 200 and redacted in listed.text and secret not in listed.text
    # A row written whole before this was fixed is read back redacted.
    await pool.execute("INSERT INTO access_refusals (action, submission_id, status, field, rule, message) VALUES "
                       "('readSubmission', $1, 404, 'submission_id', 'draft_unknown', $2)", token, f"no draft {token}")
    listed = await api.get("/v1/refusals", headers=operator)
    assert listed.status_code == 200 and secret not in listed.text
    # A breaker's finds: a token glued to other text ("x" + token) passed the redaction whole, and the pages wrote the
    # address back (the language switch's `back`, the sign-in's `next`).
    glued = await api.get(f"/v1/submissions/x{token[:60]}", headers=operator)
    assert glued.status_code in (404, 422) and token[:60].removeprefix(f"legis_{token_id}_") not in glued.text, glued.text
    for page in (f"/public/consultations/{token}", f"/board/{token}", f"/board/drafts/{token}", f"/board/signin?next=/board/drafts/{token}",
                 f"/language/en?back=/board/drafts/{token}"):
        answered = await api.get(page)
        assert secret not in answered.text and secret not in answered.headers.get("location", ""), (page, answered.headers, answered.text)


async def test_decisions_only_by_the_role_that_decides_at_the_stage(api, pool):
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}/decisions"
    moj = await bearer(pool, "BTP", CallerRole.MOJ)

    early = problem(await api.post(path, json=body(decision(request, Stage.APPRAISAL)), headers=moj), 409, "current_stage_only", "stage")
    assert early["kind"] == "STALE"  # one rule, one kind: the caller's view is not the draft's, whichever way
    as_moj = decision(request, Stage.DRAFTING).model_copy(update={"actor": Actor.MOJ, "agency_code": "BTP"})
    problem(await api.post(path, json=body(as_moj), headers=moj), 403, "stage_authority", "actor")
    problem(await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=moj), 403, "callers_own_role")
    another_ministry = await bearer(pool, "BCT", CallerRole.LEAD_MINISTRY)
    sent = decision(request, Stage.DRAFTING).model_copy(update={"agency_code": "BCT"})
    problem(await api.post(path, json=body(sent), headers=another_ministry), 403, "lead_ministry_only")

    approved = await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=lead)
    assert approved.status_code == 200, approved.text
    receipt = approved.json()
    assert (receipt["stage"], receipt["to_stage"], receipt["duplicate"]) == ("DRAFTING", "APPRAISAL", False)
    appraised = await api.post(path, json=body(decision(request, Stage.APPRAISAL)), headers=moj)
    assert appraised.json()["to_stage"] == "GOVERNMENT_REVIEW"
    # A decision on a stage the draft has left is stale, not forbidden.
    stale = problem(await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=lead), 409, field="stage")
    assert stale["kind"] == "STALE"

    rules = [r["rule"] for r in await refusals_of(pool, request.submission_id)]
    assert rules == ["current_stage_only", "stage_authority", "callers_own_role", "lead_ministry_only", "current_stage_only"]


async def test_a_message_to_a_closed_draft_is_409_naming_its_end_not_404(api, dev_env, pool):
    """A draft whose workflow has ended is known: what is sent to it is refused as closed, naming the final stage (or,
    for a workflow ended otherwise, how it ended), and the refusal is recorded; a submission never started stays 404."""
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}"
    withdrawal = decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
    assert (await api.post(f"{path}/decisions", json=body(withdrawal), headers=lead)).json()["to_stage"] == "WITHDRAWN"
    handle = dev_env.client.get_workflow_handle(f"draft-law-{request.submission_id}")
    await eventually(handle.describe, lambda described: described.status is not None and described.status.name == "COMPLETED")

    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    for response in (await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead),
                     await api.post(f"{path}/decisions", json=body(decision(request, Stage.GOVERNMENT_DECISION)), headers=government),
                     await api.post(f"{path}/decisions", json=body(withdrawal), headers=lead)):
        closed = problem(response, 409, "draft_closed", "submission_id")
        assert closed["kind"] == "CLOSED" and closed["detail"] == "the draft is WITHDRAWN; its record is final"
    assert (await api.get(path, headers=lead)).json()["stage"] == "WITHDRAWN"
    assert [r["rule"] for r in await refusals_of(pool, request.submission_id)][-3:] == ["draft_closed"] * 3

    ended, _ = await started_at_drafting(api, pool)
    await dev_env.client.get_workflow_handle(f"draft-law-{ended.submission_id}").terminate("test")
    terminated = problem(await api.post(f"/v1/submissions/{ended.submission_id}/decisions", json=body(decision(ended, Stage.DRAFTING)),
                                        headers=lead), 409, "draft_closed", "submission_id")
    assert terminated["detail"] == "the draft has ended (TERMINATED at DRAFTING); it takes no more messages"
    # Its status says so, with nothing pending (its own query answers as it stood); the same start again is no 200.
    status = (await api.get(f"/v1/submissions/{ended.submission_id}", headers=lead)).json()
    assert status["ended"] == "TERMINATED" and status["pending"] is None and status["stage"] == "DRAFTING"
    assert "ended" not in (await api.get(path, headers=lead)).json()
    again = problem(await api.post("/v1/submissions", json=body(ended), headers=lead), 409, "draft_closed", "submission_id")
    assert again["detail"] == terminated["detail"]
    problem(await api.post("/v1/submissions", json=body(request), headers=lead), 409, "draft_closed", "submission_id")
    never = start_request()
    problem(await api.post(f"/v1/submissions/{never.submission_id}/decisions", json=body(decision(never, Stage.POLICY_PROPOSAL)),
                           headers=government), 404, "draft_unknown", "submission_id")


async def test_a_start_the_draft_would_refuse_is_refused_before_it_starts_and_leaves_its_id_free(api, pool):
    """Found by a new user: a start whose imported step breaks a rule was answered 201, then failed, and its submission
    ID could never be used again. The steps are checked as the draft's first task checks them, before anything starts."""
    request = start_request()
    good = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"occurred_on": datetime.now(UTC).date() - timedelta(days=10)})
    bad = good.model_copy(update={"actor": Actor.MOJ, "agency_code": "BTP"})
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    refused = problem(await api.post("/v1/submissions", json=body(request) | {"passed": [body(bad)]}, headers=lead), 422, "stage_authority",
                      "passed.0.actor")
    assert "POLICY_PROPOSAL" in refused["detail"]
    problem(await api.get(f"/v1/submissions/{request.submission_id}", headers=lead), 404)
    started = await api.post("/v1/submissions", json=body(request) | {"passed": [body(good)]}, headers=lead)
    assert started.status_code == 201 and (await api.get(started.headers["location"], headers=lead)).json()["stage"] == "LEGISLATIVE_PROGRAMME"


async def test_a_known_submission_is_answered_as_such_before_a_new_one_is_checked(api, pool):
    """Found by a breaker: the check before a start ran for a submission Temporal knew already, so a repeated start was
    refused by rules that changed since (a later calendar) instead of answered "open already". And a submission the
    registry records closed, whose workflow Temporal no longer keeps (past its retention), is refused, not started."""
    request, lead = await started_at_drafting(api, pool)
    # What a check of it as a new start would refuse now: the registry records it closed.
    await pool.execute("UPDATE submissions SET stage = 'REJECTED' WHERE submission_id = $1", request.submission_id)
    again = await api.post("/v1/submissions", json=body(request), headers=lead)
    assert again.status_code == 200 and again.json()["created"] is False, again.text
    gone = start_request()
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq, responsible) VALUES ($1, $2, 't', $3, 'LAW_2025', '16-2', 'REJECTED', now(), false, "
                       "4, $3)", gone.submission_id, f"draft-law-{gone.submission_id}", gone.lead_ministry)
    closed = problem(await api.post("/v1/submissions", json=body(gone), headers=lead), 409, "draft_closed", "submission_id")
    assert "closed as REJECTED" in closed["detail"]
    problem(await api.get(f"/v1/submissions/{gone.submission_id}", headers=lead), 404)


async def test_a_start_the_draft_refuses_reads_as_ended_with_its_field_and_rule(api, dev_env, pool):
    """Started by a system other than the API (the Python client here, or `temporal workflow start`), refused by the
    draft's first task (an imported step by an official who does not decide there): reads and messages then say why it
    ended, instead of "retry shortly" for ever."""
    request = start_request()
    step = decision(request, Stage.POLICY_PROPOSAL).model_copy(update={"actor": Actor.MOJ, "agency_code": "BTP",
                                                                       "occurred_on": datetime.now(UTC).date() - timedelta(days=10)})
    lead = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    await drafts.start_submission(dev_env.client, request.model_copy(update={"passed": (step,)}), task_queue=api.task_queue)
    handle = dev_env.client.get_workflow_handle(f"draft-law-{request.submission_id}")
    await eventually(handle.describe, lambda described: described.status is not None and described.status.name == "FAILED")
    path = f"/v1/submissions/{request.submission_id}"
    for response in (await api.get(path, headers=lead),
                     await api.post(f"{path}/decisions", json=body(decision(request, Stage.POLICY_PROPOSAL)), headers=await bearer(pool, "CP", CallerRole.GOVERNMENT))):
        ended = problem(response, 409, "draft_closed", "submission_id")
        assert ended["detail"].startswith("the draft has ended (FAILED at POLICY_PROPOSAL: passed.0.actor: ") and "(rule: stage_authority)" in ended["detail"], ended


async def test_the_drafts_own_refusals_name_the_field_and_rule_and_record_nothing(api, pool):
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}/decisions"
    without_documents = decision(request, Stage.DRAFTING).model_copy(update={"documents": ()})
    refused = await api.post(path, json=body(without_documents), headers=lead)
    problem(refused, 422, "required_documents", "documents")
    # The audit trail is written after each message is applied: a dossier filed after the refusal, once written, shows
    # whether anything was recorded between (reading the trail at once raced its writes on a busy machine).
    filing = json.loads(example_text("dossier-filing.json").replace("BGDDT-2026-017", request.submission_id))
    assert (await api.post(f"/v1/submissions/{request.submission_id}/dossier", json=filing, headers=lead)).status_code == 200

    async def trail():
        return [e["event"] for e in (await api.get(f"/v1/submissions/{request.submission_id}/history", headers=lead)).json()["entries"]]

    events = await eventually(trail, lambda events: "DOSSIER_FILED" in events, seconds=30)
    assert events == ["SUBMITTED", "DECISION", "DECISION", "DOSSIER_FILED"]


async def test_malformed_bodies_name_the_field_and_rule(api, pool):
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    request = body(start_request())
    short_title = problem(await api.post("/v1/submissions", json=request | {"title": "Ab"}, headers=lead), 422, field="title")
    assert short_title["rule"] != "value_error" and short_title["errors"][0]["field"] == "title"
    problem(await api.post("/v1/submissions", json=request | {"law_kind": "AMENDING_LAW"}, headers=lead), 422, field="amended_law")
    problem(await api.post("/v1/submissions", content=b"{", headers=lead | {"Content-Type": "application/json"}), 422, "json_invalid", "body")
    several = problem(await api.post("/v1/submissions", json=request | {"title": "", "lead_ministry": "bgd dt"}, headers=lead), 422)
    assert {e["field"] for e in several["errors"]} >= {"title", "lead_ministry"}
    assert all(e["rule"] != "value_error" for e in several["errors"])
    problem(await api.get("/v1/submissions/NO-SUCH-DRAFT", headers=lead), 404, "draft_unknown", "submission_id")


async def test_every_body_is_required_and_a_request_without_one_is_422(api, pool):
    # Found by the random HTTP test: three routes took a missing body as Python's Ellipsis and answered 500.
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    taking_a_body = [(path, op) for path, ops in create_app().openapi()["paths"].items() for op in ops.values() if "requestBody" in op]
    assert len(taking_a_body) >= 13
    for path, op in taking_a_body:
        assert op["requestBody"].get("required") is True, path
        url = path.replace("{submission_id}", "NO-SUCH-DRAFT").replace("{round_id}", "r1")
        problem(await api.post(url, headers=lead), 422, "missing", "body")


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

    problem(await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=operator), 403, "operators_read_only")

    assert seen_by_operator["lead_ministry"] == "(classified)"
    listed = (await api.get("/v1/submissions", params={"stage": "DRAFTING", "size": 100}, headers=operator)).json()
    shown = [d for d in listed["items"] if d["submission_id"] == request.submission_id]
    # Its title reads "(classified)" as its ministry and session do (found by a fresh-user trial: `null`).
    assert shown and (shown[0]["title"], shown[0]["lead_ministry"], shown[0]["target_session"]) == ("(classified)",) * 3
    # Whose it is stays classified: filtering on the ministry, or searching the title, finds it only for that ministry.
    for query in ({"stage": "DRAFTING", "ministry": "BQP"}, {"q": request.title}):
        assert request.submission_id not in json.dumps((await api.get("/v1/submissions", params=query, headers=operator)).json())
    own = (await api.get("/v1/submissions", params={"stage": "DRAFTING", "ministry": "BQP"}, headers=lead)).json()["items"]
    assert [d["lead_ministry"] for d in own if d["submission_id"] == request.submission_id] == ["BQP"]
    # The registry holds no classified title: its own ministry reads it in the draft's status.
    assert [d["title"] for d in own if d["submission_id"] == request.submission_id] == [None]
    refusals = (await api.get("/v1/refusals", params={"submission_id": request.submission_id}, headers=operator)).json()
    assert [r["rule"] for r in refusals] == ["operators_read_only"]
    problem(await api.get("/v1/refusals", headers=lead), 403)


async def test_a_refused_value_of_a_repeatable_parameter_names_the_parameter_not_its_index(api, pool):
    """Found by a new user: `?stage=FOO` was refused naming the field `stage.0`, pydantic's place for the list's first
    value, which is no parameter; the parameter is named as sent, its message quoting the value refused."""
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    for query, field, value in (([("stage", "FOO")], "stage", "FOO"), ([("stage", "DRAFTING"), ("stage", "FOO")], "stage", "FOO"),
                                ([("ministry", "BGDDT"), ("ministry", "bad x")], "ministry", "bad x")):
        answer = problem(await api.get("/v1/submissions", params=query, headers=operator), 422, field=field)
        assert [e["field"] for e in answer["errors"]] == [field] and answer["detail"].startswith(f"{value!r} is refused: "), answer
    both = problem(await api.get("/v1/submissions", params=[("stage", "FOO"), ("ministry", "x")], headers=operator), 422, "enum", "stage")
    assert [e["field"] for e in both["errors"]] == ["stage", "ministry"] and "'DRAFTING'" in both["detail"], both


async def test_postponements_and_reports_through_http(api, pool):
    request, lead = await started_at_drafting(api, pool, "BTC")
    sid = request.submission_id
    drafted = await api.post(f"/v1/submissions/{sid}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)
    assert drafted.json()["to_stage"] == "APPRAISAL"
    assert "warnings" not in drafted.json()
    deadline = date_of((await api.get(f"/v1/submissions/{sid}", headers=lead)).json()["stage_deadline"])
    sunday = deadline + timedelta(days=20 + (6 - (deadline + timedelta(days=20)).weekday()))
    ask = {
        "stage": "APPRAISAL", "actor": "MOJ", "agency_code": "BTP", "role": "MINISTER",
        "official": "Nguyễn Văn B", "new_deadline": sunday.isoformat(), "reason": "chờ ý kiến các bộ",
    }
    moj = await bearer(pool, "BTP", CallerRole.MOJ)
    problem(await api.post(f"/v1/submissions/{sid}/postponements", json=ask, headers=lead), 403, "callers_own_role")
    asked = await api.post(f"/v1/submissions/{sid}/postponements", json=ask, headers=moj)
    assert asked.status_code == 200, asked.text
    # Said in the receipt as the CLI says it (found by a ministry's trial: the API's receipt said nothing of it).
    assert asked.json()["warnings"] == [f"the deadline asked falls on {sunday}, {shipped_working_calendar().rest_day(sunday)}: if the day is mistyped, ask again with the "
                                        "right one (a date approved is kept as it is)"], asked.json()
    status = (await api.get(f"/v1/submissions/{sid}", headers=lead)).json()
    assert status["pending_postponement"]["new_deadline"] == ask["new_deadline"]

    operator = await bearer(pool, "VPQH", CallerRole.OPERATOR)
    report = await api.get("/v1/reports/deadlines", params={"since": "2026-01-01", "until": "2030-01-01"}, headers=operator)
    assert report.status_code == 200 and report.json()[-1]["agency"] == "ALL"  # with the rate the CLI and the board show (a new user's)
    assert all(r["on_time_rate"] == (r["on_time"] / (r["on_time"] + r["late"]) if r["on_time"] + r["late"] else None) for r in report.json())
    # Without dates the report covers this year to today, as `legis report` does.
    assert (await api.get("/v1/reports/deadlines", headers=operator)).status_code == 200
    problem(await api.get("/v1/reports/deadlines", params={"since": "2027-01-01", "until": "2026-01-01"}, headers=operator), 422, field="until")
    problem(await api.get("/v1/reports/deadlines", params={"since": "1764547200"}, headers=operator), 422, "date_from_datetime_parsing", "since")
    # A lead ministry reads its own drafts' report (tests/test_follow_up.py), another's not; the other bodies none.
    period = {"since": "2026-01-01", "until": "2030-01-01"}
    problem(await api.get("/v1/reports/deadlines", params=period | {"ministry": "BGDDT"}, headers=lead), 403, "own_ministry_only", "ministry")
    problem(await api.get("/v1/reports/deadlines", params=period, headers=moj), 403, "reports_for_offices")


def date_of(text: str):
    return datetime.fromisoformat(text).date() if "T" in text else datetime.strptime(text, "%Y-%m-%d").date()


async def test_health_and_readiness(api):
    assert (await api.get("/healthz")).json()["status"] == "ok"
    ready = await api.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"temporal": "ok", "postgres": "ok"}
    # As every route (found by a fuzzer: `?foo=1` answered 200).
    for probe in ("/healthz", "/readyz"):
        problem(await api.get(probe, params={"foo": "1"}), 422, "unknown_parameter")


async def test_legis_api_serves_in_its_own_process(dev_env, fresh_database_url):
    """`legis api` as production runs it: its own Temporal client and database pool, on a port of its own, with its
    access lines (request ID, and the trace ID of the caller's `traceparent`) and its Prometheus /metrics."""
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "LEGIS_ENCRYPTION_KEYS": TEST_KEY_ENTRY, "LEGIS_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host, "LEGIS_DATABASE_URL": fresh_database_url,
           "LEGIS_API_PORT": str(port), "LEGIS_METRICS_PORT": str(metrics_port), "LEGIS_LOG_JSON": "true"}
    process = await asyncio.create_subprocess_exec(LEGIS, "api", env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            async def ready():
                try:
                    return (await http.get("/readyz")).status_code
                except httpx.TransportError:
                    return None
            assert await eventually(ready, lambda status: status == 200, seconds=30) == 200
            problem(await http.get("/v1/submissions"), 401, "token_required")
            assert (await http.get("/openapi.json")).json()["info"]["title"] == "legis"
            head = await http.head("/healthz")
            assert head.status_code == 200 and head.content == b""
            caller_trace = "4bf92f3577b34da6a3ce929d0e0e4736"
            traced = await http.get("/v1/submissions", headers={"traceparent": f"00-{caller_trace}-00f067aa0ba902b7-01", "X-Request-ID": "api-1"})
            assert traced.headers["x-request-id"] == "api-1"
            # A request is counted once its answer has gone, which the caller may read first (a loaded CI ran ahead of it).
            counted = lambda text: _sample(text, "http_server_request_duration_seconds_count", http_request_method="GET",  # noqa: E731
                                           http_route="/v1/submissions", http_response_status_code="401", service_name="legis-api")
            metrics = (await eventually(lambda: http.get(f"http://127.0.0.1:{metrics_port}/metrics"), lambda answer: counted(answer.text) >= 2)).text
            assert counted(metrics) == 2
            assert "temporal_request_total{" in metrics and 'service_name="temporal-core-sdk"' not in metrics
    finally:
        process.terminate()
        # uvicorn shuts down gracefully, then re-raises SIGTERM so that the exit status tells why it stopped.
        assert await asyncio.wait_for(process.wait(), 20) in (0, -signal.SIGTERM)
    lines = [json.loads(line) for line in (await process.stdout.read()).decode().splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line.get("event") == "request" and line.get("request_id") == "api-1"]
    assert access["trace_id"] == caller_trace and access["status"] == 401 and access["span_id"] != "00f067aa0ba902b7"


def _sample(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include `labels`, from Prometheus's text format."""
    return sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


async def test_a_draft_whose_workflow_task_fails_is_503_naming_it_never_500(dev_env, pool):
    """Its worker cannot open what the draft was started with: reads and writes are refused with Retry-After, naming
    the submission and where to look, as a Temporal outage is."""
    task_queue = f"failing-{uuid.uuid4().hex[:8]}"
    async with create_worker(dev_env.client, pool, task_queue=task_queue), api_client(dev_env.client, pool, worker=False) as api:
        request = await failing_draft(dev_env.client, task_queue)
        path = f"/v1/submissions/{request.submission_id}"
        operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
        government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
        for response in (await api.get(path, headers=operator), await api.get(f"{path}/history", headers=operator),
                         await api.post(f"{path}/decisions", json=body(decision(request, Stage.POLICY_PROPOSAL)), headers=government)):
            failing = problem(response, 503, "draft_task_failing", "submission_id")
            assert response.headers["retry-after"] and request.submission_id in failing["detail"] and "worker's log" in failing["detail"]


async def test_a_start_naming_another_day_for_an_announced_session_says_so(dev_env, fresh_database_url):
    """The draft aims at the session's announced day, as `legis start` warns (found by a breaker: the API, where a
    ministry's system typed the day, said nothing); a start sent again, creating nothing, says nothing more."""
    from activities import calendar
    from activities.database import create_pool

    own = await create_pool(fresh_database_url)
    try:
        request = start_request(ministry="BGDDT")
        announced = request.target_session.opens_on + timedelta(days=4)
        async with own.acquire() as connection:
            await calendar.set_session(connection, request.target_session.model_copy(update={"opens_on": announced}), changed_by="VPQH")
        async with api_client(dev_env.client, own) as api:
            lead = await bearer(own, "BGDDT", CallerRole.LEAD_MINISTRY)
            first = await api.post("/v1/submissions", json=body(request), headers=lead)
            again = await api.post("/v1/submissions", json=body(request), headers=lead)
            assert first.status_code == 201 and first.json()["warnings"] == [
                f"session {request.target_session.code} opens on {announced} as announced: the draft aims at that day "
                f"(the request said {request.target_session.opens_on})"], first.text
            assert again.status_code == 200 and again.json()["warnings"] == []
            status = await api.get(f"/v1/submissions/{request.submission_id}", headers=lead)
            assert status.json()["target_session"]["opens_on"] == str(announced)
    finally:
        await own.close()


async def test_a_documents_hash_in_capitals_is_taken_and_kept_in_small_letters(api, pool):
    """Found by a ministry's trial: Windows' Get-FileHash and certutil print a SHA-256 in capitals, which was refused
    `string_pattern_mismatch`; it is the same hash, kept in small letters. A hash that is no hash is still refused."""
    request, lead = await started_at_drafting(api, pool)
    filing = json.loads(example_text("dossier-filing.json").replace("BGDDT-2026-017", request.submission_id))
    hashes = [f"{n:02x}" * 31 + "ef" for n in range(170, 170 + len(filing["documents"]))]  # with letters
    capitals = filing | {"documents": [document | {"sha256": h.upper()} for document, h in zip(filing["documents"], hashes, strict=True)]}
    path = f"/v1/submissions/{request.submission_id}"
    assert (await api.post(f"{path}/dossier", json=capitals, headers=lead)).status_code == 200
    # The filing's version, written after its answer (found by a CI run: an earlier decision's version was read first).
    versions = await eventually(lambda: api.get(f"{path}/versions", headers=lead), lambda answer: answer.json().get("versions") and {
        d["sha256"] for d in answer.json()["versions"][-1]["documents"]} >= set(hashes), seconds=30)
    kept = [d["sha256"] for d in versions.json()["versions"][-1]["documents"]]
    assert set(hashes) <= set(kept) and all(h == h.lower() for h in kept), kept
    nohash = filing | {"documents": [filing["documents"][0] | {"sha256": "G" * 64}]}
    problem(await api.post(f"{path}/dossier", json=nohash, headers=lead), 422, "string_pattern_mismatch", "documents.0.sha256")


async def test_a_return_that_names_no_stage_says_where_the_rulebook_sent_the_draft(api, pool):
    """Found by a ministry's trial: the Government's return without `return_to` sent a draft back to DRAFTING, and to a
    new appraisal, without a word. The receipt says where the rulebook's default took it; one naming its stage says nothing."""
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}/decisions"
    assert (await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=lead)).status_code == 200
    moj = await bearer(pool, "BTP", CallerRole.MOJ)
    returned = await api.post(path, json=body(decision(request, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION)), headers=moj)
    assert returned.status_code == 200 and returned.json()["to_stage"] == "DRAFTING", returned.text
    [said] = returned.json()["warnings"]
    assert said.startswith("return_to not given: the draft returns to DRAFTING, the rulebook's default for APPRAISAL"), said
    assert (await api.post(path, json=body(decision(request, Stage.DRAFTING)), headers=lead)).status_code == 200
    named = await api.post(path, json=body(decision(request, Stage.APPRAISAL, Outcome.RETURN_FOR_REVISION, return_to=Stage.DRAFTING)),
                           headers=moj)
    assert named.status_code == 200 and "warnings" not in named.json(), named.text
