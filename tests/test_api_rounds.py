"""Consultation rounds through the HTTP API: opening one, opinions and compilations refused by their own rules, a round's
read redacted for a classified draft; and a programme change; a final classified draft's status redacted."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from schemas.enums import Actor, CallerRole, EventKind, Outcome, ProgrammeChangeKind, Response, Role, Stage
from schemas.messages import AgencyRemap
from schemas.refusal import Refused
from tests.drafts import (
    compilation,
    compilation_body,
    consultation,
    decision,
    opinion,
    opinion_body,
    patch_ids,
    programme_change,
    refusal_of,
)
from tests.http_api import bearer, body, problem, started_at_drafting
from tests.polling import eventually
from workflows import client as drafts
from workflows import generations, round_client, round_requests
from workflows.consultation import REMAP_SIGNAL, ConsultationWorkflow
from workflows.rounds import round_workflow_id


async def test_an_opinion_or_a_compilation_breaking_a_rule_of_its_own_is_422_not_500(api, pool):
    """The rules of the round's messages (one comment per ID, an explanation for what is explained, one answer per
    comment) refuse what a consultee's or the lead ministry's system sends, before any text is stored."""
    request, lead = await started_at_drafting(api, pool)
    path = f"/v1/submissions/{request.submission_id}/consultations/r1"
    bca = await bearer(pool, "BCA", CallerRole.CONSULTEE)
    repeated = body(opinion_body("BCA", "1")) | {"comments": [{"comment_id": "1", "text": "a"}, {"comment_id": "1", "text": "b"}]}
    problem(await api.post(f"{path}/opinions", json=repeated, headers=bca), 422, "comment_id_distinct", "comments")
    unexplained = body(compilation_body(request, ("BCA", "1", Response.ACCEPTED)))
    unexplained["responses"][0] |= {"response": "EXPLAINED", "explanation": ""}
    problem(await api.post(f"{path}/compilation", json=unexplained, headers=lead), 422, "explanation_required")
    twice = body(compilation_body(request, ("BCA", "1", Response.ACCEPTED), ("BCA", "2", Response.EXPLAINED)))
    twice["responses"][1]["comment_id"] = "1"
    answer = problem(await api.post(f"{path}/compilation", json=twice, headers=lead), 422, "answered_once", "responses")
    assert "BCA/1" in answer["detail"]


async def test_consultation_and_programme_changes_through_http(api, pool):
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid = request.submission_id
    opened = await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)
    assert opened.status_code == 200, opened.text
    assert [r["round_id"] for r in (await api.get(f"/v1/submissions/{sid}", headers=lead)).json()["open_consultations"]] == ["r1"]

    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    another = problem(await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion_body("BNV", "c1")), headers=btc),
                      403, "callers_own_agency")
    assert "`legis consult opinion`" in another["detail"], another  # a letter's way in (found by a ministry's trial)
    answered = await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc)
    assert answered.status_code == 200 and answered.json()["awaiting"] == 1
    assert (await api.get(f"/v1/submissions/{sid}/consultations/r1", headers=lead)).json()["awaiting"] == ["BNV"]
    problem(await api.get(f"/v1/submissions/{sid}/consultations/r9", headers=lead), 404, "round_unknown", "round_id")
    # Found by a ministry's trial: a round ID in other letter case was a bare 404.
    other_case = problem(await api.get(f"/v1/submissions/{sid}/consultations/R1", headers=lead), 404, "round_unknown", "round_id")
    assert "r1 differs from it only in letter case" in other_case["detail"], other_case
    problem(await api.post(f"/v1/submissions/{sid}/consultations/r1/compilation", json=body(compilation_body(request)), headers=lead), 409,
            "round_still_open")

    change = body(programme_change(ProgrammeChangeKind.SHORTENED))
    problem(await api.post(f"/v1/submissions/{sid}/programme-changes", json=change, headers=lead), 403, "callers_own_role")
    ubtvqh = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
    moved = await api.post(f"/v1/submissions/{sid}/programme-changes", json=change, headers=ubtvqh)
    assert moved.status_code == 200 and moved.json()["to_stage"] == "DRAFTING"
    assert (await api.get(f"/v1/submissions/{sid}", headers=lead)).json()["track"] == "SHORTENED"


async def test_a_round_asking_an_agency_no_token_acts_for_is_opened_with_a_warning(api, pool):
    """Found by a ministry's trial: a consultee's code mistyped (BTCC) opened a round that no one could answer through the
    API, and the stage waited for it until the window closed, without a word. The receipt says so."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid, mistyped = request.submission_id, f"BTCC{uuid.uuid4().hex[:6].upper()}"
    await bearer(pool, "BTC", CallerRole.CONSULTEE)
    opened = await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, "r1", ("BTC", mistyped))), headers=lead)
    assert opened.status_code == 200, opened.text
    [warning] = opened.json()["warnings"]
    assert warning.startswith(f"no API token acts for {mistyped}: ") and "BTC," not in warning, warning
    answered = await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, "r2", ("BTC",))), headers=lead)
    assert answered.status_code == 200 and "warnings" not in answered.json(), answered.text


