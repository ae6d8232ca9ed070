"""Public consultation at national scale, through the HTTP API against a time-skipping Temporal server, a worker and
PostgreSQL: comments go straight into PostgreSQL (validated, rate limited per client, repeats counted once), the round's
workflow learns totals when it closes, the lead ministry answers by article, and the public reads the answers.

The round's close is held (an activity interceptor waits on an event) so that comments can be sent while the window is
open on the server's skipping clock; everything else runs as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx

from api.app import create_app
from schemas.consultation import PUBLIC
from schemas.enums import Actor, CallerRole, ConsultationKind, EventKind, Outcome, Role, Stage
from schemas.public import PublicComment
from schemas.refusal import Refused
from store import public
from store.intake import CommentIntake, Incoming
from tests.conftest import TEST_KEY_ENTRY
from tests.drafts import cancellation, consultation, decision, draft_text, opinion_body, session_of_its_own, start_request
from tests.holding import HoldClose
from tests.http_api import bearer, body, problem, unused_address
from tests.polling import eventually
from tests.stack import Cli, isolated_env
from workers.ended_drafts import close_ended_rounds, mark_ended
from workers.settings import Settings
from workers.worker import create_worker
from workflows.rounds import round_workflow_id


@contextlib.asynccontextmanager
async def public_api(env, pool, hold: HoldClose, **settings) -> AsyncIterator[httpx.AsyncClient]:
    task_queue = f"public-{uuid.uuid4().hex[:8]}"
    configured = Settings(**{"api_rate_per_token": "none", "api_rate_per_address": "none", "api_refusals_recorded": "none", **settings})
    async with create_worker(env.client, pool, task_queue=task_queue, interceptors=[hold]):
        app = create_app(client=env.client, pool=pool, task_queue=task_queue, settings=configured)
        transport = httpx.ASGITransport(app=app, client=(unused_address(), 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://legis.test") as http:
            yield http


async def posted_draft(api, pool, *rounds: str, consultees: tuple[str, ...] = ()):
    """A draft carried to DRAFTING with public rounds open (asking `consultees` too), aimed at a session of its own; returns
    its request and its lead ministry's token."""
    request = start_request(ministry="BGDDT", target=session_of_its_own())
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    assert (await api.post("/v1/submissions", json=body(request), headers=lead)).status_code == 201
    for stage, role, agency in ((Stage.POLICY_PROPOSAL, CallerRole.GOVERNMENT, "CP"), (Stage.LEGISLATIVE_PROGRAMME, CallerRole.UBTVQH, "UBTVQH")):
        sent = await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(decision(request, stage)),
                              headers=await bearer(pool, agency, role))
        assert sent.status_code == 200, sent.text
    if rounds:
        filed = await api.post(f"/v1/submissions/{request.submission_id}/dossier", json=body(draft_text(request)), headers=lead)
        assert filed.status_code == 200, filed.text
    for round_id in rounds:
        opened = await api.post(f"/v1/submissions/{request.submission_id}/consultations",
                                json=body(consultation(request, round_id, consultees, kind=ConsultationKind.PUBLIC_POSTING)), headers=lead)
        assert opened.status_code == 200, opened.text
    for round_id in rounds:
        await eventually(lambda r=round_id: public.public_round(pool, request.submission_id, r), lambda found: found is not None)
    return request, lead


