"""A classified draft through the HTTP API: its lead ministry, its session and what names them are its lead ministry's to
read; everyone else reads them redacted, and its refusals give them the field and the rule only."""

from __future__ import annotations

import json
from datetime import date, timedelta

from api import plumbing, tokens
from api.tokens import record_refusal
from schemas.enums import CallerRole, ProgrammeChangeKind, Stage
from tests.drafts import compilation_body, consultation, decision, draft_text, opinion_body, programme_change, start_request
from tests.http_api import api_client, bearer, body, problem, started_at_drafting
from tests.log_lines import LogLines
from tests.polling import eventually


async def test_a_classified_drafts_ministry_and_session_stay_with_its_lead_ministry(api, pool):
    """Status, history and list show the lead ministry, the target session and what names them (its own steps' agency
    code, the events' labels) only to the lead ministry; an operator and another agency read them redacted."""
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}"
    drafted = await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)
    assert drafted.status_code == 200, drafted.text
    ubtvqh = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
    later = request.target_session.model_copy(update={"session": 3, "opens_on": request.target_session.opens_on + timedelta(days=150)})
    deferred = await api.post(f"{path}/programme-changes", headers=ubtvqh,
                              json=body(programme_change(ProgrammeChangeKind.DEFER, to_session=later)))
    assert deferred.status_code == 200, deferred.text
    assert deferred.json()["target_session"] == "(classified)"

    own = (await api.get(path, headers=lead)).json()
    assert own["lead_ministry"] == "BQP" and own["target_session"]["session"] == 3
    assert own["next_cutoff"]["sitting"] == "16-3"  # counted back from the session: withheld from the others below
    async def own_trail() -> list[dict]:
        return (await api.get(f"{path}/history", headers=lead)).json()["entries"]

    own_history = await eventually(own_trail, lambda entries: entries and entries[-1]["event"] == "PROGRAMME_CHANGED", seconds=20)
    assert "BQP" in {e["agency_code"] for e in own_history} and any("16-3" in (e["label"] or "") for e in own_history)

    for reader in (await bearer(pool, "VPCP", CallerRole.OPERATOR), await bearer(pool, "BTP", CallerRole.MOJ)):
        status = (await api.get(path, headers=reader)).json()
        assert status["stage"] == "APPRAISAL" and status["target_session"] is None and status["next_cutoff"] is None
        assert status["lead_ministry"] == status["target_session_name"] == "(classified)"
        entries = (await api.get(f"{path}/history", headers=reader)).json()["entries"]
        assert len(entries) == len(own_history) and "BQP" not in {e["agency_code"] for e in entries}
        assert {e["label"] for e in entries} <= {None, "(classified)"} and "16-3" not in json.dumps(entries)
        listed = (await api.get("/v1/submissions", params={"stage": "APPRAISAL", "size": 100}, headers=reader)).json()["items"]
        assert [(d["lead_ministry"], d["target_session"]) for d in listed if d["submission_id"] == request.submission_id] == [
            ("(classified)", "(classified)")]
        by_session = (await api.get("/v1/submissions", params={"session": "16-3", "size": 100}, headers=reader)).json()
        assert request.submission_id not in json.dumps(by_session)
    by_session = (await api.get("/v1/submissions", params={"session": "16-3", "size": 100}, headers=lead)).json()["items"]
    assert [d["target_session"] for d in by_session if d["submission_id"] == request.submission_id] == ["16-3"]


