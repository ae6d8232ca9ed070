"""What drafts raise to the offices that follow them, in those offices' inboxes (found by a National Assembly Office
official's trial: `legis status` said a postponement's conflict was "raised to the National Assembly Office", and the
Office's inbox said nothing waited for it); what they have seen to since is not (found by a breaker: an escalation after
an approved postponement made the draft on time), and another ministry's classified draft is counted, never shown."""

from __future__ import annotations

import html
import uuid
from datetime import date, timedelta

import asyncpg
import pytest

from activities.database import create_pool
from schemas.enums import CallerRole, EscalationLevel, EventKind
from store.board import raised_to
from tests.drafts import NOW, answer_postponement, ask_postponement, postponed
from tests.test_approved_dates_on_the_calendar import TODAY, at_government_decision_written, written
from tests.test_board_forms import app_client
from tests.test_board_pages import is_page, signed_in
from workflows import draft_views as views
from workflows import sessions
from workflows.deadlines import passes_at

# A conflict's cut-off is ahead of today (the inbox drops one whose cut-off passed), whenever the suite runs.
CUTOFF = date.today() + timedelta(days=105)
APPROVED = CUTOFF + timedelta(days=18)
CONFLICT = (f"the approved date {APPROVED} is after the cut-off {CUTOFF} for session 16-3; the National Assembly Office "
            "resolves it with UBTVQH")


async def _draft_raising(pool, stage: str, level: str, event: str, label: str, *, stage_left: bool = False, classified: bool = False,
                         deadline: date | None = None, postponed_to: date | None = None, cutoff: date | None = None) -> str:
    """A draft at `stage` (or past it, `stage_left`) whose stage raised `event` to `level`; `postponed_to`: a postponement
    asked and approved after it, to that day; `cutoff`: the current stage's cut-off the registry records (a conflict's:
    its sitting's, before the approved date in force; once the sitting moved so that the date is within it, that date)."""
    sid = f"RAISED-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, classified, last_seq, responsible, cutoff, cutoff_stage, cutoff_sitting) VALUES ($1, $2, $3, "
                       "$4, 'LAW_2025', '16-3', $5, now() - interval '60 days', $6, $7, 5, 'UBTVQH', $8, CASE WHEN $8::date IS NOT NULL THEN $5 END, "
                       "CASE WHEN $8::date IS NOT NULL THEN '16-3' END)",
                       sid, f"draft-law-{sid}", None if classified else f"Luật thử {sid}", "BQP" if classified else "BNNMT",
                       "DRAFTING" if stage_left else stage, postponed_to or deadline or date.today() - timedelta(days=5), classified, cutoff)
    # As the draft writes them: who acted, where someone did (the deadline report counts each body's requests and steps).
    events = [(1, "SUBMITTED", stage, None, None, None, None, None, "LEAD_MINISTRY"), (2, event, stage, None, level, label, None, None, None)]
    if postponed_to:
        events += [(3, "POSTPONEMENT_REQUESTED", stage, None, None, None, postponed_to, None, "LEAD_MINISTRY"),
                   (4, "POSTPONEMENT_DECIDED", stage, None, None, None, postponed_to, True, "DEPUTY_PM")]
    if stage_left:  # the draft left the stage since: what it raised there is done with
        events.append((5, "DECISION", stage, "DRAFTING", None, None, None, None, "NA_COMMITTEE"))
    await pool.executemany("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, escalation_level, "
                           "label, requested_deadline, approved, actor, agency_code) VALUES ($1, $2, $3, now() - make_interval(days => 10 - $2), "
                           "$4, $5, $6, $7, $8, $9, $10, $11, $12)",
                           [(sid, seq, f"draft-law-{sid}", *rest, {"LEAD_MINISTRY": "BNNMT", "DEPUTY_PM": "CP", "NA_COMMITTEE": "UBKT"}.get(rest[-1]))
                            for seq, *rest in events])
    return sid


