"""Points of disagreement in the inboxes of who must rule and of the Government Office, and on the draft's page (found by
a Government Office official's trial: a point awaiting the Deputy Prime Minister's ruling was in no inbox and on no page,
only in `legis status`); and a postponement asked late, marked late in the inbox that decides it (the same trial)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
import pytest

from activities.database import create_pool
from api.app import create_app
from schemas.enums import Actor, CallerRole, EventKind, Outcome, Stage
from schemas.messages import Ruling, StartRequest
from tests.drafts import decision, start_request
from tests.polling import eventually
from tests.scenarios import approve
from tests.test_arbitration import DEPUTY_PM, POINT
from tests.test_board_forms import app_client, token_of
from tests.test_board_pages import is_page, signed_in
from web import disputes
from workers.settings import Settings
from workers.worker import create_worker
from workflows import client as drafts

S = Stage
SETTINGS = Settings(api_rate_per_token="none", api_rate_per_address="none", api_refusals_recorded="none")


@pytest.fixture
async def own_pool(fresh_database_url):
    """A pool over a database of the test's own, whose counts it reads."""
    pool = await create_pool(fresh_database_url)
    yield pool
    await pool.close()


async def test_a_point_waits_in_the_inbox_of_who_must_rule_and_the_government_offices(time_skipping_env, own_pool):
    """Another ministry's classified draft's point is never shown: counted for the Government Office, named by its ID and
    number to who must rule."""
    pool, client = own_pool, time_skipping_env.client
    request, secret = start_request(ministry="BGDDT"), start_request(ministry="BQP", classified=True)
    sid, task_queue = request.submission_id, f"points-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, pool, task_queue=task_queue):
        for draft in (request, secret):
            await drafts.start_submission(client, draft, task_queue=task_queue)
            await approve(client, draft, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL])
            await drafts.raise_disagreement(client, draft.submission_id, POINT)
            await eventually(lambda raised=draft.submission_id: pool.fetchval(
                "SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'DISAGREEMENT_RAISED'", raised), lambda n: n == 1)
        app = create_app(client=client, pool=pool, task_queue=task_queue, settings=SETTINGS)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.11", 50000)), base_url="http://legis.test") as http:

            async def inbox(agency: str, role: CallerRole) -> str:
                await signed_in(http, pool, language="vi", agency=agency, role=role)
                return is_page(await http.get("/board/inbox"), 200)

            deputy_token = await signed_in(http, pool, language="vi", agency="CP", role=CallerRole.DEPUTY_PM)
            deputy = is_page(await http.get("/board/inbox"), 200)
            assert "Các vấn đề còn ý kiến khác nhau chờ quý cơ quan quyết định" in deputy and sid in deputy, deputy[-3000:]
            assert "vấn đề P1: BGDDT, BNV còn ý kiến khác nhau" in deputy and "(DEPUTY_PM)" in deputy and POINT.summary in deputy
            assert f"legis rule {sid} FILE · POST /v1/submissions/{sid}/rulings" in deputy
            assert "Không có việc nào chờ" not in deputy and f'href="/board/drafts/{secret.submission_id}"' not in deputy
            # Another ministry's classified draft is not listed, but who must rule learns by its ID and number what awaits
            # him, and reads it there (found by a breaker: "read it through the API" where the API withheld it).
            assert f"ghi theo mã hồ sơ dự án và số vấn đề: {secret.submission_id} P1." in deputy, deputy[-3000:]
            status = await http.get(f"/v1/submissions/{secret.submission_id}", headers={"Authorization": f"Bearer {deputy_token}"})
            [point] = status.json()["open_points"]
            assert (point["point"]["point_id"], point["with_actor"], point["point"]["summary"]) == ("P1", "DEPUTY_PM", "(classified)"), point
            # Whose inbox it is: the Deputy Prime Minister's and the Prime Minister's tokens are both the Government's, CP (found by
            # the same trial: both inboxes were headed "CP").
            assert "Việc cần xử lý: Chính phủ <span class=\"vi\">(CP)</span> · Phó Thủ tướng <span class=\"vi\">(DEPUTY_PM)</span></h1>" in deputy, deputy[:3000]
            assert sid not in await inbox("CP", CallerRole.PM)  # not the Prime Minister's until escalated
            office = await inbox("VPCP", CallerRole.OPERATOR)
            assert "Các vấn đề còn ý kiến khác nhau chờ quyết định" in office and "vấn đề P1: BGDDT, BNV" in office, office[-3000:]
            assert "Còn 1 vấn đề còn ý kiến khác nhau của dự án mật chờ quyết định" in office and secret.submission_id not in office
            assert sid not in await inbox("BNV", CallerRole.LEAD_MINISTRY)
            page = is_page(await http.get(f"/board/drafts/{sid}"), 200)
            assert "vấn đề P1: BGDDT, BNV còn ý kiến khác nhau" in page and "(DEPUTY_PM)" in page, page[:4000]

            assert f'action="/board/inbox/{sid}/ruling"' not in office  # the Office coordinates; it does not rule

            # Ruled from the inbox's form, as the API's `Ruling`: a ruling left empty is refused with its rule, the form kept.
            deputy = await inbox("CP", CallerRole.DEPUTY_PM)
            assert f'action="/board/inbox/{sid}/ruling"' in deputy and '<option value="ESCALATE">Báo cáo Thủ tướng Chính phủ (PM)</option>' in deputy, (
                deputy[deputy.index("Các vấn đề"):][:3000])
            form = {"csrftoken": token_of(await http.get("/board/inbox")), "point_id": "P1", "role": "DEPUTY_PRIME_MINISTER",
                    "official": "Phó Thủ tướng"}
            refused = await http.post(f"/board/inbox/{sid}/ruling", data=form | {"decision": "RULE", "ruling": ""})
            assert refused.status_code == 422 and "ruling_required" in refused.text, refused.text[-2000:]
            assert "Cần có ý kiến quyết định, trừ khi vấn đề được báo cáo lên cấp trên." in refused.text
            assert 'name="official" required value="Phó Thủ tướng"' in refused.text and "<details open>" in refused.text
            assert (await http.post(f"/board/inbox/{sid}/ruling", data=form | {"decision": "ESCALATE"})).status_code == 303
            assert [p.with_actor for p in (await drafts.status(client, sid)).open_points] == [Actor.PM]
            assert sid not in await inbox("CP", CallerRole.DEPUTY_PM)
            prime = await inbox("CP", CallerRole.PM)
            assert "vấn đề P1: BGDDT, BNV" in prime and "(PM)" in prime and 'value="ESCALATE"' not in prime, prime[-3000:]

            form = {"csrftoken": token_of(await http.get("/board/inbox")), "point_id": "P1", "role": "PRIME_MINISTER", "official": "Thủ tướng"}
            ruled = await http.post(f"/board/inbox/{sid}/ruling", data=form | {"decision": "RULE", "ruling": "Giao Bộ GD&ĐT chủ trì cấp phép"})
            assert ruled.status_code == 303, ruled.text[-2000:]
            # Confirmed as a ruling, not a decision (found by a breaker: "Decision sent" after a ruling).
            landed = await http.get(ruled.headers["location"])
            assert f"Đã gửi ý kiến chỉ đạo về điểm chưa thống nhất cho {sid}." in landed.text and "Đã gửi quyết định cho" not in landed.text
            assert sid not in await inbox("CP", CallerRole.PM) and "vấn đề P1" not in await inbox("VPCP", CallerRole.OPERATOR)
            [ruling] = [e for e in (await drafts.history(client, sid)).entries if e.event is EventKind.DISAGREEMENT_RULED]
            assert (ruling.actor, ruling.official, ruling.reasons) == (Actor.PM, "Thủ tướng", "Giao Bộ GD&ĐT chủ trì cấp phép")
            # The open point is gone from the page's header (its timeline tells the point raised and ruled, in Vietnamese).
            page = is_page(await http.get(f"/board/drafts/{sid}"), 200)
            assert "còn ý kiến khác nhau; chờ" not in page and "vấn đề P1: Thủ tướng Chính phủ đã cho ý kiến chỉ đạo" in page, page[-3000:]


