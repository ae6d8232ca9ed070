"""What the inbox asks the drafts themselves, where the registry alone does not tell: the outcomes a draft offers at
PROMULGATION (only an ordinance is sent back or referred by the President) and the consultation rounds awaiting its lead
ministry's compilation, which hold the stage's approval (`web.inbox.asks_the_draft`)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

from schemas.calendar import TargetSession
from schemas.enums import CallerRole, LawKind, Stage
from tests.drafts import BEFORE_THE_ASSEMBLY, consultation, opinion, passed_through, start_request
from tests.http_api import bearer
from tests.polling import eventually
from tests.test_board_pages import is_page, signed_in
from tests.test_page_paths import app_over
from workflows import client as drafts
from workflows import round_client
from workflows.deadlines import local_day


def offered(inbox: str, submission_id: str) -> set[str]:
    """The outcomes of the decision form of `submission_id` on an inbox page."""
    form = inbox.split(f'action="/board/inbox/{submission_id}"', 1)[1]
    return set(re.findall(r'<option value="([A-Z_]+)"', form.split("</select>", 1)[0]))


async def started(http, pool, *requests) -> None:
    lead = await bearer(pool, "BGDDT", CallerRole.LEAD_MINISTRY)
    for request in requests:
        answer = await http.post("/v1/submissions", json=request.model_dump(mode="json", exclude_none=True), headers=lead)
        assert answer.status_code == 201, answer.text


async def test_the_presidents_form_offers_a_laws_return_only_for_an_ordinance(dev_env, pool):
    """Found by a re-check: the President's inbox offered a law at PROMULGATION the return and the referral that only an
    ordinance takes (Law 64/2025/QH15 Art. 43(1)), which the draft then refused (`reconsideration_for_ordinances`). The
    form offers what the draft's status offers."""
    today = local_day(datetime.now(UTC))
    sitting_now = TargetSession(legislature=16, session=1, opens_on=today - timedelta(days=5))
    law = passed_through(start_request(target=sitting_now), [*BEFORE_THE_ASSEMBLY, Stage.NA_SESSION], today - timedelta(days=1))
    ordinance = passed_through(start_request(law_kind=LawKind.ORDINANCE), BEFORE_THE_ASSEMBLY, today - timedelta(days=1))
    late = passed_through(start_request(law_kind=LawKind.ORDINANCE), BEFORE_THE_ASSEMBLY, today - timedelta(days=40))
    async with app_over(dev_env.client, pool) as http:
        await started(http, pool, law, ordinance, late)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = ANY($1) AND stage = 'PROMULGATION'",
                                               [law.submission_id, ordinance.submission_id, late.submission_id]), lambda n: n == 3)
        await signed_in(http, pool, language="en", agency="CTN", role=CallerRole.PRESIDENT)
        inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
        assert offered(inbox, law.submission_id) == {"APPROVE"}
        # Nor a stage to return it to (found by a re-check).
        assert 'name="return_to"' not in inbox.split(f'action="/board/inbox/{law.submission_id}"', 1)[1].split("</form>", 1)[0]
        assert 'name="return_to"' in inbox.split(f'action="/board/inbox/{ordinance.submission_id}"', 1)[1].split("</form>", 1)[0]
        assert offered(inbox, ordinance.submission_id) == {"APPROVE", "RETURN_FOR_REVISION"}
        # Named as what it is, with its window's last day (found by a committee's trial: "Return for revision", and no day).
        card = inbox.split(f'href="/board/drafts/{ordinance.submission_id}"', 1)[1].split("</section>", 1)[0]
        last = (await drafts.status(dev_env.client, ordinance.submission_id)).pending.reconsider_by
        assert last is not None and f"reconsider the ordinance until {last:%b} {last.day}, {last.year}." in card, card
        assert "Ask the Standing Committee to reconsider the ordinance (RETURN_FOR_REVISION)" in card
        assert "reconsider" not in inbox.split(f'href="/board/drafts/{law.submission_id}"', 1)[1].split("</section>", 1)[0]
        # Its time past: said ended, not open (found by a breaker).
        past = inbox.split(f'href="/board/drafts/{late.submission_id}"', 1)[1].split("</section>", 1)[0]
        assert "time to ask the Standing Committee to reconsider the ordinance ended on" in past and "reconsider the ordinance until" not in past, past