async def test_a_conflict_raised_to_the_national_assembly_office_waits_in_its_inbox_alone(pool):
    conflict = await _draft_raising(pool, "INTER_SESSION_REVISION", "VPQH", "POSTPONEMENT_CONFLICT", CONFLICT,
                                    deadline=APPROVED, cutoff=CUTOFF)
    # The session moved later since, the approved date within its cut-off: the draft said the conflict had ended (found by
    # a Government Office's trial: the inbox listed it still).
    ended = await _draft_raising(pool, "INTER_SESSION_REVISION", "VPQH", "POSTPONEMENT_CONFLICT", CONFLICT,
                                 deadline=APPROVED, cutoff=APPROVED)
    escalated = await _draft_raising(pool, "GOVERNMENT_REVIEW", "VPCP", "ESCALATION", "deadline passed: escalated to the Government Office")
    done_with = await _draft_raising(pool, "EXAMINATION", "VPQH", "ESCALATION", "escalated", stage_left=True)
    on_time = await _draft_raising(pool, "GOVERNMENT_REVIEW", "VPCP", "ESCALATION", "escalated", postponed_to=date.today() + timedelta(days=40))
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi", agency="VPQH", role=CallerRole.OPERATOR)
        vpqh = is_page(await http.get("/board/inbox"), 200)
        await signed_in(http, pool, language="en", agency="VPCP", role=CallerRole.OPERATOR)
        vpcp = is_page(await http.get("/board/inbox"), 200)
        own_page = is_page(await http.get(f"/board/drafts/{on_time}"), 200)
        await signed_in(http, pool, language="en", agency="BNNMT", role=CallerRole.LEAD_MINISTRY)
        ministry = is_page(await http.get("/board/inbox"), 200)
    assert "Việc báo cáo lên cơ quan" in vpqh and conflict in vpqh and "(POSTPONEMENT_CONFLICT," in vpqh, vpqh[-3000:]
    # Named by its submission ID beside its title, as the drafts waiting are (found by a Government Office's trial: four
    # drafts of one title were told apart only by their links).
    assert f"</a> <code>{conflict}</code>" in vpqh, vpqh[-3000:]
    # Said in the page's language (found by a Government Office's trial: in English on its Vietnamese inbox).
    assert (f"ngày đã được chấp thuận, {APPROVED:%d/%m/%Y}, sau hạn chót {CUTOFF:%d/%m/%Y} của kỳ họp 16-3; Văn phòng Quốc hội xử lý "
            "với Ủy ban Thường vụ Quốc hội") in vpqh
    assert escalated not in vpqh and done_with not in vpqh and ended not in vpqh
    assert "Raised to your office" in vpcp and escalated in vpcp and conflict not in vpcp
    # Postponed since, the draft is on time, as its own page says: the office is not sent to chase it.
    assert on_time not in vpcp and '<strong class="late">escalated to' not in own_page
    assert "Raised to your office" not in ministry


async def test_a_classified_drafts_conflict_raised_to_the_office_is_counted_in_its_inbox(fresh_database_url):
    """Another ministry's classified draft is shown to no office, and was left out without a word: the Office read
    "Nothing waits for your agency" while a conflict raised to it did; it is counted, as the inbox counts the others."""
    pool = await create_pool(fresh_database_url)  # no other test's draft waits for the Office
    try:
        sid = await _draft_raising(pool, "INTER_SESSION_REVISION", "VPQH", "POSTPONEMENT_CONFLICT", CONFLICT, classified=True,
                                   deadline=APPROVED, cutoff=CUTOFF)  # its cut-off ahead, as a conflict's is
        async with app_client(pool) as http:
            await signed_in(http, pool, language="en", agency="VPQH", role=CallerRole.OPERATOR)
            page = is_page(await http.get("/board/inbox"), 200)
    finally:
        await pool.close()
    assert sid not in page and str(CUTOFF) not in page  # nothing of the draft itself
    assert "Nothing waits for your agency." not in page and "1 classified draft also raised something to your office" in page, page[-2000:]
    # Under its own heading, when it is the only one (found by a Government Office's trial: under the drafts waiting for a decision).
    assert page.index("<h2>Raised to your office</h2>") < page.index("1 classified draft also raised something"), page[-2000:]


async def test_a_draft_waiting_past_its_deadline_is_said_overdue_in_the_inbox_of_who_must_act(pool):
    """Found by a Government Office's trial: the Ministry of Justice's inbox gave an overdue draft's deadline as any other."""
    late = await _draft_raising(pool, "DRAFTING", "VPCP", "ESCALATION", "escalated", deadline=date.today() - timedelta(days=5))
    ahead = await _draft_raising(pool, "DRAFTING", "VPCP", "ESCALATION", "escalated", deadline=date.today() + timedelta(days=30))
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi", agency="UBTVQH", role=CallerRole.UBTVQH)
        inbox = is_page(await http.get("/board/inbox"), 200)

    def card(sid: str) -> str:
        found = inbox[:inbox.index(f"{sid}</p>")]
        return found[found.rindex('<section class="card"'):]

    assert "Quá hạn" in card(late) and "Quá hạn" not in card(ahead), card(late)


