"""The postponements in the board's inbox, by the rulebook edition each draft pinned (found by a breaker: edition 2025.8
took the Deputy Prime Minister off those who approve moving the submission date, GOVERNMENT_DECISION's; a draft that
pinned 2025.7 still takes his decision, and the inbox, reading the newest edition, left its request out)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from activities import rulebook as pinning
from schemas.calendar import SessionCalendar
from schemas.enums import Actor, CallerRole, ProcessVersion, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from schemas.rulebook import edition, load_rulebook
from tests.drafts import decision, session_of_its_own, start_request
from tests.http_api import bearer
from tests.polling import eventually
from tests.test_board_forms import token_of
from tests.test_board_pages import is_page, signed_in
from tests.test_page_paths import app_over
from web.marks import stage_name_vi
from workflows import client as drafts

EDITION_2025_7 = "71c98308bc21"


async def started_to(http, client, pool, ministry: str, stage: Stage):
    """A draft of `ministry` started through the API and decided up to `stage`: (its request, its status, the lead's headers)."""
    request = start_request(ministry=ministry, target=session_of_its_own())
    lead = await bearer(pool, ministry, CallerRole.LEAD_MINISTRY)
    assert (await http.post("/v1/submissions", json=request.model_dump(mode="json", exclude_none=True), headers=lead)).status_code == 201
    while (status := await drafts.status(client, request.submission_id)).stage is not stage:
        await drafts.decide(client, request.submission_id, decision(request, status.stage))
    return request, status, lead


async def asked_at_government_decision(http, client, pool):
    """A BTC draft started through the API and decided up to GOVERNMENT_DECISION, its lead ministry asking to move the
    deadline a year on: (its request, its status, the date asked, the request's receipt)."""
    request, status, lead = await started_to(http, client, pool, "BTC", Stage.GOVERNMENT_DECISION)
    sid = request.submission_id
    asked_for = status.stage_deadline.replace(year=status.stage_deadline.year + 1)
    ask = {"stage": "GOVERNMENT_DECISION", "actor": "LEAD_MINISTRY", "agency_code": "BTC", "role": "MINISTER", "official": "Nguyễn Văn B",
           "new_deadline": str(asked_for), "reason": "chờ ý kiến"}
    asked = await http.post(f"/v1/submissions/{sid}/postponements", json=ask, headers=lead)
    assert asked.status_code == 200, asked.text
    await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'POSTPONEMENT_REQUESTED'",
                                           sid), lambda n: n == 1)
    return request, status, asked_for, asked.json()


async def refused_by_the_prime_minister(client, sid: str) -> None:
    await drafts.decide_postponement(client, sid, PostponementDecision(stage=Stage.GOVERNMENT_DECISION, approved=False, actor=Actor.PM,
                                                                       agency_code="CP", role=Role.PRIME_MINISTER, official="x", reason="chưa đủ căn cứ"))


async def asked_by_btc(client, sid: str, day) -> None:
    await drafts.request_postponement(client, sid, PostponementRequest(
        stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code="BTC", role=Role.MINISTER, official="x",
        new_deadline=day, reason="chờ ý kiến"))


async def card_of(http, sid: str) -> str:
    """The draft's card in the signed-in reader's inbox."""
    inbox = html.unescape(is_page(await http.get("/board/inbox"), 200))
    at = inbox.index(f'<li><a href="/board/drafts/{sid}"')
    return inbox[at:inbox.index("</li>", at)]


async def test_a_postponement_of_a_draft_pinned_to_2025_7_stays_in_the_deputy_prime_ministers_inbox(dev_env, pool, monkeypatch):
    old = edition(ProcessVersion.LAW_2025, EDITION_2025_7)
    # Drafts started now pin edition 2025.7, as those started before this release did (the worker runs in this process).
    monkeypatch.setattr(pinning, "load_rulebook", lambda version: old if version is ProcessVersion.LAW_2025 else load_rulebook(version))
    async with app_over(dev_env.client, pool) as http:
        request, status, _, _ = await asked_at_government_decision(http, dev_env.client, pool)
        sid = request.submission_id
        assert status.rulebook_version == "2025.7"
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.DEPUTY_PM)
        inbox = await http.get("/board/inbox")
        assert inbox.status_code == 200
        # The draft (pinned to 2025.7) takes the Deputy Prime Minister's decision: its request awaits it in that inbox.
        assert sid in html.unescape(inbox.text), "the Deputy Prime Minister's inbox does not list the request the draft's edition gives it"
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.PM)  # who decides it under both editions
        assert sid in html.unescape((await http.get("/board/inbox")).text)


