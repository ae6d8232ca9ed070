"""A consultation round opened by mistake, cancelled by the lead ministry before its compilation (found by a ministry's
trial: a round asking a mistyped consultee, BTCC, could only be waited out until its window closed, or its draft
withdrawn): in the draft core, through the HTTP API against a real round, and from the CLI."""

from __future__ import annotations

import json
import uuid

import pytest
from temporalio.client import WorkflowExecutionStatus

from schemas.enums import CallerRole, EventKind, Outcome, Stage
from schemas.refusal import RefusalKind, Refused
from tests.drafts import EXAMPLES, NOW, cancellation, consultation, core_request, core_state, decision, example, opinion_body
from tests.http_api import bearer, body, problem, started_at_drafting
from tests.polling import eventually
from workflows import client as drafts
from workflows import draft, round_client, rounds
from workflows.change import CancelRound, Record, StartRound


def _with_a_round_open():
    request = core_request()
    state = core_state(request, at=Stage.DRAFTING)
    opened = draft.perform(draft.OPEN_CONSULTATION, state, consultation(request, "r1", ("BTC", "BTCC")), NOW)
    [start] = [e for e in opened.effects if isinstance(e, StartRound)]
    return request, rounds.round_started(opened.state, start, NOW).state


def test_the_lead_ministry_cancels_a_round_awaiting_its_compilation_and_the_stage_is_no_longer_held_by_it():
    request, state = _with_a_round_open()
    with pytest.raises(Refused) as held:
        draft.validate(draft.DECIDE, state, decision(request, Stage.DRAFTING), NOW)
    assert held.value.rule == "consultation_open"
    cancelled = draft.perform(draft.CANCEL_CONSULTATION, state, cancellation(request, "r1"), NOW)
    [entry] = [e.entry for e in cancelled.effects if isinstance(e, Record)]
    assert entry.event is EventKind.CONSULTATION_CANCELLED and entry.agency_code == request.lead_ministry
    assert entry.reasons == "Mở nhầm: mã cơ quan gõ sai" and entry.label.startswith(f"round r1 (WRITTEN_OPINIONS) cancelled by {request.lead_ministry}")
    assert [e.workflow_id for e in cancelled.effects if isinstance(e, CancelRound)] == [rounds.round_workflow_id(request.submission_id, "r1")]
    assert cancelled.state.open_rounds == () and "r1" in cancelled.state.rounds_opened
    draft.validate(draft.DECIDE, cancelled.state, decision(request, Stage.DRAFTING), NOW)  # DRAFTING may be approved now

    def refusal(state, message) -> tuple[str, str, RefusalKind]:
        with pytest.raises(Refused) as caught:
            draft.validate(draft.CANCEL_CONSULTATION, state, message, NOW)
        return caught.value.field, caught.value.rule, caught.value.kind

    assert refusal(cancelled.state, cancellation(request, "r1")) == ("round_id", "round_awaiting_compilation", RefusalKind.CONFLICT)
    assert refusal(state, cancellation(request, "r9")) == ("round_id", "round_unknown", RefusalKind.NOT_FOUND)
    # Said as a trial wished: cancelled already; a round ID in other letter case named, as the API's 404 names it.
    with pytest.raises(Refused, match="has been cancelled already"):
        draft.validate(draft.CANCEL_CONSULTATION, cancelled.state, cancellation(request, "r1"), NOW)
    with pytest.raises(Refused, match="r1 differs from it only in letter case"):
        draft.validate(draft.CANCEL_CONSULTATION, state, cancellation(request, "R1"), NOW)
    stranger = cancellation(request, "r1").model_copy(update={"agency_code": "BTC"})
    assert refusal(state, stranger)[1] == "lead_ministry_only"
    withdrawn = draft.perform(draft.DECIDE, state, decision(request, Stage.DRAFTING, Outcome.WITHDRAW), NOW).state
    assert refusal(withdrawn, cancellation(request, "r1"))[1] == "draft_closed"


