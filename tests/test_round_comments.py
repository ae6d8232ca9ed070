"""What the consultees wrote, read back: the comments of the opinions a round took and the lead ministry's answers, a
page at a time, through the HTTP API and `legis consult comments` (before, the texts were stored and nothing read them)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowUpdateFailedError

from api.app import create_app
from schemas.consultation import OpinionBody, OpinionRecord
from schemas.enums import Actor, CallerRole, ConsultationKind, Outcome, Response, Role, Stage
from store import round_comments, texts
from tests.drafts import compilation_body, consultation, decision, opinion_body, passed_through, refusal_of, start_request
from tests.holding import HoldOpinionRecords
from tests.http_api import api_client, bearer, body, problem, started_at_drafting
from tests.polling import eventually
from tests.test_cli_consult import _at_drafting
from workers.worker import create_worker
from workflows import client as drafts
from workflows import round_client


async def test_a_round_s_comments_read_back_with_their_answers_a_page_at_a_time(api, pool, dev_env):
    request, lead = await started_at_drafting(api, pool, "BYT")
    path = f"/v1/submissions/{request.submission_id}/consultations"
    assert (await api.post(path, json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)).status_code == 200
    btc, bnv = await bearer(pool, "BTC", CallerRole.CONSULTEE), await bearer(pool, "BNV", CallerRole.CONSULTEE)
    written = body(opinion_body("BTC", "c2", "c10"))
    written["comments"][0] |= {"article": 5, "text": "Đề nghị sửa [bold]Điều 5[/bold] <script>x</script> 🙂"}
    assert (await api.post(f"{path}/r1/opinions", json=written, headers=btc)).status_code == 200
    problem(await api.get(f"{path}/r9/opinions", headers=lead), 404, "round_unknown", "round_id")
    # By design, asked by a fresh-user trial: a round's view counts each answer's comments and lists none of their IDs, bounded
    # whatever the round's size (they are read here, below); the OpenAPI document says when the list is empty.
    assert [(a["comment_ids"], a["comments"]) for a in (await api.get(f"{path}/r1", headers=lead)).json()["answers"]] == [([], 2)]
    assert "empty in a round's view" in create_app().openapi()["components"]["schemas"]["Answer"]["properties"]["comment_ids"]["description"]

    first = await api.get(f"{path}/r1/opinions", params={"limit": 1}, headers=bnv)
    assert first.status_code == 200, first.text
    page = first.json()
    [c2] = page["comments"]
    assert (c2["consultee"], c2["comment_id"], c2["article"], c2["official"]) == ("BTC", "c2", 5, "Thứ trưởng BTC")
    assert c2["text"] == "Đề nghị sửa [bold]Điều 5[/bold] <script>x</script> 🙂" and c2["response"] is None
    assert f"after={page['next_after']}" in first.headers["link"]
    rest = (await api.get(f"{path}/r1/opinions", params={"after": page["next_after"]}, headers=bnv)).json()
    assert [c["comment_id"] for c in rest["comments"]] == ["c10"] and "next_after" not in rest

    assert (await api.post(f"{path}/r1/opinions", json=body(opinion_body("BNV", "c1")), headers=bnv)).status_code == 200
    answers = (("BTC", "c2", Response.ACCEPTED), ("BTC", "c10", Response.EXPLAINED), ("BNV", "c1", Response.EXPLAINED))
    compiled = await api.post(f"{path}/r1/compilation", json=body(compilation_body(request, *answers)), headers=lead)
    assert compiled.status_code == 200, compiled.text
    whole = (await api.get(f"{path}/r1/opinions", headers=lead)).json()["comments"]
    assert [(c["consultee"], c["comment_id"], c["response"], c["explanation"]) for c in whole] == [
        ("BTC", "c2", "ACCEPTED", None), ("BTC", "c10", "EXPLAINED", "đã quy định tại luật khác"),
        ("BNV", "c1", "EXPLAINED", "đã quy định tại luật khác")]
    # Found by a fresh-user trial: these instants were written in UTC (`...Z`), where every other answer writes Ha Noi time.
    assert all(c["received_at"].endswith("+07:00") and c["answered_at"].endswith("+07:00") for c in whole), whole
    assert [c["text"] for c in (await api.get(f"{path}/r1/opinions", params={"consultee": "BNV"}, headers=lead)).json()["comments"]] == [
        "đề nghị làm rõ c1"]
    problem(await api.get(f"{path}/r1/opinions", params={"limit": 51}, headers=lead), 422, field="limit")
    problem(await api.get(f"{path}/r1/opinions", params={"after": 2**40}, headers=lead), 422, field="after")  # a position, not a 500
    problem(await api.get(f"{path}/r1/opinions", params={"lmit": 5}, headers=lead), 422, "unknown_parameter", "lmit")
    # Compiled, the round ends: its comments are all recorded, which the server says without a worker replaying the round.
    await eventually(lambda: round_client.recorded_through(dev_env.client, request.submission_id, "r1"), lambda through: through is None)


async def test_a_classified_draft_s_comments_are_its_lead_ministry_s_alone(api, pool):
    request, lead = await started_at_drafting(api, pool, "BQP", classified=True)
    path = f"/v1/submissions/{request.submission_id}/consultations"
    assert (await api.post(path, json=body(consultation(request, "r1", ("BTC",))), headers=lead)).status_code == 200
    btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
    assert (await api.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc)).status_code == 200
    for token in (btc, await bearer(pool, "VPCP", CallerRole.OPERATOR)):
        answer = problem(await api.get(f"{path}/r1/opinions", headers=token), 403, "classified_comments", "submission_id")
        assert "đề nghị" not in json.dumps(answer, ensure_ascii=False)
    assert [c["text"] for c in (await api.get(f"{path}/r1/opinions", headers=lead)).json()["comments"]] == ["đề nghị làm rõ c1"]


async def test_a_page_is_cut_by_its_texts_size_and_a_text_never_stored_is_named(pool):
    """Three comments of 400 KB each make pages of two and one (about 1 MB of texts a page); a comment whose text was
    never stored (a message sent past the API and the CLI) is listed with its reference."""
    long = "🙂" * 100_000  # 400 KB in UTF-8
    sid = f"PAGE-{datetime.now(UTC).timestamp()}"
    bodies = OpinionBody(consultee="BTC", official="Thứ trưởng", comments=tuple(
        {"comment_id": f"c{n}", "text": long[:-n] if n else long} for n in range(3)))
    opinion = bodies.by_reference(await texts.put(pool, bodies.texts()))
    stray = OpinionBody(consultee="BNV", official="Thứ trưởng", comments=({"comment_id": "x", "text": "never stored"},))
    await round_comments.record_opinion(pool, OpinionRecord(submission_id=sid, round_id="r1", at=datetime.now(UTC), opinion=opinion))
    never = stray.by_reference([texts.reference("never stored")])
    await round_comments.record_opinion(pool, OpinionRecord(submission_id=sid, round_id="r1", at=datetime.now(UTC), first=4, opinion=never))
    first = await round_comments.page(pool, sid, "r1")
    assert [c.comment_id for c in first.comments] == ["c0", "c1"] and first.next_after == first.comments[-1].position
    second = await round_comments.page(pool, sid, "r1", after=first.next_after)
    assert [(c.comment_id, c.text is None) for c in second.comments] == [("c2", False), ("x", True)] and second.next_after is None
    assert second.comments[1].text_sha256 == texts.reference("never stored").sha256


async def test_legis_consult_comments_prints_each_comment_and_its_answer(cli, tmp_path):
    sid, _ = await _at_drafting(cli, tmp_path, "CMT")
    round_id = "Y-KIEN-BO-NGANH"
    assert (await cli("consult", "open", sid, str(tmp_path / "09-consultation.json")))[0] == 0
    assert (await cli("consult", "opinion", sid, round_id, str(tmp_path / "10-opinion.json")))[0] == 0
    code, out, err = await cli("consult", "comments", sid, round_id, "--limit", "1")
    assert code == 0, err
    assert "BTC/1 on the draft as a whole" in out and "Đề nghị làm rõ nguồn kinh phí bảo đảm thực hiện Điều 12." in out, out
    assert f"more: legis consult comments {sid} {round_id} --after " in out, out
    after = out.rsplit("--after ", 1)[1].split()[0]
    code, out, err = await cli("consult", "comments", sid, round_id, "--after", after, "--json")
    assert code == 0, err
    assert [c["comment_id"] for c in json.loads(out)["comments"]] == ["2"]
    code, out, err = await cli("consult", "comments", sid, round_id, "--consultee", "btc!")
    assert code == 2 and "consultee" in err, (out, err)
    code, out, err = await cli("consult", "comments", sid, "KHONG-CO")
    assert code != 0 and "no consultation round KHONG-CO" in err, (code, out, err)
    # A draft the registry does not hold is named so, not taken for a classified one (found by a new user).
    for missing in ("NO-SUCH-DRAFT", sid.lower()):
        code, out, err = await cli("consult", "comments", missing, round_id)
        assert code == 4 and f"no draft {missing} in the audit trail" in err and "classified" not in err, (code, out, err)
    code, out, err = await cli("consult", "comments", sid, round_id, "--consultee", "BNV")
    assert code == 0 and f"no comments of round {round_id} of {sid} from BNV are recorded" in out, (out, err)
    # One the round never asked is said so, not taken for one with nothing recorded yet (found by a new user).
    code, out, err = await cli("consult", "comments", sid, round_id, "--consultee", "BYT")
    assert code == 0 and f"BYT is not among the consultees of round {round_id} of {sid} (asked: BCA, BNV, BTC)" in " ".join(out.split()), (out, err)


async def test_legis_consult_comments_withholds_a_classified_draft_s(cli, tmp_path):
    sid, _ = await _at_drafting(cli, tmp_path, "MAT", classified=True)
    assert (await cli("consult", "open", sid, str(tmp_path / "09-consultation.json")))[0] == 0
    assert (await cli("consult", "opinion", sid, "Y-KIEN-BO-NGANH", str(tmp_path / "10-opinion.json")))[0] == 0
    code, out, err = await cli("consult", "comments", sid, "Y-KIEN-BO-NGANH")
    assert code != 0 and "classified_comments" in err and "kinh phí" not in out + err, (code, out, err)


@contextlib.asynccontextmanager
async def held_api(dev_env, pool, **settings):
    """The API with a worker of its own whose opinions' records can be held (`HoldOpinionRecords`)."""
    holding = HoldOpinionRecords()
    async with (api_client(dev_env.client, pool, worker=False, **settings) as http,
                create_worker(dev_env.client, pool, task_queue=http.task_queue, interceptors=[holding])):
        yield http, holding


