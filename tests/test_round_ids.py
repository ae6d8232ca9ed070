"""Found by a breaker: a round's workflow ID was `consultation-<submission>-<round>`, and both IDs may hold hyphens, so draft
`A` with round `B-r1` and draft `A-B` with round `r1` named the same workflow. A ministry that started an ordinary draft
under the first part of a classified draft's ID read that draft's round whole through its own draft's path (the
officials who signed its opinions), sent it a compilation refused in words naming its lead ministry, and could take a
round ID the classified draft would then not open. From the nineteenth generation a round is `consultation-<submission>:
<round>`; a round opened before keeps its ID, and the API finds it there only when the round's own input names the draft
and round asked for (`workflows.round_client.round_workflow`)."""

from __future__ import annotations

import json
import uuid

import pytest

from schemas.enums import CallerRole, Response, Stage
from tests.drafts import compilation_body, consultation, decision, opinion_body, start_request
from tests.http_api import bearer, body
from tests.polling import eventually
from workflows import generations, round_client
from workflows.rounds import round_workflow_id


async def classified_at_drafting(api, pool):
    """A classified draft of BQP at DRAFTING whose ID is `<prefix>-<tail>`, with a prefix no other draft has:
    (request, lead's headers, prefix, tail)."""
    prefix, tail = f"ALIAS-{uuid.uuid4().hex[:8]}", "secret"
    request = start_request(ministry="BQP", classified=True).model_copy(update={"submission_id": f"{prefix}-{tail}"})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    await to_drafting(api, pool, request)
    return request, lead, prefix, tail


async def to_drafting(api, pool, request) -> None:
    """The draft's policy proposal and programme approved through the API: it stands at DRAFTING, where rounds open."""
    for stage, role, agency in ((Stage.POLICY_PROPOSAL, CallerRole.GOVERNMENT, "CP"), (Stage.LEGISLATIVE_PROGRAMME, CallerRole.UBTVQH, "UBTVQH")):
        sent = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, stage)),
                              headers=await bearer(pool, agency, role))
        assert sent.status_code == 200, sent.text


async def answered_round(api, pool, request, lead, round_id: str, consultees=("BTC", "BNV")) -> None:
    path = f"/v1/submissions/{request.submission_id}/consultations"
    opened = await api.post(path, json=body(consultation(request, round_id, consultees)), headers=lead)
    assert opened.status_code == 200, opened.text
    answered = await api.post(f"{path}/{round_id}/opinions", json=body(opinion_body("BTC", "c1")),
                              headers=await bearer(pool, "BTC", CallerRole.CONSULTEE))
    assert answered.status_code == 200, answered.text


async def ordinary_draft_named(api, pool, submission_id: str) -> dict:
    other = start_request(ministry="BTC").model_copy(update={"submission_id": submission_id})
    btc = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    started = await api.post("/v1/submissions", json=body(other), headers=btc)
    assert started.status_code == 201, started.text
    return btc


def round_ids_of(generation: int, monkeypatch) -> None:
    """Drafts started from now on take `generation`, the newest no later than it (the worker runs in this process)."""
    monkeypatch.setattr(generations, "GENERATIONS", tuple(g for g in generations.GENERATIONS if g[0] <= generation))


@pytest.mark.parametrize("generation", [19, 18])
async def test_a_classified_drafts_round_is_not_read_through_another_drafts_id(api, pool, dev_env, monkeypatch, generation):
    round_ids_of(generation, monkeypatch)
    request, lead, prefix, tail = await classified_at_drafting(api, pool)
    await answered_round(api, pool, request, lead, "r1")
    wanted = round_workflow_id(request.submission_id, "r1", generation)
    assert (await round_client.round_workflow(dev_env.client, request.submission_id, "r1")).id == wanted
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    own_path = await api.get(f"/v1/submissions/{request.submission_id}/consultations/r1", headers=operator)
    assert [a["official"] for a in own_path.json()["answers"]] == ["(classified)"], own_path.text  # found under its own ID

    btc = await ordinary_draft_named(api, pool, prefix)
    for reader in (btc, operator):
        aliased = await api.get(f"/v1/submissions/{prefix}/consultations/{tail}-r1", headers=reader)
        # The ordinary draft has no round `<tail>-r1`: 404 round_unknown, never the classified draft's round.
        assert aliased.status_code == 404 and aliased.json()["rule"] == "round_unknown", aliased.text
        assert "Thứ trưởng" not in json.dumps(aliased.json(), ensure_ascii=False), aliased.text