async def test_a_classified_drafts_postponement_awaiting_its_decision_is_seen_by_who_decides_it(api, pool):
    """Found by a ministry's trial: the Deputy Prime Minister, who decides the request, read `pending_postponement: null`
    for a classified draft, as if nothing waited; the history showed the date asked. Now read as the history shows it: the
    date, who asked (the lead ministry not by its code), no official nor reason."""
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}"
    assert (await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)).status_code == 200
    deadline = date.fromisoformat((await api.get(path, headers=lead)).json()["stage_deadline"])
    ask = {"stage": "APPRAISAL", "actor": "LEAD_MINISTRY", "agency_code": "BQP", "role": "MINISTER", "official": "Nguyễn Văn B",
           "new_deadline": (deadline + timedelta(days=20)).isoformat(), "reason": "chờ ý kiến Bộ Quốc phòng về phụ lục mật"}
    assert (await api.post(f"{path}/postponements", json=ask, headers=lead)).status_code == 200
    assert (await api.get(path, headers=lead)).json()["pending_postponement"]["reason"] == ask["reason"]
    for reader in (await bearer(pool, "CP", CallerRole.DEPUTY_PM), await bearer(pool, "VPCP", CallerRole.OPERATOR)):
        asked = (await api.get(path, headers=reader)).json()["pending_postponement"]
        assert asked is not None and asked["new_deadline"] == ask["new_deadline"] and asked["actor"] == "LEAD_MINISTRY"
        assert asked["agency_code"] == asked["official"] == asked["reason"] == "(classified)", asked


async def test_refusals_name_nothing_of_a_classified_draft_to_whom_may_not_read_it(api, pool):
    """A refusal explains itself from the draft (its lead ministry, its session's dates): to another agency a classified
    draft's refusals give the field and the rule only, and a start under its ID names none of its values."""
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}"
    other = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    as_other = decision(request, Stage.DRAFTING).model_copy(update={"agency_code": "BTC"})
    refused = problem(await api.post(f"{path}/decisions", json=body(as_other), headers=other), 403, "lead_ministry_only", "agency_code")
    assert "BQP" not in json.dumps(refused) and "withheld" in refused["detail"]
    ubtvqh = await bearer(pool, "UBTVQH", CallerRole.UBTVQH)
    earlier = request.target_session.model_copy(update={"opens_on": request.target_session.opens_on - timedelta(days=30)})
    moved = await api.post(f"{path}/programme-changes", headers=ubtvqh, json=body(programme_change(ProgrammeChangeKind.DEFER, to_session=earlier)))
    assert moved.status_code in (409, 422) and str(request.target_session.opens_on) not in moved.text and "withheld" in moved.text
    # The lead ministry reads its own draft's refusals whole.
    own = problem(await api.post(f"{path}/decisions", json=body(decision(request, Stage.APPRAISAL)), headers=lead), 403)
    assert "withheld" not in own["detail"]
    # Guessing another agency's draft by starting its ID: which values match is not told.
    guess = start_request(ministry="BTC").model_copy(update={"submission_id": request.submission_id, "title": request.title})
    taken = problem(await api.post("/v1/submissions", json=body(guess), headers=other), 409, "submission_exists", "submission_id")
    assert "title" not in taken["detail"] and request.title not in json.dumps(taken)


async def test_a_classified_drafts_refusals_say_their_field_and_rule_only_to_operators(api, pool):
    """Found by a review: what a classified draft's lead ministry was told when refused (its session, its dates) was
    listed whole to operators, who may not read the draft, by `GET /v1/refusals` and `legis refusals`."""
    classified, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    plain, _ = await started_at_drafting(api, pool, "BYT")
    said = "must be on or after 2027-05-20, the opening of session 16-3 (rule: after_session_opens)"
    for request in (classified, plain):
        await record_refusal(pool, caller=None, token_id=None, action="decide", submission_id=request.submission_id, status=409,
                             field="occurred_on", rule="after_session_opens", message=said)
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    listed = {r["submission_id"]: r for r in (await api.get("/v1/refusals", headers=operator)).json()}
    assert listed[plain.submission_id]["message"] == said
    withheld = listed[classified.submission_id]
    assert (withheld["field"], withheld["rule"]) == ("occurred_on", "after_session_opens") and "2027" not in withheld["message"], withheld