async def test_a_postponement_is_decided_from_the_inbox(dev_env, pool):
    """Found by a committee official's trial: the inbox listed a postponement awaiting the reader's decision with a command
    and a route only. Its form sends the API's message, checked by the same rules: a refusal is shown with its field and
    the form open with what was typed; an approval moves the deadline to the date asked."""
    async with app_over(dev_env.client, pool) as http:
        request, status, asked_for, receipt = await asked_at_government_decision(http, dev_env.client, pool)
        sid = request.submission_id
        # Said to who asked too, before it is decided (found by a Government Office's trial: only this inbox said so).
        assert [w for w in receipt["warnings"] if w.startswith(f"the date asked, {asked_for}, is after the cut-off {status.stage_deadline}")], receipt
        # Who must act on the draft reads that a postponement awaits its decision (found by a trial: the Ministry of
        # Justice's inbox gave an overdue draft's deadline alone).
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.GOVERNMENT)
        acting = html.unescape(is_page(await http.get("/board/inbox"), 200))
        card = acting[acting.index(f'href="/board/drafts/{sid}"'):][:1500]
        assert "A postponement to " in card and "asked by BTC on " in card and "awaits its decision." in card, card
        await signed_in(http, pool, language="vi", agency="CP", role=CallerRole.PM)
        inbox = await http.get("/board/inbox")
        assert f'action="/board/inbox/{sid}/postponement"' in inbox.text and "Quyết định việc lùi hạn" in html.unescape(inbox.text)
        # The date asked is after the cut-off of the draft's session: said before it is approved (found by a trial: the
        # conflict was raised only after the approval).
        said = html.unescape(inbox.text)
        assert "Ngày đề nghị sau hạn cuối" in said and "xung đột được báo cho cơ quan theo dõi dự án" in said, said[-3000:]
        # What approving it does at a regular session whose cut-off is ahead (found by a committee's trial: the same words
        # of a draft at an extraordinary session, or past its cut-off, where no conflict is raised or no slip follows).
        assert "Dự án chuyển sang kỳ họp sau nếu quá ngày đó." in said and "kỳ họp bất thường" not in said, said[-3000:]
        form = {"csrftoken": token_of(inbox), "stage": "GOVERNMENT_DECISION", "approved": "APPROVE", "role": "PRIME_MINISTER",
                "official": "", "reason": "Đồng ý lùi hạn"}
        refused = html.unescape(is_page(await http.post(f"/board/inbox/{sid}/postponement", data=form), 422))
        assert "official" in refused and "Đồng ý lùi hạn" in refused  # the field named, what was typed kept
        maybe = is_page(await http.post(f"/board/inbox/{sid}/postponement", data=form | {"official": "Phạm Minh C", "approved": "MAYBE"}), 422)
        assert "approved" in maybe and "Chấp thuận hoặc không chấp thuận" in maybe
        # A refusal without its reasons is refused in the page's language, the request still awaiting its decision.
        wordless = html.unescape(is_page(await http.post(f"/board/inbox/{sid}/postponement", data=form | {
            "official": "Phạm Minh C", "approved": "REFUSE", "reason": ""}), 422))
        assert "reason_required" in wordless and "Không chấp thuận thì cần nêu lý do." in wordless
        assert (await drafts.status(dev_env.client, sid)).pending_postponement is not None
        sent = await http.post(f"/board/inbox/{sid}/postponement", data=form | {"official": "Phạm Minh C"})
        assert sent.status_code == 303 and sent.headers["location"] == f"/board/inbox?sent={sid}", sent.text[sent.text.find('role="alert"'):][:800]
        moved = await drafts.status(dev_env.client, sid)
        assert moved.stage_deadline == asked_for and moved.pending_postponement is None


