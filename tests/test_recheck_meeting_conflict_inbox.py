"""Found by a re-check: a conflict raised to the National Assembly Office, ended by its meeting's move, stays in
the Office's inbox.

Reproduced with the CLI and the board: `legis calendar set-meeting UBTVQH-71 --on 2028-04-12`; an ORDINANCE aimed at 16-5
(2028-05-20) entered under way at EXAMINATION; the committee asks for 2028-04-25 and the Standing Committee approves it,
after the cut-off 2028-03-31 counted back from UBTVQH-71: POSTPONEMENT_CONFLICT, level VPQH. Then `legis calendar
remove-meeting UBTVQH-71 --by VPQH` (or `set-meeting UBTVQH-70 --on 2026-12-15`, a meeting moved before 16-4): the draft's
MEETING_SCHEDULED says "... no Standing Committee meeting is announced before session 16-5: the conflict raised to the
National Assembly Office has ended", `legis status` no longer warns of it, yet /board/inbox of a VPQH token still lists
the draft under "Việc báo cáo lên cơ quan" with the conflict's note.

README, "A draft's long life": "A meeting moved or called off so that an approved date no longer falls after its cut-off,
as the office's page shows the conflict (its cut-off passed or not), says with the move (MEETING_SCHEDULED ...) that the
conflict raised for it has ended"; the board's inbox lists a conflict only "until ... the sitting moves so that the date is
within its cut-off, or that cut-off passes". The registry then records no cut-off (`cutoff` NULL), which the inbox's query
(`store.board._raised`) reads as a conflict standing.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from schemas.calendar import SessionCalendar, StandingCommitteeMeeting
from schemas.enums import Actor, EscalationLevel, EventKind, LawKind, Role, Stage
from schemas.messages import PostponementDecision, PostponementRequest
from store.board import raised_to
from tests.drafts import NOW, core_request, core_state, session
from tests.test_approved_dates_on_the_calendar import TODAY, written
from workflows import draft, sessions
from workflows.change import Record


async def test_a_conflict_the_meetings_removal_ended_leaves_the_national_assembly_offices_inbox(fresh_database_url):
    db = await asyncpg.connect(fresh_database_url)
    try:
        target = session(3, 300)
        before = session(2, 100)
        meeting = StandingCommitteeMeeting(code="UBTVQH-71", meets_on=target.opens_on - timedelta(days=40))
        request = core_request(law_kind=LawKind.ORDINANCE, target=target)
        state = core_state(request, at=Stage.EXAMINATION, sessions=[before, target], meetings=[meeting])
        await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
        cutoff = sessions.statutory_deadline(state)
        now = NOW + timedelta(hours=1)
        asked = draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
            stage=Stage.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code=state.examining_committee or "UBPLTP",
            role=Role.COMMITTEE_CHAIR, official="Chủ nhiệm", new_deadline=cutoff + timedelta(days=25), reason="chờ"), now)
        state = await written(db, asked)
        decided = draft.perform(draft.DECIDE_POSTPONEMENT, state, PostponementDecision(
            stage=Stage.EXAMINATION, approved=True, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR,
            official="Chủ tịch Quốc hội"), now)
        state = await written(db, decided)
        assert any(e.entry.event is EventKind.POSTPONEMENT_CONFLICT for e in decided.effects if isinstance(e, Record))
        rows, _ = await raised_to(db, EscalationLevel.VPQH, own_agency=None, today=TODAY)
        assert request.submission_id in [r.row.submission_id for r in rows]

        removed = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(before, target), changed_by="VPQH"),
                                now + timedelta(hours=1))
        state = await written(db, removed)
        labels = [e.entry.label or "" for e in removed.effects if isinstance(e, Record)]
        assert any("the conflict raised to the National Assembly Office has ended" in label for label in labels), labels
        assert sessions.postponement_conflict(state, now + timedelta(hours=1)) is None

        rows, _ = await raised_to(db, EscalationLevel.VPQH, own_agency=None, today=TODAY)
        assert request.submission_id not in [r.row.submission_id for r in rows], (
            "the draft's trail says the conflict raised to the National Assembly Office has ended; the Office's inbox still lists it")
    finally:
        await db.close()