async def test_an_escalation_to_the_deputy_prime_minister_waits_in_his_inbox_and_the_offices_says_how_far_it_went(pool):
    """Found by a Government Office's trial: two drafts escalated to the Deputy Prime Minister were on no page of his, and
    the Government Office's inbox still read "escalated to VPCP" of them, with no hint that they had gone higher."""
    sid = f"DPM-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, classified, last_seq, responsible) VALUES ($1, $2, 'Luật thử', 'BCA', 'LAW_2025', '16-3', "
                       "'APPRAISAL', now() - interval '60 days', current_date - 20, false, 3, 'MOJ')", sid, f"draft-law-{sid}")
    await pool.executemany("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, escalation_level, label) "
                           "VALUES ($1, $2, $3, now() - make_interval(days => 10 - $2), 'ESCALATION', 'APPRAISAL', $4, $5)",
                           [(sid, 1, f"draft-law-{sid}", "VPCP", "escalated to VPCP"), (sid, 2, f"draft-law-{sid}", "DEPUTY_PM", "escalated to DEPUTY_PM")])
    async with app_client(pool) as http:
        for agency, role in (("CP", CallerRole.DEPUTY_PM), ("VPCP", CallerRole.OPERATOR)):
            await signed_in(http, pool, language="en", agency=agency, role=role)
            inbox = is_page(await http.get("/board/inbox"), 200)
            raised = inbox.split("Raised to your office", 1)[1].split("</ul>", 1)[0] if "Raised to your office" in inbox else ""
            [item] = [li for li in raised.split("<li>") if f'href="/board/drafts/{sid}"' in li] or [""]
            # Its note in the page's language (found by a Government Office's trial: "escalated to DEPUTY_PM" on a Vietnamese page).
            assert "escalated to the Deputy Prime Minister in charge" in item and "escalated to the Government Office" not in item, (agency, inbox[-3000:])
        await signed_in(http, pool, language="vi", agency="CP", role=CallerRole.DEPUTY_PM)
        assert "đã báo cáo lên Phó Thủ tướng phụ trách" in html.unescape(is_page(await http.get("/board/inbox"), 200))
        await signed_in(http, pool, language="en", agency="CP", role=CallerRole.PM)
        assert sid not in is_page(await http.get("/board/inbox"), 200)


async def test_a_classified_drafts_postponement_is_named_to_who_decides_it_by_its_id_alone(pool):
    """Found by a Government Office's trial: the Prime Minister's inbox said a classified draft's postponement awaited his
    decision, without its ID: he had to try every classified draft to find which. Named to who decides it, nothing more."""
    sid = f"MAT-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, classified, last_seq, responsible) VALUES ($1, $2, NULL, 'BQP', 'LAW_2025', '16-3', "
                       "'GOVERNMENT_DECISION', now() - interval '10 days', current_date + 20, true, 2, 'GOVERNMENT')", sid, f"draft-law-{sid}")
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, requested_deadline, actor, agency_code, "
                       "late_request) VALUES ($1, 2, $2, now(), 'POSTPONEMENT_REQUESTED', 'GOVERNMENT_DECISION', current_date + 40, 'LEAD_MINISTRY', "
                       "'BQP', false)", sid, f"draft-law-{sid}")
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi", agency="CP", role=CallerRole.PM)
        prime_minister = is_page(await http.get("/board/inbox"), 200)
        notice = prime_minister.split("Dự án mật: ", 1)[1].split("</p>", 1)[0] if "Dự án mật: " in prime_minister else ""
        assert f"<code>{sid}</code>" in notice and f'href="/board/drafts/{sid}"' not in prime_minister, prime_minister[-3000:]
        await signed_in(http, pool, language="vi", agency="BTP", role=CallerRole.MOJ)
        assert sid not in is_page(await http.get("/board/inbox"), 200)  # not who decides it

async def approved_past_its_cutoff(db):
    """A draft at GOVERNMENT_DECISION whose approved date is 10 days after its session's cut-off (a conflict raised to the
    Government Office), written as the draft writes it: (its request, its state, the cut-off, the time of the approval)."""
    request, state = await at_government_decision_written(db)
    now = NOW + timedelta(hours=1)
    cutoff = sessions.statutory_deadline(state)
    state = await written(db, postponed(state, cutoff + timedelta(days=10), now))
    assert sessions.postponement_conflict(state, now) is not None
    return request, state, cutoff, now


