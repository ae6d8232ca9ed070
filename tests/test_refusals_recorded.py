"""Every refusal is written to `access_refusals`, whatever the caller put in what it quotes: a NUL in a parameter's
name, a body's key or a path is written as its escape (found by a breaker: PostgreSQL refused the row, the API logged
the database unavailable while it was up, and a caller adding a NUL to each attempt left none in the audit trail)."""

from __future__ import annotations

import json
import uuid

from schemas.enums import CallerRole
from tests.drafts import start_request
from tests.http_api import bearer, body, problem


async def recorded(pool, token: dict[str, str]) -> list[tuple[str, str]]:
    token_id = token["Authorization"].removeprefix("Bearer legis_")[:12]
    return [(r["field"], r["rule"]) for r in await pool.fetch("SELECT field, rule FROM access_refusals WHERE token_id = $1 ORDER BY id", token_id)]


async def test_a_refused_parameter_named_with_a_nul_is_recorded(api, pool):
    reader = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    problem(await api.get("/v1/submissions?stag=DRAFTING", headers=reader), 422, "unknown_parameter", "stag")
    problem(await api.get("/v1/submissions?stag%00=DRAFTING", headers=reader), 422, "unknown_parameter")
    assert await recorded(pool, reader) == [("stag", "unknown_parameter"), ("stag\\x00", "unknown_parameter")]


async def test_a_refused_body_key_holding_a_nul_is_recorded(api, pool):
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    start = json.dumps(body(start_request(ministry="BGDDT")))[:-1]
    for key in ("extra", "extra\\u0000"):
        problem(await api.post("/v1/submissions", content=f'{start}, "{key}": 1}}'.encode(), headers=lead | {"Content-Type": "application/json"}),
                422, "extra_forbidden")
    assert [rule for _, rule in await recorded(pool, lead)] == ["extra_forbidden", "extra_forbidden"]


async def test_an_unknown_path_holding_a_nul_is_recorded(api, pool):
    marker = f"s40-{uuid.uuid4().hex[:10]}"
    problem(await api.get(f"/v1/{marker}"), 404, "route_unknown")
    problem(await api.get(f"/v1/{marker}%00"), 404, "route_unknown")
    actions = [r["action"] for r in await pool.fetch("SELECT action FROM access_refusals WHERE action LIKE $1 ORDER BY id", f"%{marker}%")]
    assert len(actions) == 2 and actions[1].endswith(f"{marker}\\x00"), actions


async def test_a_write_checks_the_token_before_its_query_and_headers_and_records_whose_refusal_it_was(api, pool):
    """Found by an integrator: `POST .../decisions?dry_run=1` without a token was refused for its parameter (422) where a
    read answered 401, and with a token the refusal was recorded naming none."""
    path = "/v1/submissions/BGDDT-2026-017/decisions"
    problem(await api.post(f"{path}?dry_run=1", json={}), 401, "token_required", "Authorization")
    problem(await api.post(path, json={}, headers=[("Idempotency-Key", "a"), ("Idempotency-Key", "b")]), 401, "token_required")
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    problem(await api.post(f"{path}?dry_run=1", json={}, headers=lead), 422, "unknown_parameter", "dry_run")
    twice = [*lead.items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    problem(await api.post(path, json={}, headers=twice), 422, "header_once", "Idempotency-Key")
    assert await recorded(pool, lead) == [("dry_run", "unknown_parameter"), ("Idempotency-Key", "header_once")]
