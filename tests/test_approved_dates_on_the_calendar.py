"""A calendar move's refusal (`cutoffs_would_pass`) for drafts with an approved postponement, against what the draft core
does with the move (found by a breaker of `store.registry.cutoffs_counted_from`'s `approved_standing`).

The draft's own operations are run in the pure core on the pure tests' clock, and each event they record is written to
the audit trail and the registry by the very statement the audit activity uses (`activities.audit._RECORD`), so that
the registry holds what a running draft would leave there. Then `refuse_cutoffs_passing` is asked about a session
brought forward, and the core is told the same calendar change."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from activities.audit import _RECORD, _arguments
from schemas.calendar import SessionCalendar
from schemas.enums import Actor, DocumentKind, EventKind, Outcome, Role, Stage
from schemas.messages import DossierFiling
from tests.drafts import NOW, answer_postponement, ask_postponement, core_request, core_state, decision, document, postponed, session
from workflows import draft, sessions
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)


async def written(db, applied, run="run-1"):
    """Write `applied`'s events as the workflow shell does (the registry as the state the operation ends with), as `run`."""
    row, cutoffs = views.registry_row(applied.state, "draft-law-x"), sessions.registry_cutoffs(applied.state)
    for effect in applied.effects:
        if isinstance(effect, Record):
            await db.fetchval(_RECORD, *_arguments(effect.entry, row, run, cutoffs))
    return applied.state


def session_with_cutoff(state, code_number: int, cutoff):
    """Session 16-`code_number` opening on the day whose GOVERNMENT_DECISION cut-off is `cutoff`."""
    for days in range(0, 400):
        candidate = session(code_number, days)
        if sessions.statutory_deadline(state, candidate) == cutoff:
            return candidate
    raise AssertionError(cutoff)


async def build(db, *, backdated: bool, write=None):
    """A draft at GOVERNMENT_DECISION; a date approved after its cut-off; the session moved later so that its cut-off is
    that date (the conflict ends); then, the same day, the Government returns the draft to its review and the review
    approves it again (entered with `occurred_on` today when `backdated`, as an operator entering the day's decisions
    does): the draft is back at GOVERNMENT_DECISION, its postponement gone with the stage it left, its deadline the
    session's cut-off, which happens to be the date approved at the earlier visit."""
    write = write or written
    request = core_request(target=session(2, 200))
    later = session(3, 380)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later])
    await write(db, draft.Applied(state, [Record(e) for e in state.recent]))
    now = NOW + timedelta(hours=1)
    cutoff = sessions.statutory_deadline(state)
    approved = cutoff + timedelta(days=21)
    while approved.weekday() >= 5:
        approved += timedelta(days=1)
    state = await write(db, postponed(state, approved, now))
    moved = session_with_cutoff(state, 2, approved)
    now += timedelta(hours=1)
    state = await write(db, draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(moved, later), changed_by="VPQH"), now))
    assert state.postponement is not None and state.deadline == approved and sessions.postponement_conflict(state, now) is None
    on = {"occurred_on": TODAY} if backdated else {}
    now += timedelta(hours=1)
    back = decision(request, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=Stage.GOVERNMENT_REVIEW).model_copy(update=on)
    state = await write(db, draft.perform(draft.DECIDE, state, back, now))
    now += timedelta(hours=1)
    state = await write(db, draft.perform(draft.DECIDE, state, decision(request, Stage.GOVERNMENT_REVIEW).model_copy(update=on), now))
    assert state.stage is Stage.GOVERNMENT_DECISION and state.postponement is None and state.deadline == approved
    return request, state, moved, now


@pytest.mark.parametrize("backdated", [False, True], ids=["entered-live", "entered-with-occurred_on-today"])
async def test_an_approval_at_an_earlier_visit_of_the_stage_does_not_stand(fresh_database_url, backdated):
    from cli.cutoff_guard import refuse_cutoffs_passing
    from cli.failures import Rejected
    from store.registry import cutoffs_counted_from

    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state, moved, now = await build(db, backdated=backdated)
        [row] = await cutoffs_counted_from(db, moved.code)
        # The draft holds no approved date: its deadline is the session's cut-off, and moves with it.
        brought_forward = moved.model_copy(update={"opens_on": moved.opens_on - timedelta(days=200)})
        after = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(brought_forward, session(3, 380)), changed_by="VPQH"),
                              now + timedelta(hours=1))
        events = [e.entry.event for e in after.effects if isinstance(e, Record)]
        assert EventKind.SESSION_SLIPPED in events, events  # what the refusal is there to prevent
        with pytest.raises(Rejected):
            await refuse_cutoffs_passing(db, brought_forward, moved.opens_on, TODAY)
        assert not row["approved_standing"], dict(row)
    finally:
        await db.close()


