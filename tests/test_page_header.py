"""A draft's board page says in its header what stands at its current stage (a postponement awaiting its decision, the rung
of the escalation ladder an overdue draft is on), read from the stage's own events, whichever page of its timeline it
shows and however large its events (found by a breaker: read from the page's events, an earlier page said a request
decided since still waited, and a page cut by its bytes lost both)."""

from __future__ import annotations

import hashlib
import html
import json
import uuid
from datetime import UTC, date, datetime

from schemas.enums import DocumentKind
from tests.test_board_forms import app_client
from tests.test_board_pages import signed_in


async def _draft(pool, prefix: str, *, overdue: bool = False) -> str:
    sid = f"{prefix}-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, stage_deadline, classified, last_seq) VALUES ($1, $2, 'Luật thử', 'BGDDT', 'LAW_2025', '16-2', "
                       "'DRAFTING', now(), (now() + $3::int * interval '1 day')::date, false, 1)",
                       sid, f"draft-law-{sid}", -20 if overdue else 20)
    return sid


async def _event(pool, sid: str, seq: int, kind: str, *, level: str | None = None, documents: list | None = None,
                 label: str | None = None) -> None:
    """One event of the draft's audit trail, in its stage (DRAFTING, no stage change), as the draft's activity writes it."""
    await pool.execute(
        "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, escalation_level, "
        "requested_deadline, label, documents, version) VALUES ($1, $2, $3, $4, $5, 'DRAFTING', 'DRAFTING', 'LEAD_MINISTRY', 'BGDDT', $6, "
        "$7, $8, $9, $10)",
        sid, seq, f"draft-law-{sid}", datetime.now(UTC), kind, level,
        date(2027, 3, 1) if kind.startswith("POSTPONEMENT") else None, label, json.dumps(documents or []),
        seq if kind == "DOSSIER_FILED" else None)


def _dossier(n: int) -> list[dict]:
    """A filing of 50 documents (the most a filing holds), each named in 300 characters: about 20 KB."""
    return [{"kind": DocumentKind.DRAFT_TEXT.value, "name": f"Dự thảo lần {n}, tài liệu {k} ".ljust(300, "x"),
             "sha256": hashlib.sha256(f"{n}.{k}".encode()).hexdigest()} for k in range(50)]


async def test_the_earlier_events_page_does_not_say_a_postponement_decided_since_still_awaits_its_decision(pool):
    """A request at event 150, decided at event 300, 1,200 events in all: the latest page says nothing awaits (right);
    its "Earlier events" link (?before=201) says "Postponement asked to Mar 1, 2027: awaiting decision", of a request
    decided 150 events later. The header is the draft's present, whichever page of its timeline is shown."""
    sid = await _draft(pool, "S40B3ASK")
    for seq in range(1, 1201):
        await _event(pool, sid, seq, {150: "POSTPONEMENT_REQUESTED", 300: "POSTPONEMENT_DECIDED"}.get(seq, "WARNING"),
                     label=f"nhắc việc số {seq}")
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        latest = await http.get(f"/board/drafts/{sid}")
        assert latest.status_code == 200 and '<a href="?before=201">Earlier events</a>' in latest.text, latest.text[-2000:]
        assert "awaiting decision" not in latest.text
        earlier = await http.get(f"/board/drafts/{sid}", params={"before": 201})
        assert earlier.status_code == 200, earlier.text[-2000:]
        assert "awaiting decision" not in earlier.text, "the earlier events' page says a postponement decided since awaits its decision"


async def test_the_earlier_events_page_does_not_say_a_lower_rung_than_the_one_the_draft_is_on(pool):
    """An overdue draft escalated to its head of agency at event 150, to the Government Office (VPCP) at event 300: the
    latest page says "escalated to VPCP"; the earlier events' page says "escalated to HEAD_OF_AGENCY"."""
    sid = await _draft(pool, "S40B3ESC", overdue=True)
    for seq in range(1, 1201):
        kind, level = {150: ("ESCALATION", "HEAD_OF_AGENCY"), 300: ("ESCALATION", "VPCP")}.get(seq, ("WARNING", None))
        await _event(pool, sid, seq, kind, level=level, label=f"nhắc việc số {seq}")
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        assert "escalated to the Government Office (VPCP)</strong>" in (await http.get(f"/board/drafts/{sid}")).text
        earlier = (await http.get(f"/board/drafts/{sid}", params={"before": 201})).text
        assert "escalated to the head of the agency (HEAD_OF_AGENCY)</strong>" not in earlier, "the earlier events' page shows a rung the draft has passed"


