"""Idempotency keys on the HTTP API (`api/idempotency.py`): a retry gets the first answer, a reused key is refused, a key
is kept 30 days."""

from __future__ import annotations

import hashlib
import json

from schemas.enums import CallerRole, Stage
from tests.drafts import decision, draft_text, start_request
from tests.http_api import bearer, body, problem
from tests.polling import eventually


async def test_idempotency_keys_answer_a_retry_with_the_first_answer_and_refuse_a_reused_key(api, lead, pool):
    request = start_request()
    key = {"Idempotency-Key": f"start-{request.submission_id}"}
    first = await api.post("/v1/submissions", json=body(request), headers=lead | key)
    again = await api.post("/v1/submissions", json=body(request), headers=lead | key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    # The same request as another client writes it, keys in another order and spaced: the same request (found in a
    # review: the bytes were hashed, so such a retry was refused as another request).
    rewritten = json.dumps(dict(reversed(body(request).items())), indent=2, ensure_ascii=True).encode()
    assert rewritten != json.dumps(body(request)).encode()
    third = await api.post("/v1/submissions", content=rewritten, headers=lead | key | {"Content-Type": "application/json"})
    assert (third.status_code, third.json(), third.headers["idempotent-replayed"]) == (201, first.json(), "true")
    other = body(start_request())
    problem(await api.post("/v1/submissions", json=other, headers=lead | key), 422, "idempotency_key_reused", "Idempotency-Key")
    # A key recorded by an earlier release, with the hash of the body's bytes, still answers the same bytes.
    await pool.execute("UPDATE idempotency_keys SET request_sha256 = $1 WHERE key = $2",
                       hashlib.sha256(b"\n".join([b"POST", b"/v1/submissions", json.dumps(body(request)).encode()])).hexdigest(), key["Idempotency-Key"])
    assert (await api.post("/v1/submissions", content=json.dumps(body(request)).encode(),
                           headers=lead | key | {"Content-Type": "application/json"})).headers["idempotent-replayed"] == "true"

    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    decided = body(decision(request, Stage.POLICY_PROPOSAL))
    path = f"/v1/submissions/{request.submission_id}/decisions"
    # Found by a new user: a refusal was forgotten, so the same request sent again once the draft had reached its stage was
    # applied, after its sender was told it was refused. The refusal is the answer the key keeps.
    committee = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
    early = (path, body(decision(request, Stage.LEGISLATIVE_PROGRAMME)), committee | {"Idempotency-Key": "programme-early"})
    too_early = problem(await api.post(early[0], json=early[1], headers=early[2]), 409, "current_stage_only")
    once = await api.post(path, json=decided, headers=government | {"Idempotency-Key": "decision-1"})
    assert once.status_code == 200 and once.json()["to_stage"] == "LEGISLATIVE_PROGRAMME"
    # Sent again after the draft moved on, a check would now refuse it as stale: the first answer comes back instead.
    retried = await api.post(path, json=decided, headers=government | {"Idempotency-Key": "decision-1"})
    assert (retried.status_code, retried.json()) == (200, once.json())
    # Another token's key is another key here, but the same request ID for the draft, which refuses it naming the header.
    reused = await api.post(path, json=early[1], headers=committee | {"Idempotency-Key": "decision-1"})
    problem(reused, 422, "idempotency_key_reused", "Idempotency-Key")
    again = await api.post(early[0], json=early[1], headers=early[2])
    assert (again.status_code, again.json(), again.headers["idempotent-replayed"]) == (409, too_early, "true")
    without_key = await api.post(path, json=decided, headers=government)
    assert problem(without_key, 409, "current_stage_only")["kind"] == "STALE"
    # A refusal is an answer too: the same key gets it again.
    refused = await api.post(path, json=decided, headers=government | {"Idempotency-Key": "decision-2"})
    assert (await api.post(path, json=decided, headers=government | {"Idempotency-Key": "decision-2"})).json() == refused.json()
    history = (await api.get(f"/v1/submissions/{request.submission_id}/history", headers=lead)).json()["entries"]
    assert [e["event"] for e in history] == ["SUBMITTED", "DECISION"]
    spaced = problem(await api.post(path, json=decided, headers=government | {"Idempotency-Key": "bad key with spaces"}), 422,
                     "string_pattern_mismatch", "Idempotency-Key")
    assert spaced["detail"] == "printable ASCII without spaces, '!' to '~' (pattern ^[\\x21-\\x7e]+$)", spaced


async def test_an_idempotency_key_is_forgotten_after_30_days(api, lead, pool):
    first, second = body(start_request()), body(start_request())
    key = {"Idempotency-Key": "kept-for-30-days"}
    assert (await api.post("/v1/submissions", json=first, headers=lead | key)).status_code == 201
    await pool.execute("UPDATE idempotency_keys SET created_at = now() - interval '31 days' WHERE key = 'kept-for-30-days'")
    reused = await api.post("/v1/submissions", json=second, headers=lead | key)
    assert reused.status_code == 201 and reused.json()["submission_id"] == second["submission_id"]
    assert await pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = 'kept-for-30-days'") == 1


async def test_an_empty_key_and_a_parameter_a_write_does_not_take_are_refused_not_ignored(api, lead, pool):
    """Found by an integrator's trial: `Idempotency-Key:` sent empty was taken as no key (the same filing, sent twice,
    recorded twice), and `POST .../decisions?dry_run=true` decided for real, the parameter dropped unseen."""
    request = start_request()
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    path = f"/v1/submissions/{request.submission_id}/decisions"
    decided = body(decision(request, Stage.POLICY_PROPOSAL))
    problem(await api.post(path, json=decided, headers=government | {"Idempotency-Key": ""}), 422, field="Idempotency-Key")
    dry = problem(await api.post(path, params={"dry_run": "true"}, json=decided, headers=government), 422, "unknown_parameter", "dry_run")
    assert dry["detail"] == "dry_run is not a parameter of this route; known: none", dry
    problem(await api.post("/v1/submissions", params={"validate_only": "1"}, json=body(start_request()), headers=lead), 422,
            "unknown_parameter", "validate_only")
    # Nothing was applied: the draft still stands at its first stage, its events only its submission.
    status = (await api.get(f"/v1/submissions/{request.submission_id}", headers=lead)).json()
    assert (status["stage"], status["events_recorded"]) == ("POLICY_PROPOSAL", 1), status


async def test_a_body_that_does_not_validate_is_refused_before_its_key_is_kept(api, lead):
    """Found by a fresh-user trial: the README said keys were kept "before any check", while a key reused on another
    route with a body that does not validate got the body's problems: the body is checked first, and its key not kept."""
    request = start_request()
    key = {"Idempotency-Key": f"validated-{request.submission_id}"}
    assert (await api.post("/v1/submissions", json=body(request), headers=lead | key)).status_code == 201
    path = f"/v1/submissions/{request.submission_id}/dossier"
    problem(await api.post(path, json={}, headers=lead | key), 422, "missing")
    problem(await api.post(path, json=body(draft_text(request)), headers=lead | key), 422, "idempotency_key_reused", "Idempotency-Key")
    fresh = {"Idempotency-Key": f"unkept-{request.submission_id}"}
    problem(await api.post("/v1/submissions", json={}, headers=lead | fresh), 422, "missing")
    retried = await api.post("/v1/submissions", json=body(start_request()), headers=lead | fresh)
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers, retried.text


async def test_a_key_answers_its_retry_through_the_systems_new_token_after_a_rotation(api, pool):
    """Found by an integrator's trial: keys were kept per token, so that a filing retried under its key after the system's
    token was rotated (a new token of the same agency and role, the old one revoked) ran again, and, with the draft's
    256 remembered requests passed, was filed twice. A key is its caller's agency and role's, as payment APIs keep keys
    per account: another agency's, or another role's, is its own."""
    from api.tokens import revoke
    from tests.http_api import started_at_drafting

    request, old = await started_at_drafting(api, pool)
    path, key = f"/v1/submissions/{request.submission_id}/dossier", {"Idempotency-Key": f"dms-outbox-{request.submission_id}"}
    first = await api.post(path, json=body(draft_text(request)), headers=old | key)
    assert first.status_code == 200, first.text
    token_id = old["Authorization"].removeprefix("Bearer ").split("_")[1]
    assert await revoke(pool, token_id, revoked_by="test operator")
    new = await bearer(pool, request.lead_ministry, CallerRole.LEAD_MINISTRY)
    retried = await api.post(path, json=body(draft_text(request)), headers=new | key)
    assert (retried.status_code, retried.json(), retried.headers.get("idempotent-replayed")) == (200, first.json(), "true"), retried.text
    # Another role of the same agency keeps keys of its own: the key is new to it (refused here for its role, not replayed).
    operator = await bearer(pool, request.lead_ministry, CallerRole.OPERATOR)
    refused = await api.post(path, json=body(draft_text(request)), headers=operator | key)
    assert refused.status_code == 403 and "idempotent-replayed" not in refused.headers, refused.text


async def test_a_refusal_kept_under_a_token_before_keyscopev28_is_still_the_answer_after_tokenkeysv32(api, lead, pool):
    """Found by an engineer upgrading a release months old: a decision refused under its key (409 `consultation_open`)
    kept its answer under its token's ID, as releases before schema revision `keyscopev28` kept keys; after the upgrade
    keys are looked up by agency and role, and the same request sent again once the round was compiled was applied.
    `tokenkeysv32` moves such rows to their token's agency and role."""
    from pathlib import Path

    request = start_request()
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    committee = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
    token_id = committee["Authorization"].removeprefix("Bearer legis_").split("_")[0]
    path = f"/v1/submissions/{request.submission_id}/decisions"
    early, key = body(decision(request, Stage.LEGISLATIVE_PROGRAMME)), {"Idempotency-Key": "programme-before-the-upgrade"}
    refused = problem(await api.post(path, json=early, headers=committee | key), 409, "current_stage_only")
    # As a release before keyscopev28 kept it, then the migration as the upgrade runs it.
    await pool.execute("UPDATE idempotency_keys SET caller = $1 WHERE key = $2", token_id, key["Idempotency-Key"])
    migration = Path(__file__).resolve().parent.parent / "activities" / "migrations" / "20261220_refusalclassifiedv31_up_tokenkeysv32.sql"
    await pool.execute(migration.read_text(encoding="utf-8"))
    assert await pool.fetchval("SELECT caller FROM idempotency_keys WHERE key = $1", key["Idempotency-Key"]) == "UBTVQH/UBTVQH"
    government = await bearer(pool, "CP", CallerRole.GOVERNMENT)
    assert (await api.post(path, json=body(decision(request, Stage.POLICY_PROPOSAL)), headers=government)).status_code == 200
    again = await api.post(path, json=early, headers=committee | key)
    # The draft's own count first (the audit trail is written after it: read too soon under load, it held none yet).
    assert (await api.get(f"/v1/submissions/{request.submission_id}", headers=lead)).json()["events_recorded"] == 2
    history = (await eventually(lambda: api.get(f"/v1/submissions/{request.submission_id}/history", headers=lead),
                                lambda read: len(read.json()["entries"]) >= 2)).json()["entries"]
    assert [e["event"] for e in history] == ["SUBMITTED", "DECISION"], "the refused decision was applied after the upgrade"
    assert (again.status_code, again.json(), again.headers.get("idempotent-replayed")) == (409, refused, "true")
