"""Found by a National Assembly Office's trial: a draft that missed its Government decision's cut-off (DEADLINE_PASSED,
then SESSION_SLIPPED to the next session) and was decided afterwards, within the cut-off the later session gave it, was
counted "GOVERNMENT 1 on time, 0 late, 100%" by `legis report`. A slip is no approved postponement (DOMAIN.md: overdue
counts against the deadline in force, after any approved postponement): the stage finished late."""

from __future__ import annotations

from datetime import date, datetime

import asyncpg

from activities.reports import deadline_report
from workflows.deadlines import VIETNAM


async def test_a_stage_that_slipped_its_draft_to_a_later_session_finished_late(fresh_database_url):
    connection = await asyncpg.connect(fresh_database_url)
    try:
        for sid, slipped in (("SLIP-1", True), ("KEPT-1", False)):
            await connection.execute(
                "INSERT INTO submissions (submission_id, workflow_id, lead_ministry, process_version, target_session, stage, stage_since,"
                " classified, last_seq, responsible) VALUES ($1, $2, 'BGDDT', 'LAW_2025', '16-3', 'EXAMINATION', $3, false, 5, 'X')",
                sid, f"draft-law-{sid}", datetime(2027, 3, 2, tzinfo=VIETNAM))
            rows = [(2, "DECISION", "GOVERNMENT_REVIEW", "GOVERNMENT_DECISION", "VPCP", date(2027, 1, 5), date(2027, 1, 20)),
                    (4, "DECISION", "GOVERNMENT_DECISION", "EXAMINATION", "GOVERNMENT", date(2027, 3, 1), date(2027, 8, 30))]
            if slipped:
                rows[1:1] = [(3, "SESSION_SLIPPED", "GOVERNMENT_DECISION", "GOVERNMENT_DECISION", None, date(2027, 2, 5), date(2027, 8, 30))]
            for seq, event, stage, to_stage, actor, day, deadline in rows:
                await connection.execute(
                    "INSERT INTO audit_events (submission_id, seq, workflow_id, occurred_at, event, stage, to_stage, outcome, actor,"
                    " deadline, documents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '[]'::jsonb)",
                    sid, seq, f"draft-law-{sid}", datetime.combine(day, datetime.min.time(), tzinfo=VIETNAM).replace(hour=10), event,
                    stage, to_stage, "APPROVE" if event == "DECISION" else None, actor, deadline)
        rows = {r.agency: (r.on_time, r.late) for r in await deadline_report(connection, since=date(2027, 1, 1), until=date(2027, 4, 1),
                                                                                today=date(2027, 3, 3))}
        assert rows["GOVERNMENT"] == (1, 1) and rows["VPCP"] == (2, 0), rows
    finally:
        await connection.close()


def test_the_boards_timeline_marks_a_stage_that_slipped_late():
    """The board's draft page showed the same decision "on time, deadline Jan 15, 2027" (the cut-off the slip gave)."""
    from schemas.enums import EventKind, Outcome, Stage
    from schemas.views import HistoryEntry
    from web.board import finished_after_a_slip

    at = datetime(2027, 3, 1, 10, tzinfo=VIETNAM)

    def entry(seq: int, event: EventKind, stage: Stage, to_stage: Stage) -> HistoryEntry:
        return HistoryEntry(seq=seq, at=at, event=event, stage=stage, to_stage=to_stage,
                            outcome=Outcome.APPROVE if event is EventKind.DECISION else None)

    G, E, R = Stage.GOVERNMENT_DECISION, Stage.EXAMINATION, Stage.GOVERNMENT_REVIEW
    entries = [entry(2, EventKind.DECISION, R, G), entry(3, EventKind.SESSION_SLIPPED, G, G), entry(4, EventKind.DECISION, G, E),
               entry(5, EventKind.DECISION, E, Stage.STANDING_COMMITTEE_OPINION)]
    assert finished_after_a_slip(entries) == {4}
    assert finished_after_a_slip([e for e in entries if e.seq != 3]) == set()