async def test_refusals_listed_to_operators_do_not_name_a_classified_drafts_lead_ministry(api, pool, monkeypatch):
    """Found by a breaker: the refused attempts listed to operators (`GET /v1/refusals`, `legis refusals`) and their log
    lines named the agency, role and token of every caller, so a classified draft's lead ministry was read off the rows of
    its own refused attempts (its agency beside the draft's ID, with a rule only the lead ministry meets)."""
    lines = LogLines()
    monkeypatch.setattr(tokens, "log", lines)
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}"
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    status = (await api.get(path, headers=operator)).json()
    assert status["lead_ministry"] == "(classified)"  # what the operator may not know

    # The lead ministry sends a decision for a stage the draft is not at (a slip any client makes): refused, and recorded.
    wrong_stage = decision(request, Stage.DRAFTING).model_copy(update={"stage": Stage.APPRAISAL})
    refused = await api.post(f"{path}/decisions", json=body(wrong_stage), headers=lead)
    assert refused.status_code in (403, 409, 422), refused.text
    # Its own start sent again with another title (a retry after an edit): refused, and recorded.
    again = request.model_copy(update={"title": "Luật khác"})
    problem(await api.post("/v1/submissions", json=body(again), headers=lead), 409, "submission_exists")

    listed = (await api.get("/v1/refusals", params={"submission_id": request.submission_id}, headers=operator)).json()
    assert listed, "the refusals were recorded"
    # Whatever the operator reads of these rows must not tell which agency leads the draft.
    assert "BQP" not in json.dumps(listed), listed
    logged = [line for line in lines if line["event"] == "attempt refused" and line.get("submission_id") == request.submission_id]
    assert logged and not any("BQP" in str(line) for line in logged), logged


def who_named(logs, submission_id: str) -> list[tuple[str, dict]]:
    lines = [line for line in logs if line.get("submission_id") == submission_id]
    assert lines, logs
    return [(line["event"], named) for line in lines
            if (named := {key: line[key] for key in ("token_id", "agency_code", "caller_role", "caller") if line.get(key)})]


async def test_a_classified_drafts_refusal_over_the_recording_rate_names_nobody(dev_env, pool, monkeypatch):
    """Found by a breaker: past the refusals recorded a minute, the line "refusal not recorded: over the rate for this
    caller" named the lead ministry's agency, role and token beside its classified draft."""
    async with api_client(dev_env.client, pool, api_refusals_recorded="1/minute") as http:
        request = start_request(ministry="BQP", classified=True)
        lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        await eventually(lambda: pool.fetchval("SELECT classified FROM submissions WHERE submission_id = $1", request.submission_id),
                         lambda classified: classified is True)
        # A decision for a stage the draft is not at, sent twice by its own lead ministry: refused both times.
        wrong_stage = decision(request, Stage.DRAFTING).model_copy(update={"stage": Stage.APPRAISAL})
        logs = LogLines()
        monkeypatch.setattr(tokens, "log", logs)
        monkeypatch.setattr(plumbing, "log", logs)
        for _ in range(2):
            refused = await http.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(wrong_stage), headers=lead)
            assert refused.status_code in (403, 409, 422), refused.text
    assert "refusal not recorded: over the rate for this caller" in {line["event"] for line in logs}, logs
    assert who_named(logs, request.submission_id) == []


async def test_a_classified_drafts_refusal_before_its_registry_row_names_nobody(dev_env, pool, monkeypatch):
    """Found by a breaker: until the draft's registry row was written (no worker here: as in the moments after any
    start), its refusals' log line read it as not classified and named who was refused."""
    async with api_client(dev_env.client, pool, worker=False) as http:
        request = start_request(ministry="BQP", classified=True)
        lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
        assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
        logs = LogLines()
        monkeypatch.setattr(tokens, "log", logs)
        refused = await http.post(f"/v1/submissions/{request.submission_id}/decisions", json={}, headers=lead)
        assert refused.status_code == 422, refused.text
    assert who_named(logs, request.submission_id) == []