async def test_comments_recorded_late_keep_the_round_s_order_and_their_answers(dev_env, pool):
    """Found by a breaker: a comment recorded late (its write slow or retried) was listed after the opinions that came
    after it; and the last opinion closes the round before its comments are recorded, so a compilation taken meanwhile
    answered rows that did not exist yet, its answers lost for good."""
    async with held_api(dev_env, pool) as (http, holding):
        request, lead = await started_at_drafting(http, pool, "BYT")
        path = f"/v1/submissions/{request.submission_id}/consultations"
        assert (await http.post(path, json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)).status_code == 200
        btc, bnv = await bearer(pool, "BTC", CallerRole.CONSULTEE), await bearer(pool, "BNV", CallerRole.CONSULTEE)
        released = holding.hold("BTC")
        first = asyncio.create_task(http.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=btc))
        await eventually(lambda: http.get(f"{path}/r1", headers=lead), lambda read: [a["consultee"] for a in read.json()["answers"]] == ["BTC"])
        # BNV's opinion, the last awaited, closes the round while BTC's comments wait to be recorded.
        assert (await http.post(f"{path}/r1/opinions", json=body(opinion_body("BNV", "c1")), headers=bnv)).status_code == 200
        await eventually(lambda: http.get(f"{path}/r1", headers=lead), lambda read: read.json()["closed"])
        # A reader paging on from the last position it read would pass over BTC's comment: the page ends before it.
        early = await http.get(f"{path}/r1/opinions", headers=lead)
        assert early.status_code == 200 and early.json()["comments"] == [], early.text
        assert (await round_comments.page(pool, request.submission_id, "r1")).comments[0].consultee == "BNV"  # recorded, held back
        answers = (("BTC", "c1", Response.ACCEPTED), ("BNV", "c1", Response.EXPLAINED))
        compiling = asyncio.create_task(http.post(f"{path}/r1/compilation", json=body(compilation_body(request, *answers)), headers=lead))
        # Taken (the round says compiled) and waiting for BTC's comments before its answers are recorded.
        await eventually(lambda: http.get(f"{path}/r1", headers=lead), lambda read: read.json()["compiled"])
        assert not compiling.done()
        released.set()
        assert (await first).status_code == 200 and (await compiling).status_code == 200
        listed = (await http.get(f"{path}/r1/opinions", headers=lead)).json()["comments"]
        assert [(c["position"], c["consultee"], c["response"]) for c in listed] == [(1, "BTC", "ACCEPTED"), (2, "BNV", "EXPLAINED")], listed