@pytest.mark.parametrize("generation", [19, 18])
async def test_a_compilation_sent_through_another_drafts_id_reaches_no_classified_round(api, pool, dev_env, monkeypatch, generation):
    """The same alias, written to: another ministry's compilation reached the classified draft's round, whose own rule
    refused it naming the lead ministry ("the compilation is the lead ministry's (BQP)")."""
    round_ids_of(generation, monkeypatch)
    request, lead, prefix, tail = await classified_at_drafting(api, pool)
    await answered_round(api, pool, request, lead, "r1", ("BTC",))
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    path = f"/v1/submissions/{request.submission_id}/consultations/r1"
    await eventually(lambda: api.get(path, headers=operator), lambda r: r.json().get("closed") is True, seconds=30)

    btc = await ordinary_draft_named(api, pool, prefix)
    other = start_request(ministry="BTC").model_copy(update={"submission_id": prefix})
    sent = await api.post(f"/v1/submissions/{prefix}/consultations/{tail}-r1/compilation",
                          json=body(compilation_body(other, ("BTC", "c1", Response.ACCEPTED))), headers=btc)
    assert sent.status_code == 404 and "BQP" not in sent.text, sent.text
    assert not (await api.get(path, headers=lead)).json()["compiled"]


async def test_a_round_id_another_draft_would_share_is_still_opened(api, pool, dev_env):
    """The ordinary draft opens round `<tail>-r2` first; the classified draft then opens its round `r2`, which had the same
    workflow ID before the nineteenth generation and was refused (`round_not_started`)."""
    request, lead, prefix, tail = await classified_at_drafting(api, pool)
    btc = await ordinary_draft_named(api, pool, prefix)
    other = start_request(ministry="BTC").model_copy(update={"submission_id": prefix})
    await to_drafting(api, pool, other)
    first = await api.post(f"/v1/submissions/{prefix}/consultations", json=body(consultation(other, f"{tail}-r2", ("BNV",))), headers=btc)
    assert first.status_code == 200, first.text
    second = await api.post(f"/v1/submissions/{request.submission_id}/consultations", json=body(consultation(request, "r2", ("BNV",))),
                            headers=lead)
    assert second.status_code == 200, second.text
    ids = {(await round_client.round_workflow(dev_env.client, sid, rid)).id for sid, rid in ((prefix, f"{tail}-r2"), (request.submission_id, "r2"))}
    assert len(ids) == 2, ids


@pytest.mark.parametrize("remembered", [True, False])
async def test_a_round_under_its_earlier_id_is_its_own_once_another_draft_reuses_that_id(api, pool, dev_env, monkeypatch, remembered):
    """Found by a breaker: a round's child takes an ID whose earlier workflow has closed, so once the ordinary draft's round
    under its earlier ID had ended, a classified draft of the eighteenth generation opened its own under the same ID; the
    round's lookup remembered the ID and handed back its latest run, the classified draft's (`remembered`), or, in a new
    process, refused that run as another draft's and answered 404 for a round the ordinary draft has. It now finds the
    run whose input names the draft and round."""
    round_ids_of(18, monkeypatch)  # both drafts started before this release
    request, lead, prefix, tail = await classified_at_drafting(api, pool)
    btc = await ordinary_draft_named(api, pool, prefix)
    other = start_request(ministry="BTC").model_copy(update={"submission_id": prefix})
    await to_drafting(api, pool, other)
    # The ordinary draft's round `<tail>-r1`: asked of BNV, answered, compiled; its workflow completes.
    ordinary = f"/v1/submissions/{prefix}/consultations/{tail}-r1"
    opened = await api.post(f"/v1/submissions/{prefix}/consultations", json=body(consultation(other, f"{tail}-r1", ("BNV",))), headers=btc)
    assert opened.status_code == 200, opened.text
    answered = await api.post(f"{ordinary}/opinions", json=body(opinion_body("BNV", "c1")), headers=await bearer(pool, "BNV", CallerRole.CONSULTEE))
    assert answered.status_code == 200, answered.text
    await eventually(lambda: api.get(ordinary, headers=btc), lambda r: r.json().get("closed") is True, seconds=30)
    compiled = await api.post(f"{ordinary}/compilation", json=body(compilation_body(other, ("BNV", "c1", Response.ACCEPTED))), headers=btc)
    assert compiled.status_code == 200, compiled.text
    earlier = round_client.found_workflow_id(prefix, f"{tail}-r1")
    assert earlier == f"consultation-{prefix}-{tail}-r1"  # remembered
    await eventually(lambda: dev_env.client.get_workflow_handle(earlier).describe(), lambda d: d.close_time is not None, seconds=30)

    # The classified draft (BQP), eighteenth generation too, opens its round `r1`: the same workflow ID, its earlier run closed.
    secret = await api.post(f"/v1/submissions/{request.submission_id}/consultations", json=body(consultation(request, "r1", ("BYT",))),
                            headers=lead)
    assert secret.status_code == 200, secret.text
    await api.post(f"/v1/submissions/{request.submission_id}/consultations/r1/opinions", json=body(opinion_body("BYT", "s1")),
                   headers=await bearer(pool, "BYT", CallerRole.CONSULTEE))

    if not remembered:
        monkeypatch.setattr(round_client, "_ROUNDS_FOUND", type(round_client._ROUNDS_FOUND)())
    # BTC reads its own draft's round: its own (BNV's answer), never the classified draft's (BYT, "Thứ trưởng BYT").
    read = await api.get(ordinary, headers=btc)
    said = json.dumps(read.json(), ensure_ascii=False)
    assert "BYT" not in said, said
    assert read.status_code == 200 and [a["consultee"] for a in read.json()["answers"]] == ["BNV"], said