async def test_public_comments_go_to_postgresql_and_the_round_learns_totals(time_skipping_env, pool, database_url, tmp_path):
    hold = HoldClose()
    async with public_api(time_skipping_env, pool, hold) as api:
        request, lead = await posted_draft(api, pool, "cong-khai")
        sid = request.submission_id
        url = f"/v1/public/consultations/{sid}/cong-khai/comments"

        first = await api.post(url, json={"article": 12, "text": "Đề nghị làm rõ khoản 2 Điều 12."})
        assert first.status_code == 201, first.text
        again = await api.post(url, json={"article": 12, "text": "  Đề nghị làm rõ khoản 2 Điều 12.  "})
        assert again.status_code == 200 and again.json()["repeated"] is True
        assert again.json()["comment_id"] == first.json()["comment_id"]
        for article, text in ((12, "Điều 12 nên bỏ thủ tục xác nhận."), (3, "Định nghĩa tại Điều 3 chưa rõ."), (None, "Đồng ý với dự thảo.")):
            assert (await api.post(url, json={"article": article, "text": text})).status_code == 201

        problem(await api.post(url, json={"article": 0, "text": "x"}), 422, "greater_than_equal", "article")
        problem(await api.post(url, json={"article": 3, "text": "x" * 5001}), 422, None, "text")
        problem(await api.post(url, json={"article": 3, "text": "   "}), 422, None, "text")
        problem(await api.post(url, json={"article": "3", "text": "chuỗi"}), 422, "int_type", "article")
        problem(await api.post(f"/v1/public/consultations/{sid}/khong-co/comments", json={"text": "ý kiến"}), 404, "public_round_unknown", "round_id")
        # The draft's own opinion route no longer takes the public's comments for such a round.
        problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/opinions", headers=lead,
                               json={"consultee": PUBLIC, "official": "Cổng thông tin", "comments": [{"comment_id": "1", "text": "ý kiến"}]}),
                409, "public_comments_through_public_page", "consultee")
        # Answers wait for the window to close, whose last day is said (found by a ministry's trial: no date).
        early = problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                                       json={"agency_code": "BGDDT", "official": "Vụ trưởng", "article": 12, "response": "ACCEPTED"}),
                        409, "round_still_open", "round_id")
        closes_at = datetime.fromisoformat((await api.get(f"/v1/public/consultations/{sid}/cong-khai")).json()["closes_at"])
        assert f"until the end of {(closes_at - timedelta(seconds=1)).date()} (Ha Noi)" in early["detail"], (early, closes_at)

        # While open, the officials' read counts them as the public's page does (found by a new user: it said 0 until the close).
        open_round = (await api.get(f"/v1/submissions/{sid}/consultations/cong-khai", headers=lead)).json()
        assert (open_round["closed"], open_round["comments"]) == (False, 4), open_round
        hold.release.set()
        closed = await eventually(lambda: api.get(f"/v1/submissions/{sid}/consultations/cong-khai", headers=lead),
                                  lambda answer: answer.json().get("closed") is True)
        assert closed.json()["comments"] == 4 and closed.json()["public_comments_in_postgresql"] is True
        problem(await api.post(url, json={"article": 3, "text": "Đến muộn."}), 409, "round_closed", "round_id")

        groups = (await api.get(f"/v1/submissions/{sid}/consultations/cong-khai/articles", headers=lead)).json()
        assert [(g["article"], g["comments"], g["unanswered"]) for g in groups["groups"]] == [(None, 1, 1), (3, 1, 1), (12, 2, 2)]
        other = await bearer(pool, "BTC", CallerRole.LEAD_MINISTRY)
        problem(await api.get(f"/v1/submissions/{sid}/consultations/cong-khai/articles", headers=other), 403, "lead_ministry_only")
        # The texts, which the ministry reads before it answers (found by a new user: it could read only the counts).
        comments = f"/v1/submissions/{sid}/consultations/cong-khai/comments"
        first_page = await api.get(comments, params={"size": 3}, headers=lead)
        assert first_page.status_code == 200 and first_page.json()["total"] == 4, first_page.text
        rest = await api.get(comments, params={"size": 3, "cursor": first_page.json()["next_page"]}, headers=lead)
        read = [(c["comment_id"], c["article"], c["text"], c["answered"]) for c in first_page.json()["items"] + rest.json()["items"]]
        assert [(article, text) for _, article, text, _ in read] == [
            (12, "Đề nghị làm rõ khoản 2 Điều 12."), (12, "Điều 12 nên bỏ thủ tục xác nhận."), (3, "Định nghĩa tại Điều 3 chưa rõ."),
            (None, "Đồng ý với dự thảo.")]
        assert read[0][0] == first.json()["comment_id"] and not any(answered for *_, answered in read) and rest.json()["next_page"] is None
        on_12 = (await api.get(comments, params={"article": 12}, headers=lead)).json()["items"]
        whole = (await api.get(comments, params={"whole_draft": "true"}, headers=lead)).json()["items"]
        assert [c["article"] for c in on_12] == [12, 12] and [c["text"] for c in whole] == ["Đồng ý với dự thảo."]
        problem(await api.get(comments, headers=other), 403, "lead_ministry_only")
        problem(await api.get(comments, params={"article": 3, "whole_draft": "true"}, headers=lead), 422, "article_or_whole_draft", "whole_draft")
        for cursor in ("AA==", "LTE=", "not one"):
            problem(await api.get(comments, params={"cursor": cursor}, headers=lead), 422, "cursor_invalid", "cursor")
        problem(await api.get(f"/v1/submissions/{sid}/consultations/khong-co/comments", headers=lead), 404, "public_round_unknown", "round_id")

        compile_now = {"actor": "LEAD_MINISTRY", "agency_code": "BGDDT", "role": "MINISTER", "official": "Bộ trưởng", "responses": []}
        problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/compilation", json=compile_now, headers=lead),
                409, "public_comments_answered", "responses")
        # `legis consult compile` asks the same rule (found by a breaker: it compiled the round with the public unanswered).
        cli = Cli(isolated_env(tmp_path / "config", LEGIS_TEMPORAL_ADDRESS=time_skipping_env.client.service_client.config.target_host,
                               LEGIS_DATABASE_URL=database_url, LEGIS_ENCRYPTION_KEYS=TEST_KEY_ENTRY))
        (tmp_path / "compilation.json").write_text(json.dumps(compile_now), encoding="utf-8")
        code, _, err = await cli("consult", "compile", sid, "cong-khai", str(tmp_path / "compilation.json"))
        assert code == 3 and "4 comments of the public have no answer yet" in err and "(rule: public_comments_answered)" in err, err
        answer = {"agency_code": "BGDDT", "official": "Vụ trưởng Vụ Pháp chế"}
        whole = await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                               json=answer | {"article": 12, "response": "EXPLAINED", "explanation": "Thủ tục đã được rút gọn tại Điều 14."})
        assert whole.json()["answered"] == 2 and whole.json()["unanswered"] == 2, whole.text
        problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                               json=answer | {"article": 12, "response": "ACCEPTED"}), 409, "unanswered_comments_only", "article")
        # A comment named by a number no comment of this round waits under is refused naming that number (found by a new
        # user: `article` was named).
        stray = problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                                       json=answer | {"comment_id": 999_999, "response": "ACCEPTED"}), 409, "unanswered_comments_only", "comment_id")
        assert "no comment 999999 of round cong-khai" in stray["detail"], stray
        # A number past the column's range is the message's to refuse (found by a breaker: the database refused it, a 500).
        for past in (2**63, 10**30):
            problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                                   json=answer | {"comment_id": past, "response": "ACCEPTED"}), 422, "less_than_equal", "comment_id")
        problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                               json=answer | {"article": 3, "response": "EXPLAINED"}), 422, "explanation_required", "explanation")
        # Nor an explanation the public would read as nothing (found by a public trial: a zero-width space was published).
        for nothing in ("\u200b", "\u0301", "\u200b\u200b \u2060"):
            problem(await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                                   json=answer | {"article": 3, "response": "EXPLAINED", "explanation": nothing}), 422, "not_blank", "explanation")
        for target in ({"article": 3}, {"whole_draft": True}):
            assert (await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/answers", headers=lead,
                                   json=answer | target | {"response": "ACCEPTED"})).status_code == 200

        compiled = await api.post(f"/v1/submissions/{sid}/consultations/cong-khai/compilation", json=compile_now, headers=lead)
        assert compiled.status_code == 200, compiled.text
        history = await eventually(lambda: api.get(f"/v1/submissions/{sid}/history", headers=lead),
                                   lambda answer: any(e["event"] == EventKind.CONSULTATION_COMPILED.value for e in answer.json()["entries"]))
        labels = [e["label"] or "" for e in history.json()["entries"]]
        assert "round cong-khai: PUBLIC, 4 comments" in labels, labels
        assert any("2 comments accepted, 2 explained" in label for label in labels), labels

        shown = (await api.get(f"/v1/public/consultations/{sid}/cong-khai")).json()
        assert shown["comments"] == 4 and shown["closed"] is True
        assert [(a["article"], a["response"], a["comments"]) for a in shown["answers"]] == [(None, "ACCEPTED", 1), (3, "ACCEPTED", 1),
                                                                                           (12, "EXPLAINED", 2)]