async def test_a_postponement_awaiting_its_decision_is_said_however_many_filings_follow_it(pool):
    """A request to move the deadline (event 2), then the dossier filed 60 times, each filing of 50 documents (about 20
    KB): the latest page (about 1 MB) starts after the request, and its header says nothing awaits, while the draft
    awaits the Deputy Prime Minister's decision (its status says so)."""
    sid = await _draft(pool, "S40B3FILE")
    await _event(pool, sid, 1, "SUBMITTED")
    await _event(pool, sid, 2, "POSTPONEMENT_REQUESTED")
    for seq in range(3, 63):
        await _event(pool, sid, seq, "DOSSIER_FILED", documents=_dossier(seq))
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        shown = await http.get(f"/board/drafts/{sid}")
    assert shown.status_code == 200, shown.text[-2000:]
    assert "Earlier events" in shown.text  # the page is cut by its budget, the request left on the earlier one
    assert "Postponement asked to Mar 1, 2027: awaiting decision" in shown.text, "the header says no postponement awaits"


async def test_an_overdue_drafts_rung_is_said_however_many_filings_follow_its_escalation(pool):
    """Escalated to VPCP (event 3), then the dossier filed 60 times: the header no longer says the rung (the API's
    status still says `escalated_to`)."""
    sid = await _draft(pool, "S40B3ESCF", overdue=True)
    await _event(pool, sid, 1, "SUBMITTED")
    await _event(pool, sid, 2, "DEADLINE_PASSED")
    await _event(pool, sid, 3, "ESCALATION", level="VPCP")
    for seq in range(4, 64):
        await _event(pool, sid, seq, "DOSSIER_FILED", documents=_dossier(seq))
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        shown = await http.get(f"/board/drafts/{sid}")
    assert shown.status_code == 200 and "Earlier events" in shown.text, shown.text[-2000:]
    assert "escalated to the Government Office (VPCP)</strong>" in shown.text, "the header no longer says the rung the overdue draft is on"


async def test_a_postponement_awaiting_its_decision_is_in_the_inbox_of_who_may_decide_it(pool):
    """Found by a trial: a request waiting for the Deputy Prime Minister was in no inbox (the Deputy Prime Minister's said
    nothing waited). It is in the inbox of each actor the rulebook names for the stage's postponements, until decided."""
    from schemas.enums import CallerRole

    sid = await _draft(pool, "S40B3INBOX")
    await pool.execute("UPDATE submissions SET stage = 'APPRAISAL', responsible = 'MOJ' WHERE submission_id = $1", sid)
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, "
                       "requested_deadline, documents) VALUES ($1, 1, $2, now(), 'POSTPONEMENT_REQUESTED', 'APPRAISAL', 'APPRAISAL', 'MOJ', "
                       "'BTP', '2027-03-01', '[]')", sid, f"draft-law-{sid}")

    async def inbox_of(agency: str, role: CallerRole) -> str:
        async with app_client(pool) as http:
            await signed_in(http, pool, agency=agency, role=role, language="en")
            answer = await http.get("/board/inbox")
            assert answer.status_code == 200, answer.text[-1000:]
            return answer.text

    for agency, role in (("CP", CallerRole.DEPUTY_PM), ("CP", CallerRole.PM)):
        shown = await inbox_of(agency, role)
        assert "Postponements awaiting your decision" in shown and f'href="/board/drafts/{sid}"' in shown, role
        assert "asked to Mar 1, 2027 by BTP" in shown
    for agency, role in (("BTP", CallerRole.MOJ), ("UBTVQH", CallerRole.UBTVQH)):
        assert "asked to Mar 1, 2027 by BTP" not in await inbox_of(agency, role), role  # its appraisal is MOJ's to decide, not this
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, "
                       "approved, documents) VALUES ($1, 2, $2, now(), 'POSTPONEMENT_DECIDED', 'APPRAISAL', 'APPRAISAL', 'DEPUTY_PM', 'CP', "
                       "true, '[]')", sid, f"draft-law-{sid}")
    assert f'href="/board/drafts/{sid}"' not in await inbox_of("CP", CallerRole.DEPUTY_PM)