async def test_a_classified_draft_s_round_reads_redacted_for_all_but_its_lead_ministry(api, pool, dev_env):
    """The officials who signed and the lead ministry's code (a consultee merged into the ministry that led the draft)
    stay with the lead ministry; an ordinary draft's round reads whole for everyone. A lead ministry asks not itself."""
    operator, btc = await bearer(pool, "VPCP", CallerRole.OPERATOR), await bearer(pool, "BTC", CallerRole.CONSULTEE)
    for ministry, classified in (("BQP", True), ("BYT", False)):
        request, lead = await started_at_drafting(api, pool, f"{ministry}X", classified=classified)
        path = f"/v1/submissions/{request.submission_id}/consultations"
        problem(await api.post(path, json=body(consultation(request, "r0", ("BTC", f"{ministry}X"))), headers=lead), 422, "not_own_consultee", "consultees")
        assert (await api.post(path, json=body(consultation(request, "r1", ("BTC", ministry, "BNV"))), headers=lead)).status_code == 200
        merged = AgencyRemap(old_code=f"{ministry}X", new_code=ministry, changed_by="VPCP", reason="sáp nhập")
        await drafts.remap_agency(dev_env.client, request.submission_id, merged)
        lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
        assert (await api.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c10", "c9")), headers=btc)).status_code == 200
        own = await bearer(pool, ministry, CallerRole.CONSULTEE)
        assert (await api.post(f"{path}/r1/opinions", json=body(opinion_body(ministry, "c2")), headers=own)).status_code == 200

        whole = (await api.get(f"{path}/r1", headers=lead)).json()
        assert [(a["consultee"], a["official"]) for a in whole["answers"]] == [("BTC", "Thứ trưởng BTC"), (ministry, f"Thứ trưởng {ministry}")]
        # In their numbers' order, c9 before c10 (found by a fresh-user trial: the API listed them in the text's order).
        in_order = ["BQP/c2", "BTC/c9", "BTC/c10"] if classified else ["BTC/c9", "BTC/c10", "BYT/c2"]
        assert whole["awaiting"] == ["BNV"] and whole["unanswered_comments"] == in_order
        for reader in (operator, btc):
            read = await api.get(f"{path}/r1", headers=reader)
            assert read.status_code == 200, read.text
            if not classified:
                assert read.json() == whole
                continue
            seen = read.json()
            assert [(a["consultee"], a["official"]) for a in seen["answers"]] == [("BTC", "(classified)"), ("(classified)", "(classified)")]
            assert seen["awaiting"] == ["BNV"] and seen["comments"] == 3
            assert seen["unanswered_comments"] == ["(classified)/c2", "BTC/c9", "BTC/c10"]
            assert "Thứ trưởng" not in json.dumps(seen, ensure_ascii=False) and ministry not in json.dumps(seen)
        # Another ministry's system compiling is refused before the round is asked: neither the round's state, whether
        # it exists, nor the lead ministry's code (found by a fresh-user trial).
        stranger = await bearer(pool, "BKHCN", CallerRole.LEAD_MINISTRY)
        as_stranger = body(compilation_body(request.model_copy(update={"lead_ministry": "BKHCN"})))
        for round_id in ("r1", "NOPE"):
            refused = problem(await api.post(f"{path}/{round_id}/compilation", json=as_stranger, headers=stranger), 403, "lead_ministry_only",
                              "agency_code")
            assert ministry not in json.dumps(refused) and "still_open" not in refused["rule"]


async def test_a_round_opened_before_its_lead_ministry_merged_takes_the_compilation_from_the_new_code(api, pool, dev_env):
    """Found by a breaker: a round kept the lead ministry's code it was opened with, so that after a remap (ministries
    merged in 2025) the lead ministry could not compile it. The draft tells its open rounds (tenth generation); one that
    has ended is not told, and the draft goes on."""
    request, old_lead = await started_at_drafting(api, pool, "BKHDT")
    path = f"/v1/submissions/{request.submission_id}/consultations"
    for round_id, consultees in (("r1", ("BNV", "BCA")), ("r2", ("BNV",))):
        assert (await api.post(path, json=body(consultation(request, round_id, consultees)), headers=old_lead)).status_code == 200
    await dev_env.client.get_workflow_handle(round_workflow_id(request.submission_id, "r2")).terminate("ended before the remap")
    await drafts.remap_agency(dev_env.client, request.submission_id, AgencyRemap(
        old_code="BKHDT", new_code="BTC", changed_by="VPCP", reason="Nghị quyết 176/2025/QH15: sáp nhập"))
    events = [e.event_type async for e in drafts.draft(dev_env.client, request.submission_id).fetch_history_events()]
    assert EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED in events and EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED in events
    for consultee, comment in (("BNV", "c1"), ("BCA", "c2")):
        answered = await api.post(f"{path}/r1/opinions", json=body(opinion_body(consultee, comment)),
                                  headers=await bearer(pool, consultee, CallerRole.CONSULTEE))
        assert answered.status_code == 200, answered.text
    # The old code's compilation sent after the remap is refused where every caller sends it, `legis consult compile` too
    # (found by a fresh-user trial: the round took it, and the draft recorded it); the round waits for the new code's.
    answers = (("BNV", "c1", Response.ACCEPTED), ("BCA", "c2", Response.ACCEPTED))
    with pytest.raises(Refused) as refused:
        await round_client.compile_round(dev_env.client, request.submission_id, "r1", compilation(request, *answers))
    assert (refused.value.field, refused.value.rule) == ("agency_code", "lead_ministry_only") and "BTC" not in str(refused.value)
    assert not (await round_client.consultation(dev_env.client, request.submission_id, "r1")).compiled
    merged = request.model_copy(update={"lead_ministry": "BTC"})
    compiled = body(compilation_body(merged, *answers))
    new_lead = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    done = await api.post(f"{path}/r1/compilation", json=compiled, headers=new_lead)
    assert done.status_code == 200 and done.json()["compiled"], done.text
    assert (await api.get(f"/v1/submissions/{request.submission_id}", headers=new_lead)).json()["lead_ministry"] == "BTC"


async def test_a_round_never_told_of_a_remap_is_compiled_under_the_code_it_opened_with(api, pool, dev_env, monkeypatch):
    """A draft before the tenth generation tells its rounds of no remap: its round takes the compilation from the code it
    opened with only. The check that refuses an old code after a remap stands aside for it (a breaker found neither code
    could compile such a round)."""
    monkeypatch.setattr(generations, "GENERATIONS", tuple(g for g in generations.GENERATIONS if g[0] <= 9))
    request, old_lead = await started_at_drafting(api, pool, "BKHDT")
    sid, path = request.submission_id, f"/v1/submissions/{request.submission_id}/consultations"
    assert (await api.post(path, json=body(consultation(request, "r1", ("BNV",))), headers=old_lead)).status_code == 200
    await drafts.remap_agency(dev_env.client, sid, AgencyRemap(old_code="BKHDT", new_code="BTC", changed_by="VPCP", reason="sáp nhập"))
    assert (await api.post(f"{path}/r1/opinions", json=body(opinion_body("BNV", "c1")),
                           headers=await bearer(pool, "BNV", CallerRole.CONSULTEE))).status_code == 200
    await eventually(lambda: round_client.consultation(dev_env.client, sid, "r1"), lambda view: view.closed)
    answers = (("BNV", "c1", Response.ACCEPTED),)
    assert await (await round_client.round_workflow(dev_env.client, sid, "r1")).query(ConsultationWorkflow.lead_codes) == ("BKHDT",)
    assert (await round_client.compile_round(dev_env.client, sid, "r1", compilation(request, *answers))).compiled


async def test_a_forged_remap_signal_hands_no_round_to_another_ministry(api, pool, dev_env):
    """Found by a breaker: any Temporal client may signal a round that its lead ministry is remapped, after which the round
    took another ministry's compilation and the draft recorded it as the lead ministry's. From the eleventh generation the
    draft takes a compilation only from a code its lead ministry has had since the round opened, and the round still
    takes the lead ministry's own."""
    request, lead = await started_at_drafting(api, pool, "BKHDT")
    sid, bnv = request.submission_id, await bearer(pool, "BNV", CallerRole.CONSULTEE)
    path = f"/v1/submissions/{sid}/consultations"
    forged = AgencyRemap(old_code="BKHDT", new_code="BCA", changed_by="not the draft", reason="forged")
    for round_id in ("r1", "r2"):
        assert (await api.post(path, json=body(consultation(request, round_id, ("BNV",))), headers=lead)).status_code == 200
        await (await round_client.round_workflow(dev_env.client, sid, round_id)).signal(REMAP_SIGNAL, forged)
        assert (await api.post(f"{path}/{round_id}/opinions", json=body(opinion_body("BNV", "c1")), headers=bnv)).status_code == 200
    # The forger compiles r1 by a raw update to the round (the API and `workflows.client` would refuse it, not being the
    # draft's lead ministry)...
    forger = request.model_copy(update={"lead_ministry": "BCA"})
    forged_compilation = compilation(forger, ("BNV", "c1", Response.ACCEPTED))
    assert (await (await round_client.round_workflow(dev_env.client, sid, "r1")).execute_update(ConsultationWorkflow.compile, forged_compilation)).compiled
    # ...and the lead ministry compiles r2 over HTTP as before the forged signal.
    done = await api.post(f"{path}/r2/compilation", json=body(compilation_body(request, ("BNV", "c1", Response.ACCEPTED))), headers=lead)
    assert done.status_code == 200 and done.json()["compiled"], done.text

    def compiled(entries: list[dict]) -> list[tuple[str, str]]:
        return [(e["agency_code"], e["label"].split(":")[0]) for e in entries if e["event"] == EventKind.CONSULTATION_COMPILED.value]

    history = await eventually(lambda: _entries(api, f"/v1/submissions/{sid}/history", lead), lambda entries: compiled(entries))
    assert compiled(history) == [("BKHDT", "round r2")]
    status = (await api.get(f"/v1/submissions/{sid}", headers=lead)).json()
    assert [r["round_id"] for r in status["open_consultations"]] == ["r1"]
    # Withdrawn while it still awaits the round that ended: the draft ends, its cancel of that ended round taken and void.
    await drafts.decide(dev_env.client, sid, decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
        update={"actor": Actor.LEAD_MINISTRY, "role": Role.MINISTER}))
    ended = await asyncio.wait_for(drafts.draft(dev_env.client, sid).result(), 30)
    assert ended.stage is Stage.WITHDRAWN
    events = [e.event_type async for e in drafts.draft(dev_env.client, sid).fetch_history_events()]
    assert EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED in events and EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED in events