async def test_a_draft_is_posted_for_the_public_once_its_text_is_in_the_dossier(dev_env, pool):
    """Found by a new user: a public posting opened with no DRAFT_TEXT in the dossier, and the public was asked to comment
    on a draft it could not read. Refused, naming the rule, until the text is filed."""
    async with public_api(dev_env, pool, HoldClose(), public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool)
        posting = body(consultation(request, "som", (), kind=ConsultationKind.PUBLIC_POSTING))
        path = f"/v1/submissions/{request.submission_id}"
        refused = problem(await api.post(f"{path}/consultations", json=posting, headers=lead), 409, "draft_text_filed", "kind")
        # Names the API's operation beside the CLI's command (found by a ministry's trial: it named `legis file` alone).
        assert "DRAFT_TEXT" in refused["detail"] and "fileDossier" in refused["detail"], refused
        assert (await api.post(f"{path}/dossier", json=body(draft_text(request)), headers=lead)).status_code == 200
        assert (await api.post(f"{path}/consultations", json=posting, headers=lead)).status_code == 200
        # A portal lists the drafts posted and reads the documents published, without a token (found by a public trial:
        # neither was in the JSON, only on the pages).
        await eventually(lambda: api.get("/v1/public/consultations"),
                         lambda listed: any(r["submission_id"] == request.submission_id and r["round_id"] == "som" for r in listed.json()))
        [listed] = [r for r in (await api.get("/v1/public/consultations")).json() if r["submission_id"] == request.submission_id]
        assert listed["closed"] is False and "answers" not in listed and "documents" not in listed
        shown = await eventually(lambda: api.get(f"/v1/public/consultations/{request.submission_id}/som"), lambda read: read.json()["documents"])
        [document] = shown.json()["documents"]
        assert (document["kind"], document["url"]) == ("DRAFT_TEXT", draft_text(request).documents[0].url)