async def test_the_access_log_names_no_token_beside_a_classified_draft(api, pool, monkeypatch):
    """Found by a Government Office's trial: the access line of each request a lead ministry sent to its classified draft
    (`path=/v1/submissions/MAT-2026-943/postponements ... token_id=9a938b9ab683`), its start's too, named the token, whose
    agency `legis tokens list` gives: the lead ministry beside the draft, which its refusals' rows and lines leave out. A
    draft not classified keeps its token in the line."""
    lines = LogLines()
    monkeypatch.setattr(plumbing, "access_log", lines)
    for classified in (True, False):
        request, lead = await started_at_drafting(api, pool, "BQP", classified=classified)
        token_id = lead["Authorization"].split("_")[1]
        drafted = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)
        assert drafted.status_code == 200, drafted.text
        assert (await api.get(f"/v1/submissions/{request.submission_id}", headers=lead)).status_code == 200
        by_lead = [line for line in lines if line.get("token_id") == token_id]
        if classified:
            assert by_lead == [], by_lead
        else:
            assert {(line["method"], line["path"]) for line in by_lead} == {
                ("POST", "/v1/submissions"), ("POST", f"/v1/submissions/{request.submission_id}/decisions"),
                ("GET", f"/v1/submissions/{request.submission_id}")}, by_lead


async def test_a_start_saying_not_classified_of_a_classified_draft_logs_no_token(api, pool, monkeypatch):
    """Found by a breaker: a start sent again for a classified draft with `classified` false was refused 409, and its access
    line named the lead ministry's token, taken from the body's word: the draft's, in the registry, is what counts."""
    lines = LogLines()
    monkeypatch.setattr(plumbing, "access_log", lines)
    request = start_request(ministry="BQP", classified=True)
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    token_id = lead["Authorization"].split("_")[1]
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    again = await api.post("/v1/submissions", json=body(request.model_copy(update={"classified": False})), headers=lead)
    assert again.status_code == 409, again.text
    assert [line for line in lines if line.get("token_id") == token_id] == []


async def test_a_classified_drafts_history_withholds_the_codes_a_remap_gave(api, pool, dev_env):
    """Found by a breaker: the status of a classified draft withheld its examining committee, and its history named it in the
    remap's entry (`AGENCY_REMAPPED`, agency code UBPLTP), as it named a remapped lead ministry."""
    from schemas.messages import AgencyRemap
    from workflows import client as drafts

    request = start_request(ministry="BQP", classified=True).model_copy(update={"examining_committee": "UBKTTC"})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    remap = AgencyRemap(old_code="UBKTTC", new_code="UBPLTP", changed_by="VPQH", reason="thử")
    await drafts.remap_agency(dev_env.client, request.submission_id, remap)
    other = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    history = await eventually(lambda: api.get(f"/v1/submissions/{request.submission_id}/history", headers=other),
                               lambda answer: "AGENCY_REMAPPED" in answer.text)
    [entry] = [e for e in history.json()["entries"] if e["event"] == "AGENCY_REMAPPED"]
    assert entry["agency_code"] == "(classified)" and "UBPLTP" not in history.text and "UBKTTC" not in history.text, entry
    own = (await api.get(f"/v1/submissions/{request.submission_id}/history", headers=lead)).json()
    assert [e["agency_code"] for e in own["entries"] if e["event"] == "AGENCY_REMAPPED"] == ["UBPLTP"]


async def test_a_classified_start_refused_before_it_started_is_listed_to_operators_by_field_and_rule(api, pool):
    """Found by a breaker: a classified start refused before anything claimed its ID (its examining committee one merged in
    2025) was listed to operators with its lead ministry's token, agency and role, and a sentence naming the committee: a
    draft the registry does not hold was taken as not classified. It is now as the start said (`access_refusals.classified`);
    a start saying it is not classified stays listed whole."""
    secret = start_request(ministry="BQP", classified=True).model_copy(update={"examining_committee": "UBQPAN"})
    plain = start_request(ministry="BQP").model_copy(update={"examining_committee": "UBQPAN"})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    for request in (secret, plain):
        problem(await api.post("/v1/submissions", json=body(request), headers=lead), 422, "examining_committee_known", "examining_committee")
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    [withheld] = (await api.get("/v1/refusals", params={"submission_id": secret.submission_id}, headers=operator)).json()
    assert withheld["token_id"] is None and "BQP" not in json.dumps(withheld) and "UBQPAN" not in withheld["message"], withheld
    [whole] = (await api.get("/v1/refusals", params={"submission_id": plain.submission_id}, headers=operator)).json()
    assert whole["agency_code"] == "BQP" and whole["token_id"] and "UBQPAN" in whole["message"], whole


