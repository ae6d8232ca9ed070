"""A calendar move's refusal (`cutoffs_would_pass`) for drafts with an approved postponement, against what the draft core
does with the move (found by a breaker of `store.registry.cutoffs_counted_from`'s `approved_standing`).

The draft's own operations are run in the pure core on the pure tests' clock, and each event they record is written to
the audit trail and the registry by the very statement the audit activity uses (`activities.audit._RECORD`), so that
the registry holds what a running draft would leave there. Then `_refuse_cutoffs_passing` is asked about a session
brought forward, and the core is told the same calendar change."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from activities.audit import _RECORD, _arguments
from schemas.calendar import SessionCalendar
from schemas.enums import EventKind, Outcome, Stage
from tests.drafts import NOW, core_request, core_state, decision, postponed, session
from workflows import draft, sessions
from workflows import draft_views as views
from workflows.change import Record
from workflows.deadlines import local_day

TODAY = local_day(NOW)


async def written(db, applied):
    """Write `applied`'s events as the workflow shell does (the registry as the state the operation ends with)."""
    row, cutoffs = views.registry_row(applied.state, "draft-law-x"), sessions.registry_cutoffs(applied.state)
    for effect in applied.effects:
        if isinstance(effect, Record):
            await db.fetchval(_RECORD, *_arguments(effect.entry, row, "run-1", cutoffs))
    return applied.state


def session_with_cutoff(state, code_number: int, cutoff):
    """Session 16-`code_number` opening on the day whose GOVERNMENT_DECISION cut-off is `cutoff`."""
    for days in range(0, 400):
        candidate = session(code_number, days)
        if sessions.statutory_deadline(state, candidate) == cutoff:
            return candidate
    raise AssertionError(cutoff)


async def build(db, *, backdated: bool):
    """A draft at GOVERNMENT_DECISION; a date approved after its cut-off; the session moved later so that its cut-off is
    that date (the conflict ends); then, the same day, the Government returns the draft to its review and the review
    approves it again (entered with `occurred_on` today when `backdated`, as an operator entering the day's decisions
    does): the draft is back at GOVERNMENT_DECISION, its postponement gone with the stage it left, its deadline the
    session's cut-off, which happens to be the date approved at the earlier visit."""
    request = core_request(target=session(2, 200))
    later = session(3, 380)
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later])
    await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
    now = NOW + timedelta(hours=1)
    cutoff = sessions.statutory_deadline(state)
    approved = cutoff + timedelta(days=21)
    while approved.weekday() >= 5:
        approved += timedelta(days=1)
    state = await written(db, postponed(state, approved, now))
    moved = session_with_cutoff(state, 2, approved)
    now += timedelta(hours=1)
    state = await written(db, draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(moved, later), changed_by="VPQH"), now))
    assert state.postponement is not None and state.deadline == approved and sessions.postponement_conflict(state, now) is None
    on = {"occurred_on": TODAY} if backdated else {}
    now += timedelta(hours=1)
    back = decision(request, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION, return_to=Stage.GOVERNMENT_REVIEW).model_copy(update=on)
    state = await written(db, draft.perform(draft.DECIDE, state, back, now))
    now += timedelta(hours=1)
    state = await written(db, draft.perform(draft.DECIDE, state, decision(request, Stage.GOVERNMENT_REVIEW).model_copy(update=on), now))
    assert state.stage is Stage.GOVERNMENT_DECISION and state.postponement is None and state.deadline == approved
    return request, state, moved, now


@pytest.mark.parametrize("backdated", [False, True], ids=["entered-live", "entered-with-occurred_on-today"])
async def test_an_approval_at_an_earlier_visit_of_the_stage_does_not_stand(fresh_database_url, backdated):
    from cli.calendar import _refuse_cutoffs_passing
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
            await _refuse_cutoffs_passing(db, brought_forward, moved.opens_on, TODAY)
        assert not row["approved_standing"], dict(row)
    finally:
        await db.close()


async def test_a_first_generation_draft_does_not_keep_its_approved_date(fresh_database_url):
    """A draft of the first generation (README: it runs on with the behaviour its history recorded) keeps no approved
    postponement: a calendar change counts its deadline again from the session (`Change.recompute`), and the move makes
    it slip. It is counted, and the move refused, its date not said to stand (it records no counted cut-off beside it)."""
    from cli.calendar import _refuse_cutoffs_passing
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
            await _refuse_cutoffs_passing(db, brought_forward, request.target_session.opens_on, TODAY)
        assert not row["approved_standing"], dict(row)
    finally:
        await db.close()


async def test_a_session_brought_forward_before_the_next_stage_s_cut_off_is_refused_for_a_draft_with_an_approved_date(fresh_database_url):
    """A draft at GOVERNMENT_DECISION whose approved date stands within the cut-off (the session moved later after the
    approval). The session is then brought forward by a mistyped day, to open in 10 days: the approved date still
    stands at GOVERNMENT_DECISION, but the EXAMINATION cut-off (15 days before the opening) is already past, so the draft
    records it missed and slips the day it reaches EXAMINATION (the seventeenth generation's own case): the move is
    refused for it, its approved date named as standing."""
    from cli.calendar import _refuse_cutoffs_passing
    from cli.failures import Rejected
    from store.registry import cutoffs_counted_from

    db = await asyncpg.connect(fresh_database_url)
    try:
        request = core_request(target=session(2, 200))
        later = session(3, 380)
        state = core_state(request, at=Stage.GOVERNMENT_DECISION, sessions=[request.target_session, later])
        await written(db, draft.Applied(state, [Record(e) for e in state.recent]))
        now = NOW + timedelta(hours=1)
        approved = sessions.statutory_deadline(state) + timedelta(days=21)
        state = await written(db, postponed(state, approved, now))
        moved = request.target_session.model_copy(update={"opens_on": request.target_session.opens_on + timedelta(days=40)})
        now += timedelta(hours=1)
        state = await written(db, draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(moved, later), changed_by="VPQH"), now))
        assert state.deadline == approved and sessions.postponement_conflict(state, now) is None  # within its cut-off now
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
            await _refuse_cutoffs_passing(db, typo, moved.opens_on, TODAY)
        assert f"its approved date {approved} standing" in str(refused.value), refused.value
    finally:
        await db.close()