async def test_a_first_generation_draft_does_not_keep_its_approved_date(fresh_database_url):
    """A draft of the first generation (README: it runs on with the behaviour its history recorded) keeps no approved
    postponement: a calendar change counts its deadline again from the session (`Change.recompute`), and the move makes
    it slip. It is counted, and the move refused, its date not said to stand (it records no counted cut-off beside it)."""
    from cli.cutoff_guard import refuse_cutoffs_passing
    from cli.failures import Rejected
    from store.registry import cutoffs_counted_from

    db = await asyncpg.connect(fresh_database_url)
    try:
        request = core_request(target=session(2, 200))
        later = session(3, 380)
        state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later], generation=1)
        await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
        now = NOW + timedelta(hours=1)
        approved = sessions.statutory_deadline(state) + timedelta(days=10)
        state = await written(db, postponed(state, approved, now))
        assert state.deadline == approved
        [row] = await cutoffs_counted_from(db, request.target_session.code)
        brought_forward = request.target_session.model_copy(update={"opens_on": TODAY + timedelta(days=20)})
        after = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(brought_forward, later), changed_by="VPQH"),
                              now + timedelta(hours=1))
        events = [e.entry.event for e in after.effects if isinstance(e, Record)]
        assert EventKind.SESSION_SLIPPED in events, events  # the first generation drops the approved date and slips
        with pytest.raises(Rejected):
            await refuse_cutoffs_passing(db, brought_forward, request.target_session.opens_on, TODAY)
        assert not row["approved_standing"], dict(row)
    finally:
        await db.close()


async def test_a_session_brought_forward_before_the_next_stage_s_cut_off_is_refused_for_a_draft_with_an_approved_date(fresh_database_url):
    """A draft at GOVERNMENT_DECISION whose approved date stands within the cut-off (the session moved later after the
    approval). The session is then brought forward by a mistyped day, to open in 10 days: the approved date still
    stands at GOVERNMENT_DECISION, but the EXAMINATION cut-off (15 days before the opening) is already past, so the draft
    records it missed and slips the day it reaches EXAMINATION (the seventeenth generation's own case): the move is
    refused for it, its approved date named as standing."""
    from cli.cutoff_guard import refuse_cutoffs_passing
    from cli.failures import Rejected
    from store.registry import cutoffs_counted_from

    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state, moved, later, approved, now = await standing_within_its_cutoff(db)
        assert sessions.postponement_conflict(state, now) is None  # within its cut-off now
        [row] = await cutoffs_counted_from(db, moved.code)
        assert row["approved_standing"]
        typo = moved.model_copy(update={"opens_on": TODAY + timedelta(days=10)})
        # What the draft does with the move: keeps its approved date, then misses EXAMINATION's cut-off once it gets there.
        now += timedelta(hours=1)
        after = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(typo, later), changed_by="VPQH"), now).state
        assert after.deadline == approved and after.target.code == "16-2"
        reached = draft.perform(draft.DECIDE, after, decision(request, Stage.GOVERNMENT_DECISION), now + timedelta(days=1)).state
        assert reached.stage is Stage.EXAMINATION
        ticked = draft.tick(reached, now + timedelta(days=1, hours=1))
        events = [e.entry.event for e in ticked.effects if isinstance(e, Record)]
        assert EventKind.DEADLINE_PASSED in events and EventKind.SESSION_SLIPPED in events, events
        with pytest.raises(Rejected) as refused:
            await refuse_cutoffs_passing(db, typo, moved.opens_on, TODAY)
        assert f"its approved date {approved} standing" in str(refused.value), refused.value
    finally:
        await db.close()


# Where the audit trail misled the registry's approved date (`store.registry.approved_standing`, the board's draft page):
# a reset run's events placed after an abandoned branch's, a dead-lettered return to the stage, an approved date whose
# counted cut-off stays ahead.


async def at_government_decision_written(db):
    """A draft at GOVERNMENT_DECISION aimed at a session 200 days on, the next announced 380 days on, its events written as
    the draft writes them: (its request, its state)."""
    request = core_request(target=session(2, 200))
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, session(3, 380)])
    await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
    return request, state