async def test_a_withdrawn_drafts_public_round_closes_to_the_public(dev_env, pool):
    """On a real clock, the window open for days: the draft withdrawn cancels its round, which closes its public
    registration, so the public's page and route stop taking comments (they took them before)."""
    hold = HoldClose()
    hold.release.set()  # the close runs as in production
    async with public_api(dev_env, pool, hold, public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool, "rut")
        url = f"/v1/public/consultations/{request.submission_id}/rut/comments"
        assert (await api.post(url, json={"article": 2, "text": "Ý kiến trước khi rút."})).status_code == 201
        assert "closed_early_at" not in (await api.get(f"/v1/public/consultations/{request.submission_id}/rut")).json()
        withdrawal = decision(request, Stage.DRAFTING, Outcome.WITHDRAW).model_copy(
            update={"actor": Actor.LEAD_MINISTRY, "agency_code": request.lead_ministry, "role": Role.MINISTER})
        assert (await api.post(f"/v1/submissions/{request.submission_id}/decisions", json=body(withdrawal), headers=lead)).status_code == 200
        # Read closed from the draft's cancellation of its round on; its time once the round has closed its registration.
        shown = await eventually(lambda: public.public_round(pool, request.submission_id, "rut"),
                                 lambda found: found.closed and found.closed_early_at is not None)
        assert shown.comments == 1
        problem(await api.post(url, json={"text": "Ý kiến sau khi rút."}), 409, "round_closed", "round_id")
        public_view = (await api.get(f"/v1/public/consultations/{request.submission_id}/rut")).json()
        assert (public_view["closed"], public_view["draft_ended"]) == (True, True)
        # It says when it closed, as its page does, not only its window's end (found by a fresh-user trial: none said it).
        closed_early = datetime.fromisoformat(public_view["closed_early_at"])
        assert public_view["closed_early_at"].endswith("+07:00") and closed_early < datetime.fromisoformat(public_view["closes_at"])
        assert closed_early == shown.closed_early_at, (public_view, shown)
        # Its page says no answer will come, not that the ministry answers once the consultation has closed.
        page = (await api.get(f"/public/{request.submission_id}/rut")).text
        assert "sẽ không có giải trình" in page and "Chưa có trả lời" not in page
        # Its card says when it closed, not "comments until" its window's end (found by a new user).
        assert "Đã kết thúc sớm, lúc" in page and "Nhận ý kiến đến hết ngày" not in page
        # Nor may the lead ministry answer its comments then (found by a new user: an answer read "accepted" beside it).
        answered = await api.post(f"/v1/submissions/{request.submission_id}/consultations/rut/answers", headers=lead, json={
            "agency_code": request.lead_ministry, "official": "Nguyễn Văn A", "article": 2, "response": "ACCEPTED"})
        problem(answered, 409, "draft_closed", "submission_id")
        assert (await api.get(f"/v1/public/consultations/{request.submission_id}/rut")).json()["answers"] == []
        # The round as the lead ministry and operators read it agrees (found by a new user: open, no comments).
        operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
        read = (await api.get(f"/v1/submissions/{request.submission_id}/consultations/rut", headers=operator)).json()
        assert (read["closed"], read["ended"], read["comments"], read["awaiting"]) == (True, "CANCELED", 1, []), read
        # The audit trail says the round was cancelled with its draft (eighth generation; found by a new user: nothing said it).
        rows = await pool.fetch("SELECT event, label FROM audit_events WHERE submission_id = $1 ORDER BY seq", request.submission_id)
        assert [r["event"] for r in rows][-2:] == ["DECISION", "CONSULTATION_CANCELLED"]
        assert rows[-1]["label"] == "round rut (PUBLIC_POSTING) cancelled: the draft is WITHDRAWN and asks nobody's opinion any more"


