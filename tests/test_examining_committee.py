"""The committee that leads a draft's examination (cơ quan chủ trì thẩm tra), named at its start: only its token acts as
the National Assembly's committee on the draft, and the status names it (found by a committee official's trial: the
Committee on Law and Justice's token decided a health law's examination). Through the HTTP API, a real Temporal and
PostgreSQL."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from schemas.enums import CallerRole, Stage
from schemas.text import folded
from tests.drafts import decision, start_request
from tests.http_api import bearer, body, problem
from tests.polling import eventually
from tests.test_board_forms import token_of
from tests.test_board_pages import is_page, signed_in
from tests.test_page_paths import app_over
from workflows import client as drafts


async def test_only_the_committee_the_start_names_decides_the_examination(api, pool, dev_env):
    request = start_request(ministry="BYT")
    request = request.model_copy(update={"examining_committee": "UBVHXH", "title": f"Luật Khám bệnh {request.submission_id[-10:]}"})
    sid = request.submission_id
    lead = await bearer(pool, "BYT", CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    while (status := await drafts.status(dev_env.client, sid)).stage is not Stage.EXAMINATION:
        await drafts.decide(dev_env.client, sid, decision(request, status.stage))
    operator = await bearer(pool, "VPQH", CallerRole.OPERATOR)
    assert (await api.get(f"/v1/submissions/{sid}", headers=operator)).json()["examining_committee"] == "UBVHXH"
    # The list finds it by the committee's code and by the body's actor, as it finds the Ministry of Justice's by BTP and MOJ
    # (found by an integrator's trial: `responsible=NA_COMMITTEE` found none of the drafts a named committee examines).
    # A draft still naming a committee merged in 2025 (started before such a start was refused) too (found by a re-check).
    merged = f"MERGED-{sid[-10:]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, title_folded, lead_ministry, process_version, target_session, "
                       "stage, stage_since, classified, last_seq, responsible) VALUES ($1, $2, $3, $4, 'BYT', 'LAW_2025', '16-2', 'EXAMINATION', "
                       "now(), false, 9, 'UBXH')", merged, f"draft-law-{merged}", request.title, folded(request.title))
    for named, found in (("UBVHXH", [sid]), ("NA_COMMITTEE", [merged, sid]), ("UBXH", [merged]), ("UBPLTP", [])):
        listed = (await api.get("/v1/submissions", params={"responsible": named, "q": request.title}, headers=operator)).json()
        assert [row["submission_id"] for row in listed["items"]] == found, (named, listed)
    examined = decision(request, Stage.EXAMINATION)  # the tests' committee: UBPLTP
    refused = problem(await api.post(f"/v1/submissions/{sid}/decisions", json=body(examined),
                                     headers=await bearer(pool, "UBPLTP", CallerRole.NA_COMMITTEE)), 403, "examining_committee_only", "agency_code")
    assert "UBVHXH" in refused["detail"]
    by_it = body(examined.model_copy(update={"agency_code": "UBVHXH"}))
    taken = await api.post(f"/v1/submissions/{sid}/decisions", json=by_it, headers=await bearer(pool, "UBVHXH", CallerRole.NA_COMMITTEE))
    assert taken.status_code == 200 and taken.json()["to_stage"] != "EXAMINATION", taken.text


async def test_a_classified_drafts_examining_committee_is_its_lead_ministrys_to_read(api, pool):
    request = start_request(ministry="BQP", classified=True).model_copy(update={"examining_committee": "UBQPANDN"})
    lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    path = f"/v1/submissions/{request.submission_id}"
    assert (await api.get(path, headers=lead)).json()["examining_committee"] == "UBQPANDN"
    operator = await bearer(pool, "VPQH", CallerRole.OPERATOR)
    assert (await api.get(path, headers=operator)).json()["examining_committee"] == "(classified)"
    # A draft that names none says nothing of it.
    other = start_request(ministry="BYT")
    assert (await api.post("/v1/submissions", json=body(other), headers=await bearer(pool, "BYT", CallerRole.LEAD_MINISTRY))).status_code == 201
    assert "examining_committee" not in (await api.get(f"/v1/submissions/{other.submission_id}", headers=operator)).json()


async def test_an_examination_waits_in_the_inbox_of_the_committee_the_start_names_alone(dev_env, pool):
    """Found by a committee official's trial: every committee's inbox listed every draft under examination, those another
    committee leads among them. A draft naming its committee waits in that one's inbox and is its in the registry
    (`responsible`); one naming none waits in every committee's, as before."""
    async with app_over(dev_env.client, pool) as http:
        named, unnamed = (start_request(ministry="BYT").model_copy(update={"examining_committee": "UBVHXH"}), start_request(ministry="BYT"))
        # A classified draft's committee is withheld as its status withholds it: the registry names the body.
        secret = start_request(ministry="BYT", classified=True).model_copy(update={"examining_committee": "UBVHXH"})
        lead = await bearer(pool, "BYT", CallerRole.LEAD_MINISTRY)
        for request in (named, unnamed, secret):
            assert (await http.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
            while (status := await drafts.status(dev_env.client, request.submission_id)).stage is not Stage.EXAMINATION:
                await drafts.decide(dev_env.client, request.submission_id, decision(request, status.stage))
        await eventually(lambda: pool.fetch("SELECT responsible FROM submissions WHERE submission_id = ANY($1) ORDER BY array_position($1, submission_id)",
                                            [named.submission_id, unnamed.submission_id, secret.submission_id]),
                         lambda rows: [r["responsible"] for r in rows] == ["UBVHXH", "NA_COMMITTEE", "NA_COMMITTEE"])
        listed = {}
        for committee in ("UBVHXH", "UBPLTP"):
            await signed_in(http, pool, language="en", agency=committee, role=CallerRole.NA_COMMITTEE)
            page = html.unescape(is_page(await http.get("/board/inbox"), 200))
            listed[committee] = (named.submission_id in page, unnamed.submission_id in page)
    assert listed == {"UBVHXH": (True, True), "UBPLTP": (False, True)}, listed


@pytest.mark.parametrize(("code", "said"), [("BTC", "BTC is not a committee of the National Assembly"), ("UBXHH", "UBXHH is not a committee"),
                                            ("UBTCNS", "UBTCNS was merged into UBKTTC in 2025: name UBKTTC")])
async def test_a_start_naming_no_committee_of_the_assembly_is_refused(api, pool, code, said):
    """Found by a committee's trial: a start naming a ministry (its own lead ministry), a typo or a committee merged in 2025
    as its examining committee was taken, and the examination then waited for a committee that does not exist, every real
    committee refused `examining_committee_only`. Refused at the start, nothing started."""
    request = start_request(ministry="BTC").model_copy(update={"examining_committee": code})
    lead = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
    refused = problem(await api.post("/v1/submissions", json=body(request), headers=lead), 422, "examining_committee_known", "examining_committee")
    assert said in refused["detail"], refused
    assert (await api.get(f"/v1/submissions/{request.submission_id}", headers=lead)).status_code == 404


@pytest.mark.parametrize("code", ["BYT", "UBXH"])
async def test_only_a_committee_of_the_assembly_examines_a_draft_naming_none(api, pool, dev_env, code):
    """Found by a committee official's trial: a ministry's token as NA_COMMITTEE examined the ministry's own law (its start
    naming no committee), the audit trail saying NA_COMMITTEE/BYT and the report crediting BYT; a merged committee's code
    (UBXH, now UBVHXH) was taken too. The Assembly's committee acts under one of its committees' codes."""
    request = start_request(ministry="BYT")
    assert (await api.post("/v1/submissions", json=body(request), headers=await bearer(pool, "BYT", CallerRole.LEAD_MINISTRY))).status_code == 201
    while (status := await drafts.status(dev_env.client, request.submission_id)).stage is not Stage.EXAMINATION:
        await drafts.decide(dev_env.client, request.submission_id, decision(request, status.stage))
    examined = body(decision(request, Stage.EXAMINATION).model_copy(update={"agency_code": code}))
    refused = problem(await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=examined,
                                     headers=await bearer(pool, code, CallerRole.NA_COMMITTEE)), 422, "body_agency_code", "agency_code")
    assert "acts under a committee's own code" in refused["detail"], refused
    assert (await drafts.status(dev_env.client, request.submission_id)).stage is Stage.EXAMINATION
    if code == "UBXH":
        return  # a step of a draft under way names the committee that acted then, merged since or not (tests/test_body_codes.py)
    # Entered under way, a ministry's step as the committee is refused by its place.
    steps = [decision(request, stage).model_copy(update={"occurred_on": date(2026, 6, 1) + timedelta(days=7 * n)})
             for n, stage in enumerate((Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL,
                                        Stage.GOVERNMENT_REVIEW, Stage.GOVERNMENT_DECISION, Stage.EXAMINATION))]
    steps[-1] = steps[-1].model_copy(update={"agency_code": code})
    under_way = start_request(ministry="BYT").model_copy(update={"passed": tuple(steps)})
    problem(await api.post("/v1/submissions", json=body(under_way), headers=await bearer(pool, "BYT", CallerRole.LEAD_MINISTRY)),
            422, "body_agency_code", "passed.6.agency_code")


