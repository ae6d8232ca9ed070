"""Random and malformed requests through the HTTP API, from callers of every role: each is answered
with a success or a structured refusal (never a server error), every refusal on a draft is in the
audit trail, no workflow task fails and no audit row is lost."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.tokens import issue
from schemas.enums import CallerRole
from schemas.enums import Stage
from tests.drafts import decision, start_request
from tests.test_random_input import assert_no_task_failed, decisions, junk, start_mutations
from workers.worker import create_worker
from workflows import client as drafts

CALLERS = [("BGDDT", CallerRole.LEAD_MINISTRY), ("BCT", CallerRole.LEAD_MINISTRY), ("CP", CallerRole.GOVERNMENT),
           ("UBTVQH", CallerRole.UBTVQH), ("BTP", CallerRole.MOJ), ("VPCP", CallerRole.OPERATOR)]
ENDPOINTS = ["decisions", "dossier", "postponements", "postponement-decisions", "disagreements", "rulings"]
REFUSALS = {401, 403, 404, 409, 422, 503}
# Well-formed decisions of the first stages, so that callers' roles and the draft's own rules are tried too.
# CALLERS[2] and CALLERS[3] are the deciders of the first two stages.
VALID = [decision(start_request(), stage).model_dump(mode="json") for stage in (Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING)]


@pytest.fixture(scope="module")
async def http_api(dev_env, pool):
    task_queue = f"fuzz-http-{uuid.uuid4().hex[:8]}"
    tokens = []
    for agency, role in CALLERS:
        tokens.append({"Authorization": f"Bearer {(await issue(pool, agency_code=agency, role=role, issued_by='fuzz'))[1]}"})
    tokens.append({"Authorization": "Bearer legis_000000000000_forged"})
    tokens.append({})
    async with create_worker(dev_env.client, pool, task_queue=task_queue):
        app = create_app(client=dev_env.client, pool=pool, task_queue=task_queue)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://legis.test") as http:
            yield http, tokens


def assert_refusal(response: httpx.Response) -> None:
    assert response.status_code in REFUSALS, (response.status_code, response.text)
    error = response.json()["error"]
    assert error["status"] == response.status_code and error["field"] and error["rule"] and error["message"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    # Half the starts are well-formed and sent by the ministry they name, so that drafts get events.
    mutation=st.one_of(st.just({}), start_mutations),
    starter=st.one_of(st.just(0), st.integers(1, len(CALLERS) + 1)),
    sent=st.lists(
        st.one_of(
            st.tuples(st.just("decisions"), st.one_of(st.sampled_from([2, 3]), st.integers(0, len(CALLERS) + 1)), st.sampled_from(VALID)),
            st.tuples(st.sampled_from(ENDPOINTS), st.integers(0, len(CALLERS) + 1), st.one_of(decisions, junk)),
        ),
        min_size=1,
        max_size=5,
    ),
)
async def test_random_http_requests_get_an_answer_or_a_structured_refusal(dev_env, pool, http_api, mutation, starter, sent):
    http, tokens = http_api
    raw = start_request(prefix="FUZZH").model_dump(mode="json") | mutation
    sid = raw["submission_id"]
    started = await http.post("/v1/submissions", json=raw, headers=tokens[starter])
    if started.status_code != 200:
        assert_refusal(started)
        # A refused start never opens a draft.
        assert (await http.get(f"/v1/submissions/{sid}", headers=tokens[0])).status_code == 404
        return

    refused_here = 0
    for endpoint, who, body in sent:
        response = await http.post(f"/v1/submissions/{sid}/{endpoint}", json=body, headers=tokens[who])
        event(f"{endpoint}: {response.status_code}")
        if response.status_code != 200:
            assert_refusal(response)
            refused_here += 1

    await assert_no_task_failed(drafts.draft(dev_env.client, sid))
    assert await pool.fetchval("SELECT count(*) FROM access_refusals WHERE submission_id = $1", sid) == refused_here
    history = await drafts.history(dev_env.client, sid)
    for _ in range(200):
        rows = await pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1", sid)
        if rows == len(history.entries):
            break
        await asyncio.sleep(0.05)
    assert rows == len(history.entries)