async def test_an_escalation_to_the_head_of_the_agency_names_the_agency(pool):
    """Found by a Government Office's trial: "escalated to the head of the agency" named no agency."""
    sid = await _draft(pool, "S53HEAD", overdue=True)
    await pool.execute("UPDATE submissions SET responsible = 'BGDDT' WHERE submission_id = $1", sid)
    await _event(pool, sid, 1, "SUBMITTED")
    await _event(pool, sid, 2, "ESCALATION", level="HEAD_OF_AGENCY")
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        shown = html.unescape((await http.get(f"/board/drafts/{sid}")).text)
    assert "escalated to the head of the agency (HEAD_OF_AGENCY) · Ministry of Education and Training (BGDDT)</strong>" in shown, shown[-3000:]
    # A deciding body the registry names by its actor is named by its agency code, as the page names it elsewhere (a re-check).
    await pool.execute("UPDATE submissions SET responsible = 'MOJ' WHERE submission_id = $1", sid)
    async with app_client(pool) as http:
        await signed_in(http, pool, language="en")
        assert "(HEAD_OF_AGENCY) · Ministry of Justice (BTP)</strong>" in html.unescape((await http.get(f"/board/drafts/{sid}")).text)


async def test_a_deadline_an_approved_postponement_set_says_who_approved_it(pool):
    """Found by a Government Office's trial: `legis status` said "postponed with the approval of PM", the page nothing."""
    sid = await _draft(pool, "S53POST")
    await pool.execute("UPDATE submissions SET stage_deadline = '2027-03-01' WHERE submission_id = $1", sid)
    await _event(pool, sid, 1, "SUBMITTED")
    await _event(pool, sid, 2, "POSTPONEMENT_REQUESTED")
    await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, "
                       "approved, requested_deadline, occurred_on, documents) VALUES ($1, 3, $2, now(), 'POSTPONEMENT_DECIDED', 'DRAFTING', "
                       "'DRAFTING', 'PM', 'CP', true, '2027-03-01', '2026-12-01', '[]')", sid, f"draft-law-{sid}")
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi")
        shown = html.unescape((await http.get(f"/board/drafts/{sid}")).text)
        assert "đã lùi hạn, được Thủ tướng Chính phủ đồng ý ngày 01/12/2026 <span class=\"vi\">(PM)</span>" in shown, shown[-3000:]
        # A later request refused leaves the approval in force said (found by a re-check).
        await _event(pool, sid, 4, "POSTPONEMENT_REQUESTED")
        await pool.execute("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, actor, agency_code, "
                           "approved, requested_deadline, documents) VALUES ($1, 5, $2, now(), 'POSTPONEMENT_DECIDED', 'DRAFTING', "
                           "'DRAFTING', 'PM', 'CP', false, '2027-03-20', '[]')", sid, f"draft-law-{sid}")
        assert "đã lùi hạn, được Thủ tướng Chính phủ đồng ý ngày 01/12/2026" in html.unescape((await http.get(f"/board/drafts/{sid}")).text)
        # A deadline no longer the approved date (the calendar moved it since) is not said to be the approval's.
        await pool.execute("UPDATE submissions SET stage_deadline = '2027-02-20' WHERE submission_id = $1", sid)
        assert "đã lùi hạn" not in (await http.get(f"/board/drafts/{sid}")).text


async def test_a_vietnamese_timeline_says_its_alarms_in_vietnamese(pool):
    """Found by a re-check: under each alarm of a Vietnamese timeline, the follow-up's note in English ("50% of the window
    elapsed", "deadline 2026-11-30 passed", "escalated to RESPONSIBLE_OFFICIAL"); any other note as the draft wrote it."""
    sid = await _draft(pool, "S53ALARM", overdue=True)
    await _event(pool, sid, 1, "SUBMITTED")
    for seq, (kind, label, level) in enumerate((("WARNING", "50% of the window elapsed", None), ("WARNING", "5 days before the deadline", None),
                                                ("DEADLINE_PASSED", "deadline 2026-11-30 passed", None),
                                                ("ESCALATION", "escalated to RESPONSIBLE_OFFICIAL", "RESPONSIBLE_OFFICIAL")), start=2):
        await _event(pool, sid, seq, kind, label=label, level=level)
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi")
        shown = html.unescape((await http.get(f"/board/drafts/{sid}")).text)
    for said in ("đã qua 50% thời hạn", "còn 5 ngày đến hạn", "đã quá hạn 30/11/2026", "đã báo cáo lên chuyên viên, lãnh đạo đơn vị chủ trì"):
        assert f'<span class="vi">{said}</span>' in shown, (said, shown[-3000:])
    assert "window elapsed" not in shown and "escalated to RESPONSIBLE_OFFICIAL" not in shown