async def listed_for_the_government_office(db, submission_id: str, today) -> bool:
    rows, _ = await raised_to(db, EscalationLevel.VPCP, own_agency=None, today=today)
    return submission_id in [raised.row.submission_id for raised in rows]


async def test_a_conflict_the_prime_minister_keeps_by_refusing_a_new_date_stays_in_the_government_offices_inbox(fresh_database_url):
    """Found by a Government Office's trial: the Prime Minister approved a date after the session's cut-off (a conflict,
    raised to the Government Office); the lead ministry asked to come back to the cut-off and he refused. His date stands,
    and the status still says the conflict stands; the Office's inbox dropped it, ended by any decision since, a refusal
    too. An approval to a date within the cut-off ends it."""
    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state, cutoff, now = await approved_past_its_cutoff(db)
        approved = state.deadline
        assert await listed_for_the_government_office(db, request.submission_id, TODAY)
        state = await written(db, ask_postponement(state, cutoff, now + timedelta(hours=1)))
        state = await written(db, answer_postponement(state, now + timedelta(hours=2), approved=False))
        assert state.deadline == approved and sessions.postponement_conflict(state, now + timedelta(hours=2)) is not None
        assert await listed_for_the_government_office(db, request.submission_id, TODAY), "the conflict the draft still reports left the inbox"
        state = await written(db, ask_postponement(state, cutoff, now + timedelta(hours=3)))
        state = await written(db, answer_postponement(state, now + timedelta(hours=4), approved=True))
        assert sessions.postponement_conflict(state, now + timedelta(hours=4)) is None
        assert not await listed_for_the_government_office(db, request.submission_id, TODAY)
    finally:
        await db.close()


def test_a_conflicts_note_reads_in_the_pages_language_whatever_its_sitting():
    from schemas.enums import EventKind
    from web.render import note_of

    def day(d: date) -> str:
        return f"{d:%d/%m/%Y}"

    meeting = ("the approved date 2027-05-05 is after the cut-off 2027-04-26 for Standing Committee meeting UBTVQH-52 before session "
               "16-2; the Government Office resolves it with PM")
    assert note_of(EventKind.POSTPONEMENT_CONFLICT, meeting, "vi", day) == (
        "ngày đã được chấp thuận, 05/05/2027, sau hạn chót 26/04/2027 của phiên họp UBTVQH-52 của Ủy ban Thường vụ Quốc hội trước "
        "kỳ họp 16-2; Văn phòng Chính phủ xử lý với Thủ tướng Chính phủ")
    assert note_of(EventKind.POSTPONEMENT_CONFLICT, CONFLICT, "en", day) == (
        f"the approved date {APPROVED:%d/%m/%Y} is after the cut-off {CUTOFF:%d/%m/%Y} for session 16-3; the National Assembly Office "
        "resolves it with the Standing Committee of the National Assembly")
    assert note_of(EventKind.POSTPONEMENT_CONFLICT, "a note of another shape", "vi", day) == "a note of another shape"