async def _asked(pool, *, late: bool) -> str:
    """A draft at GOVERNMENT_DECISION whose postponement, asked (late or not), awaits the Prime Minister's decision."""
    sid = f"ASKED-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, classified, last_seq, responsible) VALUES ($1, $2, $3, 'BNNMT', 'LAW_2025', '16-3', "
                       "'GOVERNMENT_DECISION', now() - interval '20 days', $4, false, 2, 'CP')",
                       sid, f"draft-law-{sid}", f"Luật thử {sid}", date.today() + timedelta(days=3))
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, requested_deadline, late_request, "
                       "actor, agency_code) VALUES ($1, 2, $2, now() - interval '1 day', 'POSTPONEMENT_REQUESTED', 'GOVERNMENT_DECISION', $3, $4, "
                       "'LEAD_MINISTRY', 'BNNMT')", sid, f"draft-law-{sid}", date.today() + timedelta(days=30), late)
    return sid


async def test_a_postponement_asked_late_is_marked_late_in_the_inbox_that_decides_it(pool):
    late, in_time = await _asked(pool, late=True), await _asked(pool, late=False)
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi", agency="CP", role=CallerRole.PM)
        page = is_page(await http.get("/board/inbox"), 200)
    mark = "đề nghị muộn: gửi trong những ngày cuối trước thời hạn hoặc sau thời hạn"
    items = {sid: page[page.index(f'href="/board/drafts/{sid}"'):][:1500] for sid in (late, in_time)}
    assert mark in items[late].split("</summary>")[0], items[late]
    assert mark not in items[in_time].split("</summary>")[0], items[in_time]