async def test_an_opinion_retried_under_its_key_after_no_answer_gets_the_first_answer(dev_env, pool):
    """Found by a breaker: with the opinion's comments not yet recorded (PostgreSQL not answering the worker), the API
    answered 504 and asked for the same request again with its Idempotency-Key; the retry was refused `answered_once`,
    the first answer lost. The key is the round's update ID: the retry waits for the first update and gets its receipt."""
    async with held_api(dev_env, pool, api_timeout=2.0) as (http, holding):
        request, lead = await started_at_drafting(http, pool, "BYT")
        path = f"/v1/submissions/{request.submission_id}/consultations"
        assert (await http.post(path, json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)).status_code == 200
        keyed = await bearer(pool, "BTC", CallerRole.CONSULTEE) | {"Idempotency-Key": "opinion-1"}
        released = holding.hold("BTC")
        problem(await http.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=keyed), 504, "timed_out")
        released.set()
        again = await http.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")), headers=keyed)
        assert again.status_code == 200 and again.json()["consultee"] == "BTC", again.text


async def cancel_requested(handle) -> bool:
    return any([e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED async for e in handle.fetch_history_events()])


async def test_an_opinion_taken_as_its_draft_is_withdrawn_gets_its_receipt(dev_env, pool):
    """Found by a breaker: the draft withdrawn while an opinion's comments were being recorded cancelled the round with
    the update unfinished: its sender was refused with Temporal's "workflow completed before the update completed". The
    round finishes the opinion, which the round had taken, then ends."""
    async with held_api(dev_env, pool) as (http, holding):
        request, lead = await started_at_drafting(http, pool, "BYT")
        sid = request.submission_id
        path = f"/v1/submissions/{sid}/consultations"
        assert (await http.post(path, json=body(consultation(request, "r1", ("BTC", "BNV"))), headers=lead)).status_code == 200
        released = holding.hold("BTC")
        sent = asyncio.create_task(http.post(f"{path}/r1/opinions", json=body(opinion_body("BTC", "c1")),
                                             headers=await bearer(pool, "BTC", CallerRole.CONSULTEE)))
        await eventually(lambda: http.get(f"{path}/r1", headers=lead), lambda read: bool(read.json()["answers"]))
        await drafts.decide(dev_env.client, sid, decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
            update={"actor": Actor.LEAD_MINISTRY, "role": Role.MINISTER}))
        # The round told to cancel while BTC's comments are still held.
        round_handle = await round_client.round_workflow(dev_env.client, sid, "r1")
        await eventually(lambda: cancel_requested(round_handle), bool)
        assert not sent.done()
        released.set()
        answer = await asyncio.wait_for(sent, 40)
        assert answer.status_code == 200 and answer.json()["consultee"] == "BTC", answer.text
        assert [c["comment_id"] for c in (await http.get(f"{path}/r1/opinions", headers=lead)).json()["comments"]] == ["c1"]