async def test_the_deputy_prime_minister_decides_from_the_inbox_a_postponement_of_a_draft_pinned_to_2025_7(dev_env, pool, monkeypatch):
    """Found by a breaker: the inbox listed for the Deputy Prime Minister the request of a draft pinned to 2025.7, which
    gives him the decision, but its form offered the roles the newest edition gives his actor (none), so the token's
    actor, no role, and the one decision the page listed for him could not be sent from it."""
    old = edition(ProcessVersion.LAW_2025, EDITION_2025_7)
    monkeypatch.setattr(pinning, "load_rulebook", lambda version: old if version is ProcessVersion.LAW_2025 else load_rulebook(version))
    async with app_over(dev_env.client, pool) as http:
        request, _, asked_for, _ = await asked_at_government_decision(http, dev_env.client, pool)
        sid = request.submission_id
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.DEPUTY_PM)
        inbox = await http.get("/board/inbox")
        offered = re.findall(r'<option value="([^"]*)"', re.search(r'<select id="pr-\d+" name="role">(.*?)</select>', inbox.text, re.S).group(1))
        assert offered == ["DEPUTY_PRIME_MINISTER"], offered
        form = {"csrftoken": token_of(inbox), "stage": "GOVERNMENT_DECISION", "approved": "APPROVE", "role": offered[0],
                "official": "Trần Văn D", "reason": "Đồng ý"}
        sent = await http.post(f"/board/inbox/{sid}/postponement", data=form)
        assert sent.status_code == 303, html.unescape(sent.text[sent.text.find('role="alert"'):][:600])
        assert (await drafts.status(dev_env.client, sid)).stage_deadline == asked_for



async def test_a_date_asked_within_the_cut_off_while_an_approved_date_stands_is_not_said_after_it(dev_env, pool):
    """Found by a Government Office's trial: the session moved later so that the date the Prime Minister approved fell
    within its cut-off (the date standing), the Prime Minister's inbox said a later date asked, still within the cut-off,
    was "after the cut-off" (the approved date named as the cut-off) and would raise a conflict."""
    client = dev_env.client
    async with app_over(client, pool) as http:
        request, status, _, _ = await asked_at_government_decision(http, client, pool)
        sid, cutoff, target = request.submission_id, status.stage_deadline, request.target_session
        await refused_by_the_prime_minister(client, sid)
        for asked_for in (cutoff + timedelta(days=5), cutoff + timedelta(days=10)):
            await asked_by_btc(client, sid, asked_for)
            if asked_for == cutoff + timedelta(days=5):
                await drafts.decide_postponement(client, sid, PostponementDecision(stage=Stage.GOVERNMENT_DECISION, approved=True, actor=Actor.PM,
                                                                                   agency_code="CP", role=Role.PRIME_MINISTER, official="x"))
                later = target.model_copy(update={"opens_on": target.opens_on + timedelta(days=30)})
                await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(later,), changed_by="VPQH"))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'POSTPONEMENT_REQUESTED'",
                                               sid), lambda n: n == 3)
        assert (await drafts.status(client, sid)).stage_deadline == cutoff + timedelta(days=5)  # the approved date stands
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.PM)
        for written_before_counted in (False, True):
            if written_before_counted:  # a registry row written before the counted cut-off was recorded beside an approved date
                await pool.execute("UPDATE submissions SET cutoff_counted = NULL, counted_recorded = false WHERE submission_id = $1", sid)
            card = await card_of(http, sid)
            assert f'action="/board/inbox/{sid}/postponement"' in card and "The date asked is after the cut-off" not in card, card