async def test_a_public_posting_that_asks_consultees_too_stays_open_to_the_public_for_its_whole_window(dev_env, pool):
    """Found by a new user: a public posting that also asked a ministry closed as soon as that ministry answered, and was
    compiled the same day with no comment of the public's. It closes when its window does, whoever answered."""
    hold = HoldClose()
    hold.release.set()
    async with public_api(dev_env, pool, hold, public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool, "ca-hai", consultees=("BTC",))
        sid = request.submission_id
        btc = await bearer(pool, "BTC", CallerRole.CONSULTEE)
        answered = await api.post(f"/v1/submissions/{sid}/consultations/ca-hai/opinions", json=body(opinion_body("BTC", "c1")), headers=btc)
        assert answered.status_code == 200 and answered.json()["awaiting"] == 0, answered.text
        assert (await api.post(f"/v1/public/consultations/{sid}/ca-hai/comments", json={"text": "Ý kiến của người dân."})).status_code == 201
        read = (await api.get(f"/v1/submissions/{sid}/consultations/ca-hai", headers=lead)).json()
        assert read["closed"] is False and (await api.get(f"/v1/public/consultations/{sid}/ca-hai")).json()["closed"] is False, read
        # The ministry's comment and the public's, counted together (a breaker: the public's count alone replaced both).
        assert read["comments"] == 2, read
        early = problem(await api.post(f"/v1/submissions/{sid}/consultations/ca-hai/compilation", headers=lead,
                                       json={"actor": "LEAD_MINISTRY", "agency_code": "BGDDT", "role": "MINISTER", "official": "Bộ trưởng", "responses": []}),
                        409, "round_still_open", "responses")
        assert early["detail"].startswith("the round takes comments of the public until the end of "), early  # not "opinions" (a re-check)


@contextlib.asynccontextmanager
async def commented(env, pool, round_id: str) -> AsyncIterator[tuple[httpx.AsyncClient, object, dict[str, str], str]]:
    """The API over a draft posted with public round `round_id`, which has taken one comment: (the API, the draft's
    request, its lead ministry's token, the round's comment route)."""
    hold = HoldClose()
    hold.release.set()
    async with public_api(env, pool, hold, public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool, round_id)
        url = f"/v1/public/consultations/{request.submission_id}/{round_id}/comments"
        assert (await api.post(url, json={"article": 2, "text": "Ý kiến trước khi dừng."})).status_code == 201
        yield api, request, lead, url