NOTES_IN_VIETNAMESE = [
    (EventKind.SESSION_SLIPPED, "slipped from session 16-2 (opens 2027-05-20) to 16-3 (opens 2027-10-20)",
     "chuyển từ kỳ họp 16-2 (khai mạc ngày 20/05/2027) sang kỳ họp 16-3 (khai mạc ngày 20/10/2027)"),
    (EventKind.SESSION_RESCHEDULED, "session 16-3 now opens 2027-06-01 (was 2027-05-20)",
     "kỳ họp 16-3 nay khai mạc ngày 01/06/2027 (trước đây là ngày 20/05/2027)"),
    (EventKind.SESSION_RESCHEDULED, "aimed at session 16-3 (opens 2027-10-20), the next after 16-2",
     "trình kỳ họp 16-3 (khai mạc ngày 20/10/2027), kỳ họp tiếp theo sau kỳ họp 16-2"),
    (EventKind.CONSULTATION_LOST, "round R-1 ended terminated without handing back its result; the stage is no longer held by it; for the "
     "Government Office", "đợt lấy ý kiến R-1 đã kết thúc (terminated) mà không trả lại kết quả; bước này không còn bị đợt đó giữ lại; báo cáo "
     "Văn phòng Chính phủ"),
    (EventKind.DECISION, "the date 2027-01-11 approved by PM lapses with the stage; ask it again if the draft needs it when it is back here",
     "thời hạn 11/01/2027 do Thủ tướng Chính phủ chấp thuận hết hiệu lực cùng bước này; khi dự án trở lại bước này, đề nghị lại nếu vẫn cần"),
    (EventKind.MEETING_SCHEDULED, "Standing Committee meeting before session 16-2: UBTVQH-52 on 2027-04-12",
     "phiên họp của Ủy ban Thường vụ Quốc hội trước kỳ họp 16-2: UBTVQH-52 ngày 12/04/2027"),
    (EventKind.MEETING_SCHEDULED, "Standing Committee meeting before session 16-2: none announced",
     "phiên họp của Ủy ban Thường vụ Quốc hội trước kỳ họp 16-2: chưa công bố"),
    # A move ending an approved date's conflict, in each of the ways the draft says it (found by a Government Office's trial).
    (EventKind.SESSION_RESCHEDULED, "session 16-2 now opens 2027-06-10 (was 2027-05-20); the approved date 2027-04-20 falls within the "
     "cut-off now counted, 2027-04-26 (was 2027-04-05, for session 16-2): the conflict raised to the Government Office has ended",
     "kỳ họp 16-2 nay khai mạc ngày 10/06/2027 (trước đây là ngày 20/05/2027); ngày đã được chấp thuận, 20/04/2027, nằm trong hạn chót "
     "nay được tính, 26/04/2027 (trước đây là ngày 05/04/2027, của kỳ họp 16-2): xung đột đã báo cáo Văn phòng Chính phủ nay đã chấm dứt"),
    (EventKind.MEETING_SCHEDULED, "Standing Committee meeting before session 16-2: none announced; the approved date 2027-04-20 no longer "
     "falls after a cut-off: Standing Committee meeting UBTVQH-51 before session 16-2, whose cut-off was 2027-03-01, counts no more, "
     "and no Standing Committee meeting is announced before session 16-2: the conflict raised to the National Assembly Office has ended",
     "phiên họp của Ủy ban Thường vụ Quốc hội trước kỳ họp 16-2: chưa công bố; ngày đã được chấp thuận, 20/04/2027, không còn sau hạn "
     "chót nào: phiên họp UBTVQH-51 của Ủy ban Thường vụ Quốc hội trước kỳ họp 16-2, có hạn chót là ngày 01/03/2027, không còn được "
     "tính, và chưa công bố phiên họp nào của Ủy ban Thường vụ Quốc hội trước kỳ họp 16-2: xung đột đã báo cáo Văn phòng Quốc hội nay "
     "đã chấm dứt"),
    (EventKind.SESSION_RESCHEDULED, "session 16-2 now opens 2027-06-10 (was 2027-05-20); the approved date 2027-04-20 no longer falls after "
     "the cut-off for session 16-2, now 2027-04-26: the conflict raised to the Government Office has ended",
     "kỳ họp 16-2 nay khai mạc ngày 10/06/2027 (trước đây là ngày 20/05/2027); ngày đã được chấp thuận, 20/04/2027, không còn sau hạn "
     "chót của kỳ họp 16-2, nay là ngày 26/04/2027: xung đột đã báo cáo Văn phòng Chính phủ nay đã chấm dứt"),
    (EventKind.SESSION_RESCHEDULED, "session 16-2 now opens 2027-01-10 (was 2027-06-19); the cut-off now counted, 2026-11-26 (was "
     "2027-05-05, for session 16-2), has passed: no approved date can meet it: the conflict raised to the Government Office has ended; "
     "the draft slips if the approved date 2027-05-25 passes too",
     "kỳ họp 16-2 nay khai mạc ngày 10/01/2027 (trước đây là ngày 19/06/2027); hạn chót nay được tính, 26/11/2026 (trước đây là ngày "
     "05/05/2027, của kỳ họp 16-2), đã qua: không ngày được chấp thuận nào còn kịp: xung đột đã báo cáo Văn phòng Chính phủ nay đã chấm "
     "dứt; dự án sẽ chuyển kỳ họp nếu ngày đã được chấp thuận, 25/05/2027, cũng qua"),
    (EventKind.SESSION_RESCHEDULED, "aimed at session 16-1 (opens 2027-01-26) again, not 16-2: the decision entered afterwards, dated "
     "2026-12-09, met the deadline 2026-12-11 whose passing slipped it",
     "trình lại kỳ họp 16-1 (khai mạc ngày 26/01/2027), không phải kỳ họp 16-2: quyết định nhập sau, ngày 09/12/2026, đã kịp thời hạn "
     "11/12/2026 mà việc quá hạn đã làm dự án chuyển kỳ họp"),
    (EventKind.CONSULTATION_OPENED, "round CONG-KHAI: PUBLIC_POSTING to the public until 2026-12-28",
     "đợt lấy ý kiến CONG-KHAI: Lấy ý kiến nhân dân (PUBLIC_POSTING), đến hết ngày 28/12/2026"),
    (EventKind.CONSULTATION_OPENED, "round R1: WRITTEN_OPINIONS to 3 consultees until 2026-12-22",
     "đợt lấy ý kiến R1: Lấy ý kiến bằng văn bản của các bộ, cơ quan (WRITTEN_OPINIONS), gửi 3 cơ quan, đến hết ngày 22/12/2026"),
    (EventKind.OPINION_RECEIVED, "round R1: BTC, 1 comment", "đợt lấy ý kiến R1: Bộ Tài chính (BTC), 1 ý kiến"),
    (EventKind.CONSULTEE_SILENT, "round R1: BYT did not answer by 2026-12-22", "đợt lấy ý kiến R1: Bộ Y tế (BYT) không trả lời tính đến ngày 22/12/2026"),
    (EventKind.CONSULTATION_COMPILED, "round R1: 2 opinions, 1 silent; 3 comments accepted, 1 explained",
     "đợt lấy ý kiến R1: 2 văn bản góp ý, 1 cơ quan không trả lời; tiếp thu 3 ý kiến, giải trình 1 ý kiến"),
    (EventKind.CONSULTATION_CANCELLED, "round R1 (WRITTEN_OPINIONS) cancelled by BGDDT: it asks nobody's opinion any more and the stage is "
     "no longer held by it", "đợt lấy ý kiến R1, Lấy ý kiến bằng văn bản của các bộ, cơ quan (WRITTEN_OPINIONS), do Bộ Giáo dục và Đào tạo (BGDDT) hủy: không còn lấy ý kiến và bước này không còn bị đợt đó giữ lại"),
    (EventKind.CONSULTATION_CANCELLED, "round R1 (WRITTEN_OPINIONS) cancelled: the draft is WITHDRAWN and asks nobody's opinion any more",
     "đợt lấy ý kiến R1, Lấy ý kiến bằng văn bản của các bộ, cơ quan (WRITTEN_OPINIONS), bị hủy: dự án đã ở trạng thái Đã rút (WITHDRAWN) và không còn lấy ý kiến"),
    # A note with more said than its pattern holds stays as the draft wrote it.
    (EventKind.SESSION_RESCHEDULED, "session 16-3 now opens 2027-06-01 (was 2027-05-20); the approved date 2027-05-01 no longer falls after "
     "the cut-off", None),
]