async def _disputed(client, pool, task_queue: str, **request) -> StartRequest:
    """A draft at GOVERNMENT_REVIEW whose point P1 awaits the Deputy Prime Minister's ruling, in the audit trail."""
    draft = start_request(**request)
    await drafts.start_submission(client, draft, task_queue=task_queue)
    await approve(client, draft, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL])
    await drafts.raise_disagreement(client, draft.submission_id, POINT)
    await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'DISAGREEMENT_RAISED'",
                                           draft.submission_id), lambda n: n == 1)
    return draft


async def test_a_point_the_draft_keeps_when_it_is_returned_stays_in_the_inbox_and_on_its_page(time_skipping_env, fresh_database_url):
    """Found by a breaker: a point raised at GOVERNMENT_REVIEW stays open when the Government Office returns the draft
    (and holds its APPROVE at DRAFTING, `open_disagreements`); the inbox and the page looked for one raised at the current
    stage only, and showed none. Open points are counted from the whole audit trail."""
    pool = await create_pool(fresh_database_url)
    client, task_queue = time_skipping_env.client, f"points-{uuid.uuid4().hex[:8]}"
    try:
        async with create_worker(client, pool, task_queue=task_queue):
            request = await _disputed(client, pool, task_queue)
            sid = request.submission_id
            await drafts.decide(client, sid, decision(request, S.GOVERNMENT_REVIEW, Outcome.RETURN_FOR_REVISION, return_to=S.DRAFTING))
            assert [p.with_actor for p in (await drafts.status(client, sid)).open_points] == [Actor.DEPUTY_PM]
            await eventually(lambda: pool.fetchval("SELECT stage FROM submissions WHERE submission_id = $1", sid), lambda s: s == "DRAFTING")
            app = create_app(client=client, pool=pool, task_queue=task_queue, settings=SETTINGS)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.11", 50000)), base_url="http://legis.test") as http:
                await signed_in(http, pool, language="en", agency="CP", role=CallerRole.DEPUTY_PM)
                assert sid in is_page(await http.get("/board/inbox"), 200)
                assert "point P1: BGDDT, BNV disagree; awaiting" in is_page(await http.get(f"/board/drafts/{sid}"), 200)
    finally:
        await pool.close()


async def test_points_awaiting_one_level_are_found_past_the_first_drafts_asked(time_skipping_env, fresh_database_url, monkeypatch):
    """Found by a breaker: the inbox asked the first 20 drafts with any point open, whoever's ruling they awaited, and a
    21st awaiting the Prime Minister was in no inbox, without a word. The registry picks the drafts whose points await the
    reader (the audit trail counts each point raised, escalated and ruled), and says how many more it did not ask."""
    monkeypatch.setattr(disputes, "MAX_DISPUTED_ASKED", 2)
    pool = await create_pool(fresh_database_url)
    client, task_queue = time_skipping_env.client, f"points-{uuid.uuid4().hex[:8]}"
    try:
        async with create_worker(client, pool, task_queue=task_queue):
            waiting = [(await _disputed(client, pool, task_queue)).submission_id for _ in range(3)]
            last = (await _disputed(client, pool, task_queue)).submission_id
            await drafts.rule_on_disagreement(client, last, Ruling(point_id="P1", escalate=True, **DEPUTY_PM))
            await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE event = 'DISAGREEMENT_ESCALATED'"), lambda n: n == 1)
            app = create_app(client=client, pool=pool, task_queue=task_queue, settings=SETTINGS)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.11", 50000)), base_url="http://legis.test") as http:
                await signed_in(http, pool, language="en", agency="CP", role=CallerRole.PM)
                prime = is_page(await http.get("/board/inbox"), 200)
                assert last in prime and not any(sid in prime for sid in waiting), prime[prime.index("<main"):][:2000]
                await signed_in(http, pool, language="en", agency="CP", role=CallerRole.DEPUTY_PM)
                deputy = is_page(await http.get("/board/inbox"), 200)
                assert sum(sid in deputy for sid in waiting) == 2 and last not in deputy
                assert "1 more draft with points of disagreement open is not listed here (the inbox asks the first 2, the oldest" in deputy, deputy[-2000:]
    finally:
        await pool.close()