async def test_a_terminated_drafts_public_round_closes_to_the_public_once_the_registry_marks_it(dev_env, pool):
    """Found by a breaker: a draft terminated by hand leaves its round running (it is abandoned to outlive a run of its
    draft), and the public's comments were taken for it still. Once the registry marks the draft ended, they are not."""
    async with commented(dev_env, pool, "dung") as (api, request, _, url):
        await dev_env.client.get_workflow_handle(f"draft-law-{request.submission_id}").terminate("test")
        await eventually(lambda: marked(dev_env.client, pool, request.submission_id), bool)
        assert (await public.public_round(pool, request.submission_id, "dung")).closed
        problem(await api.post(url, json={"text": "Ý kiến sau khi dừng."}), 409, "round_closed", "round_id")
        # Its round, left running, reads as the public's page does (a breaker: open, no comments).
        operator = await bearer(pool, "VPCP", CallerRole.OPERATOR)
        read = (await api.get(f"/v1/submissions/{request.submission_id}/consultations/dung", headers=operator)).json()
        assert (read["closed"], read["ended"], read["comments"], read["awaiting"]) == (True, "TERMINATED", 1, []), read
        consultee = await bearer(pool, "BTC", CallerRole.CONSULTEE)  # nor does the round take an opinion for nothing
        problem(await api.post(f"/v1/submissions/{request.submission_id}/consultations/dung/opinions", headers=consultee,
                               json={"consultee": "BTC", "official": "Vụ trưởng", "comments": [{"comment_id": "1", "text": "ý kiến"}]}),
                409, "draft_closed", "submission_id")


async def test_a_public_round_terminated_by_hand_closes_to_the_public(dev_env, pool):
    """Found by a public trial: a round whose own workflow was terminated read open on the public's page and took comments
    no one could answer. Once the workers' look finds it ended, it reads closed and takes none; its draft runs on."""
    async with commented(dev_env, pool, "dung-dot") as (api, request, lead, url):
        await dev_env.client.get_workflow_handle(round_workflow_id(request.submission_id, "dung-dot")).terminate("test")
        # Taken before the look finds the round ended (it looks every minute): the round reads closed after it, not before
        # a comment it thanked (found by a public trial).
        late = await api.post(url, json={"text": "Ý kiến gửi trước khi phát hiện."})
        assert late.status_code == 201, late.text
        await eventually(lambda: closed_by_the_look(dev_env.client, pool, request.submission_id, "dung-dot"), bool)
        page = (await api.get(f"/v1/public/consultations/{request.submission_id}/dung-dot")).json()
        closed_at, received_at = (datetime.fromisoformat(t) for t in (page["closed_early_at"], late.json()["received_at"]))
        assert page["closed"] is True and closed_at >= received_at, (page, late.json())
        problem(await api.post(url, json={"text": "Ý kiến sau khi dừng."}), 409, "round_closed", "round_id")
        assert not await marked(dev_env.client, pool, request.submission_id)
        # The lead ministry cancels the lost round, and the draft's stage is no longer held by it.
        cancelled = await api.post(f"/v1/submissions/{request.submission_id}/consultation-cancellations", headers=lead,
                                   json=body(cancellation(request, "dung-dot")))
        assert cancelled.status_code == 200, cancelled.text


async def closed_by_the_look(client, pool, submission_id: str, round_id: str) -> bool:
    await close_ended_rounds(client, pool)
    return (await public.public_round(pool, submission_id, round_id)).closed


async def marked(client, pool, submission_id: str) -> bool:
    await mark_ended(client, pool)
    return await pool.fetchval("SELECT ended IS NOT NULL FROM submissions WHERE submission_id = $1", submission_id)


async def test_the_rate_per_client_and_a_classified_draft(time_skipping_env, pool):
    hold = HoldClose()
    async with public_api(time_skipping_env, pool, hold, public_comment_rate="3/hour") as api:
        request, _ = await posted_draft(api, pool, "dot-1")
        url = f"/v1/public/consultations/{request.submission_id}/dot-1/comments"
        for n in range(3):
            assert (await api.post(url, json={"text": f"ý kiến số {n}"})).status_code == 201
        answer = await api.post(url, json={"text": "ý kiến thứ tư"})
        limited = problem(answer, 429, "rate_limited", "request")
        assert "127.0." not in limited["detail"] and limited["detail"].startswith("more than 3 comments per hour from one client"), limited
        # The wait in the text as in the header (found by a public trial: the JSON said "wait" and no more).
        assert limited["detail"].endswith(f"send again in {answer.headers['retry-after']} s"), limited
        # The seconds left in the client's window, counting down, not a constant (found by a new user: told 2 s, 23 times,
        # for 46 s).
        await asyncio.sleep(2.5)
        later = await api.post(url, json={"text": "ý kiến thứ năm"})
        waits = [int(a.headers["retry-after"]) for a in (answer, later)]
        assert later.status_code == 429 and 3000 <= waits[1] <= waits[0] - 2 and waits[0] <= 3600, waits
        # A classified draft is never posted: the draft refuses the round, and no public page or route knows it.
        secret = start_request(ministry="BQP", classified=True)
        lead = await bearer(pool, "BQP", CallerRole.LEAD_MINISTRY)
        assert (await api.post("/v1/submissions", json=body(secret), headers=lead)).status_code == 201
        refused = await api.post(f"/v1/submissions/{secret.submission_id}/consultations", headers=lead,
                                 json=body(consultation(secret, "mat", (), kind=ConsultationKind.PUBLIC_POSTING)))
        problem(refused, 409, "classified_not_posted", "kind")
        problem(await api.get(f"/v1/public/consultations/{secret.submission_id}/mat"), 404, "public_round_unknown")
        hold.release.set()