async def test_a_classified_start_refused_stays_withheld_once_a_plain_start_takes_its_id(api, pool):
    """Found by a breaker: a classified start refused before it started, then a plain start under the same ID, accepted: the
    first refusal was listed whole, the registry's word taken before the refused start's own."""
    secret = start_request(ministry="BQP", classified=True).model_copy(update={"examining_committee": "UBQPAN"})
    plain = start_request(ministry="BQP").model_copy(update={"submission_id": secret.submission_id})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    problem(await api.post("/v1/submissions", json=body(secret), headers=lead), 422, "examining_committee_known", "examining_committee")
    started = await api.post("/v1/submissions", json=body(plain), headers=lead)
    assert started.status_code == 201, started.text
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    listed = (await api.get("/v1/refusals", params={"submission_id": secret.submission_id}, headers=operator)).json()
    [refused] = [r for r in listed if r["rule"] == "examining_committee_known"]
    assert refused["token_id"] is None and "BQP" not in json.dumps(refused) and "UBQPAN" not in (refused["message"] or ""), refused


async def test_a_classified_start_refused_by_its_own_fields_is_listed_by_field_and_rule_only(api, pool):
    """Found by a re-check: a classified start refused for its own model's rule (a title over 500 characters), before the
    route read `classified`, was listed to operators with its lead ministry's token, agency and role."""
    secret = start_request(ministry="BQP", classified=True).model_copy(update={"title": "Mật " + "x" * 600})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    problem(await api.post("/v1/submissions", json=body(secret), headers=lead), 422, "string_too_long", "title")
    operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
    [listed] = (await api.get("/v1/refusals", params={"submission_id": secret.submission_id}, headers=operator)).json()
    assert listed["token_id"] is None and listed["agency_code"] == "(classified)" and "BQP" not in json.dumps(listed), listed


async def test_a_classified_drafts_deadlines_are_withheld_from_another_ministry_and_consultees(api, pool):
    """Found by a National Assembly Office's trial: another ministry's token read a classified draft's `stage_deadline`,
    its session's cut-off to the day and moving with it, where the draft's session is withheld. Who decides its stages and
    the offices that follow it up read its deadlines; a body outside its path does not."""
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}"
    drafted = await api.post(f"{path}/decisions", json=body(decision(request, Stage.DRAFTING)), headers=lead)
    assert drafted.status_code == 200, drafted.text
    deadline = (await api.get(path, headers=lead)).json()["stage_deadline"]
    assert deadline is not None
    for reader in (await bearer(pool, "VPQH", CallerRole.OPERATOR), await bearer(pool, "BTP", CallerRole.MOJ)):
        assert (await api.get(path, headers=reader)).json()["stage_deadline"] == deadline
    for outsider in (await bearer(pool, "BCT", CallerRole.LEAD_MINISTRY), await bearer(pool, "BCT", CallerRole.CONSULTEE)):
        status = (await api.get(path, headers=outsider)).json()
        assert status["stage_deadline"] is None and status["next_alarm"] is None, status
        entries = (await api.get(f"{path}/history", headers=outsider)).json()["entries"]
        assert entries and all(e["deadline"] is None and e.get("to_stage_deadline") is None for e in entries), entries
        listed = (await api.get("/v1/submissions", params={"stage": "APPRAISAL", "size": 100}, headers=outsider)).json()["items"]
        assert [d["stage_deadline"] for d in listed if d["submission_id"] == request.submission_id] == [None]
        assert deadline not in json.dumps(status) + json.dumps(entries)