async def test_the_lead_ministry_reads_which_rounds_await_its_compilation(dev_env, pool):
    """Found by a ministry's trial: a round awaiting the lead ministry's compilation was said only when the stage's approval
    was refused for it. Its inbox names each such round of its own drafts, in the page's language, with its day and the
    command that compiles it."""
    request = passed_through(start_request(), [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME], local_day(datetime.now(UTC)))
    async with app_over(dev_env.client, pool) as http:
        await started(http, pool, request)
        sid = request.submission_id
        await eventually(lambda: drafts.status(dev_env.client, sid), lambda status: status.stage is Stage.DRAFTING)
        await drafts.open_consultation(dev_env.client, sid, consultation(request, "vong-1", ("BTC", "BNV")))
        await signed_in(http, pool, language="vi", agency="BGDDT", role=CallerRole.LEAD_MINISTRY)
        inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
        card = inbox.split(f'href="/board/drafts/{sid}"', 1)[1].split("</section>", 1)[0]
        # Open still: compiled once it closes (found by a breaker: "awaits your compilation" of a round compile refused).
        assert re.search(r"Lấy ý kiến bằng văn bản của các bộ, cơ quan vong-1 \(mở ngày \d\d/\d\d/\d{4}\) nhận ý kiến đến hết ngày "
                         r"\d\d/\d\d/\d{4}; quý cơ quan tổng hợp, tiếp thu, giải trình khi đợt lấy ý kiến kết thúc", card), card
        assert "legis consult compile" in card
        # Every consultee answered, it closes at once: compiled now, as the round says (found by a lead ministry's trial: told
        # to wait two weeks for the end of a window the round had left). The inbox asks the round.
        await round_client.submit_opinion(dev_env.client, sid, "vong-1", opinion("BTC", "1"))
        assert (await round_client.submit_opinion(dev_env.client, sid, "vong-1", opinion("BNV", "1"))).closing
        inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
        card = inbox.split(f'href="/board/drafts/{sid}"', 1)[1].split("</section>", 1)[0]
        assert "vong-1" in card and "legis consult compile" in card and not re.search(r"vong-1 \(mở ngày [^)]*\) nhận ý kiến đến hết ngày", card), card


async def test_the_standing_committees_form_says_at_which_meeting_it_adopts_an_ordinance(dev_env, pool):
    """Found by a committee's trial: the Standing Committee's inbox offered APPROVE on an ordinance with no word of its
    meeting, and the decision sent before it was refused `at_the_meeting`."""
    from schemas.calendar import SessionCalendar, StandingCommitteeMeeting

    today = local_day(datetime.now(UTC))
    ordinance = passed_through(start_request(law_kind=LawKind.ORDINANCE), BEFORE_THE_ASSEMBLY[:-1], today - timedelta(days=1))
    meeting = StandingCommitteeMeeting(code="UBTVQH-77", meets_on=today + timedelta(days=20))
    async with app_over(dev_env.client, pool) as http:
        await started(http, pool, ordinance)
        sid = ordinance.submission_id
        await eventually(lambda: drafts.status(dev_env.client, sid), lambda status: status.stage is Stage.STANDING_COMMITTEE_OPINION)
        await drafts.tell_calendar(dev_env.client, sid, SessionCalendar(sessions=(ordinance.target_session,), meetings=(meeting,), changed_by="VPQH"))
        await signed_in(http, pool, language="vi", agency="UBTVQH", role=CallerRole.UBTVQH)
        inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
        card = inbox.split(f'href="/board/drafts/{sid}"', 1)[1].split("</section>", 1)[0]
        assert (f"Ủy ban Thường vụ Quốc hội thông qua hoặc trả lại pháp lệnh tại phiên họp UBTVQH-77, từ ngày "
                f"{meeting.meets_on:%d/%m/%Y}.") in card, card