async def test_the_rounds_history_is_the_same_size_with_3_and_with_40_comments(time_skipping_env, pool):
    hold = HoldClose()
    async with public_api(time_skipping_env, pool, hold, public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool, "nho", "lon")
        sid = request.submission_id
        for round_id, count in (("nho", 3), ("lon", 40)):
            for n in range(count):
                sent = await api.post(f"/v1/public/consultations/{sid}/{round_id}/comments", json={"article": n % 7 + 1, "text": f"ý kiến {n}"})
                assert sent.status_code == 201, sent.text
        hold.release.set()
        sizes = {}
        for round_id in ("nho", "lon"):
            await eventually(lambda r=round_id: api.get(f"/v1/submissions/{sid}/consultations/{r}", headers=lead),
                             lambda answer: answer.json().get("closed") is True)
            history = await time_skipping_env.client.get_workflow_handle(round_workflow_id(sid, round_id)).fetch_history()
            sizes[round_id] = (len(history.events), len(history.to_json()))
        assert sizes["nho"][0] == sizes["lon"][0], sizes
        assert abs(sizes["nho"][1] - sizes["lon"][1]) < 200, sizes



async def test_comments_taken_in_one_group_keep_their_own_outcomes(pool):
    """The API stores the comments that arrive together in one statement (`store.intake`): each still gets its own
    number, a repeat in the same group or of an earlier comment gets the first one's, and a comment for a closed round
    or past the draft's last article is refused with its rule while the others are stored."""
    sid = f"GROUP-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', '16-2', 'DRAFTING', now(), false, 1)",
                       sid, f"draft-law-{sid}")
    for round_id, closes in (("mo", "1 day"), ("dong", "-1 day")):
        await pool.execute("INSERT INTO public_rounds (submission_id, round_id, lead_ministry, articles, opened_at, closes_at) "
                           f"VALUES ($1, $2, 'BGDDT', 40, now(), now() + interval '{closes}')", sid, round_id)
    earlier = await public.take(pool, sid, "mo", PublicComment(article=1, text="gửi trước"), b"a")
    intake = CommentIntake(pool)
    sent = [("mo", 2, "một", b"a"), ("mo", 2, "một", b"a"), ("mo", 1, "gửi trước", b"a"), ("dong", 2, "muộn", b"a"), ("mo", 41, "quá", b"a"),
            ("mo", None, "một", b"b")]
    outcomes = await asyncio.gather(*(intake.take(Incoming(sid, round_id, PublicComment(article=article, text=text),
                                                           public.fingerprint(sid, round_id, who, PublicComment(article=article, text=text))))
                                      for round_id, article, text, who in sent), return_exceptions=True)
    first, again, repeat, closed, past, other = outcomes
    assert not first.repeated and again.repeated and again.comment_id == first.comment_id
    assert repeat.repeated and repeat.comment_id == earlier.comment_id
    assert isinstance(closed, Refused) and closed.rule == "round_closed"
    assert isinstance(past, Refused) and past.rule == "article_in_draft"
    assert not other.repeated and other.comment_id not in (first.comment_id, earlier.comment_id)
    # Repeats take no number: the new comments are numbered one after the other (within a group in the order of their
    # fingerprints, `store.intake`, which nobody sending them at once can tell from the order they came).
    assert {first.comment_id, other.comment_id} == {earlier.comment_id + 1, earlier.comment_id + 2}
    assert await pool.fetchval("SELECT count(*) FROM public_comments WHERE submission_id = $1", sid) == 3
    repeated_alone = await public.take(pool, sid, "mo", PublicComment(article=1, text="gửi trước"), b"a")
    after = await public.take(pool, sid, "mo", PublicComment(article=3, text="sau"), b"a")
    assert repeated_alone.repeated and after.comment_id == max(first.comment_id, other.comment_id) + 1