async def test_an_unknown_round_is_not_found_whatever_the_page_asked(api, pool):
    """Found by a breaker: `after` past 0 read a round the draft does not have as an empty page."""
    request, lead = await started_at_drafting(api, pool, "BYT")
    for after in (0, 1, 500):
        answer = await api.get(f"/v1/submissions/{request.submission_id}/consultations/NO-SUCH/opinions", params={"after": after}, headers=lead)
        assert answer.status_code == 404, (after, answer.text)
        problem(answer, 404, "round_unknown", "round_id")


async def test_a_public_posting_sent_before_the_rulebook_is_pinned_needs_the_draft_text_too(dev_env, pool):
    """Found by a breaker: a draft entered under way at DRAFTING, its posting sent in its first workflow task (before its
    rulebook was pinned, when its dossier cannot be read), opened with no DRAFT_TEXT. Until the pin it is refused as the
    draft not ready, which the client sends again; then the dossier's rule answers."""
    request = passed_through(start_request(ministry="BYT"), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME],
                             datetime.now(UTC).date() - timedelta(days=1))
    queue = f"pin-{request.submission_id[-6:]}"
    await drafts.start_submission(dev_env.client, request, task_queue=queue)
    posting = consultation(request, "cong-khai", (), kind=ConsultationKind.PUBLIC_POSTING)
    opened = asyncio.create_task(drafts.open_consultation(dev_env.client, request.submission_id, posting))
    await asyncio.sleep(1.0)  # the update waits in the server with the start: no worker yet
    async with create_worker(dev_env.client, pool, task_queue=queue):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await opened
        assert refusal_of(refused.value)[1] in ("draft_text_filed", "draft_not_ready"), refusal_of(refused.value)
        assert (await drafts.status(dev_env.client, request.submission_id)).open_consultations == ()