async def _entries(api, path: str, headers: dict) -> list[dict]:
    return (await api.get(path, headers=headers)).json()["entries"]


async def test_a_round_named_a_dot_segment_is_refused_and_nothing_starts(api, pool):
    """Found by a breaker: `"round_id": ".."` was opened (200), an event recorded and a workflow `consultation-<id>-..`
    started, which HTTP clients cannot address (they collapse the segment)."""
    request, lead = await started_at_drafting(api, pool)
    sid = request.submission_id
    for round_id in (".", ".."):
        problem(await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, round_id)), headers=lead), 422,
                "not_dot_segment", "round_id")
    assert (await api.get(f"/v1/submissions/{sid}", headers=lead)).json()["open_consultations"] == []
    assert [entry["event"] for entry in (await api.get(f"/v1/submissions/{sid}/history", headers=lead)).json()["entries"]][-1] == "DECISION"


def test_a_classified_draft_s_final_step_reads_as_its_history_does():
    """A final draft's status names who ended it (`final_step`); for a classified draft, to anyone but its lead ministry,
    redacted as its history is: the lead ministry's code, the official, the reasons withheld."""
    from datetime import datetime

    from api.permissions import Caller, status_for
    from schemas.enums import Outcome
    from tests.drafts import core_request, core_state
    from workflows import draft, draft_views
    from workflows.deadlines import VIETNAM

    request = core_request().model_copy(update={"classified": True})
    state = core_state(request, at=Stage.DRAFTING)
    withdrawn = decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(update={
        "actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER, "reasons": "lý do mật"})
    now = datetime(2026, 12, 10, 9, tzinfo=VIETNAM)
    ended = draft.perform(draft.DECIDE, state, withdrawn, now).state
    view = draft_views.status(ended, "w", now)
    assert view.final_step is not None and (view.final_step.outcome, view.final_step.to_stage) == (Outcome.WITHDRAW, Stage.WITHDRAWN)
    own = status_for(Caller(token_id="t", agency_code=request.lead_ministry, role=CallerRole.LEAD_MINISTRY), view)
    assert own.final_step.reasons == "lý do mật" and own.final_step.agency_code == request.lead_ministry
    other = status_for(Caller(token_id="t", agency_code="VPCP", role=CallerRole.OPERATOR), view)
    assert other.final_step.reasons != "lý do mật" and other.final_step.agency_code != request.lead_ministry
    assert other.final_step.official != withdrawn.official


async def test_a_round_that_could_not_start_is_refused_again_to_a_retry_under_its_request_id(api, pool, dev_env):
    """Found by a breaker: a first call refused `round_not_started` (the round's workflow ID taken in Temporal) left its
    request ID remembered with no event; the same request sent again was told "applied" (duplicate, no event) by the
    draft's `request` query, for a round that never started."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    squatter = await dev_env.client.start_workflow("NoSuchWorkflow", id=round_workflow_id(request.submission_id, "r1"),
                                                   task_queue=f"nobody-{request.submission_id}")
    try:
        opened = consultation(request, "r1", ("BTC",))
        first = await api.post(f"/v1/submissions/{request.submission_id}/consultations", json=body(opened),
                               headers=lead | {"Idempotency-Key": "open-r1"})
        problem(first, 409, "round_not_started", "round_id")
        for _ in range(2):
            with pytest.raises(WorkflowUpdateFailedError) as again:
                await drafts.open_consultation(dev_env.client, request.submission_id, opened, request_id="open-r1")
            assert refusal_of(again.value) == ("round_id", "round_not_started")
    finally:
        await squatter.terminate()


async def test_a_key_sent_again_with_another_opinion_is_422_once_the_api_has_forgotten_it(api, pool):
    """The round remembers the keys it took (`workflows.round_requests`): once the API's record of a key is gone (kept
    30 days; a 5xx answer is not kept), the same key with another body is refused, not answered with the first opinion's
    receipt while the new one is dropped (found by a breaker)."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid = request.submission_id
    opened = await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)
    assert opened.status_code == 200, opened.text
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE) | {"Idempotency-Key": "dms-7"}
    path = f"/v1/submissions/{sid}/consultations/r1/opinions"
    first = await api.post(path, json=body(opinion_body("BTC", "c1")), headers=btc)
    assert first.status_code == 200, first.text
    await pool.execute("UPDATE idempotency_keys SET created_at = now() - interval '31 days' WHERE key = 'dms-7'")
    corrected = await api.post(path, json=body(opinion_body("BTC", "c8", "c9")), headers=btc)
    answer = problem(corrected, 422, "idempotency_key_reused", "Idempotency-Key")
    assert "Idempotency-Key 'dms-7' was taken with another message by this round" in answer["detail"]
    await pool.execute("UPDATE idempotency_keys SET created_at = now() - interval '31 days' WHERE key = 'dms-7'")
    again = await api.post(path, json=body(opinion_body("BTC", "c1")), headers=btc)
    assert again.status_code == 200 and again.json() == first.json()  # the same body: the round's first answer


