"""What drafts raise to the offices that follow them, in those offices' inboxes (found by a National Assembly Office
official's trial: `legis status` said a postponement's conflict was "raised to the National Assembly Office", and the
Office's inbox said nothing waited for it)."""

from __future__ import annotations

import uuid

from schemas.enums import CallerRole
from tests.test_board_forms import app_client
from tests.test_board_pages import is_page, signed_in


async def _draft_raising(pool, stage: str, level: str, event: str, label: str, *, stage_left: bool = False) -> str:
    sid = f"RAISED-{uuid.uuid4().hex[:8]}"
    await pool.execute("INSERT INTO submissions (submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, "
                       "stage_since, classified, last_seq, responsible) VALUES ($1, $2, $3, 'BNNMT', 'LAW_2025', '16-3', $4, now(), false, 3, 'UBTVQH')",
                       sid, f"draft-law-{sid}", f"Luật thử {sid}", "DRAFTING" if stage_left else stage)
    events = [(1, "SUBMITTED", stage, None, None, None), (2, event, stage, None, level, label)]
    if stage_left:  # the draft left the stage since: what it raised there is done with
        events.append((3, "DECISION", stage, "DRAFTING", None, None))
    await pool.executemany("INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, escalation_level, label) "
                           "VALUES ($1, $2, $3, now(), $4, $5, $6, $7, $8)",
                           [(sid, seq, f"draft-law-{sid}", kind, at, to, lvl, said) for seq, kind, at, to, lvl, said in events])
    return sid


async def test_a_conflict_raised_to_the_national_assembly_office_waits_in_its_inbox_alone(pool):
    conflict = await _draft_raising(pool, "INTER_SESSION_REVISION", "VPQH", "POSTPONEMENT_CONFLICT",
                                    "the approved date 2027-04-09 is after the cut-off 2027-03-22 for session 16-3; the National Assembly "
                                    "Office resolves it with UBTVQH")
    escalated = await _draft_raising(pool, "GOVERNMENT_REVIEW", "VPCP", "ESCALATION", "deadline passed: escalated to the Government Office")
    done_with = await _draft_raising(pool, "EXAMINATION", "VPQH", "ESCALATION", "escalated", stage_left=True)
    async with app_client(pool) as http:
        await signed_in(http, pool, language="vi", agency="VPQH", role=CallerRole.OPERATOR)
        vpqh = is_page(await http.get("/board/inbox"), 200)
        await signed_in(http, pool, language="en", agency="VPCP", role=CallerRole.OPERATOR)
        vpcp = is_page(await http.get("/board/inbox"), 200)
        await signed_in(http, pool, language="en", agency="BNNMT", role=CallerRole.LEAD_MINISTRY)
        ministry = is_page(await http.get("/board/inbox"), 200)
    assert "Việc báo cáo lên cơ quan" in vpqh and conflict in vpqh and "(POSTPONEMENT_CONFLICT," in vpqh, vpqh[-3000:]
    assert "the National Assembly Office resolves it with UBTVQH" in vpqh
    assert escalated not in vpqh and done_with not in vpqh
    assert "Raised to your office" in vpcp and escalated in vpcp and conflict not in vpcp
    assert "Raised to your office" not in ministry