def test_an_outsider_reads_no_alarm_nor_calendar_event_of_a_classified_draft():
    """Found by a re-check of the fix above: another ministry's token read the days of a classified draft's
    DEADLINE_PASSED and ESCALATION events (the cut-off's day after, so its session) and its overdue flag."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from api import permissions
    from api.tokens import Caller
    from schemas.enums import EventKind
    from schemas.views import HistoryEntry, HistoryView

    at = datetime(2026, 11, 28, 1, tzinfo=UTC)
    entries = tuple(HistoryEntry(seq=n, at=at, event=kind, stage=Stage.GOVERNMENT_DECISION, deadline=date(2026, 11, 27))
                    for n, kind in enumerate((EventKind.DECISION, EventKind.DEADLINE_PASSED, EventKind.ESCALATION, EventKind.WARNING,
                                              EventKind.SESSION_RESCHEDULED, EventKind.DOSSIER_FILED), start=1))
    view = HistoryView(submission_id="MAT-2026-C3", entries=entries)
    draft = SimpleNamespace(classified=True, lead_ministry="BQP")
    for role in (CallerRole.LEAD_MINISTRY, CallerRole.CONSULTEE):
        seen = permissions.history_for(Caller(token_id="t", agency_code="BTC", role=role), view, draft)
        assert [e.event for e in seen.entries] == [EventKind.DECISION, EventKind.DOSSIER_FILED]
        assert all(e.deadline is None for e in seen.entries)
    operator = permissions.history_for(Caller(token_id="t", agency_code="VPQH", role=CallerRole.OPERATOR), view, draft)
    assert len(operator.entries) == len(entries)


async def test_a_classified_drafts_document_addresses_stay_with_its_lead_ministry(api, pool):
    """Found by a hunt for leaks: a classified draft's documents were shown with their `url` (which names the document,
    and its host the ministry) to every token, in its history and its versions, where their names were withheld."""
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}"
    filing = draft_text(request)
    url = filing.documents[0].url
    assert (await api.post(f"{path}/dossier", json=body(filing), headers=lead)).status_code == 200
    others = [await bearer(pool, agency, role) for agency, role in (("BTC", CallerRole.LEAD_MINISTRY), ("VPCP", CallerRole.OPERATOR),
                                                                    ("BTP", CallerRole.MOJ), ("BYT", CallerRole.CONSULTEE))]
    for read in ("history", "versions"):
        own = await api.get(f"{path}/{read}", headers=lead)
        assert own.status_code == 200 and url in own.text, own.text
        for token in others:
            seen = await api.get(f"{path}/{read}", headers=token)
            assert seen.status_code == 200, seen.text
            assert url not in seen.text and "duthaoonline" not in seen.text, (read, seen.text)
            assert "DRAFT_TEXT" in seen.text, (read, seen.text)  # the document's kind and digest stay: it was filed


async def test_a_classified_drafts_round_names_no_token_where_temporal_shows_it(api, pool, dev_env):
    """Found by a hunt for leaks: a round's message sent under an `Idempotency-Key` had its token's ID in its update ID,
    which the Web UI and `temporal workflow show` read without the codec; the token list and the refusals' record set that
    ID beside its ministry, so a classified draft's lead ministry was named. The update ID carries the token's pseudonym,
    and a retry under the key still gets the first answer."""
    from schemas.enums import Response
    from workflows.rounds import round_workflow_id

    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}/consultations"
    assert (await api.post(path, json=body(consultation(request, "r1", ("BTC",))), headers=lead)).status_code == 200
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    said = await api.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc | {"Idempotency-Key": "op-1"})
    assert said.status_code == 200, said.text
    compiled = body(compilation_body(request, ("BTC", "c1", Response.ACCEPTED)))
    first = await api.post(f"{path}/r1/compilation", json=compiled, headers=lead | {"Idempotency-Key": "comp-1"})
    assert first.status_code == 200, first.text
    await pool.execute("DELETE FROM idempotency_keys WHERE key = 'comp-1'")  # the API's own record gone: the round answers
    again = await api.post(f"{path}/r1/compilation", json=compiled, headers=lead | {"Idempotency-Key": "comp-1"})
    assert again.status_code == 200 and again.json() == first.json(), again.text
    history = await dev_env.client.get_workflow_handle(round_workflow_id(request.submission_id, "r1")).fetch_history()
    update_ids = [e.workflow_execution_update_accepted_event_attributes.protocol_instance_id for e in history.events
                  if e.HasField("workflow_execution_update_accepted_event_attributes")]
    keyed = [u for u in update_ids if ":op-1:" in u or ":comp-1:" in u]
    assert len(keyed) == 2, update_ids
    for token in (lead, btc):
        token_id = token["Authorization"].split("_")[1]
        assert not [u for u in update_ids if token_id in u], (token_id, update_ids)
    # A pseudonym of the token in this draft alone: the same token's in another draft (one whose ministry Temporal shows)
    # differs, so that none ties this draft to it (found by the re-check: one prefix on both).
    secret = lead["Authorization"].split("_", 2)[2]
    caller = tokens.Caller(token_id="t", agency_code="BQP", role=CallerRole.LEAD_MINISTRY, pseudonym_key=tokens._pseudonym_key(secret))
    assert [u for u in keyed if ":comp-1:" in u] == [f"{caller.pseudonym(request.submission_id)}:comp-1:{u.rsplit(':', 1)[1]}" for u in keyed
                                                     if ":comp-1:" in u]
    assert caller.pseudonym(request.submission_id) != caller.pseudonym("BQP-2026-300")


async def test_a_classified_drafts_round_refusals_give_their_field_and_rule_only(api, pool):
    """Found by a hunt for leaks: a round's refusals (`asked_only`, `round_closed`) gave a consultee their sentences,
    where a classified draft's own refusals give anyone but its lead ministry the field and the rule only."""
    from schemas.enums import Response

    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}/consultations"
    assert (await api.post(path, json=body(consultation(request, "r1", ("BTC",))), headers=lead)).status_code == 200
    byt = await bearer(pool, "BYT", CallerRole.CONSULTEE)
    not_asked = problem(await api.post(f"{path}/r1/opinions", json=body(opinion_body("BYT", "c1")), headers=byt), 403, "asked_only", "consultee")
    assert not_asked["detail"] == "refused by rule asked_only (details withheld: classified draft)", not_asked
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    assert (await api.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc)).status_code == 200
    compiled = await api.post(f"{path}/r1/compilation", json=body(compilation_body(request, ("BTC", "c1", Response.ACCEPTED))), headers=lead)
    assert compiled.status_code == 200, compiled.text
    closed = await api.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c2")), headers=btc)
    answer = problem(closed, 409)
    assert answer["detail"] == f"refused by rule {answer['rule']} (details withheld: classified draft)", answer


async def test_the_overdue_filter_finds_no_classified_draft_of_another_ministry_for_an_outsider(fresh_database_url):
    import asyncpg

    from store import registry

    connection = await asyncpg.connect(fresh_database_url)
    try:
        await connection.execute(
            "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage, stage_since,"
            " stage_deadline, classified, last_seq, responsible) VALUES ('MAT-2026-C2', 'draft-law-MAT-2026-C2', 'BQP', 'LAW_2025', '16-2',"
            " 'GOVERNMENT_DECISION', now() - interval '30 days', current_date - 5, true, 3, 'GOVERNMENT')")
        for withheld, found in ((True, []), (False, ["MAT-2026-C2"])):
            rows, _, total = await registry.page(connection, after=None, size=10, overdue=True, deadlines_withheld=withheld)
            assert [r.submission_id for r in rows] == found and total == len(found)
        rows, _, _ = await registry.page(connection, after=None, size=10, overdue=True, own_agency="BQP", deadlines_withheld=True)
        assert [r.submission_id for r in rows] == ["MAT-2026-C2"]
    finally:
        await connection.close()