async def test_a_key_sent_by_the_release_before_is_answered_as_that_release_answered_it(api, pool, dev_env):
    """A round's update ID held no digest before this release (`<token>:<key>`): a retry of such a message after the
    upgrade, its answer not kept by the API (a 5xx), gets the first answer, not `answered_once` (found by a breaker). A
    compilation to a round of a draft ended by hand is refused as an opinion is (its round would fail)."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid = request.submission_id
    opened = await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)
    assert opened.status_code == 200, opened.text
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    token_id = btc["Authorization"].split("_")[1]
    handle = await round_client.round_workflow(dev_env.client, sid, "r1")
    first = await handle.execute_update(ConsultationWorkflow.submit_opinion, opinion("BTC", "c1"), id=f"{token_id}:old-1")
    again = await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion_body("BTC", "c1")),
                           headers=btc | {"Idempotency-Key": "old-1"})
    assert again.status_code == 200 and again.json() == first.model_dump(mode="json"), again.text
    # The last release's: the token's ID with the message's digest, where this one gives the token's pseudonym.
    bnv = await bearer(pool, "BNV", CallerRole.CONSULTEE)
    bnv_first = await handle.execute_update(ConsultationWorkflow.submit_opinion, opinion("BNV", "c2"),
                                            id=round_requests.update_id(bnv["Authorization"].split("_")[1], "old-2", opinion_body("BNV", "c2")))
    bnv_again = await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion_body("BNV", "c2")),
                               headers=bnv | {"Idempotency-Key": "old-2"})
    assert bnv_again.status_code == 200 and bnv_again.json() == bnv_first.model_dump(mode="json"), bnv_again.text

    await dev_env.client.get_workflow_handle(f"draft-law-{sid}").terminate("test")
    answer = problem(await api.post(f"/v1/submissions/{sid}/consultations/r1/compilation", json=body(compilation_body(request)), headers=lead),
                     409, "draft_closed", "submission_id")
    assert "its rounds take no compilation" in answer["detail"]


async def test_a_round_whose_draft_was_ended_by_hand_ends_with_its_compilation_rather_than_failing(api, pool, dev_env):
    """A compilation that reached a round of a draft terminated by hand (sent before the draft ended, or by a raw client):
    the round told its result to no draft and failed (found by a breaker); it now completes with its result, past the
    patch `round-result-to-no-draft`."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid = request.submission_id
    opened = await api.post(f"/v1/submissions/{sid}/consultations", json=body(consultation(request, "r1", ("BTC",))), headers=lead)
    assert opened.status_code == 200, opened.text
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    taken = await api.post(f"/v1/submissions/{sid}/consultations/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc)
    assert taken.status_code == 200 and taken.json()["closing"], taken.text
    await dev_env.client.get_workflow_handle(f"draft-law-{sid}").terminate("test")
    compiled = compilation(request, ("BTC", "c1", Response.ACCEPTED))

    async def compile_once_closed() -> object:
        try:
            return await round_client.compile_round(dev_env.client, sid, "r1", compiled, lead_ministry=request.lead_ministry)
        except WorkflowUpdateFailedError as refused:  # the round closes just after its last answer is taken
            return refusal_of(refused)

    view = await eventually(compile_once_closed, lambda answer: not isinstance(answer, tuple))
    assert view.compiled
    handle = await round_client.round_workflow(dev_env.client, sid, "r1")
    result = await handle.result()
    assert result.compilation is not None and result.compilation.accepted == 1
    assert (await handle.describe()).status.name == "COMPLETED"
    assert "round-result-to-no-draft" in patch_ids((await handle.fetch_history()).events)