async def test_a_refusal_on_the_board_names_the_agency_field_by_its_name(dev_env, pool):
    """Found by a committee official's trial: the Committee on Law and Justice sending the examination of a draft UBVHXH
    examines was refused on its inbox with the field shown as its code, `agency_code`, where every other is named."""
    async with app_over(dev_env.client, pool) as http:
        request = start_request(ministry="BYT").model_copy(update={"examining_committee": "UBVHXH"})
        assert (await http.post("/v1/submissions", json=body(request), headers=await bearer(pool, "BYT", CallerRole.LEAD_MINISTRY))).status_code == 201
        while (status := await drafts.status(dev_env.client, request.submission_id)).stage is not Stage.EXAMINATION:
            await drafts.decide(dev_env.client, request.submission_id, decision(request, status.stage))
        await signed_in(http, pool, language="vi", agency="UBPLTP", role=CallerRole.NA_COMMITTEE)
        examined = decision(request, Stage.EXAMINATION)
        sent = await http.post(f"/board/inbox/{request.submission_id}", data={
            "csrftoken": token_of(await http.get("/board/inbox")), "stage": "EXAMINATION", "outcome": "APPROVE", "role": examined.role.value,
            "official": "Hoàng Thanh Tùng", "documents": "\n".join(f"{d.kind.value} | {d.name} | {d.sha256}" for d in examined.documents)})
        refused = html.unescape(is_page(sent, 403))
    item = re.search(r'<li data-field="agency_code" data-rule="examining_committee_only">(.*?)</li>', refused, re.S)
    assert item and item[1].startswith("<strong>Cơ quan</strong>"), refused[-2000:]