async def test_a_round_opened_by_mistake_is_cancelled_through_the_api_and_answers_no_more(api, pool, dev_env):
    request, lead = await started_at_drafting(api, pool, "BYT")
    sid, mistyped = request.submission_id, f"BTCC{uuid.uuid4().hex[:6].upper()}"
    path = f"/v1/submissions/{sid}/consultations"
    assert (await api.post(path, json=body(consultation(request, "r1", ("BTC", mistyped))), headers=lead)).status_code == 200
    handle = await round_client.round_workflow(dev_env.client, sid, "r1")

    other = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    problem(await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=body(cancellation(request, "r1")), headers=other),
            403, "callers_own_agency")
    no_reason = body(cancellation(request, "r1")) | {"reason": ""}
    problem(await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=no_reason, headers=lead), 422, field="reason")
    cancelled = await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=body(cancellation(request, "r1")), headers=lead)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["events"] == 1 and cancelled.json()["stage"] == "DRAFTING"
    assert (await eventually(handle.describe, lambda d: d.status is not WorkflowExecutionStatus.RUNNING)).status is WorkflowExecutionStatus.CANCELED
    assert (await api.get(f"/v1/submissions/{sid}", headers=lead)).json()["open_consultations"] == []

    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    problem(await api.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc), 409, "round_closed")
    # A round that has taken an opinion is compiled, not cancelled (found by a breaker: the opinion left the audit trail).
    assert (await api.post(path, json=body(consultation(request, "r2", ("BTC", "BNV"))), headers=lead)).status_code == 200
    assert (await api.post(f"{path}/r2/opinions", json=body(opinion_body("BTC", "c1", "c2")), headers=btc)).status_code == 200
    answered = problem(await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=body(cancellation(request, "r2")),
                                      headers=lead), 409, "round_answered", "round_id")
    assert "has taken 1 opinion, 2 comments in all:" in answered["detail"]
    problem(await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=body(cancellation(request, "r2")),
                           headers=other), 403, "callers_own_agency")
    again = await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=body(cancellation(request, "r1")), headers=lead)
    problem(again, 409, "round_awaiting_compilation", "round_id")
    held = problem(await api.post(f"/v1/submissions/{sid}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead),
                   409, "consultation_open")
    assert "r2" in held["detail"] and "r1" not in held["detail"]
    history = await eventually(lambda: drafts.history(dev_env.client, sid),
                               lambda h: any(e.event is EventKind.CONSULTATION_CANCELLED for e in h.entries))
    [entry] = [e for e in history.entries if e.event is EventKind.CONSULTATION_CANCELLED]
    assert entry.official == "Bộ trưởng" and entry.reasons == "Mở nhầm: mã cơ quan gõ sai"


async def test_the_cli_cancels_a_round_from_the_example_file(cli, tmp_path):
    sid = f"CAN-{uuid.uuid4().hex[:8]}"
    ministry = "CAN" + uuid.uuid4().hex[:6].upper()
    for source in EXAMPLES.glob("*.json"):
        (tmp_path / source.name).write_text(example(source.name, sid, ministry), encoding="utf-8")
    assert (await cli("start", str(tmp_path / "start-request.json")))[0] == 0
    for step in ("01-policy-proposal.json", "02-programme.json"):
        assert (await cli("decide", sid, str(tmp_path / step)))[0] == 0
    mistyped = f"BTCX{uuid.uuid4().hex[:4].upper()}"
    opening = json.loads((tmp_path / "09-consultation.json").read_text(encoding="utf-8")) | {"consultees": ["BTC", mistyped]}
    (tmp_path / "09-consultation.json").write_text(json.dumps(opening), encoding="utf-8")
    code, _, err = await cli("consult", "open", sid, str(tmp_path / "09-consultation.json"))
    # Said as the API's receipt says it (found by a trial: the CLI said nothing of the code mistyped).
    assert code == 0 and "no API token acts for " in err and f"{mistyped}: its opinion cannot be sent" in err, err
    code, out, err = await cli("consult", "cancel", sid, str(tmp_path / "13-cancel-consultation.json"), "--json")
    assert code == 0 and json.loads(out)["open_consultations"] == [], out + err
    code, _, err = await cli("consult", "cancel", sid, str(tmp_path / "13-cancel-consultation.json"))
    assert code == 3 and "round_awaiting_compilation" in err, err