async def test_a_comment_sent_as_its_round_registers_is_taken_not_refused_for_an_article(pool):
    """Found by a fresh-user trial: a comment sent the moment its round opened was refused "the posted draft has
    articles 1 to None": the statement found no round, and the round, registered meanwhile (with no article count yet),
    was then asked why. Such a comment is sent again, once, and taken; a comment to a round still unknown is refused so."""
    sid = f"RACE-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', '16-2', 'DRAFTING', now(), false, 1)",
                       sid, f"draft-law-{sid}")
    comment = PublicComment(article=3, text="Góp ý cho Điều 3")
    with contextlib.suppress(Refused):
        await public.take(pool, sid, "moi-mo", comment, b"a")
        raise AssertionError("taken by a round not registered yet")
    # What the statement's refusal is asked once the round has registered, as it stood for the trial.
    await pool.execute("INSERT INTO public_rounds (submission_id, round_id, lead_ministry, opened_at, closes_at) "
                       "VALUES ($1, 'moi-mo', 'BGDDT', now(), now() + interval '30 days')", sid)
    assert await public.why_refused(pool, sid, "moi-mo", 3) is None
    taken = await public.take(pool, sid, "moi-mo", comment, b"a")
    assert not taken.repeated
    await pool.execute("UPDATE public_rounds SET articles = 2 WHERE submission_id = $1", sid)
    refused = await public.why_refused(pool, sid, "moi-mo", 3)
    assert refused is not None and refused.rule == "article_in_draft" and "1 to 2" in refused.message


async def test_a_public_round_takes_comments_once_its_opening_is_answered(dev_env, pool):
    """Found by a fresh-user trial: the API answered the opening of a public round before the round registered where
    the public's comments go, and a comment sent on that answer was refused (404, or "articles 1 to None")."""
    hold = HoldClose()
    async with public_api(dev_env, pool, hold) as api:
        request, lead = await posted_draft(api, pool)
        filed = await api.post(f"/v1/submissions/{request.submission_id}/dossier", json=body(draft_text(request)), headers=lead)
        assert filed.status_code == 200, filed.text
        for round_id in ("ngay-1", "ngay-2", "ngay-3"):
            opened = await api.post(f"/v1/submissions/{request.submission_id}/consultations", headers=lead,
                                    json=body(consultation(request, round_id, (), kind=ConsultationKind.PUBLIC_POSTING)))
            assert opened.status_code == 200, opened.text
            sent = await api.post(f"/v1/public/consultations/{request.submission_id}/{round_id}/comments", json={"article": 3, "text": "Góp ý"})
            assert sent.status_code == 201, sent.text
        hold.release.set()


async def test_a_public_round_its_lead_ministry_cancelled_says_no_answer_will_come_and_takes_none(dev_env, pool):
    """Found by a breaker: a public posting cancelled by its lead ministry (its draft runs on) read "No answer yet: the lead
    ministry answers once the consultation has closed", and took the lead ministry's answers, though no compilation comes."""
    hold = HoldClose()
    hold.release.set()
    async with public_api(dev_env, pool, hold, public_comment_rate="none") as api:
        request, lead = await posted_draft(api, pool, "nham")
        sid = request.submission_id
        cancelled = await api.post(f"/v1/submissions/{sid}/consultation-cancellations", json=body(cancellation(request, "nham")), headers=lead)
        assert cancelled.status_code == 200, cancelled.text
        read = await eventually(lambda: api.get(f"/v1/public/consultations/{sid}/nham"), lambda answer: answer.json()["round_ended"])
        assert read.json()["closed"] and not read.json()["draft_ended"]
        page = (await api.get(f"/public/{sid}/nham")).text
        assert "Đợt lấy ý kiến này đã bị hủy" in page and "Chưa có trả lời" not in page
        problem(await api.post(f"/v1/submissions/{sid}/consultations/nham/answers", headers=lead, json={
            "agency_code": request.lead_ministry, "official": "Nguyễn Văn A", "article": 2, "response": "ACCEPTED"}), 409, "round_closed")