async def test_the_presidents_form_offers_no_law_the_return_past_the_twentieth_draft(dev_env, pool):
    """Found by a breaker: the inbox asks at most `MAX_ASKED` (20) drafts, and a draft not asked was offered the rulebook's
    outcomes: the twenty-first law at PROMULGATION was offered the President's return of an ordinance again (a session
    passes 30 laws and more at once). A start through the API claims its kind, so laws are not asked; a draft not asked
    is offered what the rulebook offers every draft, the rest through the API and the CLI."""
    from web import inbox

    today = local_day(datetime.now(UTC))
    sitting_now = TargetSession(legislature=16, session=1, opens_on=today - timedelta(days=5))
    laws = [passed_through(start_request(target=sitting_now), [*BEFORE_THE_ASSEMBLY, Stage.NA_SESSION], today - timedelta(days=1))
            for _ in range(inbox.MAX_ASKED + 1)]
    ids = [law.submission_id for law in laws]
    async with app_over(dev_env.client, pool) as http:
        await started(http, pool, *laws)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = ANY($1) AND stage = 'PROMULGATION'", ids),
                         lambda n: n == len(ids))
        await signed_in(http, pool, language="en", agency="CTN", role=CallerRole.PRESIDENT)
        page = html.unescape(is_page(await http.get("/board/inbox"), 200))
        assert {sid: offered(page, sid) for sid in ids} == dict.fromkeys(ids, {"APPROVE"})


async def test_the_lead_ministry_reads_its_rounds_on_a_draft_the_government_decides(dev_env, pool):
    """Found by a breaker: a round opened at POLICY_PROPOSAL, where the Government decides, was in no inbox of its lead
    ministry, which compiles it; its approval was refused for it (`consultation_open`). Listed apart, with the body the
    draft waits for; a draft of the ministry with no round open is not."""
    ministry = "BYT"  # a ministry no other test's drafts lead: the inbox lists the first twenty of its drafts
    consulting, quiet = start_request(ministry=ministry), start_request(ministry=ministry)
    lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
    async with app_over(dev_env.client, pool) as http:
        for request in (consulting, quiet):
            answer = await http.post("/v1/submissions", json=request.model_dump(mode="json", exclude_none=True), headers=lead)
            assert answer.status_code == 201, answer.text
        await eventually(lambda: drafts.status(dev_env.client, consulting.submission_id), lambda s: s.stage is Stage.POLICY_PROPOSAL)
        await drafts.open_consultation(dev_env.client, consulting.submission_id, consultation(consulting, "chinh-sach", ("BTC", "BNV")))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = ANY($1)",
                                               [consulting.submission_id, quiet.submission_id]), lambda n: n == 2)
        await signed_in(http, pool, language="vi", agency=ministry, role=CallerRole.LEAD_MINISTRY)
        inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
    section = inbox.split("Các đợt lấy ý kiến của cơ quan về dự án đang chờ cơ quan khác quyết định", 1)[1].split("</ul>", 1)[0]
    assert consulting.submission_id in section and quiet.submission_id not in section, section
    assert "đang chờ Chính phủ" in section and "chinh-sach (mở ngày" in section and "legis consult compile" in section, section


async def test_the_rounds_on_drafts_others_decide_are_listed_beside_twenty_drafts_of_the_ministrys_own(dev_env, pool):
    """Found by a breaker: asked after the inbox's own drafts within one bound of twenty, the drafts another body decides
    were never asked for a ministry with twenty of its own waiting, and the section was silently empty. (Its own drafts
    are registry rows here, without workflows: each is asked all the same.)"""
    ministry = "R" + uuid.uuid4().hex[:6].upper()
    consulting = start_request(ministry=ministry)
    lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
    for n in range(20):
        sid = f"OWN{n}-{uuid.uuid4().hex[:6]}"
        await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                           "stage_since, classified, last_seq, responsible) VALUES ($1, $2, 'Luật riêng', $3, 'LAW_2025', '16-2', 'DRAFTING', "
                           "now(), false, 1, $3)", sid, f"draft-law-{sid}", ministry)
    async with app_over(dev_env.client, pool) as http:
        answer = await http.post("/v1/submissions", json=consulting.model_dump(mode="json", exclude_none=True), headers=lead)
        assert answer.status_code == 201, answer.text
        await eventually(lambda: drafts.status(dev_env.client, consulting.submission_id), lambda s: s.stage is Stage.POLICY_PROPOSAL)
        await drafts.open_consultation(dev_env.client, consulting.submission_id, consultation(consulting, "chinh-sach", ("BTC", "BNV")))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM submissions WHERE submission_id = $1", consulting.submission_id),
                         lambda n: n == 1)
        await signed_in(http, pool, language="vi", agency=ministry, role=CallerRole.LEAD_MINISTRY)
        inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
    assert "Các đợt lấy ý kiến của cơ quan về dự án đang chờ cơ quan khác quyết định" in inbox, inbox[:3000]
