"""The registry's approved date standing (`store.registry.approved_standing`, the board's draft page) and a calendar
move's refusal, where the audit trail misled them: a reset run's events placed after an abandoned branch's, a dead-lettered
return to the stage, an approved date whose counted cut-off stays ahead (found by a breaker)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from activities.audit import _RECORD, _arguments
from schemas.calendar import SessionCalendar
from schemas.enums import Actor, DocumentKind, EventKind, Outcome, Role, Stage
from schemas.messages import DossierFiling
from tests.drafts import NOW, answer_postponement, ask_postponement, core_request, core_state, decision, document, session
from tests.test_approved_dates_on_the_calendar import session_with_cutoff
from workflows import draft, sessions
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)


async def written(db, applied, run="run-1"):
    row, cutoffs = views.registry_row(applied.state, "draft-law-x"), sessions.registry_cutoffs(applied.state)
    for effect in applied.effects:
        if isinstance(effect, Record):
            await db.fetchval(_RECORD, *_arguments(effect.entry, row, run, cutoffs))
    return applied.state


async def standing_within_its_cutoff(db):
    """GOVERNMENT_DECISION; a date approved after the cut-off; the session moved later so that the date stands."""
    request = core_request(target=session(2, 200))
    later = session(3, 380)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later])
    await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
    now = NOW + timedelta(hours=1)
    approved = sessions.statutory_deadline(state) + timedelta(days=21)
    while approved.weekday() >= 5:
        approved += timedelta(days=1)
    asked = ask_postponement(state, approved, now)
    await written(db, asked)
    state = await written(db, answer_postponement(asked.state, now))
    moved = session_with_cutoff(state, 2, approved + timedelta(days=14))
    now += timedelta(hours=1)
    state = await written(db, draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(moved, later), changed_by="VPQH"), now))
    assert state.postponement is not None and state.deadline == approved
    return request, state, moved, later, approved, now


async def test_a_reset_run_keeps_the_approved_date_its_history_holds(fresh_database_url):
    """Run 1 returns the draft to its review and brings it back to GOVERNMENT_DECISION; the workflow is then reset to
    just after the approval (the return was a mistake). The reset run stands at GOVERNMENT_DECISION with its approved
    date in force; its events are placed after the abandoned branch's. The registry's approved date should be the one
    the running draft holds."""
    from store import board
    from store.registry import cutoffs_counted_from

    db = await asyncpg.connect(fresh_database_url)
    try:
        request, at_reset, moved, later, approved, now = await standing_within_its_cutoff(db)
        # Run 1, the branch the reset abandons: returned, and back.
        back = decision(request, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=Stage.GOVERNMENT_REVIEW)
        state = await written(db, draft.perform(draft.DECIDE, at_reset, back, now + timedelta(hours=1)))
        state = await written(db, draft.perform(draft.DECIDE, state, decision(request, Stage.GOVERNMENT_REVIEW), now + timedelta(hours=2)))
        assert state.stage is Stage.GOVERNMENT_DECISION and state.postponement is None
        # Run 2 (the reset run) goes on from `at_reset`: a filing at GOVERNMENT_DECISION, placed after the abandoned events.
        filing = DossierFiling(stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry,
                               role=Role.MINISTER, official="x", documents=(document(DocumentKind.DRAFT_TEXT),))
        reset = await written(db, draft.perform(draft.FILE_DOSSIER, at_reset, filing, now + timedelta(hours=3)), run="run-2")
        assert reset.postponement is not None and reset.deadline == approved
        [row] = await cutoffs_counted_from(db, moved.code)
        reg = await board.one(db, request.submission_id, own_agency=None)
        assert (reg.stage, reg.stage_deadline) == (Stage.GOVERNMENT_DECISION, approved)
        assert await board.approved_standing(db, reg.submission_id), "board: the running draft's approved date not said to stand"
        assert row["approved_standing"], dict(row)
    finally:
        await db.close()


async def test_a_move_that_leaves_every_cut_off_ahead_is_not_refused_for_an_approved_date(fresh_database_url):
    """The approved date stands 14 days within the GOVERNMENT_DECISION cut-off; the session is brought forward 7 days.
    The draft keeps its date, every cut-off is still ahead, nothing is missed, nothing slips: yet the move is refused,
    saying the draft would record its cut-off missed and slip."""
    from cli.calendar import _refuse_cutoffs_passing

    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state, moved, later, approved, now = await standing_within_its_cutoff(db)
        # Today is 3 days before the approved date (the draft core on its own clock; the refusal asked about that day).
        today = approved - timedelta(days=3)
        then = now.replace(year=today.year, month=today.month, day=today.day)
        earlier = moved.model_copy(update={"opens_on": moved.opens_on - timedelta(days=7)})
        after = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(earlier, later), changed_by="VPQH"), then)
        events = [e.entry.event for e in after.effects if isinstance(e, Record)]
        assert after.state.deadline == approved and after.state.target.code == "16-2"
        assert EventKind.SESSION_SLIPPED not in events and EventKind.POSTPONEMENT_CONFLICT not in events, events
        assert sessions.statutory_deadline(after.state) >= today + timedelta(days=7)  # the cut-off, moved, still well ahead
        await _refuse_cutoffs_passing(db, earlier, moved.opens_on, today)  # raises Rejected: cutoffs_would_pass
    finally:
        await db.close()


async def test_a_dead_lettered_return_to_the_stage_does_not_bring_back_an_earlier_visit_s_approval(fresh_database_url):
    """tests/test_approved_dates_on_the_calendar.py's `build` (an approval at an earlier visit of GOVERNMENT_DECISION
    whose date is the cut-off the draft has now, back at it by a decision entered live), with the event that brought
    the draft back kept as a dead letter (a gap in the trail: the database refused it for its data). The registry's
    stage_since is the re-entry's; the approval, recorded before, belongs to the earlier visit."""
    from store import board
    from store.registry import cutoffs_counted_from
    from tests import test_approved_dates_on_the_calendar as module

    entries = []

    async def dead_lettering(db, applied):  # the second entry to GOVERNMENT_DECISION is not written: a gap
        kept = []
        for e in applied.effects:
            if isinstance(e, Record) and e.entry.to_stage is Stage.GOVERNMENT_DECISION and e.entry.stage is not Stage.GOVERNMENT_DECISION:
                entries.append(e.entry.seq)
                if len(entries) == 2:
                    continue
            kept.append(e)
        return await written(db, draft.Applied(applied.state, kept))

    db = await asyncpg.connect(fresh_database_url)
    try:
        original, module.written = module.written, dead_lettering
        try:
            request, state, moved, now = await module.build(db, backdated=False)
        finally:
            module.written = original
        assert state.postponement is None and len(entries) == 2
        # The draft goes on at GOVERNMENT_DECISION: its next event is written, and the registry with it.
        filing = DossierFiling(stage=Stage.GOVERNMENT_DECISION, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry,
                               role=Role.MINISTER, official="x", documents=(document(DocumentKind.DRAFT_TEXT),))
        state = await written(db, draft.perform(draft.FILE_DOSSIER, state, filing, now + timedelta(hours=1)))
        assert state.postponement is None
        [row] = await cutoffs_counted_from(db, moved.code)
        reg = await board.one(db, request.submission_id, own_agency=None)
        assert not await board.approved_standing(db, reg.submission_id), "board: the earlier visit's approval taken for this visit's"
        assert not row["approved_standing"], dict(row)
    finally:
        await db.close()