async def standing_within_its_cutoff(db):
    """GOVERNMENT_DECISION; a date approved after the cut-off; the session moved later so that the date stands."""
    request, state = await at_government_decision_written(db)
    later = state.sessions[-1]
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
    from cli.cutoff_guard import refuse_cutoffs_passing

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
        await refuse_cutoffs_passing(db, earlier, moved.opens_on, today)  # raises Rejected: cutoffs_would_pass
    finally:
        await db.close()


async def test_a_dead_lettered_return_to_the_stage_does_not_bring_back_an_earlier_visit_s_approval(fresh_database_url):
    """`build` (an approval at an earlier visit of GOVERNMENT_DECISION
    whose date is the cut-off the draft has now, back at it by a decision entered live), with the event that brought
    the draft back kept as a dead letter (a gap in the trail: the database refused it for its data). The registry's
    stage_since is the re-entry's; the approval, recorded before, belongs to the earlier visit."""
    from store import board
    from store.registry import cutoffs_counted_from

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
        request, state, moved, now = await build(db, backdated=False, write=dead_lettering)
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


async def test_the_sessions_page_names_an_approved_date_standing_within_its_cut_off_under_every_sitting(fresh_database_url):
    """Found by a Government Office's trial: under the Standing Committee meeting before its session, an approved date read
    "counted back from 16-3", where the draft's page and `legis status` say it is the approved postponement's date."""
    from store import board
    from web.board import drafts_by_sitting

    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state, moved, _, approved, _ = await standing_within_its_cutoff(db)
        [row] = [r for r in await board.drafts_aimed_at(db, [moved.code], [], own_agency=None) if r["submission_id"] == request.submission_id]
        assert row["approved_standing"] and row["cutoff"] == approved
        listed = drafts_by_sitting([board.Sitting(code=moved.code, opens_on=moved.opens_on, kind="REGULAR")], [row], TODAY)
        [marked] = listed[moved.code]
        assert (marked.approved, marked.counted_from, marked.standing.cutoff) == (True, moved.code, approved)
    finally:
        await db.close()


async def test_a_date_asked_after_a_slip_the_calendar_then_overtook_is_said_unapprovable_in_the_deciding_inbox(fresh_database_url):
    """Found by a breaker: `postponements_asked.unapprovable` counted any approval at the stage since it began as a date standing; the draft
    counts `state.postponement`, which a slip clears (`Change.slip`) without a change of stage. An approved date after the
    cut-off passes, the draft slips to the next session, its ministry asks a date after the new deadline, the next session
    moves later past that date: the draft refuses the approval (`later_than_current`), the inbox offers "Approve"."""
    import asyncpg

    from schemas.calendar import SessionCalendar
    from schemas.enums import EventKind
    from schemas.refusal import Refused
    from store.board import postponements_asked
    from tests.drafts import NOW, answer_postponement, ask_postponement, postponed
    from tests.test_approved_dates_on_the_calendar import written
    from workflows import draft, sessions
    from workflows.change import Record
    from workflows.deadlines import passes_at

    db = await asyncpg.connect(fresh_database_url)
    try:
        request, state = await at_government_decision_written(db)
        third = state.sessions[-1]
        now = NOW + timedelta(hours=1)
        approved = sessions.statutory_deadline(state) + timedelta(days=10)
        state = await written(db, postponed(state, approved, now))
        now = passes_at(approved) + timedelta(hours=1)
        ticked = draft.tick(state, now)
        assert EventKind.SESSION_SLIPPED in [e.entry.event for e in ticked.effects if isinstance(e, Record)]
        state = await written(db, ticked)
        assert state.stage is Stage.GOVERNMENT_DECISION and state.postponement is None and state.target.code == "16-3"
        asked_for = state.deadline + timedelta(days=5)
        now += timedelta(hours=1)
        state = await written(db, ask_postponement(state, asked_for, now))
        now += timedelta(hours=1)
        later = third.model_copy(update={"opens_on": third.opens_on + timedelta(days=30)})
        state = await written(db, draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(request.target_session, later),
                                                                                                   changed_by="VPQH"), now))
        assert state.deadline > asked_for and state.pending_postponement is not None
        refused = None
        try:
            answer_postponement(state, now + timedelta(hours=1), approved=True)
        except Refused as error:
            refused = error
        assert refused is not None and "later_than_current" in repr(refused.__dict__) + str(refused), refused
        assert await db.fetchval("SELECT stage_deadline FROM submissions WHERE submission_id = $1", request.submission_id) == state.deadline
        [asked] = [a for a in await postponements_asked(db, own_agency=None) if a.row.submission_id == request.submission_id]
        assert asked.unapprovable, "the inbox offers an approval the draft refuses (later_than_current)"
    finally:
        await db.close()