@pytest.mark.parametrize(("event", "label", "said"), NOTES_IN_VIETNAMESE)
def test_a_drafts_notes_read_in_the_pages_language(event, label, said):
    """Found by a National Assembly Office's trial, a new user's, a lead ministry's and a breaker: the notes an office reads
    most, a slip, a session moved, a round lost, a date lapsing, in English on its Vietnamese pages."""
    from web.render import note_of

    assert note_of(event, label, "vi", lambda d: f"{d:%d/%m/%Y}") == (said or label)


async def test_a_conflict_whose_cut_off_has_passed_leaves_the_offices_inbox_as_it_leaves_the_status(fresh_database_url):
    """Found by a breaker: the status says no conflict once its cut-off has passed (`sessions.postponement_conflict`, fourteenth generation:
    no date can meet it then); the Government Office's inbox ("Raised to your office") keeps listing it until another
    approval, which nothing then calls for."""
    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state, cutoff, _ = await approved_past_its_cutoff(db)
        later = passes_at(cutoff) + timedelta(hours=2)  # the cut-off has passed, the approved date not yet
        assert sessions.postponement_conflict(state, later) is None
        assert not [w for w in views.warnings(state, later) if "POSTPONEMENT_CONFLICT" in w]
        assert not await listed_for_the_government_office(db, request.submission_id, cutoff + timedelta(days=1)), \
            "the inbox lists a conflict the draft says ended when its cut-off passed"
    finally:
        await db.close()