async def test_the_deciding_inbox_says_a_date_asked_at_appraisal_is_after_the_governments_cut_off(dev_env, pool):
    """README (Deadlines, postponements): a date asked "after a later stage's cut-off (a draft that finishes its stage that
    late misses it), is said to whoever asks before it is decided (`legis postpone` and `legis status`, ...; the deciding
    inbox says the same". At APPRAISAL, a date after the GOVERNMENT_DECISION cut-off: `legis status` warns, the Deputy
    Prime Minister's and the Prime Minister's inbox, where it is approved, say nothing (store.board.postponements_asked
    keeps the cut-off only when it is the current stage's)."""
    client = dev_env.client
    async with app_over(client, pool) as http:
        request, status, _ = await started_to(http, client, pool, "BQP", Stage.APPRAISAL)
        sid = request.submission_id
        cutoff = status.next_cutoff
        assert cutoff is not None and cutoff.stage is Stage.GOVERNMENT_DECISION
        asked_for = cutoff.day + timedelta(days=14)
        await drafts.request_postponement(client, sid, PostponementRequest(
            stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.DEPUTY_MINISTER, official="Thứ trưởng",
            new_deadline=asked_for, reason="Cần thành lập Hội đồng thẩm định"))
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'POSTPONEMENT_REQUESTED'",
                                               sid), lambda n: n == 1)
        warned = (await drafts.status(client, sid)).warnings
        assert [w for w in warned if w.startswith(f"the date asked, {asked_for}, is after the cut-off {cutoff.day}")], warned  # status says it
        for role in (CallerRole.DEPUTY_PM, CallerRole.PM):
            await signed_in(http, pool, language="en", agency="CP", role=role)
            card = await card_of(http, sid)
            assert f'action="/board/inbox/{sid}/postponement"' in card, card
            named = stage_name_vi(request.process_version, Stage.GOVERNMENT_DECISION)
            assert f"The date asked is after the cut-off {cutoff.day:%b} {cutoff.day.day}, {cutoff.day.year} for {named}, counted back from" in card, card
            assert "It slips to a later session when it reaches that stage." in card, (role, card)


async def test_the_deciding_inbox_says_a_date_asked_before_the_deadline_now_cannot_be_approved(dev_env, pool):
    """Found by a Government Office's trial: a date asked after the cut-off, then the session moved later, so that the
    deadline the calendar gives is after the date asked. `legis status` said the request "cannot be approved
    (later_than_current)"; the Prime Minister's inbox offered "Approve: the deadline becomes" that date, and said nothing
    until the approval sent from it was refused. It says so, and offers the refusal alone."""
    client = dev_env.client
    async with app_over(client, pool) as http:
        request, status, _, _ = await asked_at_government_decision(http, client, pool)
        sid, cutoff, target = request.submission_id, status.stage_deadline, request.target_session
        await refused_by_the_prime_minister(client, sid)
        asked_for = cutoff + timedelta(days=5)
        await asked_by_btc(client, sid, asked_for)
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.PM)
        await eventually(lambda: pool.fetchval("SELECT count(*) FROM audit_events WHERE submission_id = $1 AND event = 'POSTPONEMENT_REQUESTED'",
                                               sid), lambda n: n == 2)
        assert "cannot be approved" not in (offered := await card_of(http, sid)) and 'value="APPROVE"' in offered, offered  # within what may be approved
        later = target.model_copy(update={"opens_on": target.opens_on + timedelta(days=30)})
        await drafts.tell_calendar(client, sid, SessionCalendar(sessions=(later,), changed_by="VPQH"))
        now = await drafts.status(client, sid)
        assert now.stage_deadline > asked_for and [w for w in now.warnings if "cannot be approved (later_than_current)" in w], now.warnings
        await eventually(lambda: pool.fetchval("SELECT stage_deadline FROM submissions WHERE submission_id = $1", sid), lambda day: day > asked_for)
        said = await card_of(http, sid)
        day = now.stage_deadline
        assert f"The date asked is before the deadline in force now, {day:%b} {day.day}, {day.year}, which the calendar moved" in said, said
        assert 'value="APPROVE"' not in said and 'value="REFUSE"' in said, said


async def test_the_deciding_inbox_says_a_draft_slips_when_its_session_opens_before_the_date_asked(dev_env, pool):
    """Found by a re-check of the thirtieth generation: a date asked at GOVERNMENT_DECISION past the session's opening
    "slips to a later session if the date passes", where the draft slips when the session opens, before that date."""
    client = dev_env.client
    async with app_over(client, pool) as http:
        request, _, asked_for, _ = await asked_at_government_decision(http, client, pool)
        target = request.target_session
        assert asked_for >= target.opens_on
        await pool.execute("INSERT INTO na_sessions (code, legislature, session, opens_on, changed_by) VALUES ($1, $2, $3, $4, 'VPQH')",
                           target.code, target.legislature, target.session, target.opens_on)
        try:
            await signed_in(http, pool, language="en", agency="CP", role=CallerRole.PM)
            card = await card_of(http, request.submission_id)
        finally:
            await pool.execute("DELETE FROM na_sessions WHERE code = $1", target.code)
    said = " ".join(card.split())
    assert f"The draft slips to a later session when session {target.code} opens on" in said, said
    assert "The draft slips to a later session if the date passes" not in said, said
